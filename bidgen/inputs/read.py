"""Reading YAML and JSON input files into raw mappings, with line numbers.

Only :mod:`bidgen.inputs.load` uses this module.  What it guarantees:

* Numbers are exact: a YAML float or JSON number with a fraction or an exponent is a
  ``Decimal`` built from its text (``0.05`` → ``Decimal('0.05')``, ``1e3`` too); plain
  decimal integers are ``int``.  JSON ``NaN``/``Infinity`` are refused.
* YAML is read with a few YAML 1.1 traps closed: only ``true``/``false`` are booleans (so
  ``country: NO`` stays Norway), only canonical decimal integers are numbers (``0571``
  stays the text ``'0571'``, ``1:30`` stays text), an impossible date such as
  ``2026-02-30`` stays text so that validation can name it, and a duplicate key is an
  error instead of a silent overwrite.
* In a flow mapping (``{a: 1, b: 2}``) a comma inside a plain value is kept: YAML would
  split ``{impact: above 3,000 shipments}`` into ``impact: above 3`` plus a stray key
  ``000 shipments``; the reader joins such a stray key (one with no ``:``) back onto the
  plain value before it, using the exact source text.
* Every key and list entry has its line number, so errors can say ``file:line``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bidgen.errors import InputError
from bidgen.limits import UNPRINTABLE_RE, current as current_limits, strip_unprintable, unprintable_removed

__all__ = ["Document", "read_document", "YAML_SUFFIXES", "JSON_SUFFIXES"]

YAML_SUFFIXES = (".yaml", ".yml")
JSON_SUFFIXES = (".json",)
#: Guard against alias bombs: at most this many values after expanding aliases.
MAX_NODES = 200_000
#: At most this many levels of nesting.
MAX_DEPTH = 64

Path_ = tuple[str | int, ...]

_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"
_NULL = "tag:yaml.org,2002:null"

_FLOAT_RE = re.compile(
    r"""^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?\.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
    re.X,
)


@dataclass
class Document:
    """A parsed input file: the raw mapping and the line of every key / list entry."""

    data: Any
    file: str
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, path: Path_) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return None


_IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class _ReadError(ConstructorError):
    """A problem found while reading YAML; its text is the whole message."""


class _Loader(yaml.SafeLoader):
    """SafeLoader with exact numbers, YAML-1.2-like scalars and duplicate-key errors."""

    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag not in (_BOOL, _INT, _FLOAT)]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def compose_mapping_node(self, anchor: Any) -> MappingNode:  # noqa: D102
        node: MappingNode = super().compose_mapping_node(anchor)
        if node.flow_style:
            node.value = self._rejoin_commas(node.value)
        return node

    def _rejoin_commas(self, pairs: list[tuple[Node, Node]]) -> list[tuple[Node, Node]]:
        out: list[tuple[Node, Node]] = []
        for key, value in pairs:
            lonely = self._is_lonely_key(key, value)
            if lonely and _IDENT_RE.fullmatch(key.value):
                raise _ReadError(
                    None, None,
                    f"key {key.value!r} has no ':' and no value (quote text that contains a comma)",
                    key.start_mark,
                )
            text = self._joined_text(out[-1][1], key) if lonely and out else None
            if text is not None:
                prev_key, prev_value = out[-1]
                tag = self.resolve(ScalarNode, text, (True, False))
                merged = ScalarNode(tag, text, prev_value.start_mark, key.end_mark, style=None)
                out[-1] = (prev_key, merged)
            else:
                out.append((key, value))
        return out

    def _joined_text(self, prev_value: Node, key: Node) -> str | None:
        """The source text from a plain value through a stray key, lines folded; None if unsafe."""
        if not _is_plain_text(prev_value):
            return None
        raw: str = self.buffer[prev_value.start_mark.index : key.end_mark.index]
        if re.search(r"\s#", raw):
            return None
        return re.sub(r"[ \t]*\r?\n\s*", " ", raw)

    def _is_lonely_key(self, key: Node, value: Node) -> bool:
        """A flow-mapping entry written without ``:`` (YAML gives it a null value)."""
        if not (_is_plain_text(key) and isinstance(value, ScalarNode)):
            return False
        if value.value != "" or value.tag != _NULL:
            return False
        between: str = self.buffer[key.end_mark.index : value.start_mark.index]
        return not between.strip()

    def construct_mapping(self, node: Node, deep: bool = False) -> dict[Any, Any]:  # noqa: D102
        if isinstance(node, MappingNode):
            _check_duplicates(node)
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


