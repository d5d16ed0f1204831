"""The confirmation memo: it restates the deal's figures exactly and fixes owners and dates.

The agreed price may be stated on either basis: the total (tax included) or, when the deal's
prices exclude tax, the price before tax.  Any other figure is drift.
"""

from __future__ import annotations

from typing import Sequence

from bidgen.inputs.models import Milestone
from .context import Inputs, pct, qty, value
from .registry import ERROR, INFO, Collector, rule

PRICE = rule("MEMO-PRICE-DRIFT", "memo", ERROR, "The agreed price (or price range) matches the deal's price.")
TERMS = rule(
    "MEMO-TERMS-DRIFT", "memo", ERROR,
    "Agreed delivery, warranty and payment schedule equal the deal's terms.",
)
OPEN_ITEMS = rule(
    "MEMO-OPEN-ITEMS", "memo", ERROR,
    "Every open item has an owner and a due date after the meeting.",
)
NEXT_CONTACT = rule("MEMO-NEXT-CONTACT", "memo", ERROR, "The next contact is dated after the meeting.")
OBJECTIONS = rule("MEMO-OBJECTIONS", "memo", INFO, "An objection left unresolved is followed up as an open item.")


def check(inp: Inputs, out: Collector) -> None:
    """Memo rules: the meeting alone, and the agreed terms against the deal when both are given."""
    if inp.meeting is None:
        return
    _open_items(inp, out)
    _next_contact(inp, out)
    _objections(inp, out)
    if inp.deal is not None and inp.meeting.agreed is not None:
        _price(inp, out)
        _terms(inp, out)


def _price(inp: Inputs, out: Collector) -> None:
    agreed, p = inp.meeting.agreed, inp.pricing  # type: ignore[union-attr]
    if not out.on(PRICE) or agreed is None or p is None:
        return
    accepted = {p.total} | ({p.subtotal} if not p.prices_include_tax else set())
    deal_where = inp.deal_src.at("items")
    deal_text = inp.money(p.total) + ("" if p.prices_include_tax else f" ({inp.money(p.subtotal)} before tax)")
    if agreed.price is not None and agreed.price not in accepted:
        where = inp.meeting_src.at("agreed", "price")
        out.add(PRICE, (
            f"The memo restates the agreed price as {inp.money(agreed.price)}, but the deal's total is "
            f"{deal_text}: both must state the same figure."
        ), where, [value("memo", inp.money(agreed.price), where), value("deal", inp.money(p.total), deal_where)])
    rng = agreed.price_range
    if rng is not None and not any(rng.low <= a <= rng.high for a in accepted):
        where = inp.meeting_src.at("agreed", "price_range")
        out.add(PRICE, (
            f"The agreed price range {inp.money(rng.low)} – {inp.money(rng.high)} does not contain the deal's "
            f"total of {deal_text}."
        ), where, [value("memo", f"{inp.money(rng.low)} – {inp.money(rng.high)}", where),
                   value("deal", inp.money(p.total), deal_where)])


def _terms(inp: Inputs, out: Collector) -> None:
    agreed, deal = inp.meeting.agreed, inp.deal  # type: ignore[union-attr]
    if not out.on(TERMS) or agreed is None or deal is None:
        return
    for key, unit, what in (("delivery_days", "days", "the delivery period"), ("warranty_months", "months", "the warranty")):
        said, ours = getattr(agreed, key), getattr(deal.terms, key)
        if said is None or said == ours:
            continue
        where = inp.meeting_src.at("agreed", key)
        dwhere = inp.deal_src.at("terms", key)
        ours_text = qty(ours, unit) if ours is not None else "(none)"
        out.add(TERMS, (
            f"The memo restates {what} as {qty(said, unit)}, but the deal states {ours_text}."
        ), where, [value("memo", qty(said, unit), where), value("deal", ours_text, dwhere)])
    if agreed.payment:
        _payment(inp, agreed.payment, deal.terms.payment, out)


def _schedule(ms: Sequence[Milestone]) -> str:
    return " / ".join(
        pct(m.percent) + (f" in {m.due_days} days" if m.due_days is not None else "") + (" (retention)" if m.retention else "")
        for m in ms
    )


def _payment(inp: Inputs, said: Sequence[Milestone], ours: Sequence[Milestone], out: Collector) -> None:
    key = [(m.percent, m.due_days, m.retention) for m in said]
    if key == [(m.percent, m.due_days, m.retention) for m in ours]:
        return
    where = inp.meeting_src.at("agreed", "payment")
    out.add(TERMS, (
        f"The memo restates the payment schedule as {_schedule(said)}, but the deal states {_schedule(ours)}."
    ), where, [value("memo", _schedule(said), where),
               value("deal", _schedule(ours), inp.deal_src.at("terms", "payment"))])


def _open_items(inp: Inputs, out: Collector) -> None:
    m = inp.meeting
    assert m is not None
    if not out.on(OPEN_ITEMS):
        return
    for i, item in enumerate(m.open_items):
        where = inp.meeting_src.at("open_items", i)
        missing = [name for name, v in (("owner", item.owner), ("due date", item.due)) if v is None]
        if missing:
            out.add(OPEN_ITEMS, f"Open item {i + 1} ('{item.item}') has no {' and no '.join(missing)}: every open "
                                f"item needs someone responsible and a deadline.", where, [value("memo", item.item, where)])
        if item.due is not None and item.due <= m.date:
            out.add(OPEN_ITEMS, (
                f"Open item {i + 1} ('{item.item}') is due {item.due.isoformat()}, not after the meeting of "
                f"{m.date.isoformat()}."
            ), inp.meeting_src.at("open_items", i, "due"),
                [value("due", item.due.isoformat(), where), value("meeting", m.date.isoformat(), inp.meeting_src.at("date"))])


def _next_contact(inp: Inputs, out: Collector) -> None:
    m = inp.meeting
    assert m is not None
    if out.on(NEXT_CONTACT) and m.next_contact is not None and m.next_contact <= m.date:
        where = inp.meeting_src.at("next_contact")
        out.add(NEXT_CONTACT, (
            f"The next contact ({m.next_contact.isoformat()}) is not after the meeting ({m.date.isoformat()})."
        ), where, [value("next contact", m.next_contact.isoformat(), where),
                   value("meeting", m.date.isoformat(), inp.meeting_src.at("date"))])


def _objections(inp: Inputs, out: Collector) -> None:
    m = inp.meeting
    assert m is not None
    if not out.on(OBJECTIONS):
        return
    for i, o in enumerate(m.objections):
        if o.resolution is None and not m.open_items:
            where = inp.meeting_src.at("objections", i)
            out.add(OBJECTIONS, f"The {o.kind.value} objection '{o.said}' is unresolved and there is no open item to "
                                f"follow it up.", where, [value("memo", o.said, where)])
