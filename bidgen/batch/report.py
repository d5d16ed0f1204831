"""The run's report: ``OUTDIR/batch-report.xlsx`` for a sales-ops person, and the JSON form.

One row per deal (status, documents written as paths relative to OUTDIR, total as a number
cell in its currency's format, counts of errors and warnings) and one row per finding (deal,
severity, rule, place, message).  Text that Excel would run as a formula (starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is stored as text with Excel's quote
prefix, so it shows as typed and never runs; numbers stay numbers.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Sequence

from bidgen.batch.job import DealResult
from bidgen.errors import RunFailed

__all__ = ["REPORT", "write_report", "report_json", "deal_row"]

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


def write_report(results: Sequence[DealResult], outdir: Path, unassigned: Sequence[str] = ()) -> Path:
    """Write ``OUTDIR/batch-report.xlsx`` atomically (row by row: openpyxl's write-only mode, so
    that a report of many deals is not held whole); returns its path."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    if len(results) + 1 > EXCEL_ROWS:
        raise RunFailed(f"{len(results):,} deals do not fit in one sheet of {REPORT} (Excel holds "
                        f"{EXCEL_ROWS:,} rows); split the workbook, or use --format json", exit_code=2)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("deals")
    fs = wb.create_sheet("findings")
    for sheet, widths in ((ws, (16, 10, 16, 60, 16, 9, 8, 9)), (fs, (16, 9, 26, 40, 90))):
        sheet.freeze_panes = "A2"
        for j, w in enumerate(widths, start=1):
            sheet.column_dimensions[chr(64 + j)].width = w
    ws.append([_cell(ws, h, bold=True) for h in _DEAL_HEADERS])
    fs.append([_cell(fs, h, bold=True) for h in _FINDING_HEADERS])
    wrap = Alignment(wrap_text=True, vertical="top")
    frow = 2
    room = EXCEL_ROWS - 1  # finding rows a sheet can hold under its header (one kept for "… more")
    left_out = 0

    def finding(values: Sequence[Any]) -> None:
        nonlocal frow, left_out
        if frow > room:
            left_out += 1
            return
        fs.append([_cell(fs, v) for v in values])
        frow += 1

    for r in results:
        row = deal_row(r, outdir)
        docs = _cell(ws, "\n".join(row["documents"]), alignment=wrap)
        total = _cell(ws, r.total, _money_format(r.currency)) if r.total is not None else None
        ws.append([_cell(ws, r.id), _cell(ws, r.status), _cell(ws, row["folder"] or ""), docs, total,
                   _cell(ws, r.currency or ""), row["errors"], row["warnings"]])
        for f in r.findings:
            finding([r.id] + [f.get(key) or "" for key in ("severity", "rule", "place", "message")])
    for line in unassigned:  # rows of no deal: not used, so listed where sales ops look for errors
        place, _, message = line.partition(": ")
        finding(("(no deal)", "error", "WORKBOOK-ROW", place, message))
    if left_out:
        fs.append([_cell(fs, v) for v in ("…", "", "", "", f"{left_out:,} more findings than a sheet holds: "
                                          "run with --format json for all of them")])
    path = Path(outdir) / REPORT
    tmp = path.with_name(f".{REPORT}.tmp")
    wb.save(tmp)
    os.replace(tmp, path)
    return path
