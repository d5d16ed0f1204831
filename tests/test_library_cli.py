"""The library commands through click's CliRunner: list, show, validate, schema, init."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from bidgen.cli import library as cli_library
from bidgen.cli.library import init, library, schema
from bidgen.library import KINDS, LOCALES

DOCS = Path(__file__).resolve().parent.parent / "docs" / "library.md"


@pytest.fixture()
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)  # no workspace above tmp_path
    return CliRunner()


def test_kinds_match_the_schema() -> None:
    assert cli_library.KINDS == KINDS


def test_list_with_filters(runner: CliRunner) -> None:
    result = runner.invoke(library, ["list", "--kind", "etiquette", "--locale", "zh_TW"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) >= 14 and all(" etiquette " in line for line in lines)
    assert any(line.startswith("etiquette.jp") and line.endswith("日本") for line in lines)
    everything = runner.invoke(library, ["list"]).stdout.splitlines()
    assert len(everything) > len(lines)
    assert runner.invoke(library, ["list", "--kind", "poem"]).exit_code == 2


def test_show_renders_with_defaults(runner: CliRunner) -> None:
    result = runner.invoke(library, ["show", "payment.milestones", "--locale", "zh_CN"])
    assert result.exit_code == 0, result.output
    assert "付款方式" in result.stdout and "人民币 30,000.00 元" in result.stdout
    assert "Parameters:" in result.stdout and "milestones (list)" in result.stdout
    scqa = runner.invoke(library, ["show", "scqa.logistics.visibility"]).stdout
    assert "Situation:" in scqa and "Answer:" in scqa


def test_show_with_param_overrides(runner: CliRunner) -> None:
    result = runner.invoke(library, ["show", "sla.by-tier", "--param", "tier=strategic", "--param",
                                     "response_hours=2"])
    assert result.exit_code == 0, result.output
    assert "dedicated account manager" in result.stdout and "within 2 hours" in result.stdout
    bad = runner.invoke(library, ["show", "sla.by-tier", "--param", "tier=gold"])
    assert bad.exit_code == 2 and "not one of" in bad.output


def test_show_unknown_id(runner: CliRunner) -> None:
    result = runner.invoke(library, ["show", "fab.mon100"])
    assert result.exit_code == 2
    assert "unknown library entry 'fab.mon100' (did you mean 'fab.mon-100'?)" in result.output
    assert "Traceback" not in result.output


def test_validate_builtins(runner: CliRunner) -> None:
    result = runner.invoke(library, ["validate"])
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.output


def test_validate_broken_workspace(runner: CliRunner, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    (ws / "clauses").mkdir(parents=True)
    (ws / "clauses" / "team.yaml").write_text(yaml.safe_dump([{
        "id": "clause.team", "kind": "clause", "version": "1", "owner": "Us", "review_by": "2099-01-01",
        "title": {loc: "T" for loc in LOCALES}, "text": {"zh_CN": "{{ discount }}", "en_US": "x"},
    }]), encoding="utf-8")
    result = runner.invoke(library, ["validate", str(ws)])
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if line]
    assert "ws/clauses/team.yaml: clause.team: text.zh_TW: missing locale" in lines
    assert any(line.endswith("clause.team: params.discount: used in the text but not declared") for line in lines)
    assert "Traceback" not in result.output


def test_workspace_found_from_cwd(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert runner.invoke(init, ["team"]).exit_code == 0
    override = tmp_path / "team" / "clauses" / "payment.yaml"
    override.write_text(yaml.safe_dump([{
        "id": "payment.milestones", "kind": "clause", "group": "payment", "version": "9", "owner": "Us",
        "review_by": "2099-01-01", "title": {loc: "Team payment" for loc in LOCALES},
        "text": {loc: "Cash in advance." for loc in LOCALES},
    }]), encoding="utf-8")
    monkeypatch.chdir(tmp_path / "team" / "samples")
    shown = runner.invoke(library, ["show", "payment.milestones"])
    assert shown.exit_code == 0 and "Team payment" in shown.stdout and "workspace" in shown.stdout
    listed = runner.invoke(library, ["list", "--kind", "fab"]).stdout
    assert "fab.our-product" in listed
    assert runner.invoke(library, ["validate"]).exit_code == 0
    monkeypatch.chdir(tmp_path)
    assert "Team payment" not in runner.invoke(library, ["show", "payment.milestones"]).stdout
    assert "Team payment" in runner.invoke(library, ["show", "payment.milestones", "--library", "team"]).stdout


def test_init_scaffolds_and_refuses_twice(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(init, ["ws", "--name", "north"])
    assert result.exit_code == 0, result.output
    for rel in ("bidgen-workspace.yaml", "README.md", "policy.yaml", "clauses/fab/our-products.yaml",
                "templates", "samples/deal-minimal.yaml"):
        assert (tmp_path / "ws" / rel).exists(), rel
    assert "north" in (tmp_path / "ws" / "README.md").read_text(encoding="utf-8")
    again = runner.invoke(init, ["ws"])
    assert again.exit_code == 2 and "already a bidgen workspace" in again.output


def test_schema_command(runner: CliRunner) -> None:
    result = runner.invoke(schema, ["etiquette"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["type"] == "array" and "EtiquetteEntry" in json.dumps(data)
    whole = json.loads(runner.invoke(schema, []).stdout)
    assert all(f"{k.capitalize()}Entry" in json.dumps(whole) for k in ("clause", "scqa", "prep", "fab"))
    assert runner.invoke(schema, ["poem"]).exit_code == 2


def test_every_command_has_help_and_docs() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    for command, name in ((library, "library"), (schema, "schema"), (init, "init")):
        assert command.help and f"bidgen {name}" in docs
    for sub in ("list", "show", "validate"):
        assert library.commands[sub].help
        assert f"bidgen library {sub}" in docs


def test_init_sample_deal_is_valid_from_the_day_it_is_written(runner: CliRunner, tmp_path: Path, monkeypatch) -> None:
    """The sample deal of `bidgen init` is an offer issued today and still valid: no expired offer, and
    written the same way every time on the same day."""
    import datetime as dt

    import bidgen.checks.dates as dates
    from bidgen.checks import check_inputs
    from bidgen.inputs.load import load_deal

    monkeypatch.setattr(dates, "today", dt.date.today)  # the real day, as a user runs it
    assert runner.invoke(init, [str(tmp_path / "a")]).exit_code == 0
    assert runner.invoke(init, [str(tmp_path / "b")]).exit_code == 0
    sample_a = (tmp_path / "a" / "samples" / "deal-minimal.yaml").read_text(encoding="utf-8")
    assert sample_a == (tmp_path / "b" / "samples" / "deal-minimal.yaml").read_text(encoding="utf-8")
    deal = load_deal(tmp_path / "a" / "samples" / "deal-minimal.yaml")
    assert deal.issue_date == dt.date.today()
    assert deal.valid_until > dt.date.today()
    findings = check_inputs(deal)
    assert [f for f in findings if f.severity.value in ("error", "warning")] == [], [str(f) for f in findings]


def test_an_expired_offer_is_a_warning(monkeypatch) -> None:
    import datetime as dt

    import bidgen.checks.dates as dates
    from bidgen.checks import check_inputs
    from bidgen.inputs.load import load_deal

    deal = load_deal(Path(__file__).resolve().parent.parent / "samples" / "deal-en_US.yaml")
    assert "DATE-EXPIRED" not in {f.rule for f in check_inputs(deal)}
    monkeypatch.setattr(dates, "today", lambda: dt.date(2027, 1, 20))
    expired = [f for f in check_inputs(deal) if f.rule == "DATE-EXPIRED"]
    assert len(expired) == 1 and expired[0].severity.value == "warning"
    assert "2027-01-17" in expired[0].message and "3 days ago" in expired[0].message
    assert expired[0].where.path == "valid_until"
