"""One library entry: its metadata, declared parameters and rendering."""

from __future__ import annotations

import datetime as _dt
import threading
from collections import OrderedDict
from decimal import Decimal
from pathlib import Path
from typing import Any, Generic, Iterator, Mapping, TypeVar

from jinja2 import TemplateError as JinjaTemplateError
from jinja2.exceptions import SecurityError, TemplateSyntaxError, UndefinedError

from ..errors import LibraryError
from ..locales import content_locale, normalize_locale
from .params import VOCABULARY, ParamError, did_you_mean
from bidgen.limits import Limits, current
from bidgen.sandbox import RenderLimit, render_limited

#: Library texts that ran over a render limit in this process, and why (see _render_text).
_STOPPED: dict[str, str] = {}

from .render import (CURRENCY_VAR, LOCALE_VAR, Rendered, compile_text, literal, one_paragraph, split_paragraphs,
                     variables)
from .schema import EntryBase, ParamSpec

LARA = ("listen", "acknowledge", "respond", "act")


class Entry:
    """A validated library entry, as the assemblers use it.

    Attributes: ``id``, ``kind``, ``version``, ``owner``, ``review_by``, ``group``, ``when``,
    ``params`` (declared :class:`ParamSpec` by name), ``source`` (the YAML file), ``layer``
    (0 = built-in, 1… = workspace layers) and ``model`` (the pydantic model).
    """

    def __init__(self, model: EntryBase, source: Path, layer: int = 0) -> None:
        self.model = model
        self.source = source
        self.layer = layer
        self.id: str = model.id
        self.kind: str = model.kind  # type: ignore[attr-defined]
        self.version: str = model.version
        self.owner: str = model.owner
        self.review_by: _dt.date = model.review_by
        self.group = model.group
        self.when = model.when
        self.params: dict[str, ParamSpec] = dict(model.params)

    def __repr__(self) -> str:
        return f"Entry({self.id!r}, kind={self.kind!r}, source={str(self.source)!r})"

    @property
    def locales(self) -> list[str]:
        """The locales this entry has texts for."""
        return [loc for loc in self.model.text if loc in self.model.title]  # type: ignore[attr-defined]

    def has_locale(self, locale: str) -> bool:
        """True when the entry has a title and a text in ``locale``'s content locale."""
        return content_locale(locale) in self.locales

    def title(self, locale: str) -> str:
        """The title in ``locale`` (falls back to en_US, then any locale)."""
        titles = self.model.title
        loc = content_locale(locale)
        return titles.get(loc) or titles.get("en_US") or next(iter(titles.values()))

    def _error(self, message: str, field: str | None = None) -> LibraryError:
        where = f"{self.id}: {field}" if field else self.id
        return LibraryError(message, file=str(self.source), field=where)

    # -- parameters ------------------------------------------------------------------------

    def resolve_params(self, locale: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Declared defaults overlaid with ``params`` (coerced); errors for unknown, ill-typed or missing.

        A name from the shared vocabulary that this entry does not declare is ignored; any other
        undeclared name is an error.  ``None`` means "not given" (the default applies).
        """
        given = dict(params or {})
        # names of the shared vocabulary are always fine (all of a document's, checked at once)
        for name in () if given.keys() <= VOCABULARY.keys() else given:
            if name not in self.params and name not in VOCABULARY:
                hint = did_you_mean(name, list(self.params) + list(VOCABULARY))
                raise self._error(f"unknown parameter {name!r}{hint}", f"params.{name}")
        values: dict[str, Any] = {}
        for name, spec in self.params.items():
            raw = given.get(name)
            try:
                values[name] = spec.default_for(locale) if raw is None else spec.coerce(raw)
            except ParamError as exc:
                raise self._error(f"parameter {name!r} ({spec.type}): {exc}", f"params.{name}") from None
            if values[name] is None:
                raise self._error(f"parameter {name!r} is required (no default)", f"params.{name}")
        return values

    # -- rendering -------------------------------------------------------------------------

    def sources(self, locale: str) -> Iterator[tuple[str, str]]:
        """(field path, template source) of every text of ``locale``."""
        text = self.model.text.get(locale)  # type: ignore[attr-defined]
        if text is None:
            return
        base = f"text.{locale}"
        if isinstance(text, str):
            yield base, text
        elif isinstance(text, list):
            for i, item in enumerate(text):
                if isinstance(item, str):
                    yield f"{base}[{i}]", item
                else:
                    for key, value in item.model_dump().items():
                        if isinstance(value, str):
                            yield f"{base}[{i}].{key}", value
        else:
            for key, value in text.model_dump().items():
                yield f"{base}.{key}", value

    def _render_text(self, source: str, ctx: dict[str, Any], field: str) -> str:
        stopped = _STOPPED.get(source)
        if stopped is not None:  # the same text ran over a limit before: do not wait for it again
            raise self._error(f"stopped: {stopped}", field) from None
        plain = literal(source)
        if plain is not None:
            return plain
        try:
            template = compile_text(source)
            key = _text_key(source, ctx)
            if key is not None:
                done = _RENDERED.get(key)
                if done is not None:
                    return done
            text = render_limited(template, ctx)
            if key is not None:
                _RENDERED.put(key, text)
            return text
        except TemplateSyntaxError as exc:
            raise self._error(f"template syntax error (line {exc.lineno}): {exc.message}", field) from None
        except UndefinedError as exc:
            raise self._error(f"undefined variable: {exc.message}", field) from None
        except SecurityError as exc:
            raise self._error(f"unsafe template operation: {exc}", field) from None
        except RenderLimit as exc:
            if len(_STOPPED) < 256:
                _STOPPED[source] = str(exc)
            raise self._error(f"stopped: {exc}", field) from None
        except (JinjaTemplateError, TypeError, ValueError, ArithmeticError, KeyError, IndexError) as exc:
            raise self._error(f"cannot render: {exc}", field) from None

    def render(
        self, locale: str, params: Mapping[str, Any] | None = None, *, currency: str = "CNY"
    ) -> Rendered:
        """Render in ``locale`` with ``params`` over the declared defaults.

        Filters format for ``locale`` and ``currency``.  Raises :class:`LibraryError` (located at
        the file, entry and field) for a missing locale, a bad parameter or a failing text.
        """
        loc = content_locale(locale)
        if loc not in self.model.text:  # type: ignore[attr-defined]
            raise self._error(f"no text in locale {loc}", f"text.{loc}")
        values = self.resolve_params(loc, params)
        if "currency" in self.params and (params or {}).get("currency") is None:
            values["currency"] = currency
        ctx = {**values, LOCALE_VAR: normalize_locale(locale), CURRENCY_VAR: currency}
        key = _entry_key(self, loc, ctx)
        if key is not None:
            done = _ENTRIES.get(key)
            if done is not None:
                return _copy(done)
        rendered = self._render_kind(loc, ctx)
        if key is not None:
            _ENTRIES.put(key, _copy(rendered))
        return rendered

    def _render_kind(self, loc: str, ctx: dict[str, Any]) -> Rendered:
        text: Any = self.model.text[loc]  # type: ignore[attr-defined]
        base = f"text.{loc}"
        title = self.title(loc)
        if self.kind == "clause":
            chunks = [text] if isinstance(text, str) else list(text)
            paragraphs: list[str] = []
            for i, chunk in enumerate(chunks):
                paragraphs += split_paragraphs(self._render_text(chunk, ctx, f"{base}[{i}]"))
            return Rendered(self.id, self.kind, title, paragraphs=paragraphs)
        if self.kind == "etiquette":
            notes = [one_paragraph(self._render_text(n, ctx, f"{base}[{i}]")) for i, n in enumerate(text)]
            return Rendered(self.id, self.kind, title, notes=[n for n in notes if n])
        if self.kind == "fab":
            rows = [self._render_row(row, ctx, f"{base}[{i}]") for i, row in enumerate(text)]
            return Rendered(self.id, self.kind, title, rows=rows)
        parts = {
            key: one_paragraph(self._render_text(value, ctx, f"{base}.{key}"))
            for key, value in text.model_dump().items()
        }
        if self.kind == "objection":
            parts = {"kind": self.model.objection, **parts}  # type: ignore[attr-defined]
        return Rendered(self.id, self.kind, title, parts=parts)

    def _render_row(self, row: Any, ctx: dict[str, Any], field: str) -> dict[str, str]:
        out = {
            key: one_paragraph(self._render_text(getattr(row, key), ctx, f"{field}.{key}"))
            for key in ("feature", "advantage", "benefit")
        }
        pain = row.pain_point
        out["pain_index"] = ""
        if isinstance(pain, int):
            items = ctx.get("pain_points")
            if not isinstance(items, list):
                raise self._error("a pain point index needs a declared 'pain_points' parameter", field)
            out["pain_index"] = str(pain)
            out["pain_point"] = _need_text(items[pain - 1]) if pain <= len(items) else ""
        elif isinstance(pain, str):
            out["pain_point"] = one_paragraph(self._render_text(pain, ctx, f"{field}.pain_point"))
        else:
            out["pain_point"] = ""
        return out


def _need_text(item: Any) -> str:
    if isinstance(item, Mapping):
        return str(item.get("need") or "")
    return str(item)


# --------------------------------------------------------------------------- rendered texts, memoised
#
# A text's output depends only on its source, the values of the variables it reads, the locale and
# currency its filters format for, and the limits it renders under; most of a batch's deals share
# those values for most texts (a warranty of 12 months, the tier), so each combination is rendered
# once per process.  The key holds every value exactly (a Decimal by its text: 1.0 and 1 print
# apart; a bool apart from an int); a value of any other type is not memoised.

#: The context names every text reads besides its own variables: its filters' locale and currency.
_ALWAYS_READ = (LOCALE_VAR, CURRENCY_VAR)
_ATOMS = (str, int, bool, _dt.date, _dt.datetime, type(None))
_Key = tuple[Any, ...]
_V = TypeVar("_V")


def _frozen(value: Any) -> Any:
    """``value`` as an exact, hashable key; raises TypeError for a type that has no such key."""
    cls = value.__class__
    if cls in _ATOMS:
        return (cls, value)
    if cls is Decimal:
        return (cls, str(value))
    if cls is list or cls is tuple:
        return (cls, tuple(_frozen(v) for v in value))
    if cls is dict:
        return (cls, tuple((k, _frozen(v)) for k, v in value.items()))
    raise TypeError(cls.__name__)


def _text_key(source: str, ctx: Mapping[str, Any]) -> _Key | None:
    """The memo key of rendering ``source`` with ``ctx``, or None when a value cannot be keyed."""
    names = variables(source)
    try:
        values = tuple((name, _frozen(ctx[name])) for name in sorted(names.union(_ALWAYS_READ)) if name in ctx)
    except TypeError:
        return None
    limits: Limits = current()
    return (source, values, limits)


def _entry_key(entry: Entry, loc: str, ctx: Mapping[str, Any]) -> _Key | None:
    """The memo key of rendering ``entry`` in ``loc`` with ``ctx`` (its declared parameters, resolved,
    and the locale and currency its filters format for), or None when a value cannot be keyed."""
    try:
        values = tuple((name, _frozen(value)) for name, value in ctx.items())
    except TypeError:
        return None
    return (entry, loc, values, current())


def _copy(r: Rendered) -> Rendered:
    """A copy of ``r`` whose lists and mappings are its own (the memo's never leave it)."""
    return Rendered(r.id, r.kind, r.title, paragraphs=list(r.paragraphs), parts=dict(r.parts),
                    rows=[dict(row) for row in r.rows], notes=list(r.notes))


class _Memo(Generic[_V]):
    """A bounded, thread-safe map, least recently used first out."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[_Key, _V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: _Key) -> _V | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: _Key, value: _V) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


#: Rendered texts (by source, the values they read, locale, currency, limits) and rendered entries
#: (by entry, locale, resolved parameters, limits).
_RENDERED: _Memo[str] = _Memo(8192)
_ENTRIES: _Memo[Rendered] = _Memo(2048)
