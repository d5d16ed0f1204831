"""The run's memory in OUTDIR: per deal, the hash of everything its documents depend on and the
hash of every file written, so that a re-run skips what is done and redoes the rest.

The manifest is a JSON-lines log (``OUTDIR/.bidgen-batch.jsonl``): a line is appended and flushed
after a deal's documents are in place, so a run killed at any moment loses at most the deal in
flight (a torn last line is ignored); at the end of a run the log is rewritten compactly
(atomically).  A deal whose line is missing, whose hash differs or one of whose files is
missing is rendered again; a file changed since it was written is kept (a person's change), and
never written over by accident (:func:`edited`).  The process that puts a deal's files in place
appends a ``writing`` line first (:func:`intend`), so that files written by a run that ended
before recording their deal are still known as bidgen's.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any, Iterable

__all__ = ["MANIFEST", "Manifest", "input_hash", "shared_hash", "file_hash"]

MANIFEST = ".bidgen-batch.jsonl"
FORMAT = 1


#: a total as the manifest keeps it: the exact decimal a deal's documents state
_TOTAL = re.compile(r"-?\d{1,30}(?:\.\d{1,12})?")
_FINDING_KEYS = ("severity", "rule", "message", "place")
#: notes of files being written (:func:`intend`) kept per deal at compaction, the most recent
_NOTES_KEPT = 8
#: files a deal's entry may list (a deal writes a handful; an entry listing more was not written by bidgen)
_FILES_MAX = 64


def _well_formed(row: dict[str, Any]) -> bool:
    """Whether a manifest entry has the shape bidgen writes (an edited or foreign line is ignored:
    its deal is rendered again)."""
    files = row.get("files")
    total = row.get("total")
    findings = row.get("findings", [])
    return (isinstance(row.get("hash"), str) and isinstance(files, list) and len(files) <= _FILES_MAX
            and all(isinstance(f, list) and len(f) == 2 and all(isinstance(x, str) for x in f) for f in files)
            and (total is None or (isinstance(total, str) and _TOTAL.fullmatch(total) is not None))
            and isinstance(findings, list)
            and all(isinstance(f, dict) and all(isinstance(f.get(k), str) for k in _FINDING_KEYS)
                    and f["severity"] in ("error", "warning", "info") for f in findings))


def _inside(rel: Any) -> bool:
    """Whether a path the manifest holds stays inside OUTDIR: relative, without ``..``."""
    if not isinstance(rel, str) or not rel or "\\" in rel or rel.startswith("/") or ":" in rel:
        return False
    return all(part not in ("", ".", "..") for part in rel.split("/"))


def file_hash(path: Path) -> str | None:
    return _read_hash(path)[0]


def _read_hash(path: Path) -> tuple[str | None, str]:
    """The sha256 of a file's bytes; or None, with why it cannot be read."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest(), ""
    except OSError as exc:
        return None, str(exc.strerror or exc)


def edited(outdir: Path, guard: Iterable[tuple[str, str]], targets: Iterable[tuple[Path, str]]) -> list[tuple[str, str]]:
    """The files among ``targets`` (about to be written: each path with the sha256 of its new
    bytes) that stand in the way as something bidgen cannot vouch for: a file that is neither
    what a run into OUTDIR wrote there (``guard``: :meth:`Manifest.guard`, the deal's files with
    their hashes) nor the bytes about to be written, or one that cannot be read.  Writing over one
    would lose a person's changes (or a file of someone else's making).  Each as its path
    relative to OUTDIR, as the manifest has it, and why it cannot be vouched for."""
    known: dict[str, set[str]] = {}
    for rel, sha in guard:
        known.setdefault(rel, set()).add(sha)
    out = []
    for path, new in targets:
        path = Path(path)
        if path.is_symlink() or not path.is_file():  # (a link is replaced, never followed)
            continue
        rel = _relative(Path(outdir), path)
        now, unreadable = _read_hash(path)
        if now is None:
            out.append((rel, f"it cannot be read ({unreadable})"))
            continue
        if now != new and now not in known.get(rel, ()):
            out.append((rel, "it is not as bidgen last wrote it (a person changed it since, or no run into this "
                             "folder wrote it)"))
    return out


