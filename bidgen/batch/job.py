"""The per-deal job: a pure function of one deal's records and the run's shared resources.

:func:`run_deal` checks the deal with the same input checks that guard ``bidgen all``
(:func:`bidgen.pipeline.screen`), renders every document that applies through the same code
path as ``bidgen all`` (:func:`bidgen.pipeline.render_all`) into memory, and returns them with
the findings.  It writes nothing and reads only the installed templates and libraries, so it
can run in any process or on any machine with the same bidgen installed; the driver
(:mod:`bidgen.batch.run`) writes what it returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from bidgen.errors import BidgenError
from bidgen.inputs.models import Deal, Meeting, Tender

__all__ = ["Shared", "DealJob", "DealResult", "Doc", "run_deal"]


@dataclass(frozen=True)
class Shared:
    """What every deal of a run shares: options, library folders and the loaded policy."""

    locale: str | None = None
    library_dirs: tuple[Path, ...] = ()
    policy: Any = None  # bidgen.checks.policy.Policy (loaded once by the driver)
    force: bool = False
    split: bool = False


@dataclass(frozen=True)
class DealJob:
    """One deal to render: its records and the folder its documents go into."""

    id: str
    folder: Path
    deal: Deal
    tender: Tender | None = None
    meeting: Meeting | None = None


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
    docs: list[Any] = field(default_factory=list)  # Rendered, until the driver has written them

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


def finding_dict(f: Any) -> dict[str, Any]:
    """A checker finding as a report row."""
    return {"severity": f.severity.value, "rule": f.rule, "message": f.message + (f" ({f.compared})" if f.values else ""),
            "place": str(f.where) if (f.where.file or f.where.path) else ""}


def error_dict(line: str, rule: str = "input", place: str = "") -> dict[str, Any]:
    return {"severity": "error", "rule": rule, "message": line, "place": place}


def run_deal(job: DealJob, shared: Shared) -> DealResult:
    """Check and render one deal in memory; never raises for a user error (it becomes a finding)."""
    from bidgen.money import compute_pricing
    from bidgen.pipeline import render_all, screen

    result = DealResult(job.id, "failed", folder=job.folder, currency=job.deal.currency)
    try:
        pricing = compute_pricing(job.deal.items, currency=job.deal.currency,
                                  tax_rate_percent=job.deal.tax_rate_percent,
                                  prices_include_tax=job.deal.prices_include_tax, milestones=job.deal.terms.payment)
        result.total = pricing.total
        draft, findings = screen(job.deal, tender=job.tender, meeting=job.meeting, policy=shared.policy,
                                 force=shared.force, locale=shared.locale)
        result.findings = [finding_dict(f) for f in findings if f.severity.value in ("error", "warning")]
        if draft is None:
            return result
        docs = render_all(job.deal, job.folder, tender=job.tender, meeting=job.meeting, split=shared.split,
                          locale=shared.locale, library_dirs=shared.library_dirs, draft=draft)
    except BidgenError as exc:
        result.findings += [error_dict(line, rule=type(exc).__name__) for line in exc.lines()]
        return result
    result.status = "draft" if draft else "written"
    result.docs = docs
    result.documents = [d.path for d in docs]
    for d in docs:
        result.explain += list(d.explain)
        result.warnings += list(d.warnings)
    return result
