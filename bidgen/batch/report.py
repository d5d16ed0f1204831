"""The run's report: ``OUTDIR/batch-report.xlsx`` for a sales-ops person, and the JSON form.

One row per deal (status, documents written as paths relative to OUTDIR, total as a number
cell in its currency's format, counts of errors and warnings) and one row per finding (deal,
severity, rule, place, message).  Text that Excel would run as a formula (starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is stored as text with Excel's quote
prefix, so it shows as typed and never runs; numbers stay numbers.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from bidgen.batch.job import DealResult
from bidgen.errors import RunFailed

__all__ = ["REPORT", "ReportWriter", "write_report", "report_json", "print_report_json", "deal_row"]

REPORT = "batch-report.xlsx"
_RISKY = ("=", "+", "-", "@", "\t", "\r")
_DEAL_HEADERS = ("deal", "status", "folder", "documents", "total", "currency", "errors", "warnings")
_FINDING_HEADERS = ("deal", "severity", "rule", "place", "message")


def _bold() -> Any:
    from openpyxl.styles import Font

    return Font(bold=True)


_BOLD: Any = None


def _rel(path: Path | None, outdir: Path) -> str:
    if path is None:
        return ""
    try:  # by its parts first: the documents are under OUTDIR as the run was given it
        return Path(path).relative_to(outdir).as_posix()
    except ValueError:
        pass
    try:
        return Path(path).resolve().relative_to(outdir.resolve()).as_posix()
    except ValueError:
        return str(path)


def deal_row(r: DealResult, outdir: Path) -> dict[str, Any]:
    """The JSON form of one deal's result."""
    return {
        "deal": r.id,
        "status": r.status,
        "folder": _rel(r.folder, outdir) if r.folder else None,
        "documents": [_rel(p, outdir) for p in r.documents],
        "total": str(r.total) if r.total is not None else None,
        "currency": r.currency,
        "errors": sum(1 for f in r.findings if f["severity"] == "error"),
        "warnings": sum(1 for f in r.findings if f["severity"] == "warning"),
        "findings": list(r.findings),
    }


def report_json(results: Sequence[DealResult], outdir: Path, workbook: str,
                unassigned: Sequence[str] = ()) -> dict[str, Any]:
    """The whole report: per-deal rows, and the rows of the workbook that belong to no deal."""
    counts: dict[str, int] = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    return {"workbook": workbook, "outdir": str(outdir), "summary": counts,
            "deals": [deal_row(r, outdir) for r in results], "unassigned": list(unassigned)}


#: Excel's limits: rows in a sheet, characters in a cell.
EXCEL_ROWS = 1_048_576
EXCEL_CELL = 32_767


def _cell(ws: Any, value: Any, number_format: str | None = None, bold: bool = False, alignment: Any = None) -> Any:
    """A cell of a write-only sheet: text always stored as text (never a formula), with Excel's
    quote prefix when it would read as one; plain values are passed as they are."""
    if isinstance(value, str):
        if len(value) > EXCEL_CELL:
            value = value[: EXCEL_CELL - 1] + "…"
        if not value.startswith(_RISKY) and not bold and alignment is None:
            return value
    elif number_format is None and not bold and alignment is None:
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula
        if value.startswith(_RISKY):
            cell.quotePrefix = True  # Excel keeps it text when the cell is edited
    if number_format:
        cell.number_format = number_format
    if alignment is not None:
        cell.alignment = alignment
    if bold:
        global _BOLD
        _BOLD = _BOLD or _bold()
        cell.font = _BOLD
    return cell


def _money_format(currency: str | None) -> str:
    from bidgen.locales import currency_digits

    digits = currency_digits(currency) if currency else 2
    return "#,##0" + ("." + "0" * digits if digits else "")


