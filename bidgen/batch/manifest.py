"""The run's memory in OUTDIR: per deal, the hash of everything its documents depend on and the
hash of every file written, so that a re-run skips what is done and redoes the rest.

The manifest is a JSON-lines log (``OUTDIR/.bidgen-batch.jsonl``): a line is appended and flushed
after a deal's documents are in place, so a run killed at any moment loses at most the deal in
flight (a torn last line is ignored); at the end of a run the log is rewritten compactly
(atomically).  A deal whose line is missing, whose hash differs or one of whose files is
missing or changed is rendered again.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Iterable

__all__ = ["MANIFEST", "Manifest", "input_hash", "shared_hash", "file_hash"]

MANIFEST = ".bidgen-batch.jsonl"
FORMAT = 1


def _well_formed(row: dict[str, Any]) -> bool:
    """Whether a manifest entry has the shape bidgen writes (an edited or foreign line is ignored)."""
    files = row.get("files")
    return (isinstance(row.get("hash"), str) and isinstance(files, list)
            and all(isinstance(f, list) and len(f) == 2 and all(isinstance(x, str) for x in f) for f in files)
            and isinstance(row.get("findings", []), list)
            and all(isinstance(f, dict) for f in row.get("findings", [])))


def _inside(rel: Any) -> bool:
    """Whether a path the manifest holds stays inside OUTDIR: relative, without ``..``."""
    if not isinstance(rel, str) or not rel or "\\" in rel or rel.startswith("/") or ":" in rel:
        return False
    return all(part not in ("", ".", "..") for part in rel.split("/"))


def file_hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def edited(outdir: Path, guard: Iterable[tuple[str, str]], targets: Iterable[Path]) -> list[str]:
    """The files among ``targets`` (about to be written) that an earlier run wrote (``guard``:
    :meth:`Manifest.guard`) and that were changed since: writing over them would lose a person's
    changes.  Relative paths, as the manifest has them."""
    wanted = {os.path.normcase(os.path.abspath(p)) for p in targets}
    out = []
    for rel, sha in guard:
        path = Path(outdir) / rel
        if os.path.normcase(os.path.abspath(path)) not in wanted or not path.is_file() or path.is_symlink():
            continue
        if file_hash(path) != sha:
            out.append(rel)
    return out


def _tree_hash(h: Any, folder: Path, patterns: Iterable[str]) -> None:
    if not folder.is_dir():
        return
    for pattern in patterns:
        for f in sorted(folder.rglob(pattern)):
            if f.is_file():
                h.update(str(f.relative_to(folder)).encode())
                h.update(hashlib.sha256(f.read_bytes()).digest())


def shared_hash(*, library_dirs: Iterable[Path], policy_file: Path | None, options: dict[str, Any]) -> str:
    """A hash of what every deal's documents depend on: bidgen's version, the built-in templates
    and libraries, the workspace folders, the policy file and the run's options."""
    from bidgen import __version__
    from bidgen.paths import clauses_dir, templates_dir

    h = hashlib.sha256()
    h.update(f"bidgen {__version__}".encode())
    _tree_hash(h, templates_dir(), ["*.docx"])
    _tree_hash(h, clauses_dir(), ["*.yaml", "*.yml"])
    for d in library_dirs:
        h.update(str(Path(d).resolve()).encode())
        _tree_hash(h, Path(d), ["*.yaml", "*.yml", "*.docx"])
    if policy_file is not None:
        h.update(Path(policy_file).read_bytes())
    h.update(json.dumps(options, sort_keys=True, default=str).encode())
    return h.hexdigest()


def input_hash(shared: str, *models: Any) -> str:
    """The hash of one deal: the shared hash and its records (deal, tender, meeting)."""
    h = hashlib.sha256(shared.encode())
    for m in models:
        data = m.model_dump(mode="json") if m is not None else None
        h.update(json.dumps(data, sort_keys=True, ensure_ascii=False).encode())
    return h.hexdigest()


