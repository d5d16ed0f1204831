"""What every document kind shares: the computed facts of a deal and the base context.

A deal's pricing and words are computed once (:func:`deal_facts`) and every document of the
deal draws its figures from that one object, so that every figure a client sees agrees
with every other figure in every document of the same deal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Sequence

from ..locales import (
    content_locale,
    currency_digits,
    format_amount,
    format_date,
    format_number,
    format_percent,
    formatting_locale,
    require_locale,
)
from bidgen.inputs.models import Deal
from ..money import Pricing, compute_pricing
from ..words import amount_in_words, format_money_text
from ..words.people import Person, greeting, reference
from ..docx.images import Image
from docx.shared import Mm
from bidgen.paths import safe_component
from .strings import currency_name, join_list, text

#: Document type names used in file names (``<DocType>_<ClientCode>_v<YYYYMMDD>``).
@dataclass(frozen=True)
class DealFacts:
    """A deal with everything computed from it, in the locale of the documents."""

    deal: Deal
    locale: str  # content locale: zh_CN, zh_TW or en_US (templates, texts)
    fmt_locale: str  # formatting locale (babel), normally the deal's own
    pricing: Pricing
    total_words: str
    library_dirs: tuple[Path, ...] = field(default=())
    #: what every document of the deal shares, computed once (see :func:`base_context`)
    shared: dict[str, Any] = field(default_factory=dict, compare=False, repr=False, hash=False)

    @property
    def currency(self) -> str:
        return self.deal.currency

    def money(self, amount: Decimal) -> str:
        """An amount in the deal's currency, formatted for the client (no sign): ``676,200.00``."""
        return format_amount(amount, self.currency, self.fmt_locale)

    def unit_price(self, amount: Decimal) -> str:
        """A unit price as written in the deal: at the currency's precision, or with every decimal it
        has beyond it (``33.335``), so that quantity × unit price visibly gives the line total."""
        digits = currency_digits(self.currency)
        exponent = amount.normalize().as_tuple().exponent
        extra = -exponent if isinstance(exponent, int) and -exponent > digits else None
        if extra is None:
            return self.money(amount)
        return format_number(amount, self.fmt_locale, extra)

    def money_with_code(self, amount: Decimal) -> str:
        """``676,200.00 CNY`` / ``USD 156,849.00``: unambiguous in running text."""
        return format_money_text(amount, self.currency, self.fmt_locale)

    def percent(self, value: Decimal | int) -> str:
        return format_percent(value, self.fmt_locale)

    def date(self, value: dt.date) -> str:
        return format_date(value, self.fmt_locale)

    def number(self, value: Decimal | int) -> str:
        return format_number(value, self.fmt_locale)

    def t(self, key: str, **fields: object) -> str:
        return text(self.locale, key, **fields)


def deal_facts(deal: Deal, locale: str | None = None, library_dirs: Sequence[Path] = ()) -> DealFacts:
    """Compute a deal's pricing and total in words once, for the documents' locale.

    ``locale`` overrides the deal's own locale (``--locale``); formatting follows it too.
    """
    loc = require_locale(locale, field="--locale") if locale else deal.locale
    pricing = compute_pricing(
        deal.items,
        currency=deal.currency,
        tax_rate_percent=deal.tax_rate_percent,
        prices_include_tax=deal.prices_include_tax,
        milestones=deal.terms.payment,
    )
    c_loc = content_locale(loc)
    return DealFacts(
        deal=deal,
        locale=c_loc,
        fmt_locale=formatting_locale(loc),
        pricing=pricing,
        total_words=amount_in_words(pricing.total, deal.currency, c_loc),
        library_dirs=tuple(library_dirs),
    )


def document_number(kind: str, facts: DealFacts) -> str:
    """A document number that ties the document to the deal: ``PRO-CN203-20261120``."""
    deal = facts.deal
    if kind == "proposal" and deal.document_number:
        return deal.document_number
    prefix = {"proposal": "PRO", "bid": "BID", "memo": "MEM", "brief": "INT"}[kind]
    return f"{prefix}-{safe_component(deal.client.code)}-{deal.issue_date:%Y%m%d}"


def contact_line(facts: DealFacts) -> str:
    c = facts.deal.seller.contact
    if c is None:
        return ""
    reach = " ".join(x for x in (c.phone, c.email) if x)
    if facts.locale.startswith("zh"):
        return c.name + (f"（{c.title}）" if c.title else "") + (reach if c.title else f" {reach}" if reach else "")
    return ", ".join(x for x in (c.name, c.title, reach) if x)


