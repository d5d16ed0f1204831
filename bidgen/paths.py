"""Where the built-in data lives (templates and libraries), installed or editable."""

from __future__ import annotations

from pathlib import Path


def _pkg_dir(name: str, fallback: str) -> Path:
    import importlib.util

    spec = importlib.util.find_spec(name)
    if spec is not None and spec.submodule_search_locations:
        return Path(list(spec.submodule_search_locations)[0])
    return Path(__file__).resolve().parent.parent / fallback


def templates_dir() -> Path:
    """The folder of built-in Word templates."""
    return _pkg_dir("bidgen.templates", "templates")


def clauses_dir() -> Path:
    """The folder of built-in libraries (clauses, narrative, FAB, etiquette, policy)."""
    return _pkg_dir("bidgen.clauses", "clauses")
