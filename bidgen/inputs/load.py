"""Loading deals, meetings and tenders from YAML or JSON files into typed models.

This is the only place that sees raw mappings.  Everything a user can get wrong becomes
an :class:`~bidgen.errors.InputError` naming the file, the line and the field; all the
validation errors of a file are raised together as one
:class:`~bidgen.errors.ValidationErrors`, e.g.::

    deal.yaml:47: items[2].unit_price: not a valid amount: 'abc'
    deal.yaml:48: items[2].unit_prise: unknown key; did you mean 'unit_price'?

Usage::

    from bidgen.inputs.load import load_deal
    deal = load_deal("samples/deal-zh_CN.yaml")
    deal.items[0].unit_price        # Decimal('48000')
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, TypeVar

from pydantic import BaseModel, ValidationError

from bidgen.errors import InputError, ValidationErrors
from bidgen.inputs.locate import Loc, translate
from bidgen.inputs.read import Document, read_document
from bidgen.inputs.models import Deal, Meeting, Tender

__all__ = [
    "load_deal",
    "load_meeting",
    "load_tender",
    "load_any",
    "load_mapping",
    "validate_mapping",
    "detect_kind",
    "KINDS",
]

M = TypeVar("M", bound=BaseModel)

#: The document kinds, by the name used in messages.
KINDS: dict[str, type[BaseModel]] = {"deal": Deal, "meeting": Meeting, "tender": Tender}


def _distinctive_keys() -> dict[str, frozenset[str]]:
    """Per kind, the top-level keys no other kind has."""
    fields = {name: set(cls.model_fields) for name, cls in KINDS.items()}
    return {
        name: frozenset(keys - set().union(*(f for other, f in fields.items() if other != name)))
        for name, keys in fields.items()
    }


_DISTINCTIVE = _distinctive_keys()


def _scores(data: dict[Any, Any]) -> dict[str, int]:
    keys = {str(k) for k in data}
    return {name: len(keys & distinct) for name, distinct in _DISTINCTIVE.items()}


def detect_kind(data: dict[Any, Any]) -> str | None:
    """``'deal'``, ``'meeting'`` or ``'tender'`` by the mapping's top-level keys, or None.

    A kind is chosen when it has strictly more of its own keys (keys the other kinds do
    not have) than any other kind.
    """
    ranked = sorted(_scores(data).items(), key=lambda kv: kv[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    return best if top > second else None


def _kind_name(cls: type[BaseModel]) -> str:
    for name, kind in KINDS.items():
        if kind is cls:
            return name
    return cls.__name__.lower()


def validate_mapping(
    cls: type[M],
    data: Any,
    *,
    file: str | None = None,
    line_of: Callable[[Loc], int | None] | None = None,
    base_dir: str | Path | None = None,
) -> M:
    """Validate a raw mapping as ``cls``; all problems at once as :class:`ValidationErrors`.

    For loaders of other formats (spreadsheets): pass ``file`` for the messages and,
    if known, ``line_of(loc)`` giving the line of a key path.  Relative paths in the data
    (``seller.logo``) are relative to ``base_dir``, by default the folder of ``file``.
    """
    if not isinstance(data, dict):
        raise InputError("expected a mapping of keys at the top level", file=file, line=1)
    if base_dir is None and file:
        base_dir = Path(file).parent
    try:
        return cls.model_validate(data, context={"base_dir": str(base_dir) if base_dir else None})
    except ValidationError as exc:
        raise ValidationErrors(translate(exc, cls, file=file, line_of=line_of)) from None


def _check_kind(doc: Document, cls: type[BaseModel]) -> None:
    scores = _scores(doc.data)
    wanted = _kind_name(cls)
    found = detect_kind(doc.data)
    if found is None or found == wanted or scores[found] <= scores.get(wanted, 0):
        return
    keys = sorted(str(k) for k in doc.data if str(k) in _DISTINCTIVE[found])
    raise InputError(
        f"this is a {found}, not a {wanted} (it has the keys {', '.join(keys)})", file=doc.file, line=1
    )


def _load(path: str | Path, cls: type[M]) -> M:
    doc = read_document(path)
    _check_kind(doc, cls)
    return validate_mapping(cls, doc.data, file=doc.file, line_of=doc.line_of)


def load_deal(path: str | Path) -> Deal:
    """Load and validate a deal file (YAML or JSON)."""
    return _load(path, Deal)


def load_meeting(path: str | Path) -> Meeting:
    """Load and validate a meeting record (YAML or JSON)."""
    return _load(path, Meeting)


def load_tender(path: str | Path) -> Tender:
    """Load and validate a tender (YAML or JSON)."""
    return _load(path, Tender)


def load_any(path: str | Path) -> Deal | Meeting | Tender:
    """Load a deal, meeting or tender, telling which by its keys."""
    doc = read_document(path)
    kind = detect_kind(doc.data)
    if kind is None:
        raise InputError(
            "cannot tell whether this is a deal, a meeting or a tender from its keys", file=doc.file, line=1
        )
    model: Deal | Meeting | Tender = validate_mapping(
        KINDS[kind], doc.data, file=doc.file, line_of=doc.line_of  # type: ignore[assignment]
    )
    return model


def load_mapping(path: str | Path) -> dict[str, Any]:
    """The raw mapping of a YAML/JSON file, numbers with a fraction as exact Decimal."""
    data: dict[str, Any] = read_document(path).data
    return data
