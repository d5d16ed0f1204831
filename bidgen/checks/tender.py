"""Tender: the grounds on which evaluators throw a bid out, tested before it is submitted.

The bid price is the deal's total (tax included, as a bid states it).  Bid validity is the
deal's validity in days (issue date to ``valid_until``).
"""

from __future__ import annotations

from decimal import Decimal

from .context import Inputs, pct, value
from .registry import ERROR, WARNING, Collector, rule

CEILING = rule("TENDER-CEILING", "tender", ERROR, "The bid price is at most the ceiling price (and the budget).")
VALIDITY = rule("TENDER-VALIDITY", "tender", ERROR, "The bid is valid for at least the days the tender requires.")
DELIVERY = rule("TENDER-DELIVERY", "tender", ERROR, "Delivery is within the days the tender requires.")
WARRANTY = rule("TENDER-WARRANTY", "tender", ERROR, "The warranty is at least the months the tender requires.")
ANSWERED = rule("TENDER-ANSWERED", "tender", ERROR, "Every tender requirement has a response.")
MANDATORY = rule("TENDER-MANDATORY", "tender", ERROR, "No negative deviation on a mandatory (★) requirement.")
DEVIATION = rule(
    "TENDER-DEVIATION", "tender", WARNING,
    "Negative deviations on other requirements are explained; every response states its deviation.",
)
BOND = rule("TENDER-BOND", "tender", ERROR, "The bid bond is at most 2% of the budget (or the ceiling price).")
CURRENCY = rule("TENDER-CURRENCY", "tender", ERROR, "The bid is priced in the tender's currency.")

HUNDRED = Decimal(100)


def check(inp: Inputs, out: Collector) -> None:
    """Tender rules: the requirements alone, and the deal against the tender when both are given."""
    if inp.tender is None:
        return
    _requirements(inp, out)
    _bond(inp, out)
    if inp.deal is not None:
        _currency(inp, out)
        _ceiling(inp, out)
        _terms(inp, out)


def _ceiling(inp: Inputs, out: Collector) -> None:
    t, p = inp.tender, inp.pricing
    if not out.on(CEILING) or t is None or p is None:
        return
    for name, limit, key in (("ceiling price", t.ceiling_price, "ceiling_price"), ("budget", t.budget, "budget")):
        if limit is None or p.total <= limit:
            continue
        where = inp.tender_src.at(key)
        out.add(CEILING, (
            f"The bid price {inp.money(p.total)} is above the tender's {name} of {inp.money(limit)} by "
            f"{inp.money(p.total - limit)}: the bid would be rejected."
        ), inp.deal_src.at("items"), [value("bid", inp.money(p.total), inp.deal_src.at("items")),
                                      value(name, inp.money(limit), where)])


def _terms(inp: Inputs, out: Collector) -> None:
    t, d = inp.tender, inp.deal
    assert t is not None and d is not None
    checks = (
        (VALIDITY, t.required_validity_days, d.validity_days, "required_validity_days", ("valid_until",),
         "bid validity", "days", "at least"),
        (DELIVERY, t.required_delivery_days, d.terms.delivery_days, "required_delivery_days",
         ("terms", "delivery_days"), "delivery period", "days", "at most"),
        (WARRANTY, t.required_warranty_months, d.terms.warranty_months, "required_warranty_months",
         ("terms", "warranty_months"), "warranty", "months", "at least"),
    )
    for rid, required, ours, tkey, dpath, what, unit, sense in checks:
        if required is None or not out.on(rid):
            continue
        where = inp.deal_src.at(*dpath)
        twhere = inp.tender_src.at(tkey)
        if ours is None:
            out.add(rid, f"The tender requires a {what} of {sense} {required} {unit}, but the deal states none.",
                    where, [value("tender", f"{sense} {required} {unit}", twhere), value("deal", "(none)")])
            continue
        bad = ours < required if sense == "at least" else ours > required
        if bad:
            out.add(rid, (
                f"The {what} is {ours} {unit}; the tender requires {sense} {required} {unit}: the bid would "
                f"be rejected."
            ), where, [value("deal", f"{ours} {unit}", where), value("tender", f"{sense} {required} {unit}", twhere)])


def _requirements(inp: Inputs, out: Collector) -> None:
    t = inp.tender
    assert t is not None
    for i, r in enumerate(t.requirements):
        where = inp.tender_src.at("requirements", i)
        star = "★ " if r.mandatory else ""
        if r.response is None:
            out.add(ANSWERED, f"Requirement {star}{r.id} ('{r.text}') has no response: an unanswered requirement "
                              f"voids the bid.", where, [value("tender", r.id, where)])
        elif r.deviation is None:
            out.add(DEVIATION, f"Requirement {r.id} ('{r.text}') has a response but no deviation "
                               f"(none / positive / negative).", where, [value("tender", r.id, where)])
        if r.deviation == "negative":
            if r.mandatory:
                out.add(MANDATORY, (
                    f"Requirement ★ {r.id} ('{r.text}') is mandatory, and the response deviates negatively "
                    f"('{r.response}'): the bid would be rejected."
                ), where, [value("response", r.response or "", where), value("deviation", "negative")])
            elif r.explanation is None:
                out.add(DEVIATION, (
                    f"Requirement {r.id} ('{r.text}') deviates negatively without an explanation; evaluators "
                    f"will mark it down."
                ), where, [value("deviation", "negative", where)])


def _bond(inp: Inputs, out: Collector) -> None:
    t = inp.tender
    assert t is not None
    if not out.on(BOND) or t.bid_bond is None:
        return
    base, name = (t.budget, "budget") if t.budget is not None else (t.ceiling_price, "ceiling price")
    if base is None:
        return
    cap = inp.policy.tender.max_bid_bond_percent
    limit = base * cap / HUNDRED
    if t.bid_bond > limit:
        where = inp.tender_src.at("bid_bond")
        share = (t.bid_bond * HUNDRED / base).quantize(Decimal("0.01"))
        out.add(BOND, (
            f"The bid bond of {inp.money(t.bid_bond)} is {pct(share)} of the {name} ({inp.money(base)}); "
            f"at most {pct(cap)} ({inp.money(limit)}) may be asked."
        ), where, [value("tender", inp.money(t.bid_bond), where), value("policy", f"at most {pct(cap)} of the {name}")])


def _currency(inp: Inputs, out: Collector) -> None:
    t, d = inp.tender, inp.deal
    assert t is not None and d is not None
    if out.on(CURRENCY) and t.currency is not None and t.currency != d.currency:
        out.add(CURRENCY, f"The tender is in {t.currency} but the deal is priced in {d.currency}.",
                inp.deal_src.at("currency"), [value("deal", d.currency, inp.deal_src.at("currency")),
                                              value("tender", t.currency, inp.tender_src.at("currency"))])
