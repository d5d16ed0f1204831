"""``bidgen proposal`` and ``bidgen all``: the Click commands that write a deal's documents (thin: parse, call, report)."""

from __future__ import annotations

from pathlib import Path

import click

from bidgen.cli.options import (
    EXPLAIN,
    FORCE,
    LIBRARY,
    LOCALE,
    OUTDIR,
    POLICY,
    document_options,
    each_deal,
    guarded,
    pdf_options,
    write_pdfs,
    library_dirs as _library_dirs,
    report as _report,
)


@click.command()
@click.argument("deals", nargs=-1, required=True, type=click.Path(path_type=Path))
@document_options
def proposal(deals, outdir, locale, template, library_dirs, explain, force, policy_file, pdf, pdf_a) -> None:
    """Write the proposal of each DEAL (YAML or JSON) into OUTDIR as
    Proposal_<client code>_v<YYYYMMDD>.docx. The input checks run first (see `bidgen check`)."""
    from bidgen.pipeline import make_proposal

    dirs = _library_dirs(library_dirs)
    written = []

    def write(path, deal):
        draft = guarded(deal, policy_file=policy_file, force=force, locale=locale, dirs=dirs, paths=(path,))
        written.append(make_proposal(deal, outdir, locale=locale, template=template, library_dirs=dirs,
                                     draft=draft))
        _report(written[-1], explain)

    each_deal(deals, "proposal", outdir, write, after=lambda: write_pdfs(written, pdf, pdf_a))


@click.command(name="all")
@click.argument("deal", type=click.Path(path_type=Path))
@click.option("--tender", type=click.Path(path_type=Path), default=None, help="The tender to answer with a bid package.")
@click.option("--meeting", type=click.Path(path_type=Path), default=None,
              help="A meeting record of this deal to confirm with a memo (+ .eml draft).")
@click.option("--split", is_flag=True, help="Also write each part of the bid package as its own file.")
@OUTDIR
@LOCALE
@LIBRARY
@EXPLAIN
@FORCE
@POLICY
@pdf_options
def all_documents(deal, tender, meeting, split, outdir, locale, library_dirs, explain, force, policy_file,
                  pdf, pdf_a) -> None:
    """Write every document that applies to DEAL: proposal and internal brief always, the bid package
    with --tender, the confirmation memo and its e-mail draft with --meeting. The input checks run
    first, over the deal with its tender and meeting."""
    from bidgen.pipeline import make_all
    from bidgen.inputs.load import load_deal, load_meeting, load_tender

    dirs = _library_dirs(library_dirs)
    record = load_deal(deal)
    tender_model = load_tender(tender) if tender else None
    meeting_model = load_meeting(meeting) if meeting else None
    draft = guarded(record, tender=tender_model, meeting=meeting_model, policy_file=policy_file, force=force,
                    locale=locale, dirs=dirs, paths=(deal, tender, meeting))
    written = make_all(
        record,
        outdir,
        tender=tender_model,
        tender_file=tender,
        meeting=meeting_model,
        meeting_file=meeting,
        split=split,
        locale=locale,
        library_dirs=dirs,
        draft=draft,
        deal_file=deal,
    )
    for w in written:
        _report(w, explain)
    write_pdfs(written, pdf, pdf_a)
