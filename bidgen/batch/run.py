"""The driver of a bulk run: read the workbook, plan the deals, run each through an executor,
keep the manifest and write the report.

The per-deal job (:func:`bidgen.batch.job.run_deal`) returns each deal's documents in memory;
they are written as one set per deal with :func:`bidgen.documents.output.write_set` (the same
mechanism ``bidgen all`` uses), without a sync per file (one sync comes at the end of the run).
The run's own processes (the driver and its workers, on one machine) write each deal where it
was rendered and send back only its paths and hashes; the documents of an executor of the
caller's (which may run on other machines) come back to the driver, which writes them.  Only
the driver keeps the manifest and the report.
"""

from __future__ import annotations

import os
import re
import time
from decimal import Decimal
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from bidgen.batch.job import DealJob, DealResult, Shared, error_dict, run_deal
from bidgen.batch.manifest import MANIFEST, Manifest, shared_hash
from bidgen.batch.report import REPORT, ReportWriter
from bidgen.errors import BidgenError, InputError, ValidationErrors

__all__ = ["BatchOptions", "BatchResult", "run_batch", "plan_folders"]

Progress = Callable[[DealResult, int, int], None]


@dataclass(frozen=True)
class BatchOptions:
    """Everything a run is told (the CLI's flags, one place for all of them)."""

    jobs: int | None = None  # default: every core
    only: tuple[str, ...] = ()
    locale: str | None = None
    library_dirs: tuple[Path, ...] = ()
    policy_file: Path | None = None
    force: bool = False
    split: bool = False
    rebuild: bool = False
    report: bool = True


@dataclass
class BatchResult:
    """The deals in the order of the workbook, and where the report went."""

    workbook: str
    outdir: Path
    results: Sequence[DealResult] = field(default_factory=list)
    report: Path | None = None
    seconds: float = 0.0
    #: located problems in rows that belong to no deal of the run (an id that is not text, a line
    #: item or meeting whose deal is not in sheet 'deals', …): such a row was not used, so the run
    #: is not complete even when every deal it found was written
    unassigned: list[str] = field(default_factory=list)
    #: the report as the run wrote it (every deal's row with all its findings): see :meth:`rows`
    writer: Any = field(default=None, repr=False)

    def rows(self) -> Iterator[dict[str, Any]]:
        """Each deal's report row (JSON form, with every finding), in the order of the workbook."""
        if self.writer is None:
            from bidgen.batch.report import deal_row

            return iter([deal_row(r, self.outdir) for r in self.results])
        return self.writer.rows()

    @property
    def failed(self) -> list[DealResult]:
        if self.writer is not None and not self.writer.counts.get("failed"):
            return []  # known without reading every deal's row back
        return [r for r in self.results if not r.ok]

    @property
    def exit_code(self) -> int:
        """0 when every deal was written (or unchanged) and every row was used, else 1."""
        return 1 if self.unassigned or self.count("failed") else 0

    def count(self, status: str) -> int:
        """How many deals ended with ``status`` (counted as the run went: no row is read back)."""
        if self.writer is not None:
            return self.writer.counts.get(status, 0)
        return sum(1 for r in self.results if r.status == status)


def plan_folders(ids: Sequence[str], outdir: Path) -> dict[str, Path]:
    """Each deal's own folder ``OUTDIR/<safe id>``; :class:`OutputClash` (before anything is
    written) when two deals would share a folder, or a folder would be the report or manifest."""
    return {deal_id: outdir / name for deal_id, name in folder_names(ids, outdir).items()}


def folder_names(ids: Sequence[str], outdir: Path) -> dict[str, str]:
    """The name of each deal's folder in OUTDIR (see :func:`plan_folders`)."""
    import unicodedata

    from bidgen.inputs.locate import lookalike_chars, lookalike_key, quote
    from bidgen.paths import safe_component

    taken: dict[str, str] = {REPORT.casefold(): "the run's report", MANIFEST.casefold(): "the run's manifest"}
    folders = {}
    clashes = []
    owner: dict[str, str] = {}
    for deal_id in ids:
        name = safe_component(deal_id)
        # folders whose names look the same are a clash too: NFKC (full-width 'Ｄ' is 'D'), then case
        key = safe_component(unicodedata.normalize("NFKC", name)).casefold()
        if key in taken:
            other = owner.get(key)
            odd = lookalike_chars(deal_id, other) if other is not None else ""
            why = (f"the two ids look the same ({quote(deal_id)} has {odd})" if odd and lookalike_key(deal_id) == lookalike_key(other)
                   else "give the deals ids that differ in more than case or punctuation (folder names keep "
                        "letters, digits, '_' and '-'; other characters become '-')")
            clashes.append(InputError(f"deal {quote(deal_id)} would write into the folder {quote(name)} of {taken[key]}; {why}",
                                      file=str(outdir / name)))
            continue
        taken[key] = f"deal {quote(deal_id)}"
        owner[key] = deal_id
        folders[deal_id] = name
    if clashes:
        raise OutputClash_(clashes)
    return folders


