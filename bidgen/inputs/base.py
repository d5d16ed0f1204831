"""Building blocks of the input models: the frozen base model, enums and value types.

Every value type is an ``Annotated`` alias whose validator turns what a YAML or JSON file
(or a Python caller) gives into one exact Python value, and otherwise raises a
``ValueError`` whose text is the plain-words message a user reads, e.g.
``not a valid amount: 'abc'``.

Numbers are ``Decimal`` built from the text that was written: the loaders hand over
``Decimal`` for every number with a fraction, so ``0.05`` stays ``Decimal('0.05')``.  A
Python ``float`` (e.g. from a spreadsheet cell) is read through its shortest ``repr``,
which is the text the cell shows, never through binary arithmetic.
"""

from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Any, Callable

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict

__all__ = [
    "Model",
    "Tier",
    "ContactRole",
    "Attitude",
    "MeetingMode",
    "ObjectionKind",
    "RequirementKind",
    "Deviation",
    "ItemKind",
    "Salutation",
    "SALUTATION_ALIASES",
    "KNOWN_APPROVAL_LEVELS",
    "Money",
    "Percent",
    "Quantity",
    "Hours",
    "Days",
    "Months",
    "Count",
    "Year",
    "Satisfaction",
    "IsoDate",
    "Text",
    "Code",
    "Ident",
    "Email",
    "LocaleCode",
    "CurrencyCode",
    "CountryCode",
    "parse_decimal",
    "describe",
    "parse_money",
    "parse_percent",
    "parse_iso_date",
    "non_empty",
    "NonEmpty",
]


class Model(BaseModel):
    """Base of every input model: immutable, and an unknown key is an error."""

    model_config = ConfigDict(frozen=True, extra="forbid")


# ---------------------------------------------------------------------------- enums


class Tier(StrEnum):
    """Client tier (DOMAIN.md: strategic ~5%, key ~20%, regular ~75%)."""

    STRATEGIC = "strategic"
    KEY = "key"
    REGULAR = "regular"


class ContactRole(StrEnum):
    """A contact's role in the client's decision chain.

    The set is explicit and has no synonyms: ``executive`` is the senior executive,
    ``consultant`` the design institute or outside consultant.
    """

    GATEKEEPER = "gatekeeper"
    USER = "user"
    PURCHASER = "purchaser"
    PROJECT_LEAD = "project_lead"
    EXECUTIVE = "executive"
    CONSULTANT = "consultant"


class Attitude(StrEnum):
    """A contact's attitude towards our proposal."""

    ACCEPTING = "accepting"
    DOUBTFUL = "doubtful"
    RESISTANT = "resistant"
    INDIFFERENT = "indifferent"
    HOSTILE = "hostile"


class MeetingMode(StrEnum):
    """How a meeting took place."""

    ONSITE = "onsite"
    VIDEO = "video"
    PHONE = "phone"


class ObjectionKind(StrEnum):
    """The five kinds of objection (DOMAIN.md)."""

    PRICE = "price"
    NEED = "need"
    TRUST = "trust"
    DELAY = "delay"
    COMPARISON = "comparison"


class RequirementKind(StrEnum):
    """A tender requirement is technical or commercial."""

    TECHNICAL = "technical"
    COMMERCIAL = "commercial"


class ItemKind(StrEnum):
    """What a line item sells; selects the warranty, spare-parts and acceptance wording."""

    GOODS = "goods"
    SOFTWARE = "software"
    SERVICE = "service"


class Deviation(StrEnum):
    """How a bid response deviates from a tender requirement."""

    NONE = "none"
    POSITIVE = "positive"
    NEGATIVE = "negative"


#: Approval levels bidgen knows by default, lowest authority first.  The set is open:
#: a team's policy file may add levels, so :class:`Approval` accepts any identifier and
#: the checker decides whether a level is known to the policy.
KNOWN_APPROVAL_LEVELS: tuple[str, ...] = (
    "sales_manager",
    "sales_director",
    "regional_director",
    "vp_committee",
    "ceo",
    "board",
)

