"""Load → assemble → render: the library entry points behind every render command.

Each function takes typed models, writes one document atomically and returns what it wrote.
The CLI only maps flags onto these calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from .documents.common import DealFacts, deal_facts, output_path
from .errors import TemplateError
from .library import Library
from .models import Deal
from .paths import templates_dir


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
    from .render import CompiledTemplate, render_to_file

    tpl = CompiledTemplate.load(template_path(kind, facts.locale, template))
    outdir.mkdir(parents=True, exist_ok=True)
    out = output_path(outdir, kind, facts.deal.client.code, facts.deal.issue_date)
    return render_to_file(tpl, context, out)


def make_proposal(
    deal: Deal,
    outdir: Path,
    *,
    locale: str | None = None,
    template: Path | None = None,
    library_dirs: Sequence[Path] = (),
    draft: str = "",
) -> Written:
    """Write ``Proposal_<client>_v<date>.docx`` for ``deal`` into ``outdir``."""
    from .documents.proposal import proposal_context

    facts = deal_facts(deal, locale, library_dirs)
    ctx, content = proposal_context(facts, load_library(library_dirs), draft=draft)
    path = render_doc("proposal", ctx, facts, Path(outdir), template)
    return Written("proposal", path, explain=content.explain)