class OutputClash_(ValidationErrors):
    """Two deals would write the same path (exit 2, nothing written)."""


@dataclass(frozen=True)
class _Warm:
    """What a worker loads as it starts: the library and the built-in templates of these locales."""

    library_dirs: tuple[Path, ...] = ()
    locales: tuple[str, ...] = ()


def _templates(warm: _Warm) -> Iterator[Path]:
    """The built-in templates ``warm`` names (one of each document kind per locale); one that is
    missing is left out here, and reported by the deal that needs it."""
    from bidgen.paths import builtin_template

    for loc in warm.locales:
        for kind in ("proposal", "bid", "memo", "brief"):
            path = builtin_template(kind, loc)
            if path.is_file():
                yield path


def _warm_up(warm: _Warm) -> None:
    """Load what every deal needs once (a worker, as it starts: see :func:`_start_pool`)."""
    from bidgen.documents.output import load_library
    from bidgen.docx.render import CompiledTemplate

    try:
        load_library(warm.library_dirs)
    except Exception:  # noqa: BLE001 - only a head start: each deal's own job reports what fails
        pass
    for path in _templates(warm):
        try:
            CompiledTemplate.load(path)
        except Exception:  # noqa: BLE001 - as above
            pass
    from bidgen.locales import babel_locale

    for loc in warm.locales:  # each locale's data (numbers, dates), read on first use otherwise
        try:
            babel_locale(loc).number_symbols
        except Exception:  # noqa: BLE001 - as above
            pass


def _all_cached(warm: _Warm) -> bool:
    """Whether the compiled-template cache holds every built-in template ``warm`` names."""
    from bidgen.docx.compilecache import cache_key, has_record

    for path in _templates(warm):
        try:
            key = cache_key(str(path), path.read_bytes())
        except OSError:  # a template that cannot be read: loaded (and reported) later
            continue
        if key is None or not has_record(key):
            return False
    return True


def _builtin_locales() -> tuple[str, ...]:
    """The locales bidgen has built-in templates for (each kind's ``<kind>.<locale>.docx``)."""
    from bidgen.paths import templates_dir

    return tuple(sorted(p.name.split(".")[1] for p in templates_dir().glob("proposal.*.docx")))


def _start_pool(jobs: int, options: BatchOptions) -> Executor | None:
    """The worker processes, started before the workbook is planned.  When every template is in
    the compiled-template cache (:mod:`bidgen.docx.compilecache`) and there are no more workers
    than cores, they start at once, and each imports what rendering needs and loads the library,
    the templates and its locales' data while the driver plans the workbook (the driver imports
    them as it renders its first deal, when the workers are already busy).  Otherwise the driver
    imports and loads (compiles and keeps) them first and the workers start with them: several
    workers compiling the same templates at once would only multiply the work."""
    warm = _Warm(tuple(options.library_dirs), (options.locale,) if options.locale else _builtin_locales())
    by_workers = jobs <= (os.cpu_count() or 1) and _all_cached(warm)
    if not by_workers:
        _preload()
        _warm_up(warm)
    pool = _executor(jobs - 1, warm if by_workers else None)  # the driver is the jobs-th (see _run)
    try:
        pool.submit(_started)  # the pool forks its workers on its first job
    except BrokenExecutor:
        pass  # the run's first deal meets it again, and the run replaces the pool
    return pool


def _preload() -> None:
    """Import what every deal's job uses: before the workers are forked, when the driver warms up
    for them (they start with it), else in each worker as it starts (see :func:`_start_pool`)."""
    import bidgen.checks  # noqa: F401
    import bidgen.pipeline  # noqa: F401
    from bidgen.documents import bid, brief, content, eml, memo, proposal  # noqa: F401


def _jobs(requested: int | None, own: bool) -> int:
    """How many processes render: ``--jobs``, by default one per core.  The run's own processes
    are at most four per core (and 64): more only wait for a core, each holding its memory, and a
    slip of the keyboard (``--jobs 100000``) would start them all at once."""
    cores = os.cpu_count() or 1
    jobs = requested or cores
    return min(jobs, 4 * cores, _MAX_JOBS) if own else jobs


def _started() -> None:
    """The first job of a pool: none (submitting it starts the workers)."""


def _worker_init(driver: int, warm: _Warm | None = None) -> None:
    """In a forked worker: a render watchdog of its own (threads do not survive a fork), an end
    together with the driver (a worker whose driver was killed by SIGTERM, SIGKILL or the OOM
    killer would otherwise live on, blocked writing a result nobody reads), then ``warm``."""
    import signal

    from bidgen import sandbox

    # Ctrl-C reaches every process of the terminal's group: the driver alone answers it (it
    # ends the workers), so a worker never prints a traceback of its own
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # SIGTERM to the whole group (timeout, systemd, docker stop): the driver's handler, inherited
    # through the fork, would raise in a worker and print a traceback; a worker just ends
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    sandbox._WATCHDOG = sandbox._Watchdog()
    _die_with(driver)
    if warm is not None:
        _preload()
        _warm_up(warm)


