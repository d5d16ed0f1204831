"""Issue 9, kind 6: workspaces that cannot be planted unnoticed."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import example

from bidgen.library.workspace import init_workspace


def _bidgen(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bidgen", *args], capture_output=True, text=True, cwd=cwd)


@pytest.fixture()
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "planted"
    root.mkdir()
    init_workspace(root)
    return root


def test_every_command_names_the_workspace_it_uses(ws, tmp_path):
    deal = str(example("deal-en_US.yaml"))
    proc = _bidgen("proposal", deal, "-o", str(tmp_path / "out"), cwd=ws)
    assert proc.returncode == 0, proc.stderr
    assert f"bidgen: using workspace {ws.resolve()}" in proc.stderr
    proc = _bidgen("check", deal, "--format", "json", cwd=ws)
    assert f"using workspace {ws.resolve()}" in proc.stderr
    assert json.loads(proc.stdout)["workspace"] == str(ws.resolve())
    proc = _bidgen("check", deal, "--format", "json", cwd=tmp_path)
    assert json.loads(proc.stdout)["workspace"] is None and "using workspace" not in proc.stderr


@pytest.mark.parametrize("line, key", [
    ("clauses: ../../etc", "clauses"),
    ("clauses: /etc", "clauses"),
    ("policy: ../outside-policy.yaml", "policy"),
    ("templates: ~/x", "templates"),
    ("limits: {render_seconds: 0}", "limits.render_seconds"),
    ("limits: {max_text_length: lots}", "limits.max_text_length"),
    ("limits: {no_such_limit: 1}", "limits.no_such_limit"),
    ("created: 2027-02-30", "created"),
])
def test_a_bad_value_in_the_marker_is_a_located_error(ws, tmp_path, line, key):
    marker = ws / "bidgen-workspace.yaml"
    top = key.split(".")[0]
    kept = [x for x in marker.read_text(encoding="utf-8").splitlines() if not x.startswith(f"{top}:")]
    marker.write_text("\n".join(kept + [line]) + "\n", encoding="utf-8")
    for args in (("proposal", str(example("deal-en_US.yaml")), "-o", str(tmp_path / "out")),
                 ("check", str(example("deal-en_US.yaml")))):
        proc = _bidgen(*args, cwd=ws)
        assert proc.returncode == 2, proc.stderr
        assert "Traceback" not in proc.stderr
        assert f"{marker}:" in proc.stderr and f": {key}:" in proc.stderr, proc.stderr
    assert not (tmp_path / "out").exists()


def test_a_symlink_leading_out_of_the_workspace_is_refused(ws, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (ws / "linked").symlink_to(outside)
    marker = ws / "bidgen-workspace.yaml"
    marker.write_text(marker.read_text(encoding="utf-8").replace("clauses: clauses", "clauses: linked"),
                      encoding="utf-8")
    proc = _bidgen("check", str(example("deal-en_US.yaml")), cwd=ws)
    assert proc.returncode == 2 and "outside the workspace" in proc.stderr and ": clauses:" in proc.stderr


def test_an_impossible_date_in_a_workspace_entry_is_located_not_a_traceback(ws, tmp_path):
    entry = ws / "clauses" / "fab" / "our-products.yaml"
    text = entry.read_text(encoding="utf-8")
    import re

    entry.write_text(re.sub(r"review_by: \S+", "review_by: 2027-02-30", text), encoding="utf-8")
    proc = _bidgen("proposal", str(example("deal-en_US.yaml")), "-o", str(tmp_path / "out"), cwd=ws)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "our-products.yaml" in proc.stderr and "review_by" in proc.stderr


def test_check_says_when_the_workspace_policy_switches_a_rule_off_or_lowers_it(ws):
    policy = ws / "policy.yaml"
    policy.write_text("rules:\n  PAY-SUM-100: {enabled: false}\n  ARITH-LINE: {severity: info}\n", encoding="utf-8")
    data = Path(__file__).parent / "data" / "check" / "deal-milestone-25.yaml"
    proc = _bidgen("check", str(data), cwd=ws)
    assert f"policy: rule PAY-SUM-100 is switched off by {policy}" in proc.stdout
    assert "policy: rule ARITH-LINE is lowered from error to info" in proc.stdout
    report = json.loads(_bidgen("check", str(data), "--format", "json", cwd=ws).stdout)
    assert report["policy_changes"] == ["rule ARITH-LINE is lowered from error to info",
                                        "rule PAY-SUM-100 is switched off"]
