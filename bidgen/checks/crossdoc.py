"""Across documents: every marked term agrees with the inputs and with the deal's other documents.

Documents are linked to their deal by the client code and date of their file name
(``<DocType>_<ClientCode>_v<YYYYMMDD>.docx``; the client code alone when the date differs, as
a memo is dated by its meeting).  Each marked term is read back in the document's locale and
compared with what the inputs give for it; when no deal is given, documents of the same client
are compared with each other and the value most of them state is taken as the reference.  A
value changed by hand is reported with both values and both places.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from ..errors import InputError
from ..locales import normalize_locale
from ..money import split_by_percent
from bidgen.docx.readback import TermHit, read_docx
from .context import Inputs
from .doc import Doc
from .documents import check_document
from .findings import Place, Value
from .registry import ERROR, INFO, Collector, rule
from .termvalues import TermValue, canonical, detect_decimal, detect_locale, figure_key, kind_of, render_value

__all__ = ["LINK", "TERM", "check_documents", "compare", "expected_terms", "parse_doc_name", "load_document"]

UNREADABLE = rule("DOC-UNREADABLE", "crossdoc", ERROR,
                  "A document that cannot be read (corrupt, not Word, over the read-back limits) is an error; "
                  "the other documents are still checked.")
LINK = rule("LINK-DEAL", "crossdoc", INFO, "Meetings, tenders and documents are linked to one of the deals checked.")
TERM = rule(
    "XDOC-TERM", "crossdoc", ERROR,
    "Each marked term in a document equals the inputs and the same term in the deal's other documents.",
)

_DOC_NAME = re.compile(r"^(?P<kind>[A-Za-z]+)_(?P<client>[A-Za-z0-9-]+(?:_[A-Za-z0-9-]+)*?)_v(?P<date>\d{8})\b.*\.docx$")
_KIND_ORDER = ("proposal", "bid", "memo", "brief")


@dataclass(frozen=True)
class Expect:
    """What the inputs give for a term: the accepted values, the one to show, and where."""

    values: frozenset[TermValue]
    shown: TermValue
    label: str
    where: Place


def parse_doc_name(path: Path) -> tuple[str, str, dt.date] | None:
    """(kind, client code, date) from ``Bid_CN203_v20261120.docx``; None for another name."""
    m = _DOC_NAME.match(path.name)
    if m is None:
        return None
    try:
        date = dt.datetime.strptime(m.group("date"), "%Y%m%d").date()
    except ValueError:
        return None
    return m.group("kind").lower(), m.group("client"), date


def _link(path: Path, groups: Sequence[Inputs], out: Collector) -> tuple[str, str | None, dt.date | None, Inputs | None]:
    from ..paths import safe_component

    parsed = parse_doc_name(path)
    deals = [g for g in groups if g.deal is not None]
    if parsed is None:
        if len(deals) == 1:
            out.add(LINK, f"{path.name} does not follow the <DocType>_<ClientCode>_v<YYYYMMDD>.docx naming; it is "
                          f"checked against the only deal given.", Place(str(path)))
            return "document", None, None, deals[0]
        if deals:
            out.add(LINK, f"{path.name} does not follow the <DocType>_<ClientCode>_v<YYYYMMDD>.docx naming, so it "
                          f"cannot be matched to one of the deals; it is checked on its own.", Place(str(path)))
        return "document", None, None, None
    kind, client, date = parsed
    same = [g for g in deals if safe_component(g.deal.client.code) == client]  # type: ignore[union-attr]
    exact = [g for g in same if g.deal.issue_date == date]  # type: ignore[union-attr]
    target: Inputs | None = exact[0] if exact else same[0] if same else None
    if target is None and deals:
        out.add(LINK, f"{path.name} belongs to client {client}, for whom no deal is among the files checked; it is "
                      f"compared with the other documents only.", Place(str(path)))
    return kind, client, date, target


def load_document(path: Path, groups: Sequence[Inputs], out: Collector) -> tuple[Doc, Inputs | None]:
    """Read a rendered document and find its deal (raises InputError for an unreadable file)."""
    _require_word(path)
    text = read_docx(path)
    kind, client, date, inp = _link(path, groups, out)
    fallback = normalize_locale(inp.deal.locale) if inp is not None and inp.deal is not None else "en_US"
    locale = detect_locale(text.all_text(), fallback)
    amounts = [h.value for key, hits in text.terms.items() if kind_of(key) == "money" for h in hits]
    return Doc(path, kind, client, date, text, locale, detect_decimal(amounts, locale)), inp


_WORD_TYPES = (b"wordprocessingml", b"application/vnd.ms-word")


def _require_word(path: Path) -> None:
    """Refuse a zip that is not a Word document (a workbook or a presentation renamed .docx).

    A Word file declares its main part as WordprocessingML in ``[Content_Types].xml``; one without
    that file is left to the reader (which looks for ``word/document.xml``).
    """
    try:
        with zipfile.ZipFile(path) as zf:
            types = zf.read("[Content_Types].xml") if "[Content_Types].xml" in zf.namelist() else None
    except (OSError, zipfile.BadZipFile):
        return  # the reader reports it with its own message
    if types is None or any(t in types for t in _WORD_TYPES):
        return
    kind = ("an Excel workbook" if b"spreadsheetml" in types else
            "a PowerPoint presentation" if b"presentationml" in types else "another kind of Office file")
    raise InputError(f"not a Word document: the file is {kind} renamed .docx", file=str(path))


def check_documents(paths: Sequence[Path], groups: Sequence[Inputs], out: Collector,
                    library_dirs: Sequence[Path] = ()) -> None:
    """Single-document rules for each document (with every figure of its text traced to its deal), then
    the cross-document comparison per deal.  ``library_dirs``: the team library whose texts' own figures
    documents may quote."""
    from .figures import check_document_figures

    buckets: dict[object, tuple[Inputs | None, list[Doc]]] = {}
    for path in paths:
        try:
            doc, inp = load_document(Path(path), groups, out)
        except InputError as exc:
            if len(paths) == 1:
                raise
            # one unreadable document (corrupt, not Word, over the read-back limits) does not stop the others
            out.add(UNREADABLE, f"This document cannot be read: {exc.message}", Place(str(path)))
            continue
        check_document(doc, inp.deal if inp is not None else None, out)
        if inp is not None:
            check_document_figures(doc, inp, out, library_dirs)
        key: object = id(inp) if inp is not None else ("client", doc.client or doc.label)
        buckets.setdefault(key, (inp, []))[1].append(doc)
    for inp, docs in buckets.values():
        docs.sort(key=lambda d: (_KIND_ORDER.index(d.kind) if d.kind in _KIND_ORDER else 9, d.label))
        compare(docs, inp, out)


# ----------------------------------------------------------------------------- expectations


def expected_terms(inp: Inputs) -> dict[str, Expect]:
    """The value of every known term key according to the inputs of one deal."""
    exp: dict[str, Expect] = {}

    def put(key: str, val: TermValue, label: str, where: Place, *also: TermValue) -> None:
        exp[key] = Expect(frozenset((val, *also)), val, label, where)

    d, p, src = inp.deal, inp.pricing, inp.deal_src
    if d is not None and p is not None:
        put("total", p.total, "deal", src.at("items"))
        put("total_words", p.total, "deal", src.at("items"))
        for i, (m, pm) in enumerate(zip(d.terms.payment, p.milestones)):
            put(f"milestone.{i + 1}.percent", m.percent, "deal", src.at("terms", "payment", i, "percent"))
            put(f"milestone.{i + 1}.amount", pm.amount, "deal", src.at("terms", "payment", i))
        for key in ("delivery_days", "warranty_months"):
            if getattr(d.terms, key) is not None:
                put(key, getattr(d.terms, key), "deal", src.at("terms", key))
        put("valid_until", d.valid_until, "deal", src.at("valid_until"))
        put("bid_validity_days", d.validity_days, "deal", src.at("valid_until"))
    t = inp.tender
    if t is not None:
        put("tender_ref", t.ref, "tender", inp.tender_src.at("ref"))
        if t.bid_bond is not None:
            put("bid_bond", t.bid_bond, "tender", inp.tender_src.at("bid_bond"))
            put("bid_bond_words", t.bid_bond, "tender", inp.tender_src.at("bid_bond"))
    _agreed(inp, put)
    return exp


def _agreed(inp: Inputs, put) -> None:  # type: ignore[no-untyped-def]
    """``agreed.*`` as the memo restates the meeting (unagreed terms stand as the deal offered)."""
    m, d, p = inp.meeting, inp.deal, inp.pricing
    if m is None or m.agreed is None or d is None or p is None:
        return
    ag, src = m.agreed, inp.meeting_src
    if ag.price is not None:
        put("agreed.price", ag.price, "meeting", src.at("agreed", "price"))
        put("agreed.price_words", ag.price, "meeting", src.at("agreed", "price"))
    for key in ("delivery_days", "warranty_months"):
        said = getattr(ag, key)
        if said is not None:
            put(f"agreed.{key}", said, "meeting", src.at("agreed", key))
    milestones = ag.payment or d.terms.payment
    base = ag.price if ag.price is not None else (None if ag.price_range is not None else p.total)
    path = ("agreed", "payment") if ag.payment else None
    amounts = split_by_percent(base, [x.percent for x in milestones], d.currency) if base is not None else []
    for i, ms in enumerate(milestones):
        where = src.at(*path, i) if path else inp.deal_src.at("terms", "payment", i)
        label = "meeting" if path else "deal"
        put(f"agreed.milestone.{i + 1}.percent", ms.percent, label, where)
        if amounts:
            put(f"agreed.milestone.{i + 1}.amount", amounts[i], label, where)


# ----------------------------------------------------------------------------- comparison


def _readings(doc: Doc) -> dict[str, list[tuple[TermHit, TermValue]]]:
    """Readable term values of a document by key, one entry per distinct value."""
    found: dict[str, list[tuple[TermHit, TermValue]]] = {}
    for key, hits in doc.text.terms.items():
        seen: set[TermValue] = set()
        for hit in hits:
            got = doc.value(hit)
            if got is not None and got not in seen:
                seen.add(got)
                found.setdefault(key, []).append((hit, got))
    return found


def _covered_words(key: str, readings: dict[str, list[tuple[TermHit, TermValue]]]) -> bool:
    """A words term whose figures stand in the same document (WORDS-MATCH compares those)."""
    fkey = figure_key(key)
    return fkey is not None and fkey in readings


def compare(docs: list[Doc], inp: Inputs | None, out: Collector) -> None:
    """Compare the marked terms of one deal's documents with the inputs and with each other."""
    if not out.on(TERM) or not docs:
        return
    exp = expected_terms(inp) if inp is not None else {}
    currency = inp.currency if inp is not None else "CNY"
    readings = {doc.label: _readings(doc) for doc in docs}
    for doc in docs:
        mine = readings[doc.label]
        for key, values in mine.items():
            if _covered_words(key, mine):
                continue
            e = exp.get(key) or (exp.get(canonical(key)) if key.startswith("agreed.") else None)
            for hit, got in values:
                if e is not None:
                    if not _matches(got, e, hit.key, currency, doc):
                        _against_inputs(doc, hit, got, e, docs, readings, currency, out)
                elif not exp:
                    _against_docs(doc, key, hit, got, docs, readings, out)


