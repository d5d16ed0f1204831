"""English amounts in words, invoice style, and a strict reader for them.

Canonical output (American style, no "and" inside the number, hyphens for 21–99, first word
capitalised):

* with a minor part: ``One thousand four US dollars and fifty cents``;
* whole amounts end in "only": ``One hundred fifty-six thousand eight hundred forty-nine US dollars
  only``; ``One US dollar only``; zero: ``Zero US dollars only``;
* under one unit the major part is still written: ``Zero US dollars and one cent``;
* currencies without a minor unit (JPY) are always whole: ``One thousand Japanese yen only``;
* negative amounts raise ValueError; amounts are rounded ROUND_HALF_UP to the minor unit first.

The reader accepts any case, a leading "SAY" and a trailing "ONLY", hyphens or spaces,
commas, an optional "and" before the minor part, British "and" inside the number (after
"hundred", or after a scale word before a number below 100), the currency before or after the
number ("SAY US DOLLARS ONE HUNDRED AND CENTS FIFTY ONLY"), cheque style "and 50/100", and a
bare minor amount ("fifty cents").  Anything else ("one thousand thousand", "fifty twenty",
"eleven hundred", digits) raises :class:`bidgen.errors.WordsError` (code ``malformed``).
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from bidgen.errors import WordsError
from bidgen.locales import currency_digits
from bidgen.words.common import ParsedWords, rounded
from bidgen.words.names import EN_MINOR_WORDS, en_currency, en_major_phrases

ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
SCALES = ((10**15, "quadrillion"), (10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (10**3, "thousand"))
_ONES_VALUE = {w: i for i, w in enumerate(ONES)}
_TENS_VALUE = {w: i * 10 for i, w in enumerate(TENS) if i >= 2}
_SCALE_VALUE = {name: value for value, name in SCALES}
_NUMBER_WORDS = set(_ONES_VALUE) | set(_TENS_VALUE) | set(_SCALE_VALUE) | {"hundred", "and"}
_CHEQUE = re.compile(r"(\d{1,3})/(100|1000)")


# --- writing -----------------------------------------------------------------------------


def _below_1000(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    words = [f"{ONES[hundreds]} hundred"] if hundreds else []
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        words.append(TENS[tens] + (f"-{ONES[ones]}" if ones else ""))
    elif rest:
        words.append(ONES[rest])
    return " ".join(words)


def cardinal(n: int) -> str:
    """American English cardinal of a non-negative int below 10^18 (no "and", hyphenated)."""
    if not 0 <= n < 10**18:
        raise ValueError(f"cannot write {n} in words")
    if n == 0:
        return "zero"
    parts: list[str] = []
    for value, name in SCALES:
        count, n = divmod(n, value)
        if count:
            parts.append(f"{_below_1000(count)} {name}")
    if n:
        parts.append(_below_1000(n))
    return " ".join(parts)


def en_amount_in_words(amount: Decimal, currency: str) -> str:
    """``amount`` in English words, invoice style (see module doc)."""
    value = rounded(amount, currency)
    digits = currency_digits(currency)
    major = int(value)
    minor = int((value - major).scaleb(digits))
    names = en_currency(currency, digits)
    unit = names.one if major == 1 else names.many
    if minor:
        minor_unit = names.minor_one if minor == 1 else names.minor_many
        text = f"{cardinal(major)} {unit} and {cardinal(minor)} {minor_unit}"
    else:
        text = f"{cardinal(major)} {unit} only"
    return text[0].upper() + text[1:]


# --- reading -----------------------------------------------------------------------------


def _bad(text: str, why: str) -> WordsError:
    return WordsError(f"amount in words {text!r}: {why}", code="malformed")


def _tokens(text: str) -> list[str]:
    s = text.strip().lower().replace("u.s.", "us").replace("u. s.", "us")
    s = re.sub(r"[-‐‑–]", " ", s)
    s = s.replace(",", " ").replace(":", " ").rstrip(".").strip()
    tokens = s.split()
    if tokens and tokens[0] == "say":
        tokens = tokens[1:]
    if tokens and tokens[-1] == "only":
        tokens = tokens[:-1]
    for tok in tokens:
        if not tok.isalpha() and not _CHEQUE.fullmatch(tok):
            raise _bad(text, f"unexpected {tok!r}")
    return tokens


@lru_cache(maxsize=1)
def _iso_codes() -> frozenset[str]:
    from babel.numbers import list_currencies

    return frozenset(c.lower() for c in list_currencies())


def _currency_at(tokens: list[str], i: int) -> tuple[int, str | None] | None:
    """(length, ISO code) of a major-currency phrase starting at ``i``."""
    phrases = en_major_phrases()
    for length in (3, 2, 1):
        phrase = " ".join(tokens[i : i + length])
        if len(tokens) - i >= length and phrase in phrases:
            return length, phrases[phrase]
    tok = tokens[i]
    if tok in _iso_codes() and tok not in _NUMBER_WORDS and tok not in EN_MINOR_WORDS:
        return 1, tok.upper()
    return None


def _find_currency(tokens: list[str], text: str) -> tuple[int, int, str | None] | None:
    found: list[tuple[int, int, str | None]] = []
    i = 0
    while i < len(tokens):
        hit = _currency_at(tokens, i)
        if hit:
            found.append((i, i + hit[0], hit[1]))
            i += hit[0]
        else:
            i += 1
    if len(found) > 1:
        raise _bad(text, "the currency is named twice")
    return found[0] if found else None


def _group(tokens: list[str], after_scale: bool, text: str) -> int:
    """A number below 1000: [digit hundred [and]] [tens [digit] | teen | digit]."""
    if tokens and tokens[0] == "and":
        if not after_scale:
            raise _bad(text, "'and' in the wrong place")
        value = _group(tokens[1:], False, text)
        if not 0 < value < 100:
            raise _bad(text, "'and' in the wrong place")
        return value
    value, rest = 0, tokens
    if len(tokens) >= 2 and tokens[1] == "hundred":
        if not 1 <= _ONES_VALUE.get(tokens[0], 0) <= 9:
            raise _bad(text, f"{tokens[0]!r} hundred")
        value, rest = _ONES_VALUE[tokens[0]] * 100, tokens[2:]
        if rest and rest[0] == "and":
            rest = rest[1:]
            if not rest:
                raise _bad(text, "'and' with nothing after it")
    return value + _tens(rest, text)


def _tens(rest: list[str], text: str) -> int:
    if not rest:
        return 0
    if len(rest) == 1 and 1 <= _ONES_VALUE.get(rest[0], 0) <= 19:
        return _ONES_VALUE[rest[0]]
    if rest[0] in _TENS_VALUE:
        if len(rest) == 1:
            return _TENS_VALUE[rest[0]]
        if len(rest) == 2 and 1 <= _ONES_VALUE.get(rest[1], 0) <= 9:
            return _TENS_VALUE[rest[0]] + _ONES_VALUE[rest[1]]
    raise _bad(text, f"cannot read {' '.join(rest)!r}")


def parse_integer(tokens: list[str], text: str) -> int:
    """A cardinal written in words; scales must fall and each needs a number before it."""
    if not tokens:
        raise _bad(text, "no number")
    if tokens == ["zero"]:
        return 0
    total, current, last_scale = 0, [], 10**18
    for tok in tokens:
        if tok not in _NUMBER_WORDS or tok == "zero":
            raise _bad(text, f"unexpected {tok!r}")
        if tok not in _SCALE_VALUE:
            current.append(tok)
            continue
        scale = _SCALE_VALUE[tok]
        value = _group(current, last_scale < 10**18, text)
        if not value or scale >= last_scale:
            raise _bad(text, f"{tok!r} out of place")
        total, current, last_scale = total + value * scale, [], scale
    return total + _group(current, last_scale < 10**18, text)


def _minor(tokens: list[str], text: str) -> tuple[int, int]:
    """(minor amount, digits) from 'fifty cents', 'cents fifty' or '50/100'."""
    if len(tokens) == 1 and _CHEQUE.fullmatch(tokens[0]):
        num, den = _CHEQUE.fullmatch(tokens[0]).groups()  # type: ignore[union-attr]
        return int(num), len(den) - 1
    if tokens and tokens[-1] in EN_MINOR_WORDS:
        unit, words = tokens[-1], tokens[:-1]
    elif tokens and tokens[0] in EN_MINOR_WORDS:
        unit, words = tokens[0], tokens[1:]
    else:
        raise _bad(text, "cannot read the minor part")
    return parse_integer(words, text), 3 if unit.startswith("thousandth") else 2


def _has_minor(tokens: list[str]) -> bool:
    return any(t in EN_MINOR_WORDS or _CHEQUE.fullmatch(t) for t in tokens)


def _split_minor(tokens: list[str], text: str) -> tuple[list[str], list[str]]:
    """Split 'N and M cents' / 'N cents M' (currency first) into major and minor words."""
    if not _has_minor(tokens):
        return tokens, []
    for i in range(len(tokens) - 1, -1, -1):
        if tokens[i] == "and" and _has_minor(tokens[i + 1 :]):
            return tokens[:i], tokens[i + 1 :]
    for i, tok in enumerate(tokens):
        if _CHEQUE.fullmatch(tok) or (tok in EN_MINOR_WORDS and i + 1 < len(tokens)):
            return tokens[:i], tokens[i:]
    raise _bad(text, "write 'and' before the minor amount")


def _amount(major: int, minor: tuple[int, int] | None, text: str) -> Decimal:
    if minor is None:
        return Decimal(major)
    value, places = minor
    if value >= 10**places:
        raise _bad(text, "the minor part is not below one unit")
    return Decimal(major) + Decimal(value).scaleb(-places)


def _split_around(tokens: list[str], start: int, end: int, text: str) -> tuple[list[str], list[str]]:
    """Major and minor words around a currency named at tokens[start:end]."""
    if start == 0:
        return _split_minor(tokens[end:], text)
    major, minor = tokens[:start], tokens[end:]
    if minor and minor[0] == "and":
        minor = minor[1:]
    if len(major) >= 2 and major[-2] == "and" and _CHEQUE.fullmatch(major[-1]):
        if minor:
            raise _bad(text, "two minor parts")
        major, minor = major[:-2], major[-1:]
    if minor and not _has_minor(minor):
        raise _bad(text, "words after the currency that are not a minor amount")
    return major, minor


def parse_en(text: str) -> ParsedWords:
    """Read an English amount in words (see module doc); raises WordsError when unreadable."""
    tokens = _tokens(text)
    if not tokens:
        raise _bad(text, "no words")
    hit = _find_currency(tokens, text)
    if hit is None:
        if _has_minor(tokens):  # a bare minor amount: "fifty cents"
            return ParsedWords(_amount(0, _minor(tokens, text), text), None, "en", [])
        return ParsedWords(_amount(parse_integer(tokens, text), None, text), None, "en", [])
    start, end, currency = hit
    major_tokens, minor_tokens = _split_around(tokens, start, end, text)
    minor = _minor(minor_tokens, text) if minor_tokens else None
    return ParsedWords(_amount(parse_integer(major_tokens, text), minor, text), currency, "en", [])
