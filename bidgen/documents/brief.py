"""The internal negotiation brief (谈判准备表): for our own team only, never for the client.

Sections: overview and alerts, price targets (best / acceptable / floor) with the margin
against cost, term positions, BATNA and non-negotiables, the concession plan (give, get,
price after, step %), expected objections of the five kinds with LARA answers (library
``objection`` entries), the decision chain, team roles (RACI), the 5W2H plan, approval
authority and etiquette notes for the client's country (library ``etiquette`` entries).
Every page carries the "internal – do not send" mark (header and footer).

Prices in the negotiation plan are in the deal's own pricing basis (tax included when the
deal's prices include tax, else before tax): the current offer they are compared with is the
deal's subtotal.  A deal without ``negotiation`` still gets a brief: what is missing says
"not provided" and names the key to add, never an empty table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from ..library import Library
from bidgen.inputs.models import Deal
from .brief_strings import brief_text
from .common import DealFacts, base_context, deal_facts, document_number, project_name
from .content import selection_facts

if TYPE_CHECKING:
    from bidgen.documents.output import Rendered, Written

__all__ = ["BriefPolicy", "OBJECTION_KINDS", "brief_context", "make_brief", "margin_percent", "render_brief", "plan_alerts"]

OBJECTION_KINDS = ("price", "need", "trust", "delay", "comparison")
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class BriefPolicy:
    """The commercial rules the brief checks the plan against (defaults of DOMAIN.md)."""

    min_margin_percent: Decimal = Decimal(15)
    max_step_percent: Decimal = Decimal(3)
    max_final_payment_days: int = 90
    max_anchor_ratio: Decimal = Decimal("1.5")


def margin_percent(price: Decimal, cost: Decimal) -> Decimal:
    """Gross margin in percent: (price − cost) / price, to two decimals (half up)."""
    if price == 0:
        return Decimal(0)
    return ((price - cost) / price * HUNDRED).quantize(CENT)


_GIVE_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*[%％]")
_GIVE_AMOUNT = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*([万萬])?\s*(?:元|[A-Z]{3}\b)|(?:[A-Z]{3}|[$¥￥€£])\s*(\d[\d,]*(?:\.\d+)?)")


def step_price(before: Decimal, c: Any, currency: str) -> Decimal:
    """The price after concession ``c`` from ``before``: its ``give_percent`` or ``give_amount``, else the
    percentage or amount its ``give`` text states; a give with no price in it (an extra training day) leaves
    the price as it is, unless the deal records a lower ``price_after`` for it."""
    from ..locales import quantize_money

    pct = c.give_percent
    amount = c.give_amount
    if pct is None and amount is None:
        m = _GIVE_PERCENT.search(c.give)
        if m:
            pct = Decimal(m.group(1))
        else:
            m = _GIVE_AMOUNT.search(c.give)
            if m:
                raw = (m.group(1) or m.group(3)).replace(",", "")
                amount = Decimal(raw) * (10000 if m.group(2) else 1)
    if pct is not None:
        return quantize_money(before * (HUNDRED - pct) / HUNDRED, currency)
    if amount is not None:
        return quantize_money(before - amount, currency)
    if c.price_after is not None and c.price_after < before:
        return quantize_money(c.price_after, currency)
    return before


def _step_percent(before: Decimal, after: Decimal) -> Decimal:
    return ((before - after) / before * HUNDRED).quantize(CENT) if before else Decimal(0)


class _Brief:
    """Assembles the brief context for one deal (a small helper holding facts and texts)."""

    def __init__(self, facts: DealFacts, policy: BriefPolicy) -> None:
        self.f = facts
        self.deal = facts.deal
        self.neg = facts.deal.negotiation
        self.policy = policy
        self.offer = facts.pricing.subtotal
        targets = self.neg.targets if self.neg is not None else None
        self.opening = self.neg.opening_price if self.neg is not None else None
        self.best = targets.best if targets is not None else None
        self.acceptable = targets.acceptable if targets is not None else None
        self.floor = targets.floor if targets is not None else None
        self.cost = self.neg.cost if self.neg is not None else None

    def t(self, _key: str, **fields: object) -> str:
        return brief_text(self.f.locale, _key, **fields)

    def money(self, amount: Decimal | None) -> str:
        return self.f.money_with_code(amount) if amount is not None else self.t("na")

    def missing(self, key: str) -> str:
        return self.t("missing", key=key)

    # -- targets ------------------------------------------------------------------------
    def target_rows(self) -> list[dict[str, str]]:
        levels = [("opening", self.opening), ("current", self.offer), ("best", self.best),
                  ("acceptable", self.acceptable), ("floor", self.floor)]
        given = [(k, v) for k, v in levels if v is not None]
        given.sort(key=lambda kv: -kv[1])
        rows = []
        for key, price in given:
            if self.cost is not None:
                margin = self.f.money(price - self.cost)
                pct = self.f.percent(margin_percent(price, self.cost))
            else:
                margin = pct = self.t("na")
            rows.append({"level": self.t(f"level.{key}"), "price": self.f.money(price), "margin": margin,
                         "margin_percent": pct, "hint": self.t(f"hint.{key}"), "key": key})
        return rows

    def room(self) -> Decimal | None:
        if self.opening is None or self.floor is None:
            return None
        return self.opening - self.floor

    def targets(self) -> dict[str, Any]:
        has = any(v is not None for v in (self.opening, self.best, self.acceptable, self.floor))
        room = self.room()
        room_text = ""
        if room is not None and self.opening:
            room_text = self.t("room", room=self.money(room), pct=self.f.percent((room / self.opening * HUNDRED)
                                                                                 .quantize(CENT)))
        if self.floor is not None and self.offer > self.floor:
            left = self.offer - self.floor
            room_text = ("" if self.f.locale.startswith("zh") else " ").join(x for x in (room_text, self.t(
                "room.offer", room=self.money(left), pct=self.f.percent((left / self.offer * HUNDRED).quantize(CENT)))) if x)
        return {
            "has": has,
            "rows": self.target_rows() if has else [],
            "room": room_text,
            "missing": "" if has else self.missing("negotiation.targets"),
            "cost": self.money(self.cost) if self.cost is not None else self.missing("negotiation.cost"),
            "basis": self.basis(),
        }

    def basis(self) -> str:
        p = self.f.pricing
        if p.tax_rate_percent == 0:
            return self.t("basis.none")
        return self.t("basis.incl" if p.prices_include_tax else "basis.excl")

    # -- terms --------------------------------------------------------------------------
    def term_rows(self) -> list[dict[str, str]]:
        terms = self.deal.terms
        pay = self.f.pricing.milestones
        shares = " / ".join(self.f.percent(m.percent) for m in pay)
        last = terms.payment[-1]
        last_text = self.t("pos.last_days", days=last.due_days) if last.due_days is not None else self.t("pos.last_none")
        service = [self.t("pos.warranty", months=terms.warranty_months)] if terms.warranty_months is not None else []
        from .common import penalty_text, sla_text

        sla = sla_text(self.f)
        if sla:
            service.append(sla[:1].lower() + sla[1:] if service and self.f.locale == "en_US" else sla)
        sep = self.t("sep")
        rows = [
            ("price", self.f.money_with_code(self.offer) + f" ({self.basis()})",
             self.t("limit.price", floor=self.money(self.floor)) if self.floor is not None
             else self.missing("negotiation.targets.floor")),
            ("payment", self.t("pos.payment", shares=shares, last=last_text),
             self.t("limit.payment", days=self.policy.max_final_payment_days)),
            ("delivery", self.t("pos.delivery", days=terms.delivery_days) if terms.delivery_days is not None
             else self.t("pos.none"), self.t("limit.delivery")),
            ("service", sep.join(service) or self.t("pos.none"), self.t("limit.service")),
            ("penalty", penalty_text(self.f) or self.t("pos.none"), self.t("limit.penalty")),
        ]
        return [{"term": self.t(f"term.{k}"), "position": pos, "limit": lim} for k, pos, lim in rows]

    # -- concessions ----------------------------------------------------------------------
    def concession_rows(self) -> list[dict[str, Any]]:
        """The plan, computed: each step's price follows from the price before it and the step's give, starting
        from the price the client has actually seen (the current offer), never from an opening price the client
        never saw and never copied from ``price_after``.  Each row shows the cumulative concession against that
        price and how much of the room down to the floor it has used."""
        if self.neg is None:
            return []
        start = self.offer
        room = start - self.floor if self.floor is not None else None
        prev = start
        rows = []
        for i, c in enumerate(self.neg.concessions, start=1):
            after = step_price(prev, c, self.f.currency)
            priced = after != prev
            given = start - after
            rows.append({
                "no": i, "give": c.give, "receive": c.get or self.t("na"), "has_get": c.get is not None,
                "price_after": self.f.money(after),
                "price_value": after,
                "step": self.f.percent(_step_percent(prev, after)) if priced else self.t("step.none"),
                "step_value": _step_percent(prev, after) if priced else None,
                "step_amount": prev - after,
                "cumulative": (self.t("cumulative", amount=self.f.money(given),
                                      pct=self.f.percent(_step_percent(start, after))) if given else self.t("step.none")),
                "room_used": (self.f.percent((given / room * HUNDRED).quantize(CENT)) if room and room > 0
                              else self.t("na")),
                "above_floor": self.f.money(after - self.floor) if self.floor is not None else self.t("na"),
            })
            prev = after
        return rows

    # -- alerts ---------------------------------------------------------------------------
    def alerts(self, concessions: list[dict[str, Any]]) -> list[str]:
        return plan_alerts(self, concessions)

    # -- people ---------------------------------------------------------------------------
    def chain_rows(self) -> list[dict[str, str]]:
        rows = []
        for c in self.deal.client.contacts:
            att = str(c.attitude) if c.attitude is not None else "unknown"
            rows.append({"name": c.name, "title": c.title or "",
                         "role": self.t(f"role.{c.role}") if c.role is not None else self.t("role.unknown"),
                         "attitude": self.t(f"attitude.{att}"), "approach": self.t(f"approach.{att}")})
        return rows

    def team(self) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
        contact = self.deal.seller.contact
        lead = f"{contact.name}（{contact.title}）" if contact and contact.title and self.f.locale.startswith("zh") \
            else (f"{contact.name}, {contact.title}" if contact and contact.title else (contact.name if contact else ""))
        approval = self.neg.approval if self.neg is not None else None
        approver = approval.approver if approval is not None and approval.approver else ""
        people = [("lead", lead), ("tech", ""), ("recorder", ""), ("approver", approver)]
        team = [{"role": self.t(f"team.{k}"), "person": p or self.t("team.tbd"), "duty": self.t(f"team.{k}.duty")}
                for k, p in people]
        matrix = [("price", "A/R", "C", "I", "C"), ("tech", "A", "R", "I", "I"),
                  ("memo", "A", "C", "R", "I"), ("objection", "A/R", "C", "I", "I")]
        raci = [{"activity": self.t(f"raci.{k}"), "lead": a, "tech": b, "recorder": c, "approver": d}
                for k, a, b, c, d in matrix]
        return team, raci

    # -- 5W2H and approval ------------------------------------------------------------------
    def country_name(self) -> str:
        from babel import Locale

        code = self.deal.client.country
        if not code:
            return ""
        return Locale.parse(self.f.fmt_locale).territories.get(code, code)

    def plan_5w2h(self, team: list[dict[str, str]]) -> list[dict[str, str]]:
        sep = self.t("sep")
        project = self.deal.project
        needs = (sep.join(p.need for p in self.deal.client.pain_points)
                 or (project.summary if project is not None and project.summary else self.t("na")))
        why = (self.t("w.why", needs=needs, acceptable=self.money(self.acceptable)) if self.acceptable is not None
               else self.t("w.why.short", needs=needs))
        client = sep.join(f"{c.name}（{c.title}）" if self.f.locale.startswith("zh") and c.title
                          else (f"{c.name} ({c.title})" if c.title else c.name)
                          for c in self.deal.client.contacts) or self.deal.client.name
        ours = sep.join(f"{r['role']} {r['person']}" for r in team if r["person"] != self.t("team.tbd"))
        country = self.country_name()
        has_prices = None not in (self.opening, self.best, self.acceptable, self.floor)
        howmuch = (self.t("w.howmuch", opening=self.money(self.opening), best=self.money(self.best),
                          acceptable=self.money(self.acceptable), floor=self.money(self.floor))
                   if has_prices else self.missing("negotiation.opening_price / negotiation.targets"))
        rows = [
            ("What", self.t("w.what", project=project_name(self.f), offer=self.f.money_with_code(self.offer),
                            basis=self.basis())),
            ("Why", why),
            ("Who", self.t("w.who", client=client, ours=ours or self.t("team.tbd"))),
            ("When", self.t("w.when", valid_until=self.f.date(self.deal.valid_until))),
            ("Where", self.t("w.where", country=country) if country else self.t("w.where.none")),
            ("How", self.t("w.how")),
            ("How much", howmuch),
        ]
        return [{"key": self.t(f"k.{k.replace(' ', '')}"), "text": v} for k, v in rows]

    def approval(self) -> dict[str, str]:
        a = self.neg.approval if self.neg is not None else None
        if a is None:
            return {"has": "", "missing": self.missing("negotiation.approval")}
        level = self.t(f"approval.level.{a.level}") if a.is_known_level else a.level
        room = self.room()
        if room is None or a.limit is None:
            verdict = self.t("approval.unknown")
        else:
            key = "approval.within" if room <= a.limit else "approval.exceeds"
            verdict = self.t(key, room=self.money(room))
        return {"has": "yes", "missing": "", "level": level, "approver": a.approver or self.t("na"),
                "limit": self.money(a.limit), "verdict": verdict}


def plan_alerts(b: _Brief, concessions: list[dict[str, Any]]) -> list[str]:
    """What the team must fix or watch before the meeting (policy checks of the plan)."""
    p, out = b.policy, []
    f = b.f
    if b.floor is None:
        out.append(b.t("alert.floor_missing"))
    elif b.cost is not None and margin_percent(b.floor, b.cost) < p.min_margin_percent:
        out.append(b.t("alert.margin", margin=f.percent(margin_percent(b.floor, b.cost)),
                       min=f.percent(p.min_margin_percent)))
    steps = [r for r in concessions if r["step_value"] is not None]
    for r in steps:
        if r["step_value"] > p.max_step_percent:
            out.append(b.t("alert.step", no=r["no"], step=r["step"], max=f.percent(p.max_step_percent)))
    for r in concessions:
        if not r["has_get"]:
            out.append(b.t("alert.get", no=r["no"]))
    amounts = [r["step_amount"] for r in steps]
    if any(later >= earlier for earlier, later in zip(amounts, amounts[1:])):
        out.append(b.t("alert.shape"))
    last = b.deal.terms.payment[-1].due_days
    if last is not None and last > p.max_final_payment_days:
        out.append(b.t("alert.payment", days=last, max=p.max_final_payment_days))
    a = b.neg.approval if b.neg is not None else None
    room = b.room()
    if a is not None and a.limit is not None and room is not None and room > a.limit:
        out.append(b.t("alert.approval", room=b.money(room), approver=a.approver or a.level, limit=b.money(a.limit)))
    if b.opening is not None and b.acceptable and b.opening > b.acceptable * p.max_anchor_ratio:
        out.append(b.t("alert.anchor", ratio=f.number(p.max_anchor_ratio)))
    if b.floor is not None and b.offer <= b.floor:
        out.append(b.t("alert.at_floor", current=b.money(b.offer), floor=b.money(b.floor)))
    elif b.acceptable is not None and b.offer < b.acceptable:
        out.append(b.t("alert.below", current=b.money(b.offer), acceptable=b.money(b.acceptable)))
    elif b.best is not None and b.offer <= b.best:
        key = "alert.at_best" if b.offer == b.best else "alert.below_best"
        out.append(b.t(key, current=b.money(b.offer), best=b.money(b.best)))
    if b.floor is not None:
        under = next((r for r in concessions if r["price_value"] < b.floor), None)
        if under is not None:
            out.append(b.t("alert.step_floor", no=under["no"], price=b.money(under["price_value"]),
                           floor=b.money(b.floor)))
    return out or [b.t("alert.ok")]


def _library_rows(facts: DealFacts, library: Library, kind: str, explain: list[str]) -> list[Any]:
    from .common import library_params

    picks = [s for s in library.select(kind, selection_facts(facts)) if s.entry.has_locale(facts.locale)]
    for s in picks:
        explain.append(f"{kind}: {s.entry.id} ({s.reason})")
    params = library_params(facts)
    return [(s.entry, s.entry.render(facts.locale, params, currency=facts.currency)) for s in picks]


def objection_blocks(facts: DealFacts, library: Library, explain: list[str]) -> list[dict[str, str]]:
    """One LARA block per objection kind, in the five kinds' order; a missing kind says so."""
    rendered = _library_rows(facts, library, "objection", explain)
    blocks = []
    for kind in OBJECTION_KINDS:
        hit = next((r for e, r in rendered if e.model.objection == kind), None)
        parts = dict(hit.parts) if hit is not None else {}
        blocks.append({"kind": brief_text(facts.locale, f"objection.{kind}"), "has": "yes" if hit else "",
                       "missing": "" if hit else brief_text(facts.locale, "objection.missing"),
                       **{k: parts.get(k, "") for k in ("listen", "acknowledge", "respond", "act")}})
    return blocks


