"""The per-deal job: a pure function of one deal's raw rows and the run's shared resources.

:func:`run_deal` reads the deal's rows into its models (every cell for its column, pydantic
validation, every problem located at its cell: :func:`bidgen.inputs.workbook.read_deal`),
checks the deal with the same input checks that guard ``bidgen all``
(:func:`bidgen.pipeline.screen`), renders every document that applies through the same code
path as ``bidgen all`` (:func:`bidgen.pipeline.render_all`) into memory, and returns them with
the findings, each placed at its workbook cell.  It writes nothing and reads only the installed
templates and libraries, so it can run in any process or on any machine with the same bidgen
installed.  The run (:mod:`bidgen.batch.run`) writes what it returns: its own processes where
they rendered it, the driver when an executor of the caller's sends it back.
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, field, fields
from functools import lru_cache
from decimal import Decimal
from pathlib import Path
from typing import Any

from bidgen.errors import BidgenError
from bidgen.inputs.workbook import DealEntry, DealRows, Layout

__all__ = ["Shared", "DealJob", "DealResult", "Doc", "run_deal"]


@dataclass(frozen=True)
class Shared:
    """What every deal of a run shares: options, library folders and the loaded policy."""

    locale: str | None = None
    library_dirs: tuple[Path, ...] = ()
    policy: Any = None  # bidgen.checks.policy.Policy (loaded once by the driver)
    force: bool = False
    split: bool = False
    layout: Layout | None = None  # how the workbook's rows are read (bidgen.inputs.workbook.Layout)
    common: str = ""  # the hash of what every deal depends on (bidgen.batch.manifest.shared_hash)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled once per run (a process executor pickles the arguments of every job): the bytes
        are sent as they are, and a worker unpickles them once (:func:`_shared_from`)."""
        blob = self.__dict__.get("_blob")
        if blob is None:
            blob = pickle.dumps(tuple(getattr(self, f.name) for f in fields(self)), protocol=pickle.HIGHEST_PROTOCOL)
            object.__setattr__(self, "_blob", blob)
        return (_shared_from, (blob,))


@lru_cache(maxsize=4)
def _shared_from(blob: bytes) -> Shared:
    return Shared(*pickle.loads(blob))


@dataclass(frozen=True)
class DealJob:
    """One deal to render: its raw rows, the folder its documents go into, the hash its inputs had
    when its documents were last written (the manifest's; None: render in any case) and the files
    written then."""

    id: str
    folder: Path
    rows: DealRows
    known: str | None = None
    #: the files runs into OUTDIR wrote for the deal, with their hashes (relative to OUTDIR, the
    #: folder's parent): a file in the way that is none of them is not written over (see
    #: :func:`bidgen.batch.manifest.edited`); None: anything is (``--rebuild``)
    guard: tuple[tuple[str, str], ...] | None = ()
    overwrite: bool = False  # write over such a file anyway, saying so (``--rebuild``)
    why: str = ""  # why a deal found unchanged is written again (a file of its set is gone, …)


@dataclass(frozen=True)
class Doc:
    """A rendered document (or one already on disk, for an unchanged deal)."""

    kind: str
    path: Path
    data: bytes | None = None


@dataclass
class DealResult:
    """What became of one deal.

    ``status``: ``written`` (documents written), ``draft`` (written with --force despite failed
    checks), ``unchanged`` (skipped: inputs and outputs as in the manifest), ``failed``.
    ``documents`` are absolute paths; ``findings`` are dicts with severity, rule, message, place.
    """

    id: str
    status: str
    folder: Path | None = None
    documents: list[Path] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    total: Decimal | None = None
    currency: str | None = None
    explain: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    docs: list[Any] = field(default_factory=list)  # Rendered, until they are written
    digest: str | None = None  # the hash of the deal's inputs (bidgen.batch.manifest.input_hash)
    notes: list[str] = field(default_factory=list)  # warnings about its cells, for the driver to show
    hashes: list[str] = field(default_factory=list)  # sha256 of each of ``docs`` (of ``documents``)
    #: the documents were written where they were rendered (a worker process of the run's own, on the
    #: driver's disk): ``documents`` and ``hashes`` say what is in place, ``docs`` is emptied
    written: bool = False

    @property
    def docx(self) -> list[Path]:
        """The .docx files written (for a post-step such as a PDF conversion)."""
        return [p for p in self.documents if p.suffix.lower() == ".docx"]

    @property
    def ok(self) -> bool:
        return self.status in ("written", "draft", "unchanged")

    @property
    def errors(self) -> list[str]:
        """The error findings as one line each."""
        return [f"{f['place']}: {f['message']}" if f.get("place") else f["message"]
                for f in self.findings if f["severity"] == "error"]


