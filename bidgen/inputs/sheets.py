"""The workbook form of the input format, derived from the models by one rule.

Every deal, meeting and tender that is valid as YAML has exactly one workbook form:

* one sheet per record kind: ``deals`` (one row per deal), ``meetings`` and ``tenders``;
* one sheet per list inside a record, named by its dotted path (``items``, ``terms.payment``,
  ``client.contacts``, ``meetings.attendees.client``, ``tenders.requirements`` …); its first
  column holds the id of the record the row belongs to (header ``deal``, ``meeting`` or
  ``tender``); a list of plain values (``narrative``, ``client.history.products``) has one
  more column, ``value``;
* every other header is a key in dotted form (``client.name``, ``terms.sla.response_hours``),
  relative to the row's record or list entry.

This module only describes that form (sheets, columns and what kind of value each column
holds); :mod:`bidgen.inputs.workbook` reads it and :mod:`bidgen.inputs.workbook_write` writes it.
"""

from __future__ import annotations

import datetime as _dt
import types
import typing
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from typing import Any

from pydantic import BaseModel

from bidgen.inputs import base
from bidgen.inputs.models import Deal, Meeting, Tender

__all__ = ["Column", "ListSheet", "RecordSheet", "RECORDS", "record_sheets", "list_sheets", "sheet_names"]

#: How a column's cells are read (see docs/input.md, "Workbooks").
KIND_OF: list[tuple[Any, str]] = [
    (base.Money, "number"),
    (base.Quantity, "number"),
    (base.Hours, "number"),
    (base.Percent, "percent"),
    (base.Days, "integer"),
    (base.Count, "integer"),
    (base.Months, "integer"),
    (base.Year, "integer"),
    (base.Satisfaction, "integer"),
    (base.IsoDate, "date"),
    (base.Code, "code"),
    (base.Ident, "code"),
    (base.Email, "code"),
    (base.LocaleCode, "code"),
    (base.CurrencyCode, "code"),
    (base.CountryCode, "code"),
    (base.Text, "text"),
]

#: Text keys that are identifiers in all but name: a number typed there has lost digits or
#: leading zeros already, so a number cell is refused as for codes.
CODE_LIKE_TEXT = frozenset({"sku", "phone", "credit_code", "tax_id", "document_number", "ref", "id"})


@dataclass(frozen=True)
class Column:
    """One column: its dotted key (relative to the row's record or entry) and its value kind.

    ``kind`` is one of number, percent, integer, date, code, text, bool, enum; ``choices`` are
    the allowed values of an enum (or yes/no for bool); ``required`` whether the model needs it.
    """

    key: str
    kind: str
    required: bool = False
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class ListSheet:
    """A sheet holding one list of a record: ``name`` is its dotted sheet name, ``path`` the key
    path of the list inside the record, ``owner`` the header of its first column."""

    name: str
    record: str
    path: tuple[str, ...]
    owner: str
    columns: tuple[Column, ...]
    scalar: bool = False

    def column(self, key: str) -> Column | None:
        for col in self.columns:
            if col.key == key:
                return col
        return None


@dataclass(frozen=True)
class RecordSheet:
    """A sheet of records: ``deals``, ``meetings`` or ``tenders``; ``id_key`` names the record."""

    name: str
    kind: str
    model: type[BaseModel]
    id_key: str
    owner: str
    columns: tuple[Column, ...]
    lists: tuple[ListSheet, ...]

    def column(self, key: str) -> Column | None:
        for col in self.columns:
            if col.key == key:
                return col
        return None


