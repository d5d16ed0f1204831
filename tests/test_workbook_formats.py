"""What a person sees in Excel is what bidgen reads: a number whose number format hides some of its
digits (240.675 formatted ``0.00`` shows 240.68) is a located error in money, quantity and percent
columns, read from real .xlsx files written by openpyxl."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
from conftest import MINIMAL_DEAL_ROW
import pytest

from bidgen.cli.main import main
from bidgen.inputs.load import load_any
from bidgen.inputs.workbook import read_workbook
from bidgen.inputs.workbook_write import write_workbook

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
FIX = "type the amount you mean, or widen the number format to show every digit"


def _book(path: Path, **items) -> Path:
    """A one-deal workbook; ``items`` maps an items column to a value or (value, number format).
    The items columns stand in the order deal, description, quantity, unit_price,
    discount_percent (A to E)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "deals"
    row = dict(MINIMAL_DEAL_ROW)
    for j, (k, v) in enumerate(row.items(), start=1):
        ws.cell(row=1, column=j, value=k)
        c = ws.cell(row=2, column=j, value=v)
        if isinstance(v, dt.datetime):
            c.number_format = "yyyy-mm-dd"
    sheet = wb.create_sheet("items")
    cells = {"deal": "D-1", "description": "Licence", "quantity": 3, "unit_price": 240.5, "discount_percent": None}
    cells.update(items)
    for j, (k, v) in enumerate(cells.items(), start=1):
        sheet.cell(row=1, column=j, value=k)
        fmt = None
        if isinstance(v, tuple):
            v, fmt = v
        if v is not None:
            c = sheet.cell(row=2, column=j, value=v)
            if fmt:
                c.number_format = fmt
    pay = wb.create_sheet("terms.payment")
    for j, (k, v) in enumerate({"deal": "D-1", "milestone": "On signature", "percent": 100}.items(), start=1):
        pay.cell(row=1, column=j, value=k)
        pay.cell(row=2, column=j, value=v)
    wb.save(path)
    return path


def _errors(path: Path) -> list[str]:
    entry = read_workbook(path).entries[0]
    return [str(e) for e in entry.errors]


def _item(path: Path):
    entry = read_workbook(path).entries[0]
    assert entry.ok, [str(e) for e in entry.errors]
    return entry.deal.items[0]


@pytest.mark.parametrize("value, fmt, shows", [
    (240.675, "0.00", "240.68"),
    (240.675, "#,##0.00", "240.68"),
    (1240.675, "#,##0.00", "1,240.68"),
    (240.675, '"$"#,##0.00', "240.68"),
    (240.675, '"$"#,##0.00_);[Red]\\("$"#,##0.00\\)', "240.68"),
    (240.675, "[$€-407] #,##0.00", "240.68"),
    (240.675, '_-* #,##0.00\\ "€"_-;\\-* #,##0.00\\ "€"_-;_-* "-"??\\ "€"_-;_-@_-', "240.68"),
    (240.675, '0.00" USD"', "240.68"),
    (240.675, "0.0#", "240.68"),
    (240.675, "0", "241"),
    (1234567.5, "#,##0,", "1,235 (in thousands)"),
    (1234567.5, '0.0,,"M"', "1.2 (in millions)"),
    (240.675, "0.00E+00", "2.41E+02"),
    (240.675, "# ?/?", "240 2/3"),
])
def test_a_money_cell_whose_format_hides_digits_is_a_located_error(tmp_path, value, fmt, shows):
    path = _book(tmp_path / "deals.xlsx", unit_price=(value, fmt))
    held = format(Decimal(repr(value)), "f")
    assert _errors(path) == [f"deals.xlsx:items!D2 (unit_price): the cell shows {shows} but holds {held}: {FIX}"]


@pytest.mark.parametrize("value, fmt", [
    (240.675, "General"), (240.675, "0.000"), (240.675, "#,##0.00#"), (240.675, "0.0##"), (240.5, "0.00"),
    (240.5, '"$"#,##0.00_);[Red]\\("$"#,##0.00\\)'), (240.5, "[$€-407] #,##0.00"), (1234000, "#,##0,"),
    (240.5, "# ?/?"), (240.375, "# ?/8"), (240, "0"), (240.675, "@"), (0.1, "0.0"), (240.5, "[Red]0.00"),
])
def test_a_format_that_shows_every_digit_reads_the_number(tmp_path, value, fmt):
    item = _item(_book(tmp_path / "deals.xlsx", unit_price=(value, fmt)))
    assert item.unit_price == Decimal(repr(value))


