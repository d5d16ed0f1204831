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


def _single_quoted(data: bytes) -> bytes:
    """Every attribute of every element in single quotes, some with blanks around ``=`` (valid XML)."""
    def requote(m: re.Match[bytes]) -> bytes:
        return re.sub(rb'(\w+)="([^"]*)"', lambda a: a.group(1) + (b" = '" if a.group(1) == b"t" else b"='")
                      + a.group(2) + b"'", m.group(0))
    return re.sub(rb"<[A-Za-z][^>]*>", requote, data)


def _deals(path: Path) -> list:
    book = read_workbook(path)
    assert not book.orphans
    out = []
    for e in book.entries:
        assert e.ok, [str(x) for x in e.errors]
        out.append((e.deal, e.meeting, e.tender))
    return out


@pytest.mark.parametrize("change", [_prefixed, _rich, _spaced, _single_quoted, lambda d: _single_quoted(_prefixed(d))],
                         ids=["prefixed", "rich-text", "spaced-ends", "single-quoted", "prefixed-single-quoted"])
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
    """A file whose rows stand out of order is refused (:func:`test_rows_out_of_place_are_a_located_error`), and
    every other problem is still told with it: values read before the header row still count."""
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
    assert _errors(moved) == expected + [
        "w.xlsx:items!A1: row 1 comes after row 3 in the file: open the workbook in Excel and save it, so that every "
        "row and cell is stored once and in order"]


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


# ---------------------------------------------------------------------------- rows and cells out of place
# (Q3-6: a row stored after a later one was dropped, a cell or a row stored twice merged; Excel never writes
# these, other programs do.  Each is a located problem of the file, whichever path reads the sheet.)

ITEMS = "xl/worksheets/sheet5.xml"  # sheet 'items' of :func:`_sample_book`
_SAVE = ": open the workbook in Excel and save it, so that every row and cell is stored once and in order"


def _row(data: bytes, n: int) -> bytes:
    m = re.search(rb'<row r="%d"[^>]*>.*?</row>' % n, data, re.S)
    assert m is not None
    return m.group(0)


def _swap_rows(data: bytes) -> bytes:
    r3, r4 = _row(data, 3), _row(data, 4)
    return data.replace(r3, b"\0").replace(r4, r3).replace(b"\0", r4)


def _row_twice(data: bytes) -> bytes:
    r3 = _row(data, 3)
    return data.replace(r3, r3 + re.sub(rb'(<c r="F3"[^>]*><v>)[^<]*', rb"\g<1>99999", r3), 1)


def _row_twice_other_cells(data: bytes) -> bytes:
    """A second ``<row r="3">`` holding only a cell the first has not: merged, it would read a discount silently."""
    r3 = _row(data, 3)
    first = re.sub(rb'<c r="G3"[^>]*>.*?</c>', b"", r3, flags=re.S)
    assert first != r3
    return data.replace(r3, first + b'<row r="3"><c r="G3" t="n"><v>50</v></c></row>', 1)


def _cell_twice(data: bytes) -> bytes:
    f2 = re.search(rb'<c r="F2"[^>]*>.*?</c>', data).group(0)
    return data.replace(f2, f2 + b'<c r="F2" t="n"><v>1</v></c>', 1)


def _cell_twice_second_empty(data: bytes) -> bytes:
    f2 = re.search(rb'<c r="F2"[^>]*>.*?</c>', data).group(0)
    return data.replace(f2, f2 + b'<c r="F2" s="2"/>', 1)


def _cell_in_another_row(data: bytes) -> bytes:
    """Row 2's unit price stored as F5 (row 5 holds one of its own)."""
    f2 = re.search(rb'<c r="F2"[^>]*>.*?</c>', data).group(0)
    return data.replace(f2, f2.replace(b'r="F2"', b'r="F5"'), 1)


OUT_OF_PLACE = [
    (_swap_rows, "w.xlsx:items!A3: row 3 comes after row 4 in the file" + _SAVE),
    (_row_twice, "w.xlsx:items!A3: row 3 appears twice in the file" + _SAVE),
    (_row_twice_other_cells, "w.xlsx:items!A3: row 3 appears twice in the file" + _SAVE),
    (_cell_twice, "w.xlsx:items!F2: the cell F2 appears twice in row 2 of the file" + _SAVE),
    (_cell_twice_second_empty, "w.xlsx:items!F2: the cell F2 appears twice in row 2 of the file" + _SAVE),
    (_cell_in_another_row, "w.xlsx:items!F5: the cell F5 stands inside row 2 in the file" + _SAVE),
]


