"""The concession plan: small steps, a get for every give, a shrinking ladder, within authority.

Price steps are the concessions with a ``price_after``, starting from the opening price.  The
ladder is judged on the step sizes: shrinking is right; equal steps (sizes within the policy's
tolerance of each other: 3% of 154,000 then 3% of 149,380 are equal), growing steps and the
whole room (opening price to floor) given at once are named as such.  The last ``price_after``
must be the offered price on the deal's price basis (before tax when prices exclude tax,
the total when they include it).  "Given away" is the opening price minus the offered price.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from bidgen.inputs.models import Concession
from .context import Inputs, offer_price, pct, value
from .registry import ERROR, WARNING, Collector, rule

STEP_MAX = rule("CONC-STEP-MAX", "concessions", ERROR, "Each price step is at most the policy's maximum (3%).")
GIVE_GET = rule("CONC-GIVE-GET", "concessions", ERROR, "Every concession given is paired with a counter-concession (get).")
SHAPE = rule(
    "CONC-LADDER-SHAPE", "concessions", WARNING,
    "Price steps shrink; equal, growing and all-at-once ladders are named.",
)
PRICE_AFTER = rule(
    "CONC-PRICE-AFTER", "concessions", ERROR,
    "Each price_after goes down from the price before it by the percentage its give states.",
)
FINAL = rule("CONC-FINAL-PRICE", "concessions", ERROR, "The last price_after is the offered price.")
APPROVAL = rule("CONC-APPROVAL", "concessions", ERROR, "The total given away is within the approval authority.")
APPROVAL_LEVEL = rule(
    "CONC-APPROVAL-LEVEL", "concessions", WARNING,
    "Concessions have a recorded approval whose level and limit the policy knows.",
)

HUNDRED = Decimal(100)
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*[%％]")


def check(inp: Inputs, out: Collector) -> None:
    """Every concession rule over the deal's negotiation plan."""
    deal = inp.deal
    if deal is None or deal.negotiation is None:
        return
    concessions = deal.negotiation.concessions
    if out.on(GIVE_GET):
        _give_get(inp, concessions, out)
    steps = _steps(inp)
    if out.on(STEP_MAX) or out.on(PRICE_AFTER):
        _each_step(inp, steps, out)
    if out.on(SHAPE):
        _shape(inp, steps, out)
    if out.on(FINAL):
        _final(inp, out)
    _approval(inp, out)


Step = tuple[int, Concession, Decimal, Decimal]  # (index, concession, price before, price after)


def _steps(inp: Inputs) -> list[Step]:
    neg = inp.deal.negotiation  # type: ignore[union-attr]
    before = neg.opening_price  # type: ignore[union-attr]
    steps: list[Step] = []
    for i, c in enumerate(neg.concessions):  # type: ignore[union-attr]
        if c.price_after is None:
            continue
        if before is not None:
            steps.append((i, c, before, c.price_after))
        before = c.price_after
    return steps


def _give_get(inp: Inputs, concessions: tuple[Concession, ...], out: Collector) -> None:
    for i, c in enumerate(concessions):
        if c.get is None:
            where = inp.deal_src.at("negotiation", "concessions", i)
            out.add(GIVE_GET, (
                f"Concession {i + 1} ('{c.give}') gives without getting anything back: pair it with a "
                f"counter-concession (shorter payment term, larger volume, longer contract, reference right)."
            ), where, [value("give", c.give, where), value("get", "(none)")])


def _step_percent(before: Decimal, after: Decimal) -> Decimal:
    return ((before - after) * HUNDRED / before).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _each_step(inp: Inputs, steps: list[Step], out: Collector) -> None:
    limit = inp.policy.concessions.max_step_percent
    for i, c, before, after in steps:
        where = inp.deal_src.at("negotiation", "concessions", i, "price_after")
        if before <= 0:
            continue
        step = _step_percent(before, after)
        if after > before:
            out.add(PRICE_AFTER, (
                f"Concession {i + 1} ('{c.give}') raises the price from {inp.money(before)} to "
                f"{inp.money(after)}: a concession must lower it."
            ), where, [value("before", inp.money(before)), value("after", inp.money(after), where)])
            continue
        if step > limit:
            out.add(STEP_MAX, (
                f"Concession {i + 1} ('{c.give}') cuts the price by {pct(step)} (from {inp.money(before)} to "
                f"{inp.money(after)}); the policy allows at most {pct(limit)} in one step."
            ), where, [value("deal", pct(step), where), value("policy", f"at most {pct(limit)}")])
        _stated_percent(inp, i, c, before, after, out)


def _stated_percent(inp: Inputs, i: int, c: Concession, before: Decimal, after: Decimal, out: Collector) -> None:
    match = _PERCENT.search(c.give)
    if match is None:
        return
    stated = Decimal(match.group(1))
    expected = _round(inp, before * (HUNDRED - stated) / HUNDRED)
    if expected != after:
        where = inp.deal_src.at("negotiation", "concessions", i, "price_after")
        out.add(PRICE_AFTER, (
            f"Concession {i + 1} says '{c.give}', but {pct(stated)} off {inp.money(before)} is "
            f"{inp.money(expected)}, not the {inp.money(after)} written as its price_after."
        ), where, [value("price_after", inp.money(after), where), value("computed", inp.money(expected))])


