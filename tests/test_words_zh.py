"""Chinese capital amounts: hand-written expected outputs from the central bank rules,
every accepted variant, and every malformed form with its issue code."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from bidgen.errors import WordsError
from bidgen.words import amount_in_words, currency_word, parse_amount_words, words_to_decimal

# (amount, currency, expected) — written by hand from DOMAIN.md's rules, not generated.
SIMPLIFIED = [
    # DOMAIN.md worked examples
    ("325.04", "CNY", "人民币叁佰贰拾伍元零肆分"),
    ("1409.50", "CNY", "人民币壹仟肆佰零玖元伍角"),
    ("6007.14", "CNY", "人民币陆仟零柒元壹角肆分"),
    ("16409.02", "CNY", "人民币壹万陆仟肆佰零玖元零贰分"),
    ("107000", "CNY", "人民币壹拾万零柒仟元整"),
    ("100500", "CNY", "人民币壹拾万零伍佰元整"),
    ("1.005", "CNY", "人民币壹元零壹分"),
    ("19.999", "CNY", "人民币贰拾元整"),
    ("676200", "CNY", "人民币陆拾柒万陆仟贰佰元整"),
    ("676200.00", "CNY", "人民币陆拾柒万陆仟贰佰元整"),
    # zero and under one unit
    ("0", "CNY", "人民币零元整"),
    ("0.00", "CNY", "人民币零元整"),
    ("0.004", "CNY", "人民币零元整"),
    ("0.005", "CNY", "人民币壹分"),
    ("0.05", "CNY", "人民币伍分"),
    ("0.50", "CNY", "人民币伍角"),
    ("0.56", "CNY", "人民币伍角陆分"),
    ("0.995", "CNY", "人民币壹元整"),
    # small whole amounts, zeros at every position
    ("1", "CNY", "人民币壹元整"),
    ("5.00", "CNY", "人民币伍元整"),
    ("10", "CNY", "人民币壹拾元整"),
    ("11", "CNY", "人民币壹拾壹元整"),
    ("100", "CNY", "人民币壹佰元整"),
    ("101", "CNY", "人民币壹佰零壹元整"),
    ("110", "CNY", "人民币壹佰壹拾元整"),
    ("1001", "CNY", "人民币壹仟零壹元整"),
    ("1010", "CNY", "人民币壹仟零壹拾元整"),
    ("1100", "CNY", "人民币壹仟壹佰元整"),
    ("10000", "CNY", "人民币壹万元整"),
    ("10001", "CNY", "人民币壹万零壹元整"),
    ("10010", "CNY", "人民币壹万零壹拾元整"),
    ("10100", "CNY", "人民币壹万零壹佰元整"),
    ("11000", "CNY", "人民币壹万壹仟元整"),
    ("100000", "CNY", "人民币壹拾万元整"),
    ("600006", "CNY", "人民币陆拾万零陆元整"),
    ("1000000", "CNY", "人民币壹佰万元整"),
    ("10000000", "CNY", "人民币壹仟万元整"),
    ("60000600", "CNY", "人民币陆仟万零陆佰元整"),
    # 亿 boundaries
    ("100000000", "CNY", "人民币壹亿元整"),
    ("100000001", "CNY", "人民币壹亿零壹元整"),
    ("100010000", "CNY", "人民币壹亿零壹万元整"),
    ("100005000", "CNY", "人民币壹亿零伍仟元整"),
    ("101000000", "CNY", "人民币壹亿零壹佰万元整"),
    ("110000000", "CNY", "人民币壹亿壹仟万元整"),
    ("10000000000", "CNY", "人民币壹佰亿元整"),
    ("10050000000", "CNY", "人民币壹佰亿零伍仟万元整"),
    ("123456789012.34", "CNY", "人民币壹仟贰佰叁拾肆亿伍仟陆佰柒拾捌万玖仟零壹拾贰元叁角肆分"),
    # a trillion and more: 万亿
    ("1000000000000", "CNY", "人民币壹万亿元整"),
    ("1000000000001", "CNY", "人民币壹万亿零壹元整"),
    ("1200000000000", "CNY", "人民币壹万贰仟亿元整"),
    ("1000100000000", "CNY", "人民币壹万零壹亿元整"),
    ("20000000000000", "CNY", "人民币贰拾万亿元整"),
    # 元 digit zero before 角/分
    ("1680.32", "CNY", "人民币壹仟陆佰捌拾元零叁角贰分"),
    ("10.30", "CNY", "人民币壹拾元零叁角"),
    ("100.05", "CNY", "人民币壹佰元零伍分"),
    ("40.04", "CNY", "人民币肆拾元零肆分"),
    ("1000000.50", "CNY", "人民币壹佰万元零伍角"),
    ("7000000.07", "CNY", "人民币柒佰万元零柒分"),
    ("2.10", "CNY", "人民币贰元壹角"),
    ("2.01", "CNY", "人民币贰元零壹分"),
    ("3333.33", "CNY", "人民币叁仟叁佰叁拾叁元叁角叁分"),
    # half-cent rounding
    ("9.995", "CNY", "人民币壹拾元整"),
    ("99999.995", "CNY", "人民币壹拾万元整"),
    ("12.345", "CNY", "人民币壹拾贰元叁角伍分"),
    ("12.344", "CNY", "人民币壹拾贰元叁角肆分"),
    # other currencies; JPY has no minor unit
    ("1000", "JPY", "日元壹仟元整"),
    ("1234.5", "JPY", "日元壹仟贰佰叁拾伍元整"),
    ("0.4", "JPY", "日元零元整"),
    ("5000000", "USD", "美元伍佰万元整"),
    ("250", "EUR", "欧元贰佰伍拾元整"),
    ("88.80", "HKD", "港币捌拾捌元捌角"),
    ("999.99", "GBP", "英镑玖佰玖拾玖元玖角玖分"),
    ("300", "TWD", "新臺幣叁佰元整"),
    ("300", "CHF", "CHF叁佰元整"),
]

TRADITIONAL = [
    ("325.04", "HKD", "港幣參佰貳拾伍元零肆分"),
    ("1409.50", "HKD", "港幣壹仟肆佰零玖元伍角"),
    ("6007.14", "HKD", "港幣陸仟零柒元壹角肆分"),
    ("16409.02", "HKD", "港幣壹萬陸仟肆佰零玖元零貳分"),
    ("107000", "TWD", "新臺幣壹拾萬零柒仟元整"),
    ("100500", "TWD", "新臺幣壹拾萬零伍佰元整"),
    ("1.005", "HKD", "港幣壹元零壹分"),
    ("19.999", "TWD", "新臺幣貳拾元整"),
    ("676200", "CNY", "人民幣陸拾柒萬陸仟貳佰元整"),
    ("0", "TWD", "新臺幣零元整"),
    ("325.04", "TWD", "新臺幣參佰貳拾伍元整"),  # New Taiwan dollars are whole dollars: cents round half up
    ("1409.50", "TWD", "新臺幣壹仟肆佰壹拾元整"),
    ("0.05", "HKD", "港幣伍分"),
    ("0.30", "HKD", "港幣參角"),
    ("0.33", "HKD", "港幣參角參分"),
    ("0.006", "HKD", "港幣壹分"),
    ("1", "TWD", "新臺幣壹元整"),
    ("2", "TWD", "新臺幣貳元整"),
    ("3", "TWD", "新臺幣參元整"),
    ("6", "TWD", "新臺幣陸元整"),
    ("10", "TWD", "新臺幣壹拾元整"),
    ("12", "TWD", "新臺幣壹拾貳元整"),
    ("203", "TWD", "新臺幣貳佰零參元整"),
    ("230", "TWD", "新臺幣貳佰參拾元整"),
    ("3006", "TWD", "新臺幣參仟零陸元整"),
    ("3060", "TWD", "新臺幣參仟零陸拾元整"),
    ("20000", "TWD", "新臺幣貳萬元整"),
    ("20002", "TWD", "新臺幣貳萬零貳元整"),
    ("20300", "TWD", "新臺幣貳萬零參佰元整"),
    ("23000", "TWD", "新臺幣貳萬參仟元整"),
    ("306000", "TWD", "新臺幣參拾萬零陸仟元整"),
    ("300600", "TWD", "新臺幣參拾萬零陸佰元整"),
    ("3000000", "TWD", "新臺幣參佰萬元整"),
    ("36000000", "TWD", "新臺幣參仟陸佰萬元整"),
    ("200000000", "TWD", "新臺幣貳億元整"),
    ("200000002", "TWD", "新臺幣貳億零貳元整"),
    ("200020000", "TWD", "新臺幣貳億零貳萬元整"),
    ("230000000", "TWD", "新臺幣貳億參仟萬元整"),
    ("3000000000", "TWD", "新臺幣參拾億元整"),
    ("3006000000", "TWD", "新臺幣參拾億零陸佰萬元整"),
    ("1000000000000", "TWD", "新臺幣壹萬億元整"),
    ("3000000000006", "TWD", "新臺幣參萬億零陸元整"),
    ("30000000000000", "TWD", "新臺幣參拾萬億元整"),
    ("2060.32", "HKD", "港幣貳仟零陸拾元零參角貳分"),
    ("20.60", "HKD", "港幣貳拾元零陸角"),
    ("300.06", "HKD", "港幣參佰元零陸分"),
    ("6.60", "HKD", "港幣陸元陸角"),
    ("6.06", "HKD", "港幣陸元零陸分"),
    ("6.66", "HKD", "港幣陸元陸角陸分"),
    ("2.345", "HKD", "港幣貳元參角伍分"),
    ("0.995", "HKD", "港幣壹元整"),
    ("1000", "JPY", "日圓壹仟元整"),
    ("2.5", "JPY", "日圓參元整"),
    ("88.80", "HKD", "港幣捌拾捌元捌角"),
    ("250", "EUR", "歐元貳佰伍拾元整"),
    ("999.99", "GBP", "英鎊玖佰玖拾玖元玖角玖分"),
    ("100", "USD", "美元壹佰元整"),
    ("36.3", "CNY", "人民幣參拾陸元參角"),
]


@pytest.mark.parametrize("amount,currency,expected", SIMPLIFIED)
def test_simplified(amount: str, currency: str, expected: str) -> None:
    assert amount_in_words(D(amount), currency, "zh_CN") == expected


@pytest.mark.parametrize("amount,currency,expected", TRADITIONAL)
def test_traditional(amount: str, currency: str, expected: str) -> None:
    assert amount_in_words(D(amount), currency, "zh_TW") == expected


@pytest.mark.parametrize("amount,currency,expected", SIMPLIFIED + TRADITIONAL)
def test_expected_forms_read_back_cleanly(amount: str, currency: str, expected: str) -> None:
    parsed = parse_amount_words(expected)
    assert parsed.issues == []
    assert parsed.currency == currency
    digits = 0 if currency in ("JPY", "TWD") else 2
    assert parsed.amount == D(amount).quantize(D(1).scaleb(-digits), rounding="ROUND_HALF_UP")


@pytest.mark.parametrize("locale", ["zh_HK", "zh-Hant", "zh_Hant_TW", "zh_MO"])
def test_traditional_locales(locale: str) -> None:
    assert amount_in_words(D("3"), "CNY", locale) == "人民幣參元整"


@pytest.mark.parametrize("locale", ["zh", "zh_CN", "zh-Hans", "zh_SG"])
def test_simplified_locales(locale: str) -> None:
    assert amount_in_words(D("3"), "CNY", locale) == "人民币叁元整"


def test_limits_and_bad_input() -> None:
    assert amount_in_words(D("9999999999999999.99"), "CNY", "zh_CN") == (
        "人民币玖仟玖佰玖拾玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"
    )
    with pytest.raises(ValueError):
        amount_in_words(D("10000000000000000"), "CNY", "zh_CN")
    with pytest.raises(ValueError, match="negative"):
        amount_in_words(D("-1"), "CNY", "zh_CN")
    assert amount_in_words(D("-0.001"), "CNY", "zh_CN") == "人民币零元整"  # rounds to zero
    with pytest.raises(TypeError):
        amount_in_words(1.5, "CNY", "zh_CN")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="分"):
        amount_in_words(D("1.234"), "KWD", "zh_CN")
    assert amount_in_words(D("1.230"), "KWD", "zh_CN") == "KWD壹元贰角叁分"
    assert amount_in_words(12, "CNY", "zh_CN") == "人民币壹拾贰元整"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "currency,zh_cn,zh_tw",
    [("CNY", "人民币", "人民幣"), ("TWD", "新臺幣", "新臺幣"), ("HKD", "港币", "港幣"), ("USD", "美元", "美元"),
     ("EUR", "欧元", "歐元"), ("JPY", "日元", "日圓"), ("GBP", "英镑", "英鎊"), ("CHF", "CHF", "CHF"), ("cny", "人民币", "人民幣")],
)
def test_currency_word(currency: str, zh_cn: str, zh_tw: str) -> None:
    assert currency_word(currency, "zh_CN") == zh_cn
    assert currency_word(currency, "zh_TW") == zh_tw


# Every form the rules allow, with its value (no issue at all).
ACCEPTED = [
    ("人民币壹拾万柒仟元整", "107000", "CNY"),
    ("人民币壹拾万零柒仟元整", "107000", "CNY"),
    ("壹仟陆佰捌拾元叁角贰分", "1680.32", None),
    ("壹仟陆佰捌拾元零叁角贰分", "1680.32", None),
    ("壹拾万柒仟元伍角叁分", "107000.53", None),
    ("壹拾万零柒仟元零伍角叁分", "107000.53", None),
    ("壹仟肆佰零玖元伍角", "1409.50", None),
    ("壹仟肆佰零玖元伍角整", "1409.50", None),
    ("壹仟肆佰零玖元伍角正", "1409.50", None),
    ("壹佰元正", "100", None),
    ("壹佰圆整", "100", None),
    ("壹佰圓整", "100", None),
    ("伍分", "0.05", None),
    ("零元零伍分", "0.05", None),
    ("伍角", "0.50", None),
    ("伍角整", "0.50", None),
    ("零元伍角", "0.50", None),
    ("零元零伍角", "0.50", None),
    ("零元伍角陆分", "0.56", None),
    ("零元整", "0", None),
    ("壹亿伍仟元整", "100005000", None),
    ("壹亿零伍仟元整", "100005000", None),
    ("壹佰亿伍仟万元整", "10050000000", None),
    ("壹万亿零伍元整", "1000000000005", None),
    ("壹万零壹亿元整", "1000100000000", None),
    ("壹万亿伍仟万元整", "1000050000000", None),
    ("  人民币肆佰元整 ", "400", "CNY"),
    ("RMB壹佰元整", "100", "CNY"),
    ("USD壹佰元整", "100", "USD"),
    ("美元壹佰元整", "100", "USD"),
    ("港元壹佰元整", "100", "HKD"),
    ("新台幣壹佰元整", "100", "TWD"),
    ("歐元壹佰元整", "100", "EUR"),
    ("日元壹仟元整", "1000", "JPY"),
    ("新臺幣參佰元整", "300", "TWD"),
    ("新臺幣叁佰元整", "300", "TWD"),  # 叁 accepted in traditional texts
    ("人民幣叁萬元整", "30000", "CNY"),
]


@pytest.mark.parametrize("text,value,currency", ACCEPTED)
def test_accepted_forms(text: str, value: str, currency: str | None) -> None:
    parsed = parse_amount_words(text)
    assert parsed.issues == []
    assert parsed.amount == D(value)
    assert parsed.currency == currency
    assert words_to_decimal(text) == D(value)


def test_script_detection() -> None:
    assert parse_amount_words("人民币壹万元整").script == "zh_CN"
    assert parse_amount_words("人民幣壹萬元整").script == "zh_TW"
    assert parse_amount_words("新臺幣貳元整").script == "zh_TW"
    assert parse_amount_words("新臺幣壹元整").script == "zh_CN"  # nothing script-specific: default
    assert parse_amount_words("新臺幣壹元整", "zh_TW").script == "zh_TW"
    assert parse_amount_words("壹元整", "zh_HK").script == "zh_TW"


def test_mixed_script_is_a_warning() -> None:
    parsed = parse_amount_words("人民币壹萬元整")
    assert parsed.amount == D("10000")
    assert [i.code for i in parsed.issues] == ["mixed_script"]
    assert parsed.issues[0].is_warning
    with pytest.raises(WordsError) as err:
        words_to_decimal("壹萬贰仟元整")
    assert err.value.code == "mixed_script"


# Malformed forms that still have a value: (text, code, value read).
FLAGGED = [
    ("壹拾万伍佰元整", "missing_zero", "100500"),
    ("壹佰元伍分", "missing_zero", "100.05"),
    ("壹元伍分", "missing_zero", "1.05"),
    ("零元伍分", "missing_zero", "0.05"),
    ("壹亿伍万元整", "missing_zero", "100050000"),
    ("壹万伍元整", "missing_zero", "10005"),
    ("壹仟伍元整", "missing_zero", "1005"),
    ("伍万亿伍万元整", "missing_zero", "5000000050000"),
    ("壹佰零零伍元整", "double_zero", "105"),
    ("壹万零零伍元整", "double_zero", "10005"),
    ("壹元零零伍分", "double_zero", "1.05"),
    ("壹元伍角伍分整", "zheng_after_fen", "1.55"),
    ("壹元零伍分整", "zheng_after_fen", "1.05"),
    ("伍分整", "zheng_after_fen", "0.05"),
    ("壹元零伍分正", "zheng_after_fen", "1.05"),
    ("壹佰元", "missing_zheng", "100"),
    ("零元", "missing_zheng", "0"),
    ("人民币壹仟元", "missing_zheng", "1000"),
    ("拾元整", "shi_without_yi", "10"),
    ("拾万元整", "shi_without_yi", "100000"),
    ("壹佰拾元整", "shi_without_yi", "110"),
    ("一百元整", "forbidden_char", "100"),
    ("壹佰元伍毛", "forbidden_char", "100.50"),
    ("壹佰另伍元整", "forbidden_char", "105"),
    ("壹佰〇伍元整", "forbidden_char", "105"),
    ("壹佰零5元整", "forbidden_char", "105"),
    ("壹佰 元整", "forbidden_char", "100"),
    ("壹佰\u3000元整", "forbidden_char", "100"),
    ("壹仟贰百元整", "forbidden_char", "1200"),
    ("拾二元整", "forbidden_char", "12"),
    ("壹拾零伍元整", "malformed", "15"),
    ("壹元伍角零伍分", "malformed", "1.55"),
    ("壹元零伍角", "malformed", "1.50"),
    ("日元壹仟元伍角", "malformed", "1000.5"),
]


@pytest.mark.parametrize("text,code,value", FLAGGED)
def test_flagged_forms(text: str, code: str, value: str) -> None:
    parsed = parse_amount_words(text)
    assert code in [i.code for i in parsed.issues]
    assert parsed.amount == D(value)
    with pytest.raises(WordsError) as err:
        words_to_decimal(text)
    assert err.value.code == parsed.issues[0].code
    assert code in str(err.value)


# Unreadable texts: (text, code).
UNREADABLE = [
    ("佰仟元整", "malformed"),
    ("壹佰壹仟元整", "malformed"),
    ("壹拾壹佰元整", "malformed"),
    ("壹万壹万元整", "malformed"),
    ("壹亿壹亿元整", "malformed"),
    ("壹佰零元整", "malformed"),
    ("零壹佰元整", "malformed"),
    ("壹伍元整", "malformed"),
    ("元整", "malformed"),
    ("人民币", "malformed"),
    ("整", "malformed"),
    ("", "malformed"),
    ("壹佰元整整", "malformed"),
    ("壹佰整元", "malformed"),
    ("壹佰元伍分伍角", "malformed"),
    ("壹角伍分元", "malformed"),
    ("壹佰元整。", "malformed"),
    ("壹拾零万元整", "malformed"),
    ("萬元整", "malformed"),
    ("壹億萬元整", "malformed"),
    ("壹万亿亿元整", "malformed"),
    ("零伍分", "malformed"),
    ("壹元元整", "malformed"),
    ("壹元零", "malformed"),
    ("佰元整", "malformed"),
    ("一百零五", "forbidden_char"),
    ("105元", "forbidden_char"),
    ("105", "forbidden_char"),
]


@pytest.mark.parametrize("text,code", UNREADABLE)
def test_unreadable_forms(text: str, code: str) -> None:
    with pytest.raises(WordsError) as err:
        parse_amount_words(text)
    assert err.value.code == code
    with pytest.raises(WordsError):
        words_to_decimal(text)


def test_several_issues_are_all_reported() -> None:
    parsed = parse_amount_words("拾万伍佰元伍分整")
    codes = {i.code for i in parsed.issues}
    assert codes == {"shi_without_yi", "missing_zero", "zheng_after_fen"}
    assert parsed.amount == D("100500.05")
