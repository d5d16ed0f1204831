"""Reading one spreadsheet cell into the value its column means, exactly and without guessing.

What a person sees in Excel is what bidgen reads:

* a number is the decimal Excel shows (at most 15 significant digits, Excel's own precision),
  built from the shortest text of the stored double, never by float arithmetic:
  2.675 stays ``Decimal('2.675')``, 0.1 never becomes 0.1000000000000000055;
* a cell formatted as a percentage (it shows ``5%``) is 5 in a percent column; a plain number
  is in percent units as in YAML (``30`` is 30 %) except between 0 and 1, which is ambiguous
  (``0.05``: 5 % or 0.05 %?) and refused with the fix in words;
* identifiers and codes must be text cells: a number there may already have lost digits or
  leading zeros in Excel, so it is refused (format the column as Text and type it again);
* dates must be date cells (or ISO text ``2026-11-20``); a date in any other column is refused
  (Excel turns ``3-4`` into the 4th of March);
* yes/no columns take TRUE/FALSE cells or the text yes/no/true/false;
* an error value (``#N/A``) is refused; text is kept as text (``NA``, ``None``, ``NULL`` too);
* a number whose number format hides some of its digits (240.675 formatted ``0.00`` shows
  240.68) is refused in money, quantity, whole-number and percent columns: the person sees one
  value and the cell holds another (see :func:`shown_number`).

:func:`cell_value` raises :class:`CellProblem` with the message a user reads.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext
from typing import Any

from bidgen.inputs.base import QUOTE_MAX, quote
from bidgen.inputs.sheets import Column

__all__ = ["CellProblem", "Oversize", "cell_value", "excel_decimal", "is_percent_format", "column_letter", "shown_number",
           "Shown"]

#: Excel shows and keeps at most 15 significant digits.
EXCEL_DIGITS = 15

_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


class CellProblem(ValueError):
    """A cell whose value cannot carry its column's meaning; the text says what to do."""


class Oversize:
    """The value of a cell whose text is far longer than ``limits.max_text_length``: it was skipped
    while reading, without being built (a 440 KB .xlsx can hold a 250 MB cell), and only its size in
    the file is kept.  Reading it for a column is the located error of its deal."""

    __slots__ = ("size",)

    def __init__(self, size: int) -> None:
        self.size = size

    def __reduce__(self) -> tuple[Any, ...]:
        return (Oversize, (self.size,))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Oversize) and other.size == self.size

    def __hash__(self) -> int:
        return hash(("Oversize", self.size))

    def __str__(self) -> str:
        return f"(a text of {self.size:,} bytes)"

    __repr__ = __str__

    def problem(self) -> str:
        from bidgen.limits import current

        limit = current().max_text_length
        return (f"text of more than {limit:,} characters ({self.size:,} bytes in the file, not read); the limit is "
                f"{limit:,} (limits.max_text_length in the workspace)")


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def is_percent_format(number_format: str | None) -> bool:
    """Whether a number format shows its value as a percentage (``0%``, ``0.00%``)."""
    if not number_format:
        return False
    return "%" in _QUOTED.sub("", number_format)


def excel_decimal(value: float | int | Decimal) -> Decimal:
    """The decimal Excel shows for a stored number (its stored digits, or a float's shortest repr),
    at most 15 significant digits."""
    if isinstance(value, int):
        return Decimal(value)
    exact = value if isinstance(value, Decimal) else Decimal(repr(value))
    if not exact.is_finite():
        raise CellProblem(f"not a number: {value}")
    digits = exact.as_tuple().digits
    if len(digits) > EXCEL_DIGITS:
        with localcontext() as ctx:
            ctx.prec = EXCEL_DIGITS
            exact = +exact
    return _tidy(exact)


def _tidy(value: Decimal) -> Decimal:
    """Drop trailing zeros of a fraction without turning 48000 into 4.8E+4."""
    try:
        if value == value.to_integral_value():
            return value.quantize(Decimal(1))
        return value.normalize()
    except InvalidOperation:  # beyond the context's precision (1e308): the model's limits refuse it, located
        return value


_TRUE = {"yes", "true", "y"}
_FALSE = {"no", "false", "n"}


def _shown(number: Decimal) -> str:
    text = format(number, "f")
    return text if len(text) <= QUOTE_MAX else f"{text[:QUOTE_MAX]}… ({len(text):,} characters)"


