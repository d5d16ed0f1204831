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
"""

from __future__ import annotations

import contextvars
import re
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from typing import Any

from bidgen.errors import InputError

__all__ = ["Limits", "configure", "current", "from_mapping", "UNPRINTABLE_RE", "strip_unprintable"]


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

#: What the reader removes (see the module doc).
UNPRINTABLE_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def strip_unprintable(text: str) -> str:
    """``text`` without the characters of :data:`UNPRINTABLE_RE`, carriage returns as line breaks."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return UNPRINTABLE_RE.sub("", text)


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
