"""The raw cells of a workbook: an ``.xlsx`` file or a folder of ``.csv`` files (pandas).

An .xlsx sheet is read straight from its XML, so that a number is the exact digits the file
stores (never a float on the way) and every cell keeps its number format and place; what the file
format means by its number formats and date serials is in :mod:`bidgen.inputs.excel`.

:func:`open_workbook` gives a :class:`Source` whose sheets are read as *streams of rows*
(:meth:`Source.rows`): an .xlsx sheet is inflated and parsed a chunk of whole rows at a time
(64 KB), a .csv file in chunks of rows, so that reading a sheet never holds more than a
chunk of it; a bulk run can then keep only what it needs.  Each row is a list of :data:`Raw`
cells (value, number format, whether the cell is an Excel error or a formula saved without its
value), before any meaning is given to them.  Problems of the file as a whole (unreadable,
merged cells) are collected in :attr:`Source.problems` once a sheet has been read to its end,
so that every one is reported at once.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any, Iterator
from xml.etree import ElementTree

from bidgen.errors import InputError
from bidgen.inputs.cells import Oversize

__all__ = ["Raw", "raw", "cell_cap", "Table", "Source", "open_workbook", "WorkbookProblem",
           "UNCACHED"]


#: One non-empty cell as the file holds it: a plain tuple ``(value, number_format, error, uncached)``.
#: ``error`` marks an Excel error value (``#N/A``); ``uncached`` a formula saved without the value it
#: shows (``value`` is then None): an error of the row's deal, located at the cell.  A plain tuple,
#: read by position (:func:`raw` builds one from named parts): there are many, and a bulk run sends
#: them to its worker processes, where pickle makes and reads plain tuples in C (a tuple subclass
#: costs it a Python-level constructor call each, about 1.5 µs a cell each way, 0.4 s of a
#: 1,000-deal run).
Raw = tuple


def cell_cap() -> int:
    """Bytes of XML one cell may take before it is skipped as :class:`Oversize`: room for every
    character of the longest text allowed written as a character reference (``&#x1F600;``) or with
    rich-text runs around it."""
    from bidgen.limits import current

    return current().max_text_length * 16 + 65_536


def raw(value: Any, number_format: str | None = None, error: bool = False, uncached: bool = False) -> Raw:
    """A :data:`Raw` cell."""
    return (value, number_format, error, uncached)


#: What a formula saved without its value is told (the cell's own deal error).
UNCACHED = ("a formula without a saved value: open the workbook in Excel and save it, so that the value it "
            "shows is stored")


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


Row = tuple[int, list[Raw | None]]


class Source:
    """An opened workbook: its sheets by name, each read as a stream of rows.

    Use as a context manager (an .xlsx stays open until :meth:`close`).  ``rows(name)`` yields
    ``(i, cells)`` for every row that holds a cell (``i`` 0-based, ``cells[j]`` the cell in
    column j or None), in the order of the sheet; a sheet can be read again from its start.
    """

    def __init__(self, file: str) -> None:
        self.file = file
        self.names: list[str] = []
        self.labels: dict[str, str] = {}
        self.problems: list[WorkbookProblem] = []
        #: per sheet, the (0-based) rows Excel hides (a filter, "Hide"), as far as the sheet is read:
        #: a row is in it before it is yielded
        self.hidden_rows: dict[str, set[int]] = {}
        #: per sheet, the hidden columns as (first, last) 0-based ranges, known before the first row
        self.hidden_cols: dict[str, list[tuple[int, int]]] = {}
        #: the sheets hidden in Excel (tab hidden, ``state="hidden"`` or ``"veryHidden"``)
        self.hidden_sheets: set[str] = set()

    def sheet(self, name: str) -> Table:
        """The sheet's name and label (``deals.xlsx:items``), without its rows."""
        return Table(name, self.labels[name], [])

    def rows(self, name: str) -> Iterator[Row]:  # pragma: no cover - abstract
        raise NotImplementedError

    def _problem(self, problem: WorkbookProblem) -> None:
        if problem not in self.problems:  # a sheet read twice reports its problems once
            self.problems.append(problem)

    def close(self) -> None:
        pass

    def __enter__(self) -> "Source":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def open_workbook(path: str | Path) -> Source:
    """Open an .xlsx workbook or a folder of .csv files; InputError when it cannot be read at all."""
    p = Path(path)
    if not p.exists():
        raise InputError("workbook not found", file=str(p))
    if p.is_dir():
        return _CsvFolder(p)
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        return _Xlsx(p)
    if p.suffix.lower() == ".csv":
        raise InputError("a single .csv file: pass the folder that holds deals.csv and the other sheets",
                         file=str(p))
    raise InputError(f"unsupported workbook type {p.suffix or '(none)'!r}; expected .xlsx or a folder of .csv",
                     file=str(p))


# ---------------------------------------------------------------------------- xlsx

_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}
# (attribute values in either quote, with blanks around ``=``: XML allows both, and some writers use them)
_MERGE = re.compile(rb"""<(?:\w+:)?mergeCell\b[^>]*\bref\s*=\s*["']([A-Z0-9:]+)["']""")
_SHEETDATA = re.compile(rb"<(?:\w+:)?sheetData\b[^>]*?(/?)>")
_SHEETDATA_END = re.compile(rb"</(?:\w+:)?sheetData\s*>")
_ROW_END = re.compile(rb"</(?:\w+:)?row\s*>")
_HIDDEN_ROW = re.compile(rb"""<(?:\w+:)?row\b[^>]*?\bhidden\s*=\s*["']\s*(?:1|true)\s*["'][^>]*>""")
_COL = re.compile(rb"<(?:\w+:)?col\b([^>]*)>")
_COL_ATTR = re.compile(rb"""\b(min|max|hidden)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_R_ATTR = re.compile(rb"""\br\s*=\s*["']\s*([0-9]+)\s*["']""")

#: Bytes of a sheet's XML inflated and parsed at a time (then cut after the last whole row): a bulk run
#: reads every sheet side by side, so this times the number of sheets is what reading holds.
CHUNK = 1 << 16


def _sheet_parts(zf: zipfile.ZipFile, book: ElementTree.Element) -> dict[str, str]:
    """Sheet name → its XML part inside the package (``book``: xl/workbook.xml, parsed)."""
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): r.get("Target", "") for r in rels.findall("rel:Relationship", _NS)}
    out = {}
    for sheet in book.iterfind("m:sheets/m:sheet", _NS):
        rid = sheet.get(f"{{{_NS['r']}}}id")
        part = target.get(rid, "")
        part = part.lstrip("/") if part.startswith("/") else "xl/" + part
        out[sheet.get("name", "")] = part
    return out


