"""Table columns sized from their content, within the table's width.

A built-in template gives each column a width by design (a wide description, a narrow unit).
Content can outgrow a design: an 11 mm unit column breaks "truck" and "workstation" mid-word,
a 118,518,518,520.00 total needs more than 3 cm.  :func:`fit_tables` widens every column whose
longest unbreakable piece of text (a word, a number, an SKU, a short CJK unit such as 台（套）)
would not fit, and takes the room from the columns with the most slack, so the table keeps its
width and no word of a cell breaks across lines.  Columns that fit are left as designed.

Text is measured with the advance widths of Calibri (and of Carlito, its metric-compatible
twin that LibreOffice uses), bold or regular, at the run's size; East Asian wide characters
are one em; another Latin font is measured with a safety factor.  Applied to every rendered
document (``bidgen.docx.render``), so user templates benefit too.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache
from itertools import accumulate
from dataclasses import dataclass

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_w = f"{{{W}}}"

_CHARS = (' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~'
          '·–—‘’“”€£¥±×÷°‰§©®™…•¢¤¦¨ªº¹²³µ¶¼½¾')
# advance widths in 1/1000 em, read from Carlito Regular and Bold (= Calibri's metrics)
_REGULAR = (226, 326, 401, 498, 507, 715, 682, 221, 303, 303, 498, 498, 250, 306, 252, 386, 507, 507, 507, 507,
            507, 507, 507, 507, 507, 507, 268, 268, 498, 498, 498, 463, 894, 579, 544, 533, 615, 488, 459, 631,
            623, 252, 319, 520, 420, 855, 646, 662, 517, 673, 543, 459, 487, 642, 567, 890, 519, 487, 468, 307,
            386, 307, 498, 498, 291, 479, 525, 423, 525, 498, 305, 471, 525, 229, 239, 455, 229, 799, 525, 527,
            525, 525, 349, 391, 335, 525, 452, 715, 433, 453, 395, 314, 460, 314, 498, 252, 498, 905, 250, 250,
            418, 418, 507, 507, 507, 498, 498, 498, 339, 1038, 498, 834, 507, 705, 690, 498, 498, 498, 498, 393,
            402, 422, 246, 336, 334, 550, 586, 636, 671, 675)
_BOLD = (226, 326, 438, 498, 507, 729, 705, 233, 312, 312, 498, 498, 258, 306, 267, 430, 507, 507, 507, 507, 507,
         507, 507, 507, 507, 507, 276, 276, 498, 498, 498, 463, 898, 606, 561, 529, 630, 488, 459, 637, 631, 267,
         331, 547, 423, 874, 659, 676, 532, 686, 563, 473, 495, 653, 591, 906, 551, 520, 478, 325, 430, 325, 498,
         498, 300, 494, 537, 418, 537, 503, 316, 474, 537, 246, 255, 480, 246, 813, 537, 538, 537, 537, 355, 399,
         347, 537, 473, 745, 459, 474, 397, 344, 475, 344, 498, 268, 498, 905, 258, 258, 435, 435, 507, 507, 507,
         498, 498, 498, 342, 1062, 498, 834, 507, 720, 711, 498, 498, 498, 498, 415, 416, 435, 252, 338, 336, 563,
         598, 658, 691, 702)
_WIDTHS = {False: dict(zip(_CHARS, _REGULAR)), True: dict(zip(_CHARS, _BOLD))}
_METRIC_FONTS = {"Calibri", "Carlito", "Calibri Light"}
_OTHER_FONT_FACTOR = 1.15  # Arial, Times, … measured as Calibri, with room to spare
_SAFETY = 1.04  # rounding, kerning and the renderer's own slack
_SAFETY_TWIPS = 30
_SHORT = 6  # a cell paragraph of up to this many characters without a space stays on one line


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def _ideograph(ch: str) -> bool:
    """A CJK character a line may break before or after (not full-width punctuation, which the
    line-breaking rules keep with its neighbours: 13,524.00（2%） stays whole)."""
    return _wide(ch) and unicodedata.category(ch) == "Lo"


def char_width(ch: str, bold: bool) -> int:
    """Advance width of ``ch`` in 1/1000 em."""
    if _wide(ch):
        return 1000
    return _WIDTHS[bold].get(ch, 600)


@dataclass(frozen=True)
class _Fmt:
    size: float = 11.0  # points
    bold: bool = False
    font: str = "Calibri"


def _rpr_fmt(rpr, base: _Fmt) -> _Fmt:  # noqa: ANN001 - lxml element or None
    if rpr is None:
        return base
    size, bold, font = base.size, base.bold, base.font
    sz = rpr.find(f"{_w}sz")
    if sz is not None and (sz.get(f"{_w}val") or "").isdigit():
        size = int(sz.get(f"{_w}val")) / 2
    b = rpr.find(f"{_w}b")
    if b is not None:
        bold = b.get(f"{_w}val", "true") not in ("0", "false", "off")
    fonts = rpr.find(f"{_w}rFonts")
    if fonts is not None and fonts.get(f"{_w}ascii"):
        font = fonts.get(f"{_w}ascii")
    return _Fmt(size, bold, font)


class Styles:
    """The run format (size, bold, Latin font) that paragraph styles give, through ``basedOn``."""

    def __init__(self, styles_root=None) -> None:  # noqa: ANN001 - lxml element of word/styles.xml
        from lxml import etree

        #: what tells these styles apart from others (for the memo of cell needs)
        self.key = hash(etree.tostring(styles_root)) if styles_root is not None else 0
        self._base = _Fmt()
        self._raw: dict[str, tuple[str | None, object]] = {}
        self._cache: dict[str, _Fmt] = {}
        self._default_para: str | None = None
        if styles_root is None:
            return
        defaults = styles_root.find(f"{_w}docDefaults/{_w}rPrDefault/{_w}rPr")
        self._base = _rpr_fmt(defaults, _Fmt())
        for st in styles_root.iter(f"{_w}style"):
            if st.get(f"{_w}type") != "paragraph":
                continue
            sid = st.get(f"{_w}styleId")
            based = st.find(f"{_w}basedOn")
            self._raw[sid] = (based.get(f"{_w}val") if based is not None else None, st.find(f"{_w}rPr"))
            if st.get(f"{_w}default") in ("1", "true"):
                self._default_para = sid

    def para(self, style_id: str | None, depth: int = 0) -> _Fmt:
        sid = style_id or self._default_para
        if sid is None or sid not in self._raw or depth > 20:
            return self._base
        if sid not in self._cache:
            based, rpr = self._raw[sid]
            self._cache[sid] = _rpr_fmt(rpr, self.para(based, depth + 1) if based else self._base)
        return self._cache[sid]


def _twips(milli_em: float, fmt: _Fmt) -> float:
    factor = 1.0 if fmt.font in _METRIC_FONTS else _OTHER_FONT_FACTOR
    return milli_em / 1000 * fmt.size * 20 * factor


def _paragraph_pieces(p, styles: Styles) -> list[list[tuple[str, _Fmt]]]:  # noqa: ANN001
    """The paragraph's text as lines (split at w:br), each a list of (text, format) runs."""
    ppr = p.find(f"{_w}pPr")
    pstyle = ppr.find(f"{_w}pStyle") if ppr is not None else None
    pfmt = styles.para(pstyle.get(f"{_w}val") if pstyle is not None else None)
    lines: list[list[tuple[str, _Fmt]]] = [[]]
    for r in p.iter(f"{_w}r"):
        fmt = _rpr_fmt(r.find(f"{_w}rPr"), pfmt)
        for child in r:
            if child.tag == f"{_w}t" and child.text:
                lines[-1].append((child.text, fmt))
            elif child.tag in (f"{_w}br", f"{_w}cr"):
                lines.append([])
            elif child.tag == f"{_w}tab":
                lines[-1].append((" ", fmt))
    return lines