def test_a_negative_amount_counts_the_digits_of_its_own_section(tmp_path):
    path = _book(tmp_path / "deals.xlsx", unit_price=(-240.675, '"$"#,##0.00_);[Red]\\("$"#,##0.000\\)'))
    errors = _errors(path)
    assert not any("the cell shows" in e for e in errors)  # (240.675) shows every digit
    path = _book(tmp_path / "d2.xlsx", unit_price=(-240.675, '"$"#,##0.000_);[Red]\\("$"#,##0.00\\)'))
    assert f"d2.xlsx:items!D2 (unit_price): the cell shows (240.68) but holds -240.675: {FIX}" in _errors(path)


def test_a_section_that_shows_nothing_is_a_located_error(tmp_path):
    path = _book(tmp_path / "deals.xlsx", unit_price=(240.5, ";;;"))
    assert _errors(path) == ["deals.xlsx:items!D2 (unit_price): the cell shows none of its number (it holds 240.5): "
                             "type the amount you mean, or give the cell a number format that shows it"]


def test_a_quantity_and_a_percent_count_their_shown_digits(tmp_path):
    path = _book(tmp_path / "deals.xlsx", quantity=(2.5, "0"), discount_percent=(0.12345, "0.00%"))
    assert _errors(path) == [
        f"deals.xlsx:items!C2 (quantity): the cell shows 3 but holds 2.5: {FIX}",
        "deals.xlsx:items!E2 (discount_percent): the cell shows 12.35% but holds 12.345%: type the percentage you "
        "mean, or widen the number format to show every digit",
    ]
    item = _item(_book(tmp_path / "d2.xlsx", quantity=(2.5, "0.0"), discount_percent=(0.125, "0.0%")))
    assert item.quantity == Decimal("2.5") and item.discount_percent == Decimal("12.5")


def test_a_format_bidgen_cannot_read_refuses_only_a_number_with_decimals(tmp_path):
    conditional = "[>1000]#,##0;0.00"
    path = _book(tmp_path / "deals.xlsx", unit_price=(240.675, conditional))
    assert _errors(path) == [
        f"deals.xlsx:items!D2 (unit_price): bidgen cannot tell which digits the number format {conditional!r} shows "
        "of 240.675: format the cell as Number with every decimal (or General) so that it shows what it holds"]
    assert _item(_book(tmp_path / "d2.xlsx", unit_price=(240, conditional))).unit_price == Decimal(240)
    # a whole number too, when the format might scale it
    scaling = "[>1000]#,##0,;0"
    assert _errors(_book(tmp_path / "d3.xlsx", unit_price=(1234567, scaling))) == [
        f"d3.xlsx:items!D2 (unit_price): bidgen cannot tell which digits the number format {scaling!r} shows "
        "of 1234567: format the cell as Number with every decimal (or General) so that it shows what it holds"]


def test_batch_reports_the_hidden_digits_with_the_place_and_writes_the_other_deals(tmp_path, capsys):
    models = [load_any(p) for p in sorted(SAMPLES.glob("*.yaml"))]
    path = write_workbook(models, tmp_path / "deals.xlsx")
    wb = openpyxl.load_workbook(path)
    items = wb["items"]
    col = [c.value for c in items[1]].index("unit_price") + 1
    row = next(r for r in range(2, items.max_row + 1) if items.cell(row=r, column=1).value == "D-2026-0107")
    items.cell(row=row, column=col, value=240.675).number_format = "#,##0.00"
    wb.save(path)
    place = f"{openpyxl.utils.get_column_letter(col)}{row}"
    code = main(["batch", str(path), "-o", str(tmp_path / "out"), "--jobs", "1"])
    assert code == 1
    err = capsys.readouterr().err
    assert f"deals.xlsx:items!{place} (unit_price): the cell shows 240.68 but holds 240.675: {FIX}" in err
    assert not (tmp_path / "out" / "D-2026-0107").exists()
    assert len(list((tmp_path / "out" / "D-2026-0042").glob("*.docx"))) == 4


