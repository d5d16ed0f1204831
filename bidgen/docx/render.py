"""The docx engine: docxtpl template syntax, sandboxed strict Jinja, compile once / render many.

Usage::

    tpl = CompiledTemplate.load(Path("templates/proposal.en_US.docx"))   # cached
    data = tpl.render(context)                  # bytes of a .docx, deterministic
    render_to_file(tpl, context, Path("out/proposal.docx"))

Templates use docxtpl syntax (``{{ x }}``, ``{%p if %}``, ``{%tr for %}``, ``{%tc %}``,
``{%r %}``, ``{_{`` for a literal ``{{``), preprocessed with docxtpl's own ``patch_xml``.
Values are autoescaped and never evaluated; a newline in a value becomes ``w:br``, a tab
``w:tab``.  ``{{ v | term('total') }}`` marks a key term with a Word bookmark (see
:mod:`bidgen.docx.xmlsafe`).  Printing ``None`` is an error (write ``{{ x or '' }}`` if meant).
"""

from __future__ import annotations

import contextvars
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path
from types import CodeType, TracebackType
from typing import Any

import jinja2
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, meta
from markupsafe import escape
from jinja2.sandbox import ImmutableSandboxedEnvironment

from bidgen.sandbox import LimitedSandbox, RenderLimit, render_limited
from lxml import etree

from bidgen.docx.zipio import (
    PackedMember,
    RawMember,
    deflate_member,
    inflate,
    pack_member,
    read_members,
    write_atomic,
    write_zip,
)
from bidgen.docx.layout import Styles, fit_tables, fit_tables_in_xml
from bidgen.docx.images import IMAGE_REL_TYPE, ImageSink, as_image
from bidgen.docx.props import DEFAULT_DOC_DATE, dedupe_docpr_ids, stamp_core, w3cdtf
from bidgen.errors import BidgenError, RenderError, TemplateError
from bidgen.docx.xmlsafe import (
    ILLEGAL_POLICIES,
    SPECIAL_CHARS_RE,
    MarkState,
    clean_value,
    finish_text,
    rich_markup,
    term_filter,
)

__all__ = [
    "CompiledTemplate",
    "make_environment",
    "render_to_file",
    "write_atomic",
    "clear_cache",
]

CORE_PART = "docProps/core.xml"
_JINJA_PART_RE = re.compile(r"word/(document|header|footer|footnotes|endnotes)\d*\.xml")
_HAS_JINJA_RE = re.compile(r"\{[{%#]|\{_[{%]|[}%]_\}")
_TABLE_FIX_RE = re.compile(r"\{[%{]-?\s*(tc\s|hm\s*%|colspan\s)")
_TAG_RE = re.compile(r"<[^>]+>")
_DECL = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
_LITERALS = {"{_{": "{{ '{{' }}", "}_}": "{{ '}}' }}", "{_%": "{{ '{%' }}", "%_}": "{{ '%}' }}"}
_PATCHER = DocxTemplate(None)  # only its patch_xml/fix_tables are used (they keep no state)
_BOOKMARK_ID_RE = re.compile(rb'<w:bookmarkStart[^>]*?w:id="(\d+)"')
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_IN_TAG_RE = re.compile(r"(?<=\{[\{%])(.*?)(?=[\}%]\})", re.DOTALL)
_JINJA_TAG_RE = re.compile(r"\{[{%#].*?[}%#]\}", re.DOTALL)
_REL_PREFIX_RE = re.compile(rb'xmlns:(\w+)="http://schemas\.openxmlformats\.org/officeDocument/2006/relationships"')
_REL_ATTR_CACHE: dict[tuple[bytes, ...], tuple[re.Pattern[bytes], ...]] = {}
_RICH_CLASSES = frozenset({"RichText", "RichTextParagraph", "Listing"})
_ENTITIES = {"&amp;": "&", "&quot;": '"', "&apos;": "'", "&#39;": "'", "&#34;": '"'}


def _rels_name(part: str) -> str:
    """``word/document.xml`` → ``word/_rels/document.xml.rels``."""
    folder, _, base = part.rpartition("/")
    return f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"


def _unescape_in_tags(source: str) -> str:
    """XML entities inside Jinja tags back to characters: Word stores ``{{ "A & B" }}`` as
    ``{{ "A &amp; B" }}``; the literal means ``A & B`` (autoescape escapes it once on output)."""
    def clean(m: re.Match[str]) -> str:
        text = m.group(0)
        for entity, char in _ENTITIES.items():
            text = text.replace(entity, char)
        return text

    return _IN_TAG_RE.sub(clean, source) if "&" in source else source