_IDEOGRAPHS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_IDEOGRAPH = re.compile(f"[{_IDEOGRAPHS}]")
_PIECE = re.compile(f"[^\\s{_IDEOGRAPHS}]+")  # what a line cannot break inside
_SEGMENT = re.compile(r"[^-/]*[-/]?")  # a line may break after a hyphen or a slash (SKU-0042, 套/件)


@lru_cache(maxsize=4096)
def _char_w(ch: str, bold: bool) -> int:
    return char_width(ch, bold)


class _Widest(dict):
    """Character → the widest it can be, regular or bold (1/1000 em), filled on first use:
    ``map(_WIDEST.__getitem__, …)`` sums a text's widths without a Python call per character."""

    def __missing__(self, ch: str) -> int:
        self[ch] = width = max(char_width(ch, False), char_width(ch, True))
        return width


_WIDEST = _Widest()
#: no character is wider than this (1/1000 em): an ideograph's em, or the widest Latin glyph
_MAX_GLYPH = max(1000, *_WIDTHS[False].values(), *_WIDTHS[True].values())


@lru_cache(maxsize=65536)
def _piece_bound(token: str) -> int:
    """At least the width (1/1000 em, widest form of each character) of every piece that
    :func:`cell_needs` can find in ``token``, a run of a cell's text without spaces (paragraphs
    and line breaks run together, which only makes pieces longer).  Without ideographs: the
    whole token.  With them: the longest run between ideographs, an ideograph, or a short line
    of up to ``_SHORT`` characters kept whole (at most the ``_SHORT`` widest characters)."""
    width = _WIDEST.__getitem__
    if not _IDEOGRAPH.search(token):
        return sum(map(width, token))
    pieces = max((sum(map(width, m.group())) for m in _PIECE.finditer(token)), default=0)
    return max(pieces, 1000, sum(sorted(map(width, token))[-_SHORT:]))


