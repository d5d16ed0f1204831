"""Locale-aware formatting of numbers, money, percentages and dates, through babel.

Every function takes the *client* locale.  A document's texts come from the supported locale
nearest to it (:func:`content_locale`: ``zh_HK`` → zh_TW texts, ``fr_FR`` → en_US texts), while its
numbers, currency amounts and dates are formatted in the locale itself (:func:`formatting_locale`:
``fr_FR`` writes ``156 849,00`` and ``17 janvier 2027`` in English sentences).  A locale babel does
not know is a user error with a did-you-mean (:func:`require_locale`); the formatting helpers
below still fall back to ``en_US`` for one, so that reading a document never fails on it.

Money is always quantized to the currency's minor unit (ROUND_HALF_UP) before formatting,
so what a client reads is exactly what the pricing computed.
"""

from __future__ import annotations

import datetime as _dt
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from babel import Locale
    from babel.numbers import NumberPattern

#: Locales that have built-in templates and library texts.
SUPPORTED = ("zh_CN", "zh_TW", "en_US")

_ALIASES = {
    "zh": "zh_CN",
    "zh_hans": "zh_CN",
    "zh_hans_cn": "zh_CN",
    "zh_sg": "zh_CN",
    "zh_hant": "zh_TW",
    "zh_hant_tw": "zh_TW",
    "zh_hk": "zh_TW",
    "zh_mo": "zh_TW",
    "en": "en_US",
}


@lru_cache(maxsize=64)
def normalize_locale(locale: str | None) -> str:
    """Return a babel-parseable locale identifier (``zh-CN`` → ``zh_CN``), falling back to en_US."""
    from babel import Locale, UnknownLocaleError

    if not locale:
        return "en_US"
    key = str(locale).strip().replace("-", "_")
    alias = _ALIASES.get(key.lower())
    if alias:
        return alias
    try:
        parsed = Locale.parse(key)
    except (ValueError, UnknownLocaleError, TypeError):
        return "en_US"
    if parsed.language == "zh":  # zh_Hans_CN → zh_CN, zh_Hant_TW → zh_TW (the names templates use)
        if parsed.territory in ("CN", "TW") and parsed.script in (None, "Hans" if parsed.territory == "CN" else "Hant"):
            return f"zh_{parsed.territory}"
    return str(parsed)


@lru_cache(maxsize=1)
def _known_locales() -> tuple[str, ...]:
    from babel.localedata import locale_identifiers

    return tuple(sorted(locale_identifiers()))


def suggest_locale(text: str) -> str | None:
    """The known locale closest to ``text`` (``fr_FX`` → ``fr_FR``, ``en_EN`` → ``en_US``), or None."""
    import difflib

    key = str(text).strip().replace("-", "_")
    known = _known_locales()
    lower = {k.lower(): k for k in known}
    if key.lower() in lower:
        return lower[key.lower()]
    lang, _, territory = key.partition("_")
    same_language = [k for k in known if k.split("_")[0].lower() == lang.lower() and k.count("_") == 1]
    if same_language:  # a known language with a territory it has no locale for: its usual locale
        usual = {"en": "en_US", "zh": "zh_CN", "fr": "fr_FR", "de": "de_DE", "es": "es_ES", "pt": "pt_BR",
                 "ar": "ar_SA", "ja": "ja_JP", "ko": "ko_KR", "it": "it_IT", "nl": "nl_NL", "ru": "ru_RU"}
        own = f"{lang.lower()}_{lang.upper()}"  # de_DE, fr_FR, it_IT
        return usual.get(lang.lower()) or (own if own in known else same_language[0])
    close = difflib.get_close_matches(key, [k for k in known if "_" in k], n=1, cutoff=0.6)
    if close:
        return close[0]
    by_territory = [k for k in known if territory and k.endswith("_" + territory.upper()) and k.count("_") == 1]
    return by_territory[0] if by_territory else None