class _RenderState:
    def __init__(self, where: str, policy: str, images: ImageSink | None = None) -> None:
        self.where = where
        self.policy = policy
        self.images = images


_STATE: contextvars.ContextVar[_RenderState] = contextvars.ContextVar("bidgen_render_state")
_LOCAL = threading.local()


def _finalize(value: Any) -> Any:
    if value.__class__ is str and not SPECIAL_CHARS_RE.search(value):
        return value  # the common case, kept fast
    if value is None:
        raise RenderError("value is None (write `{{ x or '' }}` if blank is intended)")
    cls = type(value)
    if cls.__name__ in _RICH_CLASSES and cls.__module__.startswith("docxtpl"):
        value = rich_markup(value.__html__())
    image = as_image(value)
    if image is not None:
        state = _STATE.get(None)
        if state is None or state.images is None:
            raise RenderError("an image can only be printed in document text")
        return state.images.add(image)
    if isinstance(value, str):
        state = _STATE.get(None)
        if state is None:
            return clean_value(value, "strip", "template")
        return clean_value(value, state.policy, state.where)
    return value


_PARAGRAPH_RE = re.compile(r"<w:p([ >])")
#: A template's own comment or raw block: a line break written as a comment (``_joinable``) must
#: not go inside one.
_COMMENT_OR_RAW_RE = re.compile(r"\{#|\{%[-+]?\s*raw\b")


#: What a printed text must not hold to go out as it is: characters :func:`_finalize` cleans, and
#: characters autoescape escapes.
_NOT_AS_IS_RE = re.compile(f"{SPECIAL_CHARS_RE.pattern}|[&<>'\"]")


def _finalize_escaped(value: Any) -> Any:
    """``escape(_finalize(value))``, what autoescape prints, in one call: a text with nothing to
    clean or escape (most values: names, figures, dates) goes out as it is."""
    if value.__class__ is str and not _NOT_AS_IS_RE.search(value):
        return value
    return escape(_finalize(value))


def _joinable(lined: str) -> bool:
    """Whether a part's source with a line break before each paragraph (``lined``) is compiled
    with those breaks as Jinja comments (``{#\n#}``) rather than as text.

    The lexer counts a comment's lines as it counts any, so line numbers stay those of ``lined``,
    and the output has no break to take out again (one pass less over every rendered part).  A
    part with comments or raw blocks of its own keeps the plain breaks (one inside its comment
    would end it early), taken out after rendering; so does one with a paragraph inside a tag
    (a break there is white space, a comment would not be).
    """
    return not (_COMMENT_OR_RAW_RE.search(lined) or any("<w:p" in tag for tag in _JINJA_TAG_RE.findall(lined)))


def make_environment(filters: Mapping[str, Any] | None = None) -> ImmutableSandboxedEnvironment:
    """The Jinja environment templates are compiled with.

    Immutable sandbox, ``StrictUndefined``, autoescape on, the ``term`` filter, and a
    finalizer that cleans XML-illegal characters and refuses ``None``.  ``filters`` adds
    or overrides filters.
    """
    env = LimitedSandbox(
        undefined=StrictUndefined, autoescape=True, finalize=_finalize, cache_size=0
    )
    env.finalize_escape = _finalize_escaped
    env.filters["term"] = term_filter
    if filters:
        env.filters.update(filters)
    return env


def _strict_parser() -> etree.XMLParser:
    parser = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = etree.XMLParser(
            recover=False, resolve_entities=False, no_network=True, huge_tree=True
        )
        _LOCAL.parser = parser
    return parser