def _line_widths(line: list[tuple[str, _Fmt]]) -> tuple[str, list[float]]:
    """A line's text and the width of each of its characters in twips."""
    text = "".join(t for t, _ in line)
    widths: list[float] = []
    for t, f in line:
        scale = f.size * 20 / 1000 * (1.0 if f.font in _METRIC_FONTS else _OTHER_FONT_FACTOR)
        widths += [_char_w(ch, f.bold) * scale for ch in t]
    return text, widths


_NEEDS: dict[tuple[int, bytes], tuple[float, float]] = {}
_NEEDS_MAX = 8192  # bounded: memory stays flat in a long bulk run


def _cell_needs_cached(tc, styles: Styles) -> tuple[float, float]:  # noqa: ANN001 - lxml w:tc
    """:func:`cell_needs`, remembered by the cell's XML (a bulk run renders the same header and
    label cells in every document); ``styles`` are told apart by their content (``key``)."""
    from lxml import etree

    key = (styles.key, etree.tostring(tc))
    found = _NEEDS.get(key)
    if found is None:
        if len(_NEEDS) >= _NEEDS_MAX:
            _NEEDS.clear()
        found = _NEEDS[key] = cell_needs(tc, styles)
    return found


def cell_needs(tc, styles: Styles) -> tuple[float, float]:  # noqa: ANN001 - lxml w:tc
    """(strict, relaxed) narrowest width of a cell's text in twips, margins excluded: strict
    keeps every word, number and SKU whole; relaxed lets a line break after a hyphen or slash
    (what a table too narrow for every whole word falls back to).  A line may break at a space
    and before or after a CJK ideograph (not at full-width punctuation: 13,524.00（2%） stays
    whole); a short cell (a unit such as 台（套）) stays on one line."""
    strict = relaxed = 0.0
    for p in tc.iter(f"{_w}p"):
        for line in _paragraph_pieces(p, styles):
            text, widths = _line_widths(line)
            stripped = text.strip()
            if not stripped:
                continue
            if len(stripped) <= _SHORT and " " not in stripped:
                full = sum(w for ch, w in zip(text, widths) if not ch.isspace())
                strict, relaxed = max(strict, full), max(relaxed, full)
                continue
            prefix = list(accumulate(widths, initial=0.0))
            for m in _IDEOGRAPH.finditer(text):  # an ideograph alone is the narrowest a line can be
                strict, relaxed = max(strict, widths[m.start()]), max(relaxed, widths[m.start()])
            for m in _PIECE.finditer(text):
                start, end = m.span()
                strict = max(strict, prefix[end] - prefix[start])
                for seg in _SEGMENT.finditer(text, start, end):
                    relaxed = max(relaxed, prefix[seg.end()] - prefix[seg.start()])
    return strict, relaxed