def _number(value: Any, column: Column, number_format: str | None) -> Any:
    """A numeric cell in its column."""
    kind = column.kind
    number = excel_decimal(value)
    percent_cell = is_percent_format(number_format)
    if kind in ("number", "integer", "percent"):
        _all_digits_shown(number, number_format, kind)
    if kind == "percent":
        if percent_cell:
            return _tidy(number.scaleb(2))
        return _plain_percent(number, _shown(number))
    if percent_cell:
        raise CellProblem(
            f"the cell shows a percentage ({_shown(_tidy(number.scaleb(2)))}%) but this column is not a "
            "percentage; format the cell as a number"
        )
    if kind in ("number", "integer"):
        return number
    if kind == "code":
        raise CellProblem(
            f"a number ({_shown(number)}) in a column of identifiers or codes: Excel may already have "
            "dropped digits or leading zeros; format the column as Text and type the value again"
        )
    if kind == "text":
        if number == number.to_integral_value() and len(number.as_tuple().digits) <= EXCEL_DIGITS:
            return _shown(number)
        raise CellProblem(f"a number ({_shown(number)}) where text is expected; format the cell as Text")
    if kind == "date":
        raise CellProblem(
            f"a number ({_shown(number)}), not a date: format the cell as a date or type the date as "
            "YYYY-MM-DD"
        )
    if kind == "bool":
        raise CellProblem(f"a number ({_shown(number)}) where yes or no is expected")
    raise CellProblem(f"a number ({_shown(number)}) where one of {', '.join(column.choices)} is expected")


def _plain_percent(number: Decimal, shown: str) -> Decimal:
    if Decimal(0) < number < Decimal(1):
        raise CellProblem(
            f"{shown} is ambiguous in a percent column (percent units: 30 means 30%): type {shown}% "
            f"for {shown} percent, or format the cell as a percentage"
        )
    return number


def _text_cell(text: str, column: Column) -> Any:
    kind = column.kind
    if kind == "bool":
        low = text.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise CellProblem(f"expected yes or no, got {quote(text)}")
    if kind == "percent":
        stripped = text.strip()
        if not stripped.endswith("%") and re.fullmatch(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)", stripped):
            return _plain_percent(Decimal(stripped), stripped)
    return text


def cell_value(value: Any, column: Column, number_format: str | None = None, error: bool = False) -> Any:
    """The value of one non-empty cell for ``column``; :class:`CellProblem` when it cannot be read
    without loss.  ``error`` marks an Excel error value (``#N/A``, ``#DIV/0!``)."""
    if value.__class__ is Oversize:
        raise CellProblem(value.problem())
    if error:
        raise CellProblem(f"the cell shows the error {value}; fix the formula or type the value")
    if isinstance(value, bool):
        if column.kind == "bool":
            return value
        raise CellProblem(f"a TRUE/FALSE cell where {_expects(column)} is expected")
    if isinstance(value, _dt.datetime):
        if column.kind != "date":
            raise CellProblem(
                f"a date ({value:%Y-%m-%d}) where {_expects(column)} is expected: Excel may have turned "
                "the typed text into a date; format the cell as Text and type it again"
            )
        if value.time() != _dt.time(0):
            raise CellProblem(f"a date with a time of day ({value:%Y-%m-%d %H:%M}); give the date alone")
        return value.date()
    if isinstance(value, _dt.date):
        if column.kind != "date":
            raise CellProblem(f"a date ({value:%Y-%m-%d}) where {_expects(column)} is expected")
        return value
    if isinstance(value, (_dt.time, _dt.timedelta)):
        raise CellProblem(f"a time or duration where {_expects(column)} is expected")
    if isinstance(value, (int, float, Decimal)):
        return _number(value, column, number_format)
    if isinstance(value, str):
        return _text_cell(value, column)
    raise CellProblem(f"a cell of an unknown type ({type(value).__name__})")


def _expects(column: Column) -> str:
    return {
        "number": "a number",
        "percent": "a percentage",
        "integer": "a whole number",
        "date": "a date",
        "code": "an identifier or code (text)",
        "text": "text",
        "bool": "yes or no",
        "enum": "one of " + ", ".join(column.choices),
    }[column.kind]


# --------------------------------------------------------------------------- number formats