def etiquette_blocks(facts: DealFacts, library: Library, explain: list[str]) -> list[dict[str, Any]]:
    """The etiquette entries for the client's country (specific first), then the general ones."""
    rendered = _library_rows(facts, library, "etiquette", explain)
    rendered.sort(key=lambda er: (not er[0].model.countries, er[0].id))
    return [{"title": r.title, "notes": list(r.notes)} for _e, r in rendered if r.notes]


def brief_context(facts: DealFacts, library: Library, *, draft: str = "",
                  policy: BriefPolicy | None = None) -> tuple[dict[str, Any], list[str]]:
    """The whole context of the brief template, and the library picks with their reasons."""
    b = _Brief(facts, policy or BriefPolicy())
    explain: list[str] = []
    ctx = base_context(facts, "brief", b.t("title"), draft=draft)
    ctx["doc"]["number"] = document_number("brief", facts)
    neg = facts.deal.negotiation
    concessions = b.concession_rows()
    team, raci = b.team()
    ctx["brief"] = {
        "internal": b.t("internal"),
        "tier": b.t(f"tier.{facts.deal.tier}"),
        "offer": facts.money_with_code(b.offer),
        "basis": b.basis(),
        "lead": team[0]["person"],
        "alerts": b.alerts(concessions),
        "targets": b.targets(),
        "terms": b.term_rows(),
        "batna": neg.batna if neg is not None and neg.batna else b.missing("negotiation.batna"),
        "non_negotiable": list(neg.non_negotiable) if neg is not None else [],
        "non_negotiable_missing": "" if neg is not None and neg.non_negotiable
        else b.missing("negotiation.non_negotiable"),
        "concessions": concessions,
        "concessions_missing": "" if concessions else b.missing("negotiation.concessions"),
        "objections": objection_blocks(facts, library, explain),
        "chain": b.chain_rows(),
        "chain_missing": "" if facts.deal.client.contacts else b.missing("client.contacts"),
        "team": team,
        "raci": raci,
        "plan": b.plan_5w2h(team),
        "approval": b.approval(),
        "etiquette": etiquette_blocks(facts, library, explain),
        "etiquette_missing": brief_text(facts.locale, "etiquette.missing"),
    }
    return ctx, explain


