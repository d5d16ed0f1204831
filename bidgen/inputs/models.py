"""Typed, frozen models of bidgen's input format (deals, meetings, tenders).

The public input format is the one of ``samples/*.yaml``; every key there is modelled
here, and an unknown key is an error.  Build models with :mod:`bidgen.inputs.load`, which turns
validation failures into located, plain-words :class:`bidgen.errors.InputError` lines.

The definitions live in ``models_base`` (value types, enums), ``models_deal``,
``models_meeting`` and ``models_tender``; import them from here.
"""

from __future__ import annotations

from bidgen.inputs.base import (
    KNOWN_APPROVAL_LEVELS,
    Attitude,
    ContactRole,
    Deviation,
    ItemKind,
    MeetingMode,
    Model,
    ObjectionKind,
    RequirementKind,
    Tier,
    parse_iso_date,
    parse_money,
    parse_percent,
)
from bidgen.inputs.deal import (
    KEY_FROM,
    STRATEGIC_FROM,
    Approval,
    Client,
    Concession,
    Contact,
    Deal,
    History,
    LatePenalty,
    LineItem,
    Milestone,
    Negotiation,
    PainPoint,
    Party,
    Project,
    Seller,
    Sla,
    Targets,
    Terms,
    derive_tier,
)
from bidgen.inputs.meeting import Agreed, Attendee, Attendees, Meeting, Objection, OpenItem, PriceRange
from bidgen.inputs.tender import Requirement, Tender

__all__ = [
    "Model",
    "Deal",
    "Party",
    "Seller",
    "Client",
    "Contact",
    "PainPoint",
    "History",
    "Project",
    "LineItem",
    "Terms",
    "Milestone",
    "Sla",
    "LatePenalty",
    "Negotiation",
    "Targets",
    "Concession",
    "Approval",
    "Meeting",
    "Attendee",
    "Attendees",
    "Objection",
    "Agreed",
    "PriceRange",
    "OpenItem",
    "Tender",
    "Requirement",
    "Tier",
    "ContactRole",
    "Attitude",
    "MeetingMode",
    "ObjectionKind",
    "RequirementKind",
    "Deviation",
    "ItemKind",
    "KNOWN_APPROVAL_LEVELS",
    "STRATEGIC_FROM",
    "KEY_FROM",
    "derive_tier",
    "parse_money",
    "parse_percent",
    "parse_iso_date",
]
