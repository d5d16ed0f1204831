"""Turning pydantic validation errors into located, plain-words :class:`InputError` lines.

``items[0].unit_prise: unknown key; did you mean 'unit_price'?`` rather than pydantic's
``items.0.unit_prise  Extra inputs are not permitted [type=extra_forbidden, ...]``.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from enum import Enum
from typing import Any, Callable

from pydantic import BaseModel, ValidationError

from bidgen.errors import InputError
from bidgen.inputs.base import QUOTE_MAX, describe, quote

__all__ = ["translate", "field_path", "fields_at", "did_you_mean", "edits", "lookalike_key", "lookalike_chars", "quote"]

Loc = tuple[str | int, ...]

#: Characters that look like a hyphen-minus (every Unicode dash, the minus sign, the hyphens Word and
#: Outlook put in pasted text) and characters that take no room on screen.
_DASHES = re.compile("[\u002d\u00ad\u058a\u05be\u1400\u1806\u2010-\u2015\u2043\u2212\u2e17\u2e1a\u2e3a"
                     "\u2e3b\u2e40\u301c\u3030\u30a0\ufe31\ufe32\ufe58\ufe63\uff0d]")
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff]")
_SPACES = re.compile(r"\s+")


def lookalike_key(text: str) -> str:
    """What an id looks like on screen: NFKC (full-width ``Ｄ`` → ``D``), every dash or hyphen →
    ``-``, invisible characters dropped, white space trimmed and collapsed, case folded.  Two ids
    with one key cannot be told apart by a person reading them."""
    import unicodedata

    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    text = _DASHES.sub("-", text)
    return _SPACES.sub(" ", text).strip().casefold()


def lookalike_chars(text: str, other: str) -> str:
    """The characters of ``text`` that ``other`` does not have, named by code point:
    ``U+2011 NON-BREAKING HYPHEN``; what tells two look-alike ids apart in a message."""
    import unicodedata

    seen: list[str] = []
    for ch in text:
        if ch not in other and ch not in seen:
            seen.append(ch)
    names = [f"U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed character')}" for ch in seen[:4]]
    if len(seen) > 4:
        names.append(f"{len(seen) - 4} more")
    return ", ".join(names)




def field_path(loc: Loc) -> str:
    """``('items', 2, 'unit_price')`` → ``items[2].unit_price``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _unwrap(tp: Any) -> Any:
    """Strip Annotated, Optional and tuple/list wrappers down to the element type."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        elif origin in (tuple, list):
            tp = typing.get_args(tp)[0]
        else:
            return tp


def _type_at(root: type[BaseModel], path: Loc) -> Any:
    current: Any = root
    for part in path:
        current = _unwrap(current)
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(part)
        if info is None:
            return None
        current = info.annotation
    return _unwrap(current)


def fields_at(root: type[BaseModel], path: Loc) -> list[str]:
    """The key names allowed at ``path`` inside ``root`` (empty if not a model there)."""
    tp = _type_at(root, path)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return list(tp.model_fields)
    return []


def did_you_mean(word: str, choices: list[str]) -> str | None:
    """The closest choice to ``word`` (case-insensitive), if one is close enough: difflib's most
    alike, and among choices equally alike the fewest typing slips away (:func:`edits`), then the
    one whose numbers are the same numbers (``D-0003`` → ``D-00003``, not ``D-00053``: both one
    character away, difflib alone picked by string order), then the first."""
    lowered: dict[str, str] = {}
    for c in choices:
        lowered.setdefault(c.lower(), c)
    target = word.lower()
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(target)
    best: list[str] = []
    top = 0.6  # difflib's cutoff
    for cand in lowered:
        matcher.set_seq1(cand)
        if matcher.real_quick_ratio() < top or matcher.quick_ratio() < top:
            continue
        ratio = matcher.ratio()
        if ratio > top + 1e-9:
            top, best = ratio, [cand]
        elif ratio >= top - 1e-9:
            best.append(cand)
    if not best:
        return None
    if len(best) > 1:
        numbers = _NUMBERS.sub(_as_number, target)
        best.sort(key=lambda c: (edits(target, c), edits(numbers, _NUMBERS.sub(_as_number, c))))
    return lowered[best[0]]


_NUMBERS = re.compile(r"[0-9]+")


def _as_number(m: re.Match[str]) -> str:
    return m.group().lstrip("0") or "0"


def edits(a: str, b: str) -> int:
    """The typing slips between ``a`` and ``b``: characters changed, added, dropped, or two
    neighbours swapped (the optimal string alignment distance)."""
    if a == b:
        return 0
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], prev2[j - 2] + 1)
        prev2, prev = prev, row
    return prev[-1]


def _unknown_key(err: dict[str, Any], root: type[BaseModel]) -> str:
    loc: Loc = tuple(err["loc"])
    key = str(loc[-1])
    allowed = fields_at(root, loc[:-1])
    hint = did_you_mean(key, allowed)
    if hint:
        return f"unknown key; did you mean '{hint}'?"
    if allowed:
        return "unknown key; expected one of: " + ", ".join(allowed)
    return "unknown key"


def _enum_choices(err: dict[str, Any], root: type[BaseModel]) -> list[str]:
    tp = _type_at(root, tuple(err["loc"]))
    if isinstance(tp, type) and issubclass(tp, Enum):
        return [str(m.value) for m in tp]
    return re.findall(r"'([^']*)'", str(err.get("ctx", {}).get("expected", "")))


def _enum(err: dict[str, Any], root: type[BaseModel]) -> str:
    choices = _enum_choices(err, root)
    value = err.get("input")
    message = f"not one of {', '.join(choices)}: {describe(value)}"
    hint = did_you_mean(str(value), choices) if isinstance(value, str) else None
    return f"{message}; did you mean '{hint}'?" if hint else message


def _missing(err: dict[str, Any], root: type[BaseModel]) -> str:
    return "required key is missing"


def _custom(err: dict[str, Any], root: type[BaseModel]) -> str:
    error = err.get("ctx", {}).get("error")
    if error is not None:
        return str(error)
    return re.sub(r"^(Value|Assertion) error,\s*", "", str(err["msg"]))


def _invalid_key(err: dict[str, Any], root: type[BaseModel]) -> str:
    return "a key must be text; put it in quotes"


def _too_short(err: dict[str, Any], root: type[BaseModel]) -> str:
    need = err.get("ctx", {}).get("min_length", 1)
    return f"needs at least {need} entr{'y' if need == 1 else 'ies'}"


def _mapping(err: dict[str, Any], root: type[BaseModel]) -> str:
    return f"expected a mapping of keys (key: value), got {describe(err.get('input'))}"


def _sequence(err: dict[str, Any], root: type[BaseModel]) -> str:
    return f"expected a list, got {describe(err.get('input'))}"


def _boolean(err: dict[str, Any], root: type[BaseModel]) -> str:
    return f"expected true or false, got {describe(err.get('input'))}"


_HANDLERS: dict[str, Callable[[dict[str, Any], type[BaseModel]], str]] = {
    "extra_forbidden": _unknown_key,
    "missing": _missing,
    "enum": _enum,
    "value_error": _custom,
    "assertion_error": _custom,
    "too_short": _too_short,
    "invalid_key": _invalid_key,
    "model_type": _mapping,
    "model_attributes_type": _mapping,
    "dict_type": _mapping,
    "tuple_type": _sequence,
    "list_type": _sequence,
    "bool_type": _boolean,
    "bool_parsing": _boolean,
}


def _generic(err: dict[str, Any]) -> str:
    msg = str(err.get("msg", "invalid value"))
    msg = re.sub(r"^Input should be ", "expected ", msg)
    return f"{msg}, got {describe(err.get('input'))}"


def message_for(err: dict[str, Any], root: type[BaseModel]) -> str:
    """The plain-words message for one pydantic error dict."""
    if err.get("input") is None and err["type"] not in ("missing", "extra_forbidden"):
        return "is empty; a value is required here"
    handler = _HANDLERS.get(err["type"])
    return handler(err, root) if handler else _generic(err)


def translate(
    exc: ValidationError,
    root: type[BaseModel],
    *,
    file: str | None = None,
    line_of: Callable[[Loc], int | None] | None = None,
) -> list[InputError]:
    """One :class:`InputError` per pydantic error, located and sorted by line."""
    out: list[InputError] = []
    for err in exc.errors(include_url=False):
        loc: Loc = tuple(err["loc"])
        if err["type"] == "invalid_key" and loc:
            loc = loc[:-1] + (str(loc[-1]),)
        line = line_of(loc) if line_of else None
        out.append(InputError(message_for(dict(err), root), file=file, field=field_path(loc) or None, line=line))
    return sorted(out, key=lambda e: e.where.line if e.where.line is not None else 0)
