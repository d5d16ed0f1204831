"""Dates: the offer is valid after it is issued and has not expired, and a bid is dated by the tender's deadline."""

from __future__ import annotations

import datetime as dt

from .context import Inputs, value
from .registry import ERROR, WARNING, Collector, rule

VALIDITY = rule("DATE-VALIDITY", "dates", ERROR, "The validity date (valid_until) is after the issue date.")
EXPIRED = rule(
    "DATE-EXPIRED", "dates", WARNING,
    "The offer is still valid today (valid_until is not in the past): an expired offer binds no one.",
)
DEADLINE = rule("DATE-DEADLINE", "dates", WARNING, "A bid is issued on or before the tender's deadline.")


def today() -> dt.date:
    """Today's date, as the checks see it (one function, so that tests can fix the day)."""
    return dt.date.today()


def check(inp: Inputs, out: Collector) -> None:
    """Date rules of the deal, and of the deal against its tender."""
    d = inp.deal
    if d is None:
        return
    if out.on(VALIDITY) and d.valid_until <= d.issue_date:
        where = inp.deal_src.at("valid_until")
        out.add(VALIDITY, (
            f"The offer is valid until {d.valid_until.isoformat()}, which is not after its issue date "
            f"{d.issue_date.isoformat()}: it would expire before the client reads it."
        ), where, [value("valid_until", d.valid_until.isoformat(), where),
                   value("issue_date", d.issue_date.isoformat(), inp.deal_src.at("issue_date"))])
    now = today()
    if out.on(EXPIRED) and d.valid_until < now and d.valid_until > d.issue_date:
        where = inp.deal_src.at("valid_until")
        days = (now - d.valid_until).days
        out.add(EXPIRED, (
            f"The offer expired on {d.valid_until.isoformat()}, {days} day{'s' if days != 1 else ''} ago: a client "
            f"receiving it now holds an offer that binds no one. Issue it again with a new issue_date and valid_until."
        ), where, [value("valid_until", d.valid_until.isoformat(), where), value("today", now.isoformat())])
    t = inp.tender
    if out.on(DEADLINE) and t is not None and t.deadline is not None and d.issue_date > t.deadline:
        where = inp.deal_src.at("issue_date")
        out.add(DEADLINE, (
            f"The bid is dated {d.issue_date.isoformat()}, after the tender's deadline of {t.deadline.isoformat()}."
        ), where, [value("deal", d.issue_date.isoformat(), where),
                   value("tender", t.deadline.isoformat(), inp.tender_src.at("deadline"))])
