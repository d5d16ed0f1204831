"""The pricing table of a rendered document, read back as :class:`~bidgen.checks.arithmetic.Figures`.

A pricing table is recognised by its header row (quantity, unit price, discount and amount
columns, in Chinese or English: 数量/數量/Qty, 单价/單價/Unit price, 折扣/Discount, 金额/金額/Amount).
Rows with as many cells as the header are priced lines; the shorter rows below them are the
summary: the one holding the marked ``total`` (or labelled total/合计) is the total, one
labelled subtotal/小计 the subtotal, one naming tax/税/稅/VAT the tax (its label gives the rate).
"""

from __future__ import annotations

import re
from decimal import Decimal

from .arithmetic import Fig, Figures, LineFig
from .termvalues import parse_number

__all__ = ["pricing_figures"]

_HEADERS = {
    "quantity": ("数量", "數量", "qty", "quantity"),
    "unit_price": ("单价", "單價", "unit price"),
    "discount": ("折扣", "discount"),
    "amount": ("金额", "金額", "amount", "line total"),
}
_SUBTOTAL = ("小计", "小計", "subtotal", "sub-total")
_TAX = ("税", "稅", "tax", "vat")
_TOTAL = ("合计", "合計", "总计", "總計", "总价", "總價", "total")
_RATE = re.compile(r"(\d+(?:\.\d+)?)\s*%")
_WHERE = re.compile(r"table (\d+), row (\d+)")


def _columns(header: list[str]) -> dict[str, int] | None:
    cols: dict[str, int] = {}
    for i, cell in enumerate(header):
        low = cell.strip().lower()
        for name, words in _HEADERS.items():
            if name not in cols and any(low.startswith(w) for w in words):
                cols[name] = i
    return cols if len(cols) == len(_HEADERS) else None


def _total_rows(doc) -> dict[int, int]:  # type: ignore[no-untyped-def]
    """Table number → row number of every marked total in a table of the body."""
    rows: dict[int, int] = {}
    for hit in doc.text.terms.get("total", []):
        m = _WHERE.match(hit.where)
        if m and hit.part.endswith("document.xml"):
            rows.setdefault(int(m.group(1)), int(m.group(2)))
    return rows


def _has(label: str, words: tuple[str, ...]) -> bool:
    low = label.lower()
    return any(w in low for w in words)


def pricing_figures(doc, currency: str, include: bool | None, rate: Decimal | None,  # type: ignore[no-untyped-def]
                    blanks: list | None = None) -> Figures | None:  # type: ignore[type-arg]
    """The figures of the document's pricing table, or None when it has none.

    The places of amount cells left empty in priced lines are appended to ``blanks``.
    """
    marked = _total_rows(doc)
    for t_no, table in enumerate(doc.text.tables, start=1):
        cols = _columns(table[0]) if table else None
        if cols is None:
            continue
        fig = _read(doc, t_no, table, cols, currency, include, rate, marked.get(t_no),
                    blanks if blanks is not None else [])
        if fig is not None:
            return fig
    return None


def _money(text: str, doc) -> Decimal | None:  # type: ignore[no-untyped-def]
    return parse_number(text, doc.locale, doc.decimal)


def _read(doc, t_no: int, table: list[list[str]], cols: dict[str, int], currency: str,  # type: ignore[no-untyped-def]
          include: bool | None, rate: Decimal | None, total_row: int | None, blanks: list) -> Figures | None:  # type: ignore[type-arg]
    fig = Figures(label=doc.label, currency=currency, tax_rate_percent=rate, prices_include_tax=include)
    width = len(table[0])
    for r_no, row in enumerate(table[1:], start=2):
        place = doc.at(f"table {t_no}, row {r_no}")
        if len(row) == width:
            if not row[cols["amount"]].strip() and any(c.strip() for c in row):
                blanks.append(doc.at(f"table {t_no}, row {r_no}, cell {cols['amount'] + 1}"))
                continue
            line = _line(doc, row, cols, place)
            if line is not None:
                fig.lines.append(line)
            continue
        if len(row) < 2:
            continue
        if not row[-1].strip() and row[0].strip():
            blanks.append(doc.at(f"table {t_no}, row {r_no}, cell {len(row)}"))
            continue
        label, amount = row[0], _money(row[-1], doc)
        if amount is None:
            continue
        f = Fig(amount, doc.at(f"table {t_no}, row {r_no}, cell {len(row)}"))
        if r_no == total_row or (total_row is None and _has(label, _TOTAL) and not _has(label, _SUBTOTAL)):
            fig.total = f
        elif _has(label, _SUBTOTAL):
            fig.subtotal = f
        elif _has(label, _TAX):
            fig.tax = f
            m = _RATE.search(label)
            if fig.tax_rate_percent is None and m:
                fig.tax_rate_percent = Decimal(m.group(1))
    if fig.prices_include_tax is None and fig.total is not None:
        fig.prices_include_tax = fig.subtotal is None
    if fig.subtotal is None and fig.prices_include_tax and fig.total is not None:
        fig.subtotal = fig.total
    return fig if fig.lines else None


def _line(doc, row: list[str], cols: dict[str, int], place) -> LineFig | None:  # type: ignore[no-untyped-def]
    qty = _money(row[cols["quantity"]], doc)
    price = _money(row[cols["unit_price"]], doc)
    amount = _money(row[cols["amount"]], doc)
    if qty is None or price is None or amount is None:
        return None
    disc_text = row[cols["discount"]]
    m = _RATE.search(disc_text)
    discount = Decimal(m.group(1)) if m else Decimal(0)
    label = next((c for i, c in enumerate(row) if i not in cols.values() and c.strip() and not c.strip().isdigit()),
                 row[0])
    cell = doc.at(f"{place.path}, cell {cols['amount'] + 1}")
    return LineFig(label.strip(), qty, price, discount, Fig(amount, cell))
