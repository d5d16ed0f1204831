"""Rules over one rendered document, read back with :func:`bidgen.docx.readback.read_docx`.

Nothing may be left half-done in a document that goes to a client: no placeholder, no empty
amount, no hidden text, tracked change or comment on a marked term, no term stated twice with
two values, no DRAFT stamp.  Each document's own figures are also checked against each other:
the total in words against the total in figures, the milestones against the total.
"""

from __future__ import annotations

import re
from decimal import Decimal

from bidgen.inputs.models import Deal
from bidgen.docx.readback import TermHit
from . import arithmetic
from .arithmetic import Fig, Figures
from .context import pct, value
from .doctables import pricing_figures
from .doc import Doc
from .docwords import check_document_words
from .findings import Place
from .registry import ERROR, WARNING, Collector, rule
from .stamp import DRAFT_STAMPS
from .termvalues import TermValue, kind_of

PLACEHOLDER = rule(
    "DOC-PLACEHOLDER", "documents", ERROR,
    "No leftover placeholder (XXX, {{, TBD, 待填 …) and no empty marked amount in a document.",
)
HIDDEN = rule("DOC-HIDDEN", "documents", ERROR, "No hidden text on a marked term.")
TRACKED = rule("DOC-TRACKED", "documents", ERROR, "No tracked (unaccepted) change on a marked term.")
COMMENT = rule("DOC-COMMENT", "documents", ERROR, "No comment on a marked term.")
REVISIONS = rule(
    "DOC-REVISIONS", "documents", WARNING,
    "A document to be sent has no tracked changes, comments or hidden text left anywhere.",
)
CONFLICT = rule("DOC-TERM-CONFLICT", "documents", ERROR, "A term stated several times in one document has one value.")
VALUE = rule("DOC-TERM-VALUE", "documents", ERROR, "Every marked term reads as what it is (an amount, a date, days …).")
MISSING = rule(
    "DOC-TERM-MISSING", "documents", WARNING,
    "A document still holds its key terms (the marks were not deleted while editing).",
)
DRAFT = rule("DOC-DRAFT", "documents", WARNING, "A document is not stamped 'DRAFT – failed checks'.")

#: The terms each kind of document must hold.
REQUIRED_TERMS = {
    "proposal": ("total", "total_words"),
    "bid": ("total", "total_words", "bid_validity_days"),
}


def check_document(doc: Doc, deal: Deal | None, out: Collector) -> None:
    """Every single-document rule over ``doc``; ``deal`` is its deal, when known."""
    _placeholders(doc, out)
    _marks(doc, out)
    _terms(doc, out)
    cur = deal.currency if deal is not None else _guess_currency(doc)
    check_document_words(doc, cur, out)
    _figures(doc, cur, out)
    blanks: list[Place] = []
    include = deal.prices_include_tax if deal is not None else None
    rate = deal.tax_rate_percent if deal is not None else None
    fig = pricing_figures(doc, cur, include, rate, blanks)
    marked = {h.where for hits in doc.text.terms.values() for h in hits if h.part.endswith("document.xml")}
    for place in blanks:
        if place.path in marked:
            continue  # reported as an empty term above
        out.add(PLACEHOLDER, f"An amount cell of the pricing table in {doc.label} is empty.", place,
                [value(doc.label, "(empty)", place)])
    if fig is not None:
        arithmetic.check_figures(fig, out)


def _placeholder_re(tokens: tuple[str, ...]) -> re.Pattern[str]:
    parts = []
    for tok in tokens:
        esc = re.escape(tok)
        parts.append(rf"(?<![A-Za-z0-9]){esc}(?![A-Za-z0-9])" if tok.isascii() and tok.isalnum() else esc)
    return re.compile("|".join(parts))


def _texts(doc: Doc) -> list[tuple[str, str]]:
    """(place, text) of every paragraph, table cell, header and footer."""
    t = doc.text
    out = [(f"paragraph {i}", p) for i, p in enumerate(t.paragraphs, start=1)]
    for ti, table in enumerate(t.tables, start=1):
        for ri, row in enumerate(table, start=1):
            out.extend((f"table {ti}, row {ri}, cell {ci}", c) for ci, c in enumerate(row, start=1))
    out.extend((f"header {i}", h) for i, h in enumerate(t.headers, start=1))
    out.extend((f"footer {i}", f) for i, f in enumerate(t.footers, start=1))
    return out


def _placeholders(doc: Doc, out: Collector) -> None:
    if out.on(PLACEHOLDER):
        pattern = _placeholder_re(out.policy.documents.placeholders)
        for place, text in _texts(doc):
            for m in pattern.finditer(text):
                snippet = text[max(0, m.start() - 25): m.end() + 25].replace("\n", " ").strip()
                out.add(PLACEHOLDER, f"{doc.label} still holds the placeholder '{m.group(0)}' ('…{snippet}…'): "
                                     f"fill it in before sending.", doc.at(place), [value(doc.label, m.group(0), doc.at(place))])
                break
        for key, hits in doc.text.terms.items():
            for hit in hits:
                if not hit.value.strip():
                    out.add(PLACEHOLDER, f"The {key.replace('_', ' ')} in {doc.label} is empty.", doc.term_place(hit),
                            [value(doc.label, "(empty)", doc.term_place(hit))])
    if out.on(DRAFT):
        for i, header in enumerate(doc.text.headers, start=1):
            stamp = next((s for s in DRAFT_STAMPS if s in header), None)
            if stamp:
                out.add(DRAFT, f"{doc.label} is stamped '{stamp}': it was written despite failed checks; fix the "
                               f"inputs and render it again before sending.", doc.at(f"header {i}"))
                break


