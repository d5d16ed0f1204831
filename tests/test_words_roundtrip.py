"""Round trips: random amounts through words and back, and variants of canonical texts."""

from __future__ import annotations

import random
import re
from decimal import Decimal

import pytest

from bidgen.locales import quantize_money
from bidgen.words import amount_in_words, parse_amount_words, words_to_decimal

N = 10_000


def _random_amounts(seed: int, max_digits: int) -> list[Decimal]:
    """Amounts of every magnitude, many with zeros inside, some with a third decimal."""
    rng = random.Random(seed)
    out: list[Decimal] = []
    for _ in range(N):
        digits = rng.randint(1, max_digits)
        chars = [rng.choice("0000123456789") for _ in range(digits)]
        cents = int("".join(chars))
        places = rng.choice((2, 2, 2, 3))
        if places == 3:
            cents = cents * 10 + rng.randint(0, 9)
        out.append(Decimal(cents).scaleb(-places))
    return out


@pytest.mark.parametrize(
    "locale,currency,max_digits,seed",
    [("zh_CN", "CNY", 18, 1), ("zh_TW", "TWD", 18, 2), ("en_US", "USD", 20, 3)],
)
def test_round_trip(locale: str, currency: str, max_digits: int, seed: int) -> None:
    for amount in _random_amounts(seed, max_digits):
        words = amount_in_words(amount, currency, locale)
        parsed = parse_amount_words(words, locale)
        assert parsed.issues == [], words
        assert parsed.currency == currency
        assert parsed.amount == quantize_money(amount, currency), (amount, words)


def test_round_trip_jpy() -> None:
    rng = random.Random(4)
    for _ in range(500):
        amount = Decimal(rng.randint(0, 10**12)).scaleb(-1)
        for locale in ("zh_CN", "zh_TW", "en_US"):
            words = amount_in_words(amount, "JPY", locale)
            assert words_to_decimal(words) == quantize_money(amount, "JPY")


def _zero_variants(words: str) -> list[tuple[str, str]]:
    """Each canonical text with one 零 removed, and with one 零 doubled."""
    out: list[tuple[str, str]] = []
    for i, ch in enumerate(words):
        if ch == "零" and not words.endswith("零元整"):
            out.append(("removed", words[:i] + words[i + 1 :]))
            out.append(("doubled", words[:i] + "零" + words[i:]))
    return out


@pytest.mark.parametrize("locale,currency", [("zh_CN", "CNY"), ("zh_TW", "TWD")])
def test_zero_variants_keep_their_value(locale: str, currency: str) -> None:
    """Dropping a 零 is either allowed or missing_zero; doubling it is double_zero; the value never changes."""
    dropped_ok = dropped_flagged = 0
    for amount in _random_amounts(5, 16)[:2000]:
        expected = quantize_money(amount, currency)
        for kind, text in _zero_variants(amount_in_words(amount, currency, locale)):
            parsed = parse_amount_words(text)
            assert parsed.amount == expected, text
            codes = [i.code for i in parsed.issues]
            if kind == "doubled":
                assert codes == ["double_zero"], text
            else:
                assert codes in ([], ["missing_zero"]), text
                dropped_ok += not codes
                dropped_flagged += bool(codes)
    assert dropped_ok and dropped_flagged  # both kinds of zero occur in the sample


def test_zheng_variants() -> None:
    """整 after 角 is optional; 整 removed from a whole amount is missing_zheng."""
    rng = random.Random(6)
    for _ in range(1000):
        amount = Decimal(rng.randint(0, 10**10)).scaleb(-2)
        words = amount_in_words(amount, "CNY", "zh_CN")
        if words.endswith("整"):
            assert [i.code for i in parse_amount_words(words[:-1]).issues] == ["missing_zheng"]
        elif words.endswith("角"):
            assert words_to_decimal(words + "整") == amount
        else:
            assert [i.code for i in parse_amount_words(words + "整").issues] == ["zheng_after_fen"]


def test_english_variants() -> None:
    """Upper case, SAY … ONLY and British 'and' read back to the same value."""
    rng = random.Random(7)
    for _ in range(1000):
        amount = Decimal(rng.randint(0, 10**12)).scaleb(-2)
        words = amount_in_words(amount, "USD", "en_US")
        assert words_to_decimal("SAY " + words.upper()) == amount
        british = re.sub(r"hundred (?!thousand|million|billion|US)", "hundred and ", words)
        assert words_to_decimal(british.replace("-", " ")) == amount