def _margins(tbl, tc=None) -> int:  # noqa: ANN001
    """Left plus right margin of a cell (its own, else the table's, else Word's default)."""
    total = 0
    for side, default in (("left", 108), ("right", 108)):
        value = None
        own = tc.find(f"{_w}tcPr/{_w}tcMar") if tc is not None else None
        for holder in (own, tbl.find(f"{_w}tblPr/{_w}tblCellMar")):
            if holder is not None:
                el = holder.find(f"{_w}{side}")
                if el is None:
                    el = holder.find(f"{_w}{'start' if side == 'left' else 'end'}")
                if el is not None and (el.get(f"{_w}w") or "").isdigit():
                    value = int(el.get(f"{_w}w"))
                    break
        total += default if value is None else value
    return total


def _span(tc) -> int:  # noqa: ANN001
    gs = tc.find(f"{_w}tcPr/{_w}gridSpan")
    try:
        return max(1, int(gs.get(f"{_w}val"))) if gs is not None else 1
    except (TypeError, ValueError):
        return 1


def _max_size(tbl, styles: Styles) -> float:  # noqa: ANN001
    """The largest font size (points) a table's text can have: its paragraph styles and run sizes."""
    size = styles.para(None).size
    for st in tbl.iter(f"{_w}pStyle"):
        size = max(size, styles.para(st.get(f"{_w}val")).size)
    for sz in tbl.iter(f"{_w}sz"):
        val = sz.get(f"{_w}val") or ""
        if val.isdigit():
            size = max(size, int(val) / 2)
    return size


_NS = {"w": W}
_GRID_COLS = None  # compiled XPath expressions, made on first use (lxml is imported lazily)
_CELL_WIDTHS = None

def fit_table(tbl, styles: Styles) -> bool:  # noqa: ANN001 - lxml w:tbl
    """Resize one table's columns (grid and cell widths) so that no piece of text breaks; the
    table's width stays.  Returns whether anything changed.  (A bulk run meets the same tables
    again and again: :func:`fit_tables_in_xml` remembers them by their bytes.)"""
    global _GRID_COLS, _CELL_WIDTHS
    from lxml import etree

    if _GRID_COLS is None:
        _GRID_COLS = etree.XPath("w:tblGrid/w:gridCol", namespaces=_NS)
        _CELL_WIDTHS = etree.XPath("w:tr/w:tc/w:tcPr/w:tcW", namespaces=_NS)
    plan = _plan(tbl, styles)
    if plan is None:
        return False
    grid, cells = plan
    for c, w in zip(_GRID_COLS(tbl), grid):
        c.set(f"{_w}w", w)
    for tcw, w in zip(_CELL_WIDTHS(tbl), cells):
        if w:
            tcw.set(f"{_w}w", w)
            tcw.set(f"{_w}type", "dxa")
    return True


def _plan(tbl, styles: Styles) -> tuple[tuple[str, ...], tuple[str, ...]] | None:  # noqa: ANN001
    """What :func:`fit_table` sets: the grid's widths, and the width of each cell's ``w:tcW`` in
    document order ('' for a cell past the grid, left as it is); None when nothing changes."""
    new = _fitted_grid(tbl, styles)
    if new is None:
        return None
    cells: list[str] = []
    for tr in tbl.findall(f"{_w}tr"):
        j = 0
        for tc in tr.findall(f"{_w}tc"):
            span = _span(tc)
            if tc.find(f"{_w}tcPr/{_w}tcW") is not None:
                cells.append(str(sum(new[j:j + span])) if j < len(new) else "")
            j += span
    return tuple(str(w) for w in new), tuple(cells)


