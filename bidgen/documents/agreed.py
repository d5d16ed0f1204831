"""The terms a confirmation memo restates: what the meeting agreed over what the deal offered.

Shared by the memo (:mod:`bidgen.documents.memo`) and its e-mail draft (:mod:`bidgen.documents.eml`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bidgen.documents.common import DealFacts
from bidgen.inputs.models import Meeting, Milestone
from bidgen.money import split_by_percent

__all__ = ["AgreedTerms", "agreed_terms"]


@dataclass(frozen=True)
class AgreedTerms:
    """The terms a memo restates: what the meeting agreed, else what the proposal offered.

    ``base`` is the amount the payment schedule is computed from (the agreed price, or the
    quoted total when no price was agreed; None for an agreed range).  ``amounts`` come from
    :func:`bidgen.money.split_by_percent`: the last milestone absorbs the rounding.
    """

    price: Decimal | None
    low: Decimal | None
    high: Decimal | None
    base: Decimal | None
    milestones: tuple[Milestone, ...]
    amounts: tuple[Decimal, ...]
    payment_agreed: bool
    delivery_days: int | None
    delivery_agreed: bool
    warranty_months: int | None
    warranty_agreed: bool
    other: tuple[str, ...]

    @property
    def quoted(self) -> bool:
        """No price was agreed: the proposal's total stands."""
        return self.price is None and self.low is None


def agreed_terms(meeting: Meeting, facts: DealFacts) -> AgreedTerms:
    """Merge the meeting's agreed terms over the deal's offer and compute the schedule amounts."""
    deal, ag = facts.deal, meeting.agreed
    price = ag.price if ag is not None else None
    rng = ag.price_range if ag is not None else None
    low, high = (rng.low, rng.high) if rng is not None and price is None else (None, None)
    base = price if price is not None else (None if low is not None else facts.pricing.total)
    milestones = ag.payment if ag is not None and ag.payment else deal.terms.payment
    amounts = tuple(split_by_percent(base, [m.percent for m in milestones], deal.currency)) if base is not None else ()
    delivery = ag.delivery_days if ag is not None else None
    warranty = ag.warranty_months if ag is not None else None
    return AgreedTerms(
        price=price,
        low=low,
        high=high,
        base=base,
        milestones=tuple(milestones),
        amounts=amounts,
        payment_agreed=bool(ag is not None and ag.payment),
        delivery_days=delivery if delivery is not None else deal.terms.delivery_days,
        delivery_agreed=delivery is not None,
        warranty_months=warranty if warranty is not None else deal.terms.warranty_months,
        warranty_agreed=warranty is not None,
        other=tuple(ag.other) if ag is not None else (),
    )
