"""What every document kind shares to become a file: its template, the library, rendering and writing.

The document modules (``proposal``, ``bid``, ``memo``, ``brief``) and the orchestration in
:mod:`bidgen.pipeline` all write through :func:`render_doc`, so there is one rendering path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from bidgen.documents.common import DealFacts
from bidgen.paths import output_path
from bidgen.errors import TemplateError
from bidgen.library import Library
from bidgen.paths import templates_dir


@dataclass
class Written:
    """A document bidgen wrote."""

    kind: str
    path: Path
    explain: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def template_path(kind: str, locale: str, override: Path | None = None) -> Path:
    """The template of a document kind: the user's (``--template``) or the built-in one for the locale."""
    if override is not None:
        path = Path(override)
        if not path.is_file():
            raise TemplateError("template not found", file=str(path))
        return path
    path = templates_dir() / f"{kind}.{locale}.docx"
    if not path.is_file():
        raise TemplateError(f"no built-in {kind} template for locale {locale}", file=str(path))
    return path


_LIBRARIES: dict[tuple[Path, ...], Library] = {}


def load_library(dirs: Sequence[Path] = ()) -> Library:
    """The built-in library plus workspace folders (later ones override by id); cached per process."""
    key = tuple(Path(d).resolve() for d in dirs)
    if key not in _LIBRARIES:
        _LIBRARIES[key] = Library.load(list(key))
    return _LIBRARIES[key]


def render_doc(kind: str, context: dict, facts: DealFacts, outdir: Path, template: Path | None = None) -> Path:
    """Render ``context`` with the kind's template and write it atomically to its conventional name."""
    from bidgen.docx.render import CompiledTemplate, render_to_file

    tpl = CompiledTemplate.load(template_path(kind, facts.locale, template))
    outdir.mkdir(parents=True, exist_ok=True)
    out = output_path(outdir, kind, facts.deal.client.code, facts.deal.issue_date)
    return render_to_file(tpl, context, out)
