"""Safe text in WordprocessingML: XML-illegal characters, line breaks, tabs and term marks.

XML-illegal characters policy
-----------------------------
XML 1.0 cannot hold C0 control characters other than tab/newline/carriage return, lone
surrogates, U+FFFE or U+FFFF.  Such characters typically come from copy-paste into a
spreadsheet (e.g. ``\\x0b`` from a Word line break).  Every value printed by a template goes
through :func:`clean_value`: with the default policy ``"strip"`` the characters are removed
and an :class:`XmlCharWarning` (a ``UserWarning``) is issued naming the template, part and
value; with ``"error"`` a :class:`~bidgen.errors.RenderError` is raised instead.  A corrupt
file is never produced.

Line breaks and tabs
--------------------
A newline (``\\n``, ``\\r\\n`` or ``\\r``) in a value becomes ``w:br`` and a tab ``w:tab``
when the value sits in document text; elsewhere (attributes, document properties) they stay
as they are.  :func:`clean_value` encodes them as private-use sentinels, which
:func:`finish_text` resolves after rendering, so newlines of the template itself are never
touched.

Term marks
----------
``{{ value | term('total') }}`` wraps the escaped value in private-use sentinel characters
that carry the key and a per-process random nonce (so data can never forge a mark).  After
rendering, :func:`finish_text` closes the run at the mark, inserts
``w:bookmarkStart``/``w:bookmarkEnd`` named ``bg_<key>_<n>`` around a new run holding the
value with the original run's ``w:rPr`` (formatting kept), and reopens the run.  Marks
outside run text are reduced to their value; stray sentinels from data are removed.
"""

from __future__ import annotations

import re
import secrets
import warnings
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from bidgen.errors import RenderError, TemplateError

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def w(tag: str) -> str:
    """Clark name of a WordprocessingML element or attribute."""
    return f"{{{W_NS}}}{tag}"


# --------------------------------------------------------------------------- sentinels

_S_START, _S_SEP, _S_END = "\U0010fff0", "\U0010fff1", "\U0010fff2"
_S_NL, _S_TAB = "\U0010fff3", "\U0010fff4"
_S_PARA, _S_PAGE = "\U0010fff5", "\U0010fff6"
_MARK_CHARS = _S_START + _S_SEP + _S_END
_ALL_SENTINELS = _MARK_CHARS + _S_NL + _S_TAB + _S_PARA + _S_PAGE
_STRIP_SENTINELS = {ord(c): None for c in _ALL_SENTINELS}
_NONCE = secrets.token_hex(6)
_MARK_RE = re.compile(
    re.escape(_S_START + _NONCE) + r"([A-Za-z0-9_.]+)" + _S_SEP + f"([^{_MARK_CHARS}]*)" + _S_END
)

# --------------------------------------------------------------------------- clean values

_ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: Characters that make a value need :func:`clean_value` (illegal, \t, \n, \r, sentinels).
SPECIAL_CHARS_RE = re.compile(f"[\x00-\x1f\ud800-\udfff\ufffe\uffff{_ALL_SENTINELS}]")
_LAYOUT = str.maketrans({"\n": _S_NL, "\t": _S_TAB})
ILLEGAL_POLICIES = ("strip", "error")


class XmlCharWarning(UserWarning):
    """XML-illegal characters were removed from a value."""


def rich_markup(xml: str) -> Markup:
    """The XML of a docxtpl ``RichText``/``Listing`` as markup, its ``\a`` (new paragraph) and
    ``\f`` (new page) kept as sentinels that :func:`finish_text` resolves the way docxtpl does.
    (In a plain value these characters are XML-illegal and removed with a warning.)"""
    return Markup(xml.replace("\a", _S_PARA).replace("\f", _S_PAGE))


def clean_value(value: Any, policy: str, where: str) -> Any:
    """Prepare one printed value: drop (or refuse) XML-illegal characters, encode line breaks.

    Sentinel characters are removed from plain (data) strings, so data cannot forge a
    mark; ``Markup`` made by the template (e.g. by ``term``) keeps them.  Strings only; other values are returned unchanged.  ``where`` names the template and
    part for the warning.  With policy ``"error"`` a RenderError without location is raised
    (the renderer adds template, part and line).
    """
    if not isinstance(value, str) or not SPECIAL_CHARS_RE.search(value):
        return value
    text = str(value) if isinstance(value, Markup) else strip_sentinels(value)
    found = _ILLEGAL_RE.findall(text)
    if found:
        snippet = _ILLEGAL_RE.sub("\N{REPLACEMENT CHARACTER}", text)[:60]
        codes = ", ".join(sorted({f"U+{ord(c):04X}" for c in found}))
        msg = f"XML-illegal character(s) {codes} in value {snippet!r}"
        if policy == "error":
            raise RenderError(msg)
        warnings.warn(f"{where}: removed {msg}", XmlCharWarning, stacklevel=3)
        text = _ILLEGAL_RE.sub("", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_LAYOUT)
    return Markup(text) if isinstance(value, Markup) else text


