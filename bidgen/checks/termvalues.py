"""Marked terms read back from documents: their type, their value and their meaning.

A term key names a fact (``total``, ``milestone.2.amount``, ``agreed.price`` …).  Its *kind*
decides how the text is read back: money and numbers in the document's locale format
(``676,200.00``), percentages (``30%``), whole days or months, dates (``2027年2月18日``,
``February 18, 2027``), amounts in words (parsed by the words parser) or plain text.

The memo restates the deal's facts under ``agreed.*`` keys; :func:`canonical` maps them onto
the fact they restate (``agreed.price`` → ``total``) so that documents can be compared.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Union

from ..errors import WordsError
from ..locales import format_amount, format_date, format_number, format_percent, normalize_locale
from ..words import parse_amount_words

__all__ = ["kind_of", "canonical", "parse_term", "render_value", "figure_key", "detect_locale", "detect_decimal",
           "parse_number", "parse_date", "TermValue"]

TermValue = Union[Decimal, int, dt.date, str]

_ALIASES = {"agreed.price": "total", "agreed.price_words": "total_words"}
_NUMBER = re.compile(r"[-+]?\d[\d,.\u00a0\u202f']*")
_ZH_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_KO_DATE = re.compile(r"(\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일")
_CJK = re.compile(r"[\u3400-\u9fff]")
_TRAD = set("這個們說與為國際會議實際數據費報價書萬貳陸臺幣億圓參務開標區號體擔標準確認總額應")
_SIMP = set("这个们说与为国际会议实际数据费报价书万贰陆台币亿圆叁务开标区号体担标准确认总额应")


def canonical(key: str) -> str:
    """The fact a term key states: ``agreed.price`` → ``total``, ``agreed.milestone.1.amount`` →
    ``milestone.1.amount``, other keys unchanged."""
    if key in _ALIASES:
        return _ALIASES[key]
    return key[len("agreed."):] if key.startswith("agreed.") else key


def kind_of(key: str) -> str:
    """``money``, ``words``, ``percent``, ``count``, ``date`` or ``text`` for a term key."""
    key = canonical(key)
    last = key.rsplit(".", 1)[-1]
    if last.endswith("_words"):
        return "words"
    if last in ("total", "amount", "price", "bid_bond", "subtotal", "tax") or last.endswith(("_price", "_amount")):
        return "money"
    if last == "percent" or last.endswith("_percent"):
        return "percent"
    if last.endswith(("_days", "_months", "_hours")):
        return "count"
    if last.endswith(("_until", "_date")) or last == "date":
        return "date"
    return "text"


def figure_key(words_key: str) -> str | None:
    """The figures term of a words term: ``total_words`` → ``total``, ``agreed.price_words`` →
    ``agreed.price``; None for a key that is not a words term."""
    if not words_key.endswith("_words"):
        return None
    return words_key[: -len("_words")]


def detect_locale(text: str, fallback: str = "en_US") -> str:
    """zh_CN, zh_TW or ``fallback`` for a document's text (by its distinctive characters)."""
    if not _CJK.search(text):
        return fallback if not fallback.startswith("zh") else "en_US"
    trad = sum(1 for c in text if c in _TRAD)
    simp = sum(1 for c in text if c in _SIMP)
    return "zh_TW" if trad > simp else "zh_CN"


def _decimal_symbol(locale: str) -> str:
    from babel.numbers import get_decimal_symbol

    return str(get_decimal_symbol(normalize_locale(locale)))


def detect_decimal(amounts: list[str], locale: str) -> str:
    """The decimal mark a document's amounts use: ``,`` when they read ``156.849,00``, else the locale's."""
    comma = sum(1 for a in amounts if re.search(r"\d,\d{1,2}\s*$", a.strip()) and not re.search(r"\.\d{1,2}\s*$", a))
    point = sum(1 for a in amounts if re.search(r"\d\.\d{1,2}\s*$", a.strip()))
    if comma > point:
        return ","
    if point > comma:
        return "."
    return _decimal_symbol(locale)


