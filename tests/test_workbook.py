"""The workbook input format: one rule from YAML, exact cells, located errors, round trips."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
from conftest import MINIMAL_DEAL_ROW
import pytest

from bidgen.cli.main import main
from bidgen.inputs.load import load_any
from bidgen.inputs.models import Deal, Meeting, Tender
from bidgen.inputs.sheets import record_sheets
from bidgen.inputs.workbook import WorkbookError, read_workbook
from bidgen.inputs.workbook_write import write_csv_folder, write_workbook

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_FILES = sorted((ROOT / "samples").glob("*.yaml"))
SHARED = ROOT.parent / "shared" / "examples"


def sample_models() -> list:
    return [load_any(p) for p in SAMPLE_FILES]


def by_kind(models: list) -> dict:
    out = {}
    for m in models:
        key = m.id if isinstance(m, Deal) else (m.deal if isinstance(m, Meeting) else m.ref)
        out[(type(m).__name__, key)] = m
    return out


def book_models(path: Path) -> list:
    book = read_workbook(path)
    assert not book.orphans
    out = []
    for e in book.entries:
        assert e.errors == [], [str(x) for x in e.errors]
        out += [m for m in (e.deal, e.meeting, e.tender) if m is not None]
    return out


# ---------------------------------------------------------------------------- the rule


def test_sheets_follow_the_yaml_format_by_one_rule():
    sheets = {rs.name: rs for rs in record_sheets()}
    assert list(sheets) == ["deals", "meetings", "tenders"]
    deals = sheets["deals"]
    keys = [c.key for c in deals.columns]
    assert keys[0] == "id"
    assert {"client.name", "terms.delivery_days", "terms.sla.response_hours"} <= set(keys)
    lists = {ls.name: ls for ls in deals.lists}
    assert {"items", "terms.payment", "client.contacts", "client.pain_points",
            "negotiation.concessions", "narrative"} <= set(lists)
    assert lists["items"].owner == "deal"
    assert [c.key for c in lists["items"].columns][:6] == ["sku", "description", "quantity", "unit", "unit_price",
                                                          "discount_percent"]
    assert lists["narrative"].scalar and [c.key for c in lists["narrative"].columns] == ["value"]
    assert "meetings.attendees.client" in {ls.name for ls in sheets["meetings"].lists}
    assert "tenders.requirements" in {ls.name for ls in sheets["tenders"].lists}
    # Excel limits sheet names to 31 characters
    assert all(len(ls.name) <= 31 for rs in record_sheets() for ls in rs.lists)


@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_every_sample_round_trips_yaml_workbook_yaml(tmp_path, form):
    models = sample_models()
    extra = [load_any(p) for p in sorted(SHARED.glob("*.yaml"))] if SHARED.is_dir() else []
    for m in extra:  # the reference inputs too, each in its own workbook (ids may repeat the samples')
        path = tmp_path / f"ref-{type(m).__name__}.xlsx"
        if isinstance(m, Deal):
            write_workbook([m], path)
            assert book_models(path) == [m]
    target = tmp_path / ("deals.xlsx" if form == "xlsx" else "csv")
    if form == "xlsx":
        write_workbook(models, target)
    else:
        write_csv_folder(models, target)
    back = by_kind(book_models(target))
    assert back == by_kind(models)
    # workbook -> YAML files -> the same models again
    out = tmp_path / "yaml"
    assert main(["export", str(target), "-o", str(out)]) == 0
    again = by_kind([load_any(p) for p in sorted(out.glob("*.yaml"))])
    assert again == by_kind(models)


def test_export_yaml_to_workbook_through_the_cli(tmp_path):
    out = tmp_path / "deals.xlsx"
    assert main(["export", *map(str, SAMPLE_FILES), "-o", str(out)]) == 0
    assert by_kind(book_models(out)) == by_kind(sample_models())
    assert main(["export", *map(str, SAMPLE_FILES), "-o", str(out)]) == 2  # never overwrites


def test_rows_of_a_list_keep_their_order(tmp_path):
    deal = sample_models()[0]
    assert isinstance(deal, Deal)
    path = write_workbook([deal], tmp_path / "d.xlsx")
    back = book_models(path)[0]
    assert [i.description for i in back.items] == [i.description for i in deal.items]
    assert [m.milestone for m in back.terms.payment] == [m.milestone for m in deal.terms.payment]


# ---------------------------------------------------------------------------- exact cells


def _minimal_book(path: Path, *, deal_cells: dict | None = None, item_cells: dict | None = None,
                  extra_sheets: dict | None = None) -> Path:
    """A one-deal workbook written cell by cell as a person would type it in Excel."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "deals"
    row = dict(MINIMAL_DEAL_ROW)
    row.update(deal_cells or {})
    for j, (k, v) in enumerate(row.items(), start=1):
        ws.cell(row=1, column=j, value=k)
        if v is not None:
            c = ws.cell(row=2, column=j, value=v)
            if isinstance(v, dt.datetime):
                c.number_format = "yyyy-mm-dd"
    items = wb.create_sheet("items")
    cells = {"deal": "D-1", "description": "Licence", "quantity": 3, "unit_price": 2.675}
    cells.update(item_cells or {})
    for j, (k, v) in enumerate(cells.items(), start=1):
        items.cell(row=1, column=j, value=k)
        if isinstance(v, tuple):
            v, fmt = v
            items.cell(row=2, column=j, value=v).number_format = fmt
        elif v is not None:
            items.cell(row=2, column=j, value=v)
    pay = wb.create_sheet("terms.payment")
    for j, (k, v) in enumerate({"deal": "D-1", "milestone": "On signature", "percent": 100}.items(), start=1):
        pay.cell(row=1, column=j, value=k)
        pay.cell(row=2, column=j, value=v)
    for name, rows in (extra_sheets or {}).items():
        sheet = wb.create_sheet(name)
        for i, r in enumerate(rows, start=1):
            for j, v in enumerate(r, start=1):
                sheet.cell(row=i, column=j, value=v)
    wb.save(path)
    return path


