"""Where the built-in data lives (templates and libraries), and how output files are named."""

from __future__ import annotations

import datetime as dt
import re
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

_SAFE = re.compile(r"[^A-Za-z0-9_-]+")


def safe_component(value: str, fallback: str = "X") -> str:
    """A file-name component that cannot escape a folder: letters, digits, ``_`` and ``-`` only."""
    cleaned = _SAFE.sub("-", value).strip("-.")
    return cleaned[:60] or fallback


def output_path(outdir: Path, kind: str, client_code: str, date: dt.date, ext: str = ".docx") -> Path:
    """``OUTDIR/<DocType>_<ClientCode>_v<YYYYMMDD>.docx``, guaranteed to stay inside OUTDIR."""
    name = f"{DOC_TYPES.get(kind, kind.title())}_{safe_component(client_code)}_v{date:%Y%m%d}{ext}"
    return inside(outdir, name)


def inside(outdir: Path, name: str) -> Path:
    """``outdir/name`` with the folder resolved but not the file name: a symlink at the target is
    replaced when written, never followed.  Refuses a name that would leave the folder."""
    folder = Path(outdir).resolve()
    out = folder / name
    if name in ("", ".", "..") or "/" in name or "\\" in name or out.parent != folder:
        raise RenderError(f"refusing to write outside {outdir}", file=str(out))
    return out