def _round(inp: Inputs, amount: Decimal) -> Decimal:
    from ..locales import quantize_money

    return quantize_money(amount, inp.currency)


def _shape(inp: Inputs, steps: list[Step], out: Collector) -> None:
    neg = inp.deal.negotiation  # type: ignore[union-attr]
    sizes = [before - after for _, _, before, after in steps]
    if not sizes or any(s <= 0 for s in sizes):
        return
    where = inp.deal_src.at("negotiation", "concessions")
    listing = ", ".join(inp.money(s) for s in sizes)
    floor = neg.targets.floor if neg and neg.targets else None  # type: ignore[union-attr]
    if floor is not None and steps[0][3] <= floor and neg.opening_price is not None:  # type: ignore[union-attr]
        out.add(SHAPE, (
            f"All-at-once ladder: the first price step ({inp.money(sizes[0])}) gives away the whole room down to "
            f"the floor of {inp.money(floor)}; it signals there is more and leaves nothing to trade."
        ), where, [value("first step", inp.money(sizes[0]), where), value("floor", inp.money(floor))])
        return
    if len(sizes) < 2:
        return
    tol = inp.policy.concessions.equal_tolerance_percent / HUNDRED
    kinds = [_compare(a, b, tol) for a, b in zip(sizes, sizes[1:])]
    if all(k == "equal" for k in kinds):
        text = f"Equal-step ladder: the price steps are all about the same ({listing}); the buyer reads the pattern and keeps pushing."
    elif all(k == "grow" for k in kinds):
        text = f"Growing ladder: each price step is larger than the one before ({listing}); it trains the buyer to push harder."
    elif any(k != "shrink" for k in kinds):
        bad = next(n for n, k in enumerate(kinds, start=2) if k != "shrink")
        text = (f"Price step {bad} is not smaller than step {bad - 1} ({listing}); give the room away in shrinking "
                f"steps (for a room of 100: 40, 20, 15, 5).")
    else:
        return
    out.add(SHAPE, text, where, [value("steps", listing), value("policy", "shrinking steps")])


def _compare(a: Decimal, b: Decimal, tol: Decimal) -> str:
    if abs(a - b) <= tol * max(a, b):
        return "equal"
    return "grow" if b > a else "shrink"


def _final(inp: Inputs, out: Collector) -> None:
    neg = inp.deal.negotiation  # type: ignore[union-attr]
    last = next(((i, c) for i, c in reversed(list(enumerate(neg.concessions))) if c.price_after is not None), None)  # type: ignore[union-attr]
    if last is None:
        return
    i, c = last
    price, name = offer_price(inp.pricing)  # type: ignore[arg-type]
    if c.price_after != price:
        where = inp.deal_src.at("negotiation", "concessions", i, "price_after")
        out.add(FINAL, (
            f"The last concession's price_after is {inp.money(c.price_after)}, but {name} is {inp.money(price)}: "  # type: ignore[arg-type]
            f"the plan and the priced items disagree."
        ), where, [value("price_after", inp.money(c.price_after), where),  # type: ignore[arg-type]
                   value("items", inp.money(price), inp.deal_src.at("items"))])


def _approval(inp: Inputs, out: Collector) -> None:
    neg = inp.deal.negotiation  # type: ignore[union-attr]
    if neg is None or neg.opening_price is None:
        return
    price, _ = offer_price(inp.pricing)  # type: ignore[arg-type]
    given = neg.opening_price - price
    if given <= 0:
        return
    appr = neg.approval
    where = inp.deal_src.at("negotiation", "approval")
    if appr is None:
        out.add(APPROVAL_LEVEL, (
            f"{inp.money(given)} is given away from the opening price, but no approval is recorded "
            f"(negotiation.approval)."
        ), inp.deal_src.at("negotiation"), [value("given away", inp.money(given))])
        return
    known, policy_limit = inp.policy.approval_limit(appr.level, inp.currency)
    if not known:
        out.add(APPROVAL_LEVEL, f"The approval level '{appr.level}' is not in the policy's approval limits.",
                inp.deal_src.at("negotiation", "approval", "level"), [value("deal", appr.level, where)])
    limits = [(appr.limit, "the approval's own limit")] if appr.limit is not None else []
    if known and policy_limit is not None:
        limits.append((policy_limit, f"the policy's limit for {appr.level}"))
        if appr.limit is not None and appr.limit > policy_limit:
            out.add(APPROVAL_LEVEL, (
                f"The approval states a limit of {inp.money(appr.limit)}, above the {inp.money(policy_limit)} "
                f"the policy allows a {appr.level.replace('_', ' ')}."
            ), inp.deal_src.at("negotiation", "approval", "limit"),
                [value("deal", inp.money(appr.limit), where), value("policy", inp.money(policy_limit))])
    for limit, name in limits:
        if given > limit:
            out.add(APPROVAL, (
                f"{inp.money(given)} is given away (opening price {inp.money(neg.opening_price)} down to "
                f"{inp.money(price)}), beyond {name} of {inp.money(limit)}: get a higher approval first."
            ), where, [value("given away", inp.money(given)), value("approval", inp.money(limit), where)])
            return
