"""Picking library entries for a deal by their ``when`` conditions, with a reason for each.

Rules (documented in docs/library.md):

* An entry with ``when.auto: false`` is only used when a deal names it.
* Every *hard* condition an entry states must hold: ``tier``, ``industry``, ``country``, ``sku``
  (any of the deal's SKUs), ``sells`` (any of the deal's item kinds: goods, software, service),
  ``requires`` (all of the deal's features), deal size bounds.  An
  etiquette entry's ``countries`` and a FAB table's ``products`` count as its country and SKU
  conditions when ``when`` names none.
* ``need`` is a *preference*: it never excludes an entry, a match makes it more specific.
* Specificity = number of conditions matched.  Inside a ``group`` only the most specific entry
  is picked (ties: higher ``priority``, then the later layer, then id); entries without a group
  are all picked.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field
from functools import lru_cache
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from ..errors import LibraryError
from .params import VOCABULARY

if TYPE_CHECKING:
    from .entry import Entry

#: The order in which picked clauses are returned (others follow, alphabetically).
GROUP_ORDER = (
    "payment", "delivery", "warranty", "sla", "penalty", "validity", "confidentiality", "compliance",
    "liability", "force-majeure", "ip", "law", "concession",
    "objection.price", "objection.need", "objection.trust", "objection.delay", "objection.comparison",
)

NAMED = "named in the deal"

#: Vocabulary parameters every deal states (derived from its items, which every deal has):
#: an entry declaring them is never skipped for lack of them; a caller that does not pass
#: them gets the entry's defaults.
ALWAYS_KNOWN = frozenset({"sells_goods", "sells_software", "sells_services"})


@dataclass(frozen=True)
class SelectionFacts:
    """What selection knows about a deal.

    ``features`` name optional terms the deal has: ``retention`` (a retention milestone),
    ``late_penalty`` (a late-delivery penalty), ``lc`` (payment by letter of credit).
    ``needs`` are need categories (cost, efficiency, quality, service, risk); see :func:`needs_from_text`.
    ``provided`` names the vocabulary parameters the deal supplies; when given, an entry that
    declares a vocabulary parameter the deal lacks is not picked (its sample default would
    otherwise stand in for a fact the deal never stated).
    """

    tier: str
    industry: str | None
    country: str | None
    deal_size: Decimal | None
    currency: str
    skus: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    features: frozenset[str] = field(default_factory=frozenset)
    provided: frozenset[str] | None = None


@dataclass(frozen=True)
class Selection:
    """An entry picked for a deal and why (the text ``--explain`` prints)."""

    entry: "Entry"
    reason: str


@lru_cache(maxsize=1024)
def norm_industry(value: str | None) -> str:
    """``Financial Services`` → ``financial-services``."""
    return re.sub(r"[\s_]+", "-", (value or "").strip().lower())


@dataclass(frozen=True)
class _Conditions:
    """An entry's hard conditions as :func:`match` compares them (worked out once per entry)."""

    vocabulary: tuple[str, ...]  # declared vocabulary parameters a deal must provide
    tiers: tuple[str, ...]
    industries: tuple[str, ...]  # normalised (norm_industry)
    countries: tuple[str, ...]  # upper case; an etiquette entry's ``countries`` when ``when`` names none
    skus: frozenset[str]  # upper case; a FAB table's ``products`` when ``when`` names none


_CONDITIONS: "weakref.WeakKeyDictionary[Entry, _Conditions]" = weakref.WeakKeyDictionary()


def _conditions(entry: "Entry") -> _Conditions:
    try:
        found = _CONDITIONS.get(entry)
    except TypeError:  # an object that cannot be weakly referenced (a stand-in): worked out each time
        return _work_out(entry)
    if found is None:
        found = _CONDITIONS[entry] = _work_out(entry)
    return found