class _Part:
    """One Jinja-bearing XML part, compiled.

    ``source`` has one paragraph per line (a line break before each ``<w:p``), so that an error
    names its line; ``joined`` tells whether the compiled template already leaves those breaks out
    of its output (see :func:`_joinable`), else :meth:`CompiledTemplate._render_text` takes
    them out of the rendered text.
    """

    def __init__(self, name: str, source: str, template: jinja2.Template, fix_tables: bool) -> None:
        self.name = name
        self.source = source
        self.template = template
        self.fix_tables = fix_tables
        self.joined = _joinable(source)
        # whether a conditional can leave an empty cell, a table without rows or an empty header/footer
        self.may_empty = _may_empty(source)
        self.code: CodeType | None = None  # what Jinja compiled the source into

    def bind(self, env: jinja2.Environment, code: CodeType) -> _Part:
        """Make the part's template from its compiled ``code`` (compiled now, or from the cache)."""
        # the environment's globals are fixed once it is made: a flat copy instead of Jinja's ChainMap
        # over them spares every rendering two walks through the ChainMap (new_context, Context)
        self.template = env.template_class.from_code(env, code, dict(env.make_globals(None)))
        self.code = code
        return self

    @property
    def record(self) -> tuple[str, str, bool, CodeType]:
        """The part as :mod:`bidgen.docx.compilecache` keeps it."""
        assert self.code is not None
        return (self.name, self.source, self.fix_tables, self.code)

    def line_text(self, line: int | None, hint: str = "") -> str:
        """What an error message shows of a line of the patched source (one paragraph): its
        Jinja tags, whole (the ones naming ``hint`` when some do), else its text."""
        if line is None:
            return ""
        lines = self.source.splitlines()
        if not 0 < line <= len(lines):
            return ""
        text = _TAG_RE.sub("", lines[line - 1]).strip()
        if len(text) <= 120 and not hint:
            return text  # the whole paragraph: the tag in its context
        tags = _JINJA_TAG_RE.findall(text)
        if hint:
            named = [t for t in tags if re.search(r"\b" + re.escape(hint) + r"\b", t)]
            tags = named or tags
        if tags:
            return " … ".join(dict.fromkeys(tags))
        return text if len(text) <= 200 else text[:200] + "…"


