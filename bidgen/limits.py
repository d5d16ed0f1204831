"""The limits on input, rendering and reading back, and the one rule for unprintable characters.

Every limit has a default and can be changed in a workspace's ``bidgen-workspace.yaml``::

    limits:
      max_text_length: 100000      # characters in one text value of a deal, meeting or tender
      max_amount: 1000000000000    # largest amount/price/quantity a document states (10^12)
      render_seconds: 10           # time one template may take to render
      render_output_mb: 64         # text one template part may produce
      readback_part_mb: 64         # uncompressed size of one XML part read back (check, read-back)
      readback_elements: 1000000   # XML elements in one part read back
      workbook_part_mb: 256        # uncompressed size of one part of a deals workbook (.xlsx)

(see docs/input.md, "Limits").  :func:`configure` sets them for the current run (the CLI
does it for the workspace it uses); :func:`current` returns them.

**Unprintable characters** (control characters other than tab and line break, DEL, the C1
controls, unpaired surrogates and the non-characters U+FFFE/U+FFFF) are removed from every text
value of an input file when it is read, with one warning per file naming the file and the key
paths (``deal.yaml: removed control characters or unpaired surrogates from client.name (line
16), …``).  A carriage return becomes a line break.  Nothing past the reader ever sees them, so
no output (Word, e-mail, reports, terminal) can be broken by them.

The same rule removes the invisible **format characters that can disguise text**: the bidi
embeddings and overrides U+202A–U+202E and isolates U+2066–U+2069 (``Invoice \u202eexe.fdp\u202c``
displays as "Invoice pdf.exe"), the invisible operators U+2061–U+2064, the deprecated format
characters U+206A–U+206F, U+FEFF inside text, the interlinear annotation characters
U+FFF9–U+FFFB and the tag characters U+E0001, U+E0020–U+E007F (except inside an emoji flag
sequence such as 🏴 + tags).  The direction marks U+200E, U+200F and U+061C are removed from a
value with no right-to-left letter (where they can only disguise) and kept in one with Arabic,
Hebrew or other right-to-left text (where they place digits and punctuation).  Characters that
occur in real names and words stay: U+200C/U+200D (ZWNJ/ZWJ, Persian, Indic scripts, emoji),
U+200B, U+2060, U+00AD, variation selectors.
"""

from __future__ import annotations

import contextvars
import re
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from typing import Any

from bidgen.errors import InputError

__all__ = ["Limits", "configure", "current", "from_mapping", "UNPRINTABLE_RE", "strip_unprintable",
           "unprintable_removed"]


@dataclass(frozen=True)
class Limits:
    max_text_length: int = 100_000
    max_amount: Decimal = Decimal(10) ** 12
    render_seconds: float = 10.0
    render_output_mb: float = 64.0
    readback_part_mb: float = 64.0
    readback_elements: int = 1_000_000
    workbook_part_mb: float = 256.0


_CURRENT: contextvars.ContextVar[Limits] = contextvars.ContextVar("bidgen_limits", default=Limits())

_MARKS = "\u200e\u200f\u061c"  # LRM, RLM, ALM: kept in right-to-left text
_DISGUISE = ("\u202a-\u202e\u2066-\u2069"  # bidi embeddings, overrides, isolates
             "\u2061-\u2064\u206a-\u206f\ufeff\ufff9-\ufffb\U000e0001\U000e0020-\U000e007f")

#: What the reader removes (see the module doc); direction marks and tag characters only where
#: :func:`strip_unprintable` finds them out of place.
UNPRINTABLE_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
                            + _DISGUISE + _MARKS + "]")
_RTL_RE = re.compile("[\u0590-\u05ff\u0600-\u061b\u061d-\u08ff\ufb1d-\ufdff\ufe70-\ufefc"
                     "\U00010800-\U00010fff\U0001e800-\U0001efff]")
_FLAG_RE = re.compile("\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f")


def _strip(text: str, removed: set[str] | None) -> str:
    if not UNPRINTABLE_RE.search(text):
        return text
    keep_marks = bool(_RTL_RE.search(text))
    flags = [m.span() for m in _FLAG_RE.finditer(text)] if "\U0001f3f4" in text else []

    def repl(m: re.Match[str]) -> str:
        c = m.group()
        if keep_marks and c in _MARKS:
            return c
        if flags and "\U000e0020" <= c <= "\U000e007f" and any(a < m.start() < b for a, b in flags):
            return c
        if removed is not None:
            removed.add(c)
        return ""

    return UNPRINTABLE_RE.sub(repl, text)


def strip_unprintable(text: str) -> str:
    """``text`` without the characters the reader removes (see the module doc), carriage returns
    as line breaks."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _strip(text, None)


def unprintable_removed(text: str) -> list[str]:
    """The characters :func:`strip_unprintable` removes from ``text``, sorted, each once."""
    removed: set[str] = set()
    _strip(text, removed)
    return sorted(removed)


def current() -> Limits:
    """The limits in force."""
    return _CURRENT.get()


def configure(limits: Limits) -> contextvars.Token[Limits]:
    """Put ``limits`` in force (for this thread/context); returns a token for ``reset``."""
    return _CURRENT.set(limits)


def reset(token: contextvars.Token[Limits]) -> None:
    _CURRENT.reset(token)


_BOUNDS: dict[str, tuple[Decimal, Decimal]] = {
    "max_text_length": (Decimal(1), Decimal(10_000_000)),
    "max_amount": (Decimal(1), Decimal(10) ** 15),
    "render_seconds": (Decimal("0.1"), Decimal(600)),
    "render_output_mb": (Decimal("0.1"), Decimal(2048)),
    "readback_part_mb": (Decimal("0.1"), Decimal(2048)),
    "readback_elements": (Decimal(100), Decimal(100_000_000)),
    "workbook_part_mb": (Decimal(1), Decimal(4096)),
}


def from_mapping(data: Any, *, file: str | None = None, line_of: Any = None, base: Limits | None = None) -> Limits:
    """Limits from a ``limits:`` mapping; unknown keys and bad values are located InputErrors.

    ``max_amount`` may not exceed 10^15 (what the amounts in words can state), the others are
    bounded so that a planted file cannot switch a limit off."""
    base = base or Limits()
    if data is None:
        return base
    if not isinstance(data, dict):
        raise InputError("expected a mapping of limits", file=file, field="limits",
                         line=line_of(("limits",)) if line_of else None)
    known = {f.name: f.type for f in fields(Limits)}
    changes: dict[str, Any] = {}
    for key, value in data.items():
        where = {"file": file, "field": f"limits.{key}", "line": line_of(("limits", key)) if line_of else None}
        if key not in known:
            raise InputError(f"unknown limit; expected one of: {', '.join(known)}", **where)
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            raise InputError(f"expected a number, got {value!r}", **where)
        number = Decimal(str(value))
        low, high = _BOUNDS[key]
        if not number.is_finite() or not low <= number <= high:
            raise InputError(f"must be between {low} and {high}: {value}", **where)
        default = getattr(base, key)
        if isinstance(default, int):
            if number != number.to_integral_value():
                raise InputError(f"expected a whole number: {value}", **where)
            changes[key] = int(number)
        elif isinstance(default, Decimal):
            changes[key] = number
        else:
            changes[key] = float(number)
    return replace(base, **changes)
