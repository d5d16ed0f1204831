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