def _die_with(driver: int) -> None:
    """Ask the kernel to SIGKILL this process when its parent dies (Linux); elsewhere, the pool's
    own shutdown on the driver's exit does it."""
    import signal
    import sys

    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            pr_set_pdeathsig = 1
            libc.prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no prctl
            pass
    if os.getppid() != driver:  # the driver died before the request above took effect
        os._exit(1)


def _executor(workers: int, warm: _Warm | None = None) -> Executor:
    """A pool of ``workers`` processes (at least one), each started with :func:`_worker_init`."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    # fork: the workers start at once with what the driver has imported
    ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
    return ProcessPoolExecutor(max_workers=max(1, workers), mp_context=ctx, initializer=_worker_init,
                               initargs=(os.getpid(), warm))


def _select(ids: list[str], only: Sequence[str]) -> list[str]:
    if not only:
        return ids
    from bidgen.inputs.locate import did_you_mean, quote

    known = set(ids)
    unknown = [o for o in only if o not in known]
    if unknown:
        errors = []
        for o in unknown:
            hint = did_you_mean(o, ids)
            errors.append(InputError(f"no deal {quote(o)} in the workbook" + (f"; did you mean {hint!r}?" if hint else ""),
                                     field="--only"))
        raise ValidationErrors(errors)
    wanted = set(only)
    return [i for i in ids if i in wanted]


def _unsafe_folder(folder: Path) -> str | None:
    """Why a deal's folder cannot be written into, or None: bidgen writes only into real folders
    inside OUTDIR, never through a symbolic link that may lead anywhere."""
    if folder.is_symlink():
        return ("is a symbolic link; bidgen writes a deal's documents only into a real folder inside "
                "OUTDIR (remove the link, or choose another OUTDIR)")
    if folder.exists() and not folder.is_dir():
        return "is a file, not a folder; move it away so that the deal's documents can be written here"
    return None


def run_batch(
    workbook: str | Path,
    outdir: str | Path,
    options: BatchOptions = BatchOptions(),
    *,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> BatchResult:
    """Render every deal of ``workbook`` into ``OUTDIR/<deal id>/``; see :mod:`bidgen.batch`.

    Raises :class:`~bidgen.errors.BidgenError` (exit 2) when the workbook cannot be read or two
    deals would write the same path; nothing is written then.  A deal with an error is reported
    in the result (and the report) and skipped; the others are written.

    The driver reads the workbook twice, as streams: once to check the file and plan the deals
    (:func:`~bidgen.inputs.workbook.plan_workbook`), once to hand each deal's raw rows to the
    executor as soon as they are complete (:meth:`~bidgen.inputs.workbook.Plan.deals`).  Reading
    the cells for their columns, validating and locating errors is the per-deal job's work.
    """
    started = time.perf_counter()
    outdir = Path(outdir)
    jobs = _jobs(options.jobs, executor is None)
    # the workers start now and load the templates while the workbook is planned
    pool = _start_pool(jobs, options) if executor is None and jobs > 1 else None
    try:
        return _plan_and_run(workbook, outdir, options, jobs, executor, pool, progress, started)
    except BaseException:
        if pool is not None:
            _stop(pool)  # a workbook that cannot be read, Ctrl-C: the workers end now
        raise


def _plan_and_run(workbook: str | Path, outdir: Path, options: BatchOptions, jobs: int, executor: Executor | None,
                  pool: Executor | None, progress: Progress | None, started: float) -> BatchResult:
    from bidgen.checks import load_policy
    from bidgen.inputs.tables import open_workbook
    from bidgen.inputs.workbook import plan_workbook

    lock: int | None = None  # OUTDIR held by this run (see _lock)
    try:
        with open_workbook(workbook) as src:
            plan = plan_workbook(src)
            ids = _select(plan.ids, options.only)
            folders = folder_names(ids, outdir)
            workspace = options.library_dirs[0] if options.library_dirs else None
            policy = load_policy(options.policy_file, workspace)
            common = shared_hash(library_dirs=options.library_dirs, policy_file=options.policy_file,
                                 options={"locale": options.locale, "force": options.force, "split": options.split})
            shared = Shared(locale=options.locale, library_dirs=tuple(options.library_dirs), policy=policy,
                            force=options.force, split=options.split, layout=plan.layout, common=common)
            outdir.mkdir(parents=True, exist_ok=True)
            lock = _lock(outdir)
            present = {name.casefold() for name in os.listdir(outdir)}  # (one listing, not a look per deal)
            _clean_leftovers(outdir / name for name in folders.values() if name.casefold() in present)
            result = BatchResult(str(workbook), outdir)
            wanted = set(ids)
            result.unassigned = [str(e) for e in plan.orphans
                                 if not options.only or getattr(e, "deal", None) is None or e.deal in wanted]
            rows = (r for r in plan.deals(src) if r.id in wanted)
            result.writer = ReportWriter(outdir, xlsx=options.report)
            kept = _run(rows, ids, folders, shared, options, jobs, executor, pool, progress, outdir, result.writer)
            result.unassigned += [str(e) for e in plan.late_orphans
                                  if not options.only or getattr(e, "deal", None) is None or e.deal in wanted]
        result.results = _Results(result.writer, outdir)
        try:
            result.report = result.writer.finish(result.unassigned)
        except BidgenError as exc:  # (said once the rest is done, with the run's result: see below)
            kept = kept or exc
        if ids or options.report:
            # one sync for the whole run instead of one per file and folder: sync(2) flushes the
            # documents' data and their names; elsewhere, each folder written is synced once
            if hasattr(os, "sync"):
                os.sync()
            else:  # pragma: no cover - platforms without sync(2)
                from bidgen.docx.commit import sync_dirs

                sync_dirs(sorted({outdir, *(outdir / name for name in folders.values())}))
        result.seconds = time.perf_counter() - started
    finally:
        _unlock(lock)
    if kept is not None:  # the manifest or the report could not be written: said once the rest is done
        kept.result = result  # type: ignore[attr-defined]  # (what the run did: the CLI reports it first)
        raise kept
    return result


#: the rule of the warning that a document changed by hand was kept (the CLI counts them)
EDITED = "edited"
#: the rule of what a run says about the files of a deal's folder
OUTPUT = "output"

#: the lock a run holds on its OUTDIR (see :func:`_lock`)
LOCK = ".bidgen-batch.lock"


def _lock(outdir: Path) -> int | None:
    """Hold OUTDIR for this run: a second run into the same folder at the same time (another
    terminal, a scheduled job) would write over this one's documents and records.  An advisory
    lock (flock) on ``OUTDIR/.bidgen-batch.lock``, released by the kernel when the process ends
    however it ends; the file stays (removing it would let two runs lock two files).  Where flock
    does not exist, no lock (None)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return None
    from bidgen.errors import OutputBusy

    from bidgen.batch.manifest import own_fd

    path = outdir / LOCK
    try:
        fd = own_fd(path, os.O_RDWR | getattr(os, "O_CLOEXEC", 0))  # (a link planted there is replaced)
    except OSError as exc:
        from bidgen.errors import WriteError

        raise WriteError(f"cannot lock the output folder ({exc.strerror or exc}): bidgen keeps this file there while a "
                         "run writes into the folder; if something else stands at its name, move it away",
                         file=str(path)) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        try:
            who = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
        except OSError:
            who = ""
        os.close(fd)
        raise OutputBusy(f"another bidgen batch{f' (process {who})' if who.isdigit() else ''} is writing into this "
                         "folder: wait for it to end, or give another -o", file=str(outdir)) from None
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
    except OSError:
        pass
    return fd


