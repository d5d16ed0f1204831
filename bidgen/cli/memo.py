"""Click commands ``memo`` (confirmation memo + .eml draft) and ``brief`` (internal negotiation brief).

Thin: parse options, call the library (:mod:`bidgen.documents.memo`, :mod:`bidgen.documents.brief`),
report what was written.  The lead registers them in :mod:`bidgen.cli`.
"""

from __future__ import annotations

from pathlib import Path

import click

from bidgen.cli.options import (FORCE, LIBRARY, LOCALE, OUTDIR, POLICY, TEMPLATE, document_options, each_deal,
                                guarded, pdf_options, write_pdfs)
from bidgen.cli.options import library_dirs as _library_dirs
from bidgen.cli.options import report as _report


@click.command()
@click.argument("meeting", type=click.Path(path_type=Path))
@click.option(
    "--deal", "deals", multiple=True, type=click.Path(path_type=Path),
    help="Deal file(s) to find the meeting's deal in (by id); default: the deals in the meeting's own folder (never the bundled samples).",
)
@OUTDIR
@LOCALE
@TEMPLATE
@LIBRARY
@FORCE
@POLICY
@pdf_options
def memo(meeting, deals, outdir, locale, template, library_dirs, force, policy_file, pdf, pdf_a) -> None:
    """Write the confirmation memo of MEETING (YAML or JSON) into OUTDIR as
    Memo_<client code>_v<YYYYMMDD>.docx, with an e-mail draft (.eml) that attaches it.

    Warns when the memo comes more than 24 hours after the meeting."""
    from bidgen.documents.memo import find_deal, make_memo
    from bidgen.inputs.load import load_meeting

    dirs = _library_dirs(library_dirs)
    record = load_meeting(meeting)
    deal = find_deal(record, meeting_file=meeting, deal_files=deals)
    draft = guarded(deal, meeting=record, policy_file=policy_file, force=force, locale=locale, dirs=dirs)
    written = make_memo(record, deal, outdir, locale=locale, template=template, library_dirs=dirs, draft=draft,
                        meeting_file=meeting)
    for w in written:
        _report(w, False)
    write_pdfs(written, pdf, pdf_a)


@click.command()
@click.argument("deals", nargs=-1, required=True, type=click.Path(path_type=Path))
@document_options
def brief(deals, outdir, locale, template, library_dirs, explain, force, policy_file, pdf, pdf_a) -> None:
    """Write the INTERNAL negotiation brief of each DEAL into OUTDIR as
    Brief_<client code>_v<YYYYMMDD>.docx (targets, margins, concessions, objections,
    decision chain, team, 5W2H, approval, etiquette). Never send it to the client."""
    from bidgen.documents.brief import make_brief

    dirs = _library_dirs(library_dirs)
    written = []

    def write(path, deal):
        draft = guarded(deal, policy_file=policy_file, force=force, locale=locale, dirs=dirs, paths=(path,))
        written.append(make_brief(deal, outdir, locale=locale, template=template, library_dirs=dirs, draft=draft))
        _report(written[-1], explain)

    each_deal(deals, "brief", outdir, write, after=lambda: write_pdfs(written, pdf, pdf_a))
