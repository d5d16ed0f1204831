"""The raw tables of a workbook: an ``.xlsx`` file or a folder of ``.csv`` files (pandas).

An .xlsx sheet is read straight from its XML (lxml), so that a number is the exact digits the file
stores (never a float on the way) and every cell keeps its number format and place; openpyxl
provides the built-in number formats, date-format detection and the Excel date epochs.

Each sheet becomes a :class:`Table` of :class:`Raw` cells (value, number format, whether the
cell is an Excel error) with their places, before any meaning is given to them.  Problems of
the file as a whole (unreadable, merged cells, formulas without a cached value) are collected
in :attr:`Tables.problems` so that every one is reported at once.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from bidgen.errors import InputError

__all__ = ["Raw", "Table", "Tables", "read_tables", "WorkbookProblem"]


class Raw:
    """One non-empty cell as the file holds it (slots: there are many)."""

    __slots__ = ("value", "number_format", "error")

    def __init__(self, value: Any, number_format: str | None = None, error: bool = False) -> None:
        self.value = value
        self.number_format = number_format
        self.error = error


@dataclass
class Table:
    """One sheet: ``rows[i][j]`` is the cell at row i+1, column j+1 (None when empty)."""

    name: str
    label: str
    rows: list[list[Raw | None]]

    def place(self, row: int, col: int) -> str:
        """``deals.xlsx:items!F7`` for 0-based ``row`` and ``col``."""
        from bidgen.inputs.cells import column_letter

        return f"{self.label}!{column_letter(col)}{row + 1}"


@dataclass(frozen=True)
class WorkbookProblem:
    """A problem of the file itself (not of one deal): where and what."""

    place: str
    message: str

    def __str__(self) -> str:
        return f"{self.place}: {self.message}"


@dataclass
class Tables:
    """The sheets of a workbook by name, with the file's own problems."""

    file: str
    tables: dict[str, Table] = field(default_factory=dict)
    problems: list[WorkbookProblem] = field(default_factory=list)


def read_tables(path: str | Path) -> Tables:
    """Read an .xlsx workbook or a folder of .csv files; InputError when it cannot be read at all."""
    p = Path(path)
    if not p.exists():
        raise InputError("workbook not found", file=str(p))
    if p.is_dir():
        return _read_csv_folder(p)
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(p)
    if p.suffix.lower() == ".csv":
        raise InputError("a single .csv file: pass the folder that holds deals.csv and the other sheets",
                         file=str(p))
    raise InputError(f"unsupported workbook type {p.suffix or '(none)'!r}; expected .xlsx or a folder of .csv",
                     file=str(p))


# ---------------------------------------------------------------------------- xlsx

_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]+[0-9]+)"')
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z0-9:]+)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f\b")
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]+)</(?:\w+:)?v>|<(?:\w+:)?is>")


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its XML part inside the package."""
    book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): r.get("Target", "") for r in rels.findall("rel:Relationship", _NS)}
    out = {}
    for sheet in book.iterfind("m:sheets/m:sheet", _NS):
        rid = sheet.get(f"{{{_NS['r']}}}id")
        part = target.get(rid, "")
        part = part.lstrip("/") if part.startswith("/") else "xl/" + part
        out[sheet.get("name", "")] = part
    return out


def _scan_sheet(xml: bytes, label: str) -> list[WorkbookProblem]:
    """Merged cells and formulas without a cached value, straight from the sheet's XML."""
    problems = []
    for ref in _MERGE.findall(xml):
        problems.append(WorkbookProblem(f"{label}!{ref.decode()}",
                                        "merged cells: unmerge them and give every cell its own value"))
    if _FORMULA.search(xml):
        for attrs, body in _CELL.findall(xml):
            if body and _FORMULA.search(body) and not _VALUE.search(body):
                ref = _REF.search(attrs)
                where = f"{label}!{ref.group(1).decode()}" if ref else label
                problems.append(WorkbookProblem(
                    where, "a formula without a saved value: open the workbook in Excel and save it, so "
                           "that the value it shows is stored"))
    return problems


def _col_index(ref: str) -> int:
    n = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            n = n * 26 + ord(ch) - 64
        else:
            break
    return n - 1