class CompiledTemplate:
    """A .docx template read and compiled once; :meth:`render` many times.

    Not picklable as such: pickling reloads from ``path`` (e.g. in a worker process).
    """

    def __init__(
        self,
        name: str,
        members: list[RawMember],
        env: jinja2.Environment,
        path: Path | None = None,
        cache_key: str | None = None,
    ) -> None:
        self.name = name
        self.path = path
        self._members = members
        self._parts: dict[str, _Part] = {}
        self._core: str | None = None
        self._core_part: _Part | None = None
        self._core_cache: dict[str, bytes] = {}
        self._first_bookmark_id = 1
        self._compile(env, cache_key)

    # ------------------------------------------------------------------ loading

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, env: jinja2.Environment | None = None) -> CompiledTemplate:
        """Read and compile a template, cached by (path, file, mtime, size) when ``env`` is None.

        The file is told by its device and inode (what the path leads to now, through any link),
        so one ``stat`` per call is all a cached template costs; the path as written is part of
        the key because messages name it."""
        p = Path(path)
        try:
            st = p.stat()
        except OSError as exc:
            raise TemplateError(f"cannot read template: {exc.strerror or exc}", file=str(p)) from exc
        key = (str(p), st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)
        if env is None:
            with _CACHE_LOCK:
                cached = _CACHE.get(key)
                if cached is not None:
                    _CACHE.move_to_end(key)
                    return cached
        try:
            data = p.read_bytes()
        except OSError as exc:
            raise TemplateError(f"cannot read template: {exc.strerror or exc}", file=str(p)) from exc
        if env is None:  # the default environment's compiled code is kept on disk too
            from bidgen.docx.compilecache import cache_key

            compiled = cls(str(p), read_members(data, str(p)), make_environment(), p, cache_key(str(p), data))
        else:
            compiled = cls(str(p), read_members(data, str(p)), env, p)
        if env is None:
            with _CACHE_LOCK:
                _CACHE[key] = compiled
                while len(_CACHE) > _CACHE_MAX:
                    _CACHE.popitem(last=False)
        return compiled

    @classmethod
    def from_bytes(
        cls, data: bytes, name: str = "<template>", *, env: jinja2.Environment | None = None
    ) -> CompiledTemplate:
        """Compile a template held in memory (not cached)."""
        return cls(name, read_members(data, name), env or make_environment())

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        if self.path is None:
            raise TypeError("a CompiledTemplate made from bytes cannot be pickled")
        return (CompiledTemplate.load, (self.path,))

    @property
    def variables(self) -> frozenset[str]:
        """Top-level context variables the template refers to (worked out on first use: walking
        every part's syntax tree is a fifth of compiling, and rendering never needs it)."""
        if self._variables is None:
            found: set[str] = set()
            parts = list(self._parts.values()) + ([self._core_part] if self._core_part is not None else [])
            for part in parts:
                found |= meta.find_undeclared_variables(self._env.parse(part.source))
            self._variables = frozenset(found)
        return self._variables

    @property
    def rendered_parts(self) -> tuple[str, ...]:
        """Names of the zip members that are rendered (the others are copied)."""
        return tuple(self._parts) + ((CORE_PART,) if self._core is not None else ())

    def _compile(self, env: jinja2.Environment, cache_key: str | None = None) -> None:
        from bidgen.docx import compilecache

        record = compilecache.load_record(cache_key) if cache_key else None
        if record is not None:
            first_id, self._core, core_part, parts = record
            self._first_bookmark_id = first_id
            self._core_part = self._part_from(env, core_part) if core_part else None
            self._parts = {p[0]: self._part_from(env, p) for p in parts}
        else:
            self._compile_parts(env)
            if cache_key:
                compilecache.store_record(
                    cache_key, self._first_bookmark_id, self._core,
                    self._core_part.record if self._core_part else None, [p.record for p in self._parts.values()])
        self._finish_compile(env)

    def _part_from(self, env: jinja2.Environment, record: Any) -> _Part:
        name, src, fix, code = record
        return _Part(name, src, None, fix).bind(env, code)  # type: ignore[arg-type]

    def _compile_parts(self, env: jinja2.Environment) -> None:
        max_id = 0
        for m in self._members:
            if not (_JINJA_PART_RE.fullmatch(m.name) or m.name == CORE_PART):
                continue
            raw = inflate(m)
            max_id = max([max_id, *(int(x) for x in _BOOKMARK_ID_RE.findall(raw))])
            source = self._canonical_xml(m.name, raw)
            if m.name == CORE_PART:
                self._core = source
                if _HAS_JINJA_RE.search(source):
                    self._core_part = self._compile_part(env, m.name, source)
                continue
            patched = _unescape_in_tags(_PATCHER.patch_xml(source))
            if _HAS_JINJA_RE.search(patched):
                fix = bool(_TABLE_FIX_RE.search(_TAG_RE.sub("", source)))
                self._parts[m.name] = self._compile_part(env, m.name, patched, fix)
        if not any(m.name == "word/document.xml" for m in self._members):
            raise TemplateError("not a Word document: no word/document.xml", file=self.name)
        self._first_bookmark_id = max_id + 1

    def _finish_compile(self, env: jinja2.Environment) -> None:
        styles = next((m for m in self._members if m.name == "word/styles.xml"), None)
        try:
            self._styles = Styles(etree.fromstring(inflate(styles), _strict_parser()) if styles else None)
        except etree.XMLSyntaxError as exc:
            raise TemplateError(f"word/styles.xml: malformed XML: {exc.msg}", file=self.name) from exc
        self._rel_ids = {name: self._relationship_ids(name) for name in self._parts}
        self._ct_defaults = self._content_type_defaults()
        rendered = set(self.rendered_parts)
        self._packed: dict[str, PackedMember] = {
            m.name: pack_member(m) for m in self._members if m.name not in rendered
        }
        self._variables: frozenset[str] | None = None
        self._env = env
        order = sorted(self._parts, key=lambda n: n != "word/document.xml")
        self._parts = {n: self._parts[n] for n in order}

    def _member(self, name: str) -> RawMember | None:
        return next((m for m in self._members if m.name == name), None)

    def _relationship_ids(self, part: str) -> frozenset[str]:
        """The relationship ids the part's ``.rels`` defines (none when it has no ``.rels``)."""
        m = self._member(_rels_name(part))
        if m is None:
            return frozenset()
        root = etree.fromstring(inflate(m), _strict_parser())
        return frozenset(el.get("Id") for el in root.iter(f"{{{_PKG_REL_NS}}}Relationship") if el.get("Id"))

    def _content_type_defaults(self) -> frozenset[str]:
        m = self._member("[Content_Types].xml")
        if m is None:
            return frozenset()
        root = etree.fromstring(inflate(m), _strict_parser())
        return frozenset((el.get("Extension") or "").lower() for el in root.iter(f"{{{_CT_NS}}}Default"))

    def _canonical_xml(self, part: str, raw: bytes) -> str:
        try:
            root = etree.fromstring(raw, _strict_parser())
        except etree.XMLSyntaxError as exc:
            raise TemplateError(f"{part}: malformed XML: {exc.msg}", file=self.name) from exc
        return str(etree.tostring(root, encoding="unicode"))

    def _compile_part(
        self,
        env: jinja2.Environment,
        part: str,
        source: str,
        fix_tables: bool = False,
    ) -> _Part:
        for literal, expr in _LITERALS.items():
            source = source.replace(literal, expr)
        src = _PARAGRAPH_RE.sub(r"\n<w:p\1", source)
        filename = f"{self.name}::{part}"
        holder = _Part(part, src, None, fix_tables)  # type: ignore[arg-type]
        code_src = _PARAGRAPH_RE.sub(r"{#\n#}<w:p\1", source) if holder.joined else src
        try:
            ast = env.parse(code_src, name=filename, filename=filename)
            code = env.compile(ast, name=filename, filename=filename)
        except jinja2.TemplateSyntaxError as exc:
            named = re.search(r"tag '(\w+)'|tag name '(\w+)'|'(end\w+)'", exc.message or "")
            hint = next((g for g in named.groups() if g), "") if named else ""
            near = holder.line_text(exc.lineno, hint)
            raise TemplateError(
                f"template syntax error: {exc.message}" + (f" in {near}" if near else ""),
                file=self.name, field=part, line=exc.lineno,
            ) from exc
        return holder.bind(env, code)

    # ------------------------------------------------------------------ rendering

    def render(self, context: Mapping[str, Any], *, illegal_chars: str = "strip") -> bytes:
        """Render the template with ``context`` into the bytes of a .docx.

        ``illegal_chars`` is ``"strip"`` (remove XML-illegal characters from values with an
        XmlCharWarning) or ``"error"`` (raise RenderError).  Every rendered part is parsed
        strictly before anything is returned.  Same inputs give byte-identical output.
        """
        if illegal_chars not in ILLEGAL_POLICIES:
            raise ValueError(f"illegal_chars must be one of {ILLEGAL_POLICIES}")
        marks = MarkState(self._first_bookmark_id)
        rendered: dict[str, bytes] = {}
        sinks: dict[str, ImageSink] = {}
        for name, part in self._parts.items():
            sinks[name] = ImageSink(self._rel_ids[name])
            text = self._render_text(part, context, illegal_chars, sinks[name])
            rendered[name] = self._finish_part(name, text, marks, part.fix_tables, sinks[name])
        if self._core is not None:
            rendered[CORE_PART] = self._render_core(context, illegal_chars)
        extra = self._add_images(sinks, rendered)
        members = [
            _packed_part(m.name, rendered[m.name]) if m.name in rendered else self._packed[m.name]
            for m in self._members
        ]
        members += [deflate_member(name, data) for name, data in extra]
        return write_zip(members)

    def _add_images(self, sinks: dict[str, ImageSink], rendered: dict[str, bytes]) -> list[tuple[str, bytes]]:
        """Put the printed pictures into the package: media members, relationships in each
        part's ``.rels`` (written into ``rendered``), content types; returns the new members."""
        if not any(s.images for s in sinks.values()):
            return []
        existing = {m.name for m in self._members}
        new: dict[str, bytes] = {}
        kinds: set[str] = set()
        for part, sink in sinks.items():
            if not sink.images:
                continue
            rels = _rels_name(part)
            source = rendered.get(rels) or (inflate(m) if (m := self._member(rels)) is not None else None)
            root = (etree.fromstring(source, _strict_parser()) if source is not None
                    else etree.Element(f"{{{_PKG_REL_NS}}}Relationships", nsmap={None: _PKG_REL_NS}))
            folder = part.rpartition("/")[0]
            for rid, image in sink.images.items():
                media = f"{folder}/media/{image.media_name}" if folder else f"media/{image.media_name}"
                if media not in existing:
                    new[media] = image.data
                el = etree.SubElement(root, f"{{{_PKG_REL_NS}}}Relationship")
                el.set("Id", rid)
                el.set("Type", IMAGE_REL_TYPE)
                el.set("Target", f"media/{image.media_name}")
                kinds.add(image.kind)
            data = _DECL + etree.tostring(root, encoding="UTF-8", xml_declaration=False)
            if rels in existing:
                rendered[rels] = data
            else:
                new[rels] = data
        missing = sorted(k for k in kinds if k not in self._ct_defaults)
        if missing:
            m = self._member("[Content_Types].xml")
            if m is None:
                raise RenderError("the template has no [Content_Types].xml", file=self.name)
            root = etree.fromstring(inflate(m), _strict_parser())
            for kind in missing:
                el = etree.Element(f"{{{_CT_NS}}}Default")
                el.set("Extension", kind)
                el.set("ContentType", f"image/{kind}")
                root.insert(0, el)
            rendered["[Content_Types].xml"] = _DECL + etree.tostring(root, encoding="UTF-8", xml_declaration=False)
        return sorted(new.items())

    def _render_text(self, part: _Part, context: Mapping[str, Any], policy: str,
                     images: ImageSink | None = None) -> str:
        token = _STATE.set(_RenderState(f"{self.name}: {part.name}", policy, images))
        try:
            text = render_limited(part.template, context)
        except Exception as exc:  # noqa: BLE001 - every template failure becomes located
            raise self._located(exc, part) from exc
        finally:
            _STATE.reset(token)
        if part.joined:
            return text
        return text.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")

    def _located(self, exc: Exception, part: _Part) -> BidgenError:
        line = _template_line(exc.__traceback__, f"{self.name}::{part.name}")
        near = part.line_text(line)
        suffix = f" in {near}" if near else ""
        where: dict[str, Any] = {"file": self.name, "field": part.name, "line": line}
        if isinstance(exc, BidgenError):
            cls = type(exc) if isinstance(exc, (TemplateError, RenderError)) else RenderError
            return cls(exc.message + suffix, **where)
        if isinstance(exc, RenderLimit):
            return TemplateError(f"stopped: {exc}{suffix}", **where)
        if isinstance(exc, jinja2.UndefinedError):
            return TemplateError(f"undefined variable: {_undefined_name(exc)}{suffix}", **where)
        return TemplateError(f"{type(exc).__name__}: {exc}{suffix}", **where)

    def _parse(self, part: str, data: bytes) -> etree._Element:
        try:
            return etree.fromstring(data, _strict_parser())
        except etree.XMLSyntaxError as exc:
            line, col = exc.position
            lines = data.decode("utf-8", "replace").splitlines()
            snippet = lines[line - 1][max(col - 60, 0) : col + 40] if 0 < line <= len(lines) else ""
            raise RenderError(
                f"rendered XML is malformed at line {line}, column {col}: {exc.msg}; near {snippet!r}",
                file=self.name, field=part,
            ) from exc

    def _check_well_formed(self, part: str, data: bytes) -> None:
        """Prove ``data`` well-formed without building a tree (expat, about twice as fast as a
        parse into lxml): used for the parts nothing needs to change after rendering."""
        import xml.parsers.expat

        checker = xml.parsers.expat.ParserCreate()
        try:
            checker.Parse(data, True)
        except xml.parsers.expat.ExpatError as exc:
            line, col = exc.lineno, exc.offset
            lines = data.decode("utf-8", "replace").splitlines()
            snippet = lines[line - 1][max(col - 60, 0) : col + 40] if 0 < line <= len(lines) else ""
            raise RenderError(
                f"rendered XML is malformed at line {line}, column {col}: "
                f"{xml.parsers.expat.ErrorString(exc.code)}; near {snippet!r}",
                file=self.name, field=part,
            ) from exc

    def _finish_part(self, name: str, text: str, marks: MarkState, fix_tables: bool,
                     images: ImageSink | None = None) -> bytes:
        data = _DECL + finish_text(text, marks).encode("utf-8")
        self._check_relationships(name, data, images)
        # conditionals that may have left an empty cell or a table without rows: the tree is
        # fixed, unless the bytes show that every cell and table is complete as rendered
        needs_fix = self._parts[name].may_empty and not complete_blocks(data)
        has_table = b"<w:tbl>" in data or b"<w:tbl " in data  # its columns are fitted to the content
        if not fix_tables and b"docPr" not in data and not needs_fix:
            self._check_well_formed(name, data)  # strict all the same: nothing unparsable leaves here
        else:
            root = self._parse(name, data)
            changed = False
            if fix_tables:
                root = _PATCHER.fix_tables(etree.tostring(root))
                changed = True
            if b"docPr" in data:
                changed = dedupe_docpr_ids(root) or changed
            if needs_fix or fix_tables:
                changed = fix_empty_blocks(root) or changed
            if changed:
                data = _DECL + etree.tostring(root, encoding="UTF-8", xml_declaration=False)
        if not has_table:
            return data
        # columns sized from what the cells hold: on the bytes, table by table (no tree of the part)
        fitted = fit_tables_in_xml(data, self._styles)
        if fitted is not None:
            return fitted
        root = self._parse(name, data)
        if fit_tables(root, self._styles):
            data = _DECL + etree.tostring(root, encoding="UTF-8", xml_declaration=False)
        return data

    def _check_relationships(self, part: str, data: bytes, images: ImageSink | None) -> None:
        """Every relationship id the rendered part refers to (``r:id``, ``r:embed`` …) exists in
        its ``.rels``: an object that brings its own XML (``RichText(url_id=…)``, a hand-made
        drawing) must not point at nothing.  (Attributes of every prefix the part binds to the
        relationships namespace, found on the bytes: no tree is needed.)"""
        prefixes = tuple(sorted(set(_REL_PREFIX_RE.findall(data))))
        if not prefixes:
            return
        known = self._rel_ids.get(part, frozenset()) | (frozenset(images.images) if images else frozenset())
        patterns = _REL_ATTR_CACHE.get(prefixes)
        if patterns is None:  # "r:" first, so that the search runs on the literal, then "\sr:" checked
            patterns = _REL_ATTR_CACHE[prefixes] = tuple(
                re.compile(re.escape(p) + rb":(?<=\s" + re.escape(p) + rb":)[A-Za-z]+=\"([^\"]*)\"")
                for p in prefixes)
        for m in (m for pattern in patterns for m in pattern.finditer(data)):
            rid = m.group(1).decode("utf-8", "replace")
            if rid not in known:
                start = data.rfind(b"<", 0, m.start())
                what = data[start + 1:m.start()].split(b" ", 1)[0].decode("utf-8", "replace").rpartition(":")[2]
                raise RenderError(
                    f"the rendered part refers to relationship {rid!r} (in a {what} element) that "
                    f"{_rels_name(part)} does not define; a value that brings its own XML (RichText with "
                    "url_id, a pasted drawing) must use a relationship of this template",
                    file=self.name, field=part,
                )

    def _render_core(self, context: Mapping[str, Any], policy: str) -> bytes:
        assert self._core is not None
        stamp = w3cdtf(context.get("doc_date", DEFAULT_DOC_DATE))
        if self._core_part is None:  # static properties: one result per date
            cached = self._core_cache.get(stamp)
            if cached is None:
                if len(self._core_cache) > 512:
                    self._core_cache.clear()
                cached = self._core_cache[stamp] = self._core_xml(self._core, stamp)
            return cached
        return self._core_xml(self._render_text(self._core_part, context, policy), stamp)

    def _core_xml(self, text: str, stamp: str) -> bytes:
        root = self._parse(CORE_PART, _DECL + finish_text(text, MarkState(1)).encode("utf-8"))
        stamp_core(root, stamp)
        return _DECL + bytes(etree.tostring(root, encoding="UTF-8", xml_declaration=False))


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