def intend(outdir: Path, deal: str, files: Iterable[tuple[Path, str]]) -> None:
    """Before a process puts a deal's new files in place: a line in the manifest's log with their
    hashes, so that if the run ends before the driver records the deal (Ctrl-C, a kill), the next
    run still knows these files as bidgen's (never as a person's changes to keep).  Best effort:
    a log that cannot be appended to only loses that knowledge."""
    path = Path(outdir) / MANIFEST
    line = json.dumps({"writing": deal, "files": [[_relative(Path(outdir), Path(p)), sha] for p, sha in files]},
                      ensure_ascii=False, sort_keys=True) + "\n"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except OSError:
        return
    try:
        os.write(fd, line.encode("utf-8"))  # one write: appends from several processes never interleave
    except OSError:
        pass
    finally:
        os.close(fd)


def _relative(outdir: Path, path: Path) -> str:
    """``path`` relative to OUTDIR (by its parts when it is under OUTDIR as given; else resolved)."""
    try:
        return path.relative_to(outdir).as_posix()
    except ValueError:
        return path.resolve().relative_to(outdir.resolve()).as_posix()


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
        #: files a process of an earlier run was putting in place for a deal when that run ended
        #: before recording it (:func:`intend`): bidgen's own, whatever their hash
        self.writing: dict[str, list[tuple[str, str]]] = {}
        self.moot: set[str] = set()  # deals whose notes of files being written no longer matter
        self._folders: dict[str, list[tuple[str, str]]] | None = None  # folder -> every file a run wrote there
        self._log: Any = None

    @classmethod
    def load(cls, outdir: Path) -> "Manifest":
        m = cls(outdir)
        if m.path.is_symlink():  # planted: never read (nor, later, written) through a link
            return m
        try:
            data = m.path.read_bytes()
        except OSError:
            return m
        for raw in data.splitlines():
            try:
                row = json.loads(raw.decode("utf-8"))
            except (ValueError, RecursionError):  # (UnicodeDecodeError included)
                continue  # a line torn by a kill, or spoilt
            if isinstance(row, dict) and isinstance(row.get("attempt"), str):
                m.suspects.add(row["attempt"])
                continue
            if isinstance(row, dict) and isinstance(row.get("writing"), str):
                files = row.get("files")
                if isinstance(files, list) and len(files) <= _FILES_MAX:
                    m.writing.setdefault(row["writing"], []).extend(
                        (f[0], f[1]) for f in files
                        if isinstance(f, list) and len(f) == 2 and _inside(f[0]) and isinstance(f[1], str))
                continue
            if isinstance(row, dict) and isinstance(row.get("deal"), str):
                m.suspects.discard(row["deal"])
                m.writing.pop(row["deal"], None)
                if row.get("hash") is None or not _well_formed(row):
                    m.deals.pop(row["deal"], None)  # forgotten, or an entry of the wrong shape: render again
                else:
                    m.deals[row["deal"]] = {k: v for k, v in row.items() if k != "deal"}
        return m

    def unchanged(self, deal: str, digest: str, folder: Path) -> tuple[dict[str, Any] | None, str]:
        """The deal's entry (with ``paths``) when its hash matches and every file it lists is in
        its ``folder`` (``edited``: those changed since bidgen wrote them, by a person: kept as they
        are); else None, with why the deal must be written again."""
        entry = self.deals.get(deal)
        if not entry or entry.get("hash") != digest:
            return None, "its inputs changed"
        if not entry.get("files"):
            return None, "no file of it is recorded"
        paths = []
        edited = []
        for rel, sha in entry["files"]:
            parts = rel.split("/") if _inside(rel) else []
            # (an edited manifest never points bidgen outside the deal's folder)
            if len(parts) != 2 or parts[0] != folder.name:
                return None, f"the manifest names {rel[:120]!r} among its files, outside its folder"
            path = self.outdir / rel
            if path.is_symlink() or not path.is_file():
                return None, f"{rel} is gone"
            now, unreadable = _read_hash(path)
            if now is None:
                return None, f"{rel} cannot be read ({unreadable})"
            if now != sha:
                if (rel, now) in self.writing.get(deal, ()):  # bidgen's, from other inputs: render again
                    return None, f"{rel} was written from other inputs by a run that ended before recording it"
                edited.append(rel)
            paths.append(path)
        listed = {rel for rel, _sha in entry["files"]}
        for rel, sha in self.writing.get(deal, ()):
            path = self.outdir / rel
            if rel not in listed and path.is_file() and not path.is_symlink() and file_hash(path) == sha:
                # a set a run put in place without recording it (other names): written again, and retired
                return None, f"{rel} was written from other inputs by a run that ended before recording it"
        self.moot.add(deal)  # (its notes, if any, name nothing that is still in the way)
        return {**entry, "paths": paths, "edited": edited}, ""

    def guard(self, folder: str) -> tuple[tuple[str, str], ...]:
        """Every file a run into OUTDIR wrote in the deal folder ``folder`` (recorded for any deal,
        or noted as being put in place), with its hash, relative to OUTDIR: what a run may write
        over (see :func:`edited`).  By folder, not by deal: two ids can name one folder."""
        if self._folders is None:
            self._folders = {}
            rows = [(rel, sha) for entry in self.deals.values() for rel, sha in entry.get("files") or ()]
            rows += [pair for notes in self.writing.values() for pair in notes]
            for rel, sha in rows:
                if _inside(rel) and rel.count("/") == 1:
                    self._folders.setdefault(rel.split("/", 1)[0], []).append((rel, sha))
        return tuple(self._folders.get(folder, ()))

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
            self.error = WriteError(f"cannot keep the run's manifest ({exc.strerror or exc}): the deals said written "
                                    "are in place, but a re-run cannot tell which deals are done and renders them "
                                    "all again", file=str(self.path))
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
        self.writing.pop(deal, None)
        self._append({"deal": deal, **entry})

    def _relative(self, path: Path) -> str:
        return _relative(self.outdir, path)

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
            fh = open(self.path, "rb")  # (lines decoded one by one, as load reads them)
        except OSError:
            return
        last: dict[str, int] = {}
        notes: dict[str, dict[str, int]] = {}  # deal -> each distinct note of files being written -> its last line
        with fh:
            for n, line in enumerate(fh):
                deal, row = _deal_of(line)
                if deal is not None:
                    last[deal] = n
                elif row is not None and isinstance(row.get("writing"), str):
                    seen = notes.setdefault(row["writing"], {})
                    seen.pop(line, None)
                    seen[line] = n
            # the notes still wanted: those after a deal's last record, each once, the last few only (a
            # deal whose set cannot be put in place, run after run, must not grow the log without end)
            keep = {n for deal, seen in notes.items() if deal not in self.moot
                    for n in [n for n in seen.values() if n > last.get(deal, -1)][-_NOTES_KEPT:]}
            fh.seek(0)
            with _open_own(tmp, os.O_TRUNC) as out:
                out.write(json.dumps({"format": FORMAT}) + "\n")
                out.flush()
                raw = out.buffer  # the lines kept are copied as they are (never re-encoded)
                for n, line in enumerate(fh):
                    deal, row = _deal_of(line)
                    if (deal is not None and last.get(deal) == n and row.get("hash") is not None) or n in keep:
                        # (n in keep: files put in place for a deal no line records since: bidgen's next time)
                        raw.write(line if line.endswith(b"\n") else line + b"\n")
                raw.flush()
                for deal in sorted(self.suspects):  # not yet rendered elsewhere: still suspects next time
                    out.write(json.dumps({"attempt": deal}) + "\n")
                out.flush()
                os.fsync(out.fileno())
        os.replace(tmp, self.path)


def own_fd(path: Path, flags: int) -> int:
    """Open (creating it) a file of the run's own in OUTDIR (the manifest, the run's lock) without
    ever following a symbolic link planted at its name: the link is removed and a file of our own
    made.  ``flags``: how (O_WRONLY with O_APPEND or O_TRUNC, O_RDWR, …)."""
    if path.is_symlink():
        path.unlink()
    return os.open(path, flags | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)


def _open_own(path: Path, mode: int) -> Any:
    """Open a file of the manifest for writing (``mode``: O_APPEND or O_TRUNC): see :func:`own_fd`."""
    fd = own_fd(path, os.O_WRONLY | mode)
    return os.fdopen(fd, "a" if mode == os.O_APPEND else "w", encoding="utf-8")


def _deal_of(line: bytes) -> tuple[str | None, dict[str, Any] | None]:
    """The deal a log line records (None: another line, or one torn by a kill or spoilt), and the line."""
    try:
        row = json.loads(line.decode("utf-8"))
    except (ValueError, RecursionError):  # (UnicodeDecodeError included)
        return None, None
    if not isinstance(row, dict):
        return None, None
    return (row["deal"] if isinstance(row.get("deal"), str) else None), row
