"""The confirmation memo (会谈确认函): what a meeting agreed, fixed in writing within 24 hours.

Sections: meeting data and attendees, client feedback, our responses, objections and their
resolution, the agreed terms restated exactly (price in figures and words, delivery, warranty,
payment schedule with amounts computed from the agreed price), open items with owner and
deadline, next steps and next contact, confirmation request and signature lines.

:func:`make_memo` writes ``Memo_<client>_v<meeting date>.docx`` and its e-mail draft
``Memo_<client>_v<meeting date>.eml`` (see :mod:`bidgen.documents.eml`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from ..errors import InputError
from bidgen.inputs.models import Deal, Meeting, Milestone
from ..words import amount_in_words
from .agreed import AgreedTerms, agreed_terms
from bidgen.paths import output_path, safe_component

from .common import DealFacts, base_context, client_signatory, deal_facts, person, signatory_line
from .memo_strings import memo_text
from .strings import currency_name

if TYPE_CHECKING:
    from bidgen.documents.output import Rendered, Written

__all__ = [
    "AgreedTerms",
    "CONFIRM_DAYS",
    "agreed_terms",
    "find_deal",
    "make_memo",
    "render_memo",
    "memo_context",
]

#: Days the client has to confirm the memo by reply (the memo's confirmation request).
CONFIRM_DAYS = 3
DATA_SUFFIXES = (".yaml", ".yml", ".json")


# --------------------------------------------------------------------------- finding the deal


def _candidate_files(folders: Sequence[Path]) -> list[Path]:
    seen: set[Path] = set()
    files: list[Path] = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            real = path.resolve()
            if path.suffix.lower() in DATA_SUFFIXES and path.is_file() and real not in seen:
                seen.add(real)
                files.append(path)
    return files


def default_search_dirs(meeting_file: Path | None) -> list[Path]:
    """Where a meeting's deal is looked for: the meeting's own folder, and nowhere else.

    Never bidgen's bundled samples nor the current folder's: a meeting whose deal id happens to
    match a sample must not be confirmed with the sample's prices.  Name any other file with
    ``--deal``."""
    return [meeting_file.parent] if meeting_file is not None else []


def _id_of(path: Path) -> str | None:
    from bidgen.inputs.read import read_document

    try:
        data = read_document(path).data
    except InputError:
        return None
    value = data.get("id")
    return str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else None


def _not_found(meeting: Meeting, meeting_file: Path | None, places: list[str]) -> InputError:
    line = None
    if meeting_file is not None:
        from bidgen.inputs.read import read_document

        try:
            line = read_document(meeting_file).line_of(("deal",))
        except InputError:
            line = None
    where = ", ".join(places) if places else "(no files)"
    return InputError(
        f"deal {meeting.deal!r} not found in {where}; give its file with --deal",
        file=str(meeting_file) if meeting_file is not None else None,
        field="deal",
        line=line,
    )


def find_deal(
    meeting: Meeting,
    *,
    meeting_file: Path | None = None,
    deal_files: Sequence[Path] = (),
    search_dirs: Sequence[Path] | None = None,
) -> Deal:
    """The deal whose ``id`` is ``meeting.deal``.

    Looked for among ``deal_files`` when given, else among the YAML/JSON files of
    ``search_dirs`` (default: :func:`default_search_dirs`).  Files that are not deals are
    skipped; only the matching file is validated.  Not found: a located :class:`InputError`
    pointing at the meeting's ``deal`` key.
    """
    from bidgen.inputs.load import load_deal

    if deal_files:
        for path in deal_files:
            deal = load_deal(path)
            if deal.id == meeting.deal:
                return deal
        raise _not_found(meeting, meeting_file, [str(p) for p in deal_files])
    dirs = list(search_dirs) if search_dirs is not None else default_search_dirs(meeting_file)
    for path in _candidate_files(dirs):
        if _id_of(path) == meeting.deal:
            return load_deal(path)
    raise _not_found(meeting, meeting_file, [str(d) for d in dirs if d.is_dir()])


# --------------------------------------------------------------------------- context


def _t(facts: DealFacts, key: str, **fields: object) -> str:
    return memo_text(facts.locale, key, **fields)


def money_parts(facts: DealFacts) -> tuple[str, str]:
    """The text before and after an amount in figures: ``人民币 `` … `` 元`` / ``USD `` … ``."""
    if facts.locale.startswith("zh"):
        if facts.currency in ("CNY", "TWD"):
            return f"{currency_name(facts.locale, facts.currency)} ", " 元"
        return "", f" {facts.currency}"
    return f"{facts.currency} ", ""


def price_note(facts: DealFacts) -> str:
    """The agreed price is a total: it includes the tax (``含 13% 增值税`` / ``including 5% tax``)."""
    rate = facts.pricing.tax_rate_percent
    if rate == 0:
        return _t(facts, "price.note.none")
    return _t(facts, "price.note", rate=facts.percent(rate))


def due_text(facts: DealFacts, ms: Milestone) -> str:
    """When a milestone is due, in the memo's words."""
    text = _t(facts, "due", days=facts.number(ms.due_days)) if ms.due_days is not None else _t(facts, "due.none")
    return text + (_t(facts, "due.retention") if ms.retention else "")


