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


def file_hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


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
    "findings": […]}``."""

    def __init__(self, outdir: Path) -> None:
        self.outdir = Path(outdir)
        self.path = self.outdir / MANIFEST
        self.deals: dict[str, dict[str, Any]] = {}
        self._log: Any = None

    @classmethod
    def load(cls, outdir: Path) -> "Manifest":
        m = cls(outdir)
        try:
            text = m.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return m
        for line in text.splitlines():
            try:
                row = json.loads(line)
            except ValueError:
                continue  # a line torn by a kill
            if isinstance(row, dict) and isinstance(row.get("deal"), str):
                if row.get("hash") is None:
                    m.deals.pop(row["deal"], None)
                else:
                    m.deals[row["deal"]] = {k: v for k, v in row.items() if k != "deal"}
        return m

    def unchanged(self, deal: str, digest: str) -> dict[str, Any] | None:
        """The deal's entry (with ``paths``) when its hash matches and every file is as written."""
        entry = self.deals.get(deal)
        if not entry or entry.get("hash") != digest or not entry.get("files"):
            return None
        paths = []
        for rel, sha in entry["files"]:
            path = self.outdir / rel
            if file_hash(path) != sha:
                return None
            paths.append(path)
        return {**entry, "paths": paths}

    def _append(self, row: dict[str, Any]) -> None:
        if self._log is None:
            self.outdir.mkdir(parents=True, exist_ok=True)
            self._log = open(self.path, "a", encoding="utf-8")
            self._log.write(json.dumps({"format": FORMAT}) + "\n")
        self._log.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
        self._log.flush()

    def forget(self, deal: str) -> None:
        """Before a deal is rewritten: its old entry no longer vouches for its files."""
        if deal in self.deals:
            del self.deals[deal]
            self._append({"deal": deal, "hash": None})

    def record(self, deal: str, digest: str, files: Iterable[tuple[Path, bytes | str]], **about: Any) -> None:
        """After a deal's documents are in place: its hash, the hash of each file (in order: its
        bytes, or their sha256 when the job computed it) and what the report says about it
        (``about``: status, total, findings)."""
        entry = {"hash": digest, **about,
                 "files": [[self._relative(Path(p)), data if isinstance(data, str) else hashlib.sha256(data).hexdigest()]
                           for p, data in files]}
        self.deals[deal] = entry
        self._append({"deal": deal, **entry})

    def _relative(self, path: Path) -> str:
        """``path`` relative to OUTDIR (by its parts when it is under OUTDIR as given; else resolved)."""
        try:
            return path.relative_to(self.outdir).as_posix()
        except ValueError:
            return path.resolve().relative_to(self.outdir.resolve()).as_posix()

    def close(self) -> None:
        """Rewrite the log compactly (atomically, synced)."""
        if self._log is not None:
            self._log.close()
            self._log = None
        if not self.deals and not self.path.exists():
            return
        tmp = self.path.with_name(self.path.name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(json.dumps({"format": FORMAT}) + "\n")
            for deal in sorted(self.deals):
                fh.write(json.dumps({"deal": deal, **self.deals[deal]}, ensure_ascii=False, sort_keys=True) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)