def _fitted_grid(tbl, styles: Styles) -> tuple[int, ...] | None:  # noqa: ANN001 - lxml w:tbl
    """The table's new grid column widths, or None when every piece of text fits as designed."""
    grid_el = tbl.find(f"{_w}tblGrid")
    if grid_el is None:
        return None
    cols = grid_el.findall(f"{_w}gridCol")
    try:
        grid = [int(c.get(f"{_w}w")) for c in cols]
    except (TypeError, ValueError):
        return None
    if not grid or any(g <= 0 for g in grid):
        return None
    strict = [0.0] * len(grid)
    relaxed = [0.0] * len(grid)
    # measuring is the cost: per column, only the cells whose longest run of characters without a
    # space comes near the column's longest (no glyph is more than about twice as wide as another
    # in these fonts, so a cell under 45 % of the longest cannot be the widest)
    cells: list[list[tuple[int, object]]] = [[] for _ in grid]
    bounds = [0] * len(grid)  # per column, the widest piece at most (1/1000 em, at 1 pt)
    for tr in tbl.findall(f"{_w}tr"):
        j = 0
        for tc in tr.findall(f"{_w}tc"):
            span = _span(tc)
            if span == 1 and j < len(grid):
                tokens = "".join(t.text or "" for t in tc.iter(f"{_w}t")).split()
                if tokens:
                    cells[j].append((max(len(tok) for tok in tokens), tc))
                    bounds[j] = max(bounds[j], max(map(_piece_bound, tokens)))
            j += span
    table_margins = _margins(tbl)
    if tbl.find(f".//{_w}tcMar") is None:
        # quick answer: no piece can outgrow its column even at the table's largest size, in bold,
        # in another font than Calibri, with a line break nowhere but at spaces
        scale = _max_size(tbl, styles) * 20 / 1000 * _OTHER_FONT_FACTOR * _SAFETY
        room = table_margins + _SAFETY_TWIPS
        if all(b * scale + room <= g for b, g in zip(bounds, grid)):
            return None
    for j, column in enumerate(cells):
        top = max((n for n, _ in column), default=0)
        for n, tc in column:
            if n < 0.45 * top:
                continue
            s_need, r_need = _cell_needs_cached(tc, styles)
            if s_need:
                own = tc.find(f"{_w}tcPr/{_w}tcMar") is not None
                room = (_margins(tbl, tc) if own else table_margins) + _SAFETY_TWIPS
                strict[j] = max(strict[j], s_need * _SAFETY + room)
                relaxed[j] = max(relaxed[j], r_need * _SAFETY + room)
    if all(n <= g for n, g in zip(strict, grid)):
        return None
    total = sum(grid)
    need = strict if sum(strict) <= total else relaxed
    widths = [max(float(g), n) for g, n in zip(grid, need)]
    excess = sum(widths) - total
    slack = [w - n if w - n > 0 else 0.0 for w, n in zip(widths, need)]
    if sum(slack) >= excess:
        widths = [w - excess * s / sum(slack) for w, s in zip(widths, slack)]
    else:  # cannot fit every piece: shrink in proportion to what each needs
        widths = [n * total / sum(need) if sum(need) else g for n, g in zip(need, grid)]
    new = [int(w) for w in widths]
    new[new.index(max(new))] += total - sum(new)
    if new == grid:
        return None
    return tuple(new)


_TABLE_TAG = re.compile(rb"<w:tbl(?=[\s>/])|</w:tbl\s*>")
_ROOT_TAG = re.compile(rb"<(?![?!])[^>]*>")
_NS_DECL = re.compile(rb"""\sxmlns(?::[\w.-]+)?=(?:"[^"]*"|'[^']*')""")
_W_DECL = f'xmlns:w="{W}"'.encode()
_SPLICED: dict[tuple[int, bytes], bytes | None] = {}
_SPLICED_MAX = 1024  # bounded: memory stays flat in a long bulk run
_LOCAL = threading.local()


