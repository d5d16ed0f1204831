"""A strict reader of Chinese capital amounts that names every rule a text breaks.

Accepted (no issue), besides the canonical form of :mod:`bidgen.words.zh`:

* simplified or traditional characters; 叁 as well as 參 for 3; 圆/圓 for 元; 正 for 整;
* the 零 left out where the rules make it optional: a zero run ending at a 万/亿 boundary
  (壹拾万柒仟), or at 元 before a non-zero 角 (壹仟陆佰捌拾元叁角贰分);
* 整 after 角, or not;
* sub-unit amounts with or without ``零元``: 伍分 / 零元零伍分, 伍角 / 零元伍角 / 零元零伍角;
* an optional currency prefix: a Chinese name (人民币, 新臺幣, 新台幣, 港元, 美元, 日圓 …), an
  ISO code (``USD``) or RMB/NTD.

Issues (value still read): ``missing_zero``, ``double_zero``, ``zheng_after_fen``,
``missing_zheng``, ``shi_without_yi``, ``forbidden_char`` (一二三…十百千, 两, 毛, 另, 0-9, 〇,
spaces: read as their capital equivalents), ``mixed_script``, and ``malformed`` for a stray 零.
Unreadable texts (units out of order, unknown characters, no digits …) raise
:class:`bidgen.errors.WordsError`.

The text is first mapped to an ASCII alphabet: digits ``1``–``9``, ``Z`` 零, ``S`` 拾, ``B`` 佰,
``Q`` 仟, ``W`` 万, ``Y`` 亿, ``R`` 元, ``J`` 角, ``F`` 分, ``E`` 整.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Callable

from bidgen.errors import WordsError
from bidgen.locales import content_locale
from bidgen.words.common import ParsedWords, WordsIssue
from bidgen.words.names import LATIN_ALIASES, ZH_PREFIXES

_SHARED = {"零": "Z", "壹": "1", "叁": "3", "肆": "4", "伍": "5", "柒": "7", "捌": "8", "玖": "9",
           "拾": "S", "佰": "B", "仟": "Q", "元": "R", "角": "J", "分": "F", "整": "E", "正": "E"}
_SIMPLIFIED = {"贰": "2", "陆": "6", "万": "W", "亿": "Y", "圆": "R"}
_TRADITIONAL = {"貳": "2", "參": "3", "陸": "6", "萬": "W", "億": "Y", "圓": "R"}
_FORBIDDEN = {
    "一": "1", "二": "2", "两": "2", "兩": "2", "三": "3", "四": "4", "五": "5", "六": "6",
    "七": "7", "八": "8", "九": "9", "十": "S", "百": "B", "千": "Q", "〇": "Z", "○": "Z",
    "毛": "J", "另": "Z",
    **{str(d): str(d) if d else "Z" for d in range(10)},
    **{chr(0xFF10 + d): str(d) if d else "Z" for d in range(10)},
}
_SMALL_EXP = {"S": 1, "B": 2, "Q": 3}
_BIG = {"W": 4, "Y": 8}
_OPTIONAL_ZERO_ENDS = (12, 8, 4, 0)  # lowest position of a zero run where 零 may be left out

# An item of the parsed sequence: (position, digit) for a non-zero digit, or None for a 零.
Item = tuple[int, int] | None
_Lower = Callable[[str, int, "_Reader"], list[Item]]


class _Reader:
    """Collects the issues found while reading one text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.issues: list[WordsIssue] = []

    def issue(self, code: str, message: str) -> None:
        if not any(i.code == code and i.message == message for i in self.issues):
            self.issues.append(WordsIssue(code, message))

    def fail(self, message: str) -> WordsError:
        forbidden = any(i.code == "forbidden_char" for i in self.issues)
        code = "forbidden_char" if forbidden else "malformed"
        extra = "; ".join(i.message for i in self.issues)
        return WordsError(f"amount in words {self.text!r}: {message}" + (f" ({extra})" if extra else ""), code=code)