def _marks(doc: Doc, out: Collector) -> None:
    flagged = False
    for key, hits in doc.text.terms.items():
        for hit in hits:
            where = doc.term_place(hit)
            shown = [value(doc.label, repr(hit.value), where)]
            if hit.hidden:
                flagged = True
                out.add(HIDDEN, f"Part of the {key.replace('_', ' ')} in {doc.label} is hidden text: what the client "
                                f"sees differs from what the file says.", where, shown)
            if hit.in_insertion or hit.in_deletion:
                flagged = True
                deleted = f" (deleted: '{hit.deleted_text}')" if hit.deleted_text else ""
                out.add(TRACKED, f"The {key.replace('_', ' ')} in {doc.label} has an unaccepted tracked change"
                                 f"{deleted}: accept or reject it and check the figure.", where, shown)
            if hit.commented:
                flagged = True
                out.add(COMMENT, f"The {key.replace('_', ' ')} in {doc.label} carries a comment: resolve it and "
                                 f"remove the comment before sending.", where, shown)
    t = doc.text
    leftovers = [name for name, present in (("tracked changes", t.has_tracked_changes), ("comments", bool(t.comments)),
                                            ("hidden text", bool(t.hidden_texts))) if present]
    if leftovers and not flagged:
        out.add(REVISIONS, f"{doc.label} still has {', '.join(leftovers)}: clean it up before sending.",
                doc.at("document"))


def _terms(doc: Doc, out: Collector) -> None:
    for key, hits in doc.text.terms.items():
        readable = []
        for hit in hits:
            got = doc.value(hit)
            if got is None and hit.value.strip():
                out.add(VALUE, f"The {key.replace('_', ' ')} in {doc.label} reads '{hit.value}', which is not "
                               f"{_kind_words(key)}.", doc.term_place(hit), [value(doc.label, hit.value, doc.term_place(hit))])
            elif got is not None:
                readable.append((hit, got))
        firsts: dict[TermValue, TermHit] = {}
        for hit, got in readable:
            firsts.setdefault(got, hit)
        if len(firsts) > 1:
            hits = list(firsts.values())
            listing = " and ".join(f"'{h.value.strip()}' ({h.where})" for h in hits)
            out.add(CONFLICT, (
                f"{doc.label} states the {key.replace('_', ' ')} {len(hits)} ways: {listing}. Evaluators treat "
                f"two different figures in one bid as grounds for rejection."
            ), doc.term_place(hits[1]), [value(doc.label, h.value.strip(), doc.term_place(h)) for h in hits])
    for key in REQUIRED_TERMS.get(doc.kind, ()):
        if key not in doc.text.terms:
            out.add(MISSING, f"{doc.label} has no marked {key.replace('_', ' ')}: the mark was removed while editing, "
                             f"so the figure cannot be checked.", doc.at("document"))


def _kind_words(key: str) -> str:
    return {"money": "an amount", "words": "an amount in words", "percent": "a percentage", "count": "a number",
            "date": "a date"}.get(kind_of(key), "readable")


def _guess_currency(doc: Doc) -> str:
    for hit in doc.text.terms.get("total_words", []):
        try:
            from ..words import parse_amount_words

            cur = parse_amount_words(hit.value, doc.locale).currency
        except Exception:  # noqa: BLE001 - unreadable words are reported by WORDS-FORM
            cur = None
        if cur:
            return cur
    return "CNY" if doc.locale.startswith("zh_CN") else "TWD" if doc.locale == "zh_TW" else "USD"


def first_value(doc: Doc, key: str) -> tuple[TermHit, TermValue] | None:
    """The first readable occurrence of a term in ``doc``."""
    for hit in doc.text.terms.get(key, []):
        got = doc.value(hit)
        if got is not None:
            return hit, got
    return None


def _figures(doc: Doc, currency: str, out: Collector) -> None:
    from .payment import SUM_100

    for prefix in ("", "agreed."):
        total_key = "total" if not prefix else "agreed.price"
        total = first_value(doc, total_key)
        rows = _milestones(doc, prefix)
        if not rows:
            continue
        percents = [p for p, _ in rows if p is not None]
        got = sum(percents, Decimal(0))
        if len(percents) == len(rows) and got != 100 and out.on(SUM_100):
            where = rows[0][1].where
            out.add(SUM_100, f"The payment milestones in {doc.label} add up to {pct(got)}, not 100%.", where,
                    [value(doc.label, pct(got), where), value("required", "100%")])
        if total is None or not isinstance(total[1], Decimal):
            continue
        fig = Figures(label=doc.label, currency=currency, total=Fig(total[1], doc.term_place(total[0])),
                      milestones=rows)
        arithmetic.check_figures(fig, out)


def _milestones(doc: Doc, prefix: str) -> list[tuple[Decimal | None, Fig]]:
    rows = []
    n = 1
    while True:
        amount = first_value(doc, f"{prefix}milestone.{n}.amount")
        if amount is None or not isinstance(amount[1], Decimal):
            break
        percent = first_value(doc, f"{prefix}milestone.{n}.percent")
        pval = percent[1] if percent and isinstance(percent[1], Decimal) else None
        rows.append((pval, Fig(amount[1], doc.term_place(amount[0]))))
        n += 1
    return rows