def finding_dict(f: Any, entry: DealEntry | None = None) -> dict[str, Any]:
    """A checker finding as a report row; with the deal's ``entry``, a finding about a key of the
    deal, its tender or its meeting is placed at the workbook cell that holds it
    (``deals.xlsx:negotiation.concessions!D3 (price_after)``), else at its key path."""
    place = str(f.where) if (f.where.file or f.where.path) else ""
    if entry is not None and not f.where.file and f.where.input:
        cell = entry.place_of(f.where.input, key_path(f.where.path or ""))
        if cell:
            place = cell
    return {"severity": f.severity.value, "rule": f.rule, "message": f.message + (f" ({f.compared})" if f.values else ""),
            "place": place}


def key_path(path: str) -> tuple[str | int, ...]:
    """``negotiation.concessions[0].price_after`` → ``('negotiation', 'concessions', 0, 'price_after')``."""
    out: list[str | int] = []
    for part in path.split("."):
        if not part:
            continue
        name, *indexes = part.split("[")
        if name:
            out.append(name)
        for index in indexes:
            index = index.rstrip("]")
            out.append(int(index) if index.isdigit() else index)
    return tuple(out)


def error_dict(line: str, rule: str = "input", place: str = "") -> dict[str, Any]:
    return {"severity": "error", "rule": rule, "message": line, "place": place}


def run_deal(job: DealJob, shared: Shared) -> DealResult:
    """Read, check and render one deal in memory; never raises for a user error (it becomes a
    finding).  When the deal's inputs hash to ``job.known``, nothing is rendered: the result is
    ``unchanged`` with the hash, and the driver checks the files the manifest lists."""
    result = _run_deal(job, shared)
    # the cells cleaned of control characters are warnings of the deal, in the report too
    result.findings[:0] = [_note_finding(note) for note in result.notes]
    return result


def _note_finding(note: str) -> dict[str, Any]:
    head, sep, message = note.partition("): ")
    if sep:
        return {"severity": "warning", "rule": "input", "place": head + ")", "message": message}
    return {"severity": "warning", "rule": "input", "place": "", "message": note}


def _run_deal(job: DealJob, shared: Shared) -> DealResult:
    from bidgen.batch.manifest import input_hash
    from bidgen.inputs.workbook import read_deal
    from bidgen.money import compute_pricing
    from bidgen.pipeline import render_all, screen

    result = DealResult(job.id, "failed", folder=job.folder)
    entry = read_deal(job.rows, shared.layout)  # type: ignore[arg-type]
    result.notes = entry.notes
    if not entry.ok:
        result.findings = [error_dict(e.message, place=f"{e.place}" + (f" ({e.key})" if e.key else ""))
                           for e in entry.errors]
        return result
    deal = entry.deal
    assert deal is not None
    result.currency = deal.currency
    result.digest = input_hash(shared.common, deal, entry.tender, entry.meeting)
    if job.known is not None and job.known == result.digest:
        result.status = "unchanged"
        return result
    try:
        pricing = compute_pricing(deal.items, currency=deal.currency, tax_rate_percent=deal.tax_rate_percent,
                                  prices_include_tax=deal.prices_include_tax, milestones=deal.terms.payment)
        result.total = pricing.total
        draft, findings = screen(deal, tender=entry.tender, meeting=entry.meeting, policy=shared.policy,
                                 force=shared.force, locale=shared.locale)
        result.findings = [finding_dict(f, entry) for f in findings if f.severity.value in ("error", "warning")]
        if draft is None:
            return result
        docs = render_all(deal, job.folder, tender=entry.tender, meeting=entry.meeting, split=shared.split,
                          locale=shared.locale, library_dirs=shared.library_dirs, draft=draft)
    except BidgenError as exc:
        result.findings += [error_dict(line, rule=type(exc).__name__) for line in exc.lines()]
        return result
    result.status = "draft" if draft else "written"
    result.docs = docs
    result.hashes = [hashlib.sha256(d.data).hexdigest() for d in docs]  # for the manifest, computed here
    result.documents = [d.path for d in docs]
    for d in docs:
        result.explain += list(d.explain)
        result.warnings += list(d.warnings)
        # what `bidgen all` prints as warnings (no recipient for the e-mail draft, a memo produced
        # late, …) is a finding of the deal, placed at the document it concerns
        result.findings += [{"severity": "warning", "rule": "document", "message": w, "place": Path(d.path).name}
                            for w in d.warnings]
    return result
