"""A tender: what the buyer asked for (``samples/tender-*.yaml``).

Required: ``ref``, ``title`` and ``buyer``.  A requirement marked ``mandatory`` is a ★
item: a negative deviation on it voids the bid.
"""

from __future__ import annotations

from collections import Counter

from pydantic import field_validator

from bidgen.inputs.base import (
    Code,
    CurrencyCode,
    Days,
    Deviation,
    IsoDate,
    Model,
    Money,
    Months,
    RequirementKind,
    Text,
)

__all__ = ["Requirement", "Tender"]


class Requirement(Model):
    """One tender requirement and our response to it."""

    id: Text
    kind: RequirementKind
    text: Text
    response: Text | None = None
    deviation: Deviation | None = None
    explanation: Text | None = None
    mandatory: bool = False

    @property
    def answered(self) -> bool:
        """Whether the requirement has a response."""
        return self.response is not None


class Tender(Model):
    """A tender and our answers to its requirements."""

    ref: Text
    title: Text
    buyer: Text
    deal: Code | None = None
    currency: CurrencyCode | None = None
    ceiling_price: Money | None = None
    budget: Money | None = None
    deadline: IsoDate | None = None
    required_validity_days: Days | None = None
    required_delivery_days: Days | None = None
    required_warranty_months: Months | None = None
    bid_bond: Money | None = None
    qualifications: tuple[Text, ...] = ()
    requirements: tuple[Requirement, ...] = ()

    @field_validator("requirements")
    @classmethod
    def _unique_ids(cls, value: tuple[Requirement, ...]) -> tuple[Requirement, ...]:
        dups = sorted(i for i, n in Counter(r.id for r in value).items() if n > 1)
        if dups:
            raise ValueError("duplicate requirement id: " + ", ".join(repr(d) for d in dups))
        return value

    def requirements_by_kind(self, kind: RequirementKind | str) -> tuple[Requirement, ...]:
        """The requirements of one kind (technical or commercial), in file order."""
        wanted = RequirementKind(kind)
        return tuple(r for r in self.requirements if r.kind == wanted)

    def requirement(self, req_id: str) -> Requirement:
        """The requirement with this id (KeyError if there is none)."""
        for req in self.requirements:
            if req.id == req_id:
                return req
        raise KeyError(req_id)

    @property
    def mandatory_requirements(self) -> tuple[Requirement, ...]:
        """The ★ requirements."""
        return tuple(r for r in self.requirements if r.mandatory)

    @property
    def unanswered_requirements(self) -> tuple[Requirement, ...]:
        """Requirements without a response (grounds to reject a bid)."""
        return tuple(r for r in self.requirements if not r.answered)