def locale_problem(text: str | None) -> str | None:
    """Why ``text`` is not a locale bidgen can write documents in (None when it is)."""
    from babel import Locale, UnknownLocaleError

    key = str(text or "").strip().replace("-", "_")
    if not key:
        return "no locale given (e.g. zh_CN, zh_TW, en_US, fr_FR)"
    if key.lower() in _ALIASES:
        return None
    try:
        Locale.parse(key)
        return None
    except (ValueError, UnknownLocaleError, TypeError):
        pass
    guess = suggest_locale(key)
    hint = f"did you mean {guess}?" if guess else "e.g. zh_CN, zh_TW, en_US, fr_FR"
    return f"unknown locale {text!r}: {hint}"


def require_locale(text: str | None, *, field: str = "locale", file: str | None = None) -> str:
    """``text`` normalised (``zh-TW`` → ``zh_TW``), or an :class:`InputError` with a did-you-mean."""
    from .errors import InputError

    problem = locale_problem(text)
    if problem is not None:
        raise InputError(problem, field=field, file=file)
    return normalize_locale(text)


def formatting_locale(requested: str | None) -> str:
    """The locale that formats a document's numbers, amounts and dates: the requested one itself, so
    that ``fr_FR`` reads ``156 849,00`` and ``17 janvier 2027`` (in the nearest texts, English)."""
    return normalize_locale(requested)


@lru_cache(maxsize=64)
def content_locale(locale: str | None) -> str:
    """The supported locale whose templates and texts serve ``locale``.

    Chinese in Traditional script (TW, HK, MO, Hant) → zh_TW; other Chinese → zh_CN;
    everything else → en_US.
    """
    loc = normalize_locale(locale)
    if loc in SUPPORTED:
        return loc
    low = loc.lower()
    if low.startswith("zh"):
        if "hant" in low or low.endswith(("_tw", "_hk", "_mo")):
            return "zh_TW"
        return "zh_CN"
    return "en_US"


def is_chinese(locale: str | None) -> bool:
    return content_locale(locale).startswith("zh")


#: Currencies written in whole units although CLDR gives them a minor unit: the New Taiwan dollar is
#: quoted, invoiced and contracted in whole dollars (CLDR's own cash digits for TWD are 0).  Unit
#: prices keep the decimals a deal writes (shown as written); every computed amount is rounded half up
#: to the whole dollar.
WHOLE_UNITS = {"TWD": 0}


@lru_cache(maxsize=64)
def currency_digits(currency: str) -> int:
    """Minor-unit digits of a currency (CNY 2, JPY 0, TWD 0 …): babel's CLDR data, except
    :data:`WHOLE_UNITS`."""
    from babel.numbers import get_currency_precision

    code = currency.upper()
    if code in WHOLE_UNITS:
        return WHOLE_UNITS[code]
    return int(get_currency_precision(code))


def quantize_money(amount: Decimal, currency: str) -> Decimal:
    """Round ``amount`` to the currency's minor unit, half up."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"money must be Decimal, not {type(amount).__name__}")
    return amount.quantize(_minor_unit(currency), rounding=ROUND_HALF_UP)


@lru_cache(maxsize=64)
def _minor_unit(currency: str) -> Decimal:
    """The currency's minor unit as a quantum: ``Decimal('0.01')`` for CNY, ``Decimal('1')`` for JPY."""
    return Decimal(1).scaleb(-currency_digits(currency))


def _num_pattern(digits: int) -> str:
    return "#,##0" + ("." + "0" * digits if digits else "")


@lru_cache(maxsize=64)
def babel_locale(locale: str | None) -> "Locale":
    """The parsed babel ``Locale`` of a (normalised) locale, parsed once per process.

    babel re-parses a locale given as text on every call (some 180 times per deal); every
    formatting helper here passes this object instead.
    """
    from babel import Locale

    return Locale.parse(normalize_locale(locale))


@lru_cache(maxsize=256)
def _pattern(kind: str, loc: str, spec: str | None) -> "NumberPattern":
    """A parsed babel number pattern: ``kind`` decimal or percent, ``spec`` the pattern text or None
    for the locale's own."""
    from babel.numbers import parse_pattern

    if spec is not None:
        return parse_pattern(spec)
    formats = babel_locale(loc).decimal_formats if kind == "decimal" else babel_locale(loc).percent_formats
    return parse_pattern(formats[None])


