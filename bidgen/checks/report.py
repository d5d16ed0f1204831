"""Reporting findings: a readable table (coloured on a terminal) or JSON (schema in docs/checks.md)."""

from __future__ import annotations

import json
import shutil
import textwrap
from typing import Any, Sequence

from .findings import Finding, Severity, count_by_severity, has_errors
from .registry import Rule

__all__ = ["SCHEMA", "render_text", "render_json", "report_dict", "render_rules", "summary_line"]

#: The identifier of the JSON output's schema (bumped on incompatible changes).
SCHEMA = "bidgen.check/1"

_COLOURS = {Severity.ERROR: "31;1", Severity.WARNING: "33;1", Severity.INFO: "36"}


def _c(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color and code else text


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary_line(findings: Sequence[Finding], checked: int, strict: bool = False) -> str:
    """``2 errors, 1 warning, 0 info in 4 files: FAILED`` / ``… : OK``."""
    n = count_by_severity(findings)
    status = "FAILED" if has_errors(findings, strict) else "OK"
    return (f"{_plural(n['error'], 'error')}, {_plural(n['warning'], 'warning')}, {n['info']} info "
            f"in {_plural(checked, 'file')}: {status}")


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for para in text.split("\n"):
        lines.extend(textwrap.wrap(para, width, break_long_words=True, break_on_hyphens=False) or [""])
    return lines


def render_text(findings: Sequence[Finding], *, checked: int, strict: bool = False, color: bool = False,
                width: int | None = None) -> str:
    """The findings as a table: severity, rule, where, message (+ the values compared)."""
    total = width or shutil.get_terminal_size((120, 24)).columns
    if not findings:
        return summary_line(findings, checked, strict) + "\n"
    sev_w = 7
    rule_w = max(len(f.rule) for f in findings)
    where_w = min(max(len(str(f.where)) for f in findings), max(24, total // 3))
    msg_w = max(30, total - sev_w - rule_w - where_w - 6)
    head = f"{'LEVEL':<{sev_w}}  {'RULE':<{rule_w}}  {'WHERE':<{where_w}}  MESSAGE"
    out = [_c(head, "1", color), "-" * min(total, len(head) + msg_w - 7)]
    for f in findings:
        message = f.message + (f"\n→ {f.compared}" if f.values else "")
        left = _wrap(str(f.where), where_w)
        right = _wrap(message, msg_w)
        for i in range(max(len(left), len(right))):
            sev = _c(f"{f.severity.value:<{sev_w}}", _COLOURS[f.severity], color) if i == 0 else " " * sev_w
            rid = f"{f.rule:<{rule_w}}" if i == 0 else " " * rule_w
            w = left[i] if i < len(left) else ""
            m = right[i] if i < len(right) else ""
            out.append(f"{sev}  {rid}  {w:<{where_w}}  {m}".rstrip())
    line = summary_line(findings, checked, strict)
    bad = has_errors(findings, strict)
    out.append("")
    out.append(_c(line, "31;1" if bad else "32;1", color))
    return "\n".join(out) + "\n"


def report_dict(findings: Sequence[Finding], *, checked: Sequence[str], strict: bool = False,
                policy_sources: Sequence[str] = (), workspace: str | None = None,
                policy_changes: Sequence[str] = ()) -> dict[str, Any]:
    """The JSON report as a mapping (see docs/checks.md for the schema)."""
    return {
        "schema": SCHEMA,
        "ok": not has_errors(findings, strict),
        "strict": strict,
        "summary": count_by_severity(findings),
        "checked": list(checked),
        "workspace": workspace,
        "policy": list(policy_sources),
        "policy_changes": list(policy_changes),
        "findings": [f.as_dict() for f in findings],
    }


def render_json(findings: Sequence[Finding], *, checked: Sequence[str], strict: bool = False,
                policy_sources: Sequence[str] = (), workspace: str | None = None,
                policy_changes: Sequence[str] = ()) -> str:
    """The JSON report as text (UTF-8, not ASCII-escaped, indented)."""
    data = report_dict(findings, checked=checked, strict=strict, policy_sources=policy_sources,
                       workspace=workspace, policy_changes=policy_changes)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def render_rules(rules: Sequence[Rule], severities: dict[str, str], fmt: str = "text") -> str:
    """The rule list (``bidgen check --rules``): id, family, severity under the policy, doc."""
    if fmt == "json":
        rows = [{"id": r.id, "family": r.family, "default": r.severity.value, "severity": severities[r.id],
                 "doc": r.doc} for r in rules]
        return json.dumps({"schema": SCHEMA, "rules": rows}, ensure_ascii=False, indent=2) + "\n"
    id_w = max(len(r.id) for r in rules)
    fam_w = max(len(r.family) for r in rules)
    lines = [f"{'RULE':<{id_w}}  {'FAMILY':<{fam_w}}  {'SEVERITY':<8}  WHAT IT CHECKS"]
    for r in rules:
        sev = severities[r.id]
        shown = sev if sev == r.severity.value else f"{sev}*"
        lines.append(f"{r.id:<{id_w}}  {r.family:<{fam_w}}  {shown:<8}  {r.doc}")
    lines.append("")
    lines.append("* re-graded by the policy; 'off': switched off by the policy.")
    return "\n".join(lines) + "\n"
