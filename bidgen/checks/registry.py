"""The catalogue of rules and the collector that turns rule hits into findings.

Every rule is declared once, at import time of its family module, with :func:`rule`::

    TOTAL = rule("ARITH-TOTAL", "arithmetic", ERROR, "The total equals the subtotal plus tax.")

and reported through a :class:`Collector`, which applies the policy: a rule switched off is
never run (``collector.on(rule_id)``), a re-graded rule reports with the policy's severity.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Protocol

from .findings import Finding, Place, Severity, Value


class RulePolicy(Protocol):
    """What a collector asks of a policy (:class:`bidgen.checks.policy.Policy` is one)."""

    def rule_enabled(self, rule_id: str) -> bool: ...

    def rule_severity(self, rule_id: str, default: Severity) -> Severity: ...

__all__ = ["Rule", "RULES", "rule", "all_rules", "Collector", "ERROR", "WARNING", "INFO"]

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

#: Every rule by id, in declaration order.
RULES: dict[str, "Rule"] = {}

#: The family modules, in the order the rules are listed.
FAMILIES = (
    "arithmetic", "words", "margin", "payment", "concessions", "tender", "memo",
    "promises", "identifiers", "conventions", "dates", "documents", "figures", "crossdoc",
)


@dataclass(frozen=True)
class Rule:
    """A rule: its id, family, default severity and a one-line doc."""

    id: str
    family: str
    severity: Severity
    doc: str


def rule(rule_id: str, family: str, severity: Severity, doc: str) -> str:
    """Declare a rule and return its id (declaring the same id twice is a programming error)."""
    if rule_id in RULES:
        raise ValueError(f"rule {rule_id} declared twice")
    RULES[rule_id] = Rule(rule_id, family, severity, doc)
    return rule_id


def all_rules() -> list[Rule]:
    """Every rule of every family, in family order."""
    import importlib

    for family in FAMILIES:
        importlib.import_module(f"bidgen.checks.{family}")
    order = {name: i for i, name in enumerate(FAMILIES)}
    return sorted(RULES.values(), key=lambda r: order.get(r.family, len(order)))


class Collector:
    """Collects findings, applying the policy's switches and severities."""

    def __init__(self, policy: RulePolicy) -> None:
        self.policy = policy
        self.findings: list[Finding] = []

    def on(self, rule_id: str) -> bool:
        """Whether the rule runs under the policy."""
        return self.policy.rule_enabled(rule_id)

    def add(self, rule_id: str, message: str, where: Place | None = None, values: Iterable[Value] = ()) -> None:
        """Report a hit of ``rule_id`` (ignored when the policy switched the rule off)."""
        if not self.on(rule_id):
            return
        severity = self.policy.rule_severity(rule_id, RULES[rule_id].severity)
        self.findings.append(Finding(rule_id, severity, message, where or Place(), tuple(values)))
