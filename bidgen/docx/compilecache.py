"""Compiled templates kept on disk, so that a new process does not compile them again.

Compiling a .docx template (canonical XML, docxtpl's patch, Jinja's parser and code generator,
Python's compiler) takes about 0.05 s per template; every ``bidgen`` command and every bulk run
starts by doing it for each template it uses.  The result of compiling a template's parts (the
patched source and Python code object of each part) is therefore kept in one record per template
in ``$BIDGEN_CACHE_DIR`` (an absolute path; default ``$XDG_CACHE_HOME/bidgen/templates``, else
``~/.cache/bidgen/templates``), the way Python keeps ``__pycache__``.  ``BIDGEN_CACHE_DIR=off``
turns it off.

A record is used only when it was made from the same template bytes at the same path, by the same
compiler: the key hashes the template, its path, the source of the modules that shape the compiled
code (this module's siblings :mod:`bidgen.docx.render`, :mod:`bidgen.docx.xmlsafe` and
:mod:`bidgen.sandbox`), the versions of Jinja and docxtpl, and Python's; and the record carries
the sha256 of its contents, checked before it is read (a damaged record is made again).

What a record holds is code that will run, so no one but the user may be able to write it: the
folder is opened once (never through a symbolic link) and used through that handle only when the
user owns it and no one else may write into it, and a record is read only when it is a plain file
the user owns.  Swapping the folder, or any folder above it, for another therefore cannot bring
foreign records in.  The folders bidgen creates are private (0700, whatever the umask); a folder
that is not is not used, with one warning.  bidgen touches no file in the folder but its own
records (``<key>.bidgen-template``) and their temporary files, keeps at most
:data:`MAX_RECORDS` of them, and removes temporary files left by a killed process.

The cache never changes what is rendered: a template loaded from it renders byte-identical
documents (the tests compare both ways).
"""

from __future__ import annotations

import hashlib
import marshal
import os
import re
import stat
import sys
import time
import warnings
from functools import lru_cache
from pathlib import Path
from types import CodeType
from typing import Any

__all__ = ["CacheWarning", "cache_dir", "cache_key", "has_record", "load_record", "store_record", "MAX_RECORDS"]

#: the most records kept: each built-in template in each locale has one (a dozen), plus workspaces'
MAX_RECORDS = 256
#: a record larger than this is not read (the built-in templates' are about 0.1 MB)
MAX_RECORD_BYTES = 16 << 20
_MAGIC = b"bidgen compiled template 2\n"  # a change makes every older record a miss
_OFF = frozenset({"", "0", "off", "no", "none", "false"})
_SUFFIX = ".bidgen-template"
_RECORD_NAME = re.compile(r"[0-9a-f]{64}\.bidgen-template")
_TEMP_NAME = re.compile(r"\.[0-9a-f]{64}\.[0-9]+\.[0-9a-f]{8}\.tmp")
_STALE_TEMP = 3600.0  # a temporary file this old was left by a process that was killed

#: one compiled part: (part name, the Jinja source it was compiled from, whether its tables need
#: docxtpl's fix, the compiled code)
PartRecord = tuple[str, str, bool, CodeType]


class CacheWarning(UserWarning):
    """The compiled-template cache cannot be used (said once per process)."""


def cache_dir() -> Path | None:
    """The folder records go in, or None (turned off, or not safe to use: see the module doc)."""
    found = _folder()
    if found is None:
        return None
    os.close(found[1])
    return found[0]


def _folder() -> tuple[Path, int] | None:
    """The folder and an open handle on it, checked (see the module doc); None when off or unsafe."""
    setting = os.environ.get("BIDGEN_CACHE_DIR")
    if setting is not None and setting.strip().lower() in _OFF:
        return None
    if not hasattr(os, "getuid") or not hasattr(os, "O_NOFOLLOW"):  # pragma: no cover - Windows
        return None
    if setting:
        folder = Path(setting).expanduser()
        if not folder.is_absolute():
            _warn(f"BIDGEN_CACHE_DIR={setting!r} is not an absolute path; compiled templates are not kept")
            return None
    else:
        home = os.environ.get("XDG_CACHE_HOME")
        base = Path(home) if home and Path(home).is_absolute() else Path.home() / ".cache"
        folder = base / "bidgen" / "templates"
    try:
        _make_private(folder)
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    except (OSError, RuntimeError):
        return None
    st = os.fstat(fd)
    if st.st_uid != os.getuid() or st.st_mode & 0o022:
        os.close(fd)
        _warn(f"{folder} is not a private folder of this user (owner or permissions); compiled templates "
              f"are not kept (chmod 700 it, or set BIDGEN_CACHE_DIR=off)")
        return None
    return folder, fd


def _make_private(folder: Path) -> None:
    """Create ``folder`` and the folders above it that are missing, each private (0700: the umask
    would leave them group-writable under 002, and then refused)."""
    missing = []
    p = folder
    while not os.path.lexists(p):
        missing.append(p)
        if p.parent == p:
            break
        p = p.parent
    for p in reversed(missing):
        try:
            os.mkdir(p, 0o700)
        except FileExistsError:
            continue
        os.chmod(p, 0o700)


@lru_cache(maxsize=None)
def _warn(message: str) -> None:
    warnings.warn(CacheWarning(message), stacklevel=4)