def fit_tables_in_xml(data: bytes, styles: Styles) -> bytes | None:
    """:func:`fit_tables` on a part's bytes, without a tree of the whole part: each top-level
    ``w:tbl`` element is cut out of ``data``, fitted on its own and spliced back; a table seen
    before (by its bytes and the styles) is not parsed again.  Returns the new bytes (``data``
    itself when nothing changed), or None when the bytes cannot be cut with certainty (another
    prefix for WordprocessingML, unbalanced tags, a prefix declared below the root): the
    caller then fits the part's tree.  ``data`` must be well-formed."""
    root_tag = _ROOT_TAG.search(data)
    if root_tag is None or _W_DECL not in root_tag.group(0):
        return None
    decls = b"".join(_NS_DECL.findall(root_tag.group(0)))
    spans: list[tuple[int, int]] = []
    depth = 0
    start = 0
    for m in _TABLE_TAG.finditer(data, root_tag.end()):
        if m.group(0)[1] == 47:  # "/": an end tag
            depth -= 1
            if depth < 0:
                return None
            if depth == 0:
                spans.append((start, m.end()))
        else:
            close = data.find(b">", m.end())
            if close < 0:
                return None
            if data[close - 1] == 47:  # <w:tbl/>: a table without rows, nothing to fit
                continue
            if depth == 0:
                start = m.start()
            depth += 1
    if depth:
        return None
    if not spans:
        return data
    out: list[bytes] = []
    last = 0
    for begin, end in spans:
        piece = data[begin:end]
        key = (styles.key, piece)
        if key in _SPLICED:
            fitted = _SPLICED[key]
        else:
            fitted = _fit_piece(piece, decls, styles)
            if fitted is False:
                return None
            if len(_SPLICED) >= _SPLICED_MAX:
                _SPLICED.clear()
            _SPLICED[key] = fitted
        if fitted is not None:
            out += [data[last:begin], fitted]
            last = end
    if not out:
        return data
    out.append(data[last:])
    return b"".join(out)


def _fit_piece(piece: bytes, decls: bytes, styles: Styles):  # noqa: ANN202 - bytes | None | False
    """One table's bytes fitted (None: unchanged; False: the piece cannot be read on its own)."""
    from lxml import etree

    if _fits_as_designed(piece, decls, styles):
        return None
    holder = _read_piece(piece, decls)
    if holder is None:
        return False
    if not fit_tables(holder, styles):
        return None
    text = etree.tostring(holder, encoding="UTF-8", xml_declaration=False)
    begin = text.index(b">") + 1
    end = text.rindex(b"</w:fitted>")
    return text[begin:end]


def _read_piece(piece: bytes, decls: bytes):  # noqa: ANN202 - lxml element or None
    from lxml import etree

    parser = getattr(_LOCAL, "parser", None)
    if parser is None:  # one per thread: an lxml parser is not shared between threads
        parser = _LOCAL.parser = etree.XMLParser(recover=False, resolve_entities=False, no_network=True,
                                                 huge_tree=True)
    try:
        return etree.fromstring(b"<w:fitted" + decls + b">" + piece + b"</w:fitted>", parser)
    except etree.XMLSyntaxError:
        return None


# The quick answer of _fitted_grid (every column wider than the widest its text could be) from a
# table's bytes: the table's shape (its bytes with every w:t emptied) is read once, and tells which
# column each text goes to; a new deal's table of a known shape is then answered from its texts.
# the text of a w:t element: what stands between a ">" and "</w:t>" with no "<" between (w:t holds
# nothing but text, so that ">" ends its start tag); split on it, a piece alternates between what
# is not text and the texts
_TEXT = re.compile(rb">([^<]+)</w:t>")
_MARK = b"\x00"  # stands for a text in a shape (a character XML never holds)
_MARKED = b">" + _MARK + b"</w:t>"
_SHAPES: dict[tuple[int, bytes, bytes], tuple[tuple[int, ...], list[int], float] | None] = {}
_SHAPES_MAX = 256