# --------------------------------------------------------------------------- term names

KEY_RE = re.compile(r"[A-Za-z0-9_.]+")
BOOKMARK_PREFIX = "bg_"
MAX_BOOKMARK_NAME = 40


def encode_key(key: str) -> str:
    """Reversible encoding of a term key into bookmark-name characters ('_'→'_u', '.'→'_d')."""
    return key.replace("_", "_u").replace(".", "_d")


def decode_key(encoded: str) -> str:
    """Inverse of :func:`encode_key`."""
    return re.sub(r"_([ud])", lambda m: "_" if m.group(1) == "u" else ".", encoded)


def bookmark_name(key: str, n: int) -> str:
    """The bookmark name of the n-th (1-based) occurrence of term ``key``."""
    return f"{BOOKMARK_PREFIX}{encode_key(key)}_{n}"


def parse_bookmark_name(name: str) -> str | None:
    """The term key of a bidgen bookmark name, or None for any other bookmark."""
    if not name.startswith(BOOKMARK_PREFIX):
        return None
    body, sep, num = name[len(BOOKMARK_PREFIX) :].rpartition("_")
    if not sep or not num.isdigit() or not body or re.search(r"_(?![ud])", body):
        return None
    key = decode_key(body)
    return key if KEY_RE.fullmatch(key) else None


def strip_sentinels(text: str) -> str:
    """``text`` without any of bidgen's private-use sentinel characters."""
    return text.translate(_STRIP_SENTINELS)


def term_filter(value: Any, key: str) -> Markup:
    """Jinja filter ``term(key)``: mark the value as the key term (see module doc)."""
    if not isinstance(key, str) or not KEY_RE.fullmatch(key):
        raise TemplateError(f"term key must match [A-Za-z0-9_.]+, got {key!r}")
    if len(bookmark_name(key, 999)) > MAX_BOOKMARK_NAME:
        raise TemplateError(f"term key too long for a Word bookmark name: {key!r}")
    if isinstance(value, Markup):
        body = Markup(strip_sentinels(str(value)))
    else:
        body = escape(strip_sentinels(str(value)))
    return Markup(f"{_S_START}{_NONCE}{key}{_S_SEP}{body}{_S_END}")


# --------------------------------------------------------------------------- after rendering


@dataclass
class MarkState:
    """Bookmark numbering shared by all parts of one rendered document."""

    next_id: int
    counts: dict[str, int] = field(default_factory=dict)

    def new_name(self, key: str) -> tuple[int, str]:
        """Allocate an id and a unique name for one occurrence of ``key``."""
        n = self.counts.get(key, 0) + 1
        self.counts[key] = n
        name = bookmark_name(key, n)
        if len(name) > MAX_BOOKMARK_NAME:
            raise RenderError(f"too many occurrences of term {key!r} for a bookmark name")
        bid = self.next_id
        self.next_id += 1
        return bid, name


_T_OPEN = '<w:t xml:space="preserve">'
_T_WITH_LAYOUT_RE = re.compile(
    f"<w:t(?: [^>]*)?>([^<]*[{_S_NL}{_S_TAB}][^<]*)</w:t>"
)
_IN_TEXT = {_S_NL: f"</w:t><w:br/>{_T_OPEN}", _S_TAB: f"</w:t><w:tab/>{_T_OPEN}"}
_T_TAG_RE = re.compile(r"<w:t(?: [^>]*)?>")
_R_TAG_RE = re.compile(r"<w:r(?: [^>]*)?>")


def finish_text(xml: str, state: MarkState) -> str:
    """Resolve line-break/tab sentinels and term marks in rendered part XML (a string)."""
    if _S_NL in xml or _S_TAB in xml:
        xml = _T_WITH_LAYOUT_RE.sub(_layout_in_text, xml)
        xml = xml.replace(_S_NL, "\n").replace(_S_TAB, "\t")
    if _S_PARA in xml or _S_PAGE in xml:
        xml = _P_RE.sub(_split_paragraph, xml)
        xml = xml.replace(_S_PARA, "").replace(_S_PAGE, "")
    if _S_START in xml:
        xml = _resolve_marks(xml, state)
    if _S_START in xml or _S_SEP in xml or _S_END in xml:
        xml = strip_sentinels(xml)
    return xml