class Manifest:
    """Per deal id: ``{"hash": …, "files": [[relative path, sha256], …], "status": …, "total": …,
    "findings": […]}``.

    In memory only the entries of the previous run that this run has not yet redone
    (:attr:`deals`); what this run records goes straight to the log, and :meth:`close` compacts the
    log by reading it (so that memory stays flat in the number of deals)."""

    def __init__(self, outdir: Path) -> None:
        self.outdir = Path(outdir)
        self.path = self.outdir / MANIFEST
        self.deals: dict[str, dict[str, Any]] = {}
        #: deals the driver of an earlier run began to render and never came back from (the process
        #: ended under it: see :meth:`attempt`), until a run renders them elsewhere and they come back
        self.suspects: set[str] = set()
        #: why the log could not be kept (a full disk, a folder gone read-only): the run goes on (its
        #: documents are written), and says so once it has written its report
        self.error: Any = None
        self._log: Any = None

    @classmethod
    def load(cls, outdir: Path) -> "Manifest":
        m = cls(outdir)
        if m.path.is_symlink():  # planted: never read (nor, later, written) through a link
            return m
        try:
            text = m.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return m
        for line in text.splitlines():
            try:
                row = json.loads(line)
            except ValueError:
                continue  # a line torn by a kill
            if isinstance(row, dict) and isinstance(row.get("attempt"), str):
                m.suspects.add(row["attempt"])
                continue
            if isinstance(row, dict) and isinstance(row.get("deal"), str):
                m.suspects.discard(row["deal"])
                if row.get("hash") is None or not _well_formed(row):
                    m.deals.pop(row["deal"], None)  # forgotten, or an entry of the wrong shape: render again
                else:
                    m.deals[row["deal"]] = {k: v for k, v in row.items() if k != "deal"}
        return m

    def unchanged(self, deal: str, digest: str) -> dict[str, Any] | None:
        """The deal's entry (with ``paths``) when its hash matches and every file it lists is there;
        ``edited``: those of them changed since bidgen wrote them (by a person: kept as they are).
        None when the deal must be rendered again (its inputs changed, or a file is gone)."""
        entry = self.deals.get(deal)
        if not entry or entry.get("hash") != digest or not entry.get("files"):
            return None
        paths = []
        edited = []
        for rel, sha in entry["files"]:
            if not _inside(rel):  # an edited manifest never points bidgen outside OUTDIR
                return None
            path = self.outdir / rel
            now = file_hash(path) if path.is_file() and not path.is_symlink() else None
            if now is None:
                return None
            if now != sha:
                edited.append(rel)
            paths.append(path)
        return {**entry, "paths": paths, "edited": edited}

    def guard(self, deal: str) -> tuple[tuple[str, str], ...]:
        """The files the manifest says bidgen wrote for ``deal``, with their hashes (relative to
        OUTDIR): the run writes none of them over a change a person made (see :func:`edited`)."""
        entry = self.deals.get(deal)
        files = entry.get("files") if entry else None
        return tuple((rel, sha) for rel, sha in files or () if _inside(rel))

    def _append(self, row: dict[str, Any]) -> None:
        if self.error is not None:
            return
        try:
            if self._log is None:
                self.outdir.mkdir(parents=True, exist_ok=True)
                self._log = _open_own(self.path, os.O_APPEND)
                self._log.write(json.dumps({"format": FORMAT}) + "\n")
            self._log.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
            self._log.flush()
        except OSError as exc:
            self._failed(exc)

    def _failed(self, exc: OSError) -> None:
        from bidgen.errors import WriteError

        if self.error is None:
            self.error = WriteError(f"cannot keep the run's manifest ({exc.strerror or exc}): the documents are "
                                    "written, but a re-run cannot tell which deals are done and renders them all "
                                    "again", file=str(self.path))
        if self._log is not None:
            try:
                self._log.close()
            except OSError:
                pass
            self._log = None

    def attempt(self, deal: str) -> None:
        """Before the driver renders a deal itself: a line that says so (flushed), so that if the
        deal ends the process (the OOM killer, a crash in a library), the next run knows it and
        renders it in a worker process of its own instead (:attr:`suspects`); a run that ends
        normally leaves no such line."""
        self._append({"attempt": deal})

    def suspect(self, deal: str) -> None:
        """A deal ended the worker process that rendered it alone: the next run renders it alone
        again, never in the driver."""
        self.suspects.add(deal)
        self._append({"attempt": deal})

    def cleared(self, deal: str) -> None:
        """A deal came back from the process that rendered it: no longer a suspect."""
        self.suspects.discard(deal)

    def done(self, deal: str) -> None:
        """A deal found unchanged: its entry stays in the log, and leaves memory."""
        self.deals.pop(deal, None)

    def record(self, deal: str, digest: str, files: Iterable[tuple[Path, bytes | str]], **about: Any) -> None:
        """After a deal's documents are in place: its hash, the hash of each file (in order: its
        bytes, or their sha256 when the job computed it) and what the report says about it
        (``about``: status, total, findings)."""
        entry = {"hash": digest, **about,
                 "files": [[self._relative(Path(p)), data if isinstance(data, str) else hashlib.sha256(data).hexdigest()]
                           for p, data in files]}
        self.deals.pop(deal, None)
        self._append({"deal": deal, **entry})

    def _relative(self, path: Path) -> str:
        """``path`` relative to OUTDIR (by its parts when it is under OUTDIR as given; else resolved)."""
        try:
            return path.relative_to(self.outdir).as_posix()
        except ValueError:
            return path.resolve().relative_to(self.outdir.resolve()).as_posix()

    def close(self) -> None:
        """Rewrite the log compactly (atomically, synced): each deal's last line, read from the log
        twice (once to find it, once to copy it) rather than held.  A failure is kept in
        :attr:`error` (the log is left as it was, no temporary file)."""
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            self._compact(tmp)
        except OSError as exc:
            self._failed(exc)
            try:
                os.unlink(tmp)
            except OSError:
                pass

    def _compact(self, tmp: Path) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None
        if self.path.is_symlink() or self.error is not None:
            return
        try:
            fh = open(self.path, encoding="utf-8")
        except OSError:
            return
        last: dict[str, int] = {}
        with fh:
            for n, line in enumerate(fh):
                deal = _deal_of(line)
                if deal is not None:
                    last[deal] = n
            fh.seek(0)
            with _open_own(tmp, os.O_TRUNC) as out:
                out.write(json.dumps({"format": FORMAT}) + "\n")
                for n, line in enumerate(fh):
                    deal = _deal_of(line)
                    if deal is None or last.get(deal) != n:
                        continue
                    row = json.loads(line)
                    if row.get("hash") is not None:
                        out.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
                for deal in sorted(self.suspects):  # not yet rendered elsewhere: still suspects next time
                    out.write(json.dumps({"attempt": deal}, ensure_ascii=False) + "\n")
                out.flush()
                os.fsync(out.fileno())
        os.replace(tmp, self.path)


def _open_own(path: Path, mode: int) -> Any:
    """Open a file of the manifest for writing (``mode``: O_APPEND or O_TRUNC) without ever
    following a symbolic link planted at its name: the link is removed and a file of our own made."""
    flags = os.O_WRONLY | os.O_CREAT | mode | getattr(os, "O_NOFOLLOW", 0)
    if path.is_symlink():
        path.unlink()
    fd = os.open(path, flags, 0o644)
    return os.fdopen(fd, "a" if mode == os.O_APPEND else "w", encoding="utf-8")


def _deal_of(line: str) -> str | None:
    """The deal a log line is about (None: the format line, or a line torn by a kill)."""
    try:
        row = json.loads(line)
    except ValueError:
        return None
    return row["deal"] if isinstance(row, dict) and isinstance(row.get("deal"), str) else None
