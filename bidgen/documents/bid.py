"""The bid package (tender response / 投标文件): a deal's answer to a tender.

Parts, in order: tender letter, price summary (开标一览表), itemized price schedule,
commercial and technical deviation tables, authorization letter of the legal
representative, qualification documents checklist, after-sales service commitment and bid
bond.  Every figure comes from the deal's one :class:`~bidgen.documents.common.DealFacts`
(the same pricing and words as the proposal).  A part without content (no bond, no
qualifications, no requirements of a kind, no seller contact to authorise) is left out.

The bid validity is the deal's offer validity in days, ``valid_until - issue_date`` (the
proposal's ``terms.validity_days``): bidgen never promises a longer validity than the deal
was approved for; when the tender asks for more, the bid says what the deal allows and
:func:`bid_warnings` says so.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any, Sequence

from bidgen.documents.output import Rendered, Written, render_bytes, template_path, write_set
from ..errors import InputError
from bidgen.inputs.models import Deal, Requirement, Tender
from ..words import amount_in_words
from ..words.people import apposition
from .bid_strings import bid_text, part_number
from bidgen.paths import inside, safe_component

from .common import DealFacts, base_context, contact_line, deal_facts, sla_text

#: The parts of the package in order; the template shows ``parts.<key>`` when true.
PART_KEYS = ("letter", "summary", "itemized", "commercial", "technical", "authorization", "qualifications",
             "service", "bond")

#: ``--split`` files: template name → (document type of the file name, parts it holds).
GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "bid_letter": ("BidLetter", ("letter",)),
    "bid_prices": ("BidPriceSchedule", ("summary", "itemized")),
    "bid_deviations": ("BidDeviations", ("commercial", "technical")),
    "bid_authorization": ("BidAuthorization", ("authorization",)),
    "bid_qualifications": ("BidQualifications", ("qualifications",)),
    "bid_service": ("BidAfterSales", ("service",)),
    "bid_bond": ("BidBond", ("bond",)),
}

#: Default policy (DOMAIN.md): a bid deposit is at most 2% of the budget or ceiling price.
BOND_CAP_PERCENT = Decimal(2)

_LETTER_ITEMS = ("total", "delivery", "warranty", "validity", "accept", "truthful", "contract", "bond", "contact")


def _where(tender_file: str | Path | None, key: str) -> dict[str, Any]:
    """``file``/``line``/``field`` of a top-level tender key for a located error."""
    where: dict[str, Any] = {"field": key}
    if tender_file is not None:
        where["file"] = str(tender_file)
        try:
            from bidgen.inputs.read import read_document

            where["line"] = read_document(tender_file).line_of((key,))
        except Exception:  # noqa: BLE001 - the location is a courtesy, never a second error
            pass
    return where


def check_tender(deal: Deal, tender: Tender, tender_file: str | Path | None = None) -> None:
    """Refuse a tender that belongs to another deal or asks for another currency (InputError)."""
    if tender.deal is not None and tender.deal != deal.id:
        raise InputError(f"the tender is for deal {tender.deal!r}, not for {deal.id!r}",
                         **_where(tender_file, "deal"))
    if tender.currency is not None and tender.currency != deal.currency:
        raise InputError(f"the tender asks for prices in {tender.currency}; the deal is priced in {deal.currency}",
                         **_where(tender_file, "currency"))


def bid_validity_days(deal: Deal) -> int:
    """The bid validity in days: the deal's offer validity, ``valid_until - issue_date``."""
    return (deal.valid_until - deal.issue_date).days


def _limit(tender: Tender) -> Decimal | None:
    return tender.ceiling_price if tender.ceiling_price is not None else tender.budget


def bid_warnings(facts: DealFacts, tender: Tender) -> list[str]:
    """What would get this bid rejected (DOMAIN.md), in plain words; empty when nothing does."""
    d, t, out = facts.deal, tender, []
    total, limit = facts.pricing.total, _limit(tender)
    if limit is not None and total > limit:
        out.append(f"total {facts.money(total)} {d.currency} is above the tender's ceiling {facts.money(limit)}")
    validity = bid_validity_days(d)
    if t.required_validity_days is not None and validity < t.required_validity_days:
        out.append(f"bid validity {validity} days (the deal's offer validity) is shorter than the "
                   f"{t.required_validity_days} days the tender requires")
    if t.required_delivery_days is not None and (d.terms.delivery_days or 0) > t.required_delivery_days:
        out.append(f"delivery in {d.terms.delivery_days} days is later than the {t.required_delivery_days} days required")
    if t.required_warranty_months is not None and (d.terms.warranty_months or 0) < t.required_warranty_months:
        out.append(f"warranty of {d.terms.warranty_months or 0} months is shorter than the "
                   f"{t.required_warranty_months} months required")
    if t.bid_bond is not None and limit is not None and t.bid_bond > limit * BOND_CAP_PERCENT / 100:
        out.append(f"bid bond {facts.money(t.bid_bond)} is above {BOND_CAP_PERCENT}% of the ceiling/budget")
    for req in t.requirements:
        if not req.answered:
            out.append(f"requirement {req.id} has no response")
        elif req.mandatory and req.deviation == "negative":
            out.append(f"mandatory requirement {req.id} (★) has a negative deviation: the bid would be void")
    return out


