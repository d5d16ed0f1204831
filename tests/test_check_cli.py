"""``bidgen check``: exit codes, the text and JSON reports, --rules, and policy overrides."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import example

from bidgen.checks import check_paths, default_policy, load_policy
from bidgen.cli import cli, main
from bidgen.cli.check import check
from bidgen.errors import InputError

if "check" not in cli.commands:  # the lead registers it in bidgen/cli.py
    cli.add_command(check)

DATA = Path(__file__).parent / "data" / "check"
EXAMPLES = example("deal-zh_CN.yaml").parent


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["check", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_reference_examples_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    n = len(list(EXAMPLES.glob("*.yaml")))
    code, out, _ = run(capsys, EXAMPLES)
    assert code == 0 and f"0 errors, 0 warnings, 0 info in {n} files: OK" in out


@pytest.mark.parametrize(
    ("files", "rule_id", "fragments"),
    [
        (["deal-milestone-25.yaml"], "PAY-SUM-100", ["deal-milestone-25.yaml:48", "terms.payment", "95%"]),
        (["deal-under-floor.yaml"], "MARGIN-FLOOR", ["556,200.00 CNY", "floor of 560,000.00 CNY"]),
        ([EXAMPLES / "deal-zh_CN.yaml", "meeting-price-drift.yaml"], "MEMO-PRICE-DRIFT",
         ["meeting-price-drift.yaml:17", "678,000.00 CNY", "676,200.00 CNY"]),
        ([EXAMPLES / "deal-zh_CN.yaml", "tender-over-ceiling.yaml"], "TENDER-CEILING",
         ["ceiling price of 650,000.00 CNY", 'tender-over-ceiling.yaml", "line": 6, "path": "ceiling_price"']),
    ],
)
def test_broken_variants_exit_1(capsys: pytest.CaptureFixture[str], files: list, rule_id: str,
                                fragments: list[str]) -> None:
    code, out, err = run(capsys, *[f if isinstance(f, Path) else DATA / f for f in files], "--format", "json")
    assert code == 1 and "checks failed" in err
    report = json.loads(out)
    hit = next(f for f in report["findings"] if f["rule"] == rule_id)
    text = json.dumps(hit, ensure_ascii=False) + f"{hit['where']['file']}:{hit['where']['line']}"
    for fragment in fragments:
        assert fragment in text


def test_warnings_fail_only_with_strict(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, DATA / "deal-equal-ladder.yaml")
    assert code == 0 and "CONC-LADDER-SHAPE" in out and "Equal-step ladder" in out
    code, out, _ = run(capsys, DATA / "deal-equal-ladder.yaml", "--strict")
    assert code == 1 and "FAILED" in out


@pytest.mark.parametrize("bad", ["missing.yaml", "notes.txt", "broken.yaml"])
def test_unusable_input_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path, bad: str) -> None:
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    code, _, err = run(capsys, tmp_path / bad)
    assert code == 2 and bad in err


def test_invalid_deal_exits_2_with_located_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, Path(__file__).parent / "data" / "broken-deal.yaml")
    assert code == 2 and "broken-deal.yaml:" in err


def test_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, DATA / "deal-milestone-25.yaml", "--format", "json")
    report = json.loads(out)
    assert code == 1
    assert set(report) == {"schema", "ok", "strict", "summary", "checked", "workspace", "policy", "policy_changes",
                           "findings"}
    assert report["schema"] == "bidgen.check/1" and report["ok"] is False and report["strict"] is False
    assert report["summary"] == {"error": 1, "warning": 0, "info": 0}
    assert report["checked"] == [str(DATA / "deal-milestone-25.yaml")]
    assert report["policy"][0].endswith("policy.yaml")
    (f,) = report["findings"]
    assert set(f) == {"rule", "severity", "message", "where", "values"}
    assert f["rule"] == "PAY-SUM-100" and f["severity"] == "error"
    assert f["where"] == {"file": str(DATA / "deal-milestone-25.yaml"), "line": 48, "path": "terms.payment"}
    assert f["values"][0] == {"label": "deal", "value": "95%", "where": f["where"]}
    assert f["values"][1] == {"label": "required", "value": "100%", "where": None}


def test_rules_listing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "--rules")
    assert code == 0
    for rid in ("ARITH-TOTAL", "WORDS-MATCH", "PAY-SUM-100", "MARGIN-FLOOR", "CONC-LADDER-SHAPE", "TENDER-CEILING",
                "MEMO-PRICE-DRIFT", "ID-USCC", "XDOC-TERM"):
        assert rid in out
    policy = tmp_path / "p.yaml"
    policy.write_text("rules:\n  ID-USCC: {enabled: false}\n  CONC-LADDER-SHAPE: {severity: error}\n", encoding="utf-8")
    code, out, _ = run(capsys, "--rules", "--policy", policy, "--format", "json")
    rows = {r["id"]: r for r in json.loads(out)["rules"]}
    assert rows["ID-USCC"]["severity"] == "off" and rows["ID-USCC"]["default"] == "warning"
    assert rows["CONC-LADDER-SHAPE"]["severity"] == "error" and rows["CONC-LADDER-SHAPE"]["doc"]


def test_policy_switches_off_and_regrades(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    off = tmp_path / "off.yaml"
    off.write_text("rules:\n  PAY-SUM-100: {enabled: false}\n", encoding="utf-8")
    assert run(capsys, DATA / "deal-milestone-25.yaml", "--policy", off)[0] == 0
    soft = tmp_path / "soft.yaml"
    soft.write_text("rules:\n  PAY-SUM-100: {severity: warning}\n", encoding="utf-8")
    code, out, _ = run(capsys, DATA / "deal-milestone-25.yaml", "--policy", soft)
    assert code == 0 and "warning  PAY-SUM-100" in out
    assert run(capsys, DATA / "deal-milestone-25.yaml", "--policy", soft, "--strict")[0] == 1


def test_policy_figures_override(tmp_path: Path) -> None:
    team = tmp_path / "team.yaml"
    team.write_text("margin: {min_percent: 30}\nconcessions: {max_step_percent: 1.5}\n", encoding="utf-8")
    policy = load_policy(team)
    assert policy.margin.min_percent == 30 and policy.payment.max_due_days == 90  # the rest stays
    rules = {f.rule: f.message for f in check_paths([EXAMPLES / "deal-zh_CN.yaml"], policy)}
    assert "at least 30%" in rules["MARGIN-MIN"] and "23.96%" in rules["MARGIN-MIN"]
    assert "at most 1.5%" in rules["CONC-STEP-MAX"]


def test_workspace_policy_applies(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "bidgen-workspace.yaml").write_text("name: team\n", encoding="utf-8")
    (tmp_path / "policy.yaml").write_text("service_levels:\n  strategic: {response_hours: 8}\n", encoding="utf-8")
    code, out, _ = run(capsys, EXAMPLES / "deal-zh_CN.yaml", "--library", tmp_path)
    assert code == 1 and "SLA-TIER" in out and "8 hours" in out
    assert load_policy(None, tmp_path).sources[-1] == str(tmp_path / "policy.yaml")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("margin: {min_percnt: 20}\n", "did you mean 'min_percent'"),
        ("rules:\n  PAY-SUM-10: {enabled: false}\n", "did you mean 'PAY-SUM-100'"),
        ("rules:\n  PAY-SUM-100: {severity: fatal}\n", "rules.PAY-SUM-100.severity"),
        ("payment: {max_due_days: soon}\n", "payment.max_due_days"),
    ],
)
def test_invalid_policy_is_a_located_error(capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str,
                                           fragment: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("# team policy\n" + text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_policy(bad)
    assert any(fragment in line and "bad.yaml:" in line for line in info.value.lines()), info.value.lines()
    assert run(capsys, EXAMPLES / "deal-en_US.yaml", "--policy", bad)[0] == 2


def test_text_report_has_colour_only_when_asked() -> None:
    from bidgen.checks.report import render_text

    findings = check_paths([DATA / "deal-milestone-25.yaml"], default_policy())
    plain = render_text(findings, checked=1, width=100)
    coloured = render_text(findings, checked=1, width=100, color=True)
    assert "\x1b[" not in plain and "\x1b[31;1merror" in coloured
    assert "LEVEL" in plain and "PAY-SUM-100" in plain and "1 error, 0 warnings, 0 info in 1 file: FAILED" in plain
    assert max(len(line) for line in plain.splitlines()) <= 100


def test_no_inputs_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys)[0] == 2


def test_docs_list_every_rule() -> None:
    from bidgen.checks import all_rules

    text = (Path(__file__).resolve().parent.parent / "docs" / "checks.md").read_text(encoding="utf-8")
    for r in all_rules():
        assert f"| `{r.id}` | {r.family} | {r.severity.value} | {r.doc} |" in text, r.id
    assert '"schema": "bidgen.check/1"' in text


def test_documents_checked_without_their_deal_say_their_figures_were_not_traced(capsys, tmp_path):
    """QA F12: `bidgen check Proposal.docx` said OK for a hand-edited total without a word that
    figures are traced only against the deal."""
    from bidgen.cli.main import main as bidgen_main

    assert bidgen_main(["proposal", str(EXAMPLES / "deal-en_US.yaml"), "-o", str(tmp_path)]) == 0
    capsys.readouterr()
    (doc,) = tmp_path.glob("Proposal_*.docx")
    code, out, err = run(capsys, str(doc))
    assert code == 0
    assert "no deal given" in err and "not traced to a deal" in err
    code, out, err = run(capsys, str(EXAMPLES / "deal-en_US.yaml"), str(doc))
    assert code == 0 and "no deal given" not in err
