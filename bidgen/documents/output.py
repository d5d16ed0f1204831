"""What every document kind shares to become a file: its template, the library, rendering and writing.

The document modules (``proposal``, ``bid``, ``memo``, ``brief``) and the orchestration in
:mod:`bidgen.pipeline` all write through :func:`render_doc`, so there is one rendering path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from bidgen.documents.common import DealFacts
from bidgen.docx.commit import FileSet, Pending
from bidgen.paths import builtin_template, output_path
from bidgen.errors import TemplateError
from bidgen.library import Library


@dataclass
class Written:
    """A document bidgen wrote."""

    kind: str
    path: Path
    explain: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Rendered:
    """A document rendered in memory and not yet written: its kind, target path and bytes.

    ``source`` names the input it comes from (for the error when two documents of a run would
    go to the same path).  :func:`write_set` writes a list of them all-or-nothing."""

    kind: str
    path: Path
    data: bytes
    explain: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    source: str = ""

    def written(self) -> Written:
        return Written(self.kind, self.path, explain=self.explain, warnings=self.warnings)


def file_set(docs: Sequence[Rendered], files: FileSet | None = None) -> FileSet:
    """Add ``docs`` to ``files`` (a new FileSet by default); raises OutputClash on a shared path."""
    files = files if files is not None else FileSet()
    for d in docs:
        files.add(d.path, d.data, source=d.source, kind=d.kind)
    return files


def write_set(docs: Sequence[Rendered], *, fsync: bool = True) -> list[Written]:
    """Write rendered documents as one set (see :mod:`bidgen.docx.commit`): all, or none and
    the previous files untouched (WriteError, exit 1, naming the file that failed)."""
    file_set(docs).commit(fsync=fsync)
    return [d.written() for d in docs]


def template_path(kind: str, locale: str, override: Path | None = None) -> Path:
    """The template of a document kind: the user's (``--template``) or the built-in one for the locale."""
    if override is not None:
        path = Path(override)
        if not path.is_file():
            raise TemplateError("template not found", file=str(path))
        return path
    path = builtin_template(kind, locale)
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


def render_bytes(kind: str, context: dict, facts: DealFacts, outdir: Path,
                 template: Path | None = None) -> tuple[Path, bytes]:
    """Render ``context`` with the kind's template: the conventional path in ``outdir`` and the
    bytes (nothing written)."""
    from bidgen.docx.render import CompiledTemplate

    tpl = CompiledTemplate.load(template_path(kind, facts.locale, template))
    data = tpl.render(context)
    return output_path(Path(outdir), kind, facts.deal.client.code, facts.deal.issue_date), data


def render_doc(kind: str, context: dict, facts: DealFacts, outdir: Path, template: Path | None = None) -> Path:
    """Render ``context`` with the kind's template and write it atomically to its conventional name."""
    path, data = render_bytes(kind, context, facts, outdir, template)
    return FileSet([Pending(path, data, kind=kind)]).commit()[0]
