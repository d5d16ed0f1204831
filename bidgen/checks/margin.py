"""Floor and margin: the price stays at or above the floor and earns the policy's margin on cost.

The margin is the gross margin on the price *net of tax*: ``(net − cost) / net``, because tax
is not revenue.  With prices that include 13% VAT, 676,200.00 is 598,407.08 net; against a cost
of 455,000.00 that is a margin of 23.96%.  Floor, targets and concession prices are on the
basis the deal's prices are written in (see :func:`bidgen.checks.context.offer_price`).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from .context import Inputs, offer_price, pct, value
from .registry import ERROR, WARNING, Collector, rule

FLOOR = rule(
    "MARGIN-FLOOR", "margin", ERROR,
    "The offered price and every concession price are at or above the floor (walk-away) price.",
)
MIN = rule("MARGIN-MIN", "margin", ERROR, "The gross margin on cost (price net of tax) is at least the policy's (15%).")
TARGETS = rule(
    "MARGIN-TARGETS", "margin", WARNING,
    "The targets are in order: floor ≤ acceptable ≤ best ≤ opening price.",
)

HUNDRED = Decimal(100)


def check(inp: Inputs, out: Collector) -> None:
    """Floor, margin and target order of the deal."""
    deal, pricing = inp.deal, inp.pricing
    if deal is None or pricing is None or deal.negotiation is None:
        return
    _floor(inp, out)
    _margin(inp, out)
    _targets(inp, out)


def _floor(inp: Inputs, out: Collector) -> None:
    neg = inp.deal.negotiation  # type: ignore[union-attr]
    targets = neg.targets if neg else None
    if not out.on(FLOOR) or targets is None or targets.floor is None:
        return
    floor = targets.floor
    floor_where = inp.deal_src.at("negotiation", "targets", "floor")
    price, name = offer_price(inp.pricing)  # type: ignore[arg-type]
    if price < floor:
        where = inp.deal_src.at("items")
        out.add(FLOOR, (
            f"{name[0].upper()}{name[1:]} is {inp.money(price)}, under the floor of {inp.money(floor)} "
            f"by {inp.money(floor - price)}: this price must not be offered."
        ), where, [value("deal", inp.money(price), where), value("floor", inp.money(floor), floor_where)])
    for i, c in enumerate(neg.concessions):  # type: ignore[union-attr]
        if c.price_after is not None and c.price_after < floor:
            where = inp.deal_src.at("negotiation", "concessions", i, "price_after")
            out.add(FLOOR, (
                f"Concession {i + 1} ('{c.give}') brings the price to {inp.money(c.price_after)}, under the "
                f"floor of {inp.money(floor)}."
            ), where, [value("concession", inp.money(c.price_after), where),
                       value("floor", inp.money(floor), floor_where)])


def margin_percent(net: Decimal, cost: Decimal) -> Decimal:
    """Gross margin in percent of the net price, to two decimals (0 net: -100)."""
    if net <= 0:
        return Decimal(-100)
    return ((net - cost) * HUNDRED / net).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _margin(inp: Inputs, out: Collector) -> None:
    neg = inp.deal.negotiation  # type: ignore[union-attr]
    if not out.on(MIN) or neg is None or neg.cost is None:
        return
    net = inp.pricing.net  # type: ignore[union-attr]
    margin = margin_percent(net, neg.cost)
    need = inp.policy.margin.min_percent
    if margin < need:
        where = inp.deal_src.at("negotiation", "cost")
        out.add(MIN, (
            f"The gross margin is {pct(margin)}: a price of {inp.money(net)} net of tax against a cost of "
            f"{inp.money(neg.cost)}. The policy requires at least {pct(need)} (a walk-away trigger)."
        ), where, [value("deal", pct(margin), where), value("policy", f"at least {pct(need)}")])


def _targets(inp: Inputs, out: Collector) -> None:
    neg = inp.deal.negotiation  # type: ignore[union-attr]
    if not out.on(TARGETS) or neg is None:
        return
    t = neg.targets
    chain = [
        ("floor", t.floor if t else None, ("negotiation", "targets", "floor")),
        ("acceptable", t.acceptable if t else None, ("negotiation", "targets", "acceptable")),
        ("best", t.best if t else None, ("negotiation", "targets", "best")),
        ("opening price", neg.opening_price, ("negotiation", "opening_price")),
    ]
    known = [(n, v, p) for n, v, p in chain if v is not None]
    for (lo_name, lo, _), (hi_name, hi, hi_path) in zip(known, known[1:]):
        if lo > hi:  # type: ignore[operator]
            where = inp.deal_src.at(*hi_path)
            out.add(TARGETS, (
                f"The {hi_name} ({inp.money(hi)}) is below the {lo_name} ({inp.money(lo)}): "  # type: ignore[arg-type]
                f"the targets must rise from floor to acceptable to best to the opening price."
            ), where, [value(hi_name, inp.money(hi), where), value(lo_name, inp.money(lo))])  # type: ignore[arg-type]
