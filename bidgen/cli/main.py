"""The command line: Click commands that map flags onto library calls.

Nothing here computes or renders; every user error is a ``BidgenError`` caught once in
:func:`main` and printed as one clear line per problem (no traceback), with its exit code.
Heavy modules are imported inside the commands so that ``bidgen --help`` stays fast.
"""

from __future__ import annotations

import sys

import click

from bidgen import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bidgen")
def cli() -> None:
    """bidgen writes Word proposals, tender bid packages, confirmation memos and internal
    negotiation briefs from deal data, and checks their commercial terms."""


# The commands, one module per command group, attached in the order ``--help`` lists them.
# A module that fails to import fails loudly: a command must never vanish silently.
_COMMANDS = (
    ("bidgen.cli.documents", ("proposal", "all_documents")),
    ("bidgen.cli.bid", ("bid",)),
    ("bidgen.cli.memo", ("memo", "brief")),
    ("bidgen.cli.check", ("check",)),
    ("bidgen.cli.batch", ("batch", "export")),
    ("bidgen.cli.library", ("library", "schema", "init")),
)


def _register() -> None:
    """Attach every command; each command module imports its library lazily, inside the command."""
    import importlib

    for module, names in _COMMANDS:
        mod = importlib.import_module(module)
        for name in names:
            cli.add_command(getattr(mod, name))


_register()


def printable(text: object) -> str:
    """``text`` safe for a terminal: control characters (an escape sequence in a file name or a
    value) and unpaired surrogates are shown as ``\\xNN`` / ``\\udNNN`` escapes, never sent raw."""
    from bidgen.limits import UNPRINTABLE_RE

    s = str(text)
    if not UNPRINTABLE_RE.search(s):
        return s
    return UNPRINTABLE_RE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), s)


_EXIT_FROZEN = False


def _freeze_at_exit() -> None:
    """At the process's end, hold every object still alive out of the garbage collector's last
    passes: the interpreter's shutdown runs several full collections over what a run leaves (the
    templates, the locale data, the memos), about 0.15 s after a bulk run's last file is written,
    to free memory the process is about to give back whole.  Files are written and closed before
    the command returns; the exit handlers registered later still run (they run first)."""
    global _EXIT_FROZEN
    if not _EXIT_FROZEN:
        import atexit
        import gc

        atexit.register(gc.freeze)
        _EXIT_FROZEN = True


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``bidgen`` console script."""
    import warnings

    from bidgen.errors import BidgenError, Terminated

    _freeze_at_exit()

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            pass

    def _one_line(message, category, filename, lineno, file=None, line=None):  # noqa: ANN001
        click.echo(f"bidgen: warning: {printable(message)}", err=True)

    warnings.showwarning = _one_line
    try:
        cli.main(args=argv, prog_name="bidgen", standalone_mode=False)
    except BidgenError as exc:
        for line in exc.lines():
            click.echo(f"bidgen: {printable(line)}", err=True)
        return exc.exit_code
    except click.exceptions.Abort as exc:
        if isinstance(exc.__context__, Terminated):
            click.echo("bidgen: stopped (SIGTERM)", err=True)
            return 143
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