def _strip_optional(tp: Any) -> tuple[Any, bool]:
    """(type without ``| None``, whether None was allowed)."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return tp, False


def _list_item(tp: Any) -> Any | None:
    """The element type of ``tuple[X, ...]`` (possibly Annotated), else None."""
    if typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    if typing.get_origin(tp) in (tuple, list):
        return typing.get_args(tp)[0]
    return None


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _validators(tp: Any) -> list[Any]:
    if typing.get_origin(tp) is typing.Annotated:
        return list(typing.get_args(tp)[1:])
    return []


def _scalar_column(key: str, tp: Any, required: bool, metadata: list[Any] = ()) -> Column:
    if tp is bool:
        return Column(key, "bool", required, ("yes", "no"))
    if isinstance(tp, type) and issubclass(tp, Enum):
        return Column(key, "enum", required, tuple(str(m.value) for m in tp))
    given = {id(m) for m in list(metadata) + _validators(tp)}
    for annotation, kind in KIND_OF:
        if tp == annotation or any(id(m) in given for m in _validators(annotation)):
            if kind == "text" and key.rsplit(".", 1)[-1] in CODE_LIKE_TEXT:
                kind = "code"
            return Column(key, kind, required)
    # a value type not listed above: its kind from the Python type it validates to
    plain = typing.get_args(tp)[0] if typing.get_origin(tp) is typing.Annotated else tp
    by_type = {str: "text", int: "integer", Decimal: "number", _dt.date: "date"}
    if plain in by_type:
        kind = by_type[plain]
        if kind == "text" and key.rsplit(".", 1)[-1] in CODE_LIKE_TEXT:
            kind = "code"
        return Column(key, kind, required)
    raise TypeError(f"no workbook column kind for {key}: {tp!r}")  # a new model type needs a kind


def _walk(model: type[BaseModel], prefix: str, path: tuple[str, ...], required: bool,
          record: str, owner: str, sheet_prefix: str) -> tuple[list[Column], list[ListSheet]]:
    columns: list[Column] = []
    lists: list[ListSheet] = []
    for name, info in model.model_fields.items():
        tp, _optional = _strip_optional(info.annotation)
        key = f"{prefix}{name}"
        needed = required and info.is_required()
        item = _list_item(tp)
        if item is not None:
            sheet = sheet_prefix + key
            item, _ = _strip_optional(item)
            if _is_model(item):
                cols, inner = _walk(item, "", (), True, record, owner, sheet + ".")
                if inner:
                    raise TypeError(f"a list inside a list has no workbook form: {sheet}")
                lists.append(ListSheet(sheet, record, path + (name,), owner, tuple(cols)))
            else:
                value = _scalar_column("value", item, True)
                value = Column("value", value.kind if key.rsplit(".", 1)[-1] not in CODE_LIKE_TEXT else "code",
                               True, value.choices)
                lists.append(ListSheet(sheet, record, path + (name,), owner, (value,), scalar=True))
        elif _is_model(tp):
            cols, inner = _walk(tp, key + ".", path + (name,), needed, record, owner, sheet_prefix)
            columns += cols
            lists += inner
        else:
            columns.append(_scalar_column(key, tp, needed, list(info.metadata)))
    return columns, lists


@lru_cache(maxsize=1)
def record_sheets() -> tuple[RecordSheet, ...]:
    """The three record sheets with their columns and list sheets, derived from the models."""
    out = []
    for name, kind, model, id_key, owner, prefix in (
        ("deals", "deal", Deal, "id", "deal", ""),
        ("meetings", "meeting", Meeting, "deal", "meeting", "meetings."),
        ("tenders", "tender", Tender, "ref", "tender", "tenders."),
    ):
        cols, lists = _walk(model, "", (), True, kind, owner, prefix)
        # the record's id first, the rest in the model's order
        cols.sort(key=lambda c: c.key != id_key)
        out.append(RecordSheet(name, kind, model, id_key, owner, tuple(cols), tuple(lists)))
    return tuple(out)


RECORDS = ("deals", "meetings", "tenders")


def list_sheets() -> dict[str, ListSheet]:
    """Every list sheet by its name."""
    return {ls.name: ls for rs in record_sheets() for ls in rs.lists}


def sheet_names() -> list[str]:
    """Every sheet name the format knows, records first."""
    return [rs.name for rs in record_sheets()] + list(list_sheets())
