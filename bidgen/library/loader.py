"""Reading library files into entries, and the :class:`Library` the assemblers use.

Layers: the built-in library (``bidgen.paths.clauses_dir()``) first, then each workspace
directory in order; an entry in a later layer replaces the entry with the same id.  Inside
one layer an id must be unique.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import yaml
from pydantic import ValidationError

from ..errors import LibraryError
from .entry import Entry
from .params import did_you_mean
from .schema import KINDS, MODELS, entry_adapter
from .select import NAMED, Selection, SelectionFacts, select

#: Files in a library directory that are not library entries.
NOT_ENTRIES = {"policy.yaml", "policy.yml", "bidgen-workspace.yaml"}

class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The fast safe loader; an impossible date (``2027-02-30``) stays text so validation names it."""


def _timestamp(loader: Any, node: Any) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


@dataclass(frozen=True)
class Problem:
    """A problem found while reading files (also used by validation)."""

    file: str
    entry_id: str | None
    field: str | None
    message: str
    severity: str = "error"


def library_files(directory: Path) -> list[Path]:
    """Every entry file under ``directory`` (recursive, sorted), skipping policy and marker files."""
    if not directory.is_dir():
        return []
    files = [p for p in directory.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()]
    return sorted(p for p in files if not (p.parent == directory and p.name in NOT_ENTRIES))


def _pydantic_problems(file: str, entry_id: str | None, exc: ValidationError, raw: Any) -> list[Problem]:
    out: list[Problem] = []
    for err in exc.errors():
        loc = [str(x) for x in err["loc"]]
        # drop the discriminator tag pydantic inserts (e.g. 'clause') after the root
        if loc and loc[0] in KINDS:
            loc = loc[1:]
        path = ".".join(loc) or "(entry)"
        message = err["msg"]
        if err["type"] == "extra_forbidden" and loc:
            kind = raw.get("kind") if isinstance(raw, dict) else None
            fields = MODELS[kind].model_fields if kind in MODELS else {}
            message = f"unknown key {loc[-1]!r}{did_you_mean(loc[-1], fields)}" if len(loc) == 1 else message
        elif isinstance(err.get("input"), bool) and any("countr" in x for x in loc):
            message += " (YAML reads an unquoted NO as false: write \"NO\")"
        elif err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            path = "kind"
            message = f"{'unknown' if err['type'] == 'union_tag_invalid' else 'missing'} kind; kinds are {', '.join(KINDS)}"
        out.append(Problem(file, entry_id, path, message))
    return out


