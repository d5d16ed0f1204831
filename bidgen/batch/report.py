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
import re
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from bidgen.batch.job import DealResult
from bidgen.errors import RunFailed, WriteError

__all__ = ["REPORT", "ReportWriter", "write_report", "report_json", "print_report_json", "deal_row"]

REPORT = "batch-report.xlsx"
_RISKY = ("=", "+", "-", "@", "\t", "\r")
_DEAL_HEADERS = ("deal", "status", "folder", "documents", "total", "currency", "errors", "warnings")
_FINDING_HEADERS = ("deal", "severity", "rule", "place", "message")


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


def _digits(currency: str | None) -> int:
    from bidgen.locales import currency_digits

    return currency_digits(currency) if currency else 2


_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_ESCAPE = re.compile("[&<>]")

#: Cell styles of the report (index = the cell's ``s``): 0 plain, 1 bold header, 2 text shown as
#: typed (quote prefix), 3 wrapped at the top, 4 wrapped with a quote prefix, 5 + d money with d
#: decimals (d = 0 … 4).
_PLAIN, _BOLD, _QUOTED, _WRAP, _WRAP_QUOTED, _MONEY = 0, 1, 2, 3, 4, 5
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<styleSheet xmlns="{_NS}"><numFmts count="5">'
    + "".join(f'<numFmt numFmtId="{164 + d}" formatCode="#,##0{"." + "0" * d if d else ""}"/>' for d in range(5))
    + '</numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="10"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    + "".join(f'<xf numFmtId="{164 + d}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
              for d in range(5))
    + '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
def _theme() -> str:
    """A workbook's theme (Excel requires one, or repairs the file): Office's colours and fonts, and
    the three fills, lines and effects the schema asks for, each as plain as it may be."""
    colours = (("dk1", "000000"), ("lt1", "FFFFFF"), ("dk2", "44546A"), ("lt2", "E7E6E6"), ("accent1", "4472C4"),
               ("accent2", "ED7D31"), ("accent3", "A5A5A5"), ("accent4", "FFC000"), ("accent5", "5B9BD5"),
               ("accent6", "70AD47"), ("hlink", "0563C1"), ("folHlink", "954F72"))
    fill = '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="Office Theme">'
            '<a:themeElements><a:clrScheme name="Office">'
            + "".join(f'<a:{name}><a:srgbClr val="{rgb}"/></a:{name}>' for name, rgb in colours)
            + '</a:clrScheme><a:fontScheme name="Office">'
            '<a:majorFont><a:latin typeface="Calibri Light"/><a:ea typeface=""/><a:cs typeface=""/></a:majorFont>'
            '<a:minorFont><a:latin typeface="Calibri"/><a:ea typeface=""/><a:cs typeface=""/></a:minorFont>'
            '</a:fontScheme><a:fmtScheme name="Office"><a:fillStyleLst>' + fill * 3 + '</a:fillStyleLst><a:lnStyleLst>'
            + "".join(f'<a:ln w="{w}">{fill}</a:ln>' for w in (6350, 12700, 19050))
            + '</a:lnStyleLst><a:effectStyleLst>' + '<a:effectStyle><a:effectLst/></a:effectStyle>' * 3
            + '</a:effectStyleLst><a:bgFillStyleLst>' + fill * 3 + '</a:bgFillStyleLst></a:fmtScheme>'
            '</a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>')


_THEME = _theme()

_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/worksheets/sheet2.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/theme/theme1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/></Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{_NS}" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<bookViews><workbookView/></bookViews><sheets><sheet name="deals" sheetId="1" r:id="rId1"/>'
        '<sheet name="findings" sheetId="2" r:id="rId2"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet2.xml"/>'
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
        'Target="styles.xml"/>'
        '<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme" '
        'Target="theme/theme1.xml"/></Relationships>'),
    "xl/styles.xml": _STYLES,
    "xl/theme/theme1.xml": _THEME,
}


def _xml_text(value: str) -> str:
    """Cell text for the sheet's XML: escaped, and characters XML cannot hold written as Excel's
    ``_xHHHH_`` (a literal ``_x0041_`` keeps its underscore as ``_x005F_``)."""
    if len(value) > EXCEL_CELL:
        value = value[: EXCEL_CELL - 1] + "…"
    if "_" in value or value.translate(_CONTROL_TABLE) != value:
        value = _ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    if "&" in value or "<" in value or ">" in value:
        value = _ESCAPE.sub(lambda m: _ESCAPES[m.group()], value)
    return value


_CONTROL_TABLE = {c: None for c in (*range(0, 9), 11, 12, *range(14, 32), 0xFFFE, 0xFFFF)}


class _Sheet:
    """One sheet's rows, written to a temporary file as they come (the sheet is assembled into the
    package at the end)."""

    def __init__(self, widths: Sequence[int]) -> None:
        import tempfile

        self.rows = 0
        self.file = tempfile.TemporaryFile("w+", encoding="utf-8")
        self.head = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet xmlns="{_NS}"><sheetViews><sheetView workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/><cols>'
            + "".join(f'<col min="{j}" max="{j}" width="{w}" customWidth="1"/>' for j, w in enumerate(widths, start=1))
            + "</cols><sheetData>")

    def append(self, cells: Sequence[Any], style: int = _PLAIN) -> None:
        """One row: text (quote-prefixed when Excel would read it as a formula) or numbers, each
        alone or as ``(value, style)``; None and '' leave the cell empty."""
        self.rows += 1
        n = self.rows
        out = [f'<row r="{n}">']
        for j, value in enumerate(cells):
            if value is None:
                continue
            ref = f"{chr(65 + j)}{n}"
            s = style
            if isinstance(value, tuple):
                value, s = value
            if isinstance(value, str):
                if value == "":
                    continue
                if value.startswith(_RISKY):
                    s = _WRAP_QUOTED if style == _WRAP else _QUOTED
                attr = f' s="{s}"' if s else ""
                out.append(f'<c r="{ref}"{attr} t="inlineStr"><is><t xml:space="preserve">{_xml_text(value)}</t>'
                           "</is></c>")
            elif value is not None:
                attr = f' s="{s}"' if s else ""
                out.append(f'<c r="{ref}"{attr}><v>{_number(value)}</v></c>')
        out.append("</row>")
        self.file.write("".join(out))

    def write_to(self, zf: Any, name: str) -> None:
        import shutil
        import zipfile

        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        self.file.flush()
        self.file.seek(0)
        with zf.open(info, "w") as out:
            out.write(self.head.encode("utf-8"))
            while True:
                chunk = self.file.read(1 << 16)
                if not chunk:
                    break
                out.write(chunk.encode("utf-8"))
            out.write(b"</sheetData></worksheet>")

    def close(self) -> None:
        self.file.close()


