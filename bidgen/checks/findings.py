"""What the checker reports: findings with a rule id, a severity, plain words, a place and values.

A :class:`Finding` says *what* is wrong in words a salesperson understands, *where* (an input
file and key path such as ``terms.payment[1].percent``, or a document and the place of a term
in it) and *which values* were compared (``memo states 678,000.00``, ``bid states 676,200.00``),
each value with its own place when the values come from different files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Iterable

__all__ = ["Severity", "Place", "Value", "Finding", "has_errors", "count_by_severity", "sort_findings"]


class Severity(StrEnum):
    """How bad a finding is.  ``error`` fails the check; ``warning`` fails it with ``--strict``."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for errors, 1 for warnings, 2 for info (sort order)."""
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True)
class Place:
    """Where a finding is: a file and, inside it, a key path or a place in a document.

    ``path`` is a key path in an input file (``terms.payment[1].percent``) or a place in a
    rendered document (``table 4, row 6, cell 2, term total``); ``line`` is the input file's line.
    """

    file: str | None = None
    path: str | None = None
    line: int | None = None
    #: which input the key path is in (``deal``, ``tender``, ``meeting``), for placing it in a
    #: workbook's cells; not part of what the place says
    input: str | None = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file + (f":{self.line}" if self.line is not None else ""))
        if self.path:
            parts.append(self.path)
        return ": ".join(parts) or "(inputs)"

    def brief(self, skip_file: str | None = None) -> str:
        """`` (deal.yaml:40, items)``: the file's name (not its folder) and the path, or ''.

        The file is left out when its name is ``skip_file`` (a value labelled with its file name).
        """
        parts = []
        name = self.file.replace("\\", "/").rsplit("/", 1)[-1] if self.file else None
        if name and name != skip_file:
            parts.append(name + (f":{self.line}" if self.line else ""))
        if self.path:
            parts.append(self.path)
        return f" ({', '.join(parts)})" if parts else ""

    def as_dict(self) -> dict[str, Any]:
        """The JSON form: ``{"file": …, "line": …, "path": …}`` (absent parts are null)."""
        return {"file": self.file, "line": self.line, "path": self.path}


@dataclass(frozen=True)
class Value:
    """One value that was compared: who states it (``bid``, ``policy``…), the value as text, where."""

    label: str
    value: str
    where: Place | None = None

    def __str__(self) -> str:
        if self.where is None:
            return f"{self.label}: {self.value}"
        return f"{self.label} states {self.value}{self.where.brief(skip_file=self.label)}"

    def as_dict(self) -> dict[str, Any]:
        """The JSON form of the value."""
        return {"label": self.label, "value": self.value, "where": self.where.as_dict() if self.where else None}


@dataclass(frozen=True)
class Finding:
    """One problem (or remark) found by one rule."""

    rule: str
    severity: Severity
    message: str
    where: Place = field(default_factory=Place)
    values: tuple[Value, ...] = ()

    @property
    def compared(self) -> str:
        """The compared values in one line: ``memo states 678,000.00, bid states 676,200.00``."""
        return ", ".join(str(v) for v in self.values)

    def __str__(self) -> str:
        text = f"{self.where}: {self.severity.value} {self.rule}: {self.message}"
        return text + (f" ({self.compared})" if self.values else "")

    def as_dict(self) -> dict[str, Any]:
        """The JSON form of the finding (schema in docs/checks.md)."""
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "where": self.where.as_dict(),
            "values": [v.as_dict() for v in self.values],
        }


def has_errors(findings: Iterable[Finding], strict: bool = False) -> bool:
    """True when a finding is an error (or a warning, with ``strict``): the check fails."""
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    return any(f.severity in failing for f in findings)


def count_by_severity(findings: Iterable[Finding]) -> dict[str, int]:
    """``{"error": n, "warning": n, "info": n}``."""
    counts = {s.value: 0 for s in Severity}
    for f in findings:
        counts[f.severity.value] += 1
    return counts


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Errors first, then warnings, then info; within a severity by file, then line and rule."""
    return sorted(
        findings,
        key=lambda f: (f.severity.rank, f.where.file or "", f.where.line or 0, f.where.path or "", f.rule),
    )
