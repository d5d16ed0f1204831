"""Arithmetic: line totals, subtotal, tax, total and milestone amounts add up.

The rules work on :class:`Figures`, the figures as a reader sees them: built from the deal's
computed pricing (inputs) or read back from a rendered document (where a person may have
edited one cell).  Every figure is recomputed from the figures it depends on, rounded
half up to the currency's minor unit, exactly as :mod:`bidgen.money` computes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..locales import quantize_money
from ..money import Pricing
from .context import Source, money, pct, value
from .findings import Place
from .registry import ERROR, Collector, rule

LINE = rule("ARITH-LINE", "arithmetic", ERROR, "Each line total equals quantity × unit price less its discount.")
SUBTOTAL = rule("ARITH-SUBTOTAL", "arithmetic", ERROR, "The subtotal equals the sum of the line totals.")
TAX = rule("ARITH-TAX", "arithmetic", ERROR, "The tax equals the tax rate applied to the prices.")
TOTAL = rule("ARITH-TOTAL", "arithmetic", ERROR, "The total equals the subtotal plus tax (or the subtotal, tax included).")
MILESTONES = rule(
    "ARITH-MILESTONES", "arithmetic", ERROR,
    "Each milestone amount is its share of the total, and the amounts add up to the total.",
)

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Fig:
    """One figure and where it stands."""

    amount: Decimal
    where: Place


@dataclass(frozen=True)
class LineFig:
    """One priced line as printed: quantity, unit price, discount percent, line total."""

    label: str
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    total: Fig


@dataclass
class Figures:
    """The figures of one pricing block (any of them may be unknown: None)."""

    label: str  # who states them: "deal", "proposal", "bid" …
    currency: str
    tax_rate_percent: Decimal | None = None
    prices_include_tax: bool | None = None
    lines: list[LineFig] = field(default_factory=list)
    subtotal: Fig | None = None
    tax: Fig | None = None
    total: Fig | None = None
    milestones: list[tuple[Decimal | None, Fig]] = field(default_factory=list)


def figures_from_pricing(pricing: Pricing, src: Source, items_desc: list[str]) -> Figures:
    """The figures the deal's pricing computes (places point at the deal's keys)."""
    lines = [
        LineFig(desc, ln.quantity, ln.unit_price, ln.discount_percent, Fig(ln.total, src.at("items", ln.index)))
        for ln, desc in zip(pricing.lines, items_desc)
    ]
    return Figures(
        label=src.label, currency=pricing.currency, tax_rate_percent=pricing.tax_rate_percent,
        prices_include_tax=pricing.prices_include_tax, lines=lines,
        subtotal=Fig(pricing.subtotal, src.at("items")),
        tax=Fig(pricing.tax, src.at("tax_rate_percent")),
        total=Fig(pricing.total, src.at("items")),
        milestones=[
            (m.percent, Fig(m.amount, src.at("terms", "payment", m.index))) for m in pricing.milestones
        ],
    )


def check_figures(fig: Figures, out: Collector) -> None:
    """Run every arithmetic rule over ``fig``."""
    if out.on(LINE):
        _lines(fig, out)
    if out.on(SUBTOTAL):
        _subtotal(fig, out)
    if fig.tax_rate_percent is not None and fig.prices_include_tax is not None:
        if out.on(TAX):
            _tax(fig, out)
        if out.on(TOTAL):
            _total(fig, out)
    if out.on(MILESTONES):
        _milestones(fig, out)


def _q(amount: Decimal, fig: Figures) -> Decimal:
    return quantize_money(amount, fig.currency)


def _lines(fig: Figures, out: Collector) -> None:
    for line in fig.lines:
        expected = _q(line.quantity * line.unit_price * (HUNDRED - line.discount_percent) / HUNDRED, fig)
        if expected != line.total.amount:
            disc = f" less {pct(line.discount_percent)}" if line.discount_percent else ""
            out.add(LINE, (
                f"The line total of '{line.label}' in the {fig.label} is {money(line.total.amount, fig.currency)}, "
                f"but {line.quantity} × {money(line.unit_price, fig.currency)}{disc} is "
                f"{money(expected, fig.currency)}."
            ), line.total.where, [value(fig.label, money(line.total.amount, fig.currency), line.total.where),
                                  value("computed", money(expected, fig.currency))])


def _subtotal(fig: Figures, out: Collector) -> None:
    if fig.subtotal is None or not fig.lines:
        return
    computed = sum((ln.total.amount for ln in fig.lines), Decimal(0))
    name = "total" if fig.subtotal is fig.total else "subtotal"
    if computed != fig.subtotal.amount:
        out.add(SUBTOTAL, (
            f"The {name} in the {fig.label} is {money(fig.subtotal.amount, fig.currency)}, but its "
            f"{len(fig.lines)} line totals add up to {money(computed, fig.currency)}."
        ), fig.subtotal.where, [value(fig.label, money(fig.subtotal.amount, fig.currency), fig.subtotal.where),
                                value("sum of lines", money(computed, fig.currency))])


def _expected_tax(fig: Figures, base: Decimal) -> Decimal:
    rate = fig.tax_rate_percent or Decimal(0)
    if fig.prices_include_tax:
        return base - _q(base * HUNDRED / (HUNDRED + rate), fig)
    return _q(base * rate / HUNDRED, fig)


def _tax(fig: Figures, out: Collector) -> None:
    base = fig.total if fig.prices_include_tax else fig.subtotal
    if fig.tax is None or base is None:
        return
    expected = _expected_tax(fig, base.amount)
    if expected != fig.tax.amount:
        how = "included in" if fig.prices_include_tax else "on"
        out.add(TAX, (
            f"The tax in the {fig.label} is {money(fig.tax.amount, fig.currency)}, but "
            f"{pct(fig.tax_rate_percent or Decimal(0))} {how} {money(base.amount, fig.currency)} is "
            f"{money(expected, fig.currency)}."
        ), fig.tax.where, [value(fig.label, money(fig.tax.amount, fig.currency), fig.tax.where),
                           value("computed", money(expected, fig.currency))])


def _total(fig: Figures, out: Collector) -> None:
    if fig.total is None or fig.subtotal is None:
        return
    if fig.prices_include_tax:
        expected, how = fig.subtotal.amount, "the subtotal (prices include tax)"
    elif fig.tax is not None:
        expected, how = fig.subtotal.amount + fig.tax.amount, "the subtotal plus tax"
    else:
        return
    if expected != fig.total.amount:
        out.add(TOTAL, (
            f"The total in the {fig.label} is {money(fig.total.amount, fig.currency)}, but {how} is "
            f"{money(expected, fig.currency)}."
        ), fig.total.where, [value(fig.label, money(fig.total.amount, fig.currency), fig.total.where),
                             value("computed", money(expected, fig.currency))])


def _milestones(fig: Figures, out: Collector) -> None:
    if fig.total is None or not fig.milestones:
        return
    total = fig.total.amount
    amounts = [f.amount for _, f in fig.milestones]
    percents = [p for p, _ in fig.milestones]
    for i, (percent, f) in enumerate(fig.milestones[:-1], start=1):
        if percent is None:
            continue
        share = _q(total * percent / HUNDRED, fig)
        if share != f.amount:
            out.add(MILESTONES, (
                f"Payment milestone {i} in the {fig.label} is {money(f.amount, fig.currency)}, but "
                f"{pct(percent)} of the total {money(total, fig.currency)} is {money(share, fig.currency)}."
            ), f.where, [value(fig.label, money(f.amount, fig.currency), f.where),
                         value("computed", money(share, fig.currency))])
    known = [p for p in percents if p is not None]
    if len(known) != len(percents) or sum(known, Decimal(0)) != HUNDRED:
        return  # PAY-SUM-100 reports the percentages
    added = sum(amounts, Decimal(0))
    if added != total:
        last = fig.milestones[-1][1]
        out.add(MILESTONES, (
            f"The payment milestones in the {fig.label} add up to {money(added, fig.currency)}, "
            f"not to the total {money(total, fig.currency)}."
        ), last.where, [value("milestones", money(added, fig.currency), last.where),
                        value("total", money(total, fig.currency), fig.total.where)])