def person(*sources: Any) -> Person | None:
    """One person from several records of them (a meeting attendee and the deal contact of the
    same name): the first record that gives a field wins; None when no record is given."""
    records = [r for r in sources if r is not None]
    if not records:
        return None

    def first(field: str) -> Any:
        return next((getattr(r, field, None) for r in records if getattr(r, field, None)), None)

    return Person(name=records[0].name, title=first("title") or "", salutation=first("salutation"),
                  surname=first("surname"))


def client_contact(facts: DealFacts, name: str) -> Any:
    """The deal's client contact called ``name`` (case and spaces ignored), or None."""
    key = name.strip().casefold()
    return next((c for c in facts.deal.client.contacts if c.name.strip().casefold() == key), None)


def name_ref(facts: DealFacts, who: Person, *, with_title: bool = True) -> str:
    """How the documents' text names a person: ``Mr. Omar Al Mansoori, Head of Procurement`` / ``张伟总监``."""
    return reference(who, facts.locale, with_title=with_title)


def name_greeting(facts: DealFacts, who: Person) -> str:
    """How a letter addresses a person: ``Mr. Al Mansoori`` / ``张总``."""
    return greeting(who, facts.locale)


def signatory_line(facts: DealFacts, who: Person | None) -> str:
    """``Mr. Omar Al Mansoori, Head of Procurement`` / ``张伟（采购总监）``: a signature block's representative."""
    if who is None:
        return ""
    if facts.locale.startswith("zh"):
        return who.name + (f"（{who.title}）" if who.title else "")
    return name_ref(facts, who)


_SIGNING_ROLES = ("purchaser", "executive", "project_lead")


def client_signatory(facts: DealFacts, present: Sequence[Any] | None = None) -> Person | None:
    """Who signs for the client: among ``present`` (meeting attendees) when given, else among the
    deal's contacts — the purchaser, else the executive, else the project lead; with attendees
    and no such role, the first attendee. None when nobody fits."""
    contacts = list(facts.deal.client.contacts)
    if present is not None:
        pairs = [(a, client_contact(facts, a.name)) for a in present]
        for role in _SIGNING_ROLES:
            for a, c in pairs:
                if c is not None and c.role == role:
                    return person(a, c)
        return person(*pairs[0]) if pairs else None
    for role in _SIGNING_ROLES:
        for c in contacts:
            if c.role == role:
                return person(c)
    return None


def project_name(facts: DealFacts) -> str:
    p = facts.deal.project
    if p is not None and p.name:
        return p.name
    return facts.t("project.default", client=facts.deal.client.name)


def tax_note(facts: DealFacts) -> str:
    """The tax wording of a sentence stating the *total*: the total always includes the tax, so the
    note says so; where the deal's prices are written before tax (``prices_include_tax: false``) it
    also names that figure, the price the client's price list reads (``including 5% tax; USD 149,380.00
    before tax``)."""
    p = facts.pricing
    rate = facts.percent(p.tax_rate_percent)
    if p.tax_rate_percent == 0:
        return facts.t("tax.none")
    if p.prices_include_tax:
        return facts.t("tax.included", rate=rate)
    return facts.t("tax.excluded", rate=rate, net=facts.money_with_code(p.net))


def sla_text(facts: DealFacts) -> str:
    sla = facts.deal.terms.sla
    if sla is None or sla.response_hours is None:
        return ""
    if sla.onsite_hours is None:
        return facts.t("sla.response", response=facts.number(sla.response_hours))
    return facts.t("sla", response=facts.number(sla.response_hours), onsite=facts.number(sla.onsite_hours))


def penalty_text(facts: DealFacts) -> str:
    pen = facts.deal.terms.late_delivery_penalty
    if pen is None:
        return ""
    per_day = facts.percent(pen.percent_per_day)
    if pen.cap_percent is None:
        return facts.t("penalty.nocap", per_day=per_day)
    return facts.t("penalty", per_day=per_day, cap=facts.percent(pen.cap_percent))