def test_the_workbooks_bidgen_writes_show_every_digit(tmp_path):
    models = [load_any(p) for p in sorted(SAMPLES.glob("*.yaml"))]
    book = read_workbook(write_workbook(models, tmp_path / "deals.xlsx"))
    assert all(e.ok for e in book.entries), [str(x) for e in book.entries for x in e.errors]
    assert all(e.ok for e in read_workbook(SAMPLES / "deals.xlsx").entries)


# --- what the file format means by number formats and date serials (bidgen.inputs.excel) ---------
# bidgen reads these rules without importing openpyxl (a quarter of a second at every start, and in
# every worker of a bulk run); they must give what openpyxl, which wrote and reads the same files,
# gives.

_FORMATS = [
    "General", "0", "0.00", "#,##0.00", "0%", "@", "yyyy-mm-dd", "dd/mm/yyyy;@", "m/d/yy h:mm",
    "[$-409]mmmm d, yyyy", "[$-F800]dddd, mmmm dd, yyyy", 'yyyy"年"m"月"d"日"', "[DBNum1][$-804]yyyy\"年\"m\"月\"",
    '"Day" 0', '#,##0 "days"', "\\d0", "_d0", "[Red]0.00", "[Blue]#,##0;[Red]-#,##0", "[h]:mm:ss", "[mm]:ss",
    "[ss].0", "h:mm AM/PM", "0.00_);[Red](0.00)", "[<=9999999]###-####;(###) ###-####", "mmm-yy", "0;d",
    '"$"#,##0.00', "[$€-2] #,##0.00", "[$USD] #,##0", "0.0%;[Red]-0.0%", "yy", "s", "D", "Y", "",
]


def test_the_built_in_number_formats_are_the_file_formats():
    """bidgen's table is openpyxl's but where openpyxl's is wrong or short: 44 (Accounting) lacks
    its ``;`` between sections there (one section with ``@`` inside: a format no reader can show a
    number with), and openpyxl knows none of the East-Asian date and time formats 27-36, 50-58."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS as theirs

    from bidgen.inputs.excel import BUILTIN_FORMATS, EAST_ASIAN_FORMATS

    ours = {k: v for k, v in BUILTIN_FORMATS.items() if k != 44 and k not in EAST_ASIAN_FORMATS}
    assert ours == {k: v for k, v in theirs.items() if k != 44}
    assert BUILTIN_FORMATS[44].replace(";", "") == theirs[44]  # the same format, in four sections
    assert BUILTIN_FORMATS[44] == BUILTIN_FORMATS[42].replace("#,##0", "#,##0.00").replace('"-"', '"-"??')
    assert sorted(EAST_ASIAN_FORMATS) == [*range(27, 37), *range(50, 59)] and not set(EAST_ASIAN_FORMATS) & set(theirs)


def _by_id(path: Path, fmt: str, fid: int) -> Path:
    """``path`` with the cell style of number format ``fmt`` naming the built-in format ``fid`` by
    its id alone, as Excel writes a built-in format (no ``<numFmt>``)."""
    import re
    import zipfile

    out = path.with_name(f"{path.stem}-{fid}.xlsx")
    code = fmt.replace("&", "&amp;").replace('"', "&quot;")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/styles.xml":
                text = data.decode()
                m = re.search(r'<numFmt numFmtId="(\d+)" formatCode="' + re.escape(code) + r'"\s*/>', text)
                assert m, text
                text = text.replace(m.group(0), "").replace(f'numFmtId="{m.group(1)}"', f'numFmtId="{fid}"')
                data = text.encode()
            zout.writestr(info, data)
    return out


@pytest.mark.parametrize("fid", [27, 28, 29, 30, 31, 36, 50, 51, 52, 53, 54, 57, 58])
def test_a_date_styled_with_an_east_asian_built_in_format_reads_as_the_date(tmp_path, fid):
    """An Excel in Chinese, Japanese or Korean styles a typed date with a built-in format of ids
    27-36, 50-58, named by id alone: it is a date (it was read as its serial, then refused with
    advice to format the cell as a date, which it is)."""
    path = _by_id(_book(tmp_path / "deals.xlsx"), "yyyy-mm-dd", fid)
    entry = read_workbook(path).entries[0]
    assert entry.ok, [str(e) for e in entry.errors]
    assert (entry.deal.issue_date, entry.deal.valid_until) == (dt.date(2026, 11, 18), dt.date(2027, 1, 17))


@pytest.mark.parametrize("fid", [32, 33, 34, 35, 55, 56])
def test_a_time_styled_with_an_east_asian_built_in_format_is_a_time(tmp_path, fid):
    """The time formats of these blocks: a time of day, refused in a date column as any time cell is."""
    wb = openpyxl.load_workbook(_book(tmp_path / "deals.xlsx"))
    cell = wb["deals"]["D2"]  # issue_date
    cell.value = dt.time(9, 30)
    cell.number_format = "hh:mm:ss"
    wb.save(tmp_path / "timed.xlsx")
    path = _by_id(tmp_path / "timed.xlsx", "hh:mm:ss", fid)
    from bidgen.inputs.tables import open_workbook

    with open_workbook(path) as src:
        row = dict(src.rows("deals"))[1]
    assert row[3][0] == dt.time(9, 30)
    assert _errors(path) == [f"timed-{fid}.xlsx:deals!D2 (issue_date): a time or duration where a date is expected"]


def test_an_amount_in_the_built_in_accounting_format_44_reads_the_number(tmp_path):
    """Format 44 named by id alone (as XlsxWriter writes ``{"num_format": 44}``): the amount is read as
    under 43 (it was refused: "bidgen cannot tell which digits … shows")."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS as openpyxl_formats

    for fid in (43, 44):
        # (openpyxl writes its own text of a built-in format by its id alone)
        path = _book(tmp_path / f"deals{fid}.xlsx", unit_price=(240.5, openpyxl_formats[fid]))
        assert b'numFmtId="%d"' % fid in __import__("zipfile").ZipFile(path).read("xl/styles.xml")
        assert _item(path).unit_price == Decimal("240.5"), fid
    path = _book(tmp_path / "deals.xlsx", unit_price=(240.675, openpyxl_formats[44]))
    assert _errors(path) == [f"deals.xlsx:items!D2 (unit_price): the cell shows 240.68 but holds 240.675: {FIX}"]