_SI = re.compile(rb"<(?:\w+:)?si\b[^>]*>(.*?)</(?:\w+:)?si>|<(?:\w+:)?si\s*/>", re.S)
_T = re.compile(rb"<(?:\w+:)?t(?:\s[^>]*)?>(.*?)</(?:\w+:)?t>|<(?:\w+:)?t\s*/>", re.S)
_RPH = re.compile(rb"<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh>", re.S)
_XESC = re.compile(r"_x([0-9A-Fa-f]{4})_")


_ENTITY = re.compile(r"&(?:#([0-9]+)|#x([0-9a-fA-F]+)|(amp|lt|gt|quot|apos));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _entity(m: re.Match[str]) -> str:
    if m.group(1):
        return chr(int(m.group(1)))
    if m.group(2):
        return chr(int(m.group(2), 16))
    return _NAMED[m.group(3)]


def _text(raw: bytes) -> str:
    """XML character data → text: XML's entities and character references and OOXML's
    ``_xHHHH_`` escapes resolved."""
    text = raw.decode("utf-8")
    if "&" in text:
        text = _ENTITY.sub(_entity, text)
    if "_x" in text:
        text = _XESC.sub(lambda m: chr(int(m.group(1), 16)), text)
    return text


def _shared_strings(zf: zipfile.ZipFile) -> list[str]:
    try:
        xml = zf.read("xl/sharedStrings.xml")
    except KeyError:
        return []
    out = []
    for m in _SI.finditer(xml):
        body = m.group(1) or b""
        if b"<rPh" in body or b":rPh" in body:
            body = _RPH.sub(b"", body)  # phonetic guides are not part of the text
        out.append("".join(_text(t.group(1) or b"") for t in _T.finditer(body)))
    return out


def _number_formats(zf: zipfile.ZipFile) -> list[str]:
    """The number format of each cell style (index = the cell's ``s`` attribute)."""
    from lxml import etree
    from openpyxl.styles.numbers import BUILTIN_FORMATS

    try:
        root = etree.fromstring(zf.read("xl/styles.xml"))
    except KeyError:
        return ["General"]
    m = _NS["m"]
    custom = {int(n.get("numFmtId")): n.get("formatCode", "") for n in root.iterfind(f"{{{m}}}numFmts/{{{m}}}numFmt")}
    out = []
    for xf in root.iterfind(f"{{{m}}}cellXfs/{{{m}}}xf"):
        fid = int(xf.get("numFmtId", "0"))
        out.append(custom.get(fid) or BUILTIN_FORMATS.get(fid, "General"))
    return out or ["General"]


_C = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_ROW_OPEN = re.compile(rb"<(?:\w+:)?row\b([^>]*?)(/?)>")
_ATTR = re.compile(rb'\b(r|s|t)="([^"]*)"')
_V = re.compile(rb"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.S)
_IS = re.compile(rb"<(?:\w+:)?is>(.*?)</(?:\w+:)?is>", re.S)


#: The usual shape of a cell (Excel's and openpyxl's attribute order): one regex match per cell.
_FAST_C = re.compile(
    rb'<c r="([A-Z]{1,3})([0-9]+)"(?: s="([0-9]+)")?(?: t="([a-zA-Z]+)")?\s*'
    rb"(?:/>|>(?:<f>[^<]*</f>|<f/>)?(?:<v>([^<]*)</v>|<v/>|<is>(.*?)</is>)?</c>)", re.S)
_ANY_C = re.compile(rb"<(?:\w+:)?c[\s>/]")


def _cell_value(t: bytes | None, text: bytes | None, inline: bytes | None, style: int, strings: list[str],
                date_style: list[bool], epoch: Any) -> Any:
    from decimal import Decimal, InvalidOperation

    from openpyxl.utils.datetime import from_excel

    if t == b"s":
        return strings[int(text)] if text is not None else None
    if t == b"inlineStr":
        return "".join(_text(x.group(1) or b"") for x in _T.finditer(inline)) if inline is not None else None
    if t in (b"str", b"e", b"d"):
        return _text(text) if text is not None else None
    if t == b"b":
        return None if text is None else text.strip() in (b"1", b"true")
    if text is None:
        return None
    try:
        value: Any = Decimal(text.decode().strip())
    except InvalidOperation:
        return _text(text)
    if style < len(date_style) and date_style[style]:
        value = from_excel(float(value), epoch)
    return value


def _read_sheet_fast(xml: bytes, start: int, strings: list[str], formats: list[str], date_style: list[bool],
                     epoch: Any) -> list[list[Raw | None]] | None:
    """The sheet when every cell has the usual shape, else None (then the general reader runs)."""
    matches = list(_FAST_C.finditer(xml, start))
    if len(matches) != len(_ANY_C.findall(xml, start)):
        return None
    rows: list[list[Raw | None]] = []
    col_cache: dict[bytes, int] = {}
    nformats = len(formats)
    for m in matches:
        letters, row, s, t, v, inline = m.groups()
        if v is None and inline is None:
            continue
        style = int(s) if s else 0
        value = _cell_value(t, v, inline, style, strings, date_style, epoch)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        i = int(row) - 1
        j = col_cache.get(letters)
        if j is None:
            j = col_cache[letters] = _col_index(letters.decode())
        while len(rows) <= i:
            rows.append([])
        cells = rows[i]
        while len(cells) <= j:
            cells.append(None)
        cells[j] = Raw(value, formats[style] if style < nformats else "General", t == b"e")
    return rows


def _read_sheet(xml: bytes, strings: list[str], formats: list[str], epoch: Any) -> list[list[Raw | None]]:
    """Every cell of a sheet from its XML: text as text, numbers from their exact stored digits."""
    from openpyxl.styles.numbers import is_date_format

    start = xml.find(b"sheetData")
    if start >= 0:
        fast = _read_sheet_fast(xml, start, strings, formats, [is_date_format(f) for f in formats], epoch)
        if fast is not None:
            return fast
    return _read_sheet_general(xml, strings, formats, epoch)


def _read_sheet_general(xml: bytes, strings: list[str], formats: list[str], epoch: Any) -> list[list[Raw | None]]:
    """Every cell of a sheet, whatever the order of its attributes and namespace prefixes."""
    from decimal import Decimal, InvalidOperation

    from openpyxl.styles.numbers import is_date_format
    from openpyxl.utils.datetime import from_excel

    date_style = [is_date_format(f) for f in formats]
    rows: list[list[Raw | None]] = []
    start = xml.find(b"sheetData")
    if start < 0:
        return rows
    row_i = -1
    cells: list[Raw | None] = []
    next_col = 0
    pos = start
    row_starts = [(m.start(), m.group(1)) for m in _ROW_OPEN.finditer(xml, start)]
    k = 0
    for cm in _C.finditer(xml, start):
        while k < len(row_starts) and row_starts[k][0] < cm.start():
            attrs = dict(_ATTR.findall(row_starts[k][1]))
            row_i = int(attrs[b"r"]) - 1 if b"r" in attrs else row_i + 1
            while len(rows) <= row_i:
                rows.append([])
            cells = rows[row_i]
            next_col = 0
            k += 1
        attrs = dict(_ATTR.findall(cm.group(1)))
        ref = attrs.get(b"r")
        j = _col_index(ref.decode()) if ref else next_col
        next_col = j + 1
        body = cm.group(2) or b""
        t = attrs.get(b"t", b"n")
        style = int(attrs.get(b"s", b"0") or 0)
        fmt = formats[style] if style < len(formats) else "General"
        vm = _V.search(body) if body else None
        text = vm.group(1) if vm else None
        value: Any
        if t == b"s":
            value = strings[int(text)] if text is not None else None
        elif t == b"inlineStr":
            im = _IS.search(body)
            value = "".join(_text(x.group(1) or b"") for x in _T.finditer(im.group(1))) if im else None
        elif t in (b"str", b"e", b"d"):
            value = _text(text) if text is not None else None
        elif t == b"b":
            value = None if text is None else text.strip() in (b"1", b"true")
        elif text is None:
            value = None
        else:
            try:
                value = Decimal(text.decode().strip())
            except InvalidOperation:
                value = _text(text)
            if style < len(date_style) and date_style[style] and isinstance(value, Decimal):
                value = from_excel(float(value), epoch)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if row_i < 0:
            continue
        while len(cells) <= j:
            cells.append(None)
        cells[j] = Raw(value, fmt, t == b"e")
    while k < len(row_starts):  # trailing empty rows
        k += 1
    return rows


#: An .xlsx holds a few dozen parts; more than this is refused before any is read.
MAX_PARTS = 10_000


def _within_limits(zf: zipfile.ZipFile, p: Path) -> None:
    """Refuse a workbook whose parts would unpack past ``limits.workbook_part_mb`` (a 1.6 MB file
    can hold a 1.5 GB sheet), before anything is inflated; each part is also read with that cap."""
    from bidgen.limits import current

    infos = zf.infolist()
    if len(infos) > MAX_PARTS:
        raise InputError(f"a workbook with {len(infos):,} zip parts (at most {MAX_PARTS:,})", file=str(p))
    cap = int(current().workbook_part_mb * 1024 * 1024)
    for info in infos:
        if info.file_size > cap:
            raise InputError(f"part {info.filename} unpacks to {info.file_size:,} bytes, above the limit of {cap:,} "
                             "(limits.workbook_part_mb in the workspace)", file=str(p))
    def capped(name: str) -> bytes:  # the sizes a zip states can lie: count while inflating
        with zf.open(name) as fh:
            data = fh.read(cap + 1)
        if len(data) > cap:
            raise InputError(f"part {name} unpacks to more than {cap:,} bytes (limits.workbook_part_mb)", file=str(p))
        return data

    zf.read = capped  # type: ignore[method-assign]  # every later read of this file is capped


def _read_xlsx(p: Path) -> Tables:
    from lxml import etree
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

    out = Tables(str(p))
    name = p.name
    try:
        with zipfile.ZipFile(p) as zf:
            _within_limits(zf, p)
            parts = _sheet_parts(zf)
            book = zf.read("xl/workbook.xml")
            epoch = CALENDAR_MAC_1904 if re.search(rb'date1904="(1|true)"', book) else CALENDAR_WINDOWS_1900
            strings = _shared_strings(zf)
            formats = _number_formats(zf)
            for sheet, part in parts.items():
                try:
                    xml = zf.read(part)
                except KeyError:
                    out.problems.append(WorkbookProblem(f"{name}:{sheet}", "the sheet's data is missing from the file"))
                    continue
                label = f"{name}:{sheet}"
                out.problems += _scan_sheet(xml, label)
                out.tables[sheet] = Table(sheet, label, _read_sheet(xml, strings, formats, epoch))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, etree.XMLSyntaxError, OSError, ValueError,
            IndexError) as exc:
        raise InputError(f"cannot read the workbook (is it an .xlsx file?): {exc}", file=str(p)) from None
    return out


# ---------------------------------------------------------------------------- csv


def csv_text(value: str) -> str:
    """A CSV cell's text: an apostrophe that marks a formula-like text as text (``'=SUM…``,
    ``'+44 …``, as ``bidgen export`` writes them) is removed, as the spreadsheet would."""
    if value.startswith("'") and value[1:2] in ("=", "+", "-", "@", "\t", "\r") and value[1:2]:
        return value[1:]
    return value


def _read_csv_folder(folder: Path) -> Tables:
    import pandas as pd

    out = Tables(str(folder))
    files = sorted(f for f in folder.iterdir() if f.suffix.lower() == ".csv")
    if not files:
        raise InputError("no .csv files in this folder (expected deals.csv and the other sheets)", file=str(folder))
    for f in files:
        label = f"{folder.name}/{f.name}"
        try:
            # every cell as the text it holds: no type guessing, no NA/None/NULL turned into nothing
            frame = pd.read_csv(f, header=None, dtype=str, keep_default_na=False, na_filter=False,
                                encoding="utf-8-sig", skip_blank_lines=False)
        except UnicodeDecodeError:
            raise InputError("not UTF-8 text (save it as 'CSV UTF-8')", file=str(f)) from None
        except pd.errors.EmptyDataError:
            frame = pd.DataFrame()
        except (pd.errors.ParserError, OSError) as exc:
            raise InputError(f"cannot read the CSV file: {exc}", file=str(f)) from None
        rows = [[Raw(csv_text(v)) if v.strip() else None for v in record] for record in frame.itertuples(index=False)]
        out.tables[f.stem] = Table(f.stem, label, rows)
    return out
