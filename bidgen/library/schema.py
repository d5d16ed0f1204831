"""The typed schema of library entries (pydantic v2), one model per kind, with JSON Schema export.

A library file is a YAML list of entries.  Every entry has the common fields of
:class:`EntryBase`; ``text`` holds the locale texts, whose shape depends on ``kind``:

* ``clause``: a string (one paragraph per non-empty line) or a list of paragraphs
* ``scqa``: ``{situation, complication, question, answer}``
* ``prep``: ``{point, reason, example, point_again}``
* ``fab``: a list of rows ``{feature, advantage, benefit, pain_point}``
* ``objection``: ``{listen, acknowledge, respond, act}`` (LARA), plus ``objection: price|need|…``
* ``etiquette``: a list of notes, plus ``countries: [AE, SA]`` (``[]`` = the general fallback)
"""

from __future__ import annotations

import datetime as _dt
import json
from decimal import Decimal
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator, model_validator

from .params import INT_TYPES, PARAM_TYPES, SCALAR_TYPES, ParamError, check_range, coerce_item, coerce_scalar

LOCALES = ("zh_CN", "zh_TW", "en_US")
KINDS = ("clause", "scqa", "prep", "fab", "objection", "etiquette")
OBJECTION_KINDS = ("price", "need", "trust", "delay", "comparison")
NEED_CATEGORIES = ("cost", "efficiency", "quality", "service", "risk")
TIERS = ("strategic", "key", "regular")

ID_PATTERN = r"^[a-z][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)+$"
LOCALE_PATTERN = r"^[a-z]{2,3}(_[A-Z][a-z]{3})?(_[A-Z]{2})?$"
COUNTRY_PATTERN = r"^[A-Z]{2}$"

ParamType = Literal["money", "percent", "number", "days", "months", "hours", "date", "text", "bool", "list"]
ScalarType = Literal["money", "percent", "number", "days", "months", "hours", "date", "text", "bool"]
assert set(PARAM_TYPES) == set(ParamType.__args__)  # type: ignore[attr-defined]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _is_locale_map(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and all(k in LOCALES for k in value)


class ParamSpec(_Strict):
    """A declared parameter: its type, default (one value, or one per locale) and range."""

    type: ParamType
    default: Any = Field(None, description="A value of the type, or a mapping locale → value.")
    min: Decimal | _dt.date | None = Field(None, description="Lowest value (for lists: fewest items).")
    max: Decimal | _dt.date | None = Field(None, description="Highest value (for lists: most items).")
    choices: list[str] | None = Field(None, description="Allowed values of a text parameter.")
    fields: dict[str, ScalarType] | None = Field(None, description="Item fields of a list parameter.")
    description: str | None = None

    @model_validator(mode="after")
    def _check_default(self) -> "ParamSpec":
        if self.fields is not None and self.type != "list":
            raise ValueError("'fields' is only for list parameters")
        if self.choices is not None and self.type != "text":
            raise ValueError("'choices' is only for text parameters")
        defaults = self.default.values() if _is_locale_map(self.default) else [self.default]
        for value in defaults:
            if value is not None:
                self.coerce(value, strict=False)
        return self

    def coerce(self, value: Any, *, strict: bool = True) -> Any:
        """Convert a value to this parameter's type and check its range; :class:`ParamError` if it cannot."""
        if self.type == "list":
            if not isinstance(value, (list, tuple)):
                raise ParamError(f"expected a list, got {type(value).__name__}")
            result: Any = [coerce_item(self.fields, item, strict=strict) for item in value]
        else:
            result = coerce_scalar(self.type, value, strict=strict)
        if self.choices is not None and result not in self.choices:
            raise ParamError(f"{result!r} is not one of {self.choices}")
        if self.type in INT_TYPES or self.type in ("money", "percent", "number", "date", "list"):
            check_range(result, self.min, self.max)
        return result

    def default_for(self, locale: str) -> Any:
        """The default for ``locale`` (None when there is none), already coerced."""
        value = self.default
        if _is_locale_map(value):
            value = value.get(locale, value.get("en_US"))
        return None if value is None else self.coerce(value, strict=False)


class When(_Strict):
    """Conditions under which an entry is picked automatically (all given ones must hold)."""

    auto: bool = Field(True, description="May be picked automatically; false: only when a deal names it.")
    tier: list[Literal["strategic", "key", "regular"]] = Field(default_factory=list)
    industry: list[str] = Field(default_factory=list)
    country: list[Annotated[str, Field(pattern=COUNTRY_PATTERN)]] = Field(default_factory=list)
    sku: list[str] = Field(default_factory=list, description="Picked when the deal sells one of these SKUs.")
    need: list[Literal["cost", "efficiency", "quality", "service", "risk"]] = Field(default_factory=list)
    requires: list[str] = Field(default_factory=list, description="Deal features, e.g. retention, late_penalty.")
    sells: list[Literal["goods", "software", "service"]] = Field(
        default_factory=list, description="Picked when the deal sells items of one of these kinds.")
    deal_size_min: Decimal | None = None
    deal_size_max: Decimal | None = None
    deal_size_currency: str | None = Field(None, description="The currency of the size bounds.")
    priority: int = Field(0, description="Breaks ties between equally specific entries (higher wins).")


