"""What the input rules look at: the deal, tender and meeting of one deal, with their places.

A :class:`Source` turns a key path into a :class:`~bidgen.checks.findings.Place` (file, key path
and line when the inputs came from files).  :class:`Inputs` holds the models of one deal and
computes its pricing once.  The helpers format figures for messages the same way everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Callable

from bidgen.inputs.locate import field_path
from ..locales import format_amount, format_percent
from bidgen.inputs.models import Deal, Meeting, Tender
from ..money import Pricing, compute_pricing
from .findings import Place, Value
from .policy import Policy

__all__ = ["Source", "Inputs", "money", "pct", "qty", "offer_price", "value"]

PathPart = str | int


@dataclass(frozen=True)
class Source:
    """An input's file (None for models built in code) and its key-path → line lookup."""

    label: str
    file: str | None = None
    line_of: Callable[[tuple[PathPart, ...]], int | None] | None = None

    def at(self, *path: PathPart) -> Place:
        """The place of a key path in this input: ``Place(file, 'terms.payment[1].percent', line)``."""
        line = self.line_of(tuple(path)) if self.line_of and path else None
        return Place(self.file, field_path(tuple(path)) or None, line, input=self.label)


@dataclass
class Inputs:
    """The inputs of one deal (any of them may be missing) and the policy to check them with."""

    policy: Policy
    deal: Deal | None = None
    tender: Tender | None = None
    meeting: Meeting | None = None
    deal_src: Source = field(default_factory=lambda: Source("deal"))
    tender_src: Source = field(default_factory=lambda: Source("tender"))
    meeting_src: Source = field(default_factory=lambda: Source("meeting"))

    @cached_property
    def pricing(self) -> Pricing | None:
        """The deal's pricing (None without a deal)."""
        if self.deal is None:
            return None
        d = self.deal
        return compute_pricing(
            d.items,  # type: ignore[arg-type]  # LineItem satisfies LineLike (discount is never None)
            currency=d.currency, tax_rate_percent=d.tax_rate_percent,
            prices_include_tax=d.prices_include_tax, milestones=d.terms.payment,
        )

    @property
    def currency(self) -> str:
        """The deal's currency, else the tender's, else CNY."""
        if self.deal is not None:
            return self.deal.currency
        if self.tender is not None and self.tender.currency:
            return self.tender.currency
        return "CNY"

    def money(self, amount: Decimal) -> str:
        """An amount for a message: ``676,200.00 CNY``."""
        return money(amount, self.currency)


def money(amount: Decimal, currency: str) -> str:
    """``676,200.00 CNY``: figures grouped the same way in every message."""
    return f"{format_amount(amount, currency, 'en_US')} {currency}"


def qty(count: int | Decimal, unit: str) -> str:
    """``1 hour``, ``24 hours``, ``1 month``: a count with its unit (``unit`` given in the plural)."""
    singular = unit[:-1] if unit.endswith("s") else unit
    return f"{count} {singular if count == 1 else unit}"


def pct(value: Decimal) -> str:
    """``30%``, ``2.5%``, ``0.05%``."""
    return str(format_percent(value, "en_US"))


def offer_price(pricing: Pricing) -> tuple[Decimal, str]:
    """The offered price on the basis the deal's prices are written in, and its name.

    Prices that include tax: the total (tax included).  Prices that exclude tax: the subtotal
    before tax.  Opening price, targets, concession ``price_after`` and the floor are compared
    with this figure, because a team negotiates on the basis its price list uses.
    """
    if pricing.prices_include_tax:
        return pricing.total, "the offered total (tax included)"
    return pricing.subtotal, "the offered price before tax"


def value(label: str, text: str, where: Place | None = None) -> Value:
    """A compared value (shorthand)."""
    return Value(label, text, where)