def _fits_as_designed(piece: bytes, decls: bytes, styles: Styles) -> bool:
    """Whether no text of the (single, unnested) table ``piece`` can outgrow its column, so that
    :func:`_fitted_grid` would leave it as it is; False when unsure (then it is measured)."""
    if _MARK in piece:
        return False
    parts = _TEXT.split(piece)
    texts = parts[1::2]
    shape_key = (styles.key, decls, _MARKED.join(parts[0::2]))
    if shape_key in _SHAPES:
        shape = _SHAPES[shape_key]
    else:
        if len(_SHAPES) >= _SHAPES_MAX:
            _SHAPES.clear()
        shape = _SHAPES[shape_key] = _shape(shape_key[2], decls, styles)
    if shape is None:
        return False
    cell_of, limits, scale = shape
    cells: dict[int, bytes] = {}
    for text, cell in zip(texts, cell_of):
        if cell >= 0:
            cells[cell] = cells[cell] + text if cell in cells else text
    for cell, raw in cells.items():
        room = limits[cell] / scale  # in 1/1000 em at 1 pt
        # a text of n characters is at most n of the widest glyphs wide (its UTF-8 bytes are at
        # least n): most cells (numbers, dates, short labels) are answered without measuring
        if len(raw) * _MAX_GLYPH <= room:
            continue
        text = raw.decode("utf-8")
        if len(text) * _MAX_GLYPH <= room:
            continue
        tokens = text.split()
        if tokens and max(map(_piece_bound, tokens)) > room:
            return False
    return True


def _shape(shape: bytes, decls: bytes, styles: Styles):  # noqa: ANN202
    """For a table's shape (its bytes, each text replaced by ``_MARK``): the cell (an index, -1 for
    none) of each text, the room of each cell's column in twips, and the scale from 1/1000 em at
    1 pt to twips with the quick answer's margins; None when the quick answer does not apply (no
    usable grid, cells with their own margins, a table inside the table, a comment, a CDATA
    section or a processing instruction, a piece that cannot be read alone)."""
    if b"<!--" in shape or b"<![CDATA[" in shape or b"<?" in shape:
        return None
    count = shape.count(_MARK)
    numbered = iter(range(count))
    holder = _read_piece(re.sub(_MARK, lambda m: str(next(numbered)).encode(), shape), decls)
    if holder is None or len(holder) != 1 or holder[0].tag != f"{_w}tbl" \
            or sum(1 for _ in holder.iter(f"{_w}tbl")) != 1:
        return None
    tbl = holder[0]
    grid_el = tbl.find(f"{_w}tblGrid")
    if grid_el is None or tbl.find(f".//{_w}tcMar") is not None:
        return None
    try:
        grid = [int(c.get(f"{_w}w")) for c in grid_el.findall(f"{_w}gridCol")]
    except (TypeError, ValueError):
        return None
    if not grid or any(g <= 0 for g in grid):
        return None
    room = _margins(tbl) + _SAFETY_TWIPS
    cell_of = [-1] * count
    limits: list[int] = []
    for tr in tbl.findall(f"{_w}tr"):
        j = 0
        for tc in tr.findall(f"{_w}tc"):
            span = _span(tc)
            if span == 1 and j < len(grid):
                limits.append(grid[j] - room)
                for t in tc.iter(f"{_w}t"):
                    if t.text and t.text.isdigit() and int(t.text) < count:
                        cell_of[int(t.text)] = len(limits) - 1
            j += span
    factor = 1.0 if _fonts(tbl, styles) <= _METRIC_FONTS else _OTHER_FONT_FACTOR
    scale = _max_size(tbl, styles) * 20 / 1000 * factor * _SAFETY
    return tuple(cell_of), limits, scale


def _fonts(tbl, styles: Styles) -> set[str]:  # noqa: ANN001
    """Every Latin font a table's text can be set in: its paragraph styles' and its runs' own."""
    fonts = {styles.para(None).font}
    for st in tbl.iter(f"{_w}pStyle"):
        fonts.add(styles.para(st.get(f"{_w}val")).font)
    for rf in tbl.iter(f"{_w}rFonts"):
        fonts.add(rf.get(f"{_w}ascii") or styles.para(None).font)
    return fonts


def fit_tables(root, styles: Styles | None = None) -> bool:  # noqa: ANN001 - lxml element
    """Fit every table of a document part (nested tables included); whether anything changed."""
    styles = styles or Styles()
    changed = False
    for tbl in root.iter(f"{_w}tbl"):
        changed = fit_table(tbl, styles) or changed
    return changed


__all__ = ["Styles", "cell_needs", "char_width", "fit_table", "fit_tables", "fit_tables_in_xml"]