def schedule_rows(facts: DealFacts, terms: AgreedTerms) -> list[dict[str, Any]]:
    """The payment schedule rows: ``no``, ``name``, ``percent``, ``amount``, ``due``."""
    rows = []
    for i, ms in enumerate(terms.milestones, start=1):
        amount = facts.money(terms.amounts[i - 1]) if terms.amounts else _t(facts, "amount.tbd")
        rows.append({"no": i, "name": ms.milestone, "percent": facts.percent(ms.percent), "amount": amount,
                     "due": due_text(facts, ms), "retention": bool(ms.retention)})
    return rows


def agreed_context(facts: DealFacts, terms: AgreedTerms) -> dict[str, Any]:
    """``agreed.*`` of the memo template (see docs/templates.md)."""
    prefix, suffix = money_parts(facts)
    note = _t(facts, "as_proposed")
    pct = sum((m.percent for m in terms.milestones), Decimal(0))
    rng = ""
    if terms.low is not None and terms.high is not None:
        rng = _t(facts, "range", low=prefix + facts.money(terms.low) + suffix,
                 high=prefix + facts.money(terms.high) + suffix)
    return {
        "price": facts.money(terms.price) if terms.price is not None else "",
        "price_words": amount_in_words(terms.price, facts.currency, facts.locale) if terms.price is not None else "",
        "price_prefix": prefix,
        "price_suffix": suffix,
        "price_note": price_note(facts),
        "range": rng,
        "quoted": terms.quoted,
        "quoted_total": facts.money(facts.pricing.total),
        "quoted_words": facts.total_words,
        "quoted_note": note,
        "delivery_days": facts.number(terms.delivery_days) if terms.delivery_days is not None else "",
        "delivery_note": "" if terms.delivery_agreed else note,
        "warranty_months": facts.number(terms.warranty_months) if terms.warranty_months is not None else "",
        "warranty_note": "" if terms.warranty_agreed else note,
        "other": list(terms.other),
        "milestones": schedule_rows(facts, terms),
        "payment_note": "" if terms.payment_agreed else note,
        "percent_total": facts.percent(pct),
        "amount_total": facts.money(sum(terms.amounts, Decimal(0))) if terms.amounts else _t(facts, "amount.tbd"),
    }


def attendee_rows(meeting: Meeting, deal: Deal) -> list[dict[str, str]]:
    """Client attendees, then ours; the company is named on the first row of each side."""
    rows = []
    for company, people in ((deal.client.name, meeting.attendees.client), (deal.seller.name, meeting.attendees.ours)):
        for i, person in enumerate(people):
            rows.append({"side": company if i == 0 else "", "name": person.name, "title": person.title or ""})
    return rows