def _work_out(entry: "Entry") -> _Conditions:
    w = entry.when
    return _Conditions(
        vocabulary=tuple(p for p in entry.params if p in VOCABULARY and p not in ALWAYS_KNOWN),
        tiers=tuple(w.tier),
        industries=tuple(norm_industry(i) for i in w.industry),
        countries=tuple(c.upper() for c in (list(w.country) or list(getattr(entry.model, "countries", [])))),
        skus=frozenset(s.upper() for s in (list(w.sku) or list(getattr(entry.model, "products", [])))),
    )


def _size_ok(entry: "Entry", facts: SelectionFacts) -> tuple[bool, str | None]:
    w = entry.when
    if w.deal_size_min is None and w.deal_size_max is None:
        return True, None
    if facts.deal_size is None:
        return False, None
    if w.deal_size_currency and w.deal_size_currency.upper() != facts.currency.upper():
        return False, None
    low = w.deal_size_min if w.deal_size_min is not None else "0"
    high = w.deal_size_max if w.deal_size_max is not None else "∞"
    ok = (w.deal_size_min is None or facts.deal_size >= w.deal_size_min) and (
        w.deal_size_max is None or facts.deal_size <= w.deal_size_max
    )
    return ok, f"deal size {facts.deal_size} {facts.currency} in [{low}, {high}]"


def match(entry: "Entry", facts: SelectionFacts) -> tuple[bool, list[str]]:
    """Whether ``entry`` may be picked for ``facts``, and the conditions it matched."""
    w = entry.when
    if not w.auto:
        return False, []
    cond = _conditions(entry)
    if facts.provided is not None and any(p not in facts.provided for p in cond.vocabulary):
        return False, []
    hits: list[str] = []
    checks: tuple[tuple[tuple[str, ...], str | None, str], ...] = (
        (cond.tiers, facts.tier, "tier"),
        (cond.industries, (norm_industry(facts.industry) or None) if cond.industries else None, "industry"),
        (cond.countries, (facts.country or "").upper() or None, "country"),
    )
    for allowed, value, label in checks:
        if allowed:
            if value is None or value not in allowed:
                return False, []
            hits.append(f"{label} {value}")
    if cond.skus:
        skus = cond.skus & {s.upper() for s in facts.skus}
        if not skus:
            return False, []
        hits.append("sells " + ", ".join(sorted(skus)))
    if w.sells:
        sold = [k for k in w.sells if k in facts.kinds]
        if not sold:
            return False, []
        hits.append("sells " + ", ".join(sold))
    if w.requires:
        if not set(w.requires) <= set(facts.features):
            return False, []
        hits.append("deal has " + ", ".join(w.requires))
    ok, size_hit = _size_ok(entry, facts)
    if not ok:
        return False, []
    if size_hit:
        hits.append(size_hit)
    needs = [n for n in w.need if n in facts.needs]
    if needs:
        hits.append("need " + ", ".join(needs))
    return True, hits


def _rank(entry: "Entry", hits: list[str]) -> tuple[int, int, int, str]:
    return (len(hits), entry.when.priority, entry.layer, entry.id)


def _reason(hits: list[str], group: str | None, rivals: int) -> str:
    base = "matches " + "; ".join(hits) if hits else "default (no condition)"
    if group and rivals > 1:
        base += f"; most specific of {rivals} in group '{group}'"
    return base


def _order(selection: Selection, facts: SelectionFacts) -> tuple[int, int, str]:
    entry = selection.entry
    group = entry.group or ""
    pos = GROUP_ORDER.index(group) if group in GROUP_ORDER else len(GROUP_ORDER)
    wanted = _conditions(entry).skus
    sku_pos = next((i for i, s in enumerate(facts.skus) if s.upper() in wanted), len(facts.skus))
    return pos, sku_pos, entry.id


