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
* an error value (``#N/A``) is refused; text is kept as text (``NA``, ``None``, ``NULL`` too).

:func:`cell_value` raises :class:`CellProblem` with the message a user reads.
"""

from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal, InvalidOperation, localcontext
from typing import Any

from bidgen.inputs.sheets import Column

__all__ = ["CellProblem", "cell_value", "excel_decimal", "is_percent_format", "column_letter"]

#: Excel shows and keeps at most 15 significant digits.
EXCEL_DIGITS = 15

_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


class CellProblem(ValueError):
    """A cell whose value cannot carry its column's meaning; the text says what to do."""


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
    return format(number, "f")


def _number(value: Any, column: Column, number_format: str | None) -> Any:
    """A numeric cell in its column."""
    kind = column.kind
    number = excel_decimal(value)
    percent_cell = is_percent_format(number_format)
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
        raise CellProblem(f"expected yes or no, got {text!r}")
    if kind == "percent":
        stripped = text.strip()
        if not stripped.endswith("%") and re.fullmatch(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)", stripped):
            return _plain_percent(Decimal(stripped), stripped)
    return text


def cell_value(value: Any, column: Column, number_format: str | None = None, error: bool = False) -> Any:
    """The value of one non-empty cell for ``column``; :class:`CellProblem` when it cannot be read
    without loss.  ``error`` marks an Excel error value (``#N/A``, ``#DIV/0!``)."""
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
