"""Validating library layers: schema, locales, parameters, ids, review dates, and a test render.

``validate(dirs)`` reads the layers in order (the first is the base, usually the built-ins)
and returns located findings, each printed as ``file: entry-id: field: message``.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from jinja2.exceptions import TemplateSyntaxError

from ..errors import LibraryError
from .entry import Entry
from .loader import Problem, layer_dir, read_layer
from .params import VOCABULARY, VOCABULARY_FIELDS
from .render import leftover, variables
from .schema import LOCALES

#: The currency each locale is test-rendered with.
SAMPLE_CURRENCY = {"zh_CN": "CNY", "zh_TW": "TWD", "en_US": "USD"}


@dataclass(frozen=True)
class Finding:
    """One validation result, located at a file, an entry and a field."""

    file: str
    entry_id: str | None
    field: str | None
    severity: str  # "error" | "warning"
    message: str

    def __str__(self) -> str:
        message = self.message if self.severity == "error" else f"warning: {self.message}"
        return ": ".join(x for x in (self.file, self.entry_id, self.field, message) if x)


def _display(path: str | Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _finding(entry: Entry, field: str | None, message: str, severity: str = "error") -> Finding:
    return Finding(_display(entry.source), entry.id, field, severity, message)


def _from_problem(p: Problem) -> Finding:
    return Finding(_display(p.file), p.entry_id, p.field, p.severity, p.message)


def check_locales(entry: Entry) -> list[Finding]:
    """Every supported locale has a title and a text."""
    out: list[Finding] = []
    for loc in LOCALES:
        if loc not in entry.model.title:
            out.append(_finding(entry, f"title.{loc}", "missing locale"))
        if loc not in entry.model.text:  # type: ignore[attr-defined]
            out.append(_finding(entry, f"text.{loc}", "missing locale"))
    return out


def _used_by_locale(entry: Entry) -> tuple[dict[str, set[str]], list[Finding]]:
    used: dict[str, set[str]] = {}
    out: list[Finding] = []
    for loc in entry.model.text:  # type: ignore[attr-defined]
        names: set[str] = set()
        for field, source in entry.sources(loc):
            try:
                names |= variables(source)
            except TemplateSyntaxError as exc:
                out.append(_finding(entry, field, f"template syntax error (line {exc.lineno}): {exc.message}"))
        if entry.kind == "fab" and any(isinstance(r.pain_point, int) for r in entry.model.text[loc]):  # type: ignore[attr-defined]
            names.add("pain_points")
        used[loc] = names
    return used, out


def check_params(entry: Entry) -> list[Finding]:
    """Parameters used in the texts match the declared ones; vocabulary names keep their types."""
    used, out = _used_by_locale(entry)
    everywhere = set().union(*used.values()) if used else set()
    for name in sorted(everywhere - set(entry.params)):
        out.append(_finding(entry, f"params.{name}", "used in the text but not declared"))
    for name in sorted(set(entry.params) - everywhere):
        out.append(_finding(entry, f"params.{name}", "declared but not used in any text", "warning"))
    for loc, names in sorted(used.items()):
        for name in sorted((everywhere & set(entry.params)) - names):
            out.append(_finding(entry, f"text.{loc}", f"does not use {name!r}, which other locales use", "warning"))
    for name, spec in entry.params.items():
        expected = VOCABULARY.get(name)
        if expected and spec.type != expected:
            out.append(_finding(entry, f"params.{name}.type", f"{name!r} is a {expected} in the shared vocabulary"))
        vocab_fields = VOCABULARY_FIELDS.get(name, {})
        for fname, ftype in (spec.fields or {}).items():
            if vocab_fields and vocab_fields.get(fname) != ftype:
                want = vocab_fields.get(fname)
                msg = f"item field {fname!r} is {want!r} in the shared vocabulary" if want else (
                    f"item field {fname!r} is not in the shared vocabulary ({', '.join(vocab_fields)})")
                out.append(_finding(entry, f"params.{name}.fields.{fname}", msg))
        if spec.default is None:
            out.append(_finding(entry, f"params.{name}.default", "no default: the entry cannot be shown or tested"))
    return out


def check_render(entry: Entry) -> list[Finding]:
    """Render every locale with the default parameters; no error and no leftover placeholder."""
    out: list[Finding] = []
    for loc in entry.model.text:  # type: ignore[attr-defined]
        try:
            rendered = entry.render(loc, currency=SAMPLE_CURRENCY.get(loc, "USD"))
        except LibraryError as exc:
            field = (exc.where.field or "").split(": ", 1)[-1] or f"text.{loc}"
            out.append(_finding(entry, field, exc.message))
            continue
        marker = leftover(rendered.text())
        if marker:
            out.append(_finding(entry, f"text.{loc}", f"placeholder {marker!r} left in the rendered text"))
        if not rendered.text().replace(rendered.title, "").strip():
            out.append(_finding(entry, f"text.{loc}", "renders to an empty text"))
    return out


def check_meta(entry: Entry, today: _dt.date) -> list[Finding]:
    """Review date and id conventions."""
    out: list[Finding] = []
    if entry.review_by < today:
        out.append(_finding(entry, "review_by", f"review date {entry.review_by} has passed", "warning"))
    if entry.kind != "clause" and not entry.id.startswith(entry.kind + "."):
        out.append(_finding(entry, "id", f"a {entry.kind} id should start with '{entry.kind}.'", "warning"))
    return out


def check_taiwan_terms(entry: Entry) -> list[Finding]:
    """A zh_TW text (or title) written with mainland terms (投標保證金 for 押標金, 法定代表人 for 負責人 …): the
    glossary of :mod:`bidgen.words.glossary`, one warning per text naming each term and its Taiwan form."""
    from ..words.glossary import mainland_terms

    if "zh_TW" not in entry.locales:
        return []
    out: list[Finding] = []
    texts = [("title.zh_TW", entry.title("zh_TW")), *entry.sources("zh_TW")]
    for field, text in texts:
        found = mainland_terms(text)
        if found:
            pairs = ", ".join(f"{t.mainland} → {t.taiwan}" for t in found)
            out.append(_finding(entry, field, f"mainland terms in a Taiwan text: {pairs}", "warning"))
    return out


def check_entry(entry: Entry, today: _dt.date | None = None) -> list[Finding]:
    """Every per-entry check."""
    today = today or _dt.date.today()
    out = check_locales(entry) + check_params(entry) + check_meta(entry, today) + check_taiwan_terms(entry)
    if not any(f.severity == "error" for f in out):
        out += check_render(entry)
    return out


def validate(dirs: Sequence[Path], *, today: _dt.date | None = None) -> list[Finding]:
    """Validate library layers in order (the first is the base); return every finding.

    Duplicate ids inside one layer are errors; a later layer may override an earlier entry
    by id, but not change its kind.
    """
    findings: list[Finding] = []
    known: dict[str, Entry] = {}
    for layer, raw_dir in enumerate(dirs):
        directory = layer_dir(Path(raw_dir))
        if not directory.is_dir():
            findings.append(Finding(_display(directory), None, None, "error", "library directory not found"))
            continue
        entries, problems = read_layer(directory, layer)
        findings += [_from_problem(p) for p in problems]
        for entry in entries:
            base = known.get(entry.id)
            if base is not None and base.kind != entry.kind:
                findings.append(_finding(entry, "kind", f"overrides a {base.kind} entry ({_display(base.source)}) "
                                                        f"with a {entry.kind}"))
            known[entry.id] = entry
            findings += check_entry(entry, today)
    return findings


def errors(findings: Sequence[Finding]) -> list[Finding]:
    """Only the errors."""
    return [f for f in findings if f.severity == "error"]