def milestone_rows(facts: DealFacts) -> list[dict[str, Any]]:
    """The payment schedule with amounts (the last milestone absorbs rounding)."""
    rows = []
    for i, (ms, priced) in enumerate(zip(facts.deal.terms.payment, facts.pricing.milestones), start=1):
        if ms.due_days is None:
            due = facts.t("due.none")
        else:
            due = facts.t("due", days=facts.number(ms.due_days))
        if ms.retention:
            due += facts.t("due.retention")
        rows.append(
            {
                "no": i,
                "name": ms.milestone,
                "percent": facts.percent(priced.percent),
                "amount": facts.money(priced.amount),
                "due": due,
                "due_days": ms.due_days,
                "retention": bool(ms.retention),
            }
        )
    return rows


def pricing_context(facts: DealFacts) -> dict[str, Any]:
    """Items, subtotal, tax, total, words: the pricing block every client document shows."""
    p = facts.pricing
    items = []
    for item, line in zip(facts.deal.items, p.lines):
        disc = line.discount_percent
        items.append(
            {
                "no": line.index + 1,
                "sku": item.sku or "",
                "description": item.description,
                "quantity": facts.number(item.quantity),
                "unit": item.unit or "",
                "unit_price": facts.unit_price(item.unit_price),
                "discount": facts.percent(disc) if disc else facts.t("discount.none"),
                "gross": facts.money(line.gross),
                "total": facts.money(line.total),
            }
        )
    rate = facts.percent(p.tax_rate_percent)
    note_key = "note.none" if p.tax_rate_percent == 0 else "note.included" if p.prices_include_tax else "note.excluded"
    return {
        "currency": facts.currency,
        "currency_name": currency_name(facts.locale, facts.currency),
        "lines": items,
        "subtotal": facts.money(p.subtotal),
        "net": facts.money(p.net),
        "tax": facts.money(p.tax),
        "tax_rate": rate,
        "includes_tax": p.prices_include_tax,
        "no_tax": p.tax_rate_percent == 0,
        "total": facts.money(p.total),
        "total_with_code": facts.money_with_code(p.total),
        "total_words": facts.total_words,
        "discount_total": facts.money(p.discount_total),
        "has_discount": p.discount_total > 0,
        "note": facts.t(note_key, currency_name=currency_name(facts.locale, facts.currency),
                        currency=facts.currency, rate=rate),
    }


def payment_context(facts: DealFacts) -> dict[str, Any]:
    rows = milestone_rows(facts)
    pct = sum((m.percent for m in facts.deal.terms.payment), Decimal(0))
    amt = sum((m.amount for m in facts.pricing.milestones), Decimal(0))
    return {
        "milestones": rows,
        "percent_total": facts.percent(pct),
        "amount_total": facts.money(amt),
        "shares": " / ".join(r["percent"] for r in rows),
    }


def terms_context(facts: DealFacts) -> dict[str, Any]:
    t = facts.deal.terms
    return {
        "delivery_days": facts.number(t.delivery_days) if t.delivery_days is not None else "",
        "delivery": facts.t("delivery", days=facts.number(t.delivery_days)) if t.delivery_days is not None else "",
        "warranty_months": facts.number(t.warranty_months) if t.warranty_months is not None else "",
        "warranty": facts.t("warranty", months=facts.number(t.warranty_months))
        if t.warranty_months is not None else "",
        "sla": sla_text(facts),
        "penalty": penalty_text(facts),
        "valid_until": facts.date(facts.deal.valid_until),
        "validity_days": (facts.deal.valid_until - facts.deal.issue_date).days,
    }


#: (height, widest) of the seller's logo on a cover and in a header, in EMU (18 mm / 60 mm, 8 mm / 35 mm).
COVER_LOGO = (Mm(18), Mm(60))
HEADER_LOGO = (Mm(8), Mm(35))


def seller_logo(facts: DealFacts, box: tuple[int, int]) -> Image | str:
    """The seller's logo (``seller.logo``) sized to ``box`` (height, then at most that wide), or ""."""
    path = facts.deal.seller.logo
    if not path:
        return ""
    image = Image.from_file(path)
    height, widest = box
    width, _ = Image(image.data, height=height, name=image.name).extent()
    if width > widest:
        return Image(image.data, width=widest, name=image.name)
    return Image(image.data, height=height, name=image.name)


