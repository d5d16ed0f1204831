"""Locale-aware formatting of numbers, money, percentages and dates, through babel.

Every function takes the *client* locale.  Unknown or unsupported locales fall back
sensibly (``zh`` → ``zh_CN``, ``zh_HK``/``zh_Hant`` → ``zh_TW``, ``en`` → ``en_US``, anything
babel cannot parse → ``en_US``), so a deal in any locale still renders.

Money is always quantized to the currency's minor unit (ROUND_HALF_UP) before formatting,
so what a client reads is exactly what the pricing computed.
"""

from __future__ import annotations

import datetime as _dt
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

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


@lru_cache(maxsize=64)
def currency_digits(currency: str) -> int:
    """Minor-unit digits of a currency (CNY 2, JPY 0, …) from babel's CLDR data."""
    from babel.numbers import get_currency_precision

    return int(get_currency_precision(currency.upper()))


def quantize_money(amount: Decimal, currency: str) -> Decimal:
    """Round ``amount`` to the currency's minor unit, half up."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"money must be Decimal, not {type(amount).__name__}")
    exp = Decimal(1).scaleb(-currency_digits(currency))
    return amount.quantize(exp, rounding=ROUND_HALF_UP)


def _num_pattern(digits: int) -> str:
    return "#,##0" + ("." + "0" * digits if digits else "")


def format_number(amount: Decimal | int, locale: str | None, digits: int | None = None) -> str:
    """Group and format a number; ``digits`` fixes the decimals (None: as many as it has)."""
    from babel.numbers import format_decimal

    loc = normalize_locale(locale)
    value = Decimal(amount)
    if digits is None:
        return format_decimal(value, locale=loc, decimal_quantization=False)
    return format_decimal(value, format=_num_pattern(digits), locale=loc, decimal_quantization=True)


def format_amount(amount: Decimal, currency: str, locale: str | None) -> str:
    """Money without a currency sign, at the currency's precision: ``676,200.00``."""
    q = quantize_money(amount, currency)
    return format_number(q, locale, currency_digits(currency))


def format_money(amount: Decimal, currency: str, locale: str | None) -> str:
    """Money with the currency sign of the locale: ``¥676,200.00``, ``$156,849.00``."""
    from babel.numbers import format_currency

    q = quantize_money(amount, currency)
    return format_currency(q, currency.upper(), locale=normalize_locale(locale))


def format_percent(value: Decimal | int, locale: str | None) -> str:
    """A percentage given in percent units (``30`` → ``30%``, ``0.05`` → ``0.05%``)."""
    from babel.numbers import format_percent as _fp

    frac = Decimal(value) / Decimal(100)
    return _fp(frac, format="#,##0.###%", locale=normalize_locale(locale), decimal_quantization=False)


def format_date(value: _dt.date, locale: str | None) -> str:
    """A long date: ``2026年11月20日`` (zh), ``November 20, 2026`` (en_US)."""
    from babel.dates import format_date as _fd

    return _fd(value, format="long", locale=normalize_locale(locale))


def format_date_short(value: _dt.date) -> str:
    """ISO date, for tables and file names."""
    return value.isoformat()