def _one(path: Path):
    book = read_workbook(path)
    return book.entries[0]


def test_numbers_are_the_decimals_excel_shows(tmp_path):
    e = _one(_minimal_book(tmp_path / "w.xlsx", item_cells={"unit_price": 2.675, "quantity": 0.1}))
    assert e.ok
    assert e.deal.items[0].unit_price == Decimal("2.675")
    assert str(e.deal.items[0].unit_price) == "2.675"
    assert str(e.deal.items[0].quantity) == "0.1"
    assert e.deal.issue_date == dt.date(2026, 11, 18)
    assert e.deal.prices_include_tax is False


def test_a_percent_cell_is_read_as_the_percentage_it_shows(tmp_path):
    e = _one(_minimal_book(tmp_path / "w.xlsx", item_cells={"discount_percent": (0.05, "0%")}))
    assert e.deal.items[0].discount_percent == Decimal("5")
    e = _one(_minimal_book(tmp_path / "w2.xlsx", item_cells={"discount_percent": (0.00125, "0.000%")}))
    assert e.deal.items[0].discount_percent == Decimal("0.125")


def test_an_ambiguous_plain_percent_is_a_located_error(tmp_path):
    e = _one(_minimal_book(tmp_path / "w.xlsx", item_cells={"discount_percent": 0.05}))
    assert not e.ok
    [err] = e.errors
    assert str(err).startswith("w.xlsx:items!E2 (discount_percent): 0.05 is ambiguous")
    assert "type 0.05%" in str(err)


def test_identifiers_typed_as_numbers_are_refused(tmp_path):
    e = _one(_minimal_book(tmp_path / "w.xlsx", deal_cells={"client.code": 91310115123456789}))
    [err] = e.errors
    assert str(err).startswith("w.xlsx:deals!G2 (client.code): a number")
    assert "format the column as Text" in str(err)


