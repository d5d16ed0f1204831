"""The proposal (solution proposal / 方案建议书): conclusion first, every section from the deal.

Sections: cover, executive summary, SCQA, needs and pain points, FAB value table, PREP
evidence, pricing with total in words, payment schedule, commercial terms and clauses,
next steps.  A section without content is left out (the template's ``{%p if %}``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..library import Library
from .common import (DealFacts, base_context, client_signatory, list_text, name_ref, person, signatory_line,
                     tax_note)
from .content import Content, build_content

TITLES = {"zh_CN": "解决方案建议书", "zh_TW": "解決方案建議書", "en_US": "Solution Proposal"}


def summary_sentences(facts: DealFacts, ctx: dict[str, Any]) -> list[str]:
    """Three to five sentences: recommendation, investment and terms, needs, payment, validity."""
    d = facts.deal
    summary = (d.project.summary or "") if d.project else ""
    out = [facts.t("summary.recommend", client=d.client.name, project=ctx["project"]["name"], summary=summary)]
    terms = ctx["terms"]
    total = facts.money_with_code(facts.pricing.total)
    if terms["delivery"] and terms["warranty"]:
        out.append(facts.t("summary.invest", total=total, tax_note=tax_note(facts), delivery=terms["delivery"],
                           warranty=terms["warranty"]))
    else:
        out.append(facts.t("summary.invest_short", total=total, tax_note=tax_note(facts)))
    needs = [_in_sentence(facts, p.need) for p in (d.client.pain_points or [])]
    if needs:
        out.append(facts.t("summary.needs", needs=list_text(facts, needs)))
    if len(d.terms.payment) > 1:
        out.append(facts.t("summary.payment", shares=ctx["payment"]["shares"]))
    decide_by = min(d.valid_until, d.issue_date + dt.timedelta(days=14))
    if decide_by < d.valid_until:
        out.append(facts.t("summary.validity", valid_until=terms["valid_until"], decide_by=facts.date(decide_by)))
    else:  # a short offer: "decide by" would only repeat the validity date
        out.append(facts.t("summary.validity_only", valid_until=terms["valid_until"]))
    return out


def _in_sentence(facts: DealFacts, phrase: str) -> str:
    """A phrase as it reads inside an English sentence: ``Real-time visibility`` → ``real-time visibility``
    (acronyms such as ``ERP rollout`` keep their case)."""
    if facts.locale.startswith("en") and len(phrase) > 1 and phrase[0].isupper() and phrase[1].islower():
        return phrase[0].lower() + phrase[1:]
    return phrase


def needs_rows(facts: DealFacts) -> list[dict[str, Any]]:
    rows = []
    for i, p in enumerate(facts.deal.client.pain_points or [], start=1):
        rows.append(
            {
                "no": i,
                "need": p.need,
                "impact": p.impact or "",
                "kind": facts.t("need.explicit" if p.explicit else "need.implicit"),
            }
        )
    return rows


def next_steps(facts: DealFacts) -> list[dict[str, Any]]:
    """Dated actions with owners, derived from the deal's dates and contacts."""
    d = facts.deal
    seller_owner = d.seller.contact.name if d.seller.contact else d.seller.name
    purchaser = next((c for c in (d.client.contacts or []) if c.role == "purchaser"), None)
    who = name_ref(facts, person(purchaser)) if purchaser else d.client.name
    if purchaser is not None and purchaser.title and not facts.locale.startswith("zh"):
        who += ","  # "with Mr. Omar Al Mansoori, Head of Procurement, and confirm …"
    review_by = min(d.valid_until, d.issue_date + dt.timedelta(days=7))
    steps: list[dict[str, Any]] = [
        {"action": facts.t("step.review", who=who), "owner": seller_owner, "due": facts.date(review_by)},
        # "and pay the advance" only where the schedule has more than one instalment
        {"action": facts.t("step.sign" if len(d.terms.payment) > 1 else "step.sign_only"), "owner": d.client.name,
         "due": facts.date(d.valid_until)},
    ]
    if d.terms.delivery_days is not None:
        steps.append(
            {
                "action": facts.t("step.kickoff"),
                "owner": d.seller.name,
                "due": facts.t("step.kickoff_due", days=facts.number(d.terms.delivery_days)),
            }
        )
    for i, s in enumerate(steps, start=1):
        s["no"] = i
    return steps


def proposal_context(facts: DealFacts, library: Library, *, draft: str = "",
                     content: Content | None = None) -> tuple[dict[str, Any], Content]:
    """The whole context of the proposal template, and the library content with its reasons."""
    content = content or build_content(facts, library)
    ctx = base_context(facts, "proposal", TITLES[facts.locale], draft=draft)
    ctx["summary"] = summary_sentences(facts, ctx)
    ctx["scqa"] = content.scqa
    ctx["prep"] = content.prep
    ctx["needs"] = needs_rows(facts)
    ctx["fab"] = content.fab
    ctx["clauses"] = content.clauses
    ctx["next_steps"] = next_steps(facts)
    ctx["sign"] = sign_context(facts)
    return ctx, content


def sign_context(facts: DealFacts) -> dict[str, str]:
    """The signature and seal block of both parties (``sign.*``)."""
    d = facts.deal
    seller = person(d.seller.contact) if d.seller.contact else None
    client = client_signatory(facts)
    return {
        "client": facts.t("sign.client", name=d.client.name),
        "seller": facts.t("sign.seller", name=d.seller.name),
        "client_rep": facts.t("sign.by", who=signatory_line(facts, client)) if client else "",
        "seller_rep": facts.t("sign.by", who=signatory_line(facts, seller)) if seller else "",
        "rep": facts.t("sign.rep"),
        "date": facts.t("sign.date"),
        "intro": facts.t("sign.intro"),
    }
