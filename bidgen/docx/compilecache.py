"""Compiled templates kept on disk, so that a new process does not compile them again.

Compiling a .docx template (canonical XML, docxtpl's patch, Jinja's parser and code generator,
Python's compiler) takes about 0.1 s per template; every ``bidgen`` command and every bulk run
starts by doing it for each template it uses.  The result of compiling a template's parts (the
patched source and Python code object of each part) is therefore kept in one file per template in
``$BIDGEN_CACHE_DIR`` (default ``$XDG_CACHE_HOME/bidgen/templates``, else
``~/.cache/bidgen/templates``), the way Python keeps ``__pycache__``.  ``BIDGEN_CACHE_DIR=off``
turns it off.

A record is used only when it was made from the same template bytes at the same path, by the same
compiler: the key hashes the template, its path, the source of the modules that shape the compiled
code (this module's siblings :mod:`bidgen.docx.render`, :mod:`bidgen.docx.xmlsafe` and
:mod:`bidgen.sandbox`), the versions of Jinja and docxtpl, and Python's.  What a record holds is
code that will run, so the folder is used only when it is a real folder owned by the user and
writable by nobody else (and its parent likewise); a record that cannot be read is ignored and
made again.  Records are written atomically; the folder keeps at most :data:`MAX_RECORDS`.

The cache never changes what is rendered: a template loaded from it renders byte-identical
documents (the tests compare both ways).
"""

from __future__ import annotations

import hashlib
import marshal
import os
import stat
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from types import CodeType
from typing import Any

__all__ = ["cache_dir", "cache_key", "load_record", "store_record", "MAX_RECORDS"]

#: the most records kept: each built-in template in each locale has one (a dozen), plus workspaces'
MAX_RECORDS = 256
#: a record larger than this is not read (the built-in templates' are about 0.1 MB)
MAX_RECORD_BYTES = 16 << 20
_FORMAT = 1  # the layout of a record; a change makes every older record a miss
_OFF = frozenset({"", "0", "off", "no", "none", "false"})

#: one compiled part: (part name, the Jinja source it was compiled from, whether its tables need
#: docxtpl's fix, the compiled code)
PartRecord = tuple[str, str, bool, CodeType]


def cache_dir() -> Path | None:
    """The folder records go in, or None (turned off, or not safe to use: see the module doc)."""
    setting = os.environ.get("BIDGEN_CACHE_DIR")
    if setting is not None and setting.strip().lower() in _OFF:
        return None
    if not hasattr(os, "getuid"):  # pragma: no cover - no owner to check (Windows)
        return None
    if setting:
        base = Path(setting).expanduser()
        folder = base
    else:
        home = os.environ.get("XDG_CACHE_HOME")
        base = Path(home) if home and Path(home).is_absolute() else Path.home() / ".cache"
        folder = base / "bidgen" / "templates"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except (OSError, RuntimeError):
        return None
    if not (_private(folder) and _private(folder.parent, parent=True)):
        return None
    return folder


def _private(folder: Path, parent: bool = False) -> bool:
    """A real folder (not a link) owned by this user that no one else may write into; a parent may
    also be root's, and writable by all when sticky (such as /tmp: no one can move our folder)."""
    try:
        st = os.lstat(folder)
    except OSError:
        return False
    if not stat.S_ISDIR(st.st_mode) or st.st_uid not in ((os.getuid(), 0) if parent else (os.getuid(),)):
        return False
    return not st.st_mode & 0o022 or (parent and bool(st.st_mode & stat.S_ISVTX))


@lru_cache(maxsize=1)
def _compiler() -> bytes | None:
    """What shapes the compiled code besides the template: our compiling modules' source and the
    versions of the tools (None when the source cannot be read: then nothing is cached)."""
    import docxtpl
    import jinja2

    h = hashlib.sha256(f"{_FORMAT}|{sys.version}|{marshal.version}|{jinja2.__version__}|"
                       f"{getattr(docxtpl, '__version__', '?')}".encode())
    here = Path(__file__).resolve().parent
    try:
        for source in (here / "render.py", here / "xmlsafe.py", here.parent / "sandbox.py"):
            h.update(source.read_bytes())
    except OSError:  # pragma: no cover - installed without its source (a zip, a frozen build)
        return None
    return h.digest()


def cache_key(name: str, data: bytes) -> str | None:
    """The key of the template ``data`` read from ``name`` (its path as the compiled code names
    it); None when records cannot be told apart safely."""
    compiler = _compiler()
    if compiler is None:
        return None
    h = hashlib.sha256(compiler)
    h.update(name.encode("utf-8", "surrogatepass") + b"\0")
    h.update(hashlib.sha256(data).digest())
    return h.hexdigest()


def load_record(key: str) -> tuple[int, str | None, PartRecord | None, list[PartRecord]] | None:
    """The record of ``key``: (first bookmark id, core properties source, its compiled part or
    None, the compiled parts); None when there is none or it cannot be used."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        with open(folder / f"{key}.bin", "rb", opener=_no_follow) as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_RECORD_BYTES:
                return None
            record = marshal.load(fh)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not (isinstance(record, tuple) and len(record) == 5 and record[0] == key):
        return None
    _, first_id, core, core_part, parts = record
    if not (isinstance(first_id, int) and isinstance(parts, list) and all(_is_part(p) for p in parts)
            and (core is None or isinstance(core, str)) and (core_part is None or _is_part(core_part))):
        return None
    return first_id, core, core_part, parts


def _is_part(p: Any) -> bool:
    return (isinstance(p, tuple) and len(p) == 4 and isinstance(p[0], str) and isinstance(p[1], str)
            and isinstance(p[2], bool) and isinstance(p[3], CodeType))


def store_record(key: str, first_id: int, core: str | None, core_part: PartRecord | None,
                 parts: list[PartRecord]) -> None:
    """Keep a record (atomically; any failure only means the next process compiles again)."""
    folder = cache_dir()
    if folder is None:
        return
    tmp = None
    try:
        data = marshal.dumps((key, first_id, core, core_part, parts))
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".record.", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, folder / f"{key}.bin")
        tmp = None
        _prune(folder)
    except (OSError, ValueError):
        pass
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _prune(folder: Path) -> None:
    """At most :data:`MAX_RECORDS` records: the ones written longest ago go."""
    records = list(folder.glob("*.bin"))
    if len(records) <= MAX_RECORDS:
        return
    def used(p: Path) -> float:
        try:
            return p.stat().st_mtime
        except OSError:
            return 0.0
    for old in sorted(records, key=used)[: len(records) - MAX_RECORDS]:
        try:
            old.unlink()
        except OSError:
            pass


def _no_follow(path: str, flags: int) -> int:
    """Open without following a link, and without waiting on a FIFO planted as a record."""
    return os.open(path, flags | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
