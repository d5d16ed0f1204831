"""Library content for a deal: narrative (SCQA, PREP), FAB rows and clauses, named or selected.

Named ids in the deal always win; where a deal names none of a kind, the library selects
entries by the deal's tier, industry, country and size, and says why (``--explain``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..library import Library, SelectionFacts, facts_for_deal
from .common import DealFacts, library_params


@dataclass
class Content:
    """Rendered library content for one deal and locale, with the reason for each pick."""

    scqa: dict[str, str] | None = None
    prep: dict[str, str] | None = None
    fab: list[dict[str, str]] = field(default_factory=list)
    clauses: list[dict[str, Any]] = field(default_factory=list)
    explain: list[str] = field(default_factory=list)


def selection_facts(facts: DealFacts, features: tuple[str, ...] = ()) -> SelectionFacts:
    """What the library selects by: tier, industry, country, size, SKUs and the deal's own terms
    (computed once per deal and features)."""
    key = ("selection_facts", features)
    found = facts.shared.get(key)
    if found is None:
        found = facts.shared[key] = _selection_facts(facts, features)
    return found


def _selection_facts(facts: DealFacts, features: tuple[str, ...]) -> SelectionFacts:
    d = facts.deal
    return facts_for_deal(
        library_params(facts),
        tier=d.tier,
        industry=d.client.industry,
        country=d.client.country,
        deal_size=facts.pricing.total,
        currency=d.currency,
        skus=[i.sku for i in d.items if i.sku],
        kinds=sorted({str(i.item_kind) for i in d.items}),
        features=features,
    )


def _named(library: Library, ids: list[str] | None, kinds: set[str]) -> list[str]:
    return [i for i in (ids or []) if library.get(i).kind in kinds]


def _pick(library: Library, kind: str, named: list[str], facts: DealFacts, content: Content) -> list[Any]:
    picks = library.resolve(kind, named, selection_facts(facts))
    for sel in picks:
        content.explain.append(f"{kind}: {sel.entry.id} ({sel.reason})")
    return [sel.entry for sel in picks]


def build_content(facts: DealFacts, library: Library, *, clause_kinds: tuple[str, ...] = ("clause",)) -> Content:
    """Render the deal's narrative, FAB and clauses in the documents' locale."""
    d = facts.deal
    content = Content()
    params = library_params(facts)
    loc, cur = facts.locale, facts.currency

    def render(entry):  # the texts of the content locale, the numbers and dates of the deal's own locale
        return entry.render(facts.fmt_locale, params, currency=cur)

    narrative = list(d.narrative or [])
    scqa = _pick(library, "scqa", _named(library, narrative, {"scqa"}) if narrative else [], facts, content)
    prep = _pick(library, "prep", _named(library, narrative, {"prep"}) if narrative else [], facts, content)
    if scqa:
        content.scqa = dict(render(scqa[0]).parts)
    if prep:
        content.prep = dict(render(prep[0]).parts)
    for entry in _pick(library, "fab", list(d.fab or []), facts, content):
        for row in render(entry).rows:
            content.fab.append(
                {
                    "feature": row.get("feature", ""),
                    "advantage": row.get("advantage", ""),
                    "benefit": row.get("benefit", ""),
                    "need": str(row.get("pain_point") or ""),
                }
            )
    for entry in _pick(library, "clause", list(d.clauses or []), facts, content):
        r = render(entry)
        content.clauses.append({"id": entry.id, "title": r.title, "paragraphs": list(r.paragraphs)})
    return content