@pytest.mark.parametrize("fmt", _FORMATS + [f for f in __import__("bidgen.inputs.excel").inputs.excel.BUILTIN_FORMATS.values()])
def test_a_format_shows_a_date_exactly_when_openpyxl_says_so(fmt):
    from openpyxl.styles.numbers import is_date_format as theirs

    from bidgen.inputs.excel import is_date_format

    assert is_date_format(fmt) is theirs(fmt)


def test_date_serials_mean_what_openpyxl_reads_in_both_calendars():
    import random

    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel as theirs

    from bidgen.inputs.excel import MAC_EPOCH, WINDOWS_EPOCH, from_excel

    assert (WINDOWS_EPOCH, MAC_EPOCH) == (CALENDAR_WINDOWS_1900, CALENDAR_MAC_1904)
    rng = random.Random(7)
    serials = [0, 0.25, 0.5, 0.99999, 0.999999999, 1, 1.5, 58, 59, 59.75, 60, 60.5, 61, 366, 45000, 45000.125,
               46356.999994, 2958465, 2958465.9999]
    serials += [rng.uniform(0, 2958465) for _ in range(2000)] + [rng.randint(1, 80000) for _ in range(500)]
    for epoch in (WINDOWS_EPOCH, MAC_EPOCH):
        for serial in serials:
            try:
                expected = theirs(serial, epoch)
            except OverflowError:  # past 31 December 9999 (Excel shows #####)
                with pytest.raises(OverflowError):
                    from_excel(serial, epoch)
                continue
            assert from_excel(serial, epoch) == expected, (serial, epoch)


