"""The command line: Click commands that map flags onto library calls.

Nothing here computes or renders; every user error is a ``BidgenError`` caught once in
:func:`main` and printed as one clear line per problem (no traceback), with its exit code.
Heavy modules are imported inside the commands so that ``bidgen --help`` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__

from .cli_options import (
    EXPLAIN,
    FORCE,
    LIBRARY,
    LOCALE,
    OUTDIR,
    POLICY,
    document_options,
    guarded,
    library_dirs as _library_dirs,
    report as _report,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bidgen")
def cli() -> None:
    """bidgen writes Word proposals, tender bid packages, confirmation memos and internal
    negotiation briefs from deal data, and checks their commercial terms."""


@cli.command()
@click.argument("deals", nargs=-1, required=True, type=click.Path(path_type=Path))
@document_options
def proposal(deals, outdir, locale, template, library_dirs, explain, force, policy_file) -> None:
    """Write the proposal of each DEAL (YAML or JSON) into OUTDIR as
    Proposal_<client code>_v<YYYYMMDD>.docx. The input checks run first (see `bidgen check`)."""
    from .build import make_proposal
    from .load import load_deal

    dirs = _library_dirs(library_dirs)
    for path in deals:
        deal = load_deal(path)
        draft = guarded(deal, policy_file=policy_file, force=force, locale=locale, dirs=dirs, paths=(path,))
        _report(make_proposal(deal, outdir, locale=locale, template=template, library_dirs=dirs, draft=draft),
                explain)


@cli.command(name="all")
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
def all_documents(deal, tender, meeting, split, outdir, locale, library_dirs, explain, force, policy_file) -> None:
    """Write every document that applies to DEAL: proposal and internal brief always, the bid package
    with --tender, the confirmation memo and its e-mail draft with --meeting. The input checks run
    first, over the deal with its tender and meeting."""
    from .build import make_all
    from .load import load_deal, load_meeting, load_tender

    record = load_deal(deal)
    tender_model = load_tender(tender) if tender else None
    meeting_model = load_meeting(meeting) if meeting else None
    dirs = _library_dirs(library_dirs)
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
    )
    for w in written:
        _report(w, explain)


def _register() -> None:
    """Attach the commands that live in their own modules (each imports its library lazily)."""
    import importlib

    for module, names in (
        ("cli_bid", ("bid",)),
        ("cli_memo", ("memo", "brief")),
        ("cli_check", ("check",)),
        ("cli_library", ("library", "schema", "init")),
    ):
        try:
            mod = importlib.import_module(f"{__package__}.{module}")
        except ImportError:  # pragma: no cover - a module still being written
            continue
        for name in names:
            if hasattr(mod, name):
                cli.add_command(getattr(mod, name))


_register()


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``bidgen`` console script."""
    import warnings

    from .errors import BidgenError

    def _one_line(message, category, filename, lineno, file=None, line=None):  # noqa: ANN001
        click.echo(f"bidgen: warning: {message}", err=True)

    warnings.showwarning = _one_line
    try:
        cli.main(args=argv, prog_name="bidgen", standalone_mode=False)
    except BidgenError as exc:
        for line in exc.lines():
            click.echo(f"bidgen: {line}", err=True)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("bidgen: aborted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except OSError as exc:
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        click.echo(f"bidgen: {where}{exc.strerror or exc}", err=True)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
