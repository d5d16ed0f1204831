"""Locale formatting through babel: numbers, money, percent, dates, and fallbacks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from bidgen.locales import (
    content_locale,
    currency_digits,
    format_amount,
    format_date,
    format_money,
    format_number,
    format_percent,
    normalize_locale,
    quantize_money,
)

D = dt.date(2026, 11, 20)


@pytest.mark.parametrize("locale, expected", [
    ("zh_CN", "2026年11月20日"),
    ("zh_TW", "2026年11月20日"),
    ("en_US", "November 20, 2026"),
    ("en_GB", "20 November 2026"),
    ("de_DE", "20. November 2026"),
])
def test_dates(locale, expected):
    assert format_date(D, locale) == expected


@pytest.mark.parametrize("locale, currency, amount, expected", [
    ("zh_CN", "CNY", "676200", "¥676,200.00"),
    ("en_US", "USD", "156849", "$156,849.00"),
    ("en_US", "JPY", "1234.5", "¥1,235"),  # JPY has no minor unit: rounded half up
    ("de_DE", "EUR", "1234.5", "1.234,50\xa0€"),
    ("zh_TW", "TWD", "1000.5", "NT$1,001"),  # whole New Taiwan dollars, NT$ (not a bare $)
    ("en_US", "TWD", "1000", "NT$1,000"),
])
def test_money_with_sign(locale, currency, amount, expected):
    assert format_money(Decimal(amount), currency, locale) == expected


@pytest.mark.parametrize("amount, currency, expected", [
    ("1.005", "CNY", "1.01"),  # half up, never banker's rounding
    ("2.675", "USD", "2.68"),
    ("0.5", "JPY", "1"),
    ("676200", "CNY", "676,200.00"),
])
def test_amounts_round_half_up_to_the_minor_unit(amount, currency, expected):
    assert format_amount(Decimal(amount), currency, "en_US") == expected


def test_quantize_refuses_float():
    with pytest.raises(TypeError):
        quantize_money(1.005, "CNY")  # type: ignore[arg-type]


@pytest.mark.parametrize("value, locale, expected", [
    (30, "zh_CN", "30%"),
    (Decimal("0.05"), "zh_CN", "0.05%"),
    (Decimal("12.5"), "en_US", "12.5%"),
    (Decimal("5"), "de_DE", "5\xa0%"),
])
def test_percent_in_percent_units(value, locale, expected):
    assert format_percent(value, locale) == expected


def test_numbers():
    assert format_number(Decimal("1200"), "en_US") == "1,200"
    assert format_number(Decimal("1200.5"), "de_DE", 2) == "1.200,50"


@pytest.mark.parametrize("given, normal, content", [
    ("zh-CN", "zh_CN", "zh_CN"),
    ("zh_HK", "zh_TW", "zh_TW"),
    ("zh_Hant", "zh_TW", "zh_TW"),
    ("zh", "zh_CN", "zh_CN"),
    ("en", "en_US", "en_US"),
    ("fr_FR", "fr_FR", "en_US"),
    ("xx_YY", "en_US", "en_US"),
    ("", "en_US", "en_US"),
])
def test_fallbacks(given, normal, content):
    assert normalize_locale(given) == normal
    assert content_locale(given) == content


def test_currency_digits():
    assert (currency_digits("CNY"), currency_digits("JPY"), currency_digits("KWD")) == (2, 0, 3)


@pytest.mark.parametrize("amount, currency, locale, expected", [
    ("676200", "CNY", "zh_CN", "人民币 676,200.00 元"),
    ("676200", "CNY", "zh_TW", "人民幣 676,200.00 元"),
    ("1000", "TWD", "zh_TW", "新臺幣 1,000 元"),
    ("1000.49", "TWD", "zh_TW", "新臺幣 1,000 元"),
    ("156849", "USD", "zh_CN", "美元 156,849.00"),
    ("156849", "USD", "en_US", "USD 156,849.00"),
    ("1234.5", "JPY", "en_US", "JPY 1,235"),
])
def test_money_in_contract_text(amount, currency, locale, expected):
    from bidgen.words import format_money_text

    assert format_money_text(Decimal(amount), currency, locale) == expected