def _strip_prefix(text: str) -> tuple[str, str | None, str | None]:
    """(rest, ISO code, script of the prefix) — the longest known prefix wins."""
    for name in sorted(ZH_PREFIXES, key=len, reverse=True):
        if text.startswith(name):
            code, script = ZH_PREFIXES[name]
            return text[len(name):], code, script
    match = re.match(r"[A-Z]{3}", text)
    if match:
        code = match.group(0)
        return text[3:], LATIN_ALIASES.get(code, code), None
    return text, None, None


def _translate(body: str, reader: _Reader) -> tuple[str, set[str]]:
    """Map the body to the ASCII alphabet; returns it and the scripts seen ('s', 't')."""
    out: list[str] = []
    scripts: set[str] = set()
    stripped = body.strip()
    for ch in stripped:
        if ch in _SHARED:
            out.append(_SHARED[ch])
        elif ch in _SIMPLIFIED:
            out.append(_SIMPLIFIED[ch])
            scripts.add("s")
        elif ch in _TRADITIONAL:
            out.append(_TRADITIONAL[ch])
            scripts.add("t")
        elif ch in _FORBIDDEN:
            out.append(_FORBIDDEN[ch])
            reader.issue("forbidden_char", f"{ch!r} is not allowed in capital amounts")
        elif ch.isspace():
            reader.issue("forbidden_char", "spaces are not allowed inside an amount in words")
        else:
            raise reader.fail(f"unexpected character {ch!r}")
    return "".join(out), scripts


def _section(text: str, offset: int, reader: _Reader) -> list[Item]:
    """Digits and units below 10^4 (plus 零s), at ``offset``; positions must fall."""
    items: list[Item] = []
    last = offset + 4
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "Z":
            items.append(None)
            i += 1
            continue
        if ch.isdigit():
            unit = text[i + 1] if i + 1 < len(text) else ""
            if unit in _SMALL_EXP:
                pos, i = offset + _SMALL_EXP[unit], i + 2
            elif i + 1 == len(text):
                pos, i = offset, i + 1
            else:
                raise reader.fail(f"digit without a unit before {unit!r}")
            digit = int(ch)
        elif ch == "S":
            reader.issue("shi_without_yi", "write 壹拾, not 拾 alone")
            pos, digit, i = offset + 1, 1, i + 1
        else:
            raise reader.fail("a unit without a digit before it")
        if pos >= last:
            raise reader.fail("units out of order")
        last = pos
        items.append((pos, digit))
    return items


def _group(text: str, unit: str, offset: int, reader: _Reader, lower: _Lower) -> list[Item]:
    """Split ``text`` at one big ``unit`` (万 or 亿): high part × 10^exp, then the rest."""
    parts = text.split(unit)
    if len(parts) > 2:
        raise reader.fail("a big unit (万/亿) appears twice")
    if len(parts) == 1:
        return lower(text, offset, reader)
    high, low = parts
    if not high or high[-1] == "Z":  # a leading 零 is checked for the whole number
        raise reader.fail("万/亿 must follow a non-zero digit")
    exp = _BIG[unit]
    return lower(high, offset + exp, reader) + lower(low, offset, reader)


def _below_1e8(text: str, offset: int, reader: _Reader) -> list[Item]:
    if "Y" in text:
        raise reader.fail("亿 inside the part before 亿")
    return _group(text, "W", offset, reader, _section)


def _integer(text: str, reader: _Reader) -> list[Item]:
    """Items of the part before 元; '零' alone is zero and gives no item."""
    if text == "Z":
        return []
    if not text:
        raise reader.fail("元 without a number before it")
    if text[0] == "Z" or text[-1] == "Z":
        raise reader.fail("a 零 at the start or just before 元")
    return _group(text, "Y", 0, reader, _below_1e8)


_FRACTION = re.compile(r"(Z*)(?:([1-9])J)?(Z*)(?:([1-9])F)?")


def _fraction(text: str, reader: _Reader) -> list[Item]:
    """Items of the part after 元 (or of the whole text when there is no 元)."""
    match = _FRACTION.fullmatch(text)
    if not match:
        raise reader.fail("角/分 malformed or out of order")
    zeros1, jiao, zeros2, fen = match.groups()
    items: list[Item] = [None] * len(zeros1)
    if jiao:
        items.append((-1, int(jiao)))
    items.extend([None] * len(zeros2))
    if fen:
        items.append((-2, int(fen)))
    if items and items[-1] is None:
        raise reader.fail("a 零 with no digit after it")
    return items


