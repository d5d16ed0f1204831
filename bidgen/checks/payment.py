"""Payment schedule: milestones add up to 100%, are due in time, and retention stays in range."""

from __future__ import annotations

from decimal import Decimal
from typing import Sequence

from bidgen.inputs.models import Milestone
from .context import Inputs, Source, pct, value
from .registry import ERROR, WARNING, Collector, rule

SUM_100 = rule("PAY-SUM-100", "payment", ERROR, "The payment milestones add up to exactly 100%.")
DUE_DAYS = rule(
    "PAY-DUE-DAYS", "payment", ERROR,
    "Each milestone (retention excepted) is due within the policy's days (default 90).",
)
RETENTION = rule(
    "PAY-RETENTION-RANGE", "payment", WARNING,
    "A retention milestone's share lies within the policy's range (default 3-10%).",
)

HUNDRED = Decimal(100)


def check(inp: Inputs, out: Collector) -> None:
    """Payment rules over the deal's schedule and the meeting's agreed schedule."""
    if inp.deal is not None:
        path = ("terms", "payment")
        check_sum(inp.deal.terms.payment, inp.deal_src, path, "deal", out)
        _due_days(inp, out)
        _retention(inp, out)
    meeting = inp.meeting
    if meeting is not None and meeting.agreed is not None and meeting.agreed.payment:
        check_sum(meeting.agreed.payment, inp.meeting_src, ("agreed", "payment"), "meeting", out)


def _listing(milestones: Sequence[Milestone]) -> str:
    return " + ".join(pct(m.percent) for m in milestones)


def check_sum(
    milestones: Sequence[Milestone], src: Source, path: tuple[str, ...], label: str, out: Collector
) -> None:
    """PAY-SUM-100 for one schedule."""
    if not out.on(SUM_100) or not milestones:
        return
    total = sum((m.percent for m in milestones), Decimal(0))
    if total == HUNDRED:
        return
    off = "short of" if total < HUNDRED else "over"
    out.add(SUM_100, (
        f"The payment milestones in the {label} add up to {pct(total)} ({_listing(milestones)}), "
        f"{pct(abs(HUNDRED - total))} {off} 100%: the client would pay "
        f"{'less' if total < HUNDRED else 'more'} than the total."
    ), src.at(*path), [value(label, pct(total), src.at(*path)), value("required", "100%")])


def _due_days(inp: Inputs, out: Collector) -> None:
    assert inp.deal is not None
    limit = inp.policy.payment.max_due_days
    if not out.on(DUE_DAYS):
        return
    for i, m in enumerate(inp.deal.terms.payment):
        if m.retention or m.due_days is None or m.due_days <= limit:
            continue
        where = inp.deal_src.at("terms", "payment", i, "due_days")
        out.add(DUE_DAYS, (
            f"Payment milestone {i + 1} '{m.milestone}' is due {m.due_days} days after the event; "
            f"the policy allows at most {limit} days (a walk-away trigger)."
        ), where, [value("deal", f"{m.due_days} days", where), value("policy", f"at most {limit} days")])


def _retention(inp: Inputs, out: Collector) -> None:
    assert inp.deal is not None
    pol = inp.policy.payment
    if not out.on(RETENTION):
        return
    for i, m in enumerate(inp.deal.terms.payment):
        if not m.retention:
            continue
        if pol.retention_min_percent <= m.percent <= pol.retention_max_percent:
            continue
        where = inp.deal_src.at("terms", "payment", i, "percent")
        side = "above" if m.percent > pol.retention_max_percent else "below"
        out.add(RETENTION, (
            f"The retention milestone {i + 1} '{m.milestone}' holds back {pct(m.percent)}, {side} the "
            f"policy's range of {pct(pol.retention_min_percent)} to {pct(pol.retention_max_percent)}."
        ), where, [value("deal", pct(m.percent), where),
                   value("policy", f"{pct(pol.retention_min_percent)}-{pct(pol.retention_max_percent)}")])
