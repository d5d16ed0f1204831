"""Writing several files as one set: every file rendered first, then all moved into place.

A deal's documents (proposal, bid package and its parts, memo and its e-mail draft, brief) must
agree with each other, so they are written together::

    files = FileSet()
    files.add(out / "Proposal_ACME_v20250301.docx", data, source="deal.yaml")
    files.add(out / "Memo_ACME_v20250228.eml", eml, source="meeting.yaml")
    files.commit()                 # or commit(fsync=False) in a bulk run, then sync_dirs(...)

:meth:`FileSet.add` refuses a second file for a path already in the set (compared the way a
case-insensitive file system would, so ``Proposal_ACME`` and ``Proposal_acme`` clash too) with
an :class:`~bidgen.errors.OutputClash` naming both sources: nothing has been written then.

:meth:`FileSet.commit` works in three steps:

1. every file is written to a temporary file beside its target (``.<name>.<random>.tmp``);
2. every existing target is kept as a hard link (``.<name>.<random>.bak``);
3. every temporary file is renamed over its target (:func:`os.replace`: a symlink at the
   target is replaced by the file, never followed).

If any step fails (disk full, permission, a file locked elsewhere), the targets already
replaced get their previous file back (or are removed when there was none), every temporary
and backup file is removed, and a :class:`~bidgen.errors.WriteError` (exit 1) names the file
that failed.  The previous documents therefore stay as they were, consistent with each other.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bidgen.errors import OutputClash, WriteError

__all__ = ["FileSet", "Pending", "clash_key", "commit_files", "sync_dirs"]


@dataclass(frozen=True)
class Pending:
    """One file waiting to be written: where, what, and which input it comes from."""

    path: Path
    data: bytes
    source: str = ""
    kind: str = ""

    def describe(self) -> str:
        what = f"{self.kind} of {self.source}" if self.kind and self.source else (self.source or self.kind)
        return what or "another document"


def clash_key(path: Path) -> str:
    """The key two paths clash on: the same file on a case-insensitive or normalising file system."""
    import unicodedata

    return unicodedata.normalize("NFC", os.path.normcase(os.path.abspath(path))).casefold()


class FileSet:
    """Files to write together (see the module doc).  Not thread-safe."""

    def __init__(self, files: Iterable[Pending] = ()) -> None:
        self._files: dict[str, Pending] = {}
        for f in files:
            self.add(f.path, f.data, source=f.source, kind=f.kind)

    def add(self, path: str | os.PathLike[str], data: bytes, *, source: str = "", kind: str = "") -> Path:
        """Queue ``data`` for ``path``; raises OutputClash when the set already writes that path."""
        target = Path(os.path.abspath(path))
        key = clash_key(target)
        new = Pending(target, bytes(data), source, kind)
        old = self._files.get(key)
        if old is not None:
            raise OutputClash(
                f"two documents of this run would be written to {target.name}: the "
                f"{old.describe()} and the {new.describe()} (give them distinct client codes or dates, "
                "or write them to separate folders); nothing written",
                file=str(target),
            )
        self._files[key] = new
        return target

    def __iter__(self) -> Iterator[Pending]:
        return iter(self._files.values())

    def __len__(self) -> int:
        return len(self._files)

    def __contains__(self, path: object) -> bool:
        return isinstance(path, (str, os.PathLike)) and clash_key(Path(path)) in self._files

    @property
    def paths(self) -> list[Path]:
        return [f.path for f in self._files.values()]

    def commit(self, *, fsync: bool = True) -> list[Path]:
        """Write every file (see the module doc); returns the paths in the order added."""
        return commit_files(list(self._files.values()), fsync=fsync)


def _err(exc: OSError, target: Path, what: str = "cannot write") -> WriteError:
    return WriteError(f"{what}: {exc.strerror or exc}; no document of this set was changed", file=str(target))


def commit_files(files: list[Pending], *, fsync: bool = True, mkdirs: bool = True) -> list[Path]:
    """Write ``files`` all-or-nothing (see the module doc).  ``fsync=False`` skips the per-file
    and per-folder fsync (a bulk run calls :func:`sync_dirs` once at the end instead);
    ``mkdirs`` creates missing folders."""
    temps: list[tuple[Pending, str]] = []
    backups: dict[Path, str] = {}
    replaced: list[Pending] = []
    made: set[Path] = set()
    there: dict[Path, os.stat_result | None] = {}  # what each target is now (lstat; None: nothing)
    try:
        # 1. every file to a temporary file beside its target
        for f in files:
            try:
                if mkdirs and f.path.parent not in made:
                    f.path.parent.mkdir(parents=True, exist_ok=True)
                    made.add(f.path.parent)
                fd, tmp = tempfile.mkstemp(dir=f.path.parent, prefix=f".{f.path.name}.", suffix=".tmp")
            except OSError as exc:
                raise _err(exc, f.path) from exc
            temps.append((f, tmp))
            there[f.path] = st = _lstat(f.path)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(f.data)
                    fh.flush()
                    os.fchmod(fh.fileno(), _target_mode(f.path, st))
                    if fsync:
                        os.fsync(fh.fileno())
            except OSError as exc:
                raise _err(exc, f.path) from exc
        # 2. keep what is there now (a hard link: the original stays in place meanwhile)
        for f, _tmp in temps:
            st = there[f.path]
            if st is None or stat.S_ISLNK(st.st_mode):
                continue
            if stat.S_ISDIR(st.st_mode):
                raise WriteError("a folder is in the way of this document; no document of this set "
                                 "was changed", file=str(f.path))
            bak = _backup_name(f.path)
            try:
                os.link(f.path, bak, follow_symlinks=False)
            except OSError:
                continue  # no hard links here: the rename below is still atomic per file
            backups[f.path] = bak
        # 3. every temporary file over its target
        for f, tmp in temps:
            try:
                os.replace(tmp, f.path)
            except OSError as exc:
                raise _err(exc, f.path) from exc
            replaced.append(f)
    except BaseException:
        for f in reversed(replaced):
            bak = backups.get(f.path)
            try:
                if bak is not None:
                    os.replace(bak, f.path)
                    backups.pop(f.path)
                else:
                    os.unlink(f.path)
            except OSError:
                pass
        for _f, tmp in temps:
            _silent_unlink(tmp)
        for bak in backups.values():
            _silent_unlink(bak)
        raise
    for bak in backups.values():
        _silent_unlink(bak)
    if fsync:
        sync_dirs(f.path.parent for f in files)
    return [f.path for f in files]


def sync_dirs(dirs: Iterable[Path]) -> None:
    """fsync each folder once (after renames), so the new names survive a crash."""
    for d in dict.fromkeys(Path(x) for x in dirs):
        _fsync_dir(d)


def _backup_name(path: Path) -> str:
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".bak")
    os.close(fd)
    os.unlink(name)
    return name


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except OSError:
        return None


def _target_mode(target: Path, st: os.stat_result | None) -> int:
    """The mode the new file gets: the replaced file's (``st``, its lstat), else rw-r--r--; a
    symbolic link's target is not consulted (the link is replaced, never followed)."""
    if st is not None and not stat.S_ISLNK(st.st_mode) and not stat.S_ISDIR(st.st_mode):
        return st.st_mode & 0o7777
    return 0o644


def _silent_unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