@dataclass(frozen=True)
class Shown:
    """What a number format shows of a number: ``value`` (in the cell's own units: 0.1235 for
    ``12.35%``) and ``text`` as the person reads it (``12.35%``, ``1,240.68``, ``1,235`` for
    thousands); ``value`` None when the format shows none of the number's digits (a section of
    text only, or an empty one)."""

    value: Decimal | None
    text: str


class UnknownFormat(ValueError):
    """A number format bidgen cannot tell the shown digits of (conditions, engineering notation,
    text placeholders in a number section, letters that are no format code)."""


_SECTION_SKIP = re.compile(r'"[^"]*"|\\.|_.|\*.|\[[^\]]*\]', re.S)
_CONDITION = re.compile(r"\[\s*[<>=]")
_PLACEHOLDER = "0#?"


def _sections(number_format: str) -> list[str]:
    """The ``;``-separated sections of a format (a ``;`` inside quotes, brackets or after a
    backslash does not separate)."""
    out, start, i = [], 0, 0
    while i < len(number_format):
        c = number_format[i]
        if c == '"':
            end = number_format.find('"', i + 1)
            i = len(number_format) if end < 0 else end + 1
            continue
        if c == "[":
            end = number_format.find("]", i + 1)
            i = len(number_format) if end < 0 else end + 1
            continue
        if c in "\\_*":
            i += 2
            continue
        if c == ";":
            out.append(number_format[start:i])
            start = i + 1
        i += 1
    out.append(number_format[start:])
    return out


def _round(value: Decimal, places: int) -> Decimal:
    """Rounded as Excel shows it: half away from zero."""
    from decimal import ROUND_HALF_UP

    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def shown_number(number: Decimal, number_format: str | None) -> Shown | None:
    """What ``number_format`` shows of ``number``; None when it shows every stored digit as it
    stands (``General``, no format).  Raises :class:`UnknownFormat` for a format whose shown
    digits bidgen cannot tell.

    Understood: sections ``positive;negative;zero;text`` (the negative section shows the number
    without its sign; zero always shows as it is); quoted and escaped literal text, ``_x``
    spacing, ``*x`` fill and ``[...]`` colours and currencies are not digits; the decimal places
    are the ``0 # ?`` placeholders after the decimal point; each ``%`` multiplies by 100; each
    comma right after the last digit placeholder divides by 1,000 (a comma between placeholders
    groups thousands); ``0.00E+00`` shows that many significant digits; ``# ?/?`` and ``# ?/8``
    show fractions (exact when the number is a fraction with such a denominator)."""
    fmt = (number_format or "").strip()
    if not fmt or fmt.lower() == "general" or number == 0:
        return None
    sections = _sections(fmt)
    if any(_CONDITION.search(sec) for sec in sections):
        raise UnknownFormat(fmt)
    if number < 0 and len(sections) >= 2:
        section, magnitude = sections[1], -number
    else:
        section, magnitude = sections[0], abs(number)
    code = _SECTION_SKIP.sub("", section)
    if code.strip().lower() in ("general", "@"):
        return None  # a number in a Text-formatted cell shows as General
    if "@" in code:
        raise UnknownFormat(fmt)
    if not any(c in _PLACEHOLDER for c in code):
        if any(c.isalpha() for c in code):
            raise UnknownFormat(fmt)
        return Shown(None, "")  # a section of literal text only: none of the digits
    letters = {c.lower() for c in code if c.isalpha()}
    percents = code.count("%")
    if "/" in code:
        if letters:
            raise UnknownFormat(fmt)
        return _fraction(number, magnitude, code, fmt)
    if letters - {"e"} or ("e" in letters and not re.search(r"[eE][+-]", code)):
        raise UnknownFormat(fmt)
    scaled = magnitude.scaleb(2 * percents)
    mantissa, _e, _exp = re.split(r"([eE][+-])", code, maxsplit=1) if "e" in letters else (code, "", "")
    whole, point, decimals = mantissa.partition(".")
    places = sum(c in _PLACEHOLDER for c in decimals)
    if "e" in letters:
        if sum(c in _PLACEHOLDER for c in whole) != 1:
            raise UnknownFormat(fmt)  # engineering notation (##0.0E+0) and the like
        exponent = scaled.adjusted()
        shown = _round(scaled.scaleb(-exponent), places)
        if shown.adjusted() > 0:  # 9.99 rounded up to 10.0: one place more to the left
            exponent += 1
            shown = _round(scaled.scaleb(-exponent), places)
        back = shown.scaleb(exponent)
        text = f"{shown}E{'+' if exponent >= 0 else '-'}{abs(exponent):02d}"
    else:
        # commas right after the last digit placeholder (of the whole part before the point, or
        # of the number) scale by 1,000 each; a comma between placeholders groups thousands
        scale = _trailing_commas(decimals) + _trailing_commas(whole) if point else _trailing_commas(whole)
        shown = _round(scaled.scaleb(-3 * scale), places)
        back = shown.scaleb(3 * scale)
        grouped = re.search(r"[0#?],+[0#?]", whole) is not None
        text = f"{shown:,}" if grouped else str(shown)
        if scale:
            text += " (in thousands)" if scale == 1 else " (in millions)" if scale == 2 else f" (× 1e{3 * scale})"
    text += "%" * percents
    if number < 0:
        text = f"({text})" if len(sections) >= 2 and "(" in _SECTION_SKIP.sub("", section.replace("\\(", "(")) \
            else "-" + text if len(sections) < 2 or "-" in section else text
    value = back.scaleb(-2 * percents)
    return Shown(-value if number < 0 else value, text)


