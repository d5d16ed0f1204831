"""The content library: clauses, SCQA/PREP narrative, FAB tables, objection answers, etiquette notes.

Typed YAML entries (see :mod:`bidgen.library.schema`) in three locales, loaded from the
built-in ``clauses/`` folder and overridden by id from team workspaces::

    lib = Library.load(library_dirs())               # built-ins + the workspace found from cwd
    clause = lib.get("payment.milestones").render("zh_CN", {"total": Decimal("676200")})
    picks = lib.resolve("clause", deal_clause_ids, facts)   # named ids win, else selection
"""

from __future__ import annotations

from .entry import Entry
from .loader import Library
from .params import VOCABULARY, VOCABULARY_FIELDS
from .render import Rendered
from .schema import KINDS, LOCALES, NEED_CATEGORIES, OBJECTION_KINDS, json_schema, json_schema_text
from .select import NAMED, Selection, SelectionFacts, explain, facts_for_deal, features_from_params, needs_from_text
from .validate import Finding, validate
from .workspace import MARKER, find_workspace, init_workspace, library_dirs


def resolve(library: Library, kind: str, named_ids: "list[str] | tuple[str, ...] | None",
            facts: SelectionFacts) -> list[Selection]:
    """Named ids of ``kind`` (reason "named in the deal"), else entries selected by conditions."""
    return library.resolve(kind, named_ids, facts)


__all__ = [
    "Entry", "Finding", "KINDS", "LOCALES", "Library", "MARKER", "NAMED", "NEED_CATEGORIES", "OBJECTION_KINDS",
    "Rendered", "Selection", "SelectionFacts", "VOCABULARY", "VOCABULARY_FIELDS", "explain", "facts_for_deal", "features_from_params", "find_workspace",
    "init_workspace", "json_schema", "json_schema_text", "library_dirs", "needs_from_text", "resolve", "validate",
]