def _matches(got: TermValue, e: Expect, key: str, currency: str, doc: Doc) -> bool:
    """Whether a document's value is one the inputs accept (dates kept as text: as printed)."""
    if got in e.values:
        return True
    return isinstance(got, str) and kind_of(key) == "date" and got == render_value(key, e.shown, currency, doc.locale)


def _others(key: str, docs: list[Doc], skip: Doc, readings: dict) -> list[tuple[Doc, TermHit, TermValue]]:  # type: ignore[type-arg]
    """The first reading of the same fact in every other document."""
    fact = canonical(key)
    found = []
    for other in docs:
        if other is skip:
            continue
        for okey, vals in readings[other.label].items():
            if canonical(okey) == fact and kind_of(okey) == kind_of(key):
                found.append((other, vals[0][0], vals[0][1]))
                break
    return found


#: How messages name a term: the words a salesperson uses, not the key.
_TERM_WORDS = {
    "total": "total price", "total_words": "total price in words", "valid_until": "validity date",
    "delivery_days": "delivery period", "warranty_months": "warranty period", "bid_validity_days": "bid validity",
    "tender_ref": "tender number", "bid_bond": "bid bond", "bid_bond_words": "bid bond in words",
    "agreed.price": "agreed price", "agreed.price_words": "agreed price in words",
}