class EntryBase(_Strict):
    """Fields every entry has."""

    id: str = Field(pattern=ID_PATTERN, description="Dotted id, unique in its layer, e.g. payment.milestones.")
    version: str = Field(description="Content version, e.g. '1.2'.")
    owner: str = Field(min_length=1, description="Who keeps this entry current.")
    review_by: _dt.date = Field(description="Review date; a past date is a warning.")
    group: str | None = Field(None, description="At most one entry per group is picked automatically.")
    title: dict[Annotated[str, Field(pattern=LOCALE_PATTERN)], str]
    params: dict[Annotated[str, Field(pattern=r"^[a-z_][a-z0-9_]*$")], ParamSpec] = Field(default_factory=dict)
    when: When = Field(default_factory=lambda: When.model_validate({}))
    notes: str | None = Field(None, description="Editorial notes; never rendered.")

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) else value


LocaleKey = Annotated[str, Field(pattern=LOCALE_PATTERN)]


class ScqaText(_Strict):
    situation: str
    complication: str
    question: str
    answer: str


class PrepText(_Strict):
    point: str
    reason: str
    example: str
    point_again: str


class FabRow(_Strict):
    feature: str
    advantage: str
    benefit: str
    pain_point: int | str | None = Field(
        None, description="The pain point answered: its 1-based index in pain_points, or a text (template)."
    )

    @field_validator("pain_point")
    @classmethod
    def _positive(cls, value: int | str | None) -> int | str | None:
        if isinstance(value, int) and value < 1:
            raise ValueError("a pain point index starts at 1")
        return value


class LaraText(_Strict):
    listen: str
    acknowledge: str
    respond: str
    act: str


class ClauseEntry(EntryBase):
    kind: Literal["clause"]
    text: dict[LocaleKey, str | list[str]]


class ScqaEntry(EntryBase):
    kind: Literal["scqa"]
    need: Literal["cost", "efficiency", "quality", "service", "risk"] | None = None
    text: dict[LocaleKey, ScqaText]


class PrepEntry(EntryBase):
    kind: Literal["prep"]
    need: Literal["cost", "efficiency", "quality", "service", "risk"] | None = None
    text: dict[LocaleKey, PrepText]


class FabEntry(EntryBase):
    kind: Literal["fab"]
    products: list[str] = Field(default_factory=list, description="SKUs this table describes.")
    text: dict[LocaleKey, list[FabRow]]


class ObjectionEntry(EntryBase):
    kind: Literal["objection"]
    objection: Literal["price", "need", "trust", "delay", "comparison"]
    text: dict[LocaleKey, LaraText]


class EtiquetteEntry(EntryBase):
    kind: Literal["etiquette"]
    countries: list[Annotated[str, Field(pattern=COUNTRY_PATTERN)]] = Field(
        default_factory=list, description="ISO country codes; empty for the general fallback."
    )
    text: dict[LocaleKey, list[str]]


MODELS: dict[str, type[EntryBase]] = {
    "clause": ClauseEntry,
    "scqa": ScqaEntry,
    "prep": PrepEntry,
    "fab": FabEntry,
    "objection": ObjectionEntry,
    "etiquette": EtiquetteEntry,
}

AnyEntry = Annotated[
    Union[ClauseEntry, ScqaEntry, PrepEntry, FabEntry, ObjectionEntry, EtiquetteEntry],
    Field(discriminator="kind"),
]

_ADAPTER: TypeAdapter[Any] | None = None


def entry_adapter() -> TypeAdapter[Any]:
    """A (cached) pydantic adapter that validates one entry of any kind."""
    global _ADAPTER
    if _ADAPTER is None:
        _ADAPTER = TypeAdapter(AnyEntry)
    return _ADAPTER


def json_schema(kind: str | None = None) -> dict[str, Any]:
    """The JSON Schema of a library file (a list of entries), for one kind or all kinds."""
    if kind is not None and kind not in MODELS:
        from ..errors import LibraryError

        raise LibraryError(f"unknown kind {kind!r}; kinds are {', '.join(KINDS)}", field="kind")
    item: Any = MODELS[kind] if kind else AnyEntry
    schema = TypeAdapter(list[item]).json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"bidgen library file ({kind or 'any kind'})"
    return schema


def json_schema_text(kind: str | None = None) -> str:
    """:func:`json_schema` as indented JSON text."""
    return json.dumps(json_schema(kind), ensure_ascii=False, indent=2, sort_keys=False)


__all__ = [
    "AnyEntry", "ClauseEntry", "EntryBase", "EtiquetteEntry", "FabEntry", "FabRow", "KINDS", "LOCALES",
    "LaraText", "MODELS", "NEED_CATEGORIES", "OBJECTION_KINDS", "ObjectionEntry", "ParamSpec", "PrepEntry",
    "PrepText", "SCALAR_TYPES", "ScqaEntry", "ScqaText", "TIERS", "When", "entry_adapter", "json_schema",
    "json_schema_text",
]