def parse_number(text: str, locale: str, decimal: str | None = None) -> Decimal | None:
    """The one number in ``text`` (``676,200.00``, ``¥676,200.00``, ``30%``), or None.

    ``decimal`` is the decimal mark (default: the locale's).
    """
    found = [m.group(0).strip() for m in _NUMBER.finditer(text)]
    if len(found) != 1:
        return None
    raw = found[0].rstrip(",. ")
    dec = decimal or _decimal_symbol(locale)
    group = "." if dec == "," else ","
    cleaned = re.sub(r"[\u00a0\u202f']", "", raw).replace(group, "")
    if dec == ",":
        cleaned = cleaned.replace(",", ".")
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


_MONTH_LOCALES = ("en", "de", "fr", "es", "it", "pt", "nl", "sv", "da", "nb", "fi", "pl", "ru", "tr", "id", "vi")


@lru_cache(maxsize=1)
def _month_names() -> dict[str, int]:
    """Month name (any case, wide and abbreviated, format and stand-alone) → month number."""
    from babel import Locale

    names: dict[str, int] = {}
    for code in _MONTH_LOCALES:
        loc = Locale.parse(code)
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in loc.months[context][width].items():
                    names.setdefault(name.lower().rstrip("."), number)
    return names


def _named_month_date(text: str) -> dt.date | None:
    """``17. Januar 2027``, ``17 janvier 2027``, ``January 17, 2027``: a month name, a day, a year."""
    year = re.search(r"\b(\d{4})\b", text)
    words = [w.lower().rstrip(".") for w in re.findall(r"[^\W\d_]+\.?", text)]
    month = next((_month_names()[w] for w in words if w in _month_names()), None)
    rest = re.sub(r"\b\d{4}\b", "", text)
    days = re.findall(r"\b(\d{1,2})\b", rest)
    if year is None or month is None or len(days) != 1:
        return None
    return dt.date(int(year.group(1)), month, int(days[0]))


def parse_date(text: str) -> dt.date | None:
    """A date as the templates print it: ``2027年2月18日``, ``February 18, 2027``, ``17. Januar 2027``,
    ``2027-02-18``; None when it cannot be read."""
    text = text.strip()
    m = _ZH_DATE.search(text) or _KO_DATE.search(text)
    try:
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        iso = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text)
        if iso:
            return dt.date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        return _named_month_date(text)
    except ValueError:
        return None


def parse_term(key: str, text: str, locale: str, decimal: str | None = None) -> TermValue | None:
    """The typed value of a term's text, or None when the text cannot be read as its kind.

    Words are returned as the Decimal they say (their well-formedness is checked elsewhere).
    """
    kind = kind_of(key)
    if not text.strip():
        return None
    if kind == "words":
        try:
            return parse_amount_words(text, locale).amount
        except WordsError:
            return None
    if kind in ("money", "percent"):
        return parse_number(text, locale, decimal)
    if kind == "count":
        number = parse_number(text, locale, decimal)
        return int(number) if number is not None and number == number.to_integral_value() else None
    if kind == "date":
        # a long date in a locale other than zh/en is kept as text and compared as printed
        return parse_date(text) or " ".join(text.split())
    return " ".join(text.split())


def render_value(key: str, value: TermValue, currency: str, locale: str) -> str:
    """A value as a document in ``locale`` prints it (for messages)."""
    kind = kind_of(key)
    if kind in ("money", "words") and isinstance(value, Decimal):
        return format_amount(value, currency, locale)
    if kind == "percent" and isinstance(value, Decimal):
        return str(format_percent(value, locale))
    if isinstance(value, dt.date):
        return str(format_date(value, locale))
    if isinstance(value, (int, Decimal)):
        return str(format_number(value, locale))
    return str(value)