class ReportWriter:
    """The report written as the run goes, one deal at a time in the workbook's order: the rows of
    ``batch-report.xlsx`` (openpyxl's write-only mode streams them to a temporary file) and the
    JSON rows (spooled to a temporary file, read back by :meth:`rows`), so that a run never
    holds every deal's findings.  :meth:`finish` saves the .xlsx atomically."""

    def __init__(self, outdir: Path, xlsx: bool = True) -> None:
        import tempfile

        self.outdir = Path(outdir)
        self.deals = 0
        self._spool = tempfile.TemporaryFile("w+", encoding="utf-8")
        self._wb: Any = None
        self._frow = 2
        self._left_out = 0
        if xlsx:
            self._open()

    def _open(self) -> None:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment

        self._wb = wb = Workbook(write_only=True)
        self._ws = ws = wb.create_sheet("deals")
        self._fs = fs = wb.create_sheet("findings")
        for sheet, widths in ((ws, (16, 10, 16, 60, 16, 9, 8, 9)), (fs, (16, 9, 26, 40, 90))):
            sheet.freeze_panes = "A2"
            for j, w in enumerate(widths, start=1):
                sheet.column_dimensions[chr(64 + j)].width = w
        ws.append([_cell(ws, h, bold=True) for h in _DEAL_HEADERS])
        fs.append([_cell(fs, h, bold=True) for h in _FINDING_HEADERS])
        self._wrap = Alignment(wrap_text=True, vertical="top")

    def _finding(self, values: Sequence[Any]) -> None:
        if self._frow > EXCEL_ROWS - 1:  # one row kept for "… more"
            self._left_out += 1
            return
        self._fs.append([_cell(self._fs, v) for v in values])
        self._frow += 1

    def add(self, r: DealResult) -> None:
        """The next deal's rows."""
        row = deal_row(r, self.outdir)
        self._spool.write(json.dumps(row, ensure_ascii=False) + "\n")
        self.deals += 1
        if self._wb is None or self.deals + 1 > EXCEL_ROWS:
            return
        ws = self._ws
        total = _cell(ws, r.total, _money_format(r.currency)) if r.total is not None else None
        ws.append([_cell(ws, r.id), _cell(ws, r.status), _cell(ws, row["folder"] or ""),
                   _cell(ws, "\n".join(row["documents"]), alignment=self._wrap), total, _cell(ws, r.currency or ""),
                   row["errors"], row["warnings"]])
        for f in r.findings:
            self._finding([r.id] + [f.get(key) or "" for key in ("severity", "rule", "place", "message")])

    def rows(self) -> Iterator[dict[str, Any]]:
        """The JSON rows of the deals added so far, in order."""
        self._spool.flush()
        self._spool.seek(0)
        for line in self._spool:
            yield json.loads(line)
        self._spool.seek(0, 2)

    def finish(self, unassigned: Sequence[str] = ()) -> Path | None:
        """The rows of no deal, then ``OUTDIR/batch-report.xlsx`` saved atomically (its path)."""
        if self._wb is None:
            return None
        if self.deals + 1 > EXCEL_ROWS:
            raise RunFailed(f"{self.deals:,} deals do not fit in one sheet of {REPORT} (Excel holds "
                            f"{EXCEL_ROWS:,} rows); split the workbook, or use --format json", exit_code=2)
        for line in unassigned:  # rows of no deal: not used, so listed where sales ops look for errors
            place, _, message = line.partition(": ")
            self._finding(("(no deal)", "error", "WORKBOOK-ROW", place, message))
        if self._left_out:
            self._fs.append([_cell(self._fs, v) for v in ("…", "", "", "", f"{self._left_out:,} more findings than a "
                                                          "sheet holds: run with --format json for all of them")])
        path = self.outdir / REPORT
        tmp = path.with_name(f".{REPORT}.tmp")
        self._wb.save(tmp)
        self._wb = None
        os.replace(tmp, path)
        return path

    def close(self) -> None:
        self._spool.close()


def write_report(results: Sequence[DealResult], outdir: Path, unassigned: Sequence[str] = ()) -> Path:
    """Write ``OUTDIR/batch-report.xlsx`` atomically; returns its path."""
    writer = ReportWriter(outdir)
    try:
        for r in results:
            writer.add(r)
        path = writer.finish(unassigned)
    finally:
        writer.close()
    assert path is not None
    return path


def print_report_json(stream: Any, rows: Iterable[dict[str, Any]], summary: dict[str, int], outdir: Path,
                      workbook: str, unassigned: Sequence[str] = ()) -> None:
    """The JSON report (as :func:`report_json` gives it) written to ``stream`` row by row."""
    head = json.dumps({"workbook": workbook, "outdir": str(outdir), "summary": summary}, ensure_ascii=False,
                      indent=2)
    stream.write(head[:-2] + ',\n  "deals": [')
    first = True
    for row in rows:
        text = json.dumps(row, ensure_ascii=False, indent=2).replace("\n", "\n    ")
        stream.write(("\n    " if first else ",\n    ") + text)
        first = False
    tail = json.dumps(list(unassigned), ensure_ascii=False, indent=2).replace("\n", "\n  ")
    stream.write(("\n  " if not first else "") + '],\n  "unassigned": ' + tail + "\n}\n")