def render_brief(
    deal: Deal,
    outdir: Path,
    *,
    locale: str | None = None,
    template: Path | None = None,
    library_dirs: Sequence[Path] = (),
    draft: str = "",
    policy: BriefPolicy | None = None,
    facts: DealFacts | None = None,
    source: str = "",
) -> Rendered:
    """The internal brief rendered in memory (not yet written)."""
    from bidgen.documents.output import Rendered, load_library, render_bytes

    facts = facts or deal_facts(deal, locale, library_dirs)
    ctx, explain = brief_context(facts, load_library(library_dirs), draft=draft, policy=policy)
    path, data = render_bytes("brief", ctx, facts, Path(outdir), template)
    return Rendered("brief", path, data, explain=explain, source=source or f"deal {deal.id}")


def make_brief(
    deal: Deal,
    outdir: Path,
    *,
    locale: str | None = None,
    template: Path | None = None,
    library_dirs: Sequence[Path] = (),
    draft: str = "",
    policy: BriefPolicy | None = None,
) -> Written:
    """Write the internal brief ``Brief_<client>_v<YYYYMMDD>.docx`` for ``deal`` into ``outdir``."""
    from bidgen.documents.output import write_set

    return write_set([render_brief(deal, outdir, locale=locale, template=template, library_dirs=library_dirs,
                                   draft=draft, policy=policy)])[0]
