"""Issue 9, kind 5: limits, each documented and configurable; kind 2 for terminal messages."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import example

from bidgen import limits
from bidgen.errors import BidgenError, InputError
from bidgen.inputs.load import load_deal


def _deal(tmp_path: Path, old: str, new: str, name: str = "deal.yaml") -> Path:
    text = example("deal-en_US.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize("value", ["1e20", "1e400", "-1e400", "1e-30", "99999999999999999999999999999999"])
def test_numbers_beyond_what_documents_state_are_located_input_errors(tmp_path, value):
    path = _deal(tmp_path, "unit_price: 240}", f"unit_price: {value}}}")
    proc = subprocess.run(["bidgen", "all", str(path), "-o", str(tmp_path / "out")], capture_output=True, text=True)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith(f"bidgen: {path}:32: items[0].unit_price:"), proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "out").exists()


def test_a_total_above_the_amount_limit_is_a_located_error_and_the_limit_is_configurable(tmp_path):
    path = _deal(tmp_path, "unit_price: 240}", "unit_price: 9000000000}")
    with pytest.raises(InputError) as info:
        load_deal(path)
    assert "items" in info.value.lines()[0] and "limits.max_amount" in info.value.lines()[0]
    token = limits.configure(limits.Limits(max_amount=limits.Decimal(10) ** 15))
    try:
        assert load_deal(path).items[0].unit_price == 9000000000
    finally:
        limits.reset(token)


def test_a_huge_text_is_an_input_error_naming_the_key(tmp_path):
    big = "x" * (limits.Limits().max_text_length + 1)
    path = _deal(tmp_path, "summary: A tracking", f"summary: {big} A tracking")
    with pytest.raises(InputError) as info:
        load_deal(path)
    line = info.value.lines()[0]
    assert line.startswith(f"{path}:") and "project.summary" in line and "limits.max_text_length" in line


def test_limits_from_a_mapping_are_validated_and_located():
    got = limits.from_mapping({"max_text_length": 500, "render_seconds": 2}, file="ws.yaml")
    assert got.max_text_length == 500 and got.render_seconds == 2.0
    for bad in ({"max_text_lenght": 5}, {"render_seconds": 0}, {"max_amount": "lots"}, {"readback_elements": 1e30},
                {"max_amount": 10**20}):
        with pytest.raises(BidgenError) as info:
            limits.from_mapping(bad, file="ws.yaml")
        assert str(info.value).startswith("ws.yaml: limits.")


def test_escape_sequences_in_a_file_name_are_not_sent_to_the_terminal(tmp_path):
    path = tmp_path / "deal\x1b[2J.yaml"
    path.write_text("id: [\n", encoding="utf-8")
    proc = subprocess.run(["bidgen", "proposal", str(path), "-o", str(tmp_path / "out")], capture_output=True,
                          text=True)
    assert proc.returncode == 2
    assert "\x1b" not in proc.stderr and "\\x1b[2J" in proc.stderr
