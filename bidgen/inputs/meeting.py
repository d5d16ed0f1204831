"""A negotiation meeting, recorded for the confirmation memo (``samples/meeting-*.yaml``).

Required: ``deal`` (the id of the deal the memo belongs to), ``date`` and ``mode``;
everything else is optional.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import model_validator

from bidgen.inputs.base import (Code, Days, Email, IsoDate, MeetingMode, Model, Money, Months, ObjectionKind, Salutation,
                                Text)
from bidgen.inputs.deal import Milestone

__all__ = ["Attendee", "Attendees", "Objection", "PriceRange", "Agreed", "OpenItem", "Meeting"]


class Attendee(Model):
    """A person at the meeting."""

    name: Text
    title: Text | None = None
    email: Email | None = None  # extension: lets the memo's e-mail reach an attendee the deal lists without one
    salutation: Salutation | None = None  # extension: as a deal contact's
    surname: Text | None = None  # extension: as a deal contact's


class Attendees(Model):
    """Who attended, for the client and for us."""

    client: tuple[Attendee, ...] = ()
    ours: tuple[Attendee, ...] = ()


class Objection(Model):
    """An objection the client raised and how it was resolved (if it was)."""

    kind: ObjectionKind
    said: Text
    resolution: Text | None = None


class PriceRange(Model):
    """An agreed price range, when no single price was agreed."""

    low: Money
    high: Money

    @model_validator(mode="after")
    def _ordered(self) -> PriceRange:
        if self.low > self.high:
            raise ValueError(f"the low end {self.low} is above the high end {self.high}")
        return self


class Agreed(Model):
    """The terms agreed at the meeting, restated exactly."""

    price: Money | None = None
    price_range: PriceRange | None = None
    delivery_days: Days | None = None
    warranty_months: Months | None = None
    payment: tuple[Milestone, ...] = ()
    other: tuple[Text, ...] = ()

    @property
    def payment_percent_total(self) -> Decimal:
        """The sum of the agreed milestones' percentages."""
        return sum((m.percent for m in self.payment), Decimal(0))


class OpenItem(Model):
    """Something still to be done, by whom and by when."""

    item: Text
    owner: Text | None = None
    due: IsoDate | None = None


class Meeting(Model):
    """A meeting record: the source of a confirmation memo."""

    deal: Code
    date: IsoDate
    mode: MeetingMode
    topic: Text | None = None
    place: Text | None = None
    attendees: Attendees = Attendees()
    client_feedback: tuple[Text, ...] = ()
    our_responses: tuple[Text, ...] = ()
    objections: tuple[Objection, ...] = ()
    agreed: Agreed | None = None
    open_items: tuple[OpenItem, ...] = ()
    next_steps: tuple[Text, ...] = ()
    next_contact: IsoDate | None = None

    @property
    def all_attendees(self) -> tuple[Attendee, ...]:
        """Client attendees first, then ours."""
        return self.attendees.client + self.attendees.ours

    @property
    def unresolved_objections(self) -> tuple[Objection, ...]:
        """Objections without a resolution."""
        return tuple(o for o in self.objections if o.resolution is None)
