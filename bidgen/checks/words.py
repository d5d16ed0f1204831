"""Amounts in words: they equal their figures and are well formed (zh_CN, zh_TW, en).

The words are read with :func:`bidgen.words.parse_amount_words`, which names every rule of
the central bank's bill-writing rules a text breaks; each issue is named in the finding
(``missing_zero``: a mandatory 零 is missing, …).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Sequence

from ..errors import WordsError
from ..locales import content_locale
from ..words import amount_in_words, parse_amount_words
from ..words.common import WordsIssue
from .context import Inputs, money, value
from .findings import Place
from .registry import ERROR, WARNING, Collector, rule

MATCH = rule("WORDS-MATCH", "words", ERROR, "The amount in words equals the amount in figures.")
FORM = rule(
    "WORDS-FORM", "words", ERROR,
    "The amount in words is well formed (零, 整, 壹拾, no forbidden characters), each problem named.",
)
SCRIPT = rule(
    "WORDS-SCRIPT", "words", WARNING,
    "The words use one script, the document's (simplified for zh_CN, traditional for zh_TW).",
)
CURRENCY = rule("WORDS-CURRENCY", "words", ERROR, "The currency named in the words is the deal's currency.")

#: Plain words for each issue code of the words parser.
ISSUE_WORDS = {
    "missing_zero": "a mandatory 零 is missing",
    "double_zero": "零 is written twice in a row (a run of zeros takes one 零)",
    "zheng_after_fen": "整 is written after 分 (never allowed)",
    "missing_zheng": "整 is missing after 元 (a whole amount ends in 元整)",
    "shi_without_yi": "a leading ten is written 拾 instead of 壹拾",
    "forbidden_char": "it uses a forbidden character (一二三…十百千, 两, 毛, 另, figures or 〇)",
    "mixed_script": "simplified and traditional characters are mixed",
    "malformed": "it is malformed",
}


def check(inp: Inputs, out: Collector) -> None:
    """The deal's total in words (as every document will print it) against its total."""
    if inp.deal is None or inp.pricing is None:
        return
    words = amount_in_words(inp.pricing.total, inp.deal.currency, inp.deal.locale)
    check_words(
        words, inp.pricing.total, inp.deal.currency, inp.deal.locale, "deal's total in words",
        inp.deal_src.at("items"), out,
    )


#: What a words/figures mismatch costs, in a bid and elsewhere.
BID_CONSEQUENCE = "evaluators take the words and correct the bid"
DOC_CONSEQUENCE = "the client reads two different amounts; the words usually prevail"

_FORBIDDEN = re.compile(r"'(.)' is not allowed")


def describe_issues(issues: Sequence[WordsIssue]) -> str:
    """The problems of an amount in words in plain words, one phrase per kind of problem.

    Forbidden characters are listed together (``'六', '十'``) rather than one phrase each; each
    phrase ends with its issue code (``[missing_zheng]``) for tools and tests.
    """
    phrases: list[str] = []
    by_code: dict[str, list[str]] = {}
    for issue in issues:
        by_code.setdefault(issue.code, [])
        if issue.message not in by_code[issue.code]:
            by_code[issue.code].append(issue.message)
    for code, messages in by_code.items():
        if code == "forbidden_char":
            chars = [m.group(1) for m in map(_FORBIDDEN.search, messages) if m]
            others = [msg for msg in messages if not _FORBIDDEN.search(msg)]
            parts = []
            if chars:
                listed = ", ".join(f"'{c}'" for c in chars)
                parts.append(f"it uses {listed}, not allowed in capital amounts (write 壹贰叁…拾佰仟, 零 for zero)")
            parts.extend(others)
            phrases.append("; ".join(parts) + f" [{code}]")
        else:
            plain = ISSUE_WORDS.get(code, code)
            extra = [m for m in messages if m and m.lower() not in plain.lower() and plain.lower() not in m.lower()]
            phrases.append(plain + (f" ({'; '.join(extra)})" if extra and code == "malformed" else "") + f" [{code}]")
    return "; ".join(phrases)


def _script_of(locale: str) -> str:
    loc = content_locale(locale)
    return loc if loc in ("zh_CN", "zh_TW") else "en"


def check_words(
    text: str, figures: Decimal | None, currency: str, locale: str, label: str, where: Place, out: Collector,
    figures_where: Place | None = None, consequence: str = BID_CONSEQUENCE,
) -> Decimal | None:
    """Check one amount in words against its figures; return the value read (None if unreadable)."""
    try:
        parsed = parse_amount_words(text, locale)
    except WordsError as exc:
        out.add(FORM, f"The {label} '{text}' cannot be read as an amount: {exc.message} ({exc.code}).", where,
                [value(label, repr(text), where)])
        return None
    problems = [i for i in parsed.issues if i.code != "mixed_script"]
    if problems:
        out.add(FORM, f"The {label} '{text}' is not written by the rules: {describe_issues(problems)}.", where,
                [value(label, text, where)])
    _script(parsed.script, [i.code for i in parsed.issues], text, locale, label, where, out)
    if parsed.currency is not None and parsed.currency != currency.upper():
        out.add(CURRENCY, f"The {label} '{text}' names {parsed.currency}, but the amount is in {currency}.",
                where, [value(label, parsed.currency, where), value("deal", currency)])
    if figures is not None and parsed.amount != figures:
        out.add(MATCH, (
            f"The {label} '{text}' says {money(parsed.amount, currency)}, but the amount in figures is "
            f"{money(figures, currency)}: {consequence}."
        ), where, [value("words", money(parsed.amount, currency), where),
                   value("figures", money(figures, currency), figures_where)])
    return parsed.amount


def _script(script: str, codes: list[str], text: str, locale: str, label: str, where: Place, out: Collector) -> None:
    wanted = _script_of(locale)
    if "mixed_script" in codes:
        out.add(SCRIPT, f"The {label} '{text}' mixes simplified and traditional characters.", where,
                [value(label, text, where)])
    elif script != wanted and "en" not in (script, wanted):
        name = {"zh_CN": "simplified", "zh_TW": "traditional"}
        out.add(SCRIPT, (
            f"The {label} '{text}' is written in {name[script]} characters, but the document is in "
            f"{name[wanted]} Chinese ({locale})."
        ), where, [value(label, name[script], where), value("document", name[wanted])])
