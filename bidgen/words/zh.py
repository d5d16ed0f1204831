"""Chinese capital amounts (大写金额), written by the People's Bank of China rules for bills.

Canonical output (what :func:`zh_amount_in_words` writes; the parser accepts every form the
rules allow, see :mod:`bidgen.words.zh_parse`):

* currency name first, no gap: ``人民币`` / ``人民幣`` / ``新臺幣`` / ``美元`` … (ISO code for others);
* digits 零壹贰叁肆伍陆柒捌玖 (traditional 零壹貳參肆伍陸柒捌玖), units 拾佰仟 万/萬 亿/億 元角分;
* a run of zeros between two non-zero digits is written as exactly one 零 — **also** where the
  rules make the 零 optional (run ending at a 万/亿 boundary, or at 元 before a non-zero 角):
  107000 → 壹拾万零柒仟元整, 1680.32 → 壹仟陆佰捌拾元零叁角贰分;
* the 零 comes after the big unit that closes the digits before it (壹拾万零伍佰, 壹亿零伍万);
* whole amounts end in 元整; amounts ending in 角 get **no** 整 (壹仟肆佰零玖元伍角, as in the
  rules' worked example); never 整 after 分; 元零X分 when 角 = 0;
* a leading ten is 壹拾;
* amounts of a trillion and more use 万亿: 10^12 → 壹万亿元整 (never 兆); up to 10^16 − 0.01;
* under one unit: no 零元 (0.05 → 人民币伍分, 0.50 → 人民币伍角); zero: 零元整 (人民币零元整);
* negative amounts raise ValueError (bills carry no sign); amounts are rounded ROUND_HALF_UP to the
  currency's minor unit first; a currency with three minor digits can only be written when the
  third digit is 0 (there is no unit below 分).
"""

from __future__ import annotations

from decimal import Decimal

from bidgen.words.common import rounded
from bidgen.words.names import zh_currency_word

SIMPLIFIED_DIGITS = "零壹贰叁肆伍陆柒捌玖"
TRADITIONAL_DIGITS = "零壹貳參肆伍陸柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")
#: big units by script: (万, 亿)
BIG_UNITS = {False: ("万", "亿"), True: ("萬", "億")}

#: Positions (powers of ten) where a big unit or 元 closes a group of digits.
BOUNDARIES = (12, 8, 4, 0)
#: The exclusive upper bound of what can be written (9999万亿…).
LIMIT = 10**16


def _positions(cents: int) -> dict[int, int]:
    """Non-zero digits by position: 0 = 元, 1 = 拾, …, -1 = 角, -2 = 分."""
    out: dict[int, int] = {}
    pos = -2
    while cents:
        cents, digit = divmod(cents, 10)
        if digit:
            out[pos] = digit
        pos += 1
    return out


def _boundary_word(boundary: int, digits: dict[int, int], traditional: bool) -> str:
    """The word closing a boundary, or '' when that group has no digit (an empty 万 group)."""
    wan, yi = BIG_UNITS[traditional]
    if boundary == 0:
        return "元"
    if boundary == 8:
        return yi  # 亿 closes everything at 10^8 and above (壹万亿)
    has_digit = any(boundary <= p < boundary + 4 for p in digits)
    return wan if has_digit else ""


def _unit(pos: int) -> str:
    if pos == -1:
        return "角"
    if pos == -2:
        return "分"
    return SMALL_UNITS[pos % 4]


def _body(cents: int, traditional: bool) -> str:
    """Words for a positive amount in hundredths, without currency and 整."""
    digits = _positions(cents)
    order = sorted(digits, reverse=True)
    glyphs = TRADITIONAL_DIGITS if traditional else SIMPLIFIED_DIGITS
    parts: list[str] = []
    for i, pos in enumerate(order):
        nxt = order[i + 1] if i + 1 < len(order) else None
        parts.append(glyphs[digits[pos]] + _unit(pos))
        low = nxt if nxt is not None else -3
        parts.extend(_boundary_word(b, digits, traditional) for b in BOUNDARIES if low < b <= pos)
        if nxt is not None and pos - nxt > 1:
            parts.append("零")
    return "".join(parts)


def zh_words_for_cents(cents: int, traditional: bool) -> str:
    """Words (no currency) for a non-negative amount given in hundredths of the unit."""
    if cents < 0:
        raise ValueError("an amount in words cannot be negative")
    if cents >= LIMIT * 100:
        raise ValueError("amounts of 10^16 and more cannot be written in Chinese capitals")
    if cents == 0:
        return "零元整"
    body = _body(cents, traditional)
    return body + "整" if cents % 100 == 0 else body


def zh_amount_in_words(amount: Decimal, currency: str, traditional: bool) -> str:
    """``amount`` in Chinese capitals with the currency name first (see module doc)."""
    value = rounded(amount, currency)
    scaled = value * 100
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} {currency}: Chinese capitals have no unit below 分")
    return zh_currency_word(currency, traditional) + zh_words_for_cents(int(scaled), traditional)