@lru_cache(maxsize=16384)
def _format_number(text: str, loc: str, digits: int | None) -> str:
    value = Decimal(text)
    if digits is None:
        return _pattern("decimal", loc, None).apply(value, babel_locale(loc), decimal_quantization=False,
                                                   group_separator=True, numbering_system="latn")
    return _pattern("decimal", loc, _num_pattern(digits)).apply(
        value, babel_locale(loc), decimal_quantization=True, group_separator=True, numbering_system="latn")


def format_number(amount: Decimal | int, locale: str | None, digits: int | None = None) -> str:
    """Group and format a number; ``digits`` fixes the decimals (None: as many as it has).

    Exactly babel's ``format_decimal``, with the locale and pattern parsed once and each
    (number as written, locale, digits) formatted once per process: a deal's figures recur in
    all its documents.
    """
    # the key is the number's exact text: Decimal('1.0') and Decimal('1') are equal but print apart
    return _format_number(str(Decimal(amount)), normalize_locale(locale), digits)


def format_amount(amount: Decimal, currency: str, locale: str | None) -> str:
    """Money without a currency sign, at the currency's precision: ``676,200.00``."""
    q = quantize_money(amount, currency)
    return format_number(q, locale, currency_digits(currency))


def format_money(amount: Decimal, currency: str, locale: str | None) -> str:
    """Money with the currency sign of the locale: ``¥676,200.00``, ``$156,849.00``."""
    from babel.numbers import format_currency

    q = quantize_money(amount, currency)
    code = currency.upper()
    if code not in WHOLE_UNITS:
        return format_currency(q, code, locale=babel_locale(locale))
    from babel import Locale

    loc = babel_locale(locale)
    pattern = Locale.parse(loc).currency_formats["standard"].pattern.split(";")[0]
    pattern = pattern.replace("#,##0.00", "#,##0")
    text = format_currency(q, code, format=pattern, locale=loc, currency_digits=False)
    # the New Taiwan dollar's sign is written NT$ (zh_TW's CLDR symbol is a bare "$")
    return text if "NT$" in text else text.replace("$", "NT$", 1)


def format_percent(value: Decimal | int, locale: str | None) -> str:
    """A percentage given in percent units (``30`` → ``30%``, ``0.05`` → ``0.05%``)."""
    # formatted once per (number as written, locale) and process, as format_number
    return _format_percent(str(Decimal(value)), normalize_locale(locale))


@lru_cache(maxsize=4096)
def _format_percent(text: str, loc: str) -> str:
    frac = Decimal(text) / Decimal(100)
    return _pattern("percent", loc, _percent_pattern(loc)).apply(
        frac, babel_locale(loc), decimal_quantization=False, group_separator=True, numbering_system="latn")


@lru_cache(maxsize=64)
def _percent_pattern(locale: str) -> str:
    """The locale's own percent pattern (``#,##0 %`` in fr, ``%#,##0`` in tr) with up to three decimals."""
    from babel import Locale

    try:
        pattern = Locale.parse(locale).percent_formats[None].pattern
    except Exception:  # noqa: BLE001 - a locale without percent data: the plain pattern
        return "#,##0.###%"
    pattern = pattern.split(";")[0]
    return pattern.replace("#,##0", "#,##0.###", 1) if "#,##0" in pattern else "#,##0.###%"


def format_date(value: _dt.date, locale: str | None) -> str:
    """A long date: ``2026年11月20日`` (zh), ``November 20, 2026`` (en_US)."""
    return _format_date(value, normalize_locale(locale))


@lru_cache(maxsize=4096)
def _format_date(value: _dt.date, loc: str) -> str:
    from babel.dates import format_date as _fd

    return _fd(value, format="long", locale=babel_locale(loc))


def format_date_short(value: _dt.date) -> str:
    """ISO date, for tables and file names."""
    return value.isoformat()
