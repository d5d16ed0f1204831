"""``bidgen bid``: the Click command that answers a tender with a bid package (thin: parse, call, report)."""

from __future__ import annotations

from pathlib import Path

import click

from bidgen.cli.options import FORCE, LIBRARY, LOCALE, OUTDIR, POLICY, guarded, pdf_options, report, write_pdfs
from bidgen.cli.options import library_dirs as library_dirs_of


@click.command()
@click.argument("deal", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--tender", "tender_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The tender to answer (YAML or JSON); its `deal` must be the DEAL's id.")
@OUTDIR
@click.option("--split", is_flag=True,
              help="Also write each part as its own file (BidLetter_…, BidPriceSchedule_…, BidDeviations_…, …).")
@LOCALE
@click.option("--template", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Your own Word template for the combined package, using the same context (docs/templates.md).")
@LIBRARY
@FORCE
@POLICY
@pdf_options
def bid(deal: Path, tender_path: Path, outdir: Path, split: bool, locale: str | None, template: Path | None,
        library_dirs: tuple[Path, ...], force: bool, policy_file: Path | None, pdf: bool, pdf_a: bool) -> None:
    """Answer a tender for DEAL with a bid package: Bid_<client code>_v<YYYYMMDD>.docx in OUTDIR.

    The package holds the tender letter, price summary, itemized price schedule, commercial and
    technical deviation tables, authorization letter, qualification checklist, after-sales
    commitment and bid bond, each part on a new page after a table of contents.  Warnings name
    anything that would get the bid rejected (price above the ceiling, validity too short, …).
    """
    from bidgen.documents.bid import make_bid
    from bidgen.inputs.load import load_deal, load_tender

    dirs = library_dirs_of(library_dirs)
    deal_model = load_deal(deal)
    tender_model = load_tender(tender_path)
    draft = guarded(deal_model, tender=tender_model, policy_file=policy_file, force=force, locale=locale, dirs=dirs,
                    paths=(deal, tender_path))
    written = make_bid(deal_model, tender_model, outdir, locale=locale, template=template, split=split,
                       library_dirs=dirs, tender_file=tender_path, draft=draft)
    for w in written:
        report(w)
    write_pdfs(written, pdf, pdf_a)
