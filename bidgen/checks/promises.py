"""Promises must be deliverable: service levels within the tier's capability, sane penalties."""

from __future__ import annotations

from .context import Inputs, pct, qty, value
from .registry import INFO, WARNING, ERROR, Collector, rule

SLA = rule(
    "SLA-TIER", "promises", ERROR,
    "Response and on-site times are no better than the support team delivers for the client's tier.",
)
PER_DAY = rule(
    "PENALTY-PER-DAY", "promises", WARNING,
    "Late-delivery damages per day lie within the usual range (0.05-0.15% of the contract value).",
)
CAP = rule("PENALTY-CAP", "promises", WARNING, "Late-delivery damages are capped, at most at 20%.")
CAP_COMMON = rule("PENALTY-CAP-COMMON", "promises", INFO, "A penalty cap above the common 10% is pointed out.")


def check(inp: Inputs, out: Collector) -> None:
    """Service levels against the policy's capability, and the late-delivery penalty."""
    if inp.deal is None:
        return
    if out.on(SLA):
        _sla(inp, out)
    _penalty(inp, out)


def _sla(inp: Inputs, out: Collector) -> None:
    deal = inp.deal
    assert deal is not None
    sla = deal.terms.sla
    if sla is None:
        return
    tier = inp.policy.tier_of(deal.client.annual_value, deal.client.tier)
    cap = inp.policy.service_levels.get(tier)
    if cap is None:
        return
    for key, what in (("response_hours", "response"), ("onsite_hours", "on-site")):
        promised, best = getattr(sla, key), getattr(cap, key)
        if promised is None or best is None or promised >= best:
            continue
        where = inp.deal_src.at("terms", "sla", key)
        out.add(SLA, (
            f"The deal promises {what} within {qty(promised, 'hours')}, but the support team covers {what} within "
            f"{qty(best, 'hours')} for {tier.value} clients: do not promise what cannot be delivered."
        ), where, [value("deal", qty(promised, "hours"), where), value("policy", f"{qty(best, 'hours')} ({tier.value})")])


def _penalty(inp: Inputs, out: Collector) -> None:
    deal = inp.deal
    assert deal is not None
    pen = deal.terms.late_delivery_penalty
    if pen is None:
        return
    pol = inp.policy.penalty
    where = inp.deal_src.at("terms", "late_delivery_penalty")
    if not pol.per_day_min_percent <= pen.percent_per_day <= pol.per_day_max_percent:
        w = inp.deal_src.at("terms", "late_delivery_penalty", "percent_per_day")
        out.add(PER_DAY, (
            f"Late delivery costs {pct(pen.percent_per_day)} of the contract value per day; the usual range is "
            f"{pct(pol.per_day_min_percent)} to {pct(pol.per_day_max_percent)}."
        ), w, [value("deal", pct(pen.percent_per_day), w),
               value("policy", f"{pct(pol.per_day_min_percent)}-{pct(pol.per_day_max_percent)}")])
    if pen.cap_percent is None:
        out.add(CAP, "Late-delivery damages have no cap: the liability is unlimited. Cap them (10% is common).",
                where, [value("deal", "no cap", where), value("policy", f"at most {pct(pol.cap_max_percent)}")])
    elif pen.cap_percent > pol.cap_max_percent:
        w = inp.deal_src.at("terms", "late_delivery_penalty", "cap_percent")
        out.add(CAP, f"Late-delivery damages are capped at {pct(pen.cap_percent)}, above {pct(pol.cap_max_percent)}.",
                w, [value("deal", pct(pen.cap_percent), w), value("policy", f"at most {pct(pol.cap_max_percent)}")])
    elif pen.cap_percent > pol.cap_common_percent:
        w = inp.deal_src.at("terms", "late_delivery_penalty", "cap_percent")
        out.add(CAP_COMMON, f"Late-delivery damages are capped at {pct(pen.cap_percent)}; "
                            f"{pct(pol.cap_common_percent)} is common.",
                w, [value("deal", pct(pen.cap_percent), w), value("common", pct(pol.cap_common_percent))])
