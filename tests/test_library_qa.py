"""Regressions found by QA in the content library."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bidgen.paths import clauses_dir

FILES = sorted(p for p in Path(clauses_dir()).rglob("*.yaml"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_built_in_files_read_the_same_without_libyaml(path: Path) -> None:
    # bidgen uses libyaml when PyYAML has it; a plain PyYAML install must read every file the same
    text = path.read_text(encoding="utf-8")
    pure = yaml.load(text, Loader=yaml.SafeLoader)  # noqa: S506 - SafeLoader
    fast_loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    assert pure == yaml.load(text, Loader=fast_loader)  # noqa: S506
