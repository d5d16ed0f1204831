"""Load → assemble → render: the library entry points behind every render command.

Each function takes typed models, writes one document atomically and returns what it wrote.
The CLI only maps flags onto these calls.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from bidgen.documents.common import DealFacts, deal_facts
from bidgen.documents.output import (
    Rendered,
    Written,
    file_set,
    load_library,
    render_bytes,
    render_doc,
    template_path,
    write_set,
)
from bidgen.errors import ChecksFailed, InputError
from bidgen.inputs.models import Deal, Meeting, Tender
from bidgen.paths import one_resolution

__all__ = [
    "Rendered",
    "Written",
    "file_set",
    "guard",
    "load_library",
    "make_all",
    "make_pdfs",
    "make_proposal",
    "render_all",
    "render_doc",
    "render_proposal",
    "template_path",
    "write_set",
]


def guard(
    deal: Deal,
    *,
    tender: Tender | None = None,
    meeting: Meeting | None = None,
    policy_file: Path | None = None,
    workspace: Path | None = None,
    force: bool = False,
    locale: str | None = None,
    paths: Sequence[Path] = (),
) -> tuple[str, list[str]]:
    """Run the input checks before anything is rendered.

    Returns ``(draft, warnings)``: ``draft`` is empty when the checks pass, and the DRAFT stamp
    for the documents' headers when they fail and ``force`` is set; ``warnings`` are the
    non-blocking findings, one line each.  Without ``force``, failed checks raise
    :class:`ChecksFailed` listing every error, and nothing is written.  Given the input files
    (``paths``), the checks run on them, so that every finding names its file and line.
    """
    from bidgen.checks import check_inputs, check_paths, draft_stamp, has_errors, load_policy

    policy = load_policy(policy_file, workspace)
    if paths:
        findings = check_paths(list(paths), policy)
    else:
        findings = check_inputs(deal, tender=tender, meeting=meeting, policy=policy)
    errors = [f for f in findings if f.severity.value == "error"]
    warnings = [str(f) for f in findings if f.severity.value == "warning"]
    if not has_errors(findings):
        return "", warnings
    if not force:
        raise ChecksFailed(
            f"{len(errors)} check(s) failed: nothing written (fix the input, or use --force to write "
            "drafts stamped as failing)",
            details=[str(f) for f in errors],
        )
    return draft_stamp(locale or deal.locale), [str(f) for f in errors] + warnings


def render_proposal(
    deal: Deal,
    outdir: Path,
    *,
    locale: str | None = None,
    template: Path | None = None,
    library_dirs: Sequence[Path] = (),
    draft: str = "",
    facts: DealFacts | None = None,
    source: str = "",
) -> Rendered:
    """The proposal of ``deal`` rendered in memory (not yet written)."""
    from bidgen.documents.proposal import proposal_context

    facts = facts or deal_facts(deal, locale, library_dirs)
    ctx, content = proposal_context(facts, load_library(library_dirs), draft=draft)
    path, data = render_bytes("proposal", ctx, facts, Path(outdir), template)
    return Rendered("proposal", path, data, explain=content.explain, source=source or f"deal {deal.id}")


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
    return write_set([render_proposal(deal, outdir, locale=locale, template=template,
                                      library_dirs=library_dirs, draft=draft)])[0]


def render_all(
    deal: Deal,
    outdir: Path,
    *,
    tender: Tender | None = None,
    tender_file: Path | None = None,
    meeting: Meeting | None = None,
    meeting_file: Path | None = None,
    split: bool = False,
    locale: str | None = None,
    library_dirs: Sequence[Path] = (),
    draft: str = "",
    deal_file: Path | None = None,
) -> list[Rendered]:
    """Every document that applies to ``deal`` rendered in memory from one pricing, nothing written:
    proposal, bid package (with a tender), memo and e-mail draft (with a meeting of this deal) and
    the internal brief.  Write them with :func:`write_set` (or add them to a bulk run's FileSet)."""
    from bidgen.documents.bid import render_bid
    from bidgen.documents.brief import render_brief
    from bidgen.documents.memo import render_memo

    if meeting is not None and meeting.deal != deal.id:
        raise InputError(f"this meeting is about deal {meeting.deal!r}, not {deal.id!r}",
                         file=str(meeting_file) if meeting_file else None, field="deal")
    outdir = Path(outdir)
    facts = deal_facts(deal, locale, library_dirs)
    source = str(deal_file) if deal_file else f"deal {deal.id}"
    with one_resolution():  # every document goes to outdir: resolved once
        docs = [render_proposal(deal, outdir, locale=locale, library_dirs=library_dirs, draft=draft, facts=facts,
                                source=source)]
        if tender is not None:
            docs += render_bid(deal, tender, outdir, locale=locale, split=split, library_dirs=library_dirs,
                               draft=draft, tender_file=tender_file, facts=facts)
        if meeting is not None:
            docs += render_memo(meeting, deal, outdir, locale=locale, library_dirs=library_dirs, draft=draft,
                                facts=facts, meeting_file=meeting_file)
        docs.append(render_brief(deal, outdir, locale=locale, library_dirs=library_dirs, draft=draft,
                                 facts=facts, source=source))
    return docs


def make_all(
    deal: Deal,
    outdir: Path,
    *,
    tender: Tender | None = None,
    tender_file: Path | None = None,
    meeting: Meeting | None = None,
    meeting_file: Path | None = None,
    split: bool = False,
    locale: str | None = None,
    library_dirs: Sequence[Path] = (),
    draft: str = "",
    deal_file: Path | None = None,
    fsync: bool = True,
) -> list[Written]:
    """Every document that applies to ``deal`` (see :func:`render_all`), rendered first and then
    written as one set: if any write fails, the documents that were there stay as they were."""
    docs = render_all(deal, outdir, tender=tender, tender_file=tender_file, meeting=meeting,
                      meeting_file=meeting_file, split=split, locale=locale, library_dirs=library_dirs,
                      draft=draft, deal_file=deal_file)
    return write_set(docs, fsync=fsync)


def screen(
    deal: Deal,
    *,
    tender: Tender | None = None,
    meeting: Meeting | None = None,
    policy: object | None = None,
    force: bool = False,
    locale: str | None = None,
) -> tuple[str | None, list]:
    """The input checks of :func:`guard` for a bulk run, which reports instead of raising.

    Returns ``(draft, findings)``: ``draft`` is ``''`` when the checks pass, the DRAFT stamp when
    they fail and ``force`` is set, and None when they fail without ``force`` (write nothing).
    ``policy`` is a loaded :class:`~bidgen.checks.policy.Policy` (the built-in one when None).
    """
    from bidgen.checks import check_inputs, draft_stamp, has_errors

    findings = check_inputs(deal, tender=tender, meeting=meeting, policy=policy)  # type: ignore[arg-type]
    if not has_errors(findings):
        return "", findings
    if not force:
        return None, findings
    return draft_stamp(locale or deal.locale), findings


def make_pdfs(written: Sequence[Written], *, pdfa: bool = False, timeout: float | None = None) -> list[Written]:
    """A PDF (PDF/A-2b with ``pdfa``) beside every .docx in ``written``, all converted by one
    LibreOffice process (:mod:`bidgen.pdf`); called once the .docx files are written, so that
    they stay whatever becomes of the conversion.  Returns the PDFs, in the order of ``written``."""
    from bidgen.pdf import convert

    docs = [w for w in written if w.path.suffix.lower() == ".docx"]
    pdfs = convert([w.path for w in docs], pdfa=pdfa, timeout=timeout)
    return [Written(w.kind, pdf) for w, pdf in zip(docs, pdfs)]