# ---------------------------------------------------------------------------- numbers

_NUMBER_RE = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")


#: Characters of a value quoted in a message: a located message stays one line.
QUOTE_MAX = 80


def quote(value: Any, limit: int = QUOTE_MAX) -> str:
    """A value as a message quotes it: ``repr`` when short, else its first ``limit`` characters with
    an ellipsis and the length: ``'AAAA…' (40,000 characters)``."""
    text = value if isinstance(value, str) else str(value)
    if len(text) <= limit:
        return repr(text)
    head = repr(text[:limit])
    return f"{head[:-1]}…{head[-1]} ({len(text):,} characters)"



def _short_number(value: Any) -> str:
    text = str(value)
    return text if len(text) <= QUOTE_MAX else f"{text[:QUOTE_MAX]}… ({len(text):,} characters)"


def describe(value: Any) -> str:
    """How a wrong value is shown in a message."""
    if value is None:
        return "nothing (the value is empty)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, (int, Decimal, float)):
        return f"the number {_short_number(value)}"
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, _dt.datetime):
        return f"the date and time {value.isoformat(sep=' ')}"
    if isinstance(value, _dt.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _decimal_from_text(text: str, what: str) -> Decimal:
    cleaned = text.strip()
    if "," in cleaned and _NUMBER_RE.fullmatch(cleaned.replace(",", "")):
        raise ValueError(f"{what}: {quote(text)} (no thousands separators or decimal commas: write 1000 or 1.5)")
    if not _NUMBER_RE.fullmatch(cleaned):
        raise ValueError(f"{what}: {quote(text)}")
    return Decimal(cleaned)


def parse_decimal(value: Any, what: str = "not a valid number") -> Decimal:
    """Turn an int, Decimal, numeric string or float into an exact, finite Decimal.

    ``what`` starts the error message (``not a valid amount`` …).  Exponent forms are
    expanded (``1e3`` → ``Decimal('1000')``).
    """
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{what}: {describe(value)}")
    if isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, Decimal):
        result = value
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        result = _decimal_from_text(value, what)
    else:
        raise ValueError(f"{what}: {describe(value)}")
    if not result.is_finite():
        raise ValueError(f"{what}: {value} is not a finite number")
    if result and not -12 <= result.adjusted() <= 15:
        raise ValueError(f"{what}: {_short_number(value)} is beyond what a document can state (from 10^-12 to 10^15)")
    exponent = result.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        result = result.quantize(Decimal(1))
    return result


def _within_limit(result: Decimal, what: str) -> Decimal:
    from bidgen.limits import current

    limit = current().max_amount
    if abs(result) > limit:
        raise ValueError(f"{what} {result:,} is above the limit of {limit:,} (limits.max_amount in the workspace)")
    return result


def parse_money(value: Any) -> Decimal:
    """An amount of money: exact Decimal, finite, not negative, at most ``limits.max_amount``."""
    result = parse_decimal(value, "not a valid amount")
    if result < 0:
        raise ValueError(f"an amount must not be negative: {result}")
    return _within_limit(result, "the amount")


def _parse_quantity(value: Any) -> Decimal:
    result = parse_decimal(value, "not a valid quantity")
    if result <= 0:
        raise ValueError(f"a quantity must be more than 0: {result}")
    return _within_limit(result, "the quantity")


def _parse_hours(value: Any) -> Decimal:
    result = parse_decimal(value, "not a valid number of hours")
    if result <= 0:
        raise ValueError(f"hours must be more than 0: {result}")
    return result


_PERCENT_RE = re.compile(r"(?P<num>.*?)\s*%")


def parse_percent(value: Any) -> Decimal:
    """A percentage in percent units: ``30``, ``30.5``, ``"30%"``, ``"30 %"`` → Decimal('30').

    The value must lie between 0 and 100.
    """
    if isinstance(value, str):
        match = _PERCENT_RE.fullmatch(value.strip())
        text = match.group("num") if match else value
        try:
            result = parse_decimal(text, "not a valid percentage")
        except ValueError:
            raise ValueError(f"not a valid percentage: {quote(value)}") from None
    else:
        result = parse_decimal(value, "not a valid percentage")
    if not Decimal(0) <= result <= Decimal(100):
        raise ValueError(f"a percentage must be between 0 and 100: {result}")
    return result


