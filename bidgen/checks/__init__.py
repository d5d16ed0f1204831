"""The consistency checker: every term right, every figure agreeing, in the inputs and the documents.

Library API::

    from bidgen.checks import check_inputs, check_paths, load_policy, has_errors, draft_stamp

    findings = check_inputs(deal, tender=tender, meeting=meeting, policy=load_policy())
    if has_errors(findings):              # strict=True: warnings fail too
        ...                               # refuse to render, or render with draft_stamp(locale)
    findings = check_paths(["deal.yaml", "out/"], load_policy("team-policy.yaml"))

Rules live in one module per family (arithmetic, words, margin, payment, concessions, tender,
memo, promises, identifiers, dates, documents, crossdoc); :func:`all_rules` lists them.
"""

from __future__ import annotations

from .findings import Finding, Place, Severity, Value, count_by_severity, has_errors, sort_findings
from .policy import Policy, default_policy, load_policy
from .registry import Rule, all_rules
from .stamp import DRAFT_STAMPS, draft_stamp


def __getattr__(name: str) -> object:
    """:func:`check_inputs` and :func:`check_paths`, imported on first use: the runner brings in
    every rule family and the document reader, which a bulk run's start (it loads the policy
    before any deal) need not wait for."""
    if name in ("check_inputs", "check_paths"):
        from . import runner

        return getattr(runner, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "Finding",
    "Place",
    "Severity",
    "Value",
    "Policy",
    "Rule",
    "check_inputs",
    "check_paths",
    "load_policy",
    "default_policy",
    "has_errors",
    "count_by_severity",
    "sort_findings",
    "all_rules",
    "draft_stamp",
    "DRAFT_STAMPS",
]
