"""Golden-text helpers: a rendered document read back as text, compared with tests/golden/.

Set ``BIDGEN_REGEN_GOLDEN=1`` to rewrite the golden files from the current output (then
review the diff with git before committing).
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

from bidgen.docx.readback import read_docx

GOLDEN = Path(__file__).resolve().parent / "golden"


def document_text(path: Path) -> str:
    """Headers, body paragraphs, tables (cells joined by `` | ``) and footers, as plain text."""
    doc = read_docx(path)
    out: list[str] = []
    for h in doc.headers:
        out.append(f"[header] {h}")
    out.append("[body]")
    out.extend(p for p in doc.paragraphs if p.strip())
    for i, table in enumerate(doc.tables, start=1):
        out.append(f"[table {i}]")
        for row in table:
            out.append(" | ".join(cell.replace("\n", " / ") for cell in row))
    for f in doc.footers:
        out.append(f"[footer] {f}")
    return "\n".join(out) + "\n"


def assert_golden(path: Path, name: str) -> None:
    """The document's text equals ``tests/golden/<name>.txt`` (regenerated with BIDGEN_REGEN_GOLDEN=1)."""
    actual = document_text(path)
    golden = GOLDEN / f"{name}.txt"
    if os.environ.get("BIDGEN_REGEN_GOLDEN") == "1" or not golden.exists():
        if not golden.exists() and os.environ.get("BIDGEN_REGEN_GOLDEN") != "1":
            raise AssertionError(f"no golden file {golden}; run with BIDGEN_REGEN_GOLDEN=1 to create it")
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
        return
    expected = golden.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                            fromfile=str(golden), tofile=str(path)))
        raise AssertionError(f"{path.name} differs from {golden.name}:\n{diff}")