def _is_plain_text(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.style is None and node.value != ""


def _check_duplicates(node: MappingNode) -> None:
    seen: dict[str, int] = {}
    for key, _value in node.value:
        if not isinstance(key, ScalarNode) or key.tag == _MERGE:
            continue
        line = key.start_mark.line + 1
        if key.value in seen:
            raise _ReadError(
                None, None, f"duplicate key {key.value!r} (first at line {seen[key.value]})", key.start_mark
            )
        seen[key.value] = line


def _construct_decimal(loader: yaml.SafeLoader, node: ScalarNode) -> Decimal:
    text = str(loader.construct_scalar(node)).replace("_", "").strip()
    low = text.lower()
    if low.endswith(".nan"):
        return Decimal("NaN")
    if low.endswith(".inf"):
        return Decimal("-Infinity") if low.startswith("-") else Decimal("Infinity")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise _ReadError(None, None, f"not a number: {text!r}", node.start_mark) from None


def _construct_timestamp(loader: yaml.SafeLoader, node: ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_Loader.add_implicit_resolver(_INT, re.compile(r"^[-+]?(?:0|[1-9](?:_?[0-9])*)$"), list("-+0123456789"))
_Loader.add_implicit_resolver(_FLOAT, _FLOAT_RE, list("-+0123456789."))
_Loader.add_constructor(_FLOAT, _construct_decimal)
_Loader.add_constructor(_TIMESTAMP, _construct_timestamp)


# ---------------------------------------------------------------------------- line map


def _children(node: Node, path: Path_) -> list[tuple[Node, Path_, int]]:
    """(child node, child path, line of its key or entry) for a mapping or sequence."""
    if isinstance(node, MappingNode):
        return [
            (value, path + (key.value if isinstance(key, ScalarNode) else str(key.start_mark.line),),
             key.start_mark.line + 1)
            for key, value in node.value
        ]
    if isinstance(node, SequenceNode):
        return [(item, path + (i,), item.start_mark.line + 1) for i, item in enumerate(node.value)]
    return []


def _line_map(root: Node, file: str) -> dict[Path_, int]:
    """The line of every key path; refuses recursive aliases and alias bombs."""
    lines: dict[Path_, int] = {}
    count = 0
    stack: list[tuple[Node, Path_, frozenset[int]]] = [(root, (), frozenset())]
    while stack:
        node, path, ancestors = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise InputError(f"too many values after expanding aliases (more than {MAX_NODES})", file=file)
        if len(path) > MAX_DEPTH or id(node) in ancestors:
            line = lines.get(path)
            raise InputError("nested too deeply, or an alias refers to itself", file=file, line=line)
        inner = ancestors | {id(node)}
        for child, child_path, line in _children(node, path):
            lines.setdefault(child_path, line)
            stack.append((child, child_path, inner))
    return lines


# ---------------------------------------------------------------------------- readers


def _read_text(path: Path, file: str) -> str:
    if not path.exists():
        raise InputError("file not found", file=file)
    if path.is_dir():
        raise InputError("is a directory, not a file", file=file)
    try:
        raw = path.read_bytes()
    except PermissionError:
        raise InputError("cannot read file: permission denied", file=file) from None
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", file=file) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError("not UTF-8 text", file=file, line=line) from None


def _yaml_error(exc: yaml.YAMLError, file: str) -> InputError:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if isinstance(exc, _ReadError):
            message = problem
        else:
            message = f"invalid YAML: {problem}"
        return InputError(message, file=file, line=mark.line + 1 if mark else None)
    return InputError(f"invalid YAML: {exc}", file=file)


def _parse_yaml(text: str, file: str) -> Document:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return Document(None, file)
        data = loader.construct_document(node)
        return Document(data, file, _line_map(node, file))
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, file) from None
    except RecursionError:
        raise InputError("nested too deeply", file=file) from None
    finally:
        loader.dispose()


class _JsonRefused(ValueError):
    """A JSON value bidgen refuses (NaN, Infinity, a duplicate key)."""


def _refuse_constant(name: str) -> Any:
    raise _JsonRefused(f"{name} is not a number; not allowed in input")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _JsonRefused(f"duplicate key {key!r}")
        result[key] = value
    return result


def _json_lines(text: str, file: str) -> dict[Path_, int]:
    """Line numbers for a JSON file, best effort (JSON is read as YAML for them)."""
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            return _line_map(node, file) if node is not None else {}
        finally:
            loader.dispose()
    except (yaml.YAMLError, InputError, RecursionError):
        return {}


def _parse_json(text: str, file: str) -> Document:
    try:
        data = json.loads(
            text, parse_float=Decimal, parse_constant=_refuse_constant, object_pairs_hook=_no_duplicates
        )
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", file=file, line=exc.lineno) from None
    except _JsonRefused as exc:
        raise InputError(str(exc), file=file) from None
    except RecursionError:
        raise InputError("nested too deeply", file=file) from None
    return Document(data, file, _json_lines(text, file))


def read_document(path: str | Path) -> Document:
    """Read a YAML or JSON file into a :class:`Document`; InputError on any failure."""
    file = str(path)
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in YAML_SUFFIXES + JSON_SUFFIXES:
        raise InputError(
            f"unsupported file type {p.suffix or '(none)'!r}; expected .yaml, .yml or .json", file=file
        )
    text = _read_text(p, file)
    doc = _parse_json(text, file) if suffix in JSON_SUFFIXES else _parse_yaml(text, file)
    if doc.data is None:
        raise InputError("the file is empty", file=file)
    if not isinstance(doc.data, dict):
        kind = "a list" if isinstance(doc.data, list) else "a single value"
        raise InputError(f"expected a mapping of keys at the top level, got {kind}", file=file, line=1)
    _clean(doc)
    return doc


class InputCleaned(UserWarning):
    """Unprintable characters were removed from an input file's values (see :mod:`bidgen.limits`)."""


_WARNED: set[tuple[str, str]] = set()


def key_path(path: Path_) -> str:
    """``client.contacts[0].name`` for ``('client', 'contacts', 0, 'name')``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _clean(doc: Document) -> None:
    """Apply the one rule for unprintable characters and the text length limit (bidgen.limits)."""
    limit = current_limits().max_text_length
    cleaned: list[Path_] = []
    chars: set[str] = set()

    def text(value: str, path: Path_) -> str:
        if len(value) > limit:
            raise InputError(f"text of {len(value):,} characters; the limit is {limit:,} "
                             "(limits.max_text_length in the workspace)", file=doc.file,
                             field=key_path(path), line=doc.line_of(path))
        if "\r" in value or UNPRINTABLE_RE.search(value):
            new = strip_unprintable(value)
            if new != value.replace("\r\n", "\n").replace("\r", "\n"):
                cleaned.append(path)
                chars.update(unprintable_removed(value))
            return new
        return value

    def walk(value: Any, path: Path_) -> Any:
        if isinstance(value, str):
            return text(value, path)
        if isinstance(value, list):
            return [walk(v, (*path, i)) for i, v in enumerate(value)]
        if isinstance(value, dict):
            out = {}
            for k, v in value.items():
                key = text(k, (*path, k)) if isinstance(k, str) else k
                out[key] = walk(v, (*path, key))
            return out
        return value

    doc.data = walk(doc.data, ())
    if cleaned:
        import warnings

        where = ", ".join(f"{key_path(p)} (line {doc.line_of(p)})" if doc.line_of(p) else key_path(p)
                          for p in cleaned[:10])
        more = f" and {len(cleaned) - 10} more" if len(cleaned) > 10 else ""
        names = ", ".join(f"U+{ord(c):04X}" for c in sorted(chars)[:8]) + (", …" if len(chars) > 8 else "")
        message = (f"{doc.file}: removed control characters or unpaired surrogates, bidi overrides and other "
                   f"invisible format characters ({names}) from {where}{more}")
        if (doc.file, message) not in _WARNED:
            _WARNED.add((doc.file, message))
            warnings.warn(InputCleaned(message), stacklevel=3)