def _unlock(fd: int | None) -> None:
    if fd is not None:
        os.close(fd)  # (the lock goes with the last descriptor: the workers, forked with it, have ended)


def _run(rows: Iterable[Any], ids: list[str], folders: dict[str, str], shared: Shared, options: BatchOptions,
         jobs: int, executor: Executor | None, started: Executor | None, progress: Progress | None, outdir: Path,
         writer: ReportWriter) -> BidgenError | None:
    """Each deal's rows rendered (a bounded number of deals in flight), each result written as it
    comes back and added to the report in the workbook's order (the report keeps them: nothing of a
    deal stays in memory once its row is written).

    ``jobs``: how many processes render (:func:`_jobs`).  ``executor`` is the caller's: every deal
    goes through it, a few a task.  Else the run's own processes: the driver renders deals itself, between handing out tasks to its worker processes
    (``started``: ``--jobs`` - 1 of them; none with ``--jobs 1``).  A deal is rendered alone in a
    worker process (one made for it with ``--jobs 1``) when it may end the process that renders it:
    the deals of a task whose worker died (the OOM killer, ``kill -9``), each once more, with
    nothing else in the pool, so that only the deal that kills its worker fails; and a deal that
    ended the driver of an earlier run (see :meth:`Manifest.attempt`), which would otherwise end
    every later run at the same place.  Returns why the manifest could not be kept, if it could not."""
    import shlex
    import warnings
    from collections import deque

    from bidgen.inputs.read import InputCleaned

    manifest = Manifest.load(outdir)
    finished = 0
    total = len(ids)
    order = {deal_id: k for k, deal_id in enumerate(ids)}
    ready: dict[int, DealResult] = {}  # results that came back before an earlier deal's
    reported = 0

    def report_progress(r: DealResult) -> None:
        nonlocal finished, reported
        finished += 1
        if progress is not None:
            progress(r, finished, total)
        ready[order[r.id]] = r
        while reported in ready:
            writer.add(ready.pop(reported))
            reported += 1

    def fail(job: DealJob, message: str) -> None:
        r = _failed(job.id, job.folder, message, "worker")
        r.findings += _stale(manifest.deals.get(job.id), manifest.outdir, job.folder)
        report_progress(r)

    own = executor is None
    procs = started  # the run's own worker processes (made when first needed with --jobs 1)
    workers = (jobs - 1 if started is not None else 0) if own else jobs
    # tasks in flight: enough for every worker to find its next one waiting (and, for an executor of
    # the caller's, for its queue); memory stays flat in the number of deals
    ahead = workers * 2 if own else max(4, jobs * 4)
    breaks = 0  # pools replaced since a worker last brought a deal back
    pending: set[Future] = set()
    isolate: deque[DealJob] = deque()  # deals to render alone in a worker process
    redo: deque[DealJob] = deque()  # deals found unchanged whose files are not: rendered again
    alone: Future | None = None
    queue = iter(rows)
    exhausted = False
    handed = 0  # deals taken from the workbook so far

    def next_job() -> DealJob | None:
        """The next deal to render, None when there is none left (a deal whose folder cannot be
        written into is reported at once)."""
        nonlocal handed, exhausted
        if redo:
            return redo.popleft()
        while not exhausted:
            nxt = next(queue, None)
            if nxt is None:
                exhausted = True
                break
            handed += 1
            folder = outdir / folders[nxt.id]
            unsafe = _unsafe_folder(folder)
            if unsafe:
                report_progress(_failed(nxt.id, folder, unsafe, "output", str(folder)))
                continue
            if options.rebuild:  # render and write every deal, whatever its folder holds
                return DealJob(nxt.id, folder, nxt, None, manifest.guard(folder.name), overwrite=True)
            entry = manifest.deals.get(nxt.id)
            return DealJob(nxt.id, folder, nxt, entry.get("hash") if entry else None, manifest.guard(folder.name))
        return None

    def submit(batch: list[DealJob]) -> Future | None:
        """Hand a task to the executor (the run's own pool replaced when a worker died: a few times
        in a row at most); None when there is no worker left to render it (its deals fail)."""
        nonlocal procs, breaks
        while True:
            try:
                if not own:
                    fut = executor.submit(_run_deals, batch, shared, False)  # type: ignore[union-attr]
                else:
                    if procs is None:
                        procs = _executor(max(1, workers))
                    fut = procs.submit(_run_deals, batch, shared, True)
                break
            except BrokenExecutor:
                if not own or breaks >= _MAX_RESTARTS:
                    for job in batch:
                        fail(job, _WORKER_DIED + " (no worker left to render it)")
                    return None
                _stop(procs)  # type: ignore[arg-type]
                procs = _executor(max(1, workers), _Warm(shared.library_dirs, ()))
                breaks += 1
        fut.jobs = batch  # type: ignore[attr-defined]
        return fut

    def finish(job: DealJob, r: DealResult) -> None:
        """What the driver does with a deal's result: keep the manifest (writing the documents when
        an executor of the caller's sent them back; checking the files of a deal found unchanged),
        then report it."""
        manifest.cleared(r.id)  # the process that rendered it lived
        for note in r.notes:
            warnings.warn(InputCleaned(note), stacklevel=2)
        if r.status == "unchanged":
            done, why = manifest.unchanged(r.id, r.digest or "", job.folder)
            if done is None:  # a file the manifest lists is missing (…): render again
                redo.append(DealJob(job.id, job.folder, job.rows, None, job.guard, job.overwrite, why))
                return
            manifest.done(r.id)
            r.documents = done["paths"]
            r.total = Decimal(done["total"]) if done.get("total") else None
            r.findings = list(done.get("findings") or [])
            r.findings += [{"severity": "warning", "rule": EDITED, "place": rel,
                            "message": "changed since bidgen wrote it: kept as it is (the deal's inputs are unchanged); "
                                       f"--rebuild --only {shlex.quote(r.id)} writes it again from the workbook"}
                           for rel in done["edited"]]
        elif r.docs or r.written:
            earlier = manifest.deals.get(r.id)
            if manifest.writing.get(r.id):  # files an ended run was putting in place: bidgen's too
                earlier = {**(earlier or {}),
                           "files": [*((earlier or {}).get("files") or []), *map(list, manifest.writing[r.id])]}
            if r.docs:  # rendered by an executor of the caller's: written here
                _write(r, job)
            if r.status != "failed":  # (a set not written leaves the previous one, and its entry, as they were)
                # the deal's own findings are kept for the runs that find it unchanged; what this run
                # says of the folder (files retired, written over) is this run's only
                kept = [f for f in r.findings if f.get("rule") not in (OUTPUT, EDITED)]
                r.findings += _retire(earlier, r.documents, manifest.outdir)
                manifest.record(r.id, r.digest or "", zip(r.documents, r.hashes), status=r.status,
                                total=str(r.total) if r.total is not None else None, findings=kept)
            r.hashes = []
        if r.status == "failed" and not job.why:  # (written again with the same inputs: they still match)
            r.findings += _stale(manifest.deals.get(r.id), manifest.outdir, job.folder)
        elif r.status != "failed":
            r.findings += _strays(job.folder, r.documents, manifest.outdir)
        report_progress(r)

    try:
        while True:
            # the workers' next tasks: a few deals each (a task's hand-off costs the driver about a
            # millisecond, whatever its size), down to one deal each as the run nears its end, so
            # that every process stays busy to the last deal; none while a deal waits to be
            # rendered alone
            while workers and not isolate and alone is None and not (exhausted and not redo) and len(pending) < ahead:
                size = max(1, min(_CHUNK, (total - handed) // (jobs * 4)))
                batch: list[DealJob] = []
                while len(batch) < size and (job := next_job()) is not None:
                    batch.append(job)
                if batch and (fut := submit(batch)) is not None:
                    pending.add(fut)
            if isolate and alone is None and not pending:  # the pool holds nothing else now
                alone = submit([isolate.popleft()])
            if own and not (exhausted and not redo):
                job = next_job()
                if job is not None:
                    if job.id in manifest.suspects:  # it ended the driver of an earlier run
                        isolate.append(job)
                    else:
                        manifest.attempt(job.id)
                        finish(job, _run_deals([job], shared, True, True)[0])
                done_set = {f for f in pending if f.done()}
                if alone is not None and alone.done():
                    done_set.add(alone)
            elif pending or alone is not None:
                done_set, _ = wait(pending | ({alone} if alone is not None else set()), return_when=FIRST_COMPLETED)
            elif isolate or redo:
                continue
            else:
                break
            for fut in sorted(done_set, key=lambda f: f.jobs[0].id):  # type: ignore[attr-defined]
                batch = fut.jobs  # type: ignore[attr-defined]
                by_itself = fut is alone
                if by_itself:
                    alone = None
                else:
                    pending.discard(fut)
                if own and isinstance(fut.exception(), BrokenExecutor):
                    # the pool broke while these deals were in flight (maybe not even started): a
                    # worker killed while writing one left its temporary files, which go
                    _clean_leftovers(job.folder for job in batch)
                    if by_itself:  # it ended its worker with nothing else in the pool: the cause
                        manifest.suspect(batch[0].id)  # (the next run renders it alone again)
                        fail(batch[0], _WORKER_DIED)
                    else:  # each once more, alone
                        isolate.extend(batch)
                    continue
                if own:
                    breaks = 0
                for job, r in zip(batch, _collect(fut, batch)):
                    finish(job, r)
    except BaseException:
        if own and procs is not None:
            _stop(procs)  # Ctrl-C, SIGTERM, an error: the workers end now, whatever they were doing
            # a worker killed halfway through writing a deal's set leaves its temporary files
            _clean_leftovers(job.folder for fut in (*pending, *([alone] if alone else []))
                             for job in fut.jobs)  # type: ignore[attr-defined]
        raise
    else:
        if own and procs is not None:
            procs.shutdown(wait=True, cancel_futures=True)
    finally:
        manifest.close()
    return manifest.error


class _Results(Sequence[DealResult]):
    """The deals of a run in the order of the workbook, read back from the run's report rows
    (so that a run of many deals does not hold them all): status, folder, documents, total,
    currency and every finding of each deal."""

    def __init__(self, writer: ReportWriter, outdir: Path) -> None:
        self.writer = writer
        self.outdir = outdir

    def __len__(self) -> int:
        return self.writer.deals

    def __iter__(self) -> Iterator[DealResult]:
        outdir = self.outdir
        for row in self.writer.rows():
            yield DealResult(row["deal"], row["status"], folder=outdir / row["folder"] if row["folder"] else None,
                             documents=[outdir / p for p in row["documents"]], findings=row["findings"],
                             total=Decimal(row["total"]) if row["total"] is not None else None,
                             currency=row["currency"])

    def __getitem__(self, index: Any) -> Any:  # type: ignore[override]
        if isinstance(index, slice):
            return list(self)[index]
        if index < 0:
            index += len(self)
        for k, r in enumerate(self):
            if k == index:
                return r
        raise IndexError(index)


_MAX_RESTARTS = 3
_MAX_JOBS = 64  # processes of a run's own, at most (see _jobs)
_CHUNK = 8  # deals per task at most (see _run)
_WORKER_DIED = ("the worker process rendering this deal ended unexpectedly (killed by a signal, e.g. by the "
                "system when memory ran out); it was not written: run the batch again to complete it")


def _stop(pool: Executor) -> None:
    """End a pool at once: its worker processes are killed (one may be blocked writing a result
    nobody will read), then it is shut down without waiting."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for proc in processes:
        try:
            proc.kill()
        except (OSError, AttributeError):  # pragma: no cover - already gone
            pass
    for proc in processes:
        try:
            proc.join(5)
        except (OSError, AttributeError, AssertionError):  # pragma: no cover
            pass
    # A worker killed halfway through writing a result leaves the pool's thread waiting for the
    # rest of it for ever (and the interpreter waiting for that thread at exit): with the workers
    # gone, closing this process's own end of the result pipe makes that read end at once.
    writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
    if writer is not None:
        try:
            writer.close()
        except OSError:  # pragma: no cover
            pass
    pool.shutdown(wait=False, cancel_futures=True)


def _retire(earlier: dict[str, Any] | None, written: list[Path], outdir: Path) -> list[dict[str, Any]]:
    """After a deal's new set is in place: the files an earlier run wrote for it that are not part
    of the new set (a new date or client code names them differently) are removed, so that a deal's
    folder never holds an outdated bid beside the current one (nor its PDF, which ``--pdf`` made
    after the run and the manifest does not list); a file changed since bidgen wrote it is left
    alone, with a warning.  Returns the findings to report."""
    from bidgen.batch.manifest import file_hash

    if not earlier or not written:
        return []
    keep = {os.path.normcase(os.path.abspath(p)) for p in written}
    folder = Path(written[0]).parent
    findings = []
    shas: dict[Any, set[str]] = {}  # each file, with the hashes a run gave it (recorded, or being put in place)
    for rel, sha in earlier.get("files") or []:
        shas.setdefault(rel, set()).add(sha)
    for rel, known in shas.items():
        path = _own_file(outdir, folder, rel)
        if path is None:
            findings.append({"severity": "warning", "rule": "output", "place": MANIFEST,
                             "message": f"the manifest names {str(rel)[:120]!r}, which is not a document of this deal's "
                                        "folder: ignored (was the manifest edited?)"})
            continue
        if os.path.normcase(os.path.abspath(path)) in keep or not path.is_file() or path.is_symlink():
            continue
        if file_hash(path) in known:
            try:
                path.unlink()
                # the PDF that --pdf made of it (not in the manifest: made after the run) goes with it
                pdf = path.with_suffix(".pdf")
                if path.suffix == ".docx" and os.path.normcase(os.path.abspath(pdf)) not in keep \
                        and pdf.is_file() and not pdf.is_symlink():
                    pdf.unlink()
            except OSError:
                pass  # (still in the folder: :func:`_strays` says so, at this run and every later one)
        # a file changed since bidgen wrote it is left in place: :func:`_strays` says so
    return findings


def _strays(folder: Path, documents: Sequence[Path], outdir: Path) -> list[dict[str, Any]]:
    """The documents in a deal's folder that are not part of its current set (an earlier set's,
    left because a person changed it or it could not be removed; one put there by hand), named
    at every run until they are moved away: a person must not send one by mistake."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    current = {p.name for p in documents} | {Path(p).with_suffix(".pdf").name for p in documents}
    return [{"severity": "warning", "rule": OUTPUT, "place": f"{folder.name}/{name}",
             "message": "not one of this deal's current documents (an earlier set's, kept because it was changed by "
                        "hand or could not be removed, or put here by someone): it does not match the workbook; "
                        "move it away before sending the folder"}
            for name in names if _OWN_NAME.fullmatch(name) and name not in current]


# the names bidgen gives documents: <DocType>_<client code>_v<YYYYMMDD>.docx|.eml|.pdf
_OWN_NAME = re.compile(r"[A-Z][A-Za-z]*_[\w-]+_v\d{8}\.(?:docx|eml|pdf)")


def _own_file(outdir: Path, folder: Path, rel: Any) -> Path | None:
    """The file a manifest entry names, when it is one bidgen can have written for this deal: a
    relative path of two parts, ``<the deal's folder>/<a document name of bidgen's pattern>``;
    None for anything else (``../x``, an absolute path, another folder, another name)."""
    if not isinstance(rel, str) or "\\" in rel or rel.startswith("/"):
        return None
    parts = rel.split("/")
    if len(parts) != 2 or parts[0] != folder.name or not _OWN_NAME.fullmatch(parts[1]):
        return None
    path = outdir / parts[0] / parts[1]
    return path if path.parent == folder or path.parent.resolve() == folder.resolve() else None


def _stale(earlier: dict[str, Any] | None, outdir: Path, folder: Path | None) -> list[dict[str, Any]]:
    """A deal that fails now but was written by an earlier run: its documents are still in its folder
    and no longer match the workbook (they are kept, being the last good set; the report says so)."""
    if not earlier or folder is None:
        return []
    present = [rel for rel, _sha in earlier.get("files") or []
               if (path := _own_file(outdir, folder, rel)) is not None and path.is_file()]
    if not present:
        return []
    return [{"severity": "warning", "rule": "output", "place": present[0].rsplit("/", 1)[0],
             "message": f"the documents an earlier run wrote for this deal are still in its folder and no longer "
                        f"match the workbook ({', '.join(p.rsplit('/', 1)[-1] for p in present)}); do not send "
                        "them until the deal is written again"}]


#: the temporary and backup files of a set being written (bidgen.docx.commit: ``.<name>.<random>.tmp``)
_LEFTOVER = re.compile(r"\.[A-Z][A-Za-z]*_[\w-]+_v\d{8}\.(?:docx|eml|pdf)\.[a-z0-9_]{8}\.(?:tmp|bak)")


def _clean_leftovers(folders: Iterable[Path]) -> None:
    """Remove the temporary and backup files a killed run left in the deals' folders (never a
    document: those are only ever replaced whole by a rename; never a file of another's making)."""
    for folder in folders:
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            if _LEFTOVER.fullmatch(name):
                try:
                    os.unlink(folder / name)
                except OSError:
                    pass


def _run_deals(jobs: Sequence[DealJob], shared: Shared, write: bool = False, here: bool = False) -> list[DealResult]:
    """The task a run hands its executor: a few deals' jobs (:func:`~bidgen.batch.job.run_deal`
    each), one result per deal; a crash in one deal (a bug, even one that calls ``sys.exit``) fails
    that deal only.  ``write``: each deal's documents are written here, as soon as they are rendered
    (the run's own processes, on the driver's disk), and only their paths and hashes go back to the
    driver.  ``here``: run by the driver itself; else each result is proved to pickle, so that one
    that cannot go back to the driver fails its own deal, not its task's others."""
    import pickle

    results = []
    for job in jobs:
        try:
            r = run_deal(job, shared)
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - a crash in one deal must not stop the others
            r = _internal(job, exc)
        if write and r.docs:
            _write(r, job)
        if not here:
            try:
                pickle.dumps(r, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception as exc:  # noqa: BLE001 - as above
                r = _internal(job, exc, r)
        results.append(r)
    return results


def _write(r: DealResult, job: DealJob) -> None:
    """Write a deal's rendered documents as one set (all or none: see :mod:`bidgen.docx.commit`),
    without a sync per file (the run syncs once at its end); a failure fails the deal.  So does a
    file in the way that bidgen cannot vouch for (a person changed it since a run wrote it, or no
    run into OUTDIR wrote it: see :func:`~bidgen.batch.manifest.edited`): none is written then,
    nothing is overwritten by accident.  ``job.overwrite`` (``--rebuild``) writes over such files,
    with a warning each; ``job.guard`` None checks nothing."""
    import shlex

    from bidgen.batch.manifest import edited, intend
    from bidgen.documents.output import write_set

    if len(r.hashes) != len(r.docs):  # (a job of another make: no hashes computed)
        import hashlib

        r.hashes = [hashlib.sha256(d.data).hexdigest() for d in r.docs]
    targets = list(zip((d.path for d in r.docs), r.hashes))
    outdir = job.folder.parent
    changed = edited(outdir, job.guard, targets) if job.guard is not None else []
    if changed and job.overwrite:
        r.findings += [{"severity": "warning", "rule": "output", "place": rel,
                        "message": f"written over (--rebuild): {why}; what it held is gone"} for rel, why in changed]
    elif changed:
        because = job.why or ("its inputs changed" if job.known is not None else
                              "no run recorded this deal id" if job.guard else "no run into this folder recorded it")
        r.status = "failed"
        r.findings += [error_dict(f"{why}, and this run must write the deal's documents again ({because}), which "
                                  "would replace it: none was written; move the file away (and carry any change "
                                  f"over), or run with --rebuild --only {shlex.quote(job.id)} to replace it", rule="output",
                                  place=rel) for rel, why in changed]
        r.documents = []
        r.hashes = []
        r.docs = []
        r.written = True
        return
    intend(outdir, job.id, targets)
    try:
        write_set(r.docs, fsync=False)
    except BidgenError as exc:
        r.status = "failed"
        r.findings += [error_dict(line, rule=type(exc).__name__) for line in exc.lines()]
        r.documents = []
        r.hashes = []
    else:
        r.documents = [d.path for d in r.docs]
    r.docs = []
    r.written = True


def _failed(job_id: str, folder: Path, message: str, rule: str, place: str = "") -> DealResult:
    """A deal that failed before its own job could say why: one error finding."""
    r = DealResult(job_id, "failed", folder=folder)
    r.findings = [error_dict(message, rule=rule, place=place)]
    return r


def _internal(job: DealJob, exc: BaseException, written: DealResult | None = None) -> DealResult:
    """A deal failed by a bug; ``written``: its result, whose documents are written, could not be
    sent back (the report says they are there, and the manifest does not vouch for them)."""
    what = "rendering this deal" if written is None or not written.written else \
        "reporting this deal (its documents are written, but not recorded: do not send them)"
    return _failed(job.id, job.folder, f"internal error while {what} ({type(exc).__name__}: {exc}); please report it",
                   "internal")


def _collect(fut: Future, jobs: Sequence[DealJob]) -> list[DealResult]:
    """The results of a task's deals (each failed when the task itself failed)."""
    try:
        results: list[DealResult] = fut.result()
        if len(results) == len(jobs):
            return results
        exc: BaseException = RuntimeError(f"{len(results)} results for {len(jobs)} deals")
    except BrokenExecutor:
        return [_failed(job.id, job.folder, _WORKER_DIED, "worker") for job in jobs]
    except Exception as err:  # noqa: BLE001 - e.g. a result the executor could not send back
        exc = err
    return [_internal(job, exc) for job in jobs]