def party_context(facts: DealFacts) -> dict[str, Any]:
    d = facts.deal
    s = d.seller
    return {
        "seller": {
            "name": s.name,
            "address": s.address or "",
            "legal_representative": s.legal_representative or "",
            "credit_code": s.credit_code or "",
            "contact_name": s.contact.name if s.contact else "",
            "contact_title": (s.contact.title or "") if s.contact else "",
            "contact_phone": (s.contact.phone or "") if s.contact else "",
            "contact_email": (s.contact.email or "") if s.contact else "",
            "contact_line": contact_line(facts),
            "logo": seller_logo(facts, COVER_LOGO),
            "logo_small": seller_logo(facts, HEADER_LOGO),
        },
        "client": {
            "name": d.client.name,
            "code": d.client.code,
            "industry": d.client.industry or "",
            "country": d.client.country or "",
            "credit_code": d.client.credit_code or "",
            "tier": d.tier,
        },
        "project": {
            "name": project_name(facts),
            "summary": (d.project.summary or "") if d.project else "",
        },
    }


def base_context(facts: DealFacts, kind: str, title: str, *, draft: str = "") -> dict[str, Any]:
    """The context shared by every document kind (documented in docs/templates.md)."""
    d = facts.deal
    ctx: dict[str, Any] = {
        "doc": {
            "kind": kind,
            "title": title,
            "number": document_number(kind, facts),
            "date": facts.date(d.issue_date),
            "iso_date": d.issue_date.isoformat(),
            "locale": facts.locale,
            "deal_id": d.id,
            "draft": draft,
        },
        "doc_date": d.issue_date,
    }
    ctx.update(shared_context(facts))
    return ctx


def shared_context(facts: DealFacts) -> dict[str, Any]:
    """The parts of the context every document of a deal shows alike (pricing, payment, terms,
    parties), built once per deal and shared by its documents: treat them as read-only."""
    cached = facts.shared.get("context")
    if cached is None:
        cached = {"pricing": pricing_context(facts), "payment": payment_context(facts),
                  "terms": terms_context(facts), **party_context(facts)}
        facts.shared["context"] = cached
    return cached


def library_params(facts: DealFacts) -> dict[str, Any]:
    """The typed parameter vocabulary library entries are filled from (see docs/library.md);
    computed once per deal, each caller gets its own copy."""
    cached = facts.shared.get("library_params")
    if cached is None:
        cached = facts.shared["library_params"] = _library_params(facts)
    return dict(cached)


def _library_params(facts: DealFacts) -> dict[str, Any]:
    d = facts.deal
    t = d.terms
    params: dict[str, Any] = {
        "client_name": d.client.name,
        "seller_name": d.seller.name,
        "project_name": project_name(facts),
        "industry": d.client.industry or "",
        "tier": d.tier,
        "total": facts.pricing.total,
        "currency": d.currency,
        "milestones": [
            {"name": m.milestone, "percent": m.percent, "amount": pm.amount, "due_days": m.due_days,
             "retention": bool(m.retention)}
            for m, pm in zip(t.payment, facts.pricing.milestones)
        ],
        "valid_until": d.valid_until,
        "issue_date": d.issue_date,
        "validity_days": (d.valid_until - d.issue_date).days,
    }
    optional = {
        "delivery_days": t.delivery_days,
        "warranty_months": t.warranty_months,
        "response_hours": t.sla.response_hours if t.sla else None,
        "onsite_hours": t.sla.onsite_hours if t.sla else None,
        "penalty_percent_per_day": t.late_delivery_penalty.percent_per_day if t.late_delivery_penalty else None,
        "penalty_cap_percent": t.late_delivery_penalty.cap_percent if t.late_delivery_penalty else None,
    }
    params.update({k: v for k, v in optional.items() if v is not None})
    retention = [(m.percent, pm.amount) for m, pm in zip(t.payment, facts.pricing.milestones) if m.retention]
    if retention:
        # the schedule's own amounts (the last milestone absorbed the rounding), never recomputed
        params["retention_percent"] = sum((p for p, _ in retention), Decimal(0))
        params["retention_amount"] = sum((a for _, a in retention), Decimal(0))
    pains = list(d.client.pain_points or [])
    if pains:
        first = next((p for p in pains if p.explicit), pains[0])
        params["pain_point"] = first.need
        params["impact"] = first.impact or ""
        params["pain_points"] = [{"need": p.need, "impact": p.impact or ""} for p in pains]
    if d.items:
        params["product"] = d.items[0].description
    kinds = {i.item_kind for i in d.items}
    params["sells_goods"] = "goods" in kinds
    params["sells_software"] = "software" in kinds
    params["sells_services"] = "service" in kinds
    return params


def list_text(facts: DealFacts, items: list[str]) -> str:
    return join_list(facts.locale, items)
