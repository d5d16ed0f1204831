"""Amounts in words in a rendered document, each checked against *its own* figures.

A document may state a total several times (the tender letter, the price summary, the
itemized schedule), each time as figures next to words.  Every words term is paired with the
figures that stand beside it, so that one figure changed by hand is reported once, where it
was changed, and not as "wrong words" wherever the same amount is written again:

1. marked figures in the same paragraph or table cell;
2. marked figures with the same mark number (``bg_total_2`` for ``bg_total_words_2``: the
   templates number the figures and words of one statement alike);
3. when the figures' mark was deleted while editing: the one amount written in the same
   paragraph or cell, or in the cell just above (a "in figures" row over an "in words" row);
4. else the document's first marked figures.
"""

from __future__ import annotations

import re
from decimal import Decimal

from bidgen.docx.readback import TermHit
from . import words
from .doc import Doc
from .findings import Place
from .registry import Collector
from .termvalues import figure_key, parse_number


__all__ = ["check_document_words", "paired_figures"]

_MARK_NO = re.compile(r"_(\d+)$")
_CELL = re.compile(r"^table (\d+), row (\d+), cell (\d+)$")
_PARAGRAPH = re.compile(r"^paragraph (\d+)$")
_AMOUNT = {
    ".": re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})*\.\d{2}(?![\d.,])|(?<![\d.,])\d+\.\d{2}(?![\d.,])"),
    ",": re.compile(r"(?<![\d.,])\d{1,3}(?:\.\d{3})*,\d{2}(?![\d.,])|(?<![\d.,])\d+,\d{2}(?![\d.,])"),
}


def _mark_number(hit: TermHit) -> str | None:
    m = _MARK_NO.search(hit.name or "")
    return m.group(1) if m else None


def _marked(doc: Doc, key: str) -> list[tuple[TermHit, Decimal]]:
    found = []
    for hit in doc.text.terms.get(key, []):
        got = doc.value(hit)
        if isinstance(got, Decimal):
            found.append((hit, got))
    return found


def _text_at(doc: Doc, where: str) -> str | None:
    """The text of a body paragraph or table cell named like ``paragraph 19`` / ``table 2, row 4, cell 2``."""
    t = doc.text
    m = _PARAGRAPH.match(where)
    if m:
        i = int(m.group(1)) - 1
        return t.paragraphs[i] if 0 <= i < len(t.paragraphs) else None
    m = _CELL.match(where)
    if m:
        ti, ri, ci = (int(g) - 1 for g in m.groups())
        try:
            return t.tables[ti][ri][ci]
        except IndexError:
            return None
    return None


def _cell_above(where: str) -> str | None:
    m = _CELL.match(where)
    if m is None or int(m.group(2)) < 2:
        return None
    return f"table {m.group(1)}, row {int(m.group(2)) - 1}, cell {m.group(3)}"


def _written_amount(doc: Doc, where: str, words_text: str) -> Decimal | None:
    """The one amount in figures written (unmarked) at ``where``, the words left out."""
    text = _text_at(doc, where)
    if text is None:
        return None
    text = text.replace(words_text.strip(), " ") if words_text.strip() else text
    found = _AMOUNT.get(doc.decimal, _AMOUNT["."]).findall(text)
    if len(set(found)) != 1:
        return None
    return parse_number(found[0], doc.locale, doc.decimal)


def paired_figures(doc: Doc, words_hit: TermHit) -> tuple[Decimal, Place] | None:
    """The figures a words term states in words, and where they stand (None when there are none)."""
    fkey = figure_key(words_hit.key)
    if fkey is None:
        return None
    marked = _marked(doc, fkey)
    same_part = [(h, v) for h, v in marked if h.part == words_hit.part]
    for h, v in same_part:
        if h.where == words_hit.where:
            return v, doc.term_place(h)
    number = _mark_number(words_hit)
    for h, v in same_part:
        if number is not None and _mark_number(h) == number:
            return v, doc.term_place(h)
    if words_hit.part.endswith("document.xml"):
        for place in (words_hit.where, _cell_above(words_hit.where)):
            if place is None or any(h.where == place for h, _ in marked):
                continue
            amount = _written_amount(doc, place, words_hit.value if place == words_hit.where else "")
            if amount is not None:
                return amount, doc.at(f"{place} (figures not marked)")
    if marked:
        return marked[0][1], doc.term_place(marked[0][0])
    return None


def check_document_words(doc: Doc, currency: str, out: Collector) -> None:
    """Each amount in words of ``doc`` against the figures beside it (``WORDS-*`` rules)."""
    for key, hits in doc.text.terms.items():
        fkey = figure_key(key)
        if fkey is None:
            continue
        for hit in hits:
            if not hit.value.strip():
                continue
            pair = paired_figures(doc, hit)
            figures, where = pair if pair is not None else (None, None)
            consequence = words.BID_CONSEQUENCE if doc.kind == "bid" else words.DOC_CONSEQUENCE
            words.check_words(hit.value, figures, currency, doc.locale, f"{_label(fkey)} in words in {doc.label}",
                              doc.term_place(hit), out, where, consequence)


def _label(key: str) -> str:
    """``total`` → ``total``, ``agreed.price`` → ``agreed price``, ``bid_bond`` → ``bid bond``."""
    return key.replace("agreed.", "agreed ").replace("_", " ").replace(".", " ")
