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


def _rel(path: Path | None, outdir: Path) -> str:
    if path is None:
        return ""
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


def _set(ws: Any, row: int, col: int, value: Any, number_format: str | None = None) -> None:
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        if len(value) > EXCEL_CELL:
            value = value[: EXCEL_CELL - 1] + "…"
        cell.value = value
        cell.data_type = "s"  # never a formula
        if value.startswith(_RISKY):
            cell.quotePrefix = True  # Excel keeps it text when the cell is edited
    else:
        cell.value = value
    if number_format:
        cell.number_format = number_format


def _money_format(currency: str | None) -> str:
    from bidgen.locales import currency_digits

    digits = currency_digits(currency) if currency else 2
    return "#,##0" + ("." + "0" * digits if digits else "")


def write_report(results: Sequence[DealResult], outdir: Path, unassigned: Sequence[str] = ()) -> Path:
    """Write ``OUTDIR/batch-report.xlsx`` atomically; returns its path."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "deals"
    bold = Font(bold=True)
    for j, h in enumerate(_DEAL_HEADERS, start=1):
        ws.cell(row=1, column=j, value=h).font = bold
    fs = wb.create_sheet("findings")
    for j, h in enumerate(_FINDING_HEADERS, start=1):
        fs.cell(row=1, column=j, value=h).font = bold
    frow = 2
    room = EXCEL_ROWS - 1  # finding rows a sheet can hold under its header (one kept for "… more")
    left_out = 0

    def finding(values: Sequence[Any]) -> None:
        nonlocal frow, left_out
        if frow > room:
            left_out += 1
            return
        for j, value in enumerate(values, start=1):
            _set(fs, frow, j, value)
        frow += 1

    if len(results) + 1 > EXCEL_ROWS:
        raise RunFailed(f"{len(results):,} deals do not fit in one sheet of {REPORT} (Excel holds "
                        f"{EXCEL_ROWS:,} rows); split the workbook, or use --format json", exit_code=2)
    for i, r in enumerate(results, start=2):
        row = deal_row(r, outdir)
        _set(ws, i, 1, r.id)
        _set(ws, i, 2, r.status)
        _set(ws, i, 3, row["folder"] or "")
        _set(ws, i, 4, "\n".join(row["documents"]))
        ws.cell(row=i, column=4).alignment = Alignment(wrap_text=True, vertical="top")
        if r.total is not None:
            _set(ws, i, 5, r.total, _money_format(r.currency))
        _set(ws, i, 6, r.currency or "")
        _set(ws, i, 7, row["errors"])
        _set(ws, i, 8, row["warnings"])
        for f in r.findings:
            finding([r.id] + [f.get(key) or "" for key in ("severity", "rule", "place", "message")])
    for line in unassigned:  # rows of no deal: not used, so listed where sales ops look for errors
        place, _, message = line.partition(": ")
        finding(("(no deal)", "error", "WORKBOOK-ROW", place, message))
    if left_out:
        for j, value in enumerate(("…", "", "", "", f"{left_out:,} more findings than a sheet holds: "
                                   "run with --format json for all of them"), start=1):
            _set(fs, frow, j, value)
    for sheet, widths in ((ws, (16, 10, 16, 60, 16, 9, 8, 9)), (fs, (16, 9, 26, 40, 90))):
        sheet.freeze_panes = "A2"
        for j, w in enumerate(widths, start=1):
            sheet.column_dimensions[chr(64 + j)].width = w
    path = Path(outdir) / REPORT
    tmp = path.with_name(f".{REPORT}.tmp")
    wb.save(tmp)
    os.replace(tmp, path)
    return path