def select(entries: Iterable["Entry"], facts: SelectionFacts) -> list[Selection]:
    """Pick among ``entries`` for ``facts``: all matching ungrouped ones, the best one per group."""
    groups: dict[str, list[tuple["Entry", list[str]]]] = {}
    picked: list[Selection] = []
    for entry in entries:
        ok, hits = match(entry, facts)
        if not ok:
            continue
        if entry.group:
            groups.setdefault(entry.group, []).append((entry, hits))
        else:
            picked.append(Selection(entry, _reason(hits, None, 1)))
    for group, candidates in groups.items():
        best, hits = max(candidates, key=lambda c: _rank(c[0], c[1]))
        picked.append(Selection(best, _reason(hits, group, len(candidates))))
    return sorted(picked, key=lambda sel: _order(sel, facts))


def explain(selections: Sequence[Selection]) -> list[str]:
    """One line per selection: ``id: reason``."""
    return [f"{s.entry.id}: {s.reason}" for s in selections]


_NEED_WORDS: dict[str, tuple[str, ...]] = {
    "cost": ("成本", "费用", "費用", "损失", "損失", "预算", "預算", "cost", "expens", "budget", "loss", "saving", "spend"),
    "efficiency": ("效率", "停机", "停機", "产能", "產能", "手工", "人工", "规模", "規模", "人员不足", "人員不足",
                   "efficien", "downtime", "throughput", "manual", "scale", "capacity", "productiv", "peak"),
    "quality": ("质量", "品質", "質量", "良率", "不良", "缺陷", "准确", "準確", "quality", "defect", "accura",
                "yield", "error"),
    "service": ("服务", "服務", "响应", "響應", "满意", "滿意", "可视", "可視", "service", "response",
                "satisf", "visibility", "where is my order", "customer"),
    "risk": ("风险", "風險", "合规", "合規", "安全", "故障", "中断", "中斷", "risk", "complian", "security",
             "outage", "failure", "audit", "fraud"),
}


def needs_from_text(texts: Iterable[str]) -> tuple[str, ...]:
    """Need categories named by pain-point texts (keyword match, zh and en), in first-seen order."""
    found: list[str] = []
    for text in texts:
        low = (text or "").lower()
        for category, words in _NEED_WORDS.items():
            if category not in found and any(w in low for w in words):
                found.append(category)
    return tuple(found)


def features_from_params(params: Mapping[str, Any]) -> frozenset[str]:
    """Deal features derived from the library parameters an assembler builds (see VOCABULARY)."""
    found: set[str] = set()
    if any(isinstance(m, Mapping) and m.get("retention") for m in params.get("milestones") or []):
        found.add("retention")
    if params.get("penalty_percent_per_day") is not None:
        found.add("late_penalty")
    return frozenset(found)


def facts_for_deal(
    params: Mapping[str, Any],
    *,
    tier: str,
    industry: str | None,
    country: str | None,
    deal_size: Decimal | None,
    currency: str,
    skus: Iterable[str] = (),
    kinds: Iterable[str] = (),
    features: Iterable[str] = (),
) -> SelectionFacts:
    """SelectionFacts for a deal from the library parameters its assembler built: SKUs, needs
    (from ``pain_points``/``pain_point``), features (``retention``, ``late_penalty`` from ``params``,
    plus ``features`` such as ``contract`` or ``lc``) and ``provided`` (the non-empty params)."""
    pains = [p.get("need", "") for p in params.get("pain_points") or [] if isinstance(p, Mapping)]
    texts = [str(params.get("pain_point") or ""), *pains]
    return SelectionFacts(
        tier=str(tier),
        industry=industry,
        country=country,
        deal_size=deal_size,
        currency=currency,
        skus=tuple(skus),
        kinds=tuple(kinds),
        needs=needs_from_text(texts),
        features=features_from_params(params) | frozenset(features),
        provided=frozenset(k for k, v in params.items() if v is not None and v != ""),
    )


def check_kind(entry: "Entry", kinds: Sequence[str]) -> None:
    """Raise :class:`LibraryError` when a named entry is not of one of ``kinds``."""
    if entry.kind not in kinds:
        raise LibraryError(
            f"{entry.id!r} is a {entry.kind} entry, expected {' or '.join(kinds)}",
            file=str(entry.source),
            field=entry.id,
        )
