"""Where the built-in data lives (templates and libraries), and how output files are named."""

from __future__ import annotations

import contextvars
import datetime as dt
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from bidgen.errors import RenderError


@lru_cache(maxsize=None)
def _pkg_dir(name: str, fallback: str) -> Path:
    """Where a package of data is installed (found once per process: it does not move)."""
    import importlib.util

    spec = importlib.util.find_spec(name)
    if spec is not None and spec.submodule_search_locations:
        return Path(list(spec.submodule_search_locations)[0])
    return Path(__file__).resolve().parent.parent / fallback


def templates_dir() -> Path:
    """The folder of built-in Word templates."""
    return _pkg_dir("bidgen.templates", "templates")


def builtin_template(kind: str, locale: str) -> Path:
    """Where the built-in template of a document kind for a locale is (it may be missing)."""
    return templates_dir() / f"{kind}.{locale}.docx"


def clauses_dir() -> Path:
    """The folder of built-in libraries (clauses, narrative, FAB, etiquette, policy)."""
    return _pkg_dir("bidgen.clauses", "clauses")


def samples_dir() -> Path:
    """The folder of sample inputs (deals, meetings, tenders) that ``bidgen init`` builds on."""
    return _pkg_dir("bidgen.samples", "samples")


#: The file-name prefix of each document kind.
DOC_TYPES = {
    "proposal": "Proposal",
    "bid": "Bid",
    "memo": "Memo",
    "brief": "Brief",
}

_SAFE = re.compile(r"[^\w-]+")  # letters and digits of every script, "_" and "-"
_WINDOWS_DEVICES = re.compile(r"(?i)(?:CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³])")
_MAX_COMPONENT = 60


def safe_component(value: str, fallback: str = "X") -> str:
    """A file-name component that cannot escape a folder: letters and digits (of any script:
    ``华东-001`` stays ``华东-001``), ``_`` and ``-``; anything else becomes ``-``.  A name Windows
    reserves for a device (``CON``, ``nul``, ``COM1``) gets a trailing ``_``; a value longer than
    60 characters is cut and given a short digest of the whole, so that two long values that
    share a beginning stay apart."""
    import unicodedata

    value = unicodedata.normalize("NFC", value)
    cleaned = _SAFE.sub("-", value).strip("-.")
    if len(cleaned) > _MAX_COMPONENT:
        cleaned = cleaned[:_MAX_COMPONENT - 9].rstrip("-") + "-" + _digest(value)
    if _WINDOWS_DEVICES.fullmatch(cleaned):
        cleaned += "_"
    return cleaned or fallback


def ascii_component(value: str, fallback: str = "X") -> str:
    """:func:`safe_component` in ASCII only (a Message-ID, a header): the ASCII letters, digits,
    ``_`` and ``-`` of ``value``, with a short digest of the whole when anything else was left
    out, so that ``华东-001`` and ``华南-001`` stay apart."""
    if not value:
        return fallback
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", value).strip("-.")
    if cleaned == value and len(cleaned) <= _MAX_COMPONENT:
        return cleaned
    cleaned = cleaned[:_MAX_COMPONENT - 9].rstrip("-")
    return (cleaned + "-" if cleaned else "") + _digest(value)


def _digest(value: str) -> str:
    import hashlib

    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def output_path(outdir: Path, kind: str, client_code: str, date: dt.date, ext: str = ".docx") -> Path:
    """``OUTDIR/<DocType>_<ClientCode>_v<YYYYMMDD>.docx``, guaranteed to stay inside OUTDIR."""
    name = f"{DOC_TYPES.get(kind, kind.title())}_{safe_component(client_code)}_v{date:%Y%m%d}{ext}"
    return inside(outdir, name)


#: The output folders resolved so far in the current :func:`one_resolution` block (None outside one).
_RESOLVED: contextvars.ContextVar[dict[str, Path] | None] = contextvars.ContextVar("bidgen_resolved", default=None)


@contextmanager
def one_resolution() -> Iterator[None]:
    """Inside the block, :func:`inside` resolves each output folder once (the documents of one deal,
    rendered together, all go to its folder), not once per document."""
    token = _RESOLVED.set({})
    try:
        yield
    finally:
        _RESOLVED.reset(token)


def _resolved(outdir: str | os.PathLike[str]) -> Path:
    memo = _RESOLVED.get()
    if memo is None:
        return Path(outdir).resolve()
    key = os.fspath(outdir)
    found = memo.get(key)
    if found is None:
        found = memo[key] = Path(outdir).resolve()
    return found


def inside(outdir: Path, name: str) -> Path:
    """``outdir/name`` with the folder resolved but not the file name: a symlink at the target is
    replaced when written, never followed.  Refuses a name that would leave the folder."""
    folder = _resolved(outdir)
    out = folder / name
    if name in ("", ".", "..") or "/" in name or "\\" in name or out.parent != folder:
        raise RenderError(f"refusing to write outside {outdir}", file=str(out))
    return out