def _usual(data: bytes) -> bytes:
    return data


@pytest.mark.parametrize("spelling", [_usual, _prefixed], ids=["usual", "prefixed"])
@pytest.mark.parametrize("change,line", OUT_OF_PLACE, ids=[c.__name__.strip("_") for c, _ in OUT_OF_PLACE])
def test_rows_out_of_place_are_a_located_error(tmp_path, capsys, change, line, spelling):
    """Through read_workbook, ``bidgen export`` and ``bidgen batch``: one line naming the file, the sheet and
    the row or cell, exit 2 as for every problem of the file itself (merged cells, …), nothing written;
    the same in the usual spelling (the fast path) and any other (the general one)."""
    from bidgen.cli.main import main

    book = _sample_book(tmp_path / "a" / "w.xlsx")
    bad = _rewrite(book, tmp_path / "b" / "w.xlsx", lambda data: spelling(change(data)), part=ITEMS)
    assert _errors(bad) == [line]
    capsys.readouterr()
    out = tmp_path / "out"
    assert main(["export", str(bad), "-o", str(out)]) == 2
    assert capsys.readouterr().err.splitlines() == [f"bidgen: {line}"]
    assert not out.exists()
    assert main(["batch", str(bad), "-o", str(out), "--quiet"]) == 2
    assert capsys.readouterr().err.splitlines() == [f"bidgen: {line}"]
    assert not out.exists() or not any(out.iterdir())


def test_rows_out_of_place_in_the_deals_sheet_too(tmp_path):
    book = _sample_book(tmp_path / "a" / "w.xlsx")
    bad = _rewrite(book, tmp_path / "b" / "w.xlsx", _swap_rows, part="xl/worksheets/sheet1.xml")
    assert _errors(bad) == ["w.xlsx:deals!A3: row 3 comes after row 4 in the file" + _SAVE]


def test_a_sheet_stored_in_reverse_tells_its_first_rows_and_counts_the_others(tmp_path):
    book = _sample_book(tmp_path / "a" / "w.xlsx")

    def reverse(data: bytes) -> bytes:
        rows = re.findall(rb'<row r="\d+"[^>]*>.*?</row>', data, re.S)
        start, end = data.index(rows[0]), data.index(rows[-1]) + len(rows[-1])
        return data[:start] + b"".join(reversed(rows)) + data[end:]

    bad = _rewrite(book, tmp_path / "b" / "w.xlsx", reverse, part=ITEMS)
    n = len(re.findall(rb"<row ", zipfile.ZipFile(bad).read(ITEMS)))
    lines = _errors(bad)
    told = [x for x in lines if "comes after row" in x]
    assert told[:2] == [f"w.xlsx:items!A{n - 1}: row {n - 1} comes after row {n} in the file" + _SAVE,
                        f"w.xlsx:items!A{n - 2}: row {n - 2} comes after row {n} in the file" + _SAVE]
    assert len(told) == 20
    assert f"w.xlsx:items: {n - 1 - 20:,} more rows or cells out of place in the file (the first 20 are told)" + _SAVE \
        in lines


def _without_refs(data: bytes) -> bytes:
    """Every row's number left out (it follows the one before), and every cell's where it follows the cell
    before it (the format allows both; only a cell after a gap keeps its reference)."""
    def row(m: re.Match[bytes]) -> bytes:
        prev = [-1]

        def cell(c: re.Match[bytes]) -> bytes:
            j = sum((ord(ch) - 64) * 26 ** k for k, ch in enumerate(reversed(c.group(1).decode()))) - 1
            follows, prev[0] = j == prev[0] + 1, j
            return b"<c" if follows else c.group(0)

        return re.sub(rb'<c r="([A-Z]+)[0-9]+"', cell, m.group(1)) + m.group(2)

    data = re.sub(rb'(<row r="[0-9]+"[^>]*>.*?)(</row>)', row, data, flags=re.S)
    return re.sub(rb'<row r="[0-9]+"', b"<row", data)