def test_a_date_where_text_belongs_is_refused(tmp_path):
    e = _one(_minimal_book(tmp_path / "w.xlsx", item_cells={"sku": dt.datetime(2026, 3, 4)}))
    [err] = e.errors
    assert "w.xlsx:items!E2 (sku): a date (2026-03-04)" in str(err)


def test_a_number_where_a_date_belongs_is_refused(tmp_path):
    e = _one(_minimal_book(tmp_path / "w.xlsx", deal_cells={"issue_date": 46000}))
    [err] = e.errors
    assert "(issue_date): a number (46000), not a date" in str(err)


def test_na_none_and_null_stay_text(tmp_path):
    e = _one(_minimal_book(tmp_path / "w.xlsx", item_cells={"unit": "NA", "sku": "NULL", "description": "None"}))
    assert e.ok, [str(x) for x in e.errors]
    assert (e.deal.items[0].unit, e.deal.items[0].sku, e.deal.items[0].description) == ("NA", "NULL", "None")


def test_every_problem_at_once_each_located(tmp_path):
    e = _one(_minimal_book(tmp_path / "w.xlsx", item_cells={"unit_price": "abc", "quantity": -1},
                           deal_cells={"currency": "RMB"}))
    lines = sorted(str(x) for x in e.errors)
    assert any(line.startswith("w.xlsx:items!D2 (unit_price): not a valid amount: 'abc'") for line in lines)
    assert any(line.startswith("w.xlsx:items!C2 (quantity):") for line in lines)
    assert any(line.startswith("w.xlsx:deals!C2 (currency):") and "CNY" in line for line in lines)


def test_a_missing_required_key_names_the_row(tmp_path):
    e = _one(_minimal_book(tmp_path / "w.xlsx", deal_cells={"client.name": None}))
    [err] = e.errors
    assert str(err) == "w.xlsx:deals!H2 (client.name): required key is missing"


def test_unknown_header_has_a_did_you_mean(tmp_path):
    path = _minimal_book(tmp_path / "w.xlsx", item_cells={"unit_prise": 3})
    with pytest.raises(WorkbookError) as exc:
        read_workbook(path)
    assert exc.value.lines() == ["w.xlsx:items!E1: unknown header 'unit_prise'; did you mean 'unit_price'?"]