def _hidden_sheets(book: ElementTree.Element) -> set[str]:
    return {sheet.get("name", "") for sheet in book.iterfind("m:sheets/m:sheet", _NS)
            if sheet.get("state") in ("hidden", "veryHidden")}


def _date1904(book: ElementTree.Element) -> bool:
    """Whether the workbook counts its dates in the 1904 calendar: ``<workbookPr date1904="1"/>``,
    read as XML (any quotes, spaces around ``=``), its value an xsd:boolean (``1``/``true``, white
    space around it allowed)."""
    pr = book.find("m:workbookPr", _NS)
    return pr is not None and (pr.get("date1904") or "").strip() in ("1", "true")


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
    if m.group(1) or m.group(2):
        digits = m.group(1) or m.group(2)
        code = int(digits) if m.group(1) else int(digits, 16)
        if code > 0x10FFFF:  # (chr would raise OverflowError past a C long: a traceback, not an error)
            raise ValueError(f"the character reference {m.group()[:40]!r} names no character")
        return chr(code)
    return _NAMED[m.group(3)]


_ENTITIES: dict[str, str] = {}  # each reference met (``&#24352;``) and its character: a few thousand at most


def _known_entity(m: re.Match[str]) -> str:
    ref = m.group()
    char = _ENTITIES.get(ref)
    if char is None:
        char = _entity(m)
        if len(_ENTITIES) >= 20_000:  # (references can be spelled in endless ways: &#065;, &#0065;, …)
            _ENTITIES.clear()
        _ENTITIES[ref] = char
    return char


def _text(raw: bytes) -> str:
    """XML character data → text: XML's entities and character references and OOXML's
    ``_xHHHH_`` escapes resolved."""
    text = raw.decode("utf-8")
    if "&" in text:
        text = _ENTITY.sub(_known_entity, text)
    if "_x" in text:
        text = _XESC.sub(lambda m: chr(int(m.group(1), 16)), text)
    return text


def _inline_text(body: bytes) -> str:
    """The text of an inline string's ``<is>`` body (its runs joined, phonetic guides left out)."""
    if body.startswith(b"<t>") and body.endswith(b"</t>") and body.count(b"<") == 2:  # one plain run, the usual
        return _text(body[3:-4])
    if b"rPh" in body:
        body = _RPH.sub(b"", body)
    return "".join(_text(t.group(1) or b"") for t in _T.finditer(body))