def _what(key: str) -> str:
    """``valid_until`` → ``validity date``, ``milestone.2.amount`` → ``milestone 2 amount``."""
    if key in _TERM_WORDS:
        return _TERM_WORDS[key]
    if key.startswith("agreed.") and key[len("agreed."):] in _TERM_WORDS:
        return "agreed " + _TERM_WORDS[key[len("agreed."):]]
    return key.replace("agreed.", "agreed ").replace("_", " ").replace(".", " ")


def _against_inputs(doc: Doc, hit: TermHit, got: TermValue, e: Expect, docs: list[Doc], readings: dict,  # type: ignore[type-arg]
                    currency: str, out: Collector) -> None:
    shown = render_value(hit.key, e.shown, currency, doc.locale)
    agree = [(o, h) for o, h, v in _others(hit.key, docs, doc, readings) if v in e.values]
    also = ""
    if agree:
        also = " (" + ", ".join(f"{o.label} states the same" for o, _ in agree) + ")"
    where = doc.term_place(hit)
    values = [Value(doc.label, hit.value.strip(), where), Value(e.label, shown, e.where)]
    values += [Value(o.label, h.value.strip(), o.term_place(h)) for o, h in agree]
    out.add(TERM, (
        f"The {_what(hit.key)} in {doc.label} reads '{hit.value.strip()}', but the {e.label} gives {shown}{also}: "
        f"the document was changed by hand or rendered from other data."
    ), where, values)


def _against_docs(doc: Doc, key: str, hit: TermHit, got: TermValue, docs: list[Doc], readings: dict,  # type: ignore[type-arg]
                  out: Collector) -> None:
    others = _others(key, docs, doc, readings)
    if not others:
        return
    votes = Counter([got, *[v for _, _, v in others]])
    top = max(votes.values())
    # the reference: the value most documents state; on a tie, the first document's (proposal first)
    ordered = sorted([(docs.index(doc), got)] + [(docs.index(o), v) for o, _, v in others], key=lambda x: x[0])
    reference = next(v for _, v in ordered if votes[v] == top)
    if got == reference:
        return
    ref_doc, ref_hit, _ = next(o for o in others if o[2] == reference)
    where = doc.term_place(hit)
    out.add(TERM, (
        f"The {_what(key)} in {doc.label} reads '{hit.value.strip()}', but {ref_doc.label} states "
        f"'{ref_hit.value.strip()}': one of them was changed by hand."
    ), where, [Value(doc.label, hit.value.strip(), where), Value(ref_doc.label, ref_hit.value.strip(),
                                                                  ref_doc.term_place(ref_hit))])