def test_dates_and_times_in_a_saved_workbook_read_as_openpyxl_reads_them(tmp_path):
    """Cells with date, time and date-time formats, in both calendars: the value bidgen reads from
    the sheet's XML is openpyxl's."""
    from bidgen.inputs.tables import open_workbook

    for date1904 in (False, True):
        wb = openpyxl.Workbook()
        wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904 if date1904 else openpyxl.utils.datetime.CALENDAR_WINDOWS_1900
        ws = wb.active
        ws.title = "deals"
        values = [(dt.date(2026, 11, 30), "yyyy-mm-dd"), (dt.datetime(2026, 2, 28, 13, 45, 30), "yyyy-mm-dd hh:mm:ss"),
                  (dt.time(9, 30), "h:mm"), (dt.date(1904, 3, 1), "d-mmm-yy"), (45000, "0.00"),
                  (dt.date(2031, 1, 15), '[$-804]yyyy"年"m"月"d"日"')]
        for col, (value, fmt) in enumerate(values, start=1):
            cell = ws.cell(row=1, column=col, value=value)
            cell.number_format = fmt
        path = tmp_path / f"dates-{date1904}.xlsx"
        wb.save(path)
        expected = [c.value for c in openpyxl.load_workbook(path)["deals"][1]]
        with open_workbook(path) as src:
            [(_i, row)] = list(src.rows("deals"))
        got = [c[0] if c is not None else None for c in row]
        assert [str(v) for v in got] == [str(v) for v in expected], date1904


def test_a_number_past_the_calendar_in_a_date_cell_is_read_as_the_number(tmp_path):
    """A serial past 31 December 9999 under a date format (Excel shows #####) used to end the run in
    an OverflowError; it is the number the cell holds, which the deal's checks then judge."""
    from bidgen.inputs.tables import open_workbook

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "deals"
    ws["A1"] = 99999999
    ws["A1"].number_format = "yyyy-mm-dd"
    ws["B1"] = dt.date(2026, 11, 30)
    ws["B1"].number_format = "yyyy-mm-dd"
    wb.save(tmp_path / "far.xlsx")
    with open_workbook(tmp_path / "far.xlsx") as src:
        [(_i, row)] = list(src.rows("deals"))
    assert row[0][0] == Decimal(99999999)
    assert row[1][0] == dt.datetime(2026, 11, 30)


@pytest.mark.parametrize("spelling, calendar", [
    ('date1904="1"', 1904), ("date1904='1'", 1904), ('date1904 = "1"', 1904), ('date1904="true"', 1904),
    ("date1904 =\n 'true'", 1904), ('date1904=" 1 "', 1904), ('date1904="0"', 1900), ("date1904='false'", 1900),
])
def test_the_1904_calendar_flag_is_read_as_xml_whatever_its_quotes_and_spaces(tmp_path, spelling, calendar):
    """``<workbookPr date1904='1'/>`` is the same XML as ``date1904="1"``: read in the 1900 calendar, every date
    of such a workbook would be silently 1,462 days early (QA4, Q4-6)."""
    import re
    import zipfile

    from bidgen.inputs.tables import open_workbook

    wb = openpyxl.Workbook()
    wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "deals"
    ws["A1"] = dt.date(2026, 11, 18)
    ws["A1"].number_format = "yyyy-mm-dd"
    wb.save(tmp_path / "base.xlsx")
    path = tmp_path / "book.xlsx"
    with zipfile.ZipFile(tmp_path / "base.xlsx") as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/workbook.xml":
                assert b'date1904="1"' in data
                data = data.replace(b'date1904="1"', spelling.encode())
            zout.writestr(info, data)
    with open_workbook(path) as src:
        [(_i, row)] = list(src.rows("deals"))
    # (a 1900-calendar workbook holding the same serial means the date 1,462 days earlier)
    expected = dt.datetime(2026, 11, 18) if calendar == 1904 else dt.datetime(2026, 11, 18) - dt.timedelta(days=1462)
    assert row[0][0] == expected


@pytest.mark.parametrize("calendar", ["1900", "1904"])
def test_a_negative_number_in_a_date_cell_is_read_as_the_number(tmp_path, calendar):
    """A negative serial under a date format is no date (Excel shows ##### in the 1900 calendar): it
    was read as a date of 1899 and written into the documents; it is the number, which a date column
    refuses at its cell like a serial past the calendar."""
    wb = openpyxl.load_workbook(_book(tmp_path / "base.xlsx"))
    if calendar == "1904":
        wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
        for ref in ("D2", "E2"):  # the other dates, kept right in this calendar
            wb["deals"][ref].value = wb["deals"][ref].value
    wb["deals"]["D2"] = -5  # issue_date, its date format kept
    wb["deals"]["F2"] = -0.5  # seller.name: not a date column, but formatted as one
    wb["deals"]["F2"].number_format = "yyyy-mm-dd hh:mm"
    wb.save(tmp_path / "deals.xlsx")
    from bidgen.inputs.tables import open_workbook

    with open_workbook(tmp_path / "deals.xlsx") as src:
        row = dict(src.rows("deals"))[1]
    assert (row[3][0], row[5][0]) == (Decimal(-5), Decimal("-0.5"))
    assert _errors(tmp_path / "deals.xlsx")[0] == (
        "deals.xlsx:deals!D2 (issue_date): a number (-5), not a date: format the cell as a date or type the date "
        "as YYYY-MM-DD")