@lru_cache(maxsize=1)
def _compiler() -> bytes | None:
    """What shapes the compiled code besides the template: our compiling modules' source and the
    versions of the tools (None when the source cannot be read: then nothing is cached)."""
    h = hashlib.sha256(_MAGIC + f"{sys.version}|{marshal.version}|{_version('jinja2')}|"
                       f"{_version('docxtpl')}".encode())
    here = Path(__file__).resolve().parent
    try:
        for source in (here / "render.py", here / "xmlsafe.py", here.parent / "sandbox.py"):
            h.update(source.read_bytes())
    except OSError:  # pragma: no cover - installed without its source (a zip, a frozen build)
        return None
    return h.digest()


def _version(package: str) -> str:
    """An installed package's version, from its metadata (importing docxtpl only to ask would cost
    a run's start about 0.1 s: see :func:`bidgen.batch.run._all_cached`); the module's own
    ``__version__`` when there is no metadata (a checkout on the path)."""
    from importlib import import_module, metadata

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return str(getattr(import_module(package), "__version__", "?"))


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
    found = _folder()
    if found is None:
        return None
    _, fd = found
    try:
        data = _read_own(f"{key}{_SUFFIX}", fd)
    finally:
        os.close(fd)
    if data is None or not data.startswith(_MAGIC) or len(data) < len(_MAGIC) + 32:
        return None
    digest, payload = data[len(_MAGIC):len(_MAGIC) + 32], data[len(_MAGIC) + 32:]
    if hashlib.sha256(payload).digest() != digest:
        return None  # damaged (a flipped bit, a torn write): made again
    try:
        record = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    if not (isinstance(record, tuple) and len(record) == 5 and record[0] == key):
        return None
    _, first_id, core, core_part, parts = record
    if not (isinstance(first_id, int) and isinstance(parts, list) and all(_is_part(p) for p in parts)
            and (core is None or isinstance(core, str)) and (core_part is None or _is_part(core_part))):
        return None
    return first_id, core, core_part, parts


def has_record(key: str) -> bool:
    """Whether a record of ``key`` is there (not read: :func:`load_record` still checks it)."""
    found = _folder()
    if found is None:
        return False
    _, fd = found
    try:
        return stat.S_ISREG(os.stat(f"{key}{_SUFFIX}", dir_fd=fd, follow_symlinks=False).st_mode)
    except OSError:
        return False
    finally:
        os.close(fd)


def _read_own(name: str, fd: int) -> bytes | None:
    """The bytes of the plain file ``name`` in the folder ``fd`` when this user owns it (never
    through a link, never waiting on a FIFO)."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        f = os.open(name, flags, dir_fd=fd)
    except OSError:
        return None
    try:
        st = os.fstat(f)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid() or st.st_size > MAX_RECORD_BYTES:
            return None
        chunks = []
        size = 0
        while size <= MAX_RECORD_BYTES:
            chunk = os.read(f, 1 << 20)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            size += len(chunk)
        return None
    except OSError:
        return None
    finally:
        os.close(f)


def _is_part(p: Any) -> bool:
    return (isinstance(p, tuple) and len(p) == 4 and isinstance(p[0], str) and isinstance(p[1], str)
            and isinstance(p[2], bool) and isinstance(p[3], CodeType))


def store_record(key: str, first_id: int, core: str | None, core_part: PartRecord | None,
                 parts: list[PartRecord]) -> None:
    """Keep a record (atomically; any failure only means the next process compiles again)."""
    found = _folder()
    if found is None:
        return
    _, fd = found
    tmp = None
    try:
        payload = marshal.dumps((key, first_id, core, core_part, parts))
        tmp = f".{key}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
        f = os.open(tmp, flags, 0o600, dir_fd=fd)
        try:
            data = _MAGIC + hashlib.sha256(payload).digest() + payload
            view = memoryview(data)
            while view:
                view = view[os.write(f, view):]
        finally:
            os.close(f)
        os.replace(tmp, f"{key}{_SUFFIX}", src_dir_fd=fd, dst_dir_fd=fd)
        tmp = None
        _prune(fd)
    except (OSError, ValueError):
        pass
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp, dir_fd=fd)
            except OSError:
                pass
        os.close(fd)


def _prune(fd: int) -> None:
    """At most :data:`MAX_RECORDS` records (the ones written longest ago go), and no temporary
    file left by a killed process.  Other files in the folder are never touched."""
    now = time.time()
    records: list[tuple[float, str]] = []
    for name in os.listdir(fd):
        is_record = _RECORD_NAME.fullmatch(name) is not None
        if not is_record and _TEMP_NAME.fullmatch(name) is None:
            continue
        try:
            st = os.stat(name, dir_fd=fd, follow_symlinks=False)
        except OSError:
            continue
        if is_record:
            records.append((st.st_mtime, name))
        elif now - st.st_mtime > _STALE_TEMP:
            _unlink(name, fd)
    if len(records) > MAX_RECORDS:
        for _, name in sorted(records)[: len(records) - MAX_RECORDS]:
            _unlink(name, fd)


def _unlink(name: str, fd: int) -> None:
    try:
        os.unlink(name, dir_fd=fd)
    except OSError:
        pass