def objection_rows(facts: DealFacts, meeting: Meeting) -> list[dict[str, Any]]:
    return [
        {"no": i, "kind": _t(facts, f"objection.{o.kind}"), "said": o.said,
         "resolution": o.resolution or _t(facts, "objection.open"), "resolved": o.resolution is not None}
        for i, o in enumerate(meeting.objections, start=1)
    ]


def open_item_rows(facts: DealFacts, meeting: Meeting) -> list[dict[str, Any]]:
    return [
        {"no": i, "item": o.item, "owner": o.owner or _t(facts, "tbd"),
         "due": facts.date(o.due) if o.due is not None else _t(facts, "tbd")}
        for i, o in enumerate(meeting.open_items, start=1)
    ]


def owner_name(deal: Deal, meeting: Meeting) -> str:
    """Who follows up for us: the seller contact, else our first attendee, else the seller."""
    if deal.seller.contact is not None:
        return deal.seller.contact.name
    if meeting.attendees.ours:
        return meeting.attendees.ours[0].name
    return deal.seller.name


def meeting_context(facts: DealFacts, meeting: Meeting, confirm_days: int) -> dict[str, Any]:
    """``meeting.*`` of the memo template."""
    deal = facts.deal
    confirm_by = meeting.date + dt.timedelta(days=confirm_days)
    steps = list(meeting.next_steps) or [
        _t(facts, "step.confirm"), _t(facts, "step.contract"),
        *([_t(facts, "step.items")] if meeting.open_items else []),
    ]
    mode_phrase = _t(facts, f"intro.mode.{meeting.mode}")
    return {
        "date": facts.date(meeting.date),
        "iso_date": meeting.date.isoformat(),
        "mode": _t(facts, f"mode.{meeting.mode}"),
        "place": meeting.place or "",
        "topic": meeting.topic or (deal.project.name if deal.project else ""),
        "intro": _t(facts, "intro", date=facts.date(meeting.date), mode_phrase=mode_phrase),
        "attendees": attendee_rows(meeting, deal),
        "feedback": list(meeting.client_feedback),
        "responses": list(meeting.our_responses),
        "objections": objection_rows(facts, meeting),
        "open_items": open_item_rows(facts, meeting),
        "next_steps": steps,
        "next_contact": _t(facts, "next_contact", date=facts.date(meeting.next_contact),
                           owner=owner_name(deal, meeting)) if meeting.next_contact else "",
        "confirm": _t(facts, "confirm", date=facts.date(confirm_by), days=confirm_days),
        "confirm_by": facts.date(confirm_by),
    }


def sign_context(facts: DealFacts, meeting: Meeting) -> dict[str, str]:
    """The signature and seal block: each party, its representative (ours: the seller's contact;
    theirs: the client attendee who signs, see :func:`common.client_signatory`), signature, date."""
    deal = facts.deal
    contact = deal.seller.contact
    ours = _t(facts, "sign.ours", who=signatory_line(facts, person(contact))) if contact else ""
    present = meeting.attendees.client or None
    client = client_signatory(facts, present)
    theirs = _t(facts, "sign.theirs", who=signatory_line(facts, client)) if client else ""
    return {
        "client": _t(facts, "sign.client", name=deal.client.name),
        "seller": _t(facts, "sign.seller", name=deal.seller.name),
        "rep": _t(facts, "sign.rep"),
        "date": _t(facts, "sign.date"),
        "ours": ours,
        "theirs": theirs,
    }


def memo_number(facts: DealFacts, meeting: Meeting) -> str:
    """``MEM-<client code>-<meeting date>``: one memo per meeting."""
    return f"MEM-{safe_component(facts.deal.client.code)}-{meeting.date:%Y%m%d}"


