"""Library validation: each kind of error is caught and located (file, entry id, field)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from bidgen.library import LOCALES, validate
from bidgen.library.validate import Finding, errors
from bidgen.paths import clauses_dir


def entry(entry_id: str = "clause.sample", **overrides: object) -> dict:
    data: dict = {
        "id": entry_id, "kind": "clause", "version": "1.0", "owner": "Legal", "review_by": "2099-12-31",
        "title": {loc: "Sample" for loc in LOCALES},
        "params": {"total": {"type": "money", "default": 1000}},
        "text": {loc: "Total {{ total|money }}." for loc in LOCALES},
    }
    data.update(overrides)
    return data


def write(folder: Path, name: str, entries: object) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(entries if isinstance(entries, str) else yaml.safe_dump(entries, allow_unicode=True),
                    encoding="utf-8")
    return path


def only(findings: list[Finding], severity: str = "error") -> list[Finding]:
    return [f for f in findings if f.severity == severity]


def test_builtins_validate_clean() -> None:
    findings = validate([clauses_dir()], today=dt.date(2026, 1, 1))
    assert findings == []


def test_a_good_workspace_passes(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", [entry()])
    assert validate([clauses_dir(), tmp_path], today=dt.date(2026, 1, 1)) == []


def test_invalid_yaml_is_located(tmp_path: Path) -> None:
    write(tmp_path, "bad.yaml", "- id: x.y\n  title: [unclosed\n")
    (f,) = validate([tmp_path])
    assert f.file.endswith("bad.yaml") and "invalid YAML (line" in f.message


def test_not_a_list(tmp_path: Path) -> None:
    write(tmp_path, "map.yaml", {"id": "x.y"})
    (f,) = validate([tmp_path])
    assert "YAML list" in f.message


def test_unknown_key_with_did_you_mean(tmp_path: Path) -> None:
    bad = entry()
    bad["titel"] = bad.pop("title")
    write(tmp_path, "a.yaml", [bad])
    messages = [str(f) for f in validate([tmp_path])]
    assert any("clause.sample: titel: unknown key 'titel' (did you mean 'title'?)" in m for m in messages)
    assert any(": title: Field required" in m for m in messages)


def test_bad_kind_type_and_id(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", [entry(kind="poem"), entry("NoDots"),
                               entry(params={"total": {"type": "euro", "default": 1}})])
    text = "\n".join(str(f) for f in validate([tmp_path]))
    assert "clause.sample: kind: unknown kind" in text
    assert "NoDots: id: String should match pattern" in text
    assert "params.total.type: Input should be" in text


def test_missing_locale(tmp_path: Path) -> None:
    bad = entry()
    del bad["text"]["zh_TW"]
    del bad["title"]["en_US"]
    write(tmp_path, "a.yaml", [bad])
    fields = {f.field for f in only(validate([tmp_path]))}
    assert fields == {"text.zh_TW", "title.en_US"}


def test_undeclared_and_unused_parameters(tmp_path: Path) -> None:
    bad = entry(params={"total": {"type": "money", "default": 1}, "spare": {"type": "days", "default": 3}},
                text={loc: "{{ totl|money }}" for loc in LOCALES})
    write(tmp_path, "a.yaml", [bad])
    findings = validate([tmp_path])
    assert [(f.field, f.message) for f in only(findings)] == [("params.totl", "used in the text but not declared")]
    warnings = {(f.field, f.message) for f in only(findings, "warning")}
    assert ("params.spare", "declared but not used in any text") in warnings
    assert ("params.total", "declared but not used in any text") in warnings


def test_parameter_used_in_one_locale_only_is_a_warning(tmp_path: Path) -> None:
    text = {loc: "Total {{ total|money }}." for loc in LOCALES}
    text["zh_TW"] = "總價另議。"
    write(tmp_path, "a.yaml", [entry(text=text)])
    (w,) = validate([tmp_path])
    assert w.severity == "warning" and w.field == "text.zh_TW" and "'total'" in w.message


def test_vocabulary_types_are_enforced(tmp_path: Path) -> None:
    bad = entry(params={"total": {"type": "number", "default": 1},
                        "milestones": {"type": "list", "fields": {"name": "text", "pct": "percent"},
                                       "default": [{"name": "a", "pct": 30}]}},
                text={loc: "{{ total }} {% for m in milestones %}{{ m.name }}{% endfor %}" for loc in LOCALES})
    write(tmp_path, "a.yaml", [bad])
    messages = {f.field: f.message for f in only(validate([tmp_path]))}
    assert messages["params.total.type"] == "'total' is a money in the shared vocabulary"
    assert "not in the shared vocabulary" in messages["params.milestones.fields.pct"]


def test_missing_default_and_bad_default(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", [entry(params={"total": {"type": "money"}}),
                               entry("clause.other", params={"total": {"type": "money", "default": "lots"}})])
    findings = only(validate([tmp_path]))
    assert any(f.entry_id == "clause.sample" and f.field == "params.total.default" for f in findings)
    assert any(f.entry_id == "clause.other" and "not a number" in f.message for f in findings)


def test_template_syntax_error(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", [entry(text={loc: "{{ total|money }" for loc in LOCALES})])
    findings = only(validate([tmp_path]))
    assert findings and all("template syntax error" in f.message for f in findings)
    assert {f.field for f in findings} == {f"text.{loc}" for loc in LOCALES}


def test_render_failure_is_located(tmp_path: Path) -> None:
    bad = entry(params={"client_name": {"type": "text", "default": "ACME"}},
                text={loc: "{{ client_name|money }}" for loc in LOCALES})
    write(tmp_path, "a.yaml", [bad])
    findings = only(validate([tmp_path]))
    assert len(findings) == 3 and all("cannot render" in f.message for f in findings)


@pytest.mark.parametrize("marker", ["TBD", "XXX", "{{ '{{' }} name }}"])
def test_leftover_placeholders(tmp_path: Path, marker: str) -> None:
    write(tmp_path, "a.yaml", [entry(text={loc: f"Price {marker}." for loc in LOCALES}, params={})])
    findings = only(validate([tmp_path]))
    assert len(findings) == 3 and all("placeholder" in f.message for f in findings)


def test_duplicate_ids_in_one_layer(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", [entry()])
    write(tmp_path, "sub/b.yaml", [entry()])
    (f,) = validate([tmp_path])
    assert f.field == "id" and "duplicate id" in f.message and f.file.endswith("b.yaml") and "a.yaml" in f.message


def test_override_across_layers_is_fine_but_not_a_kind_change(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", [entry("payment.milestones")])
    assert only(validate([clauses_dir(), tmp_path])) == []
    write(tmp_path, "a.yaml", [entry("sla.by-tier"), {**entry("fab.mon-100"), "kind": "etiquette",
                                                       "text": {loc: ["Note."] for loc in LOCALES}, "params": {}}])
    (f,) = only(validate([clauses_dir(), tmp_path]))
    assert f.entry_id == "fab.mon-100" and f.field == "kind" and "overrides a fab entry" in f.message


def test_review_date_past_is_a_warning(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", [entry(review_by="2020-01-01")])
    (f,) = validate([tmp_path], today=dt.date(2026, 1, 1))
    assert f.severity == "warning" and f.field == "review_by" and str(f).endswith("warning: review date 2020-01-01 has passed")


def test_norway_problem_hint(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "- id: etiquette.no\n  kind: etiquette\n  countries: [NO]\n")
    assert any('write "NO"' in f.message for f in validate([tmp_path]))


def test_missing_directory(tmp_path: Path) -> None:
    (f,) = validate([tmp_path / "nope"])
    assert f.message == "library directory not found"


def test_finding_line_format() -> None:
    f = Finding("clauses/a.yaml", "x.y", "text.zh_CN", "error", "missing locale")
    assert str(f) == "clauses/a.yaml: x.y: text.zh_CN: missing locale"
    assert errors([f, Finding("a", None, None, "warning", "w")]) == [f]
