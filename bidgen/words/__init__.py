"""Amounts in words: Chinese capitals (simplified and traditional) and English, both ways.

Writing::

    >>> amount_in_words(Decimal("676200"), "CNY", "zh_CN")
    '人民币陆拾柒万陆仟贰佰元整'
    >>> amount_in_words(Decimal("1004.50"), "USD", "en_US")
    'One thousand four US dollars and fifty cents'

Reading: :func:`parse_amount_words` is lenient (returns the value and every issue found),
:func:`words_to_decimal` is strict (raises :class:`bidgen.errors.WordsError` whose ``code`` names
the first rule broken).  The canonical forms and everything the readers accept are described in
:mod:`bidgen.words.zh`, :mod:`bidgen.words.zh_parse` and :mod:`bidgen.words.en`.
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, Decimal

from bidgen.errors import WordsError
from bidgen.locales import content_locale, currency_digits, format_amount
from bidgen.words.common import ISSUE_CODES, WARNING_CODES, ParsedWords, WordsIssue, raise_for_issues
from bidgen.words.en import en_amount_in_words, parse_en
from bidgen.words.names import en_currency, zh_currency_word
from bidgen.words.zh import zh_amount_in_words
from bidgen.words.zh_parse import parse_zh

__all__ = [
    "ISSUE_CODES",
    "WARNING_CODES",
    "ParsedWords",
    "WordsIssue",
    "amount_in_words",
    "currency_word",
    "format_money_text",
    "parse_amount_words",
    "words_to_decimal",
]

_CJK = re.compile(r"[\u3007\u3400-\u9fff\uff10-\uff19]")


def _script(locale: str | None) -> str:
    """'zh_CN', 'zh_TW' or 'en' for a client locale."""
    loc = content_locale(locale)
    return loc if loc in ("zh_CN", "zh_TW") else "en"


def amount_in_words(amount: Decimal, currency: str, locale: str) -> str:
    """``amount`` in words for ``locale``: rounded half up to the currency's minor unit first.

    zh_CN (and other simplified Chinese) → 人民币…; zh_TW, zh_HK, zh_Hant → traditional 人民幣/新臺幣…
    (參 for 3); anything else → English.  Raises TypeError for a float, ValueError for a
    negative amount (or one too large for Chinese capitals, ≥ 10^16).
    """
    script = _script(locale)
    if script == "en":
        return en_amount_in_words(amount, currency)
    return zh_amount_in_words(amount, currency, traditional=script == "zh_TW")


def currency_word(currency: str, locale: str) -> str:
    """The currency's name as written before/after the words: 人民币, 新臺幣, 美元, US dollars …"""
    script = _script(locale)
    if script == "en":
        return en_currency(currency, currency_digits(currency)).many
    return zh_currency_word(currency, traditional=script == "zh_TW")


def format_money_text(amount: Decimal, currency: str, locale: str | None) -> str:
    """Money as contract text writes it, unambiguous across borders.

    Chinese: ``人民币 676,200.00 元`` / ``新臺幣 1,000.00 元`` for yuan and NT dollars, ``美元 156,849.00``
    for currencies with a Chinese name (in the locale's script), ``1,000.00 CHF`` otherwise; other
    languages: ``USD 156,849.00``.
    """
    figures = format_amount(amount, currency, locale)
    code = currency.upper()
    loc = content_locale(locale)
    if loc.startswith("zh"):
        name = currency_word(code, loc)
        if code in ("CNY", "TWD"):
            return f"{name} {figures} 元"
        return f"{figures} {code}" if name.upper() == code else f"{name} {figures}"
    return f"{code} {figures}"


def _check_minor_unit(parsed: ParsedWords) -> ParsedWords:
    """Flag a minor part the currency does not have; give the amount the currency's places."""
    if parsed.currency is None:
        return parsed
    digits = currency_digits(parsed.currency)
    exp = Decimal(1).scaleb(-digits)
    if parsed.amount != parsed.amount.quantize(exp, rounding=ROUND_DOWN):
        parsed.issues.append(
            WordsIssue("malformed", f"{parsed.currency} has {digits} decimal place(s) but the words have more")
        )
    else:
        parsed.amount = parsed.amount.quantize(exp)
    return parsed


def parse_amount_words(text: str, locale: str | None = None) -> ParsedWords:
    """Read an amount in words (Chinese or English, detected from the text).

    Returns the value with every well-formedness issue found (see ``ISSUE_CODES``).  ``locale``
    only decides the reported script of a Chinese text whose characters are the same in both
    scripts.  Raises :class:`WordsError` (code ``malformed`` or ``forbidden_char``) when no value
    can be read at all.
    """
    if not isinstance(text, str):
        raise TypeError(f"amount words must be str, not {type(text).__name__}")
    stripped = text.strip()
    if _CJK.search(stripped):
        parsed = parse_zh(stripped, locale)
    elif re.search(r"[A-Za-z]", stripped):
        parsed = parse_en(stripped)
    elif re.search(r"\d", stripped):
        raise WordsError(f"amount in words {text!r}: figures, not words", code="forbidden_char")
    else:
        raise WordsError(f"amount in words {text!r}: no words to read", code="malformed")
    return _check_minor_unit(parsed)


def words_to_decimal(text: str, locale: str | None = None) -> Decimal:
    """Strict reading: the value, or WordsError(code=first issue) when ANY issue is found.

    ``mixed_script`` (a warning for :func:`parse_amount_words`) is an error here too.
    """
    parsed = parse_amount_words(text, locale)
    raise_for_issues(parsed, text)
    return parsed.amount