def memo_context(facts: DealFacts, meeting: Meeting, *, draft: str = "",
                 confirm_days: int = CONFIRM_DAYS) -> tuple[dict[str, Any], AgreedTerms]:
    """The whole context of the memo template, and the agreed terms it restates."""
    terms = agreed_terms(meeting, facts)
    ctx = base_context(facts, "memo", _t(facts, "title"), draft=draft)
    ctx["doc"].update(number=memo_number(facts, meeting), date=facts.date(meeting.date),
                      iso_date=meeting.date.isoformat())
    ctx["doc_date"] = meeting.date
    ctx["meeting"] = meeting_context(facts, meeting, confirm_days)
    ctx["agreed"] = agreed_context(facts, terms)
    ctx["sign"] = sign_context(facts, meeting)
    return ctx, terms


# --------------------------------------------------------------------------- warnings and entry point


def consistency_warnings(facts: DealFacts, terms: AgreedTerms) -> list[str]:
    """Agreed figures that differ from the deal: the proposal and contract must say the same."""
    out = []
    total = facts.pricing.total
    if terms.price is not None and terms.price != total:
        out.append(f"the agreed price {facts.money(terms.price)} differs from the deal total {facts.money(total)}: "
                   "update the deal so that proposal, contract and memo agree")
    pct = sum((m.percent for m in terms.milestones), Decimal(0))
    if pct != 100:
        out.append(f"the agreed payment milestones add up to {facts.percent(pct)}, not 100%")
    return out


def render_memo(
    meeting: Meeting,
    deal: Deal,
    outdir: Path,
    *,
    locale: str | None = None,
    template: Path | None = None,
    library_dirs: Sequence[Path] = (),
    draft: str = "",
    now: dt.datetime | None = None,
    confirm_days: int = CONFIRM_DAYS,
    facts: DealFacts | None = None,
    meeting_file: str | Path | None = None,
) -> list[Rendered]:
    """The memo and its ``.eml`` draft rendered in memory (not yet written): ``[memo, eml]``."""
    from bidgen.documents.output import Rendered, template_path
    from bidgen.docx.render import CompiledTemplate
    from .eml import late_warning, memo_eml

    if meeting.deal != deal.id:
        raise InputError(f"the meeting belongs to deal {meeting.deal!r}, not {deal.id!r}", field="deal",
                         file=str(meeting_file) if meeting_file else None)
    facts = facts or deal_facts(deal, locale, library_dirs)
    ctx, terms = memo_context(facts, meeting, draft=draft, confirm_days=confirm_days)
    outdir = Path(outdir)
    tpl = CompiledTemplate.load(template_path("memo", facts.locale, template))
    data = tpl.render(ctx)
    docx = output_path(outdir, "memo", deal.client.code, meeting.date)
    eml_path, eml_data, mail_warnings = memo_eml(facts, meeting, terms, ctx, data, docx,
                                                 meeting_file=meeting_file)
    warnings = consistency_warnings(facts, terms) + mail_warnings
    late = late_warning(facts.deal, meeting, now)
    if late:
        warnings.insert(0, late)
    source = str(meeting_file) if meeting_file else f"meeting of {meeting.date.isoformat()}"
    return [Rendered("memo", docx, data, warnings=warnings, source=source),
            Rendered("eml", eml_path, eml_data, source=source)]


def make_memo(
    meeting: Meeting,
    deal: Deal,
    outdir: Path,
    *,
    locale: str | None = None,
    template: Path | None = None,
    library_dirs: Sequence[Path] = (),
    draft: str = "",
    now: dt.datetime | None = None,
    confirm_days: int = CONFIRM_DAYS,
    meeting_file: str | Path | None = None,
) -> list[Written]:
    """Write the memo ``Memo_<client>_v<YYYYMMDD>.docx`` and its ``.eml`` draft into ``outdir``.

    ``now`` (default: the current time) decides the 24-hour warning; naive times are read in the
    meeting's time zone.  Returns ``[Written(memo), Written(eml)]``; warnings are on the first.
    Both files are written as one set (all or none).
    """
    from bidgen.documents.output import write_set

    return write_set(render_memo(meeting, deal, outdir, locale=locale, template=template,
                                 library_dirs=library_dirs, draft=draft, now=now, confirm_days=confirm_days,
                                 meeting_file=meeting_file))
