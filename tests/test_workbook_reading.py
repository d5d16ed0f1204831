"""Reading an .xlsx: the same deals and the same located errors whatever the spelling of its XML.

The reader has a fast path for the usual spelling (Excel's and openpyxl's: no namespace prefixes,
``r``, ``s``, ``t`` in that order, a cell decoded once per distinct content) and a general one;
these tests rewrite real workbooks into other valid spellings and read them back.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import MINIMAL_DEAL_ROW

from bidgen.inputs.load import load_any
from bidgen.inputs.models import Deal
from bidgen.inputs.tables import _Decoder
from bidgen.inputs.workbook import WorkbookError, read_workbook
from bidgen.inputs.workbook_write import write_workbook

ROOT = Path(__file__).resolve().parent.parent
MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _sample_book(path: Path) -> Path:
    models = [load_any(p) for p in sorted((ROOT / "samples").glob("*.yaml"))]
    deal = next(m for m in models if isinstance(m, Deal))
    # the samples and 30 copies of one deal: the same cells recur from deal to deal, as in a real batch
    models += [deal.model_copy(update={"id": f"D-{k:03d}"}) for k in range(30)]
    return write_workbook(models, path)


def _rewrite(path: Path, out: Path, change, part: str = "xl/worksheets/sheet") -> Path:
    """``path`` with every worksheet's XML (or those whose part name starts with ``part``) passed
    through ``change``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.startswith(part):
                new = change(data)
                assert new != data, info.filename  # the spelling did change
                data = new
            zout.writestr(info, data)
    return out


def _prefixed(data: bytes) -> bytes:
    """Every element of the main namespace written with a prefix (``<x:row>``, ``<x:c>``)."""
    data = re.sub(rb"<(/?)([A-Za-z]+)(?=[\s/>])", rb"<\1x:\2", data)
    return data.replace(b'xmlns="' + MAIN + b'"', b'xmlns:x="' + MAIN + b'"')


def _rich(data: bytes) -> bytes:
    """Every inline string of more than one character as rich text: two runs (split at its first blank),
    the first coloured."""
    def runs(m: re.Match[bytes]) -> bytes:
        head, blank, rest = m.group(1).partition(b" ")
        return (b'<is><r><rPr><color rgb="FFFF0000"/><b/></rPr><t>' + head + b'</t></r><r><t xml:space="preserve">'
                + blank + rest + b"</t></r></is>")
    return re.sub(rb"<is><t>([^<]{2,})</t></is>", runs, data)


def _spaced(data: bytes) -> bytes:
    """Row and data ends with a blank before ``>`` (valid XML the usual spelling never has)."""
    return data.replace(b"</row>", b"</row >").replace(b"</sheetData>", b"</sheetData >")


def _deals(path: Path) -> list:
    book = read_workbook(path)
    assert not book.orphans
    out = []
    for e in book.entries:
        assert e.ok, [str(x) for x in e.errors]
        out.append((e.deal, e.meeting, e.tender))
    return out


@pytest.mark.parametrize("change", [_prefixed, _rich, _spaced], ids=["prefixed", "rich-text", "spaced-ends"])
def test_every_spelling_of_a_sheet_reads_the_same_deals(tmp_path, change):
    book = _sample_book(tmp_path / "a" / "w.xlsx")
    expected = _deals(book)
    assert len(expected) > 30 and any(m is not None for _, m, _ in expected)
    assert _deals(_rewrite(book, tmp_path / "b" / "w.xlsx", change)) == expected


def test_a_cell_read_again_after_the_decoded_cells_are_dropped_is_the_same(tmp_path, monkeypatch):
    """Decoded cells are kept by their XML within a budget of bytes (memory stays flat): with a budget
    so small that they are dropped at every new cell, every deal reads the same."""
    book = _sample_book(tmp_path / "w.xlsx")
    expected = _deals(book)
    monkeypatch.setattr(_Decoder, "HELD", 64)
    assert _deals(book) == expected


def _items_book(path: Path, extra: dict[tuple[int, int], object]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "deals"
    for j, (k, v) in enumerate(MINIMAL_DEAL_ROW.items(), start=1):
        ws.cell(row=1, column=j, value=k)
        c = ws.cell(row=2, column=j, value=v)
        if k in ("issue_date", "valid_until"):
            c.number_format = "yyyy-mm-dd"
    items = wb.create_sheet("items")
    for j, (k, v) in enumerate({"deal": "D-1", "description": "Licence", "quantity": 3, "unit_price": 2.5}.items(),
                               start=1):
        items.cell(row=1, column=j, value=k)
        items.cell(row=2, column=j, value=v)
    for (i, j), v in extra.items():
        items.cell(row=i, column=j, value=v)
    wb.save(path)
    return path


def _errors(path: Path) -> list[str]:
    with pytest.raises(WorkbookError) as exc:
        read_workbook(path)
    return exc.value.lines()


def test_values_under_a_column_without_header_are_found_between_headers(tmp_path):
    path = _items_book(tmp_path / "w.xlsx", {(1, 6): "discount_percent", (2, 6): 5, (2, 5): "stray"})
    assert _errors(path) == ["w.xlsx:items!E1: a column with values but no header"]


def test_values_without_header_are_found_when_the_header_row_stands_last_in_the_file(tmp_path):
    """Rows may stand in the file in any order: values read before the header row still count."""
    path = _items_book(tmp_path / "w.xlsx", {(2, 9): "forgotten", (3, 1): "D-1", (3, 2): "Support", (3, 7): "x"})

    def header_last(data: bytes) -> bytes:
        header = re.search(rb'<row r="1"[^>]*>.*?</row>', data, re.S)
        assert header is not None
        data = data.replace(header.group(0), b"")
        return data.replace(b"</sheetData>", header.group(0) + b"</sheetData>")

    moved = _rewrite(path, tmp_path / "moved" / "w.xlsx", header_last, "xl/worksheets/sheet2.xml")  # items
    expected = ["w.xlsx:items!G1: a column with values but no header",
                "w.xlsx:items!I1: a column with values but no header"]
    assert _errors(path) == expected
    assert _errors(moved) == expected


def test_a_hidden_column_with_a_header_and_values_is_found_once_the_header_is_read(tmp_path):
    path = _items_book(tmp_path / "w.xlsx", {})
    wb = openpyxl.load_workbook(path)
    wb["items"].column_dimensions["C"].hidden = True
    wb.save(path)
    assert _errors(path) == ["w.xlsx:items!C: column C of sheet 'items' is hidden and holds values: unhide it, or "
                             "delete the column if it must not count (bidgen reads what Excel shows)"]


@pytest.mark.parametrize("ref", [b"&#99999999999;", b"&#x110000;", b"&#xFFFFFFFFFFFFFFFFFF;"])
def test_a_character_reference_to_no_character_is_one_located_line_not_a_traceback(tmp_path, ref, capsys):
    from bidgen.cli.main import main
    from bidgen.errors import BidgenError

    book = _sample_book(tmp_path / "a" / "w.xlsx")
    bad = _rewrite(book, tmp_path / "b" / "w.xlsx",
                   lambda data: re.sub(rb"<is><t>([^<]{2,})</t></is>", b"<is><t>A" + ref + b"B</t></is>", data, count=1),
                   part="xl/worksheets/sheet1.xml")
    with pytest.raises(BidgenError, match="names no character"):
        read_workbook(bad)
    capsys.readouterr()
    assert main(["batch", str(bad), "-o", str(tmp_path / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "names no character" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