def _whole_number(value: Any, what: str, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or isinstance(value, (_dt.date, list, dict)) or value is None:
        raise ValueError(f"{what}: {describe(value)}")
    if isinstance(value, int):
        result = value
    else:
        number = parse_decimal(value, what)
        if number != number.to_integral_value():
            raise ValueError(f"{what}: {value} is not a whole number")
        result = int(number)
    if result < low or (high is not None and result > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ValueError(f"must be {bound}: {result}")
    return result


# ---------------------------------------------------------------------------- dates and text

_ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_iso_date(value: Any) -> _dt.date:
    """An ISO date: a ``date`` (YAML) or the text ``YYYY-MM-DD`` (JSON); nothing else."""
    if isinstance(value, _dt.datetime):
        raise ValueError(f"expected a date without a time, got {describe(value)}")
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if not _ISO_DATE_RE.fullmatch(text):
            raise ValueError(f"not an ISO date (YYYY-MM-DD): {quote(value)}")
        try:
            return _dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"not a valid date: {quote(value)}") from None
    raise ValueError(f"expected a date (YYYY-MM-DD), got {describe(value)}")


def _text(value: Any) -> str:
    """Non-empty text; a plain integer (``sku: 1001``) is kept as its digits."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        hint = "; put it in quotes" if isinstance(value, (Decimal, float, _dt.date)) else ""
        raise ValueError(f"expected text, got {describe(value)}{hint}")
    text = value.strip()
    if not text:
        raise ValueError("must not be empty")
    if _ENCODED_WORD_RE.search(text):
        raise ValueError("looks like an e-mail encoded word ('=?utf-8?q?…?='), which mail programs would "
                         "decode into other text: write the text itself")
    return text


#: An RFC 2047 encoded word: ``=?charset?B|Q?text?=``.
_ENCODED_WORD_RE = re.compile(r"=\?[^?\s]*\?[bBqQ]\?[^?\s]*\?=")


def _matching(pattern: str, what: str) -> Callable[[Any], str]:
    """A validator: text that fully matches ``pattern``, else ``not a valid <what>``."""
    regex = re.compile(pattern)

    def check(value: Any) -> str:
        text = _text(value)
        if not regex.fullmatch(text):
            raise ValueError(f"not a valid {what}: {quote(text)}")
        return text

    return check


_ident = _matching(r"[a-z][a-z0-9_]*", "identifier (lower case letters, digits, _)")
_code = _matching(r"[\w.-]+", "code (letters, digits, '-', '_', '.'; no spaces)")
_email = _matching(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]{0,61}[A-Za-z0-9]",
    "e-mail address (name@example.com, ASCII letters, digits and . _ + - only)",
)


@lru_cache(maxsize=1)
def _currencies() -> frozenset[str]:
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    from babel import Locale

    return frozenset(str(code) for code in Locale("en").territories if str(code).isalpha())


_CURRENCY_HINTS = {"RMB": "CNY", "NTD": "TWD", "YUAN": "CNY", "US$": "USD", "$": "USD", "€": "EUR"}


def _currency(value: Any) -> str:
    text = _text(value)
    code = text.upper()
    if code in _CURRENCY_HINTS:
        raise ValueError(f"not an ISO 4217 currency code: {quote(text)}; did you mean '{_CURRENCY_HINTS[code]}'?")
    if not re.fullmatch(r"[A-Z]{3}", code) or code not in _currencies():
        raise ValueError(f"not an ISO 4217 currency code: {quote(text)}")
    return code


def _country(value: Any) -> str:
    text = _text(value)
    code = text.upper()
    if not re.fullmatch(r"[A-Z]{2}", code) or code not in _countries():
        raise ValueError(f"not an ISO 3166 two-letter country code: {quote(text)}")
    return code


def _locale(value: Any) -> str:
    from ..locales import locale_problem

    text = _text(value)
    problem = locale_problem(text)
    if problem is not None:
        raise ValueError(problem)
    return text


def non_empty(value: tuple[Any, ...]) -> tuple[Any, ...]:
    """After-validator for a list that needs at least one entry.

    (``Field(min_length=1)`` on a tuple misfires when an entry is invalid: pydantic then
    also reports the list as too short.)
    """
    if not value:
        raise ValueError("needs at least 1 entry")
    return value


#: Salutations a contact may carry, by canonical key; documents write them per locale
#: (``mr`` → Mr. / 先生). Keys, English forms and Chinese forms are all accepted as input.
SALUTATION_ALIASES = {
    "mr": "mr", "mister": "mr", "先生": "mr",
    "ms": "ms", "女士": "ms",
    "mrs": "mrs",
    "miss": "miss", "小姐": "miss",
    "dr": "dr", "doctor": "dr", "博士": "dr",
    "prof": "prof", "professor": "prof", "教授": "prof",
}


def _salutation(value: Any) -> str:
    text = _text(value)
    key = text.rstrip(".").casefold()
    if key in SALUTATION_ALIASES:
        return SALUTATION_ALIASES[key]
    raise ValueError(f"not a known salutation: {quote(text)} (Mr., Ms., Mrs., Miss, Dr., Prof., 先生, 女士)")


def _v(func: Any) -> BeforeValidator:
    return BeforeValidator(func)


#: Money: exact Decimal ≥ 0.
Money = Annotated[Decimal, _v(parse_money)]
#: Percent units between 0 and 100: ``30`` or ``"30%"`` is Decimal('30').
Percent = Annotated[Decimal, _v(parse_percent)]
#: A quantity: exact Decimal > 0.
Quantity = Annotated[Decimal, _v(_parse_quantity)]
#: Hours (response or on-site time): Decimal > 0, so half an hour is 0.5.
Hours = Annotated[Decimal, _v(_parse_hours)]
#: A whole number of days ≥ 0.
Days = Annotated[int, _v(lambda v: _whole_number(v, "not a whole number of days", 0, 36_500))]
#: A whole count ≥ 0 (employees, …).
Count = Annotated[int, _v(lambda v: _whole_number(v, "not a whole number", 0, 10**12))]
#: A whole number of months ≥ 0.
Months = Annotated[int, _v(lambda v: _whole_number(v, "not a whole number of months", 0, 1_200))]
#: A calendar year.
Year = Annotated[int, _v(lambda v: _whole_number(v, "not a valid year", 1900, 2200))]
#: Satisfaction score 1–5.
Satisfaction = Annotated[int, _v(lambda v: _whole_number(v, "not a score from 1 to 5", 1, 5))]
#: A salutation, as its canonical key (``mr``, ``ms``, ``mrs``, ``miss``, ``dr``, ``prof``).
Salutation = Annotated[str, _v(_salutation)]
#: An ISO calendar date.
IsoDate = Annotated[_dt.date, _v(parse_iso_date)]
#: Non-empty text, stripped.
Text = Annotated[str, _v(_text)]
#: A code used in file names (deal id, client code): letters, digits, ``-``, ``_``, ``.``.
Code = Annotated[str, _v(_code)]
#: A snake_case identifier (approval levels).
Ident = Annotated[str, _v(_ident)]
#: An e-mail address (a plausibility check, not RFC 5322).
Email = Annotated[str, _v(_email)]
#: A babel-parseable locale identifier, kept as written (``zh_CN``, ``en-US``).
LocaleCode = Annotated[str, _v(_locale)]
#: An ISO 4217 currency code, upper case.
CurrencyCode = Annotated[str, _v(_currency)]
#: An ISO 3166-1 alpha-2 country code, upper case.
CountryCode = Annotated[str, _v(_country)]
#: Marker for a list that needs at least one entry: ``Annotated[tuple[X, ...], NonEmpty]``.
NonEmpty = AfterValidator(non_empty)