_SMALL_PART = 4096
_PACKED_SMALL: dict[tuple[str, bytes], PackedMember] = {}
_PACKED_SMALL_MAX = 512  # bounded: memory stays flat in a long bulk run


def _packed_part(name: str, data: bytes) -> RawMember | PackedMember:
    """A rendered part as a zip member.  Small parts that come out the same again and again (the
    core properties of a day, a header or footer) are deflated and packed once."""
    if len(data) > _SMALL_PART:
        return deflate_member(name, data)
    key = (name, data)
    packed = _PACKED_SMALL.get(key)
    if packed is None:
        if len(_PACKED_SMALL) >= _PACKED_SMALL_MAX:
            _PACKED_SMALL.clear()
        packed = _PACKED_SMALL[key] = pack_member(deflate_member(name, data))
    return packed


_OPEN_RE = re.compile(r"\{%-?\s*(?:if|for|with|filter|call|macro|block|raw)\b")
_CLOSE_RE = re.compile(r"\{%-?\s*end\w*")


def _may_empty(source: str) -> bool:
    """Whether rendering can leave a cell, a header or a footer without a paragraph, or a table
    without rows: some cell/table/header/footer has every paragraph/row inside a statement.
    Decided once per part at compile time, so parts that cannot be emptied pay nothing."""
    if "{%" not in source:
        return False
    try:
        root = etree.fromstring(source.replace("\n<w:p", "<w:p").encode("utf-8"), _strict_parser())
    except etree.XMLSyntaxError:
        return True  # statements across elements: check every rendering
    holders = [(tc, f"{_W}p") for tc in root.iter(f"{_W}tc")] + [(t, f"{_W}tr") for t in root.iter(f"{_W}tbl")]
    if root.tag in (f"{_W}hdr", f"{_W}ftr"):
        holders.append((root, f"{_W}p"))
    for holder, needed in holders:
        depth = _depth_change(holder.text)
        unconditional = False
        for child in holder:
            if child.tag == needed and depth == 0:
                unconditional = True
                break
            depth += _depth_change(child.tail)
            if depth < 0:
                return True
        if not unconditional:
            return True
    return False


