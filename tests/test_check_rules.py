"""Every input rule: the reference examples pass it, and a deliberately broken input fails it."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any, Callable

import pytest
from conftest import example

from bidgen.checks import Severity, all_rules, check_inputs, default_policy, has_errors
from bidgen.checks.arithmetic import Fig, check_figures, figures_from_pricing
from bidgen.checks.context import Inputs, Source
from bidgen.checks.identifiers import ubn_problem, uscc_problem
from bidgen.checks.margin import margin_percent
from bidgen.checks.registry import Collector
from bidgen.checks.words import check_words
from bidgen.inputs.load import load_mapping, validate_mapping
from bidgen.inputs.models import Deal, Meeting, Tender

Data = dict[str, Any]


def _models(base: str, deal_fn=None, tender_fn=None, meeting_fn=None):  # type: ignore[no-untyped-def]
    deal: Data = load_mapping(example(f"deal-{base}.yaml"))
    tender: Data | None = load_mapping(example("tender-zh_CN.yaml")) if base == "zh_CN" else None
    meeting: Data | None = load_mapping(example("meeting-zh_CN.yaml")) if base == "zh_CN" else None
    for fn, data in ((deal_fn, deal), (tender_fn, tender), (meeting_fn, meeting)):
        if fn is not None:
            fn(data)
    return (
        validate_mapping(Deal, deal),
        validate_mapping(Tender, tender) if tender else None,
        validate_mapping(Meeting, meeting) if meeting else None,
    )


def run(base: str = "zh_CN", *, deal=None, tender=None, meeting=None, policy=None):  # type: ignore[no-untyped-def]
    d, t, m = _models(base, deal, tender, meeting)
    return check_inputs(d, tender=t, meeting=m, policy=policy)


def _set(path: str, val: Any) -> Callable[[Data], None]:
    """A mutator setting a dotted path (list indices as numbers): ``terms.payment.0.percent``."""

    def fn(data: Data) -> None:
        keys = [int(k) if k.isdigit() else k for k in path.split(".")]
        target: Any = data
        for k in keys[:-1]:
            target = target[k]
        if val is _DELETE:
            del target[keys[-1]]
        else:
            target[keys[-1]] = val

    return fn


_DELETE = object()


def _both(*fns: Callable[[Data], None]) -> Callable[[Data], None]:
    def fn(data: Data) -> None:
        for f in fns:
            f(data)

    return fn


# --------------------------------------------------------------------------- the passing side


@pytest.mark.parametrize("base", ["zh_CN", "en_US"])
def test_reference_examples_pass_every_input_rule(base: str) -> None:
    findings = run(base)
    assert findings == []


def test_margin_is_on_the_price_net_of_tax() -> None:
    # zh: 676,200.00 incl. 13% VAT is 598,407.08 net; cost 455,000 → 23.96 %
    assert margin_percent(Decimal("598407.08"), Decimal("455000")) == Decimal("23.96")
    # en: 149,380 before tax against 98,000 → 34.40 %
    assert margin_percent(Decimal("149380"), Decimal("98000")) == Decimal("34.40")


# --------------------------------------------------------------------------- the failing side

P0 = "terms.payment.0"
NEG = "negotiation"

CASES: dict[str, list[tuple[str, dict[str, Any], tuple[str, ...]]]] = {
    "PAY-SUM-100": [("zh_CN", {"deal": _set(f"{P0}.percent", 25)}, ("95%", "25% + 60% + 10%", "short of 100%")),
                    ("zh_CN", {"meeting": _set("agreed.payment.0.percent", 40)}, ("meeting", "110%"))],
    "PAY-DUE-DAYS": [("zh_CN", {"deal": _set(f"{P0}.due_days", 120)}, ("120 days", "at most 90 days"))],
    "PAY-RETENTION-RANGE": [("zh_CN", {"deal": _both(_set("terms.payment.1.percent", 55),
                                                       _set("terms.payment.2.percent", 15))}, ("15%", "3% to 10%"))],
    "MARGIN-FLOOR": [("zh_CN", {"deal": _set("items.0.discount_percent", 30)}, ("556,200.00 CNY", "floor of 560,000.00"))],
    "MARGIN-MIN": [("zh_CN", {"deal": _set(f"{NEG}.cost", 560000)}, ("6.42%", "at least 15%"))],
    "MARGIN-TARGETS": [("zh_CN", {"deal": _set(f"{NEG}.targets.best", 700000)}, ("opening price", "below the best"))],
    "CONC-STEP-MAX": [("zh_CN", {"deal": _both(_set(f"{NEG}.opening_price", 720000),
                                                _set(f"{NEG}.concessions.0.give", "总价降低 6.08%"))},
                       ("6.08%", "at most 3%"))],
    "CONC-GIVE-GET": [("en_US", {"deal": _set(f"{NEG}.concessions.1.get", _DELETE)}, ("One extra training day",
                                                                                     "without getting"))],
    "CONC-LADDER-SHAPE": [
        ("en_US", {"deal": _set(f"{NEG}.concessions", [
            {"give": "1% off", "price_after": 152460, "get": "a"}, {"give": "2% off", "price_after": 149380, "get": "b"}])},
         ("Growing ladder",)),
        ("en_US", {"deal": _set(f"{NEG}.concessions", [
            {"give": "cut", "price_after": 151690, "get": "a"}, {"give": "cut", "price_after": 149380, "get": "b"}])},
         ("Equal-step ladder", "2,310.00 USD")),
        ("en_US", {"deal": _both(_set(f"{NEG}.targets.floor", 149380), _set(f"{NEG}.targets.acceptable", 149500))},
         ("All-at-once ladder", "whole room")),
    ],
    "CONC-PRICE-AFTER": [("zh_CN", {"deal": _set(f"{NEG}.concessions.0.give", "总价降低 3%")},
                          ("669,300.00 CNY", "676,200.00 CNY")),
                         ("zh_CN", {"deal": _set(f"{NEG}.opening_price", 670000)}, ("raises the price",))],
    "CONC-FINAL-PRICE": [("en_US", {"deal": _set("items.2.quantity", 5)}, ("149,380.00 USD", "151,175.00 USD"))],
    "CONC-APPROVAL": [("zh_CN", {"deal": _set(f"{NEG}.approval.limit", 10000)}, ("13,800.00 CNY", "10,000.00 CNY"))],
    "CONC-APPROVAL-LEVEL": [("zh_CN", {"deal": _set(f"{NEG}.approval.level", "team_lead")}, ("team_lead",)),
                            ("zh_CN", {"deal": _set(f"{NEG}.approval", _DELETE)}, ("no approval",)),
                            ("zh_CN", {"deal": _set(f"{NEG}.approval.limit", 600000)}, ("600,000.00", "500,000.00"))],
    "TENDER-CEILING": [("zh_CN", {"tender": _set("ceiling_price", 650000)}, ("676,200.00 CNY", "650,000.00 CNY")),
                       ("zh_CN", {"tender": _set("budget", 600000)}, ("budget",))],
    "TENDER-VALIDITY": [("zh_CN", {"tender": _set("required_validity_days", 120)}, ("90 days", "at least 120 days"))],
    "TENDER-DELIVERY": [("zh_CN", {"tender": _set("required_delivery_days", 20)}, ("30 days", "at most 20 days")),
                        ("zh_CN", {"deal": _set("terms.delivery_days", _DELETE)}, ("states none",))],
    "TENDER-WARRANTY": [("zh_CN", {"tender": _set("required_warranty_months", 24)}, ("12 months", "24 months"))],
    "TENDER-ANSWERED": [("zh_CN", {"tender": _set("requirements.1.response", _DELETE)}, ("T-02", "no response"))],
    "TENDER-MANDATORY": [("zh_CN", {"tender": _both(_set("requirements.2.mandatory", True),
                                                     _set("requirements.2.deviation", "negative"))}, ("★ T-03",))],
    "TENDER-DEVIATION": [("zh_CN", {"tender": _set("requirements.2.deviation", "negative")}, ("T-03", "explanation")),
                         ("zh_CN", {"tender": _set("requirements.0.deviation", _DELETE)}, ("T-01", "no deviation"))],
    "TENDER-BOND": [("zh_CN", {"tender": _set("bid_bond", 20000)}, ("2.86%", "at most 2%"))],
    "TENDER-CURRENCY": [("zh_CN", {"tender": _set("currency", "USD")}, ("USD", "CNY"))],
    "MEMO-PRICE-DRIFT": [("zh_CN", {"meeting": _set("agreed.price", 678000)}, ("678,000.00 CNY", "676,200.00 CNY")),
                         ("zh_CN", {"meeting": _both(_set("agreed.price", _DELETE), _set("agreed.price_range",
                                                     {"low": 600000, "high": 650000}))}, ("range",))],
    "MEMO-TERMS-DRIFT": [("zh_CN", {"meeting": _set("agreed.delivery_days", 45)}, ("45 days", "30 days")),
                         ("zh_CN", {"meeting": _set("agreed.payment.0.due_days", 15)}, ("payment schedule",))],
    "MEMO-OPEN-ITEMS": [("zh_CN", {"meeting": _set("open_items.0.owner", _DELETE)}, ("no owner",)),
                        ("zh_CN", {"meeting": _set("open_items.1.due", "2026-11-18")}, ("2026-11-18", "not after"))],
    "MEMO-NEXT-CONTACT": [("zh_CN", {"meeting": _set("next_contact", "2026-11-19")}, ("not after the meeting",))],
    "MEMO-OBJECTIONS": [("zh_CN", {"meeting": _both(_set("objections.0.resolution", _DELETE),
                                                     _set("open_items", []))}, ("unresolved",))],
    "SLA-TIER": [("zh_CN", {"deal": _set("terms.sla.response_hours", 1)}, ("within 1 hour,", "2 hours", "strategic")),
                 ("en_US", {"deal": _set("terms.sla.onsite_hours", 24)}, ("on-site", "48 hours", "key"))],
    "PENALTY-PER-DAY": [("zh_CN", {"deal": _set("terms.late_delivery_penalty.percent_per_day", "0.5")}, ("0.5%",))],
    "PENALTY-CAP": [("zh_CN", {"deal": _set("terms.late_delivery_penalty.cap_percent", _DELETE)}, ("no cap",)),
                    ("zh_CN", {"deal": _set("terms.late_delivery_penalty.cap_percent", 25)}, ("25%", "20%"))],
    "PENALTY-CAP-COMMON": [("zh_CN", {"deal": _set("terms.late_delivery_penalty.cap_percent", 15)}, ("15%", "10%"))],
    "ID-USCC": [("zh_CN", {"deal": _set("client.credit_code", "91310115MA1K4B2C3K")}, ("check character", "'J'"))],
    "ID-TW-UBN": [("en_US", {"deal": _both(_set("client.country", "TW"), _set("client.tax_id", "12345678"))},
                   ("12345678", "not divisible by 5"))],
    "DATE-VALIDITY": [("zh_CN", {"deal": _set("valid_until", "2026-11-20")}, ("not after its issue date",))],
    "TAX-RATE-COUNTRY": [("zh_CN", {"deal": _set("tax_rate_percent", 5)}, ("5%", "CN", "13%")),
                         ("en_US", {"deal": _both(_set("client.country", "TW"), _set("tax_rate_percent", 13))},
                          ("13%", "TW", "5%"))],
    "TEXT-SCRIPT": [("zh_CN", {"deal": _set("project.name", "智慧產線監控系統升級")}, ("traditional", "產、線、監、統")),
                    ("en_US", {"deal": _both(_set("locale", "zh_TW"), _set("client.pain_points.0.need", "实时可视化"))},
                     ("simplified", "实、时"))],
    "TEXT-TW-TERMS": [("en_US", {"deal": _both(_set("locale", "zh_TW"),
                                                _set("project.summary", "請法定代表人簽署並繳納投標保證金"))},
                       ("法定代表人 → 負責人", "投標保證金 → 押標金"))],
    "DATE-EXPIRED": [("zh_CN", {"deal": _set("valid_until", "2026-11-25")}, ("expired on 2026-11-25", "5 days ago"))],
    "DATE-DEADLINE": [("zh_CN", {"tender": _set("deadline", "2026-11-10")}, ("2026-11-10",))],
}


def _case_ids() -> list[tuple[str, int]]:
    return [(rid, i) for rid, cases in CASES.items() for i in range(len(cases))]


@pytest.mark.parametrize(("rule_id", "index"), _case_ids(), ids=lambda v: str(v))
def test_broken_input_is_caught(rule_id: str, index: int) -> None:
    base, mutators, fragments = CASES[rule_id][index]
    findings = run(base, **mutators)
    hits = [f for f in findings if f.rule == rule_id]
    assert hits, f"{rule_id} not reported; got {[str(f) for f in findings]}"
    text = " ".join(f.message + " " + f.compared for f in hits)
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in {text!r}"
    assert all(f.where.path for f in hits)  # every finding says where


def test_milestone_at_25_names_the_place_and_fails() -> None:
    findings = run(deal=_set(f"{P0}.percent", 25))
    assert has_errors(findings)
    (f,) = [f for f in findings if f.rule == "PAY-SUM-100"]
    assert f.severity is Severity.ERROR and f.where.path == "terms.payment"
    assert "95%" in f.message and "required: 100%" in f.compared


def test_retention_milestone_is_exempt_from_due_days() -> None:
    findings = run(deal=_set("terms.payment.2.due_days", 400))
    assert [f.rule for f in findings] == ["MEMO-TERMS-DRIFT"]  # the memo restates 30 days: drift, not PAY-DUE-DAYS


# --------------------------------------------------------------------------- arithmetic and words


def _figures():  # type: ignore[no-untyped-def]
    inp = Inputs(default_policy(), deal=validate_mapping(Deal, load_mapping(example("deal-en_US.yaml"))))
    return figures_from_pricing(inp.pricing, Source("deal"), [i.description for i in inp.deal.items])


def _arith(fig) -> list[str]:  # type: ignore[no-untyped-def]
    out = Collector(default_policy())
    check_figures(fig, out)
    return [f"{f.rule}: {f.message}" for f in out.findings]


def test_arithmetic_passes_on_computed_pricing() -> None:
    assert _arith(_figures()) == []


@pytest.mark.parametrize(
    ("change", "rule_id", "fragment"),
    [
        ("line", "ARITH-LINE", "450 × 240.00 USD is 108,000.00 USD"),
        ("subtotal", "ARITH-SUBTOTAL", "add up to 149,380.00 USD"),
        ("tax", "ARITH-TAX", "5% on 149,380.00 USD is 7,469.00 USD"),
        ("total", "ARITH-TOTAL", "the subtotal plus tax is 156,849.00 USD"),
        ("milestone", "ARITH-MILESTONES", "40% of the total 156,849.00 USD is 62,739.60 USD"),
        ("milestone_sum", "ARITH-MILESTONES", "add up to 156,850.00 USD"),
    ],
)
def test_arithmetic_catches_each_wrong_figure(change: str, rule_id: str, fragment: str) -> None:
    fig = _figures()
    one = Decimal("1")
    if change == "line":
        first = fig.lines[0]
        fig.lines[0] = dataclasses.replace(first, total=Fig(first.total.amount + one, first.total.where))
    elif change in ("subtotal", "tax", "total"):
        old = getattr(fig, change)
        setattr(fig, change, Fig(old.amount + one, old.where))
    elif change == "milestone":
        pct, f = fig.milestones[0]
        fig.milestones[0] = (pct, Fig(f.amount + one, f.where))
    else:
        pct, f = fig.milestones[-1]
        fig.milestones[-1] = (pct, Fig(f.amount + one, f.where))
    messages = _arith(fig)
    assert any(m.startswith(rule_id) and fragment in m for m in messages), messages


def _words(text: str, figures: str | None = "676200", currency: str = "CNY", locale: str = "zh_CN") -> list[str]:
    from bidgen.checks.findings import Place

    out = Collector(default_policy())
    check_words(text, Decimal(figures) if figures else None, currency, locale, "total in words", Place("x.docx"), out)
    return [f"{f.rule} {f.severity.value}: {f.message}" for f in out.findings]


def test_words_pass_when_right() -> None:
    assert _words("人民币陆拾柒万陆仟贰佰元整") == []
    assert _words("新臺幣陸拾柒萬陸仟貳佰元整", currency="TWD", locale="zh_TW") == []
    assert _words("One hundred fifty-six thousand eight hundred forty-nine US dollars", "156849", "USD", "en_US") == []


def test_words_for_the_wrong_amount() -> None:
    (msg,) = _words("人民币陆拾柒万捌仟元整")
    assert msg.startswith("WORDS-MATCH error") and "678,000.00 CNY" in msg and "676,200.00 CNY" in msg


@pytest.mark.parametrize(
    ("text", "figures", "code"),
    [
        ("人民币壹拾万伍佰元整", "100500", "missing_zero"),
        ("人民币壹佰元零零伍分", "100.05", "double_zero"),
        ("人民币壹佰元零伍分整", "100.05", "zheng_after_fen"),
        ("人民币壹佰元", "100", "missing_zheng"),
        ("人民币拾万元整", "100000", "shi_without_yi"),
        ("人民币一百元整", "100", "forbidden_char"),
    ],
)
def test_each_words_problem_is_named(text: str, figures: str, code: str) -> None:
    messages = _words(text, figures)
    assert any(m.startswith("WORDS-FORM error") and code in m for m in messages), messages


def test_words_script_and_currency() -> None:
    assert any(m.startswith("WORDS-SCRIPT warning") for m in _words("人民币陆拾柒萬陆仟贰佰元整"))
    assert any("traditional characters" in m for m in _words("人民幣陸拾柒萬陸仟貳佰元整"))
    assert any(m.startswith("WORDS-CURRENCY") and "USD" in m for m in _words("美元陆拾柒万陆仟贰佰元整"))
    assert any(m.startswith("WORDS-FORM") and "cannot be read" in m for m in _words("人民币元整角"))


# --------------------------------------------------------------------------- identifiers


def test_identifier_checksums() -> None:
    assert uscc_problem("91330106MA2H3K7Q85") is None
    assert uscc_problem("91310115MA1K4B2C3J") is None
    assert "check character" in (uscc_problem("91310115MA1K4B2C3K") or "")
    assert "18" in (uscc_problem("9131011") or "")
    assert "'I'" in (uscc_problem("91310115MA1K4B2CIJ") or "")
    assert ubn_problem("04595257") is None
    assert ubn_problem("10458570") is None  # 7th digit 7: total + 1 also counts
    assert ubn_problem("12345678") is not None
    assert ubn_problem("1234567") == "it is not 8 digits"


def test_every_rule_has_a_failing_test() -> None:
    from test_check_docs import DOC_RULES

    tested = set(CASES) | DOC_RULES | {"ARITH-LINE", "ARITH-SUBTOTAL", "ARITH-TAX", "ARITH-TOTAL", "ARITH-MILESTONES",
                                       "WORDS-MATCH", "WORDS-FORM", "WORDS-SCRIPT", "WORDS-CURRENCY", "LINK-DEAL",
                                       "FIG-UNTRACED", "FIG-TAX-WORDING", "FIG-PERCENT",  # tests/test_figures.py
                                       "DOC-UNREADABLE"}  # tests/test_hostile_limits.py
    assert {r.id for r in all_rules()} == tested