@pytest.mark.parametrize("spelling", [_usual, _prefixed], ids=["usual", "prefixed"])
def test_rows_and_cells_without_their_number_still_read_the_same_deals(tmp_path, spelling):
    book = _sample_book(tmp_path / "a" / "w.xlsx")
    expected = _deals(book)
    bare = _rewrite(book, tmp_path / "b" / "w.xlsx", lambda data: spelling(_without_refs(data)))
    assert b'<row r="' not in zipfile.ZipFile(bare).read(ITEMS)
    assert _deals(bare) == expected


def test_cells_of_a_row_in_another_order_still_read_the_same_deals(tmp_path):
    """A cell's reference says where it stands: cells stored right to left are no loss (and no ambiguity)."""
    book = _sample_book(tmp_path / "a" / "w.xlsx")
    expected = _deals(book)

    def right_to_left(data: bytes) -> bytes:
        def row(m: re.Match[bytes]) -> bytes:
            cells = re.findall(rb"<c .*?(?:/>|</c>)", m.group(2), re.S)
            return m.group(1) + b"".join(reversed(cells)) + m.group(3)
        return re.sub(rb'(<row r="[0-9]+"[^>]*>)(.*?)(</row>)', row, data, flags=re.S)

    assert _deals(_rewrite(book, tmp_path / "b" / "w.xlsx", right_to_left)) == expected


def test_a_row_numbered_0_is_a_located_error_not_dropped(tmp_path):
    book = _sample_book(tmp_path / "a" / "w.xlsx")
    bad = _rewrite(book, tmp_path / "b" / "w.xlsx",
                   lambda data: re.sub(rb'r="([A-Z]+)2"', rb'r="\g<1>0"', data.replace(b'<row r="2">', b'<row r="0">')),
                   part=ITEMS)
    assert _errors(bad) == ["w.xlsx:items: a row numbered 0 in the file (rows are numbered from 1)" + _SAVE]


def test_cell_references_in_small_letters_name_the_same_cells(tmp_path):
    book = _sample_book(tmp_path / "a" / "w.xlsx")
    expected = _deals(book)
    lower = _rewrite(book, tmp_path / "b" / "w.xlsx",
                     lambda data: re.sub(rb'<c r="([A-Z]+)', lambda m: b'<c r="' + m.group(1).lower(), data))
    assert _deals(lower) == expected


def test_hidden_rows_and_columns_and_merged_cells_are_found_whatever_the_quotes(tmp_path):
    """What a sheet hides or merges is told the same when its XML is written in single quotes."""
    path = _items_book(tmp_path / "w.xlsx", {(3, 1): "D-1", (3, 2): "Support", (3, 3): 1, (3, 4): 2})
    wb = openpyxl.load_workbook(path)
    items = wb["items"]
    items.column_dimensions["C"].hidden = True
    items.row_dimensions[3].hidden = True
    items.merge_cells("F5:G5")
    wb.save(path)
    with pytest.raises(WorkbookError) as exc:
        read_workbook(path)
    expected = exc.value.lines()
    assert any("items!C: column C" in line for line in expected) and any("F5:G5" in line for line in expected)
    quoted = _rewrite(path, tmp_path / "b" / "w.xlsx", _single_quoted)
    assert b"hidden='1'" in zipfile.ZipFile(quoted).read("xl/worksheets/sheet2.xml")
    with pytest.raises(WorkbookError) as exc:
        read_workbook(quoted)
    assert exc.value.lines() == expected
    # the hidden row (an error of its deal once the workbook's own problems are gone)
    wb = openpyxl.load_workbook(path)
    wb["items"].column_dimensions["C"].hidden = False
    wb["items"].unmerge_cells("F5:G5")
    wb.save(path)
    told = [str(e) for e in read_workbook(path).entries[0].errors]
    assert "w.xlsx:items!3: row 3 of sheet 'items' is hidden: unhide it, or delete it if it must not count (bidgen " \
           "reads what Excel shows)" in told
    quoted = _rewrite(path, tmp_path / "c" / "w.xlsx", _single_quoted)
    assert [str(e) for e in read_workbook(quoted).entries[0].errors] == told