def _check_zeros(items: list[Item], reader: _Reader) -> None:
    """One 零 for every run of zeros between digits; optional at 万/亿/元 boundaries."""
    prev: int | None = None
    zeros = 0
    for item in items:
        if item is None:
            zeros += 1
            continue
        pos = item[0]
        if prev is not None:
            gap = prev - pos - 1
            if zeros >= 2:
                reader.issue("double_zero", "a run of zeros is written as one 零")
            if gap == 0 and zeros:
                reader.issue("malformed", "a 零 between two adjacent digits")
            elif gap > 0 and not zeros and pos + 1 not in _OPTIONAL_ZERO_ENDS:
                reader.issue("missing_zero", "a 零 is required for the zeros before " + _describe(pos))
        elif zeros:
            raise reader.fail("a 零 before the first digit")
        prev, zeros = pos, 0


_POSITION_NAMES = ("元", "拾", "佰", "仟", "万", "拾万", "佰万", "仟万", "亿", "拾亿", "佰亿", "仟亿",
                   "万亿", "拾万亿", "佰万亿", "仟万亿")


def _describe(pos: int) -> str:
    """The position of a digit in words: 分, 角, 元, 拾, …, 仟万亿."""
    if pos < 0:
        return "分" if pos == -2 else "角"
    return f"the {_POSITION_NAMES[pos]} digit"


def _check_zheng(items: list[Item], has_yuan: bool, has_zheng: bool, reader: _Reader) -> None:
    last = next((item[0] for item in reversed(items) if item is not None), None)
    if has_zheng and last == -2:
        reader.issue("zheng_after_fen", "never write 整 after 分")
    if not has_zheng and has_yuan and (last is None or last >= 0):
        reader.issue("missing_zheng", "a whole amount ends in 元整")


def _value(items: list[Item]) -> Decimal:
    cents = sum(d * 10 ** (p + 2) for p, d in (it for it in items if it is not None))
    return Decimal(cents).scaleb(-2)


def _script(scripts: set[str], prefix_script: str | None, locale: str | None, reader: _Reader) -> str:
    if prefix_script:
        scripts = scripts | {prefix_script}
    if scripts == {"s", "t"}:
        reader.issue("mixed_script", "simplified and traditional characters are mixed")
    if "t" in scripts and "s" not in scripts:
        return "zh_TW"
    if "s" in scripts:
        return "zh_CN"
    return "zh_TW" if content_locale(locale) == "zh_TW" else "zh_CN"


def _split_body(code: str, reader: _Reader) -> tuple[str | None, str, bool]:
    """(integer part or None, fraction part, has 整) from the ASCII body."""
    has_zheng = code.endswith("E")
    if has_zheng:
        code = code[:-1]
    if "E" in code:
        raise reader.fail("整 anywhere but at the end")
    if code.count("R") > 1:
        raise reader.fail("元 appears twice")
    if "R" not in code:
        return None, code, has_zheng
    integer, fraction = code.split("R")
    return integer, fraction, has_zheng


def parse_zh(text: str, locale: str | None = None) -> ParsedWords:
    """Read a Chinese capital amount; see the module doc for what is accepted and flagged."""
    reader = _Reader(text)
    rest, currency, prefix_script = _strip_prefix(text.strip())
    code, scripts = _translate(rest, reader)
    integer, fraction, has_zheng = _split_body(code, reader)
    if integer is None:
        if not fraction or fraction[0] == "Z":
            raise reader.fail("no amount (元, 角 or 分) found")
        items = _fraction(fraction, reader)
    else:
        int_items = _integer(integer, reader)
        # 零元: a virtual digit above 元 makes the zero rules after 元 apply unchanged.
        items = (int_items or [(1, 0)]) + _fraction(fraction, reader)
    _check_zeros(items, reader)
    _check_zheng(items, integer is not None, has_zheng, reader)
    script = _script(scripts, prefix_script, locale, reader)
    return ParsedWords(_value(items), currency, script, reader.issues)
