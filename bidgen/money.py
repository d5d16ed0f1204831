"""Exact pricing: line totals, subtotal, tax, total and payment milestones.

Everything is :class:`decimal.Decimal`.  A ``float`` anywhere in the inputs raises
:class:`TypeError` — a binary float must never sneak into money.  ``int`` is accepted and
converted exactly.

The rules (see ``DOMAIN.md``):

* line total = quantity × unit price × (1 − discount/100), rounded ROUND_HALF_UP to the
  currency's minor unit (CNY 2 digits, JPY 0, …) *before* summing;
* subtotal = Σ line totals;
* prices include tax: total = subtotal, net = total / (1 + rate/100) rounded, tax = total − net;
* prices exclude tax: tax = subtotal × rate/100 rounded, net = subtotal, total = net + tax;
* milestones are shares of the total.  When the percents add up to exactly 100, each amount is
  rounded and the **last** milestone absorbs the rounding difference, so the amounts add up to
  the total to the cent.  When they do not add up to 100 (a defect the checker reports on its
  own), each amount is simply percent × total rounded, and the last one absorbs nothing.

This module does not import the pydantic models: anything with the right attributes will do
(see :class:`LineLike` and :class:`MilestoneLike`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol, Sequence

from bidgen.locales import currency_digits, quantize_money

__all__ = [
    "LineLike",
    "MilestoneLike",
    "PricedLine",
    "PricedMilestone",
    "Pricing",
    "compute_pricing",
    "split_by_percent",
    "to_decimal",
]

HUNDRED = Decimal(100)


class LineLike(Protocol):
    """What pricing needs from a line item."""

    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal | None


class MilestoneLike(Protocol):
    """What pricing needs from a payment milestone."""

    percent: Decimal


@dataclass(frozen=True)
class PricedLine:
    """One priced line.  ``index`` is the 0-based position in the input (``items[index]``).

    ``gross`` = quantity × unit price (rounded), ``total`` = gross after discount (rounded from
    the exact product, not from ``gross``), ``discount_amount`` = gross − total.
    """

    index: int
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    gross: Decimal
    discount_amount: Decimal
    total: Decimal


@dataclass(frozen=True)
class PricedMilestone:
    """One payment milestone: its 0-based ``index``, ``percent`` and the rounded ``amount``."""

    index: int
    percent: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Pricing:
    """The complete, rounded pricing of a deal.  ``discount_total`` = Σ line discounts."""

    currency: str
    lines: tuple[PricedLine, ...]
    subtotal: Decimal
    net: Decimal
    tax: Decimal
    total: Decimal
    tax_rate_percent: Decimal
    prices_include_tax: bool
    milestones: tuple[PricedMilestone, ...]
    discount_total: Decimal

    @property
    def milestones_total(self) -> Decimal:
        """Σ milestone amounts (equals ``total`` when the percents add up to 100)."""
        return sum((m.amount for m in self.milestones), Decimal(0))


def to_decimal(value: object, name: str = "value") -> Decimal:
    """Return ``value`` as a finite Decimal; ``int`` is converted, ``float`` raises TypeError.

    ``bool`` and every other type raise :class:`TypeError`; NaN and infinities raise
    :class:`ValueError`.
    """
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise TypeError(f"{name} must be Decimal (or int), not {type(value).__name__}")
    dec = Decimal(value)
    if not dec.is_finite():
        raise ValueError(f"{name} must be a finite number, not {dec}")
    return dec


def _percent(value: object, name: str) -> Decimal:
    """A percent as Decimal; None means 0."""
    return Decimal(0) if value is None else to_decimal(value, name)


def _price_line(index: int, item: LineLike, currency: str) -> PricedLine:
    quantity = to_decimal(item.quantity, f"items[{index}].quantity")
    unit_price = to_decimal(item.unit_price, f"items[{index}].unit_price")
    discount = _percent(getattr(item, "discount_percent", None), f"items[{index}].discount_percent")
    if not Decimal(0) <= discount <= HUNDRED:
        raise ValueError(f"items[{index}].discount_percent must be between 0 and 100, not {discount}")
    exact = quantity * unit_price
    gross = quantize_money(exact, currency)
    total = quantize_money(exact * (HUNDRED - discount) / HUNDRED, currency)
    return PricedLine(
        index=index,
        quantity=quantity,
        unit_price=unit_price,
        discount_percent=discount,
        gross=gross,
        discount_amount=gross - total,
        total=total,
    )


def _zero(currency: str) -> Decimal:
    return quantize_money(Decimal(0), currency)


def _tax(subtotal: Decimal, rate: Decimal, include: bool, currency: str) -> tuple[Decimal, Decimal, Decimal]:
    """(net, tax, total) from the subtotal."""
    if include:
        net = quantize_money(subtotal * HUNDRED / (HUNDRED + rate), currency)
        return net, subtotal - net, subtotal
    tax = quantize_money(subtotal * rate / HUNDRED, currency)
    return subtotal, tax, subtotal + tax


def split_by_percent(total: Decimal, percents: Sequence[Decimal], currency: str) -> list[Decimal]:
    """Split ``total`` into rounded shares by ``percents`` (percent units: 30 means 30%).

    When the percents add up to exactly 100 the last share absorbs the rounding, so the
    shares add up to ``total`` exactly.  Otherwise every share is percent × total rounded
    (nothing is absorbed; the caller reports the bad percent sum).
    """
    total_d = to_decimal(total, "total")
    pcts = [to_decimal(p, f"percents[{i}]") for i, p in enumerate(percents)]
    shares = [quantize_money(total_d * p / HUNDRED, currency) for p in pcts]
    if shares and sum(pcts, Decimal(0)) == HUNDRED:
        shares[-1] = quantize_money(total_d, currency) - sum(shares[:-1], Decimal(0))
    return shares


def compute_pricing(
    items: Sequence[LineLike],
    *,
    currency: str,
    tax_rate_percent: Decimal,
    prices_include_tax: bool,
    milestones: Sequence[MilestoneLike] = (),
) -> Pricing:
    """Price the line items, the tax and the payment milestones of a deal (see module doc).

    Raises TypeError when any amount, quantity or percent is a float (or not a number), and
    ValueError for a discount outside 0–100 or a negative tax rate.
    """
    currency = currency.upper()
    currency_digits(currency)  # fail early on a currency babel cannot describe
    rate = to_decimal(tax_rate_percent, "tax_rate_percent")
    if rate < 0:
        raise ValueError(f"tax_rate_percent must not be negative, not {rate}")
    lines = tuple(_price_line(i, item, currency) for i, item in enumerate(items))
    subtotal = sum((line.total for line in lines), _zero(currency))
    net, tax, total = _tax(subtotal, rate, bool(prices_include_tax), currency)
    percents = [_percent(m.percent, f"milestones[{i}].percent") for i, m in enumerate(milestones)]
    amounts = split_by_percent(total, percents, currency)
    return Pricing(
        currency=currency,
        lines=lines,
        subtotal=subtotal,
        net=net,
        tax=tax,
        total=total,
        tax_rate_percent=rate,
        prices_include_tax=bool(prices_include_tax),
        milestones=tuple(PricedMilestone(i, p, a) for i, (p, a) in enumerate(zip(percents, amounts))),
        discount_total=sum((line.discount_amount for line in lines), _zero(currency)),
    )