def _may_scale(number_format: str) -> bool:
    """Whether any section of a format may show a number scaled (a comma after the last digit
    placeholder, E notation, a percent sign)."""
    for section in _sections(number_format):
        code = _SECTION_SKIP.sub("", section)
        if re.search(r"[0#?],+(?![,]*[0#?])", code) or re.search(r"[eE][+-]", code) or "%" in code:
            return True
    return False


def _trailing_commas(part: str) -> int:
    """The commas right after the last digit placeholder of ``part``."""
    last = max((i for i, c in enumerate(part) if c in _PLACEHOLDER), default=-1)
    if last < 0:
        return 0
    rest = part[last + 1:]
    return len(rest) - len(rest.lstrip(","))


def _fraction(number: Decimal, magnitude: Decimal, code: str, fmt: str) -> Shown:
    from fractions import Fraction

    before, _slash, after = code.partition("/")
    denominator = after.strip().rstrip("%").strip()
    exact = Fraction(magnitude)
    has_whole = bool(re.search(r"[0#?][^0#?]+[0#?]", before.strip()))
    whole = int(exact) if has_whole else 0
    rest = exact - whole
    if denominator.isdigit() and int(denominator) > 0:
        d = int(denominator)
        approx = Fraction(round(rest * d), d)
        shown_text = f"{round(rest * d)}/{d}"
    elif denominator and all(c in _PLACEHOLDER for c in denominator):
        approx = rest.limit_denominator(10 ** len(denominator) - 1)
        shown_text = f"{approx.numerator}/{approx.denominator}"
    else:
        raise UnknownFormat(fmt)
    value = Decimal(whole) + Decimal(approx.numerator) / Decimal(approx.denominator)
    text = (f"{whole} " if has_whole and whole else "") + shown_text
    if approx == rest:
        value = magnitude
    return Shown(-value if number < 0 else value, ("-" if number < 0 else "") + text)


_FIX = {"number": "type the amount you mean", "integer": "type the number you mean",
        "percent": "type the percentage you mean"}


def _all_digits_shown(number: Decimal, number_format: str | None, kind: str) -> None:
    """Refuse a number whose format hides digits of it (see :func:`shown_number`)."""
    try:
        shown = shown_number(number, number_format)
    except UnknownFormat:
        if number == number.to_integral_value() and not _may_scale(number_format or ""):
            return  # a whole number: no format that neither scales nor writes E notation hides a digit of it
        raise CellProblem(
            f"bidgen cannot tell which digits the number format {number_format!r} shows of {_shown(number)}: "
            "format the cell as Number with every decimal (or General) so that it shows what it holds"
        ) from None
    if shown is None or shown.value == number:
        return
    held = _shown(number)
    if is_percent_format(number_format):
        held = _shown(_tidy(number.scaleb(2))) + "%"
    if shown.value is None:
        raise CellProblem(f"the cell shows none of its number (it holds {held}): {_FIX[kind]}, or give the cell a "
                          "number format that shows it")
    raise CellProblem(f"the cell shows {shown.text} but holds {held}: {_FIX[kind]}, or widen the number format to "
                      "show every digit")
