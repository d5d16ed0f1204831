"""Read the text and the marked terms back from a .docx, also after a person edited it.

Text is read per paragraph (all ``w:t`` joined; ``w:br``/``w:cr`` give '\\n', ``w:tab``
gives '\\t'), never per run.  Deleted text of tracked changes (``w:delText``) and field
codes are not text; inserted text is.  Hidden text (``w:vanish``) is text, and is also
listed in :attr:`DocText.hidden_texts`.

Terms are the ``bg_<key>_<n>`` bookmarks written by the ``term`` filter of
:mod:`bidgen.docx.render`; a term's value is the text between ``w:bookmarkStart`` and
``w:bookmarkEnd`` of the same id, across runs and paragraphs (paragraphs joined by '\\n').
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from bidgen.errors import InputError
from bidgen.docx.xmlsafe import parse_bookmark_name, w

__all__ = ["TermHit", "DocText", "read_docx"]

_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
_TRACKED = {
    w(t)
    for t in (
        "ins", "del", "moveFrom", "moveTo", "rPrChange", "pPrChange", "tblPrChange",
        "trPrChange", "tcPrChange", "sectPrChange", "tblGridChange", "cellIns", "cellDel",
        "cellMerge", "numberingChange",
    )
}
_INS = {w("ins"), w("moveTo")}
_DEL = {w("del"), w("moveFrom")}
_CHARS = {w("tab"): "\t", w("br"): "\n", w("cr"): "\n", w("noBreakHyphen"): "-"}
_FALSE = {"0", "false", "off"}


@dataclass
class TermHit:
    """One occurrence of a marked term in a document."""

    key: str
    value: str
    part: str
    where: str  # e.g. 'table 3, row 2, cell 5' or 'paragraph 14'
    name: str = ""  # the bookmark name, e.g. 'bg_total_1'
    in_insertion: bool = False  # some of the value is a tracked insertion
    in_deletion: bool = False  # the range holds tracked-deleted text (see deleted_text)
    deleted_text: str = ""
    hidden: bool = False  # some of the value is hidden (w:vanish)
    commented: bool = False  # the value lies under a comment range

    @property
    def suspicious(self) -> bool:
        """True when the value is not plain visible, settled text."""
        return self.in_insertion or self.in_deletion or self.hidden or self.commented


@dataclass
class DocText:
    """The text of a .docx: body paragraphs, tables, headers, footers, terms, comments."""

    paragraphs: list[str]  # body-level paragraphs, in order (not those inside tables)
    tables: list[list[list[str]]]  # every table (nested too) by start order: rows of cells
    headers: list[str]  # one text per header part, paragraphs joined by '\n'
    footers: list[str]
    terms: dict[str, list[TermHit]]
    comments: list[str]
    has_tracked_changes: bool
    hidden_texts: list[str]
    all_paragraphs: list[str] = field(default_factory=list)  # body incl. tables, text boxes
    footnotes: list[str] = field(default_factory=list)  # footnote and endnote texts

    def all_text(self) -> str:
        """Every paragraph of body, headers, footers and notes, joined by newlines."""
        return "\n".join([*self.all_paragraphs, *self.headers, *self.footers, *self.footnotes])

    def term_values(self, key: str) -> list[str]:
        """The values of every occurrence of term ``key`` (empty when unmarked)."""
        return [hit.value for hit in self.terms.get(key, [])]


class _Open:
    """A bookmark range being collected."""

    def __init__(self, key: str, name: str, where: str) -> None:
        self.key, self.name, self.where = key, name, where
        self.buf: list[str] = []
        self.deleted: list[str] = []
        self.pending_break = False
        self.ins = self.hidden = self.commented = False

    def add(self, text: str) -> None:
        if self.pending_break:
            self.buf.append("\n")
            self.pending_break = False
        self.buf.append(text)


class _PartReader:
    """One pass over a part: paragraphs, tables, bookmarks, change marks."""

    def __init__(self, part: str, out: DocText) -> None:
        self.part, self.out = part, out
        self.paras: list[list[str]] = []  # stack of paragraph buffers
        self.para_no: list[int] = []
        self.tables: list[list[list[str]]] = []  # stack: rows of the open tables
        self.table_no: list[int] = []
        self.cells: list[list[str]] = []  # stack: paragraph texts of open cells
        self.rows: list[list[str]] = []
        self.n_tables = self.n_body = 0
        self.ins = self.dels = 0
        self.comments: set[str] = set()
        self.open: dict[str, _Open] = {}
        self.body: list[str] = []
        self.every: list[str] = []
        self.part_tables: list[list[list[str]]] = []

    def run(self, root: etree._Element) -> None:
        walker = etree.iterwalk(root, events=("start", "end"))
        for event, el in walker:
            tag = el.tag
            if not isinstance(tag, str):
                continue
            if event == "start":
                if tag == _MC_FALLBACK:
                    walker.skip_subtree()
                    continue
                self.start(tag, el)
            else:
                self.end(tag)

    # ---------------------------------------------------------------- events

    def start(self, tag: str, el: etree._Element) -> None:
        if tag in _TRACKED:
            self.out.has_tracked_changes = True
        if tag == w("t"):
            self.text(el.text or "", el)
        elif tag in _CHARS and el.getparent() is not None and el.getparent().tag == w("r"):
            self.text(_CHARS[tag], el)
        elif tag == w("delText"):
            for o in self.open.values():
                o.deleted.append(el.text or "")
        elif tag == w("p"):
            self.paras.append([])
            if not self.paras[:-1] and not self.tables:
                self.n_body += 1
            self.para_no.append(self.n_body)
        elif tag == w("tbl"):
            self.n_tables += 1
            self.table_no.append(self.n_tables)
            self.tables.append([])
            self.part_tables.append(self.tables[-1])
        elif tag == w("tr"):
            self.rows.append([])
        elif tag == w("tc"):
            self.cells.append([])
        elif tag in _INS:
            self.ins += 1
        elif tag in _DEL:
            self.dels += 1
        elif tag == w("commentRangeStart"):
            self.comments.add(el.get(w("id"), ""))
        elif tag == w("commentRangeEnd"):
            self.comments.discard(el.get(w("id"), ""))
        elif tag == w("bookmarkStart"):
            self.bookmark_start(el)
        elif tag == w("bookmarkEnd"):
            self.bookmark_end(el.get(w("id"), ""))

    def end(self, tag: str) -> None:
        if tag == w("p"):
            text = "".join(self.paras.pop())
            self.para_no.pop()
            self.every.append(text)
            if not self.paras and not self.tables:
                self.body.append(text)
            for cell in self.cells:
                cell.append(text)
            for o in self.open.values():
                if o.buf:
                    o.pending_break = True
        elif tag == w("tbl"):
            self.tables.pop()
            self.table_no.pop()
        elif tag == w("tr") and self.tables:
            self.tables[-1].append(self.rows.pop())
        elif tag == w("tc") and self.rows:
            self.rows[-1].append("\n".join(self.cells.pop()))
        elif tag in _INS:
            self.ins -= 1
        elif tag in _DEL:
            self.dels -= 1

    def text(self, text: str, el: etree._Element) -> None:
        if self.dels and el.tag != w("t"):
            return
        if self.paras:
            self.paras[-1].append(text)
        hidden = _is_hidden(el)
        if hidden and text.strip():
            self.out.hidden_texts.append(text)
        for o in self.open.values():
            o.add(text)
            o.ins = o.ins or self.ins > 0
            o.hidden = o.hidden or hidden
            o.commented = o.commented or bool(self.comments)

    def where(self) -> str:
        if self.tables:
            rows = self.tables[-1]
            cell_no = len(self.rows[-1]) + 1 if self.rows else 1
            return f"table {self.table_no[-1]}, row {len(rows) + 1}, cell {cell_no}"
        if self.paras:
            return f"paragraph {self.para_no[-1]}"
        return f"paragraph {self.n_body + 1}"

    def bookmark_start(self, el: etree._Element) -> None:
        key = parse_bookmark_name(el.get(w("name"), ""))
        if key is not None:
            o = _Open(key, el.get(w("name"), ""), self.where())
            o.commented = bool(self.comments)
            o.ins = self.ins > 0
            self.open[el.get(w("id"), "")] = o

    def bookmark_end(self, bid: str) -> None:
        o = self.open.pop(bid, None)
        if o is None:
            return
        hit = TermHit(
            key=o.key, value="".join(o.buf), part=self.part, where=o.where, name=o.name,
            in_insertion=o.ins, in_deletion=bool(o.deleted),
            deleted_text="".join(o.deleted), hidden=o.hidden, commented=o.commented,
        )
        self.out.terms.setdefault(o.key, []).append(hit)


def _is_hidden(el: etree._Element) -> bool:
    run = el.getparent()
    rpr = run.find(w("rPr")) if run is not None else None
    vanish = rpr.find(w("vanish")) if rpr is not None else None
    return vanish is not None and vanish.get(w("val"), "true").lower() not in _FALSE


#: A Word file has a few dozen parts; a zip with more than this many is refused before any is read.
MAX_MEMBERS = 10_000


def read_docx(path_or_bytes: str | Path | bytes) -> DocText:
    """Read paragraphs, tables, headers, footers, comments and marked terms of a .docx.

    Raises InputError when the file cannot be read or is not a Word document.
    """
    label = "<bytes>" if isinstance(path_or_bytes, bytes) else str(path_or_bytes)
    try:
        data = path_or_bytes if isinstance(path_or_bytes, bytes) else Path(path_or_bytes).read_bytes()
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        raise InputError(f"cannot read .docx: {exc}", file=label) from exc
    with zf:
        if len(zf.infolist()) > MAX_MEMBERS:
            raise InputError(f"a .docx with {len(zf.infolist()):,} zip members (at most {MAX_MEMBERS:,})", file=label)
        parts = _parts(zf, label)
        out = DocText([], [], [], [], {}, [], False, [])
        for kind, name in parts:
            _read_part(zf, kind, name, out, label)
    return out


def _read_part(zf: zipfile.ZipFile, kind: str, name: str, out: DocText, label: str) -> None:
    root = _xml(zf, name, label)
    if kind == "comments":
        for comment in root.iter(w("comment")):
            paras = ["".join(p.itertext(w("t"))) for p in comment.iter(w("p"))]
            out.comments.append("\n".join(paras))
        return
    reader = _PartReader(name, out)
    reader.run(root)
    if kind == "document":
        out.paragraphs.extend(reader.body)
        out.all_paragraphs.extend(reader.every)
        out.tables.extend(reader.part_tables)
    else:
        target = {"header": out.headers, "footer": out.footers}.get(kind, out.footnotes)
        target.append("\n".join(reader.every))


def _read_member(zf: zipfile.ZipFile, name: str, label: str) -> bytes:
    """A part's bytes, within the read-back limits (:mod:`bidgen.limits`): at most
    ``readback_part_mb`` uncompressed (counted while inflating, whatever the zip claims) and at
    most ``readback_elements`` XML elements (start tags), so a zip or XML bomb is refused in
    bounded time and memory."""
    from bidgen.limits import current

    lim = current()
    cap = int(lim.readback_part_mb * 1024 * 1024)
    try:
        info = zf.getinfo(name)
        if info.file_size > cap:
            raise InputError(f"part {name} is {info.file_size:,} bytes uncompressed, above the limit of {cap:,} "
                             "(limits.readback_part_mb)", file=label)
        with zf.open(info) as fh:
            data = fh.read(cap + 1)
    except KeyError as exc:
        raise InputError(f"unreadable part {name}: {exc}", file=label) from exc
    except (zipfile.BadZipFile, zlib.error, OSError, NotImplementedError, RuntimeError, EOFError) as exc:
        raise InputError(f"unreadable part {name}: {exc}", file=label) from exc
    if len(data) > cap:
        raise InputError(f"part {name} is more than {cap:,} bytes uncompressed (limits.readback_part_mb)", file=label)
    tags = data.count(b"<") - data.count(b"</")
    if tags > lim.readback_elements:
        raise InputError(f"part {name} has about {tags:,} XML elements, above the limit of {lim.readback_elements:,} "
                         "(limits.readback_elements)", file=label)
    return data


def _xml(zf: zipfile.ZipFile, name: str, label: str) -> etree._Element:
    data = _read_member(zf, name, label)
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise InputError(f"unreadable part {name}: {exc}", file=label) from exc


def _parts(zf: zipfile.ZipFile, label: str) -> list[tuple[str, str]]:
    names = set(zf.namelist())
    main = _main_part(zf, names)
    if main is None:
        raise InputError("not a Word document (no main document part)", file=label)
    rels_name = posixpath.join(posixpath.dirname(main), "_rels", posixpath.basename(main) + ".rels")
    found: list[tuple[str, str]] = [("document", main)]
    if rels_name in names:
        for rel in _xml(zf, rels_name, label).iter(f"{_REL_NS}Relationship"):
            kind = rel.get("Type", "").rsplit("/", 1)[-1]
            if kind not in ("header", "footer", "footnotes", "endnotes", "comments"):
                continue
            if rel.get("TargetMode") == "External":
                continue
            target = _resolve(posixpath.dirname(main), rel.get("Target", ""))
            if target in names:
                found.append((kind, target))
    return sorted(set(found), key=lambda kn: (_ORDER.index(kn[0]), _natural(kn[1])))


_ORDER = ["document", "header", "footer", "footnotes", "endnotes", "comments"]


def _natural(name: str) -> list[object]:
    return [int(x) if x.isdigit() else x for x in re.split(r"(\d+)", name)]


def _resolve(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(base, target))


def _is_word_part(zf: zipfile.ZipFile, names: set[str], part: str) -> bool:
    """Whether ``part`` is a WordprocessingML main part (not a workbook or a presentation)."""
    if "[Content_Types].xml" in names:
        try:
            types = etree.fromstring(_read_member(zf, "[Content_Types].xml", "<zip>"), _PARSER)
        except etree.XMLSyntaxError:
            types = None
        for override in types.iter() if types is not None else ():
            if override.get("PartName") == "/" + part:
                return "wordprocessingml" in override.get("ContentType", "")
    return part.startswith("word/")


def _main_part(zf: zipfile.ZipFile, names: set[str]) -> str | None:
    main = _find_main_part(zf, names)
    return main if main is not None and _is_word_part(zf, names, main) else None


def _find_main_part(zf: zipfile.ZipFile, names: set[str]) -> str | None:
    if "_rels/.rels" in names:
        try:
            root = etree.fromstring(_read_member(zf, "_rels/.rels", "<zip>"), _PARSER)
        except etree.XMLSyntaxError:
            root = None
        for rel in root.iter(f"{_REL_NS}Relationship") if root is not None else ():
            if rel.get("Type", "").endswith("/officeDocument"):
                target = _resolve("", rel.get("Target", ""))
                if target in names:
                    return target
    return "word/document.xml" if "word/document.xml" in names else None