_SI_START = re.compile(rb"<(?:\w+:)?si\b[^>/]*>")
_SI_END = re.compile(rb"</(?:\w+:)?si\s*>")
_C_START = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(/?)>")
_C_END = re.compile(rb"</(?:\w+:)?c\s*>")


def _skip_to(fh: Any, end: "re.Pattern[bytes]", window: bytes, count: Any) -> tuple[int, bytes]:
    """Read on past an over-long element without keeping it: the bytes read up to the end of
    ``end`` and what follows it in the last chunk (``window``: the element's last bytes so far)."""
    size = 0
    while True:
        data = fh.read(CHUNK)
        count(len(data))
        if not data:
            return size, b""
        size += len(data)
        w = window + data
        m = end.search(w)
        if m is not None:
            after = w[m.end():]
            return size - len(after), after
        window = w[-64:]


def _shared_strings(zf: zipfile.ZipFile) -> list[Any]:
    """The shared strings, streamed: a string longer than :func:`cell_cap` is skipped (an
    :class:`Oversize`), never built."""
    try:
        fh = zf.open("xl/sharedStrings.xml")
    except KeyError:
        return []
    cap, big = _part_cap(), cell_cap()
    total = [0]

    def count(n: int) -> None:
        total[0] += n
        if total[0] > cap:
            raise InputError(f"part xl/sharedStrings.xml unpacks to more than {cap:,} bytes (limits.workbook_part_mb)",
                             file=str(getattr(zf, "filename", "")))

    out: list[Any] = []
    buf = b""
    with fh:
        while True:
            data = fh.read(CHUNK)
            count(len(data))
            final = not data
            searched = max(0, len(buf) - 16)
            buf += data
            cut = len(buf) if final else 0
            if not final:
                for m in _SI_END.finditer(buf, searched):
                    cut = m.end()
            if cut:
                out.extend(_inline_text(m.group(1) or b"") for m in _SI.finditer(buf, 0, cut))
                buf = buf[cut:]
            if final:
                break
            if len(buf) > big:
                opened = None
                for opened in _SI_START.finditer(buf):
                    pass
                if opened is None:  # no string open: markup between strings
                    buf = buf[-64:]
                    continue
                out.extend(_inline_text(m.group(1) or b"") for m in _SI.finditer(buf, 0, opened.start()))
                held = len(buf) - opened.start()
                size, buf = _skip_to(fh, _SI_END, buf[-64:], count)
                out.append(Oversize(held + size))
    return out


def _number_formats(zf: zipfile.ZipFile) -> list[str]:
    """The number format of each cell style (index = the cell's ``s`` attribute)."""
    from lxml import etree

    from bidgen.inputs.excel import BUILTIN_FORMATS

    try:
        root = etree.fromstring(zf.read("xl/styles.xml"))
    except KeyError:
        return ["General"]
    m = _NS["m"]
    custom = {int(n.get("numFmtId", "")): n.get("formatCode", "") for n in root.iterfind(f"{{{m}}}numFmts/{{{m}}}numFmt")}
    out = []
    for xf in root.iterfind(f"{{{m}}}cellXfs/{{{m}}}xf"):
        fid = int(xf.get("numFmtId", "0"))
        out.append(custom.get(fid) or BUILTIN_FORMATS.get(fid, "General"))
    return out or ["General"]


