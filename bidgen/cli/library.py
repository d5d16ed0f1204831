"""Click commands for the content library: ``bidgen library list|show|validate``, ``bidgen schema``
and ``bidgen init``.  Only flags are parsed here; the work happens in :mod:`bidgen.library`, which
is imported inside the commands so that ``bidgen --help`` stays fast.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Callable

import click

#: Kept in step with bidgen.library.schema.KINDS (a test checks it); not imported to keep --help fast.
KINDS = ("clause", "scqa", "prep", "fab", "objection", "etiquette")
SAMPLE_CURRENCY = {"zh_CN": "CNY", "zh_TW": "TWD", "en_US": "USD"}

LIBRARY = click.option(
    "--library", "library_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path),
    help="A workspace or library folder that extends/overrides the built-ins (repeatable). "
    "Default: the workspace found from the current folder upwards.",
)


def _errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Print a BidgenError as located lines and exit with its code (no traceback)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from bidgen.errors import BidgenError

        try:
            return func(*args, **kwargs)
        except BidgenError as exc:
            for line in exc.lines():
                click.echo(f"bidgen: {line}", err=True)
            raise SystemExit(exc.exit_code) from None

    return wrapper


def _dirs(given: tuple[Path, ...]) -> list[Path]:
    from bidgen.cli.options import use_workspace
    from bidgen.library import MARKER, library_dirs

    dirs = [d for g in given for d in library_dirs(g)] if given else library_dirs()
    for d in dirs:
        if (Path(d) / MARKER).is_file():
            use_workspace(Path(d))  # named on stderr, marker validated, limits in force
    return dirs


def _load(given: tuple[Path, ...]) -> Any:
    from bidgen.library import Library

    return Library.load(_dirs(given))


@click.group("library")
def library() -> None:
    """Browse and validate the content library (clauses, SCQA/PREP narrative, FAB tables,
    objection answers, etiquette notes)."""


@library.command("list")
@click.option("--kind", type=click.Choice(KINDS), default=None, help="Only entries of this kind.")
@click.option("--locale", default=None, help="Only entries with texts in this locale; titles in it.")
@LIBRARY
@_errors
def list_entries(kind: str | None, locale: str | None, library_dirs: tuple[Path, ...]) -> None:
    """List library entries: id, kind, version, review date, source and title."""
    lib = _load(library_dirs)
    entries = lib.entries(kind, locale)
    width = max((len(e.id) for e in entries), default=2)
    for e in entries:
        source = "workspace" if e.layer else "built-in"
        click.echo(f"{e.id:<{width}}  {e.kind:<9}  v{e.version:<5}  {e.review_by}  {source:<9}  "
                   f"{e.title(locale or 'en_US')}")
    click.echo(f"{len(entries)} entries", err=True)


def _param_pairs(pairs: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected NAME=VALUE, got {pair!r}", param_hint="--param")
        out[name.strip()] = value
    return out


def _echo_rendered(rendered: Any) -> None:
    click.echo(rendered.title)
    click.echo("=" * min(60, max(8, len(rendered.title) * 2)))
    for paragraph in rendered.paragraphs:
        click.echo(paragraph)
    for key, value in rendered.parts.items():
        click.echo(f"{key.replace('_', ' ').capitalize()}: {value}")
    for i, row in enumerate(rendered.rows, 1):
        tie = f"  [{row['pain_point']}]" if row.get("pain_point") else ""
        click.echo(f"{i}. {row['feature']} → {row['advantage']} → {row['benefit']}{tie}")
    for note in rendered.notes:
        click.echo(f"- {note}")


@library.command("show")
@click.argument("entry_id")
@click.option("--locale", default="en_US", show_default=True, help="Locale to render in.")
@click.option("--currency", default=None, help="Currency for money filters (default: by locale).")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Override a scalar parameter (repeatable), e.g. --param total=676200.")
@LIBRARY
@_errors
def show(entry_id: str, locale: str, currency: str | None, params: tuple[str, ...],
         library_dirs: tuple[Path, ...]) -> None:
    """Show ENTRY_ID rendered with its default parameters (and any --param overrides)."""
    from bidgen.locales import content_locale

    lib = _load(library_dirs)
    entry = lib.get(entry_id)
    loc = content_locale(locale)
    rendered = entry.render(locale, _param_pairs(params), currency=currency or SAMPLE_CURRENCY.get(loc, "USD"))
    origin = "workspace" if entry.layer else "built-in"
    click.echo(f"{entry.id}  ({entry.kind}, v{entry.version}, owner {entry.owner}, review by {entry.review_by}, "
               f"{origin}: {entry.source})")
    click.echo("")
    _echo_rendered(rendered)
    if entry.params:
        click.echo("")
        click.echo("Parameters:")
        for name, spec in entry.params.items():
            default = spec.default_for(loc)
            shown = f"{len(default)} items" if isinstance(default, list) else default
            click.echo(f"  {name} ({spec.type}) default: {shown}")


@library.command("validate")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Warnings fail too.")
@LIBRARY
@_errors
def validate_cmd(directory: Path | None, strict: bool, library_dirs: tuple[Path, ...]) -> None:
    """Validate the built-in library and DIRECTORY (or --library, or the workspace found from the
    current folder): schema, every locale present, parameters used vs declared, unique ids,
    review dates, and a test render of every entry.  Exit 1 on any error."""
    from bidgen.library import validate
    from bidgen.paths import clauses_dir

    extra = _dirs((directory,) if directory else library_dirs)
    findings = validate([clauses_dir(), *extra])
    errors = [f for f in findings if f.severity == "error"]
    warnings = [f for f in findings if f.severity != "error"]
    for finding in errors + warnings:
        click.echo(str(finding))
    layers = ", ".join(str(p) for p in [clauses_dir(), *extra])
    click.echo(f"checked {layers}: {len(errors)} error(s), {len(warnings)} warning(s)", err=True)
    if errors or (strict and warnings):
        raise SystemExit(1)


@click.command("schema")
@click.argument("kind", required=False, type=click.Choice(KINDS))
@_errors
def schema(kind: str | None) -> None:
    """Print the JSON Schema of a library file (of one KIND, or any kind) for editor validation."""
    from bidgen.library import json_schema_text

    click.echo(json_schema_text(kind))


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", default=None, help="Workspace name (default: the folder name).")
@_errors
def init(directory: Path, name: str | None) -> None:
    """Scaffold a team workspace in DIRECTORY: clauses/, templates/, samples/, policy.yaml and a
    README.  Its entries extend or override the built-in library by id."""
    from bidgen.library import init_workspace

    for path in init_workspace(directory, name=name):
        click.echo(f"created {path}")
    click.echo(f"workspace ready: run bidgen commands inside {directory} or pass --library {directory}")