def _depth_change(text: str | None) -> int:
    if not text or "{%" not in text:
        return 0
    return len(_OPEN_RE.findall(text)) - len(_CLOSE_RE.findall(text))


_BLOCKS = (f"{_W}p", f"{_W}tbl", f"{_W}sdt", f"{_W}customXml")
_CELL_START = re.compile(rb"<w:tc[\s>/]")
# a cell whose first child (after its properties) is a block; a table whose first row comes right
# after its properties and grid
# (the properties' content as "text, then tags that are not their end": no per-character lookahead)
_CELL_WITH_BLOCK = re.compile(
    rb"<w:tc(?:\s[^>]*)?(?<!/)>(?:<w:tcPr>[^<]*(?:<(?!/w:tcPr>)[^<]*)*</w:tcPr>|<w:tcPr/>)?"
    rb"<w:(?:p|tbl|sdt|customXml)[\s>/]")
_TABLE_START = re.compile(rb"<w:tbl[\s>/]")
_TABLE_WITH_ROW = re.compile(
    rb"<w:tbl(?:\s[^>]*)?(?<!/)>(?:<w:tblPr>[^<]*(?:<(?!/w:tblPr>)[^<]*)*</w:tblPr>|<w:tblPr/>)?"
    rb"(?:<w:tblGrid>[^<]*(?:<(?!/w:tblGrid>)[^<]*)*</w:tblGrid>|<w:tblGrid/>)?<w:tr[\s>]")
