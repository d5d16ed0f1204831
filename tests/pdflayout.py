"""Layout read back from a PDF (``pdftotext -bbox-layout``) and checked against its .docx.

What a reader of the PDF would see as broken: text outside the printable area, a word, number,
SKU or short unit of a table cell broken across lines, a table row split across pages, a heading
alone at the foot of a page, a cover carrying the running header.  Each check returns the
problems it finds, one line each (empty: fine).
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
w = f"{{{W}}}"
X = "{http://www.w3.org/1999/xhtml}"
TWIP = 1 / 20  # points
TOL = 2.0  # points
_SPACE = re.compile(r"\s+")


@dataclass
class Line:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str  # words joined without spaces

    @property
    def mid(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass
class Word:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    line: Line


@dataclass
class Page:
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)


def read_pdf(pdf: Path) -> list[Page]:
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    root = etree.fromstring(xml, etree.XMLParser(recover=True, huge_tree=True))
    pages = []
    for n, pg in enumerate(root.iter(f"{X}page")):
        page = Page(float(pg.get("width")), float(pg.get("height")))
        for ln in pg.iter(f"{X}line"):
            words = [wd for wd in ln.iter(f"{X}word")]
            line = Line(n, *(float(ln.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")),
                        "".join(wd.text or "" for wd in words))
            page.lines.append(line)
            for wd in words:
                page.words.append(Word(n, *(float(wd.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")),
                                       wd.text or "", line))
        pages.append(page)
    return pages


def _text(el) -> str:  # noqa: ANN001
    """The text of an element; a line break or tab counts as a space."""
    out = []
    for node in el.iter(f"{w}t", f"{w}br", f"{w}cr", f"{w}tab"):
        out.append(node.text or "" if node.tag == f"{w}t" else " ")
    return "".join(out)


def squeeze(text: str) -> str:
    return _SPACE.sub("", text.replace("\u00a0", " "))


@dataclass
class Docx:
    root: etree._Element
    sections: list[etree._Element]
    parts: dict[str, bytes]

    @classmethod
    def read(cls, path: Path) -> "Docx":
        with zipfile.ZipFile(path) as z:
            parts = {n: z.read(n) for n in z.namelist() if n.startswith("word/") and n.endswith(".xml")}
        root = etree.fromstring(parts["word/document.xml"])
        return cls(root, list(root.iter(f"{w}sectPr")), parts)

    def margins(self) -> dict[str, float]:
        """The smallest of each margin (and header/footer distance) over the sections, in points."""
        out: dict[str, float] = {}
        for sp in self.sections:
            mar = sp.find(f"{w}pgMar")
            if mar is None:
                continue
            for key in ("left", "right", "top", "bottom", "header", "footer"):
                v = int(mar.get(f"{w}{key}", "0")) * TWIP
                out[key] = min(out.get(key, v), v)
        return out

    def has_cover(self) -> bool:
        return any(sp.find(f"{w}titlePg") is not None for sp in self.sections)

    def tables(self) -> list[etree._Element]:
        return [t for t in self.root.iter(f"{w}tbl") if t.getparent().tag != f"{w}tc"]

    def headings(self) -> list[str]:
        out = []
        for p in self.root.iter(f"{w}p"):
            st = p.find(f"{w}pPr/{w}pStyle")
            if st is not None and re.fullmatch(r"Heading\d", st.get(f"{w}val") or ""):
                t = squeeze(_text(p))
                if t:
                    out.append(t)
        return out


# ------------------------------------------------------------------------------------------ checks
_HANGING = "，。、；：？！）」』】》,.;:"


def outside_printable_area(pages: list[Page], doc: Docx) -> list[str]:
    """Every word within the margins left and right, and between the header and footer distances
    from the top and bottom edges.  A CJK line may end with its closing punctuation hanging into
    the right margin by at most one em (行末标点悬挂: Word and LibreOffice typeset Chinese so, and
    the ink of a full-width comma or full stop sits in the left half of its box)."""
    m = doc.margins()
    problems = []
    for n, page in enumerate(pages, 1):
        right = page.width - m["right"] + TOL
        for wd in page.words:
            hangs = (wd.x1 > right and wd.text[-1:] in _HANGING and _CJK.search(wd.text)
                     and wd.x1 - right <= (wd.y1 - wd.y0))
            if (wd.x0 < m["left"] - TOL or (wd.x1 > right and not hangs)
                    or wd.y0 < m["header"] - TOL or wd.y1 > page.height - m["footer"] + TOL):
                problems.append(f"page {n}: {wd.text!r} at ({wd.x0:.0f}, {wd.y0:.0f})-({wd.x1:.0f}, {wd.y1:.0f}) "
                                "is outside the printable area")
    return problems


_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff]")
_SHORT = 6


def unbreakable_pieces(cell_text: str) -> list[str]:
    """What must stay on one line: each word, number and SKU (a line may break after a hyphen or a
    slash, so the pieces end there), and a short cell (a unit such as 台（套）) as a whole."""
    text = cell_text.strip()
    if not text:
        return []
    if len(text) <= _SHORT and not re.search(r"\s", text):
        return [text]
    pieces = []
    for token in text.split():
        for run in _IDEOGRAPH.split(token):  # a line may break before or after any CJK ideograph
            pieces += [p for p in re.findall(r"[^-/]*[-/]?", run) if len(p) > 1]
    return pieces


def broken_words(pages: list[Page], doc: Docx) -> list[str]:
    """Every piece of every table cell found whole on a line of the PDF, as often as the cells hold it."""
    need: dict[str, int] = {}
    for tbl in doc.tables():
        for tc in tbl.iter(f"{w}tc"):
            for p in tc.iter(f"{w}p"):
                for piece in unbreakable_pieces(_text(p)):
                    need[piece] = need.get(piece, 0) + 1
    lines = [ln.text for page in pages for ln in page.lines]
    problems = []
    for piece, count in sorted(need.items()):
        found = sum(line.count(piece) for line in lines)
        if found < count:
            problems.append(f"{piece!r} is broken across lines ({count - found} of {count} time(s))")
    return problems


def _table_columns(tbl, doc: Docx) -> list[tuple[float, float]]:  # noqa: ANN001
    """The x-range of each grid column of a table, in points."""
    grid = [int(g.get(f"{w}w")) * TWIP for g in tbl.iter(f"{w}gridCol")]
    m = doc.margins()
    page_w = max(int(sp.find(f"{w}pgSz").get(f"{w}w")) for sp in doc.sections if sp.find(f"{w}pgSz") is not None) * TWIP
    text_w = page_w - m["left"] - m["right"]
    jc = tbl.find(f"{w}tblPr/{w}jc")
    x = m["left"] + ((text_w - sum(grid)) / 2 if jc is not None and jc.get(f"{w}val") == "center" else 0)
    cols = []
    for g in grid:
        cols.append((x, x + g))
        x += g
    return cols


def split_rows(pages: list[Page], doc: Docx) -> list[str]:
    """No table row across two pages: every cell's text is found whole in one page's stream of its
    column (the words within the column's x-range, top to bottom).  A row splits only where one of
    its cells does."""
    problems = []
    for ti, tbl in enumerate(doc.tables(), 1):
        cols = _table_columns(tbl, doc)
        streams: dict[int, list[str]] = {}
        for j, (x0, x1) in enumerate(cols):
            per_page = []
            for page in pages:
                inside = [wd for wd in page.words if x0 - TOL <= (wd.x0 + wd.x1) / 2 <= x1 + TOL]
                inside.sort(key=lambda wd: (round(wd.line.y0, 1), wd.x0))
                per_page.append("".join(wd.text for wd in inside))
            streams[j] = per_page
        for ri, tr in enumerate(tbl.findall(f"{w}tr"), 1):
            j = 0
            for tc in tr.findall(f"{w}tc"):
                span_el = tc.find(f"{w}tcPr/{w}gridSpan")
                span = int(span_el.get(f"{w}val")) if span_el is not None else 1
                text = squeeze("".join(_text(p) for p in tc.iter(f"{w}p")))
                if span == 1 and text and j in streams and not any(text in s for s in streams[j]):
                    problems.append(f"table {ti}, row {ri}: cell {j + 1} ({text[:30]!r}) is not whole on one page")
                j += span
    return problems


def lonely_headings(pages: list[Page], doc: Docx) -> list[str]:
    """No heading as the last line of a page's body."""
    m = doc.margins()
    problems = []
    for heading in doc.headings():
        for n, page in enumerate(pages, 1):
            for line in page.lines:
                if line.text != heading or line.y1 > page.height - m["bottom"] + TOL:
                    continue
                below = [ln for ln in page.lines if ln.y0 > line.y1 - 0.5 and ln.y1 <= page.height - m["bottom"] + TOL]
                if not below:
                    problems.append(f"page {n}: heading {heading!r} is alone at the foot of the page")
    return problems


def header_on_cover(pages: list[Page], doc: Docx, header_text: str) -> list[str]:
    """A document with a cover: nothing in the header area of page 1, the running header on page 2."""
    if not doc.has_cover():
        return []
    m = doc.margins()
    problems = []
    top = [ln.text for ln in pages[0].lines if ln.y1 < m["top"] - TOL]
    if top:
        problems.append(f"the cover carries the running header: {top}")
    if len(pages) > 1 and header_text and not any(header_text in ln.text for ln in pages[1].lines
                                                  if ln.y1 < m["top"] - TOL):
        problems.append(f"page 2 lacks the running header {header_text!r}")
    return problems
