"""English amounts in words: hand-written expected outputs, accepted variants, rejections."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from bidgen.errors import WordsError
from bidgen.words import amount_in_words, currency_word, parse_amount_words, words_to_decimal
from bidgen.words.en import cardinal

# (amount, currency, expected) — written by hand, not generated.
ENGLISH = [
    ("156849", "USD", "One hundred fifty-six thousand eight hundred forty-nine US dollars only"),
    ("156849.00", "USD", "One hundred fifty-six thousand eight hundred forty-nine US dollars only"),
    ("1004.50", "USD", "One thousand four US dollars and fifty cents"),
    ("1", "USD", "One US dollar only"),
    ("0.01", "USD", "Zero US dollars and one cent"),
    ("0", "USD", "Zero US dollars only"),
    ("0.004", "USD", "Zero US dollars only"),
    ("0.005", "USD", "Zero US dollars and one cent"),
    ("0.99", "USD", "Zero US dollars and ninety-nine cents"),
    ("0.995", "USD", "One US dollar only"),
    ("1.005", "USD", "One US dollar and one cent"),
    ("19.999", "USD", "Twenty US dollars only"),
    ("1.01", "USD", "One US dollar and one cent"),
    ("2.5", "USD", "Two US dollars and fifty cents"),
    ("17", "USD", "Seventeen US dollars only"),
    ("21", "USD", "Twenty-one US dollars only"),
    ("80", "USD", "Eighty US dollars only"),
    ("99.99", "USD", "Ninety-nine US dollars and ninety-nine cents"),
    ("100", "USD", "One hundred US dollars only"),
    ("101", "USD", "One hundred one US dollars only"),
    ("110", "USD", "One hundred ten US dollars only"),
    ("115", "USD", "One hundred fifteen US dollars only"),
    ("1000", "USD", "One thousand US dollars only"),
    ("1001", "USD", "One thousand one US dollars only"),
    ("1010", "USD", "One thousand ten US dollars only"),
    ("1100", "USD", "One thousand one hundred US dollars only"),
    ("40.40", "USD", "Forty US dollars and forty cents"),
    ("14.14", "USD", "Fourteen US dollars and fourteen cents"),
    ("700000", "USD", "Seven hundred thousand US dollars only"),
    ("1000000", "USD", "One million US dollars only"),
    ("1000001", "USD", "One million one US dollars only"),
    ("1001000", "USD", "One million one thousand US dollars only"),
    ("12345678.9", "USD",
     "Twelve million three hundred forty-five thousand six hundred seventy-eight US dollars and ninety cents"),
    ("999999999.99", "USD", "Nine hundred ninety-nine million nine hundred ninety-nine thousand nine hundred "
                            "ninety-nine US dollars and ninety-nine cents"),
    ("1000000000", "USD", "One billion US dollars only"),
    ("1000000000000", "USD", "One trillion US dollars only"),
    ("1000000000000000", "USD", "One quadrillion US dollars only"),
    ("90.9", "EUR", "Ninety euros and ninety cents"),
    ("1", "EUR", "One euro only"),
    ("0.01", "EUR", "Zero euros and one cent"),
    ("1000", "JPY", "One thousand Japanese yen only"),
    ("1234.5", "JPY", "One thousand two hundred thirty-five Japanese yen only"),
    ("676200", "CNY", "Six hundred seventy-six thousand two hundred Chinese yuan only"),
    ("0.5", "CNY", "Zero Chinese yuan and fifty fen"),
    ("1.01", "GBP", "One pound sterling and one penny"),
    ("2.02", "GBP", "Two pounds sterling and two pence"),
    ("1500", "HKD", "One thousand five hundred Hong Kong dollars only"),
    ("1000", "TWD", "One thousand New Taiwan dollars only"),
    ("200", "AED", "Two hundred UAE dirhams only"),
    ("12.5", "SEK", "Twelve SEK and fifty cents"),
    ("1.234", "KWD", "One KWD and two hundred thirty-four thousandths"),
]


@pytest.mark.parametrize("amount,currency,expected", ENGLISH)
def test_english(amount: str, currency: str, expected: str) -> None:
    assert amount_in_words(D(amount), currency, "en_US") == expected


@pytest.mark.parametrize("amount,currency,expected", ENGLISH)
def test_english_reads_back(amount: str, currency: str, expected: str) -> None:
    parsed = parse_amount_words(expected)
    assert parsed.script == "en" and parsed.issues == []
    assert parsed.currency == currency
    from bidgen.locales import quantize_money

    assert parsed.amount == quantize_money(D(amount), currency)


@pytest.mark.parametrize("locale", ["en_US", "en", "en_GB", "de_DE", "ar_AE", "fr", None, "xx_YY"])
def test_non_chinese_locales_write_english(locale: str | None) -> None:
    assert amount_in_words(D("2"), "USD", locale) == "Two US dollars only"  # type: ignore[arg-type]


def test_cardinal_style() -> None:
    assert cardinal(0) == "zero"
    assert cardinal(1999) == "one thousand nine hundred ninety-nine"
    assert cardinal(2_000_021) == "two million twenty-one"
    assert " and " not in cardinal(123_456_789)
    with pytest.raises(ValueError):
        cardinal(10**18)


def test_bad_amounts() -> None:
    with pytest.raises(ValueError):
        amount_in_words(D("-0.01"), "USD", "en_US")
    with pytest.raises(TypeError):
        amount_in_words(0.1, "USD", "en_US")  # type: ignore[arg-type]


def test_currency_word_en() -> None:
    assert currency_word("USD", "en_US") == "US dollars"
    assert currency_word("EUR", "en_GB") == "euros"
    assert currency_word("CNY", "en_US") == "Chinese yuan"
    assert currency_word("XYZ", "en_US") == "XYZ"


# Accepted variants: (text, value, currency).
ACCEPTED = [
    ("One thousand four US dollars and fifty cents", "1004.50", "USD"),
    ("ONE THOUSAND FOUR US DOLLARS AND FIFTY CENTS", "1004.50", "USD"),
    ("SAY US DOLLARS ONE THOUSAND FOUR AND CENTS FIFTY ONLY", "1004.50", "USD"),
    ("Say US dollars one thousand four and fifty cents only", "1004.50", "USD"),
    ("SAY US DOLLARS ONE THOUSAND FOUR CENTS FIFTY ONLY", "1004.50", "USD"),
    ("One thousand and four US dollars and fifty cents", "1004.50", "USD"),
    ("One thousand four US dollars fifty cents", "1004.50", "USD"),
    ("One thousand four and 50/100 US dollars", "1004.50", "USD"),
    ("One thousand four US dollars and 50/100", "1004.50", "USD"),
    ("One hundred and fifty-six thousand eight hundred and forty-nine US dollars only", "156849", "USD"),
    ("one hundred fifty six thousand eight hundred forty nine u.s. dollars", "156849", "USD"),
    ("One-hundred US-dollars only.", "100", "USD"),
    ("USD one hundred only", "100", "USD"),
    ("one hundred usd", "100", "USD"),
    ("Twenty-one dollars", "21", None),
    ("twenty one", "21", None),
    ("Fifty cents", "0.50", None),
    ("one cent", "0.01", None),
    ("Zero US dollars and one cent", "0.01", "USD"),
    ("One euro only", "1", "EUR"),
    ("Two hundred yuan", "200", "CNY"),
    ("Renminbi two hundred only", "200", "CNY"),
    ("Three pounds sterling and two pence", "3.02", "GBP"),
    ("one thousand japanese yen", "1000", "JPY"),
    ("Five hundred New Taiwan dollars", "500", "TWD"),
    ("Seven Hong Kong dollars and seven cents", "7.07", "HKD"),
    ("One million, two hundred thousand US dollars", "1200000", "USD"),
]


@pytest.mark.parametrize("text,value,currency", ACCEPTED)
def test_accepted(text: str, value: str, currency: str | None) -> None:
    parsed = parse_amount_words(text)
    assert parsed.amount == D(value)
    assert parsed.currency == currency
    assert parsed.issues == []
    assert words_to_decimal(text) == D(value)


REJECTED = [
    "one thousand thousand US dollars",
    "fifty twenty US dollars",
    "one hundred hundred dollars",
    "eleven hundred dollars",
    "thousand dollars",
    "one million one billion dollars",
    "one thousand one million dollars",
    "US dollars only",
    "one and",
    "and one dollars",
    "1000 dollars",
    "one hundred dollars and one hundred cents",
    "one dollar two dollars",
    "zero zero dollars",
    "one zero dollars",
    "blah dollars",
    "one two three dollars",
    "twenty hundred dollars",
    "one hundred and dollars",
    "US dollars one hundred fifty cents",
    "one hundred dollars and fifty",
    "one hundred and fifty cents and five",
    "one thousand four and 50/100 US dollars and ten cents",
]


@pytest.mark.parametrize("text", REJECTED)
def test_rejected(text: str) -> None:
    with pytest.raises(WordsError) as err:
        parse_amount_words(text)
    assert err.value.code == "malformed"


def test_digits_only_are_forbidden() -> None:
    with pytest.raises(WordsError) as err:
        words_to_decimal("1,004.50")
    assert err.value.code == "forbidden_char"


def test_minor_unit_on_a_currency_without_one() -> None:
    parsed = parse_amount_words("One thousand Japanese yen and fifty cents")
    assert [i.code for i in parsed.issues] == ["malformed"]
    with pytest.raises(WordsError):
        words_to_decimal("One thousand Japanese yen and fifty cents")


def test_type_error_for_non_text() -> None:
    with pytest.raises(TypeError):
        parse_amount_words(100)  # type: ignore[arg-type]
