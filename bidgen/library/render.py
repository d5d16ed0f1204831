"""Rendering library texts: one sandboxed Jinja environment, locale-bound filters, compiled once.

Texts are plain text (the docx engine escapes them later), so autoescape is off here.  The
environment is an ``ImmutableSandboxedEnvironment`` with ``StrictUndefined``: a text cannot
touch Python internals or mutate its data, and a variable it lacks is an error, never a blank.

Filters (bound to the render's locale and currency through the context):

* ``money``: amount with currency sign (``¥676,200.00``, ``$156,849.00``)
* ``amount``: amount without sign at the currency's precision (``676,200.00``)
* ``percent``: percent units (``30`` → ``30%``)
* ``date``: long date (``2026年11月20日`` / ``November 20, 2026``)
* ``number``: grouped number (``3,000``)
* ``share(pct)``: ``total|share(30)`` = 30% of total rounded half-up to the minor unit (a Decimal)
* ``capfirst``: upper-cases the first character only
* ``unit(singular[, plural])``: ``4|unit("hour")`` → ``4 hours``, ``1|unit("hour")`` → ``1 hour``
* ``period``: ends a sentence with ``.`` (``。`` in Chinese) unless it already ends with one
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, nodes, pass_context
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .. import locales, words

LOCALE_VAR = "_bidgen_locale"
CURRENCY_VAR = "_bidgen_currency"

#: Text that must never survive rendering.
LEFTOVER_MARKERS = ("{{", "}}", "{%", "%}", "{#", "XXX", "TBD", "TODO", "FIXME", "lorem ipsum")


@dataclass(frozen=True)
class Rendered:
    """A library entry rendered in one locale.  Which field is filled depends on ``kind``."""

    id: str
    kind: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    parts: dict[str, str] = field(default_factory=dict)
    rows: list[dict[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def text(self) -> str:
        """All rendered text as one string (for searching, previews and leftover checks)."""
        chunks = [self.title, *self.paragraphs, *self.parts.values(), *self.notes]
        for row in self.rows:
            chunks.extend(row.values())
        return "\n".join(chunks)


def _loc(ctx: Context) -> str:
    return str(ctx.get(LOCALE_VAR) or "en_US")


def _cur(ctx: Context) -> str:
    return str(ctx.get(CURRENCY_VAR) or "CNY")


def _dec(value: Any, name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise TypeError(f"filter {name!r} needs a Decimal or an int, got {type(value).__name__}")
    return Decimal(value)


@pass_context
def _f_money(ctx: Context, value: Any) -> str:
    return words.format_money_text(_dec(value, "money"), _cur(ctx), _loc(ctx))


@pass_context
def _f_amount(ctx: Context, value: Any) -> str:
    return locales.format_amount(_dec(value, "amount"), _cur(ctx), _loc(ctx))


@pass_context
def _f_percent(ctx: Context, value: Any) -> str:
    return locales.format_percent(_dec(value, "percent"), _loc(ctx))


@pass_context
def _f_number(ctx: Context, value: Any) -> str:
    return locales.format_number(_dec(value, "number"), _loc(ctx))


@pass_context
def _f_date(ctx: Context, value: Any) -> str:
    if not isinstance(value, _dt.date):
        raise TypeError(f"filter 'date' needs a date, got {type(value).__name__}")
    return locales.format_date(value, _loc(ctx))


@pass_context
def _f_share(ctx: Context, total: Any, pct: Any) -> Decimal:
    return locales.quantize_money(_dec(total, "share") * _dec(pct, "share") / Decimal(100), _cur(ctx))


def _f_capfirst(value: Any) -> str:
    text = str(value)
    return text[:1].upper() + text[1:]


def _f_unit(value: Any, singular: str, plural: str | None = None) -> str:
    count = _dec(value, "unit")
    word = singular if count == 1 else (plural or singular + "s")
    return f"{value} {word}"


_TERMINAL = (".", "!", "?", "。", "！", "？", "…")


@pass_context
def _f_period(ctx: Context, value: Any) -> str:
    text = str(value).rstrip()
    core = text.rstrip("'\"’”」』）)")
    if not text or core.endswith(_TERMINAL):
        return text
    return text + ("。" if _loc(ctx).startswith("zh") else ".")


FILTERS = {
    "money": _f_money,
    "amount": _f_amount,
    "percent": _f_percent,
    "number": _f_number,
    "date": _f_date,
    "share": _f_share,
    "capfirst": _f_capfirst,
    "unit": _f_unit,
    "period": _f_period,
}


@lru_cache(maxsize=1)
def environment() -> ImmutableSandboxedEnvironment:
    """The one environment every library text is compiled in."""
    from bidgen.sandbox import LimitedSandbox

    env = LimitedSandbox(
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters.update(FILTERS)
    return env


def literal(source: str) -> str | None:
    """What ``source`` renders to when it holds no template syntax at all (most library texts are
    plain prose), else None: Jinja copies such a text as it is, less one trailing newline
    (``keep_trailing_newline=False``), so it need not be compiled or run."""
    if "{" in source or "\r" in source:
        return None
    return source[:-1] if source.endswith("\n") else source


@lru_cache(maxsize=4096)
def compile_text(source: str) -> Template:
    """Compile a text once (cached by its source); raises ``TemplateSyntaxError``."""
    template = environment().from_string(source)
    # the environment's globals are fixed once it is made: a flat copy instead of Jinja's ChainMap
    # over them spares every rendering two walks through the ChainMap (new_context, Context)
    template.globals = dict(template.globals)
    return template


@lru_cache(maxsize=4096)
def variables(source: str) -> frozenset[str]:
    """The variables a text reads (``jinja2.meta.find_undeclared_variables``)."""
    from jinja2 import meta

    ast = environment().parse(source)
    return frozenset(meta.find_undeclared_variables(ast))


@lru_cache(maxsize=4096)
def filters_used(source: str) -> frozenset[str]:
    """The filter names a text uses."""
    ast = environment().parse(source)
    return frozenset(node.name for node in ast.find_all(nodes.Filter))


def leftover(text: str) -> str | None:
    """The first placeholder marker left in rendered text, or None."""
    low = text.lower()
    for marker in LEFTOVER_MARKERS:
        if marker.lower() in low if marker.islower() else marker in text:
            return marker
    return None


def split_paragraphs(text: str) -> list[str]:
    """One paragraph per non-empty line, stripped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def one_paragraph(text: str) -> str:
    """Join the non-empty lines of a rendered part with single spaces (CJK: no space)."""
    lines = split_paragraphs(text)
    out = ""
    for line in lines:
        if out and not (_is_cjk(out[-1]) or _is_cjk(line[0])):
            out += " "
        out += line
    return out


def _is_cjk(char: str) -> bool:
    return "\u2e80" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef" or "\u3000" <= char <= "\u303f"