def _number(value: Any) -> str:
    from decimal import Decimal

    if isinstance(value, Decimal):
        return format(value, "f")
    return str(int(value)) if isinstance(value, bool) else str(value)


class ReportWriter:
    """The report written as the run goes, one deal at a time in the workbook's order: the rows of
    ``batch-report.xlsx`` (each sheet's XML streamed to a temporary file) and the JSON rows
    (spooled to a temporary file, read back by :meth:`rows`), so that a run never holds every
    deal's findings.  :meth:`finish` assembles the .xlsx and puts it in place atomically.

    The .xlsx is written directly (inline strings, a fixed style sheet): a run of 1,000 deals has
    some 70,000 report cells, which openpyxl writes at about 20 µs each."""

    def __init__(self, outdir: Path, xlsx: bool = True) -> None:
        import tempfile

        self.outdir = Path(outdir)
        self.deals = 0
        self.counts: dict[str, int] = {}  # deals per status, kept as they are added
        self._spool = tempfile.TemporaryFile("w+", encoding="utf-8")
        self._ws: _Sheet | None = None
        self._fs: _Sheet | None = None
        self._left_out = 0
        if xlsx:
            self._ws = _Sheet((16, 10, 16, 60, 16, 9, 8, 9))
            self._fs = _Sheet((16, 9, 26, 40, 90))
            self._ws.append(_DEAL_HEADERS, _BOLD)
            self._fs.append(_FINDING_HEADERS, _BOLD)

    def _finding(self, values: Sequence[Any]) -> None:
        assert self._fs is not None
        if self._fs.rows >= EXCEL_ROWS - 1:  # one row kept for "… more"
            self._left_out += 1
            return
        self._fs.append(values)

    def add(self, r: DealResult) -> None:
        """The next deal's rows."""
        row = deal_row(r, self.outdir)
        self._spool.seek(0, 2)
        self._spool.write(json.dumps(row, ensure_ascii=False) + "\n")
        self.deals += 1
        self.counts[r.status] = self.counts.get(r.status, 0) + 1
        if self._ws is None or self.deals + 1 > EXCEL_ROWS:
            return
        total = (r.total, _MONEY + min(_digits(r.currency), 4)) if r.total is not None else None
        self._ws.append((r.id, r.status, row["folder"] or "", ("\n".join(row["documents"]), _WRAP), total,
                         r.currency or "", row["errors"], row["warnings"]))
        for f in r.findings:
            self._finding((r.id, *(f.get(key) or "" for key in ("severity", "rule", "place", "message"))))

    def rows(self) -> Iterator[dict[str, Any]]:
        """The JSON rows of the deals added so far, in order (each reading keeps its own place)."""
        self._spool.flush()
        pos = 0
        while True:
            self._spool.seek(pos)
            line = self._spool.readline()
            if not line:
                break
            pos = self._spool.tell()
            yield json.loads(line)

    def finish(self, unassigned: Sequence[str] = ()) -> Path | None:
        """The rows of no deal, then ``OUTDIR/batch-report.xlsx`` put in place atomically (its path)."""
        import zipfile

        if self._ws is None or self._fs is None:
            return None
        if self.deals + 1 > EXCEL_ROWS:
            raise RunFailed(f"{self.deals:,} deals do not fit in one sheet of {REPORT} (Excel holds "
                            f"{EXCEL_ROWS:,} rows); split the workbook, or use --format json", exit_code=2)
        for line in unassigned:  # rows of no deal: not used, so listed where sales ops look for errors
            place, _, message = line.partition(": ")
            self._finding(("(no deal)", "error", "WORKBOOK-ROW", place, message))
        if self._left_out:
            self._fs.append(("…", "", "", "", f"{self._left_out:,} more findings than a sheet holds: run with "
                             "--format json for all of them"))
        path = self.outdir / REPORT
        tmp = path.with_name(f".{REPORT}.tmp")
        try:
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
                for name, text in _PARTS.items():
                    zf.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), text,
                                compress_type=zipfile.ZIP_DEFLATED)
                self._ws.write_to(zf, "xl/worksheets/sheet1.xml")
                self._fs.write_to(zf, "xl/worksheets/sheet2.xml")
            os.replace(tmp, path)
        except OSError as exc:  # a full disk, OUTDIR gone read-only: nothing half-written is left
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise WriteError(f"cannot write the run's report ({exc.strerror or exc}); the deals said written are in "
                             "place: run the batch again to get it", file=str(path)) from None
        finally:
            for sheet in (self._ws, self._fs):
                sheet.close()
            self._ws = self._fs = None
        return path

    def close(self) -> None:
        self._spool.close()
        for sheet in (self._ws, self._fs):
            if sheet is not None:
                sheet.close()


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
