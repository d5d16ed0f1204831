"""Typed parameters of library entries: the types, the shared vocabulary, and coercion.

A library text is a Jinja template; the values it receives are *typed*:

========  ==========================  =========================================
type      Python value                accepted input
========  ==========================  =========================================
money     ``Decimal``                 Decimal, int, numeric string (never float)
percent   ``Decimal`` (percent units) Decimal, int, ``"30"`` or ``"30%"``
number    ``Decimal``                 Decimal, int, numeric string
days      ``int``                     int, integral Decimal, digit string
months    ``int``                     idem
hours     ``int``                     idem
date      ``datetime.date``           date, ISO string
text      ``str``                     str
bool      ``bool``                    bool
list      ``list``                    list/tuple (items coerced by ``fields``)
========  ==========================  =========================================

Floats are refused for money and percent when a caller renders (a float cannot carry an
exact amount); in YAML defaults they are read through their text (``0.05`` → ``Decimal('0.05')``).
"""

from __future__ import annotations

import datetime as _dt
import difflib
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping

PARAM_TYPES = ("money", "percent", "number", "days", "months", "hours", "date", "text", "bool", "list")
SCALAR_TYPES = tuple(t for t in PARAM_TYPES if t != "list")
DECIMAL_TYPES = ("money", "percent", "number")
INT_TYPES = ("days", "months", "hours")

#: The names the document assemblers pass, with their types.  An entry that uses one of
#: these names must declare it with this type; a name from this vocabulary that an entry
#: does not declare is ignored when rendering (the assemblers pass the whole set).
VOCABULARY: dict[str, str] = {
    "client_name": "text",
    "seller_name": "text",
    "project_name": "text",
    "industry": "text",
    "tier": "text",
    "total": "money",
    "currency": "text",
    "milestones": "list",
    "delivery_days": "days",
    "warranty_months": "months",
    "response_hours": "hours",
    "onsite_hours": "hours",
    "penalty_percent_per_day": "percent",
    "penalty_cap_percent": "percent",
    "valid_until": "date",
    "issue_date": "date",
    "validity_days": "days",
    "retention_percent": "percent",
    "retention_amount": "money",
    "pain_point": "text",
    "impact": "text",
    "pain_points": "list",
    "product": "text",
    "sells_goods": "bool",
    "sells_software": "bool",
    "sells_services": "bool",
}

#: Item fields of the list parameters of the vocabulary.
VOCABULARY_FIELDS: dict[str, dict[str, str]] = {
    "milestones": {"name": "text", "percent": "percent", "amount": "money", "due_days": "days", "retention": "bool"},
    "pain_points": {"need": "text", "impact": "text"},
}


class ParamError(ValueError):
    """A parameter value does not fit its declared type or range."""


def did_you_mean(name: str, candidates: Any) -> str:
    """A `` (did you mean 'x'?)`` hint, or an empty string."""
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _to_decimal(value: Any, *, strict: bool, percent: bool) -> Decimal:
    if isinstance(value, bool):
        raise ParamError(f"expected a number, got {value!r}")
    if isinstance(value, float):
        if strict:
            raise ParamError(f"float {value!r} refused: pass a Decimal, an int or a string")
        value = repr(value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, str):
        text = value.strip().replace(",", "")
        if percent and text.endswith("%"):
            text = text[:-1].strip()
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise ParamError(f"not a number: {value!r}") from None
    else:
        raise ParamError(f"expected a number, got {type(value).__name__}")
    if not result.is_finite():
        raise ParamError(f"not a finite number: {value!r}")
    return result


def _to_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ParamError(f"expected a whole number, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise ParamError(f"expected a whole number, got {value!r}")


def _to_date(value: Any) -> _dt.date:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ParamError(f"not an ISO date (YYYY-MM-DD): {value!r}") from None
    raise ParamError(f"expected a date, got {type(value).__name__}")


def coerce_scalar(ptype: str, value: Any, *, strict: bool = True) -> Any:
    """Convert ``value`` to the Python type of ``ptype`` or raise :class:`ParamError`."""
    if ptype in DECIMAL_TYPES:
        return _to_decimal(value, strict=strict, percent=ptype == "percent")
    if ptype in INT_TYPES:
        return _to_int(value)
    if ptype == "date":
        return _to_date(value)
    if ptype == "bool":
        if isinstance(value, bool):
            return value
        raise ParamError(f"expected true or false, got {value!r}")
    if ptype == "text":
        if isinstance(value, str):
            return value
        raise ParamError(f"expected text, got {type(value).__name__}")
    raise ParamError(f"unknown type {ptype!r}")


def coerce_item(fields: Mapping[str, str] | None, item: Any, *, strict: bool = True) -> Any:
    """Coerce one list item: a mapping checked against ``fields`` (missing fields → None)."""
    if not fields:
        return item
    if not isinstance(item, Mapping):
        raise ParamError(f"list item must be a mapping with {sorted(fields)}, got {type(item).__name__}")
    unknown = [k for k in item if k not in fields]
    if unknown:
        raise ParamError(f"unknown item field {unknown[0]!r}{did_you_mean(str(unknown[0]), fields)}")
    out: dict[str, Any] = {}
    for key, ftype in fields.items():
        raw = item.get(key)
        try:
            out[key] = None if raw is None else coerce_scalar(ftype, raw, strict=strict)
        except ParamError as exc:
            raise ParamError(f"item field {key!r}: {exc}") from None
    return out


def check_range(value: Any, minimum: Any, maximum: Any) -> None:
    """Raise :class:`ParamError` when a number, date or list length is out of range."""
    measured = len(value) if isinstance(value, list) else value
    if minimum is not None and measured < minimum:
        raise ParamError(f"{value!r} is below the minimum {minimum}")
    if maximum is not None and measured > maximum:
        raise ParamError(f"{value!r} is above the maximum {maximum}")