_P_RE = re.compile(r"<w:p(?: [^>]*)?>(?:(?!<w:p[ >]).)*?</w:p>", re.DOTALL)
_PPR_RE = re.compile(r"<w:pPr>.*?</w:pPr>|<w:pPr/>", re.DOTALL)
_RUN_RE = re.compile(r"<w:r(?: [^>]*)?>.*?</w:r>", re.DOTALL)
_RPR_RE = re.compile(r"<w:rPr>.*?</w:rPr>|<w:rPr/>", re.DOTALL)
_TEXT_RE = re.compile(r"<w:t(?: [^>]*)?>[^<]*</w:t>")


def _split_paragraph(m: re.Match[str]) -> str:
    """Resolve paragraph (``\a``) and page (``\f``) breaks inside one paragraph's text, as
    docxtpl does: the paragraph is closed and a new one opened with the same paragraph and run
    properties (a page break gets a paragraph of its own)."""
    para = m.group(0)
    if _S_PARA not in para and _S_PAGE not in para:
        return para
    ppr_m = _PPR_RE.search(para)
    ppr = ppr_m.group(0) if ppr_m else ""
    ppr = re.sub(r"<w:sectPr[ >].*?</w:sectPr>", "", ppr, flags=re.DOTALL)

    def run(rm: re.Match[str]) -> str:
        r = rm.group(0)
        rpr_m = _RPR_RE.search(r)
        rpr = rpr_m.group(0) if rpr_m else ""
        new = f"</w:t></w:r></w:p><w:p>{ppr}<w:r>{rpr}{_T_OPEN}"
        page = f'</w:t></w:r></w:p><w:p><w:r><w:br w:type="page"/></w:r></w:p><w:p>{ppr}<w:r>{rpr}{_T_OPEN}'
        return _TEXT_RE.sub(lambda tm: tm.group(0).replace(_S_PARA, new).replace(_S_PAGE, page), r)

    return _RUN_RE.sub(run, para)


def _layout_in_text(m: re.Match[str]) -> str:
    body = m.group(1)
    for sentinel, tags in _IN_TEXT.items():
        body = body.replace(sentinel, tags)
    return f"{_T_OPEN}{body}</w:t>"


def _resolve_marks(xml: str, state: MarkState) -> str:
    out: list[str] = []
    pos = 0
    for m in _MARK_RE.finditer(xml):
        out.append(xml[pos : m.start()])
        run = _enclosing_run(xml, m.start())
        if run is None:
            out.append(m.group(2))
        else:
            bid, name = state.new_name(m.group(1))
            run_tag, rpr = run
            out.append(
                f'</w:t></w:r><w:bookmarkStart w:id="{bid}" w:name="{name}"/>'
                f"{run_tag}{rpr}{_T_OPEN}{m.group(2)}</w:t></w:r>"
                f'<w:bookmarkEnd w:id="{bid}"/>{run_tag}{rpr}{_T_OPEN}'
            )
        pos = m.end()
    out.append(xml[pos:])
    return "".join(out)


def _enclosing_run(xml: str, at: int) -> tuple[str, str] | None:
    """(run start tag, run properties) of the w:r whose w:t text holds position ``at``."""
    lt = xml.rfind("<", 0, at)
    t_tag = _T_TAG_RE.match(xml, lt) if lt >= 0 else None
    if t_tag is None or t_tag.end() != xml.find(">", lt) + 1:
        return None
    # the nearest run start before the text ("<w:r>" or "<w:r ...>", not "<w:rPr>"): searched
    # backwards one candidate at a time, so that a part of runs without attributes is not scanned
    # to its start for "<w:r " at every mark
    r_start = xml.rfind("<w:r", 0, lt)
    while r_start >= 0 and xml[r_start + 4:r_start + 5] not in (">", " "):
        r_start = xml.rfind("<w:r", 0, r_start)
    if r_start < 0 or xml.find("</w:r>", r_start, lt) >= 0:
        return None
    r_tag = _R_TAG_RE.match(xml, r_start)
    if r_tag is None:
        return None
    return r_tag.group(0), _run_properties(xml, r_tag.end(), lt)


def _run_properties(xml: str, start: int, limit: int) -> str:
    if xml.startswith("<w:rPr/>", start):
        return "<w:rPr/>"
    if not xml.startswith("<w:rPr>", start) and not xml.startswith("<w:rPr ", start):
        return ""
    depth, pos = 0, start
    tag_re = re.compile(r"<(/?)w:rPr([ >/])")
    while pos < limit:
        m = tag_re.search(xml, pos, limit)
        if m is None:
            return ""
        if m.group(1):
            depth -= 1
        elif m.group(2) != "/":
            depth += 1
        pos = m.end()
        if depth == 0:
            return xml[start : xml.find(">", m.start()) + 1]
    return ""