def _iso_book(path: Path, **dates) -> Path:
    """A one-deal workbook whose date cells are stored as ISO 8601 (``t="d"``), as openpyxl writes them
    with ``iso_dates``."""
    wb = openpyxl.load_workbook(_book(path.with_name("base-" + path.name)))
    for ref, value in dates.items():
        wb["deals"][ref] = value
    wb.iso_dates = True
    wb.save(path)
    import zipfile

    assert b't="d"' in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    return path


def test_an_iso_8601_date_cell_with_a_time_part_reads_as_the_date(tmp_path):
    """``<c t="d"><v>2026-11-18T00:00:00</v></c>``: a date at midnight is the date (it was refused as
    "not an ISO date")."""
    path = _iso_book(tmp_path / "iso.xlsx")
    from bidgen.inputs.tables import open_workbook

    with open_workbook(path) as src:
        row = dict(src.rows("deals"))[1]
    assert (row[3][0], row[4][0]) == (dt.datetime(2026, 11, 18), dt.datetime(2027, 1, 17))
    entry = read_workbook(path).entries[0]
    assert entry.ok, [str(e) for e in entry.errors]
    assert (entry.deal.issue_date, entry.deal.valid_until) == (dt.date(2026, 11, 18), dt.date(2027, 1, 17))


def test_an_iso_8601_date_cell_with_a_time_of_day_is_refused_as_a_date_cell_is(tmp_path):
    path = _iso_book(tmp_path / "iso.xlsx", D2=dt.datetime(2026, 11, 18, 9, 30), E2=dt.time(9, 30))
    assert _errors(path) == [
        "iso.xlsx:deals!D2 (issue_date): a date with a time of day (2026-11-18 09:30); give the date alone",
        "iso.xlsx:deals!E2 (valid_until): a time or duration where a date is expected"]


@pytest.mark.parametrize("stored, expected", [
    (b"1", True), (b"true", True), (b"TRUE", True), (b"True", True), (b"0", False), (b"false", False),
    (b"FALSE", False), (b"2", "expected yes or no, got '2'"), (b"yes!", "expected yes or no, got 'yes!'"),
])
def test_a_true_false_cell_is_read_by_its_value_and_refused_when_it_is_neither(tmp_path, stored, expected):
    """A TRUE/FALSE cell (``t="b"``) holding ``TRUE`` (another program's spelling) was read as FALSE,
    silently: prices_include_tax flipped and tax was added on top (QA4, Q4-20)."""
    import zipfile

    wb = openpyxl.load_workbook(_book(tmp_path / "base.xlsx"))
    col = [c.value for c in wb["deals"][1]].index("prices_include_tax") + 1
    wb["deals"].cell(row=2, column=col, value=True)
    wb.save(tmp_path / "base.xlsx")
    letter = openpyxl.utils.get_column_letter(col)
    path = tmp_path / "deals.xlsx"
    with zipfile.ZipFile(tmp_path / "base.xlsx") as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                cell = f'<c r="{letter}2" t="b"><v>1</v></c>'.encode()
                assert cell in data
                data = data.replace(cell, cell.replace(b"<v>1</v>", b"<v>" + stored + b"</v>"))
            zout.writestr(info, data)
    entry = read_workbook(path).entries[0]
    if isinstance(expected, bool):
        assert entry.ok, [str(e) for e in entry.errors]
        assert entry.deal.prices_include_tax is expected
    else:
        assert [str(e) for e in entry.errors] == [f"deals.xlsx:deals!{letter}2 (prices_include_tax): {expected}"]