_PARAGRAPH_END = re.compile(rb"</w:p>$|<w:p(?:\s[^>]*)?/>$")
_ROOT_NAME = re.compile(rb"<([A-Za-z][^\s>/]*)")


def complete_blocks(data: bytes) -> bool:
    """Whether :func:`fix_empty_blocks` would surely change nothing in the part ``data`` (its
    bytes as rendered, WordprocessingML under the prefix ``w``): every cell begins with a block
    and ends with a paragraph, every table begins with a row, a header or footer ends with a
    paragraph.  False when unsure (then the tree is fixed)."""
    cells = len(_CELL_START.findall(data))
    if cells and (len(_CELL_WITH_BLOCK.findall(data)) != cells
                  or data.count(b"</w:p></w:tc>") + data.count(b"<w:p/></w:tc>") != data.count(b"</w:tc>")):
        return False
    tables = len(_TABLE_START.findall(data))
    if tables and len(_TABLE_WITH_ROW.findall(data)) != tables:
        return False
    root = _ROOT_NAME.search(data)
    if root is not None and root.group(1) in (b"w:hdr", b"w:ftr"):
        end = b"</" + root.group(1) + b">"
        body = data.rstrip()
        return body.endswith(end) and bool(_PARAGRAPH_END.search(body[: -len(end)]))
    return True


