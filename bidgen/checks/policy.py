"""The commercial policy the checker applies: DOMAIN.md's defaults, overridable per team.

Layers, later ones winning key by key (a mapping is merged, anything else replaced):

1. ``clauses/policy.yaml`` (built in: the figures of DOMAIN.md);
2. ``policy.yaml`` at the root of the team workspace (``--library DIR`` or found upwards);
3. the file given with ``--policy``.

Each layer is validated as it is applied, so a mistake is reported with its own file, line
and key path (``team.yaml:4: margin.min_percnt: unknown key; did you mean 'min_percent'?``).
"""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..errors import InputError
from bidgen.inputs.base import Days, Hours, Money, Percent
from bidgen.inputs.deal import Tier, derive_tier
from .findings import Severity
from .registry import all_rules

__all__ = ["Policy", "RuleSetting", "load_policy", "default_policy", "POLICY_FILE"]

POLICY_FILE = "policy.yaml"


class _M(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Tiers(_M):
    strategic_from: Money
    key_from: Money


class Margin(_M):
    min_percent: Percent


class Payment(_M):
    max_due_days: Days
    retention_min_percent: Percent
    retention_max_percent: Percent

    @model_validator(mode="after")
    def _range(self) -> "Payment":
        if self.retention_min_percent > self.retention_max_percent:
            raise ValueError("retention_min_percent is above retention_max_percent")
        return self


class Concessions(_M):
    max_step_percent: Percent
    equal_tolerance_percent: Percent


class Approval(_M):
    limits: dict[str, Money | None]
    by_currency: dict[str, dict[str, Money | None]] = Field(default_factory=dict)


class Penalty(_M):
    per_day_min_percent: Percent
    per_day_max_percent: Percent
    cap_common_percent: Percent
    cap_max_percent: Percent


class TenderPolicy(_M):
    max_bid_bond_percent: Percent


class ServiceLevel(_M):
    response_hours: Hours | None = None
    onsite_hours: Hours | None = None


class Documents(_M):
    placeholders: tuple[str, ...]


class Figures(_M):
    """Which documents the traced-figures rules read (``FIG-*``), and whether percentages are traced."""

    documents: tuple[str, ...] = ("proposal", "bid", "memo", "document")
    percentages: bool = True


class RuleSetting(_M):
    """A rule switched on/off or re-graded by the policy."""

    enabled: bool = True
    severity: Severity | None = None


class Policy(_M):
    """The whole policy (see ``clauses/policy.yaml`` for every key and its meaning)."""

    version: int = 1
    tiers: Tiers
    margin: Margin
    payment: Payment
    concessions: Concessions
    approval: Approval
    penalty: Penalty
    tender: TenderPolicy
    service_levels: dict[Tier, ServiceLevel]
    documents: Documents
    figures: Figures = Field(default_factory=Figures)
    tax_rates: dict[str, tuple[Percent, ...] | None] = Field(default_factory=dict)
    rules: dict[str, RuleSetting] = Field(default_factory=dict)
    sources: tuple[str, ...] = ()

    def rule_enabled(self, rule_id: str) -> bool:
        """False when the policy switched the rule off."""
        setting = self.rules.get(rule_id)
        return setting.enabled if setting else True

    def rule_severity(self, rule_id: str, default: Severity) -> Severity:
        """The policy's severity for the rule, else its default."""
        setting = self.rules.get(rule_id)
        return setting.severity if setting and setting.severity else default

    def weakened(self) -> list[str]:
        """What this policy switches off or grades down compared with the rules' defaults and the
        built-in policy, one line each (``check`` reports them)."""
        from .registry import all_rules

        order = {"info": 0, "warning": 1, "error": 2}
        builtin = default_policy() if self.sources[1:] else self
        out: list[str] = []
        by_id = {r.id: r for r in all_rules()}
        for rid, setting in sorted(self.rules.items()):
            rule = by_id.get(rid)
            if rule is None:
                continue
            base_sev = builtin.rule_severity(rid, rule.severity)
            if not setting.enabled and builtin.rule_enabled(rid):
                out.append(f"rule {rid} is switched off")
            elif setting.severity is not None and order[setting.severity.value] < order[base_sev.value]:
                out.append(f"rule {rid} is lowered from {base_sev.value} to {setting.severity.value}")
        return out

    def tier_of(self, annual_value: Decimal | None, given: Tier | None) -> Tier:
        """The client's tier: the one given, else derived with the policy's thresholds."""
        if given is not None:
            return given
        return derive_tier(annual_value, self.tiers.strategic_from, self.tiers.key_from)

    def approval_limit(self, level: str, currency: str) -> tuple[bool, Decimal | None]:
        """(known, limit) of an approval level; limit None means unlimited."""
        table = {**self.approval.limits, **self.approval.by_currency.get(currency.upper(), {})}
        if level not in table:
            return False, None
        return True, table[level]


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _check_rule_ids(data: dict[str, Any], file: str, line_of: Any) -> None:
    from bidgen.inputs.locate import did_you_mean

    rules = data.get("rules") or {}
    if not isinstance(rules, dict):
        return
    known = {r.id for r in all_rules()}
    errors = []
    for rid in rules:
        if rid not in known:
            hint = did_you_mean(str(rid), sorted(known))
            msg = f"unknown rule id {rid!r}" + (f"; did you mean {hint!r}?" if hint else " (see bidgen check --rules)")
            errors.append(InputError(msg, file=file, field=f"rules.{rid}", line=line_of(("rules", rid))))
    if errors:
        from ..errors import ValidationErrors

        raise ValidationErrors(errors)


def _apply(merged: dict[str, Any], path: Path) -> dict[str, Any]:
    """Merge one policy file into ``merged`` and validate the result against that file."""
    from bidgen.inputs.load import validate_mapping
    from bidgen.inputs.read import read_document

    doc = read_document(path)
    _check_rule_ids(doc.data, doc.file, doc.line_of)
    result = _merge(merged, doc.data)
    result.pop("sources", None)
    validate_mapping(Policy, result, file=doc.file, line_of=doc.line_of)
    return result


_DEFAULT: dict[str, Any] | None = None


def _builtin() -> dict[str, Any]:
    global _DEFAULT
    if _DEFAULT is None:
        from ..paths import clauses_dir

        _DEFAULT = _apply({}, clauses_dir() / POLICY_FILE)
    return _DEFAULT


def default_policy() -> Policy:
    """The built-in policy (``clauses/policy.yaml``)."""
    from ..paths import clauses_dir

    return Policy.model_validate({**_builtin(), "sources": (str(clauses_dir() / POLICY_FILE),)})


def load_policy(path: str | Path | None = None, workspace: str | Path | None = None) -> Policy:
    """The policy for a check: built-in defaults, then ``<workspace>/policy.yaml``, then ``path``.

    Raises a located :class:`~bidgen.errors.InputError` for a missing or invalid file, an
    unknown key (with a did-you-mean hint) or an unknown rule id.
    """
    from ..paths import clauses_dir

    data = _builtin()
    sources = [str(clauses_dir() / POLICY_FILE)]
    layers: list[Path] = []
    if workspace is not None:
        from bidgen.library.workspace import MARKER, workspace_settings

        ws_policy = (workspace_settings(Path(workspace)).policy if (Path(workspace) / MARKER).is_file()
                     else Path(workspace) / POLICY_FILE)
        if ws_policy.is_file():
            layers.append(ws_policy)
    if path is not None:
        if not Path(path).is_file():
            raise InputError("policy file not found", file=str(path))
        layers.append(Path(path))
    for layer in layers:
        data = _apply(data, layer)
        sources.append(str(layer))
    return Policy.model_validate({**data, "sources": tuple(sources)})
