"""One exception tree for bidgen.

Every error a user can cause is a :class:`BidgenError`.  It carries *where* it happened
(file, sheet, row, field/key path, line) so that the CLI can print one clear line, e.g.::

    samples/deal.yaml: items[2].unit_price: not a number: 'abc'

The CLI catches ``BidgenError`` once; nothing else is caught there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class Where:
    """A location in an input or output file."""

    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    field: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file:
            loc = str(self.file)
            if self.line is not None:
                loc += f":{self.line}"
            parts.append(loc)
        if self.sheet:
            parts.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.field:
            parts.append(self.field)
        return ": ".join(parts)


class BidgenError(Exception):
    """Root of every error bidgen raises on purpose."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        sheet: str | None = None,
        row: int | None = None,
        field: str | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.where = Where(
            file=str(file) if file is not None else None,
            sheet=sheet,
            row=row,
            field=field,
            line=line,
        )

    def __str__(self) -> str:
        loc = str(self.where)
        return f"{loc}: {self.message}" if loc else self.message

    def lines(self) -> list[str]:
        """The one-line messages this error prints (several for grouped errors)."""
        return [str(self)]


class InputError(BidgenError):
    """An input file is missing, unreadable or invalid."""


class ValidationErrors(InputError):
    """Several located input errors, all reported at once."""

    def __init__(self, errors: Iterable[BidgenError]) -> None:
        self.errors = list(errors)
        first = self.errors[0] if self.errors else None
        super().__init__(
            f"{len(self.errors)} error(s)",
            file=first.where.file if first else None,
        )

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def lines(self) -> list[str]:
        return [str(e) for e in self.errors]


class LibraryError(BidgenError):
    """A clause/narrative/FAB/etiquette library entry is unknown or invalid."""


class TemplateError(BidgenError):
    """A Word template is broken, or refers to a variable the context lacks."""


class RenderError(BidgenError):
    """A document could not be produced (bad value, corrupt XML, write failure)."""


class WriteError(RenderError):
    """A document could not be written (disk full, permission, a file locked elsewhere).

    Exit code 1: the input was fine; the documents that were there before are unchanged."""

    exit_code = 1


class OutputClash(InputError):
    """Two documents of one run would go to the same path; found before anything is written."""


class Terminated(KeyboardInterrupt):
    """SIGTERM, where a command ends on it as on Ctrl-C (``bidgen batch``): not a user error; the
    CLI exits 143, the code of a process ended by SIGTERM (128 + 15), not Ctrl-C's 130."""


class OutputBusy(BidgenError):
    """Another run is writing into the same output folder (exit 2, nothing written): two runs at
    once would write over each other's documents and records."""


class RunFailed(BidgenError):
    """Some items of a multi-item run failed (each already reported); the others were written."""

    def __init__(self, message: str, *, exit_code: int = 2, **where: object) -> None:
        super().__init__(message, **where)  # type: ignore[arg-type]
        self.exit_code = exit_code


class LimitError(InputError):
    """An input exceeds one of the documented limits (text length, number size, …)."""


class WordsError(BidgenError):
    """An amount in words is malformed.  ``code`` names the rule broken."""

    def __init__(self, message: str, *, code: str = "malformed", **where: object) -> None:
        super().__init__(message, **where)  # type: ignore[arg-type]
        self.code = code


class ChecksFailed(BidgenError):
    """The consistency checker found errors and the command refuses to continue.

    ``details`` are the findings, one line each, printed before the summary message.
    """

    exit_code = 1

    def __init__(self, message: str, *, details: Iterable[str] = (), **where: object) -> None:
        super().__init__(message, **where)  # type: ignore[arg-type]
        self.details = list(details)

    def lines(self) -> list[str]:
        return [*self.details, str(self)]


class PdfError(BidgenError):
    """A PDF copy could not be made (LibreOffice failed, timed out, or wrote no PDF).

    The .docx files are written before conversion starts and stay in place."""


class PdfUnavailable(PdfError):
    """LibreOffice, which makes the PDF copies, is not installed."""
