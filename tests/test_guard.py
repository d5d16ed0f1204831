"""Checks guard rendering: errors refuse to write; --force writes drafts stamped in every header."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, example

from bidgen.cli import main
from bidgen.docx.readback import read_docx

BROKEN_DEAL = ROOT / "tests" / "data" / "check" / "deal-milestone-25.yaml"
OVER_CEILING = ROOT / "tests" / "data" / "check" / "tender-over-ceiling.yaml"


@pytest.mark.parametrize("argv", [
    ["proposal", str(BROKEN_DEAL)],
    ["brief", str(BROKEN_DEAL)],
    ["all", str(BROKEN_DEAL)],
    ["bid", "DEAL_ZH", "--tender", str(OVER_CEILING)],
])
def test_failed_checks_refuse_to_write(tmp_path, capsys, argv):
    argv = [str(example("deal-zh_CN.yaml")) if a == "DEAL_ZH" else a for a in argv]
    out = tmp_path / "out"
    code = main([*argv, "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 1
    assert "nothing written" in err
    assert ("PAY-SUM-100" in err and "deal-milestone-25.yaml:48" in err) or "TENDER-CEILING" in err
    assert not out.exists() or not any(out.iterdir())


def test_force_writes_drafts_stamped_in_every_header(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["all", str(BROKEN_DEAL), "-o", str(out), "--force"])
    assert code == 0
    docs = sorted(out.glob("*.docx"))
    assert {p.name.split("_")[0] for p in docs} == {"Proposal", "Brief"}
    for path in docs:
        headers = read_docx(path).headers
        assert headers and all("草稿 – 未通过检查" in h for h in headers), (path.name, headers)
    assert "writing drafts stamped" in capsys.readouterr().err


def test_clean_inputs_have_no_stamp(tmp_path):
    code = main(["proposal", str(example("deal-en_US.yaml")), "-o", str(tmp_path)])
    assert code == 0
    headers = read_docx(next(Path(tmp_path).glob("*.docx"))).headers
    assert not any("DRAFT" in h for h in headers)