def test_duplicate_headers_and_merged_cells_are_errors(tmp_path):
    path = _minimal_book(tmp_path / "w.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["items"].cell(row=1, column=5, value="unit_price")
    wb["items"].cell(row=2, column=5, value=3)
    wb["deals"].merge_cells("A3:B3")
    wb.save(path)
    with pytest.raises(WorkbookError) as exc:
        read_workbook(path)
    lines = exc.value.lines()
    assert "w.xlsx:items!E1: duplicate header 'unit_price' (also in column D)" in lines
    assert any(line.startswith("w.xlsx:deals!A3:B3: merged cells") for line in lines)


def test_a_formula_is_read_by_its_saved_value_and_one_without_is_an_error(tmp_path):
    path = _minimal_book(tmp_path / "w.xlsx", item_cells={"unit_price": "=2+3"})
    e = _one(path)  # openpyxl saves formulas without a cached value: an error of the cell's deal
    assert not e.ok
    assert [str(x) for x in e.errors] == [
        "w.xlsx:items!D2 (unit_price): a formula without a saved value: open the workbook in Excel and save it, "
        "so that the value it shows is stored"]
    # the same cell as Excel saves it: the formula and its cached value
    import zipfile

    fixed = tmp_path / "cached.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(fixed, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet2.xml":
                data = data.replace(b"<f>2+3</f><v></v>", b"<f>2+3</f><v>5</v>").replace(b"<f>2+3</f><v/>",
                                                                                    b"<f>2+3</f><v>5</v>")
                assert b"<v>5</v>" in data
            dst.writestr(item, data)
    e = _one(fixed)
    assert e.deal.items[0].unit_price == Decimal("5")


def test_a_formula_without_a_value_in_a_deal_row_fails_only_that_deal(tmp_path):
    """A formula saved without its value used to make the whole workbook unreadable (exit 2)."""
    from bidgen.inputs.workbook_write import write_workbook as write

    deals = [m for m in sample_models() if isinstance(m, Deal)]
    path = write(deals, tmp_path / "w.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["deals"]
    headers = [c.value for c in ws[1]]
    col = headers.index("client.name") + 1
    ws.cell(row=3, column=col, value="=A3")  # the second deal's client name
    wb.save(path)
    book = read_workbook(path)
    first, second = book.entries
    assert first.ok
    cell = f"{openpyxl.utils.get_column_letter(col)}3"
    assert [str(x) for x in second.errors] == [
        f"w.xlsx:deals!{cell} (client.name): a formula without a saved value: open the workbook in Excel and "
        "save it, so that the value it shows is stored"]
    # in a header, or in the id of a row's deal, it belongs to no deal: the workbook's, the run's error
    ws.cell(row=1, column=col + 0, value="=B1")
    wb.save(path)
    with pytest.raises(WorkbookError) as exc:
        read_workbook(path)
    assert exc.value.lines() == [f"w.xlsx:deals!{openpyxl.utils.get_column_letter(col)}1: a formula without a "
                                 "saved value: open the workbook in Excel and save it, so that the value it shows "
                                 "is stored"]
    wb = openpyxl.load_workbook(path)
    wb["deals"].cell(row=1, column=col, value="client.name")
    wb["items"].cell(row=2, column=1, value="=B2")
    wb.save(path)
    book = read_workbook(path)
    assert [str(o) for o in book.orphans] == ["w.xlsx:items!A2 (deal): a formula without a saved value: open the "
                                              "workbook in Excel and save it, so that the value it shows is stored"]


def test_two_deals_with_one_id_are_an_error(tmp_path):
    path = _minimal_book(tmp_path / "w.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["deals"]
    for j in range(1, ws.max_column + 1):
        ws.cell(row=3, column=j, value=ws.cell(row=2, column=j).value)
    wb.save(path)
    e = _one(path)
    assert not e.ok
    assert any("two deals with the id 'D-1' (also in row 2)" in str(x) and "deals!A3" in str(x) for x in e.errors)


def test_list_row_of_an_unknown_deal_is_reported(tmp_path):
    path = _minimal_book(tmp_path / "w.xlsx", extra_sheets={"narrative": [["deal", "value"], ["D-9", "x"]]})
    book = read_workbook(path)
    assert book.entries[0].ok
    assert [str(o) for o in book.orphans] == ["w.xlsx:narrative!A2 (deal): no deal with the id 'D-9' in sheet 'deals'"]


def test_csv_folder_reads_text_exactly_with_a_bom(tmp_path):
    folder = tmp_path / "csv"
    write_csv_folder(sample_models(), folder)
    raw = (folder / "deals.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = (folder / "items.csv").read_text(encoding="utf-8-sig").replace("48000", "NA", 1)
    (folder / "items.csv").write_text(text, encoding="utf-8-sig")
    book = read_workbook(folder)
    bad = [x for e in book.entries for x in e.errors]
    assert [str(x) for x in bad] == ["csv/items.csv!F5 (unit_price): not a valid amount: 'NA'"]


# ---------------------------------------------------------------------------- init


def test_init_puts_a_ready_workbook_with_notes_dropdowns_and_a_frozen_header(tmp_path):
    ws_dir = tmp_path / "ws"
    assert main(["init", str(ws_dir)]) == 0
    path = ws_dir / "deals.xlsx"
    wb = openpyxl.load_workbook(path)
    deals = wb["deals"]
    assert deals.freeze_panes == "A2"
    headers = [c.value for c in deals[1]]
    assert "client.tier" in headers
    tier = deals.cell(row=1, column=headers.index("client.tier") + 1)
    assert "strategic" in tier.comment.text
    lists = {dv.formula1 for dv in deals.data_validations.dataValidation}
    assert '"strategic,key,regular"' in lists
    assert '"yes,no"' in lists
    assert any("zh_CN" in f for f in lists)
    assert by_kind(book_models(path)) == by_kind(sample_models())


def test_csv_export_never_writes_a_cell_that_runs_as_a_formula(tmp_path):
    """``bidgen export`` to CSV used to write ``=HYPERLINK(…)`` and ``+44 …`` raw: Excel runs them."""
    deal = next(m for m in sample_models() if isinstance(m, Deal) and m.locale == "en_US")
    client = deal.client.model_copy(update={"name": '=HYPERLINK("http://x.example","click")'})
    deal = deal.model_copy(update={"client": client})
    folder = tmp_path / "csv"
    write_csv_folder([deal], folder)
    cells = [c for f in folder.glob("*.csv") for line in f.read_text(encoding="utf-8-sig").splitlines()
             for c in line.split(",")]
    risky = [c for c in cells if c.lstrip('"').startswith(("=", "+", "-", "@"))]
    assert not risky, risky
    assert any(c.lstrip('"').startswith("'=HYPERLINK") for c in cells)
    assert any(c.lstrip('"').startswith("'+") for c in cells)  # phone numbers, as text
    assert book_models(folder) == [deal]  # and read back exactly
    # an .xlsx keeps such text a text cell, quote-prefixed: editing it in Excel does not make it a formula
    book = openpyxl.load_workbook(write_workbook([deal], tmp_path / "deals.xlsx"))
    cell = next(c for row in book["deals"].iter_rows() for c in row if c.value == client.name)
    assert cell.data_type == "s" and cell.quotePrefix
    phones = [c for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str)
              and c.value.startswith("+")]
    assert phones and all(c.quotePrefix for c in phones)
    assert book_models(tmp_path / "deals.xlsx") == [deal]


def test_a_workbook_bomb_is_refused_before_it_is_unpacked(tmp_path):
    """A small .xlsx whose sheet unpacks to gigabytes used to be read whole (3 GB of memory)."""
    import zipfile

    from bidgen import limits
    from bidgen.errors import InputError

    src = write_workbook(sample_models(), tmp_path / "deals.xlsx")
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b"<!--" + b" " * (3 * 1024 * 1024) + b"--></sheetData>")
            zout.writestr(info.filename, data)
    token = limits.configure(limits.Limits(workbook_part_mb=2))
    try:
        with pytest.raises(InputError) as info:
            read_workbook(bomb)
    finally:
        limits.reset(token)
    assert "limits.workbook_part_mb" in str(info.value) and "sheet1.xml" in str(info.value)
    assert read_workbook(src).entries  # the same workbook without the padding reads as before


# ---------------------------------------------------------------------------- streaming


def _many_deals(n: int) -> list:
    deal = next(m for m in sample_models() if isinstance(m, Deal) and m.locale == "en_US")
    return [deal.model_copy(update={"id": f"D-{k:04d}"}) for k in range(n)]


def test_a_deal_is_handed_over_as_soon_as_its_rows_are_read(tmp_path):
    """The driver of a bulk run must not hold every deal's cells: when the list sheets are in the
    order of the deals, each deal comes out of the second pass before the rows of later deals
    are read (beyond the chunk being parsed)."""
    from bidgen.inputs.tables import open_workbook
    from bidgen.inputs.workbook import plan_workbook

    path = write_workbook(_many_deals(40), tmp_path / "w.xlsx")
    with open_workbook(path) as src:
        plan = plan_workbook(src)
        consumed: dict[str, int] = {}
        rows_of = src.rows

        def counting(name):
            for row in rows_of(name):
                consumed[name] = row[0]
                yield row

        src.rows = counting  # type: ignore[method-assign]
        seen = []
        for rows in plan.deals(src):
            seen.append(rows.id)
            k = len(seen)
            # each deal has 3 item rows (and one deals row): nothing of deal k + 2 is read yet
            assert consumed["deals"] <= k + 1
            assert consumed["items"] <= 3 * (k + 1) + 1, (rows.id, consumed["items"])
            assert len(rows.deal.lists["items"]) == 3
    assert seen == [f"D-{k:04d}" for k in range(40)]


def test_rows_in_any_order_reach_their_deal(tmp_path):
    """List rows need not follow the order of the deals: a row added at the bottom for the first
    deal, or a later deal's rows first, still reach their deal in the order they stand."""
    deals = _many_deals(3)
    path = write_workbook(deals, tmp_path / "w.xlsx")
    wb = openpyxl.load_workbook(path)
    items = wb["items"]
    rows = [[c.value for c in r] for r in items.iter_rows(min_row=2)]
    rows.reverse()  # the last deal's items first, each deal's items in reverse
    for i, values in enumerate(rows, start=2):
        for j, v in enumerate(values, start=1):
            items.cell(row=i, column=j, value=v)
    wb.save(path)
    book = read_workbook(path)
    assert [e.id for e in book.entries] == ["D-0000", "D-0001", "D-0002"]
    for e, d in zip(book.entries, deals):
        assert e.ok, [str(x) for x in e.errors]
        assert [i.description for i in e.deal.items] == [i.description for i in reversed(d.items)]


def test_values_right_of_the_last_header_are_a_workbook_error(tmp_path):
    path = _minimal_book(tmp_path / "w.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["items"].cell(row=2, column=9, value="forgotten")
    wb.save(path)
    with pytest.raises(WorkbookError) as exc:
        read_workbook(path)
    assert exc.value.lines() == ["w.xlsx:items!I1: a column with values but no header"]


def _with_cell_text(path: Path, out: Path, ref: str, xml_text: bytes, *, inline: bool) -> Path:
    """``path`` with cell ``ref`` of sheet 'deals' holding ``xml_text`` (character data as the file
    holds it): as its inline string, or as a shared string (between two others) as Excel saves it."""
    import re
    import zipfile

    if inline:
        cell = b'<c r="' + ref.encode() + b'" t="inlineStr"><is><t>' + xml_text + b"</t></is></c>"
    else:
        cell = b'<c r="' + ref.encode() + b'" t="s"><v>1</v></c>'
    sst = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
           b' count="3" uniqueCount="3"><si><t>first</t></si><si><t>' + xml_text + b"</t></si><si><t>last</t></si></sst>")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<c r="' + ref.encode() + rb'"[^>]*>.*?</c>', lambda m: cell, data, count=1)
            zout.writestr(info, data)
        if not inline:
            zout.writestr("xl/sharedStrings.xml", sst)
    return out


@pytest.mark.parametrize("inline", [False, True], ids=["shared-string", "inline-string"])
def test_a_huge_cell_is_refused_while_reading_in_bounded_memory(tmp_path, inline):
    """QA2 Q7: a 440 KB workbook with one 250 MB cell cost 1.36 GB and 148 s before the text limit
    refused it; the cell is now skipped as it streams by, never built whole."""
    import tracemalloc

    base = _minimal_book(tmp_path / "base.xlsx", deal_cells={"client.name": "HUGEMARKER"})
    size = 30 * 1024 * 1024
    huge = _with_cell_text(base, tmp_path / "huge.xlsx", "H2", b"A" * size, inline=inline)
    small = _with_cell_text(base, tmp_path / "small.xlsx", "H2", b"Gulf", inline=inline)
    assert _one(small).ok  # the same reading path warmed up (imports, caches) before measuring
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        entry = _one(huge)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert not entry.ok
    assert len(entry.errors) == 1
    message = str(entry.errors[0])
    assert message.startswith("huge.xlsx:deals!H2 (client.name): text of more than 100,000 characters (")
    assert "bytes in the file, not read); the limit is 100,000 (limits.max_text_length in the workspace)" in message
    size_said = int(message.split("characters (")[1].split(" bytes")[0].replace(",", ""))
    assert size <= size_said <= size + 200  # the cell's XML: its text and its few tags
    assert peak < 12 * 1024 * 1024, f"reading a {size:,}-byte cell held {peak:,} bytes at its peak"


def test_a_long_but_allowed_cell_written_as_character_references_is_read_exactly(tmp_path):
    """The skipping threshold leaves room for escapes: 99,000 characters written as ``&#x4E2D;``
    (8 bytes each) are read, and the whole text is kept."""
    base = _minimal_book(tmp_path / "base.xlsx", deal_cells={"client.name": "HUGEMARKER"})
    for inline in (False, True):
        path = _with_cell_text(base, tmp_path / f"cjk{inline}.xlsx", "H2", b"&#x4E2D;" * 99_000, inline=inline)
        entry = _one(path)
        assert entry.ok, entry.errors
        assert entry.deal.client.name == "\u4e2d" * 99_000


def test_a_message_quotes_at_most_80_characters_of_a_long_cell(tmp_path):
    """QA2 Q17: a 40,000-character cell was quoted whole, a 40,000-character line on stderr."""
    path = _minimal_book(tmp_path / "w.xlsx", deal_cells={"currency": "U" * 30_000},
                         item_cells={"unit_price": "9" * 30_000 + "x", "quantity": "1" * 200})
    lines = sorted(str(x) for x in _one(path).errors)
    assert lines == [
        "w.xlsx:deals!C2 (currency): not an ISO 4217 currency code: '" + "U" * 80 + "…' (30,000 characters)",
        "w.xlsx:items!C2 (quantity): not a valid quantity: " + "1" * 80 + "… (200 characters) is beyond what a "
        "document can state (from 10^-12 to 10^15)",
        "w.xlsx:items!D2 (unit_price): not a valid amount: '" + "9" * 80 + "…' (30,001 characters)",
    ]
    from bidgen.inputs.base import quote

    assert quote("abc") == "'abc'" and quote("it's" * 30) == '"' + ("it's" * 30)[:80] + '…" (120 characters)'
    assert quote("A" * 80) == "'" + "A" * 80 + "'"


def test_a_hidden_deal_row_is_that_deal_s_error_and_a_hidden_header_row_the_workbook_s(tmp_path):
    path = _minimal_book(tmp_path / "w.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["deals"].row_dimensions[2].hidden = True
    wb.save(path)
    e = _one(path)
    assert not e.ok and e.deal is None
    assert [str(x) for x in e.errors] == ["w.xlsx:deals!2: row 2 of sheet 'deals' is hidden: unhide it, or delete it "
                                          "if it must not count (bidgen reads what Excel shows)"]
    wb["deals"].row_dimensions[2].hidden = False
    wb["terms.payment"].row_dimensions[1].hidden = True
    wb.save(path)
    with pytest.raises(WorkbookError) as info:
        read_workbook(path)
    assert "row 1 of sheet 'terms.payment' is hidden" in str(info.value)


def test_a_hidden_sheet_with_rows_is_an_error_of_the_workbook_but_a_hidden_notes_sheet_is_fine(tmp_path):
    path = _minimal_book(tmp_path / "w.xlsx", extra_sheets={"_notes": [["anything"]]})
    wb = openpyxl.load_workbook(path)
    wb["_notes"].sheet_state = "hidden"
    wb.save(path)
    assert _one(path).ok
    wb["terms.payment"].sheet_state = "veryHidden"
    wb.save(path)
    with pytest.raises(WorkbookError) as info:
        read_workbook(path)
    assert ("w.xlsx:terms.payment: sheet 'terms.payment' is hidden: unhide it (right-click a sheet tab, Unhide), or "
            "delete it if it must not count") in str(info.value)


def test_an_unknown_sheet_says_how_to_keep_it_as_notes(tmp_path):
    """QA F18: a 'Notes' sheet stopped the run with only "did you mean 'items'?"."""
    from bidgen.inputs.workbook import WorkbookError, read_workbook

    path = write_workbook(sample_models(), tmp_path / "deals.xlsx")
    book = openpyxl.load_workbook(path)
    book.create_sheet("Notes")["A1"] = "call Omar on Monday"
    book.save(path)
    try:
        read_workbook(path)
    except WorkbookError as exc:
        text = str(exc)
    else:
        raise AssertionError("an unknown sheet must be an error")
    assert "deals.xlsx:Notes" in text and "unknown sheet 'Notes'" in text and "'_Notes'" in text
    book["Notes"].title = "_Notes"
    book.save(path)
    assert len(read_workbook(path).entries) == 2


def test_an_id_typed_with_spaces_around_it_is_trimmed_in_every_sheet(tmp_path):
    """A deal id pasted with a leading space into every sheet (as text from another system comes): the
    'deals' and 'meetings' sheets trimmed it, the tenders' 'deal' column did not, and the deal failed with
    "a tender for deal ' D-…', which is not in sheet 'deals'" (QA4, Q4-18). One rule for every sheet."""
    path = write_workbook(sample_models(), tmp_path / "deals.xlsx")
    expected = book_models(path)
    tendered = {m.deal for m in expected if isinstance(m, Tender)}
    assert tendered
    wb = openpyxl.load_workbook(path)
    changed = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value in tendered:
                    c.value = f" {c.value}\u00a0"
                    changed += 1
    assert changed > 3
    wb.save(path)
    assert book_models(path) == expected


def test_a_tender_or_meeting_of_no_deal_names_its_cell(tmp_path):
    path = write_workbook(sample_models(), tmp_path / "deals.xlsx")
    wb = openpyxl.load_workbook(path)
    places = {}
    for name in ("tenders", "meetings"):
        ws = wb[name]
        col = [c.value for c in ws[1]].index("deal") + 1
        ws.cell(row=2, column=col, value="X-0001")
        places[name] = f"{openpyxl.utils.get_column_letter(col)}2"
    wb.save(path)
    lines = [str(o) for o in read_workbook(path).orphans]
    assert f"deals.xlsx:tenders!{places['tenders']} (deal): a tender for deal 'X-0001', which is not in sheet " \
           "'deals'" in lines
    assert f"deals.xlsx:meetings!{places['meetings']} (deal): a meeting of deal 'X-0001', which is not in sheet " \
           "'deals'" in lines


def test_did_you_mean_prefers_the_id_fewest_slips_away_and_with_the_same_numbers():
    """``D-0003`` among ``D-00000``…``D-00059``: many ids are one character from it (D-00003, D-00013,
    D-00053, D-00030 …), as difflib sees them equally alike; it picked by string order (D-00053)."""
    from bidgen.inputs.locate import did_you_mean, edits

    ids = [f"D-{k:05d}" for k in range(60)]
    assert did_you_mean("D-0003", ids) == "D-00003"
    assert did_you_mean("d-00053", ids) == "D-00053"
    assert did_you_mean("D-0035", ids) == "D-00035"
    assert did_you_mean("D-00305", ids) == "D-00035"  # two neighbours swapped: one slip, not two
    assert did_you_mean("unit_prise", ["unit_price", "quantity"]) == "unit_price"
    assert did_you_mean("zzz", ids) is None
    assert (edits("D-00305", "D-00035"), edits("kitten", "sitting"), edits("", "ab")) == (1, 3, 2)


def test_only_with_an_id_a_character_short_suggests_the_deal_it_is_short_of(tmp_path, capsys):
    path = write_workbook([d.model_copy(update={"id": f"D-{k:05d}"}) for k, d in enumerate(_many_deals(60))],
                          tmp_path / "w.xlsx")
    code = main(["batch", str(path), "-o", str(tmp_path / "out"), "--only", "D-0003", "--quiet"])
    assert code == 2
    assert "--only: no deal 'D-0003' in the workbook; did you mean 'D-00003'?" in capsys.readouterr().err