def _rows_in_controls(tbl: etree._Element) -> bool:
    """Whether the table's rows stand in content controls or custom XML (a Word repeating
    section: ``w:tbl/w:sdt/w:sdtContent/w:tr``) rather than directly in it."""
    return any(row is not None for holder in tbl if holder.tag in (f"{_W}sdt", f"{_W}customXml")
               for row in (next(holder.iter(f"{_W}tr"), None),))


def fix_empty_blocks(root: etree._Element) -> bool:
    """What a template's conditionals can leave that Word refuses, fixed up: a table without rows
    is removed; a cell, header or footer without a paragraph (or ending in a table) gets an empty
    paragraph.  Returns whether anything changed."""
    changed = False
    for tbl in list(root.iter(f"{_W}tbl")):
        if tbl.find(f"{_W}tr") is None and not _rows_in_controls(tbl):
            parent = tbl.getparent()
            if parent is not None:
                parent.remove(tbl)
                changed = True
    holders = list(root.iter(f"{_W}tc"))
    if root.tag in (f"{_W}hdr", f"{_W}ftr"):
        holders.append(root)
    for holder in holders:
        blocks = [c for c in holder if c.tag in _BLOCKS]
        if not blocks or blocks[-1].tag == f"{_W}tbl":
            holder.append(etree.Element(f"{_W}p"))
            changed = True
    return changed


def _template_line(tb: TracebackType | None, filename: str) -> int | None:
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _undefined_name(exc: jinja2.UndefinedError) -> str:
    msg = exc.message or str(exc)
    m = re.search(r"'([^']+)' is undefined", msg)
    if m:
        return repr(m.group(1))
    m = re.search(r"'([^']+)' has no attribute '([^']+)'", msg)
    if m:
        return f"{m.group(2)!r} (no such attribute/key of {m.group(1)})"
    return msg


_CACHE: OrderedDict[tuple[str, int, int, int, int], CompiledTemplate] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_MAX = 32


def clear_cache() -> None:
    """Forget every cached compiled template."""
    with _CACHE_LOCK:
        _CACHE.clear()


def render_to_file(
    template: str | os.PathLike[str] | CompiledTemplate,
    context: Mapping[str, Any],
    out_path: str | os.PathLike[str],
    *,
    illegal_chars: str = "strip",
    fsync: bool = True,
) -> Path:
    """Render ``template`` (a path or a CompiledTemplate) and write it atomically to ``out_path``.

    Parent directories are created.  ``fsync`` as in :func:`write_atomic`.  Returns the
    output path.
    """
    compiled = template if isinstance(template, CompiledTemplate) else CompiledTemplate.load(template)
    data = compiled.render(context, illegal_chars=illegal_chars)
    out = Path(out_path)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RenderError(f"cannot create directory: {exc.strerror or exc}", file=str(out.parent)) from exc
    return write_atomic(out, data, fsync=fsync)