def deviation_row(facts: DealFacts, no: int, req: Requirement) -> dict[str, Any]:
    """One row of a deviation table; ★ before the clause id of a mandatory requirement."""
    loc = facts.locale
    dev = req.deviation.value if req.deviation is not None else None
    note = req.explanation or (bid_text(loc, "note.positive") if dev == "positive" else "")
    return {
        "no": no,
        "id": req.id,
        "clause": ("★" if req.mandatory else "") + req.id,
        "mandatory": req.mandatory,
        "requirement": req.text,
        "response": req.response or bid_text(loc, "response.missing"),
        "deviation": bid_text(loc, f"dev.{dev}") if dev else bid_text(loc, "dev.missing"),
        "deviation_key": dev or "",
        "note": note,
    }


def deviations_context(facts: DealFacts, tender: Tender) -> dict[str, Any]:
    """Commercial and technical deviation rows, numbered per table, in the tender's order."""
    out: dict[str, Any] = {"has_mandatory": bool(tender.mandatory_requirements)}
    for kind in ("commercial", "technical"):
        reqs = tender.requirements_by_kind(kind)
        out[kind] = [deviation_row(facts, i, r) for i, r in enumerate(reqs, start=1)]
    return out


def service_items(facts: DealFacts) -> list[dict[str, Any]]:
    """The after-sales commitments: warranty, response times, tier coverage, contact, after warranty."""
    d, loc = facts.deal, facts.locale
    kinds = {i.item_kind for i in d.items}
    # worded by what is sold: equipment gets repair and spare parts; software and services do not
    variant = "" if "goods" in kinds else ".software" if "software" in kinds else ".service"
    items: list[tuple[str, str]] = []
    if d.terms.warranty_months is not None:
        items.append(("svc.warranty", bid_text(loc, "svc.warranty" + variant,
                                               months=facts.number(d.terms.warranty_months))))
    sla = sla_text(facts)
    if sla:
        items.append(("svc.sla", bid_text(loc, "svc.sla", sla=sla)))
    items.append(("svc.tier", bid_text(loc, f"svc.tier.{d.tier}")))
    c = d.seller.contact
    if c is not None:
        items.append(("svc.contact", contact_line(facts)))
    if d.terms.warranty_months is not None:
        items.append(("svc.after", bid_text(loc, "svc.after" + variant)))
    return [{"no": i, "key": key, "title": bid_text(loc, key + ".title"), "text": text}
            for i, (key, text) in enumerate(items, start=1)]


def bond_context(facts: DealFacts, tender: Tender) -> dict[str, Any] | None:
    """The bid bond in figures and words, and when it was furnished; None without a bond."""
    if tender.bid_bond is None or tender.bid_bond <= 0:
        return None
    loc = facts.locale
    when = (bid_text(loc, "bond.when", date=facts.date(tender.deadline)) if tender.deadline
            else bid_text(loc, "bond.when.nodate"))
    return {
        "amount": facts.money(tender.bid_bond),
        "with_code": facts.money_with_code(tender.bid_bond),
        "words": amount_in_words(tender.bid_bond, facts.currency, loc),
        "when": when,
    }


def tender_context(facts: DealFacts, tender: Tender) -> dict[str, Any]:
    """The tender's data, formatted for the document."""
    def opt_money(v: Decimal | None) -> str:
        return facts.money(v) if v is not None else ""

    def opt_num(v: int | None) -> str:
        return facts.number(v) if v is not None else ""

    return {
        "ref": tender.ref,
        "title": tender.title,
        "buyer": tender.buyer,
        "deadline": facts.date(tender.deadline) if tender.deadline else "",
        "ceiling": opt_money(tender.ceiling_price),
        "budget": opt_money(tender.budget),
        "required_validity_days": opt_num(tender.required_validity_days),
        "required_delivery_days": opt_num(tender.required_delivery_days),
        "required_warranty_months": opt_num(tender.required_warranty_months),
    }


def _numbers(keys: Sequence[str], present: dict[str, bool], fmt: Any) -> dict[str, str]:
    out, n = {}, 0
    for key in keys:
        if present.get(key):
            n += 1
            out[key] = fmt(n)
        else:
            out[key] = ""
    return out


def letter_context(facts: DealFacts, parts: dict[str, bool]) -> dict[str, Any]:
    """Numbers of the tender letter's commitments (those present) and the correspondence line."""
    s, t = facts.deal.seller, facts.deal.terms
    contact = contact_line(facts)
    if contact and s.address:
        contact = bid_text(facts.locale, "letter.contact", contact=contact, address=s.address)
    present = {k: True for k in _LETTER_ITEMS}
    present.update(delivery=t.delivery_days is not None, warranty=t.warranty_months is not None,
                   bond=parts["bond"], contact=bool(contact))
    return {"no": _numbers(_LETTER_ITEMS, present, str), "contact": contact}