_C = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_ROW_OPEN = re.compile(rb"<(?:\w+:)?row\b([^>]*?)(/?)>")
_ATTR = re.compile(rb"""\b(r|s|t)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _attrs(pattern: "re.Pattern[bytes]", xml: bytes) -> dict[bytes, bytes]:
    """The attributes ``pattern`` names in an element's start (its value in either quote, blanks
    around it dropped, as XML reads them in a number or a name)."""
    return {m.group(1): (m.group(2) if m.group(2) is not None else m.group(3)).strip()
            for m in pattern.finditer(xml)}
_V = re.compile(rb"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.S)
_IS = re.compile(rb"<(?:\w+:)?is>(.*?)</(?:\w+:)?is>", re.S)
_F = re.compile(rb"<(?:\w+:)?f\b")


#: The usual shape of a cell (Excel's and openpyxl's attribute order): one regex match per cell, its
#: place (column letters, row number) and the rest of it (its *tail*: style, type, formula, value),
#: which :data:`_FAST_TAIL` takes apart.  (An inline string of one plain run, the usual, is tried
#: first: the same match as ``.*?`` would give, found faster.)
_FAST_C = re.compile(
    rb'<c r="([A-Z]{1,3})([0-9]+)"((?: s="[0-9]+")?(?: t="[a-zA-Z]+")?\s*'
    rb"(?:/>|>(?:<f>[^<]*</f>|<f/>)?(?:<v>[^<]*</v>|<v/>|<is>(?:<t>[^<]*</t>|.*?)</is>)?</c>))", re.S)
#: A cell's tail (the third group of :data:`_FAST_C`): style, type, formula, value, inline string body.
_FAST_TAIL = re.compile(
    rb'(?: s="([0-9]+)")?(?: t="([a-zA-Z]+)")?\s*'
    rb"(?:/>|>(<f>[^<]*</f>|<f/>)?(?:<v>([^<]*)</v>|<v/>|<is>(.*?)</is>)?</c>)", re.S)
_ANY_C = re.compile(rb"<(?:\w+:)?c[\s>/]")
#: A row's start in the usual spelling (its number first: Excel's and openpyxl's), or a cell as :data:`_FAST_C`:
#: one pass over a run finds both, so that each cell is known to stand inside the row its reference names.
_FAST_RC = re.compile(rb'<row r="([0-9]+)"[^>]*>|' + _FAST_C.pattern, re.S)
_ANY_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
_MISS = object()
#: The type given to a cell skipped while reading (its text far over the limit): see :class:`Oversize`.
OVERSIZE_T = b"bidgenOversize"


def _iso_date(text: str) -> Any:
    """The value of an ISO 8601 date cell (``t="d"``): a datetime (``2026-11-18`` or
    ``2026-11-18T00:00:00``, as openpyxl writes it with ``iso_dates``) or a time of day
    (``09:30:00``); a text that is neither (or that names a time zone, which a cell's date has
    not) is left as it stands, for the column to refuse."""
    import datetime

    value = text.strip()
    try:
        when = datetime.datetime.fromisoformat(value)
    except ValueError:
        try:
            clock = datetime.time.fromisoformat(value.removeprefix("T"))
        except ValueError:
            return text
        return clock if clock.tzinfo is None else text
    return when if when.tzinfo is None else text


class _Decoder:
    """Cell values from their XML, with what every sheet of the workbook shares: the shared strings,
    the number formats, which of them are dates, the date epoch, and a memo of decoded texts (the
    same texts recur from deal to deal; bounded, so memory stays flat)."""

    MEMO = 50_000
    #: bytes :attr:`cells` may hold (its tails, plus :attr:`ENTRY` for each entry's objects) before it is emptied
    HELD = 4 << 20
    ENTRY = 256  # about what an entry holds besides its tail: the key object, the dict slot, the cell and its value

    def __init__(self, strings: list[str], formats: list[str], epoch: Any) -> None:
        from bidgen.inputs.excel import is_date_format

        self.strings = strings
        self.formats = formats
        self.date_style = [is_date_format(f) for f in formats]
        self.epoch = epoch
        self.memo: dict[bytes, str] = {}
        #: decoded cells by their tail (see :meth:`fast_rows`), and the bytes of the tails held
        self.cells: dict[bytes, Raw | None] = {}
        self.held = 0
        self.col_of: dict[bytes, int] = {}  # column letters -> 0-based index

    def text(self, raw: bytes, inline: bool) -> str:
        memo = self.memo
        out = memo.get(raw)
        if out is None:
            out = _inline_text(raw) if inline else _text(raw)
            if len(raw) > 4096:  # long texts rarely recur: not worth holding
                return out
            if len(memo) >= self.MEMO:
                memo.clear()
            memo[raw] = out
        return out

    def value(self, t: bytes | None, text: bytes | None, inline: bytes | None, style: int) -> Any:
        from decimal import Decimal, InvalidOperation

        if t == b"s":
            return self.strings[int(text)] if text is not None else None
        if t == OVERSIZE_T:
            return Oversize(int(text or 0))
        if t == b"inlineStr":
            return self.text(inline, True) if inline is not None else None
        if t in (b"str", b"e"):
            return self.text(text, False) if text is not None else None
        if t == b"d":  # an ISO 8601 date, time or both (18.18.11): what Excel shows, in any calendar
            return _iso_date(self.text(text, False)) if text is not None else None
        if t == b"b":  # 1/0 (Excel), true/false (xsd:boolean, in any case); else the text, for the column to refuse
            if text is None:
                return None
            flag = text.strip().lower()
            return True if flag in (b"1", b"true") else False if flag in (b"0", b"false") else self.text(text, False)
        if text is None:
            return None
        try:
            value: Any = Decimal(text.decode())
        except InvalidOperation:
            return self.text(text, False)
        # (a negative serial is no date either: Excel shows ##### in the 1900 calendar, a date
        # before its epoch with a minus sign in the 1904 one; read as the number, a date column
        # refuses it at its cell)
        if style < len(self.date_style) and self.date_style[style] and not value.is_signed():
            from bidgen.inputs.excel import from_excel

            try:
                value = from_excel(float(value), self.epoch)
            except (OverflowError, ValueError):  # no date of the calendar (Excel shows #####): the number
                pass
        return value

    def cell(self, tail: bytes) -> Raw | None:
        """The cell of a :data:`_FAST_C` match's tail (None: an empty cell, or one of blanks only)."""
        s, t, f, v, inline = _FAST_TAIL.fullmatch(tail).groups(b"")  # type: ignore[union-attr]
        style = int(s) if s else 0
        fmt = self.formats[style] if style < len(self.formats) else "General"
        if f and not v and not inline:
            return (None, fmt, False, True)
        if t == b"inlineStr":
            value = _inline_text(inline)  # (kept by its tail: the memo of texts is not needed)
        elif t == b"s":
            value = self.strings[int(v)]
        else:
            value = self.value(t, v, inline, style)
        if value is None or (value.__class__ is str and not value.strip()):
            return None
        return (value, fmt, t == b"e", False)

    def fast_rows(self, xml: bytes, row_i: int) -> tuple[list[Row], int] | None:
        """The rows of a run of whole ``<row>`` elements when every row and cell has the usual shape
        and stands in order (each row's number above the one before, ``row_i`` the last before the
        run; each cell inside the row its reference names, its column right of the one before), with
        the number of the run's last row; else None (then :meth:`general_rows` reads them, and says
        what is out of place).  A cell is decoded once per distinct tail (:attr:`cells`: the same
        values recur from deal to deal; bounded, so memory stays flat)."""
        matches = _FAST_RC.findall(xml)
        # every row and cell of the usual shape: counted cheaply when none can have a namespace prefix
        if ((len(matches) != xml.count(b"<c") + xml.count(b"<row") or b":c" in xml or b":row" in xml)
                and len(matches) != len(_ANY_C.findall(xml)) + len(_ANY_ROW.findall(xml))):
            return None
        out: list[Row] = []
        known = self.cells
        col_of = self.col_of
        number = b""  # the current row's number as written
        cells: list[Raw | None] = []
        last = -1  # the column of the row's last cell
        new_row = False
        for r, letters, row, tail in matches:
            if r:  # a row opens: its number above the one before (an integer comparison per row)
                i = int(r) - 1
                if i <= row_i:
                    return None
                row_i = i
                number = r
                last = -1
                new_row = True
                continue
            j = col_of.get(letters)
            if j is None:
                j = col_of[letters] = _col_index(letters.decode())
            if j <= last or row != number:  # a cell twice, out of order, or outside its row
                return None
            last = j
            cell = known.get(tail, _MISS)
            if cell is _MISS:
                cell = self.cell(tail)
                size = len(tail) + self.ENTRY
                if size <= 4096:  # long texts rarely recur: not worth holding
                    self.held += size
                    if self.held > self.HELD:
                        known.clear()
                        self.held = size
                    known[tail] = cell
            if cell is None:
                continue
            if new_row:
                new_row = False
                cells = []
                out.append((row_i, cells))
            n = len(cells)
            if j > n:
                cells.extend([None] * (j - n))
            cells.append(cell)
        return out, row_i

    def general_rows(self, xml: bytes, row_i: int, fault: Any) -> tuple[list[Row], int]:
        """The rows of a run of whole ``<row>`` elements whatever the order of attributes and the
        namespace prefixes; ``row_i`` is the row before the run (a row may omit its number: it
        follows the one before; so may a cell).  What is out of place is told to ``fault(row, col,
        message)`` (0-based): a row whose number is not above every one before it (out of order, or
        twice), a cell that appears twice in its row, a cell whose reference names another row."""
        formats = self.formats
        out: list[Row] = []
        cells: list[Raw | None] = []
        current = -2
        next_col = 0
        seen: set[int] = set()  # the columns of the current row's cells
        high = row_i  # the highest row number so far
        row_starts = [(m.start(), m.group(1)) for m in _ROW_OPEN.finditer(xml)]
        k = 0

        def open_row(attrs: bytes) -> None:
            nonlocal row_i, high, next_col, k
            ref = _attrs(_ATTR, attrs).get(b"r")
            row_i = int(ref) - 1 if ref is not None else row_i + 1
            if row_i < 0:
                fault(-1, 0, f"a row numbered {int(ref)} in the file (rows are numbered from 1)" + _OUT_OF_PLACE)
            elif row_i <= high:  # (a row without its number follows the one before: it can stand twice too)
                fault(row_i, 0, (f"row {row_i + 1} appears twice in the file" if row_i == high
                                 else f"row {row_i + 1} comes after row {high + 1} in the file") + _OUT_OF_PLACE)
            high = max(high, row_i)
            next_col = 0
            seen.clear()
            k += 1

        for cm in _C.finditer(xml):
            while k < len(row_starts) and row_starts[k][0] < cm.start():
                open_row(row_starts[k][1])
            attrs = _attrs(_ATTR, cm.group(1))
            ref = attrs.get(b"r")
            if ref:
                ref = ref.upper()  # (a reference in small letters, ``f3``, names the same cell)
                j = _col_index(ref.decode())
                digits = ref.lstrip(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ")
                if digits.isdigit() and int(digits) - 1 != row_i and row_i >= 0:
                    fault(int(digits) - 1, j, f"the cell {ref.decode()} stands inside row {row_i + 1} in the file"
                          + _OUT_OF_PLACE)
            else:
                j = next_col
            next_col = j + 1
            if j in seen:
                fault(row_i, j, f"the cell {_col_letters(j)}{row_i + 1} appears twice in row {row_i + 1} of the file"
                      + _OUT_OF_PLACE)
            seen.add(j)
            body = cm.group(2) or b""
            t = attrs.get(b"t", b"n")
            style = int(attrs.get(b"s", b"0") or 0)
            fmt = formats[style] if style < len(formats) else "General"
            vm = _V.search(body) if body else None
            text = vm.group(1) if vm else None
            im = _IS.search(body) if t == b"inlineStr" and body else None
            if _F.search(body) and not text and im is None:
                cell = (None, fmt, False, True)
            else:
                value = self.value(t, text, im.group(1) if im else None, style)
                if value is None or (isinstance(value, str) and not value.strip()):
                    continue
                cell = (value, fmt, t == b"e", False)
            if row_i < 0:
                continue
            if row_i != current:
                current = row_i
                cells = []
                out.append((row_i, cells))
            while len(cells) <= j:
                cells.append(None)
            cells[j] = cell
        while k < len(row_starts):  # rows after the last cell
            open_row(row_starts[k][1])
        return out, max(row_i, high)


#: What a row or cell out of place is told to do (after what is wrong).
_OUT_OF_PLACE = ": open the workbook in Excel and save it, so that every row and cell is stored once and in order"


def _col_letters(j: int) -> str:
    from bidgen.inputs.cells import column_letter

    return column_letter(j)


#: Rows or cells out of place told one by one in a sheet (a file written in reverse would have one per row).
MAX_FAULTS = 20

#: An .xlsx holds a few dozen parts; more than this is refused before any is read.
MAX_PARTS = 10_000

_UNREADABLE = (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError, ValueError, IndexError, zlib.error,
               EOFError)


def _part_cap() -> int:
    from bidgen.limits import current

    return int(current().workbook_part_mb * 1024 * 1024)


def _within_limits(zf: zipfile.ZipFile, p: Path) -> None:
    """Refuse a workbook whose parts would unpack past ``limits.workbook_part_mb`` (a 1.6 MB file
    can hold a 1.5 GB sheet), before anything is inflated; each part is also read with that cap."""
    infos = zf.infolist()
    if len(infos) > MAX_PARTS:
        raise InputError(f"a workbook with {len(infos):,} zip parts (at most {MAX_PARTS:,})", file=str(p))
    cap = _part_cap()
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


class _Xlsx(Source):
    """An .xlsx package: shared strings and styles read once, each sheet streamed from the zip."""

    def __init__(self, p: Path) -> None:
        from lxml import etree
        from bidgen.inputs.excel import MAC_EPOCH, WINDOWS_EPOCH

        super().__init__(str(p))
        self.path = p
        self._zf: zipfile.ZipFile | None = None
        try:
            self._zf = zf = zipfile.ZipFile(p)
            _within_limits(zf, p)
            book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
            self._parts = _sheet_parts(zf, book)
            self.hidden_sheets = _hidden_sheets(book)
            epoch = MAC_EPOCH if _date1904(book) else WINDOWS_EPOCH
            self._decoder = _Decoder(_shared_strings(zf), _number_formats(zf), epoch)
        except (*_UNREADABLE, etree.XMLSyntaxError) as exc:
            self.close()
            raise self._unreadable(exc) from None
        self.names = list(self._parts)
        self.labels = {name: f"{p.name}:{name}" for name in self.names}

    def _unreadable(self, exc: BaseException) -> InputError:
        if isinstance(exc, InputError):
            return exc
        return InputError(f"cannot read the workbook (is it an .xlsx file?): {exc}", file=str(self.path))

    def close(self) -> None:
        if self._zf is not None:
            self._zf.close()
            self._zf = None

    def rows(self, name: str) -> Iterator[Row]:
        return chain.from_iterable(self._runs(name))  # the rows of each run handed on by C code

    def _runs(self, name: str) -> Iterator[list[Row]]:
        """The sheet's rows, a run (the whole rows of a chunk) at a time."""
        assert self._zf is not None, "the workbook is closed"
        label = self.labels[name]
        try:
            fh = self._zf.open(self._parts[name])
        except KeyError:
            self._problem(WorkbookProblem(label, "the sheet's data is missing from the file"))
            return
        except _UNREADABLE as exc:
            raise self._unreadable(exc) from None
        with fh:
            try:
                yield from self._stream(fh, label, name)
            except _UNREADABLE as exc:
                raise self._unreadable(exc) from None

    def _hidden_cols(self, name: str, head: bytes) -> None:
        """The hidden column ranges of a sheet, from its ``<cols>`` (before its data)."""
        ranges = []
        for cm in _COL.finditer(head):
            attrs = _attrs(_COL_ATTR, cm.group(1))
            if attrs.get(b"hidden") in (b"1", b"true"):
                try:
                    lo = int(attrs.get(b"min", b"1"))
                    ranges.append((lo - 1, int(attrs.get(b"max", str(lo).encode())) - 1))
                except ValueError:
                    continue
        self.hidden_cols[name] = ranges

    def _stream(self, fh: Any, label: str, name: str) -> Iterator[list[Row]]:
        """Inflate a chunk, parse the whole rows in it, keep the torn last one for the next chunk.
        A cell whose XML outgrows :func:`cell_cap` is skipped as it streams by (never built): it
        is read as an :class:`Oversize`, the located error of its row."""
        cap, big = _part_cap(), cell_cap()
        total = 0
        buf = b""
        tail = b""  # what follows the sheet's data (merged cells, …)
        state = 0  # 0: before <sheetData>, 1: inside it, 2: after it
        row_i = -1
        decoder = self._decoder
        cell_from = 0  # where in buf to look for the start of the cell still open
        rescan: int | None = None  # where to look for row ends next, when not in the new bytes only

        def count(n: int) -> None:
            nonlocal total
            total += n
            if total > cap:
                raise InputError(f"part {fh.name} unpacks to more than {cap:,} bytes (limits.workbook_part_mb)",
                                 file=str(self.path))

        faults = 0

        def fault(i: int, j: int, message: str) -> None:
            """A row or cell out of place (:meth:`_Decoder.general_rows`): a problem of the file."""
            nonlocal faults
            faults += 1
            if faults <= MAX_FAULTS:  # (a row numbered 0 has no place but the sheet)
                self._problem(WorkbookProblem(f"{label}!{_col_letters(j)}{i + 1}" if i >= 0 else label, message))

        while True:
            data = fh.read(CHUNK)
            count(len(data))
            final = not data
            searched = max(0, len(buf) - 32) if rescan is None else rescan
            rescan = None
            buf += data
            if state == 0:
                m = _SHEETDATA.search(buf, max(0, searched - 256))
                if m is None:
                    if final:
                        break
                    continue
                state = 2 if m.group(1) else 1
                self._hidden_cols(name, buf[:m.start()])
                buf = buf[m.end():]
                searched = cell_from = 0
            if state == 1:
                # (plain searches first: a regex is only run where its literal part stands)
                end = _SHEETDATA_END.search(buf, searched) if buf.find(b"sheetData", searched) >= 0 else None
                if end is not None:
                    run, tail, buf = buf[:end.start()], buf[end.end():], b""
                    state = 2
                else:
                    cut = buf.rfind(b"</row>", searched) + 6  # the last row end, in the usual spelling
                    if cut < 6:
                        cut = 0
                        for cut_m in _ROW_END.finditer(buf, searched):
                            cut = cut_m.end()
                    if final:
                        cut = len(buf)
                    run, buf = buf[:cut], buf[cut:]
                    cell_from = max(0, cell_from - cut)
                if run:
                    if b"hidden" in run:
                        hidden = self.hidden_rows.setdefault(name, set())
                        for hm in _HIDDEN_ROW.finditer(run):
                            rm = _R_ATTR.search(hm.group(0))
                            if rm is not None:
                                hidden.add(int(rm.group(1)) - 1)
                    fast = decoder.fast_rows(run, row_i)
                    if fast is None:
                        rows, row_i = decoder.general_rows(run, row_i, fault)
                    else:
                        rows, row_i = fast
                    if rows:
                        yield rows
                if state == 1 and not final and len(buf) > big:
                    before = len(buf)
                    buf, cell_from = self._skip_cell(fh, buf, cell_from, big, count)
                    if len(buf) != before:  # a cell was skipped: what came after it is still to search
                        rescan = 0
            elif state == 2:
                tail += buf
                buf = b""
            if final:
                break
        if faults > MAX_FAULTS:
            self._problem(WorkbookProblem(label, f"{faults - MAX_FAULTS:,} more rows or cells out of place in the "
                                                 f"file (the first {MAX_FAULTS} are told)" + _OUT_OF_PLACE))
        for ref in _MERGE.findall(tail):
            self._problem(WorkbookProblem(f"{label}!{ref.decode()}",
                                          "merged cells: unmerge them and give every cell its own value"))


    @staticmethod
    def _skip_cell(fh: Any, buf: bytes, cell_from: int, big: int, count: Any) -> tuple[bytes, int]:
        """``buf`` holds a row longer than one cell may be: when its last cell is still open and
        over :func:`cell_cap`, read on to its end without keeping it and put a cell of type
        :data:`OVERSIZE_T` in its place.  Returns the new buffer and where to look for a cell next."""
        opened = None
        for m in _C_START.finditer(buf, cell_from):
            if not m.group(2):
                opened = m
        if opened is None:
            return buf, max(0, len(buf) - 64)
        closed = _C_END.search(buf, opened.end())
        if closed is not None:
            return buf, closed.end()
        if len(buf) - opened.start() <= big:
            return buf, opened.start()
        held = len(buf) - opened.start()
        size, after = _skip_to(fh, _C_END, buf[-64:], count)
        attrs = _attrs(_ATTR, opened.group(1))
        head = b"<c"
        for name in (b"r", b"s"):
            if name in attrs:
                head += b" " + name + b'="' + attrs[name] + b'"'
        cell = head + b' t="' + OVERSIZE_T + b'"><v>' + str(held + size).encode() + b"</v></c>"
        start = opened.start()
        return buf[:start] + cell + after, start + len(cell)


# ---------------------------------------------------------------------------- csv


def csv_text(value: str) -> str:
    """A CSV cell's text: an apostrophe that marks a formula-like text as text (``'=SUM…``,
    ``'+44 …``, as ``bidgen export`` writes them) is removed, as the spreadsheet would."""
    if value.startswith("'") and value[1:2] in ("=", "+", "-", "@", "\t", "\r") and value[1:2]:
        return value[1:]
    return value


class _CsvFolder(Source):
    """A folder of .csv files, one per sheet (named by the file's name without .csv), each read in
    chunks of rows as text exactly (pandas: ``dtype=str``, no NA guessing, a BOM allowed)."""

    ROWS = 2_000  # a bulk run reads every sheet side by side: this many rows each

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder))
        files = sorted(f for f in folder.iterdir() if f.suffix.lower() == ".csv")
        if not files:
            raise InputError("no .csv files in this folder (expected deals.csv and the other sheets)",
                             file=str(folder))
        self._files = {f.stem: f for f in files}
        self.names = list(self._files)
        self.labels = {f.stem: f"{folder.name}/{f.name}" for f in files}

    def rows(self, name: str) -> Iterator[Row]:
        import pandas as pd

        f = self._files[name]
        i = 0
        try:
            # every cell as the text it holds: no type guessing, no NA/None/NULL turned into nothing
            chunks = pd.read_csv(f, header=None, dtype=str, keep_default_na=False, na_filter=False,
                                 encoding="utf-8-sig", skip_blank_lines=False, chunksize=self.ROWS)
            with chunks:
                for frame in chunks:
                    for record in frame.itertuples(index=False):
                        cells = [(csv_text(v), None, False, False) if v.strip() else None for v in record]
                        if any(c is not None for c in cells):
                            yield i, cells
                        i += 1
        except UnicodeDecodeError:
            raise InputError("not UTF-8 text (save it as 'CSV UTF-8')", file=str(f)) from None
        except pd.errors.EmptyDataError:
            return
        except (pd.errors.ParserError, OSError) as exc:
            raise InputError(f"cannot read the CSV file: {exc}", file=str(f)) from None
