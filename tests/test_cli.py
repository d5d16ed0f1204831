"""The command line: help everywhere, fast start, located one-line errors, exit codes."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import ROOT, example

from bidgen.cli import cli, main

HEAVY = ("docx", "docxtpl", "pandas", "lxml", "pydantic", "babel", "jinja2", "yaml", "openpyxl")


def test_cli_import_is_light():
    """`bidgen --help` must answer fast: the CLI module imports no heavy library."""
    code = "import sys, bidgen.cli; print(','.join(m for m in %r if m in sys.modules))" % (HEAVY,)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def _commands(group, prefix=()):
    for name, cmd in sorted(group.commands.items()):
        yield prefix + (name,), cmd
        if hasattr(cmd, "commands"):
            yield from _commands(cmd, prefix + (name,))


def test_every_command_has_help_and_docs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    runner = CliRunner()
    for path, cmd in _commands(cli):
        assert cmd.help, f"{' '.join(path)} has no help text"
        result = runner.invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, result.output
        assert "Usage:" in result.output
        assert f"bidgen {path[0]}" in readme, f"README does not document `bidgen {path[0]}`"


def test_typo_is_one_located_line_and_exit_2(tmp_path, capsys):
    text = example("deal-zh_CN.yaml").read_text(encoding="utf-8").replace("unit_price: 850", "unit_prise: 850")
    bad = tmp_path / "deal.yaml"
    bad.write_text(text, encoding="utf-8")
    code = main(["proposal", str(bad), "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line]
    assert any("deal.yaml" in line and "items[1].unit_prise" in line and "did you mean 'unit_price'" in line
               for line in lines), err
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_missing_file_exit_2(tmp_path, capsys):
    code = main(["proposal", str(tmp_path / "nope.yaml"), "-o", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and "nope.yaml" in err and "Traceback" not in err


def readme_command(marker: str) -> str:
    """The command the README gives after ``<!-- marker -->``."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    i = lines.index(f"<!-- {marker} -->") + 1
    while lines[i].startswith("```"):
        i += 1
    return lines[i].strip()


def test_readme_quick_start_renders_the_samples(tmp_path):
    """The README's run command, as a user types it (console script, real process), minus the install."""
    cmd = readme_command("run-command")
    assert cmd.startswith("pip install -e . && bidgen ")
    run = cmd.split(" && ", 1)[1].replace(" out/", f" {tmp_path}/out/")
    proc = subprocess.run(run, shell=True, cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == [
        "Bid_AE017_v20261118.docx", "Bid_CN203_v20261120.docx",
        "Brief_AE017_v20261118.docx", "Brief_CN203_v20261120.docx",
        "Memo_AE017_v20261121.docx", "Memo_AE017_v20261121.eml",
        "Memo_CN203_v20261119.docx", "Memo_CN203_v20261119.eml",
        "Proposal_AE017_v20261118.docx", "Proposal_CN203_v20261120.docx",
    ]
    from bidgen.docx.readback import read_docx

    doc = read_docx(tmp_path / "out" / "Proposal_CN203_v20261120.docx")
    assert doc.terms["total"][0].value == "676,200.00"


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "<!-- test-command -->" in ci
    assert readme_command("test-command").endswith("python -m pytest -q")


@pytest.mark.parametrize("code_value", ["../../evil", "a/b", "..", "C:\\x"])
def test_output_stays_inside_outdir(tmp_path, code_value):
    from bidgen.paths import output_path
    import datetime as dt

    out = output_path(tmp_path, "proposal", code_value, dt.date(2026, 11, 20))
    assert out.parent == tmp_path.resolve()


def test_public_api_resolves():
    import bidgen

    for name in bidgen.__all__:
        assert getattr(bidgen, name) is not None, name


def test_xml_illegal_characters_are_stripped_with_a_one_line_warning(tmp_path):
    text = example("deal-en_US.yaml").read_text(encoding="utf-8")
    text = text.replace("name: Gulf Logistics Holding LLC", 'name: "Gulf Logistics\\x0b Holding LLC"')
    deal = tmp_path / "deal.yaml"
    deal.write_text(text, encoding="utf-8")
    proc = subprocess.run(["bidgen", "proposal", str(deal), "-o", str(tmp_path / "out")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    warning_lines = [line for line in proc.stderr.splitlines() if line.startswith("bidgen: warning:")]
    assert warning_lines and all("U+000B" in line for line in warning_lines)
    assert "Traceback" not in proc.stderr
    from bidgen.docx.readback import read_docx

    doc = read_docx(tmp_path / "out" / "Proposal_AE017_v20261118.docx")
    assert {row[0]: row[1] for row in doc.tables[0]}["Prepared for"] == "Gulf Logistics Holding LLC"