def bid_context(facts: DealFacts, tender: Tender, *, draft: str = "") -> dict[str, Any]:
    """The whole context of the bid package templates (documented in docs/templates.md)."""
    loc, d = facts.locale, facts.deal
    ctx = base_context(facts, "bid", bid_text(loc, "title"), draft=draft)
    deviations = deviations_context(facts, tender)
    bond = bond_context(facts, tender)
    contact = d.seller.contact
    parts = {key: True for key in PART_KEYS}
    parts.update(commercial=bool(deviations["commercial"]), technical=bool(deviations["technical"]),
                 authorization=contact is not None, qualifications=bool(tender.qualifications),
                 bond=bond is not None)
    pre, figures, post = facts.money_with_code(facts.pricing.total).partition(facts.money(facts.pricing.total))
    rate = facts.pricing.tax_rate_percent
    ctx.update(
        tender=tender_context(facts, tender),
        parts=parts,
        no=_numbers(PART_KEYS, parts, lambda n: part_number(loc, n)),
        bid={
            "cur_pre": pre,
            "cur_post": post,
            "tax_note": bid_text(loc, "tax.total", rate=facts.percent(rate)) if rate else bid_text(loc, "tax.total.none"),
            "validity_days": facts.number(bid_validity_days(d)),
        },
        letter=letter_context(facts, parts),
        deviations=deviations,
        auth=_auth_context(facts),
        qualifications=[{"no": i, "name": q} for i, q in enumerate(tender.qualifications, start=1)],
        service=service_items(facts),
        bond=bond,
    )
    return ctx


def _auth_context(facts: DealFacts) -> dict[str, str]:
    s, loc = facts.deal.seller, facts.locale
    c = s.contact
    agent = ""
    if c is not None:
        # 销售总监张伟 / 张伟（Sales Director）: a Latin title is never run into the name (words.people)
        agent = bid_text(loc, "agent", who=apposition(c.name, c.title, loc)) if c.title else \
            bid_text(loc, "agent.notitle", name=c.name)
    return {"representative": s.legal_representative or bid_text(loc, "rep.blank"), "agent": agent}


def part_path(outdir: Path, doc_type: str, facts: DealFacts) -> Path:
    """``OUTDIR/<DocType>_<ClientCode>_v<YYYYMMDD>.docx`` of a split part, inside OUTDIR."""
    d = facts.deal
    return inside(outdir, f"{doc_type}_{safe_component(d.client.code)}_v{d.issue_date:%Y%m%d}.docx")


def _render_part(name: str, ctx: dict[str, Any], facts: DealFacts) -> bytes:
    from bidgen.docx.render import CompiledTemplate

    return CompiledTemplate.load(template_path(name, facts.locale)).render(ctx)


def render_bid(
    deal: Deal,
    tender: Tender,
    outdir: Path,
    *,
    locale: str | None = None,
    template: Path | None = None,
    split: bool = False,
    library_dirs: Sequence[Path] = (),
    draft: str = "",
    tender_file: str | Path | None = None,
    facts: DealFacts | None = None,
) -> list[Rendered]:
    """The bid package (and with ``split`` each part) rendered in memory, not yet written."""
    check_tender(deal, tender, tender_file)
    facts = facts or deal_facts(deal, locale, library_dirs)
    ctx = bid_context(facts, tender, draft=draft)
    out = Path(outdir)
    path, data = render_bytes("bid", ctx, facts, out, template)
    source = str(tender_file) if tender_file else f"deal {deal.id}"
    docs = [Rendered("bid", path, data, warnings=bid_warnings(facts, tender), source=source)]
    if split:
        for name, (doc_type, keys) in GROUPS.items():
            if any(ctx["parts"][k] for k in keys):
                docs.append(Rendered(name, part_path(out, doc_type, facts), _render_part(name, ctx, facts),
                                     source=source))
    return docs


def make_bid(
    deal: Deal,
    tender: Tender,
    outdir: Path,
    *,
    locale: str | None = None,
    template: Path | None = None,
    split: bool = False,
    library_dirs: Sequence[Path] = (),
    draft: str = "",
    tender_file: str | Path | None = None,
) -> list[Written]:
    """Write ``Bid_<client>_v<date>.docx`` answering ``tender`` for ``deal``; with ``split`` also each part.

    ``template`` replaces the combined package's template (the parts keep the built-in ones).
    ``tender_file`` only locates errors.  Raises InputError when the tender names another deal
    or currency.  The first Written is the package, carrying :func:`bid_warnings`.  The package
    and its parts are written as one set (all or none).
    """
    return write_set(render_bid(deal, tender, outdir, locale=locale, template=template, split=split,
                                library_dirs=library_dirs, draft=draft, tender_file=tender_file))