def read_file(path: Path, layer: int = 0) -> tuple[list[Entry], list[Problem]]:
    """Parse one YAML file into entries, returning the entries and the problems found."""
    file = str(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" (line {mark.line + 1})" if mark is not None else ""
        return [], [Problem(file, None, None, f"invalid YAML{line}: {getattr(exc, 'problem', exc)}")]
    except (OSError, UnicodeDecodeError) as exc:
        return [], [Problem(file, None, None, f"cannot read: {exc}")]
    except (ValueError, TypeError, RecursionError) as exc:
        return [], [Problem(file, None, None, f"invalid value: {exc}")]
    if data is None:
        return [], []
    if not isinstance(data, list):
        return [], [Problem(file, None, None, "a library file must be a YAML list of entries")]
    entries: list[Entry] = []
    problems: list[Problem] = []
    for index, raw in enumerate(data):
        entry_id = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
        label = entry_id or f"[{index}]"
        try:
            model = entry_adapter().validate_python(raw)
        except ValidationError as exc:
            problems += _pydantic_problems(file, label, exc, raw)
            continue
        entries.append(Entry(model, path, layer))
    return entries, problems


_CACHE: dict[tuple[str, int, tuple[tuple[str, int], ...]], tuple[list[Entry], list[Problem]]] = {}


def read_layer(directory: Path, layer: int = 0) -> tuple[list[Entry], list[Problem]]:
    """Read every file of one layer (cached while no file changes); duplicates are problems."""
    files = library_files(directory)
    key = (str(directory.resolve()), layer, tuple((str(p), p.stat().st_mtime_ns) for p in files))
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    entries: list[Entry] = []
    problems: list[Problem] = []
    seen: dict[str, Entry] = {}
    for path in files:
        found, trouble = read_file(path, layer)
        problems += trouble
        for entry in found:
            first = seen.get(entry.id)
            if first is not None:
                problems.append(Problem(str(path), entry.id, "id", f"duplicate id (also in {first.source})"))
                continue
            seen[entry.id] = entry
            entries.append(entry)
    _CACHE[key] = (entries, problems)
    return entries, problems


def layer_dir(path: Path) -> Path:
    """The entry directory of a workspace root (its ``clauses/``) or the directory itself."""
    from .workspace import workspace_clauses

    return workspace_clauses(path) or path


class Library:
    """The merged library: built-ins, then workspace layers overriding by id."""

    def __init__(self, entries: Sequence[Entry], dirs: Sequence[Path] = ()) -> None:
        self._entries: dict[str, Entry] = {}
        for entry in entries:
            self._entries[entry.id] = entry
        self.dirs = list(dirs)

    @classmethod
    def load(cls, extra_dirs: Sequence[Path] = ()) -> "Library":
        """Load the built-in library, then each of ``extra_dirs`` (workspace roots or entry folders).

        Raises :class:`LibraryError` for the first invalid entry, duplicate id or missing directory.
        """
        from ..paths import clauses_dir

        dirs = [clauses_dir()]
        for extra in extra_dirs:
            path = Path(extra)
            if not path.is_dir():
                raise LibraryError("library directory not found", file=str(path))
            dirs.append(layer_dir(path))
        merged: list[Entry] = []
        for layer, directory in enumerate(dirs):
            entries, problems = read_layer(directory, layer)
            errors = [p for p in problems if p.severity == "error"]
            if errors:
                first = errors[0]
                more = f" (and {len(errors) - 1} more; run 'bidgen library validate')" if len(errors) > 1 else ""
                field = ": ".join(x for x in (first.entry_id, first.field) if x) or None
                raise LibraryError(first.message + more, file=first.file, field=field)
            merged += entries
        return cls(merged, dirs)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, entry_id: str) -> Entry:
        """The entry with ``entry_id``; :class:`LibraryError` with a did-you-mean hint if unknown."""
        entry = self._entries.get(entry_id)
        if entry is None:
            hint = did_you_mean(entry_id, self._entries)
            raise LibraryError(f"unknown library entry {entry_id!r}{hint}", field=entry_id)
        return entry

    def entries(self, kind: str | None = None, locale: str | None = None) -> list[Entry]:
        """Entries sorted by id, optionally of one ``kind`` and having texts in ``locale``."""
        if kind is not None and kind not in KINDS:
            raise LibraryError(f"unknown kind {kind!r}; kinds are {', '.join(KINDS)}", field="kind")
        found = [
            e
            for e in self._entries.values()
            if (kind is None or e.kind == kind) and (locale is None or e.has_locale(locale))
        ]
        return sorted(found, key=lambda e: e.id)

    def select(self, kind: str, facts: SelectionFacts) -> list[Selection]:
        """Entries of ``kind`` picked for a deal by their conditions, each with the reason."""
        return select(self.entries(kind), facts)

    def resolve(self, kind: str, named_ids: Sequence[str] | None, facts: SelectionFacts) -> list[Selection]:
        """The named entries of ``kind`` (reason "named in the deal"), else the selected ones."""
        return resolve(self, kind, named_ids, facts)


def resolve(
    library: Library, kind: str, named_ids: Sequence[str] | None, facts: SelectionFacts
) -> list[Selection]:
    """The entries of ``kind`` a deal gets.

    The deal's named ids of this kind win, in the deal's order, with the reason "named in the
    deal".  Ids of another kind are skipped (a deal's ``narrative`` names scqa and prep blocks
    together); an unknown id is a :class:`LibraryError`.  When the deal names none of this
    kind, the entries are selected by their conditions.
    """
    named = [library.get(i) for i in (named_ids or [])]
    mine = [e for e in named if e.kind == kind]
    if mine:
        return [Selection(e, NAMED) for e in mine]
    return library.select(kind, facts)
