"""Options and small helpers shared by the render commands (Click only; no library logic)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

OUTDIR = click.option(
    "-o", "--outdir", type=click.Path(file_okay=False, path_type=Path), required=True,
    help="Folder to write the documents into (created if missing).",
)
def _locale(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An unknown --locale is a user error with a did-you-mean, never a silent fall-back to English."""
    if value is None:
        return None
    from bidgen.locales import require_locale

    require_locale(value, field="--locale")
    return value


LOCALE = click.option("--locale", default=None, callback=_locale,
                      help="Document locale (zh_CN, zh_TW, en_US, or any babel locale such as fr_FR: its numbers, "
                           "amounts and dates, with the nearest texts); default: the deal's.")
TEMPLATE = click.option(
    "--template", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="Your own Word template using the same context (see docs/templates.md).",
)
LIBRARY = click.option(
    "--library", "library_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path),
    help="A team workspace or library folder whose entries extend or override the built-ins (repeatable).",
)
EXPLAIN = click.option("--explain", is_flag=True, help="Say which library entries were used and why.")
FORCE = click.option(
    "--force", is_flag=True,
    help="Write the documents even when the input checks find errors; every page is stamped "
         "'DRAFT – failed checks'.",
)
POLICY = click.option(
    "--policy", "policy_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="A team policy file for the input checks (default: the workspace's, else the built-in).",
)

PDF = click.option(
    "--pdf", is_flag=True,
    help="Also write each .docx as PDF beside it (LibreOffice headless, one process for all). Where "
         "LibreOffice is missing the .docx files are still written and the command exits 2.",
)
PDF_A = click.option("--pdf-a", "pdf_a", is_flag=True, help="Like --pdf, as PDF/A-2b (archival; tender portals).")


def pdf_options(func: Any) -> Any:
    """--pdf and --pdf-a."""
    return PDF(PDF_A(func))


def write_pdfs(written: Any, pdf: bool, pdf_a: bool) -> None:
    """After the .docx files are written and reported: their PDF copies, reported the same way."""
    if not (pdf or pdf_a):
        return
    from bidgen.pipeline import make_pdfs

    for w in make_pdfs(list(written), pdfa=pdf_a):
        click.echo(f"wrote {w.path}")


def document_options(func: Any) -> Any:
    """The options every per-deal render command takes: -o, --locale, --template, --library,
    --explain, --force, --policy, --pdf and --pdf-a."""
    for option in reversed((OUTDIR, LOCALE, TEMPLATE, LIBRARY, EXPLAIN, FORCE, POLICY, PDF, PDF_A)):
        func = option(func)
    return func


_ANNOUNCED: set[str] = set()


def use_workspace(root: Path | None) -> Path | None:
    """Validate the workspace at ``root`` (a located error when its marker is wrong), name it on
    stderr, and put its limits in force.  Returns ``root``."""
    if root is None:
        return None
    from bidgen.library.workspace import MARKER, workspace_settings
    from bidgen.limits import configure

    root = Path(root)
    settings = workspace_settings(root)
    if settings.limits is not None:
        configure(settings.limits)
    key = str(root.resolve())
    if key not in _ANNOUNCED:
        _ANNOUNCED.add(key)
        from bidgen.cli.main import printable

        marker = f" ({root / MARKER})" if (root / MARKER).is_file() else ""
        click.echo(f"bidgen: using workspace {printable(root.resolve())}{printable(marker)}", err=True)
    return root


def library_dirs(given: tuple[Path, ...]) -> list[Path]:
    """The workspace given with --library, else one found from the current folder upwards (named
    on stderr, its limits in force)."""
    if given:
        for d in given:
            if (Path(d) / "bidgen-workspace.yaml").is_file():
                use_workspace(Path(d))
        return list(given)
    from bidgen.library import find_workspace

    found = find_workspace(Path.cwd())
    use_workspace(found)
    return [found] if found else []


def report(written: Any, explain: bool = False) -> None:
    """Print what a render command wrote, its warnings (stderr) and, with --explain, its picks."""
    from bidgen.cli.main import printable

    click.echo(f"wrote {printable(written.path)}")
    for w in written.warnings:
        click.echo(f"bidgen: warning: {printable(w)}", err=True)
    if explain:
        for line in written.explain:
            click.echo(f"  {line}")


def guarded(deal: Any, *, tender: Any = None, meeting: Any = None, policy_file: Path | None = None,
            force: bool = False, locale: str | None = None, dirs: list[Path] | None = None,
            paths: tuple[Path | None, ...] = ()) -> str:
    """Run the input checks before rendering; return the DRAFT stamp ('' when clean).

    Raises ChecksFailed (exit 1, one line per failed check) unless --force.
    """
    from bidgen.pipeline import guard

    draft, warnings = guard(deal, tender=tender, meeting=meeting, policy_file=policy_file,
                            workspace=dirs[0] if dirs else None, force=force, locale=locale,
                            paths=[p for p in paths if p is not None])
    from bidgen.cli.main import printable

    for w in warnings:
        click.echo(f"bidgen: warning: {printable(w)}", err=True)
    if draft:
        click.echo(f"bidgen: warning: checks failed; writing drafts stamped {draft!r} (--force)", err=True)
    return draft


def check_clashes(outdir: Path, kind: str, deals: list[tuple[Path, Any]]) -> None:
    """Refuse, before anything is written, a run where two deals' documents share a file name
    (client codes that make the same name, the same deal twice): an OutputClash naming both."""
    from bidgen.docx.commit import FileSet
    from bidgen.paths import output_path

    files = FileSet()
    for path, deal in deals:
        files.add(output_path(Path(outdir), kind, deal.client.code, deal.issue_date), b"", source=str(path),
                  kind=kind)


def each_deal(deals: tuple[Path, ...], kind: str, outdir: Path, write: Any, after: Any = None) -> None:
    """Load every DEAL, refuse clashing outputs, then call ``write(path, deal)`` for each, and
    ``after()`` once all are written (the PDF copies of what was written).

    A deal whose template fails (an error, a render limit) is reported and the others go on;
    the command then fails with the worst exit code.  Input errors stop the run first.
    """
    from bidgen.errors import BidgenError, RunFailed, TemplateError, RenderError
    from bidgen.inputs.load import load_deal

    if not deals:
        return
    loaded = [(path, load_deal(path)) for path in deals]
    check_clashes(outdir, kind, loaded)
    failed: list[BidgenError] = []
    for path, deal in loaded:
        try:
            write(path, deal)
        except (TemplateError, RenderError) as exc:
            if len(loaded) == 1:
                raise
            from bidgen.cli.main import printable

            for line in exc.lines():
                text = line if str(line).startswith(str(path)) else f"{path}: {line}"
                click.echo(f"bidgen: {printable(text)}", err=True)
            failed.append(exc)
    if after is not None:
        after()
    if failed:
        raise RunFailed(f"{len(failed)} of {len(loaded)} deal(s) failed; the others were written",
                        exit_code=max(e.exit_code for e in failed))
