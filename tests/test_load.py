"""Loading input files: the reference examples, exact numbers, and every error path."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from bidgen.errors import InputError, ValidationErrors
from bidgen.inputs.load import detect_kind, load_any, load_deal, load_mapping, load_meeting, load_tender
from bidgen.inputs.models import Deal, Meeting, MeetingMode, ObjectionKind, Tender, Tier

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
EXAMPLE_DIRS = [d for d in (Path("/work/shared/examples"), ROOT / "samples") if d.is_dir()]


@pytest.fixture(params=EXAMPLE_DIRS, ids=lambda d: d.name)
def examples(request: pytest.FixtureRequest) -> Path:
    path: Path = request.param
    return path


def write(tmp_path: Path, text: str, name: str = "deal.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def lines_of(exc: pytest.ExceptionInfo[ValidationErrors]) -> list[str]:
    return exc.value.lines()


def sample_text(name: str = "deal-zh_CN.yaml") -> str:
    return (ROOT / "samples" / name).read_text(encoding="utf-8")


# ---------------------------------------------------------------------------- the reference files


def test_both_example_dirs_exist() -> None:
    assert ROOT / "samples" in EXAMPLE_DIRS


def test_deal_zh_cn_loads_exactly(examples: Path) -> None:
    deal = load_deal(examples / "deal-zh_CN.yaml")
    assert deal.id == "D-2026-0042" and deal.currency == "CNY" and deal.locale == "zh_CN"
    assert deal.issue_date == dt.date(2026, 11, 20) and deal.valid_until == dt.date(2027, 2, 18)
    first = deal.items[0]
    assert (first.sku, first.quantity, first.unit_price, first.discount_percent) == (
        "MON-100", Decimal("10"), Decimal("48000"), Decimal("5"))
    assert str(first.unit_price) == "48000"
    assert deal.tax_rate_percent == Decimal("13") and deal.prices_include_tax is True
    penalty = deal.terms.late_delivery_penalty
    assert penalty is not None and str(penalty.percent_per_day) == "0.05"
    assert penalty.percent_per_day == Decimal("0.05") and penalty.cap_percent == Decimal("5")
    assert [m.percent for m in deal.terms.payment] == [Decimal(30), Decimal(60), Decimal(10)]
    assert [m.retention for m in deal.terms.payment] == [False, False, True]
    assert deal.terms.sla is not None and deal.terms.sla.onsite_hours == Decimal("24")
    assert deal.client.annual_value == Decimal("1600000") and deal.tier is Tier.STRATEGIC
    assert deal.client.contacts[2].role == "executive"
    assert deal.client.history is not None and deal.client.history.since == 2023
    assert deal.seller.credit_code == "91330106MA2H3K7Q85"
    neg = deal.negotiation
    assert neg is not None and neg.targets is not None and neg.approval is not None
    assert (neg.opening_price, neg.targets.floor, neg.cost) == (Decimal(690000), Decimal(560000), Decimal(455000))
    assert neg.concessions[0].price_after == Decimal("676200") and neg.concessions[1].price_after is None
    assert neg.approval.level == "regional_director" and neg.approval.limit == Decimal("500000")
    assert deal.clauses[-1] == "confidentiality.standard"
    assert deal.contact_emails == ("zhangwei@hdjm.example",)


def test_deal_en_us_loads_and_keeps_commas_in_flow_text(examples: Path) -> None:
    deal = load_deal(examples / "deal-en_US.yaml")
    assert deal.currency == "USD" and deal.client.country == "AE"
    assert deal.tier is Tier.KEY  # 420,000
    assert deal.items[0].description == "Platform licence (annual, per truck)"
    assert deal.client.pain_points[1].impact == "Manual planning breaks down above 3,000 shipments a day"
    assert deal.client.pain_points[1].explicit is False
    assert deal.items[1].discount_percent == Decimal("10")
    assert deal.terms.payment[1].due_days == 45
    assert deal.negotiation is not None and deal.negotiation.concessions[0].price_after == Decimal("149380")
    assert deal.seller.contact is not None and deal.seller.contact.phone == "+44 161 555 0142"


def test_meeting_loads(examples: Path) -> None:
    meeting = load_meeting(examples / "meeting-zh_CN.yaml")
    assert meeting.deal == "D-2026-0042" and meeting.mode is MeetingMode.ONSITE
    assert meeting.date == dt.date(2026, 11, 19) and meeting.next_contact == dt.date(2026, 11, 27)
    assert [a.name for a in meeting.attendees.client] == ["张伟", "陈静"]
    assert meeting.objections[0].kind is ObjectionKind.PRICE
    assert meeting.agreed is not None and meeting.agreed.price == Decimal("676200")
    assert meeting.agreed.payment[2].retention is True
    assert meeting.open_items[1].due == dt.date(2026, 11, 24)


def test_tender_loads(examples: Path) -> None:
    tender = load_tender(examples / "tender-zh_CN.yaml")
    assert tender.ref == "HDJM-ZB-2026-118" and tender.deadline == dt.date(2026, 12, 5)
    assert tender.ceiling_price == Decimal("700000") and tender.bid_bond == Decimal("10000")
    assert tender.required_validity_days == 90 and tender.required_delivery_days == 45
    assert len(tender.qualifications) == 4
    assert [r.id for r in tender.requirements_by_kind("technical")] == ["T-01", "T-02", "T-03"]
    assert tender.requirement("C-03").text == "付款方式：30% 预付，60% 验收，10% 质保金"


def test_load_any_detects_each_kind(examples: Path) -> None:
    assert isinstance(load_any(examples / "deal-zh_CN.yaml"), Deal)
    assert isinstance(load_any(examples / "deal-en_US.yaml"), Deal)
    assert isinstance(load_any(examples / "meeting-zh_CN.yaml"), Meeting)
    assert isinstance(load_any(examples / "tender-zh_CN.yaml"), Tender)


def test_load_mapping_is_raw_with_exact_decimals() -> None:
    raw = load_mapping(ROOT / "samples" / "deal-zh_CN.yaml")
    assert raw["terms"]["late_delivery_penalty"]["percent_per_day"] == Decimal("0.05")
    assert type(raw["terms"]["late_delivery_penalty"]["cap_percent"]) is int
    assert raw["issue_date"] == dt.date(2026, 11, 20)


@pytest.mark.parametrize("name", ["deal-zh_CN", "meeting-zh_CN", "tender-zh_CN"])
def test_json_input_equals_yaml(name: str) -> None:
    assert load_any(DATA / f"{name}.json") == load_any(ROOT / "samples" / f"{name}.yaml")


# ---------------------------------------------------------------------------- exact numbers in YAML


def test_float_money_is_exact(tmp_path: Path) -> None:
    text = sample_text().replace("unit_price: 850}", "unit_price: 850.10}").replace("unit_price: 118200}",
                                                                                    "unit_price: 1.1825e5}")
    deal = load_deal(write(tmp_path, text))
    assert str(deal.items[1].unit_price) == "850.10"
    assert deal.items[2].unit_price == Decimal("118250") and str(deal.items[2].unit_price) == "118250"


def test_yaml_traps_are_closed(tmp_path: Path) -> None:
    raw = load_mapping(write(tmp_path, "a: NO\nb: 0571\nc: 1:30\nd: yes\ne: 1_000\nf: 2026-02-30\ng: 1e3\n"))
    assert raw == {"a": "NO", "b": "0571", "c": "1:30", "d": "yes", "e": 1000, "f": "2026-02-30",
                   "g": Decimal("1e3")}


# ---------------------------------------------------------------------------- validation errors


def test_broken_deal_reports_every_error_with_line() -> None:
    path = DATA / "broken-deal.yaml"
    with pytest.raises(ValidationErrors) as info:
        load_deal(path)
    assert lines_of(info) == [
        f"{path}:5: issue_date: not an ISO date (YYYY-MM-DD): '2026/11/20'",
        f"{path}:14: items[0].unit_price: required key is missing",
        f"{path}:14: items[0].unit_prise: unknown key; did you mean 'unit_price'?",
        f"{path}:15: items[1].unit_price: not a valid amount: 'abc'",
        f"{path}:16: items[2].unit_price: an amount must not be negative: -118200",
        f"{path}:17: tax_rate_percent: not a valid percentage: '13 percent'",
        f"{path}:22: terms.payment[1].percent: not a valid percentage: 'abc%'",
    ]
    assert isinstance(info.value, InputError)
    assert info.value.errors[3].where.field == "items[1].unit_price"
    assert info.value.errors[3].where.line == 15


def test_typo_in_nested_key_has_hint(tmp_path: Path) -> None:
    text = sample_text().replace("  delivery_days: 30", "  delivery_dayz: 30")
    with pytest.raises(ValidationErrors) as info:
        load_deal(write(tmp_path, text))
    assert lines_of(info) == [f"{tmp_path / 'deal.yaml'}:52: terms.delivery_dayz: unknown key; "
                              "did you mean 'delivery_days'?"]


def test_unknown_key_without_close_match_lists_known_keys(tmp_path: Path) -> None:
    with pytest.raises(ValidationErrors) as info:
        load_deal(write(tmp_path, sample_text() + "zzz: 1\n"))
    assert "zzz: unknown key; expected one of: id, document_number, locale" in lines_of(info)[0]


def test_nan_and_infinity_are_refused(tmp_path: Path) -> None:
    text = sample_text().replace("unit_price: 850}", "unit_price: .nan}").replace("cost: 455000", "cost: .inf")
    with pytest.raises(ValidationErrors) as info:
        load_deal(write(tmp_path, text))
    assert [e.where.field for e in info.value.errors] == ["items[1].unit_price", "negotiation.cost"]
    assert all("not a finite number" in e.message for e in info.value.errors)


def test_json_nan_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="NaN is not a number"):
        load_deal(write(tmp_path, '{"id": "D", "items": [{"unit_price": NaN}]}', "deal.json"))


def test_missing_required_key_and_wrong_types(tmp_path: Path) -> None:
    text = sample_text().replace("tax_rate_percent: 13\n", "").replace("seller:\n", "seller: [1]\nold_seller:\n")
    text = text.replace("prices_include_tax: true", "prices_include_tax: maybe")
    text = text.replace("quantity: 120", "quantity: many")
    with pytest.raises(ValidationErrors) as info:
        load_deal(write(tmp_path, text))
    got = {e.where.field: e.message for e in info.value.errors}
    assert got["tax_rate_percent"] == "required key is missing"
    assert got["seller"] == "expected a mapping of keys (key: value), got a list"
    assert got["prices_include_tax"] == "expected true or false, got 'maybe'"
    assert got["items[1].quantity"] == "not a valid quantity: 'many'"
    assert got["old_seller"].startswith("unknown key")


def test_bad_date_forms(tmp_path: Path) -> None:
    text = sample_text().replace("issue_date: 2026-11-20", "issue_date: 2026/11/20")
    text = text.replace("valid_until: 2027-02-18", "valid_until: 2027-02-30")
    with pytest.raises(ValidationErrors) as info:
        load_deal(write(tmp_path, text))
    assert [e.message for e in info.value.errors] == [
        "not an ISO date (YYYY-MM-DD): '2026/11/20'", "not a valid date: '2027-02-30'"]
    assert [e.where.line for e in info.value.errors] == [8, 9]


def test_json_dates_must_be_iso(tmp_path: Path) -> None:
    text = (DATA / "deal-zh_CN.json").read_text(encoding="utf-8").replace('"2026-11-20"', '"2026/11/20"')
    with pytest.raises(ValidationErrors) as info:
        load_deal(write(tmp_path, text, "deal.json"))
    assert lines_of(info) == [f"{tmp_path / 'deal.json'}:5: issue_date: not an ISO date (YYYY-MM-DD): '2026/11/20'"]


def test_enum_typo_has_hint(tmp_path: Path) -> None:
    text = sample_text().replace("role: executive", "role: executiv")
    with pytest.raises(ValidationErrors) as info:
        load_deal(write(tmp_path, text))
    assert lines_of(info)[0].endswith(
        "client.contacts[2].role: not one of gatekeeper, user, purchaser, project_lead, executive, consultant: "
        "'executiv'; did you mean 'executive'?")


def test_flow_mapping_commas_in_plain_text(tmp_path: Path) -> None:
    text = 'a: {x: above 3,000 units, y: 1}\nb: {x: foo,\n   bar baz}\nc: {x: "q", per truck)}\nd: {x: f, # c\n  g h}\n'
    assert load_mapping(write(tmp_path, text)) == {
        "a": {"x": "above 3,000 units", "y": 1},
        "b": {"x": "foo, bar baz"},
        "c": {"x": "q", "per truck)": None},  # after quoted text: left alone, validation reports the key
        "d": {"x": "f", "g h": None},  # a comment in between: left alone
    }


def test_comma_before_a_bare_key_is_an_error(tmp_path: Path) -> None:
    text = sample_text().replace("title: 技术总监, role: user", "title: 技术总监, role")
    with pytest.raises(InputError) as info:
        load_deal(write(tmp_path, text))
    assert str(info.value) == f"{tmp_path / 'deal.yaml'}:29: key 'role' has no ':' and no value " \
                              "(quote text that contains a comma)"


# ---------------------------------------------------------------------------- file-level errors


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("a: [1\n", "x.yaml", ":2: invalid YAML: expected ',' or ']'"),
        ("- 1\n- 2\n", "x.yaml", ":1: expected a mapping of keys at the top level, got a list"),
        ("", "x.yaml", ": the file is empty"),
        ("a: 1\nb: 2\na: 3\n", "x.yaml", ":3: duplicate key 'a' (first at line 1)"),
        ('{"a": 1, "a": 2}', "x.json", ": duplicate key 'a'"),
        ('{"a": 1,}', "x.json", ":1: invalid JSON: Expecting property name"),
        ("a: 1\n", "x.txt", ": unsupported file type '.txt'"),
        ("items: &a [*a]\n", "x.yaml", ":1: nested too deeply, or an alias refers to itself"),
    ],
)
def test_file_level_errors(tmp_path: Path, text: str, name: str, expected: str) -> None:
    path = write(tmp_path, text, name)
    with pytest.raises(InputError) as info:
        load_any(path)
    assert str(info.value).startswith(str(path) + expected)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        load_deal(tmp_path / "nope.yaml")
    (tmp_path / "dir.yaml").mkdir()
    with pytest.raises(InputError, match="is a directory"):
        load_deal(tmp_path / "dir.yaml")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "deal.yaml"
    path.write_bytes("id: D\nname: 华东\n".encode("gb18030"))
    with pytest.raises(InputError) as info:
        load_deal(path)
    assert str(info.value) == f"{path}:2: not UTF-8 text"


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    rows = ["a0: &a0 [x]"] + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    with pytest.raises(InputError, match="too many values"):
        load_mapping(write(tmp_path, "\n".join(rows) + "\n"))


def test_wrong_kind_is_named(examples: Path) -> None:
    with pytest.raises(InputError, match="this is a tender, not a deal"):
        load_deal(examples / "tender-zh_CN.yaml")
    with pytest.raises(InputError, match="this is a deal, not a meeting"):
        load_meeting(examples / "deal-zh_CN.yaml")
    with pytest.raises(InputError, match="this is a meeting, not a tender"):
        load_tender(examples / "meeting-zh_CN.yaml")


def test_kind_detection() -> None:
    assert detect_kind({"items": [], "seller": {}}) == "deal"
    assert detect_kind({"requirements": [], "deal": "D"}) == "tender"
    assert detect_kind({"attendees": {}, "deal": "D"}) == "meeting"
    assert detect_kind({"deal": "D"}) is None


def test_unknown_kind(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot tell whether this is a deal, a meeting or a tender"):
        load_any(write(tmp_path, "deal: D-1\nfoo: 1\n"))
