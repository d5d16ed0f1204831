"""``bidgen batch`` (every deal of a workbook) and ``bidgen export`` (YAML/JSON ⇄ workbook).

Thin: the options map onto :class:`bidgen.batch.BatchOptions` (all batch flags live in
:data:`BATCH_OPTIONS`, so a post-step such as ``--pdf`` is added in one place) and
:func:`bidgen.batch.run_batch` does the work.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click

from bidgen.cli.options import FORCE, LIBRARY, LOCALE, OUTDIR, PDF, PDF_A, POLICY, library_dirs as _library_dirs

#: Every option of ``bidgen batch`` besides WORKBOOK, in the order ``--help`` lists them.
BATCH_OPTIONS = (
    OUTDIR,
    click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
                 help="Deals rendered at the same time: the driver and N-1 worker processes; default: every "
                      "core (at most 4 a core)."),
    click.option("--only", multiple=True, metavar="ID",
                 help="Only these deals (repeatable, or comma-separated ids)."),
    LOCALE,
    LIBRARY,
    POLICY,
    FORCE,
    click.option("--split", is_flag=True, help="Also write each part of a bid package as its own file."),
    click.option("--explain", is_flag=True, help="Say which library entries each deal used and why."),
    click.option("--rebuild", is_flag=True, help="Render and write every deal again, even those the manifest says are done "
                 "and over documents changed by hand since bidgen wrote them."),
    click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
                 help="json: the report as JSON on stdout (progress goes to stderr)."),
    click.option("--quiet", "-q", is_flag=True, help="No progress and no summary: only errors print."),
    PDF,
    PDF_A,
)


def batch_options(func: Any) -> Any:
    for option in reversed(BATCH_OPTIONS):
        func = option(func)
    return func


def _duration(seconds: float) -> str:
    """``42 s``, ``3 min 05 s``, ``1 h 02 min``."""
    seconds = max(0, int(round(seconds)))
    if seconds < 90:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


class _Progress:
    """Progress of a run: a bar on a terminal (deals done/total, failures so far, time left; its
    last state stays as one clean line: ``[####] 3/3 deals, 1 failed, done in 2 s``), one line per
    deal otherwise, nothing with ``--quiet``.  With ``--format json`` it goes to stderr (stdout
    carries the report)."""

    BAR = 30

    def __init__(self, fmt: str, quiet: bool, explain: bool) -> None:
        self.err = fmt == "json"
        self.stream = sys.stderr if self.err else sys.stdout
        self.tty = _isatty(self.stream)
        self.quiet = quiet
        self.explain = explain
        self.failed = 0
        self.started = time.monotonic()
        self.drawn = 0  # width of the bar line on screen (0: none, or ended)

    def _say(self, text: str, nl: bool = True) -> None:
        """Print a line of progress; a reader gone away (``| head``, quitting ``less``) stops the
        progress, never the run (see :meth:`_gone`)."""
        if self.quiet:
            return
        try:
            click.echo(text, nl=nl, err=self.err)
        except BrokenPipeError:
            self._gone()

    def _flush(self) -> None:
        try:
            self.stream.flush()
        except BrokenPipeError:
            self._gone()

    def _gone(self) -> None:
        """The reader of the progress went away: the run goes on quietly (its summary and errors go
        to stderr, its report to OUTDIR), and the stream is pointed at the null device so that no
        later write or the final flush fails."""
        self.quiet = True
        _to_null(self.stream)

    def __call__(self, r: Any, done: int, total: int) -> None:
        if not r.ok:
            self.failed += 1
        if self.quiet:
            return
        if self.tty:
            if self.explain and r.explain:
                self._clear()
                self._say(f"{r.id}:")
                for line in r.explain:
                    self._say(f"  {line}")
            self._draw(done, total)
            if done >= total:
                self._end()
            return
        docs = len(r.documents)
        extra = ""
        if r.status == "failed":
            extra = f": {len(r.errors)} error(s)"
        elif r.status == "draft":
            extra = " (DRAFT: checks failed, --force)"
        warned = sum(1 for f in r.findings if f.get("severity") == "warning")
        if warned and r.status != "failed":
            extra += f", {warned} warning(s) (see the report)"
        self._say(f"[{done}/{total}] {r.id}: {r.status}, {docs} document(s){extra}")
        if self.explain:
            for line in r.explain:
                self._say(f"  {line}")

    def _draw(self, done: int, total: int) -> None:
        elapsed = time.monotonic() - self.started
        if done >= total:
            tail = f"done in {_duration(elapsed)}"
        else:
            tail = f"{_duration(elapsed / done * (total - done)) if done else '?'} left"
        text = f" {done}/{total} deals, {self.failed} failed, {tail}"
        import shutil

        columns = shutil.get_terminal_size((80, 24)).columns
        bar = max(0, min(self.BAR, columns - 1 - len(text) - 2))  # never wider than the terminal
        filled = bar * done // total if total else bar
        line = (f"[{'#' * filled}{'.' * (bar - filled)}]" if bar >= 5 else "") + text
        line = line[: columns - 1]
        self._say("\r" + line + " " * max(0, self.drawn - len(line)), nl=False)
        self._flush()
        self.drawn = len(line)

    def _clear(self) -> None:
        if self.drawn:
            self._say("\r" + " " * self.drawn + "\r", nl=False)
            self.drawn = 0

    def _end(self) -> None:
        if self.drawn:
            self._say("")
            self.drawn = 0

    def close(self) -> None:
        """End the bar's line if the run stopped before its last deal (Ctrl-C, an error), so that
        what follows starts on a line of its own."""
        if self.tty and not self.quiet:
            self._end()


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


OUTDIR_REPORT = "OUTDIR/batch-report.xlsx"


def _to_null(stream: Any) -> None:
    """Point ``stream``'s file descriptor at the null device: its reader went away, and no later
    write, nor the interpreter's last flush, may fail again."""
    import os

    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, stream.fileno())
        os.close(null)
    except (OSError, ValueError):
        pass


def _finishing() -> list[tuple[int, Any]]:
    """The run is done (its documents, manifest and report written): what is left is saying so, and
    Ctrl-C or SIGTERM arriving now would only turn a finished run into an "aborted" one.  Returns
    the handlers replaced (see :func:`_restore`)."""
    import signal

    previous = []
    try:
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous.append((sig, signal.signal(sig, signal.SIG_IGN)))
    except ValueError:  # pragma: no cover - not the main thread
        pass
    return previous


def _restore(previous: list[tuple[int, Any]]) -> None:
    import signal

    for sig, handler in previous:
        signal.signal(sig, handler)


def _terminate_as_interrupt() -> None:
    """SIGTERM (``kill``, ``timeout``, a cancelled job) ends the run as Ctrl-C does: the workers are
    shut down, the manifest keeps what is done, and the next run completes the rest."""
    import signal

    from bidgen.errors import Terminated

    def _interrupt(signum: int, frame: Any) -> None:
        raise Terminated

    try:
        signal.signal(signal.SIGTERM, _interrupt)
    except ValueError:  # pragma: no cover - not the main thread (the library called from a thread)
        pass


def _pdfs(result: Any, pdf_a: bool, quiet: bool) -> None:
    """PDF copies of the run's documents, by one LibreOffice process: those written now, and those
    of deals left unchanged whose PDF is missing or older than the .docx."""
    from bidgen.pipeline import Written, make_pdfs

    todo = []
    for r in result.results:
        if not r.ok:
            continue
        for docx in r.docx:
            pdf = docx.with_suffix(".pdf")
            if pdf_a or not pdf.is_file() or pdf.stat().st_mtime < docx.stat().st_mtime:
                todo.append(Written("batch", docx))
    made = make_pdfs(todo, pdfa=pdf_a)
    if not quiet:
        click.echo(f"bidgen: {len(made)} PDF{'/A' if pdf_a else ''} file(s) written", err=True)


def _only(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


@click.command("batch")
@click.argument("workbook", type=click.Path(path_type=Path))
@batch_options
def batch(workbook: Path, outdir: Path, jobs: int | None, only: tuple[str, ...], locale: str | None,
          library_dirs: tuple[Path, ...], policy_file: Path | None, force: bool, split: bool, explain: bool,
          rebuild: bool, fmt: str, quiet: bool, pdf: bool, pdf_a: bool) -> None:
    """Write every document of every deal in WORKBOOK (an .xlsx file, or a folder of .csv files;
    see docs/input.md) into OUTDIR/<deal id>/: proposal and brief always, the bid package when a
    tender names the deal, the memo and its e-mail draft when a meeting does. Each deal is checked
    first as by `bidgen all`; a deal with errors is reported and skipped, the others are written.
    OUTDIR/batch-report.xlsx lists every deal; a re-run skips the deals that are done.
    With --pdf (--pdf-a) one LibreOffice process then converts every .docx whose PDF is missing or
    older than it. Exit 0: every deal written; 1: some deal failed, or a row belongs to no deal (a
    line item whose deal id is not in sheet 'deals', an id that is not text); 2: the workbook cannot
    be read, or the PDFs could not be made (the .docx files are written)."""
    import warnings

    from bidgen.batch import BatchOptions, run_batch
    from bidgen.errors import BidgenError

    late: BidgenError | None = None  # the manifest or the report could not be written (the run is done)

    if fmt == "json" and sys.stdout is None:  # (started with its standard output closed: `>&-`)
        from bidgen.errors import RunFailed

        raise RunFailed("--format json prints the report on standard output, which is closed: give it a file "
                        "(> report.json), or leave --format out (the report is in OUTDIR/batch-report.xlsx)")
    from bidgen.inputs.read import InputCleaned

    options = BatchOptions(jobs=jobs, only=_only(only), locale=locale,
                           library_dirs=tuple(_library_dirs(library_dirs)), policy_file=policy_file,
                           force=force, split=split, rebuild=rebuild)
    progress = _Progress(fmt, quiet, explain)
    _terminate_as_interrupt()
    try:
        with warnings.catch_warnings():
            if quiet:  # only errors print; the cells cleaned are in the report all the same
                warnings.simplefilter("ignore", InputCleaned)
            try:
                result = run_batch(workbook, outdir, options, progress=progress)
            except BidgenError as exc:
                if getattr(exc, "result", None) is None:
                    raise
                result, late = exc.result, exc  # type: ignore[attr-defined]  # the run is done: told below, then this
    except KeyboardInterrupt:
        progress.drawn = 0  # Ctrl-C: click ends the bar's line itself before "aborted"
        raise
    finally:
        progress.close()
    pdf_error = None
    if pdf or pdf_a:
        from bidgen.errors import PdfError

        try:
            _pdfs(result, pdf_a, quiet)
        except PdfError as exc:  # the summary still prints; then the command fails with it
            pdf_error = exc
    previous = _finishing()
    try:
        _tell(result, late, pdf_error, fmt, quiet, workbook)
    finally:  # (the handlers of a caller that runs the command in its own process come back)
        _restore(previous)


def _tell(result: Any, late: Any, pdf_error: Any, fmt: str, quiet: bool, workbook: Path) -> None:
    """What a finished run says: the JSON report, each failed deal's errors, the summary line; then
    the error that ends the command, if any."""
    from bidgen.batch.report import print_report_json
    from bidgen.batch.run import EDITED

    if fmt == "json":
        summary = {s: result.count(s) for s in ("written", "draft", "unchanged", "failed") if result.count(s)}
        stdout = click.get_text_stream("stdout")
        try:
            print_report_json(stdout, result.rows(), summary, result.outdir, str(workbook), result.unassigned)
            stdout.flush()
        except BrokenPipeError:  # the reader went away: said once, and no second failure at exit
            _to_null(stdout)
            from bidgen.errors import WriteError

            raise WriteError("standard output was closed before the JSON report was complete (the documents are "
                             f"written, and the report is in {result.report or OUTDIR_REPORT})") from None
    for r in result.failed:
        click.echo(f"bidgen: deal {r.id}: not written", err=True)
        for line in r.errors:
            click.echo(f"  {line}", err=True)
    if result.unassigned:
        click.echo(f"bidgen: {len(result.unassigned)} row(s) belong to no deal and were not used:", err=True)
        for line in result.unassigned:
            click.echo(f"  {line}", err=True)
    summary = ", ".join(f"{result.count(s)} {s}" for s in ("written", "draft", "unchanged", "failed")
                        if result.count(s))
    if result.unassigned:
        summary = f"{summary or 'none'}; {len(result.unassigned)} row(s) of no deal"
    kept = sum(1 for r in result.results for f in r.findings if f["rule"] == EDITED)
    if kept:  # a person's changes, noticed and kept: said here, not only in the report
        summary += f"; {kept} document(s) changed by hand kept as they are"
    line = (f"{len(result.results)} deal(s): {summary or 'none'} in {result.seconds:.1f} s; "
            f"report: {result.report or 'not written'}")
    if late is not None:  # the manifest or the report could not be written: after what the run did
        click.echo(f"bidgen: {line}", err=True)
        raise late
    if pdf_error is not None:
        click.echo(f"bidgen: {line}", err=True)
        raise pdf_error
    if result.exit_code:
        from bidgen.errors import RunFailed

        raise RunFailed(line, exit_code=result.exit_code)
    if not quiet:
        click.echo(f"bidgen: {line}", err=True)


@click.command("export")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="A workbook (.xlsx), a folder for .csv files, or (from a workbook) a folder for YAML files.")
@click.option("--to", "target", type=click.Choice(["auto", "xlsx", "csv", "yaml"]), default="auto", show_default=True,
              help="auto: a workbook from YAML/JSON inputs (.csv folder unless OUTPUT ends in .xlsx), "
                   "YAML files from a workbook.")
def export(inputs: tuple[Path, ...], output: Path, target: str) -> None:
    """Turn YAML/JSON deals, meetings and tenders into a workbook, or a workbook (or .csv folder)
    into YAML files (deal-<id>.yaml, meeting-<deal>.yaml, tender-<ref>.yaml). Nothing is lost
    either way: reading the result back gives the same records."""
    from bidgen.errors import InputError, ValidationErrors

    from_workbook = len(inputs) == 1 and (inputs[0].is_dir() or inputs[0].suffix.lower() in (".xlsx", ".xlsm"))
    if target == "auto":
        target = "yaml" if from_workbook else ("xlsx" if output.suffix.lower() == ".xlsx" else "csv")
    if output.exists() and output.is_file():
        raise InputError("already exists; choose a new name (export never overwrites)", file=str(output))
    if from_workbook:
        models = _models_from_workbook(inputs[0])
    else:
        from bidgen.inputs.load import load_any

        models = []
        errors = []
        for path in inputs:
            try:
                models.append(load_any(path))
            except ValidationErrors as exc:
                errors += exc.errors
            except InputError as exc:
                errors.append(exc)
        if errors:
            raise ValidationErrors(errors)
    from bidgen.inputs.workbook_write import to_yaml, write_csv_folder, write_workbook, yaml_name

    if target == "xlsx":
        click.echo(f"wrote {write_workbook(models, output)}")
    elif target == "csv":
        _fresh_folder(output, [f"{n}.csv" for n in ("deals",)])
        for p in write_csv_folder(models, output):
            click.echo(f"wrote {p}")
    else:
        names = [yaml_name(m) for m in models]
        _fresh_folder(output, names)
        output.mkdir(parents=True, exist_ok=True)
        for name, m in zip(names, models):
            (output / name).write_text(to_yaml(m), encoding="utf-8")
            click.echo(f"wrote {output / name}")


def _fresh_folder(folder: Path, names: list[str]) -> None:
    from bidgen.errors import InputError

    clashes = [folder / n for n in names if (folder / n).exists()]
    if clashes:
        raise InputError("already exists; choose an empty folder (export never overwrites)", file=str(clashes[0]))


def _models_from_workbook(path: Path) -> list[Any]:
    from bidgen.errors import ValidationErrors
    from bidgen.inputs.workbook import read_workbook

    book = read_workbook(path)
    errors = [e for entry in book.entries for e in entry.errors] + list(book.orphans)
    if errors:
        raise ValidationErrors(errors)
    models: list[Any] = []
    for entry in book.entries:
        models += [m for m in (entry.deal, entry.meeting, entry.tender) if m is not None]
    return models
