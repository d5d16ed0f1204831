"""The input models on their own: value types, enums, tiers, helpers, immutability."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from bidgen.inputs.models import (
    KNOWN_APPROVAL_LEVELS,
    Agreed,
    Approval,
    Client,
    ContactRole,
    Deal,
    Deviation,
    LineItem,
    Meeting,
    MeetingMode,
    Milestone,
    PriceRange,
    RequirementKind,
    Tender,
    Tier,
    derive_tier,
    parse_iso_date,
    parse_money,
    parse_percent,
)


def minimal_deal(**overrides: Any) -> dict[str, Any]:
    """The smallest valid deal: only the required keys."""
    data: dict[str, Any] = {
        "id": "D-1",
        "locale": "zh_CN",
        "currency": "CNY",
        "issue_date": dt.date(2026, 11, 20),
        "valid_until": dt.date(2027, 2, 18),
        "seller": {"name": "Seller Ltd"},
        "client": {"code": "C1", "name": "Client Co"},
        "items": [{"description": "Widget", "quantity": 2, "unit_price": 100}],
        "tax_rate_percent": 13,
        "prices_include_tax": True,
        "terms": {"payment": [{"milestone": "On signature", "percent": 100}]},
    }
    data.update(overrides)
    return data


def error_messages(exc: ValidationError) -> list[str]:
    return [str(e.get("ctx", {}).get("error", e["msg"])) for e in exc.errors()]


# ---------------------------------------------------------------------------- percent


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (30, Decimal("30")),
        (Decimal("30.5"), Decimal("30.5")),
        ("30%", Decimal("30")),
        ("30 %", Decimal("30")),
        (" 12.5% ", Decimal("12.5")),
        ("0.05", Decimal("0.05")),
        (0, Decimal("0")),
        (100, Decimal("100")),
    ],
)
def test_percent_forms(given: Any, expected: Decimal) -> None:
    result = parse_percent(given)
    assert result == expected
    assert isinstance(result, Decimal)


@pytest.mark.parametrize("bad", ["30 percent", "abc%", "%", "", "30%%", True, None, [30]])
def test_percent_rejects_non_numbers(bad: Any) -> None:
    with pytest.raises(ValueError, match="not a valid percentage"):
        parse_percent(bad)


@pytest.mark.parametrize("bad", [-1, "101%", Decimal("100.01")])
def test_percent_out_of_range(bad: Any) -> None:
    with pytest.raises(ValueError, match="between 0 and 100"):
        parse_percent(bad)


# ---------------------------------------------------------------------------- money


def test_money_is_exact_from_text() -> None:
    assert parse_money("0.1") == Decimal("0.1")
    assert str(parse_money(Decimal("1.10"))) == "1.10"
    assert parse_money(48000) == Decimal("48000")
    assert str(parse_money(Decimal("1E+3"))) == "1000"
    assert str(parse_money("1e3")) == "1000"


def test_money_float_goes_through_its_text_not_binary() -> None:
    # Decimal(0.1) would be 0.1000000000000000055511151231257827…
    assert parse_money(0.1) == Decimal("0.1")
    assert parse_money(0.1 + 0.2) == Decimal("0.30000000000000004")


@pytest.mark.parametrize("bad", [Decimal("NaN"), Decimal("Infinity"), float("nan"), float("inf"), "NaN", "Infinity"])
def test_money_rejects_non_finite(bad: Any) -> None:
    with pytest.raises(ValueError, match="not a valid amount"):
        parse_money(bad)


@pytest.mark.parametrize("bad", [-1, Decimal("-0.01"), "-5"])
def test_money_rejects_negative(bad: Any) -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        parse_money(bad)


@pytest.mark.parametrize("bad", ["abc", "1,000", "¥100", "12.5.3", True, dt.date(2026, 1, 1)])
def test_money_rejects_garbage(bad: Any) -> None:
    with pytest.raises(ValueError, match="not a valid amount"):
        parse_money(bad)


def test_quantity_must_be_positive() -> None:
    item = LineItem(description="x", quantity="1.5", unit_price=10)
    assert item.quantity == Decimal("1.5")
    assert item.discount_percent == Decimal(0)
    with pytest.raises(ValidationError) as info:
        LineItem(description="x", quantity=0, unit_price=10)
    assert error_messages(info.value) == ["a quantity must be more than 0: 0"]


# ---------------------------------------------------------------------------- dates and text


def test_dates_iso_only() -> None:
    assert parse_iso_date("2026-11-20") == dt.date(2026, 11, 20)
    assert parse_iso_date(dt.date(2026, 11, 20)) == dt.date(2026, 11, 20)
    for bad in ("2026/11/20", "20261120", "2026-W47-5", "20 Nov 2026"):
        with pytest.raises(ValueError, match="not an ISO date"):
            parse_iso_date(bad)
    with pytest.raises(ValueError, match="not a valid date"):
        parse_iso_date("2026-02-30")
    with pytest.raises(ValueError, match="without a time"):
        parse_iso_date(dt.datetime(2026, 11, 20, 10, 0))
    with pytest.raises(ValueError, match="expected a date"):
        parse_iso_date(20261120)


def test_text_keeps_integers_as_digits_and_refuses_other_numbers() -> None:
    deal = Deal.model_validate(minimal_deal(id=20260042))
    assert deal.id == "20260042"
    with pytest.raises(ValidationError) as info:
        Deal.model_validate(minimal_deal(id=Decimal("1.5")))
    assert "put it in quotes" in error_messages(info.value)[0]


def test_codes_are_checked_and_upper_cased() -> None:
    deal = Deal.model_validate(minimal_deal(currency="usd", client={"code": "C", "name": "N", "country": "ae"}))
    assert deal.currency == "USD"
    assert deal.client.country == "AE"
    with pytest.raises(ValidationError) as info:
        Deal.model_validate(minimal_deal(currency="RMB", locale="xx_YY"))
    messages = error_messages(info.value)
    assert any("did you mean 'CNY'" in m for m in messages)
    assert any("unknown locale" in m for m in messages)


# ---------------------------------------------------------------------------- tiers


@pytest.mark.parametrize(
    ("value", "tier"),
    [
        (Decimal("99999.99"), Tier.REGULAR),
        (Decimal("100000"), Tier.KEY),
        (Decimal("999999.99"), Tier.KEY),
        (Decimal("1000000"), Tier.STRATEGIC),
        (Decimal("0"), Tier.REGULAR),
        (None, Tier.REGULAR),
    ],
)
def test_derive_tier_boundaries(value: Decimal | None, tier: Tier) -> None:
    assert derive_tier(value) is tier
    client = {"code": "C", "name": "N"} | ({"annual_value": value} if value is not None else {})
    assert Deal.model_validate(minimal_deal(client=client)).tier is tier


def test_derive_tier_thresholds_are_parameters() -> None:
    assert derive_tier(Decimal("500000"), strategic_from=Decimal("500000")) is Tier.STRATEGIC
    assert derive_tier(Decimal("50000"), key_from=Decimal("50000")) is Tier.KEY


def test_explicit_tier_wins() -> None:
    client = Client(code="C", name="N", annual_value=Decimal("5000000"), tier="regular")
    assert client.tier is Tier.REGULAR
    assert client.effective_tier is Tier.REGULAR
    deal = Deal.model_validate(minimal_deal(client={"code": "C", "name": "N", "annual_value": 10, "tier": "key"}))
    assert deal.tier is Tier.KEY


# ---------------------------------------------------------------------------- structure


def test_minimal_deal_has_sensible_defaults() -> None:
    deal = Deal.model_validate(minimal_deal())
    assert deal.project is None and deal.negotiation is None
    assert deal.narrative == () and deal.fab == () and deal.clauses == ()
    assert deal.client.contacts == () and deal.client.tier is None
    assert deal.terms.payment_percent_total == Decimal("100")
    assert deal.validity_days == 90


@pytest.mark.parametrize("key", ["id", "locale", "currency", "issue_date", "valid_until", "seller", "client",
                                 "items", "tax_rate_percent", "prices_include_tax", "terms"])
def test_required_deal_keys(key: str) -> None:
    data = minimal_deal()
    del data[key]
    with pytest.raises(ValidationError) as info:
        Deal.model_validate(data)
    assert [(e["type"], e["loc"]) for e in info.value.errors()] == [("missing", (key,))]


def test_items_and_payment_need_an_entry() -> None:
    with pytest.raises(ValidationError) as info:
        Deal.model_validate(minimal_deal(items=[], terms={"payment": []}))
    assert error_messages(info.value) == ["needs at least 1 entry"] * 2
    assert [e["loc"] for e in info.value.errors()] == [("items",), ("terms", "payment")]


def test_unknown_key_is_an_error() -> None:
    with pytest.raises(ValidationError) as info:
        Deal.model_validate(minimal_deal(itmes=[]))
    assert info.value.errors()[0]["type"] == "extra_forbidden"


def test_models_are_frozen_and_hashable() -> None:
    deal = Deal.model_validate(minimal_deal())
    with pytest.raises(ValidationError):
        deal.id = "other"  # type: ignore[misc]
    assert isinstance(deal.items, tuple)
    assert hash(deal) == hash(Deal.model_validate(minimal_deal()))


def test_contact_roles_are_explicit_without_synonyms() -> None:
    assert {r.value for r in ContactRole} == {
        "gatekeeper", "user", "purchaser", "project_lead", "executive", "consultant"
    }
    with pytest.raises(ValidationError):
        Client(code="C", name="N", contacts=[{"name": "A", "role": "senior_executive"}])


def test_deal_helpers() -> None:
    client = {
        "code": "C",
        "name": "N",
        "contacts": [
            {"name": "A", "role": "purchaser", "email": "a@x.example"},
            {"name": "B", "role": "user"},
        ],
    }
    seller = {"name": "S", "contact": {"name": "Me", "email": "me@s.example"}}
    deal = Deal.model_validate(minimal_deal(client=client, seller=seller))
    assert deal.contact_emails == ("a@x.example",)
    assert [c.name for c in deal.client.contacts_by_role("user")] == ["B"]
    assert [c.name for c in deal.all_contacts] == ["A", "B", "Me"]


def test_milestone_retention_and_due_days() -> None:
    m = Milestone(milestone="After warranty", percent="10%", due_days=30, retention=True)
    assert (m.percent, m.due_days, m.retention) == (Decimal("10"), 30, True)
    with pytest.raises(ValidationError):
        Milestone(milestone="x", percent=10, due_days=Decimal("3.5"))


def test_approval_level_is_an_open_identifier() -> None:
    assert "regional_director" in KNOWN_APPROVAL_LEVELS
    assert Approval(level="regional_director").is_known_level
    custom = Approval(level="country_manager", limit="250000")
    assert not custom.is_known_level and custom.limit == Decimal("250000")
    with pytest.raises(ValidationError):
        Approval(level="Regional Director")


def test_meeting_model() -> None:
    meeting = Meeting(
        deal="D-1",
        date="2026-11-19",
        mode="video",
        attendees={"client": [{"name": "A"}], "ours": [{"name": "B", "title": "AM"}]},
        objections=[{"kind": "price", "said": "too dear"}, {"kind": "trust", "said": "?", "resolution": "SLA"}],
        agreed={"price": "676200.00", "payment": [{"milestone": "x", "percent": 100}]},
    )
    assert meeting.mode is MeetingMode.VIDEO
    assert [a.name for a in meeting.all_attendees] == ["A", "B"]
    assert [o.said for o in meeting.unresolved_objections] == ["too dear"]
    assert meeting.agreed is not None and str(meeting.agreed.price) == "676200.00"
    assert meeting.agreed.payment_percent_total == Decimal("100")
    with pytest.raises(ValidationError):
        Meeting(deal="D-1", date="2026-11-19", mode="in person")


def test_price_range_must_be_ordered() -> None:
    assert Agreed(price_range={"low": 1, "high": 2}).price_range == PriceRange(low=1, high=2)
    with pytest.raises(ValidationError, match="above the high end"):
        PriceRange(low=3, high=2)


def test_tender_model_and_helpers() -> None:
    tender = Tender(
        ref="T-1",
        title="Monitoring",
        buyer="Buyer",
        bid_bond="10000",
        required_warranty_months=12,
        requirements=[
            {"id": "T-01", "kind": "technical", "text": "a", "response": "ok", "deviation": "none",
             "mandatory": True},
            {"id": "C-01", "kind": "commercial", "text": "b"},
        ],
    )
    assert tender.bid_bond == Decimal("10000") and tender.budget is None
    assert [r.id for r in tender.requirements_by_kind("commercial")] == ["C-01"]
    assert [r.id for r in tender.mandatory_requirements] == ["T-01"]
    assert [r.id for r in tender.unanswered_requirements] == ["C-01"]
    assert tender.requirement("T-01").deviation is Deviation.NONE
    assert tender.requirement("C-01").kind is RequirementKind.COMMERCIAL
    with pytest.raises(KeyError):
        tender.requirement("X")


def test_tender_requirement_ids_are_unique() -> None:
    req = {"id": "T-01", "kind": "technical", "text": "a"}
    with pytest.raises(ValidationError, match="duplicate requirement id: 'T-01'"):
        Tender(ref="T", title="t", buyer="b", requirements=[req, req])


def test_codes_used_in_file_names_are_safe() -> None:
    assert Deal.model_validate(minimal_deal(id="D-2026.0042_a")).id == "D-2026.0042_a"
    with pytest.raises(ValidationError, match="not a valid code"):
        Deal.model_validate(minimal_deal(client={"code": "CN/203", "name": "N"}))
    with pytest.raises(ValidationError, match="not a valid code"):
        Meeting(deal="D 1", date="2026-11-19", mode="phone")


@pytest.mark.parametrize("mode", ["python", "json"])
def test_dump_round_trip_is_exact(mode: str) -> None:
    deal = Deal.model_validate(minimal_deal(items=[{"description": "x", "quantity": "0.5",
                                                    "unit_price": Decimal("1234.50")}]))
    dumped = deal.model_dump(mode=mode)
    again = Deal.model_validate(dumped)
    assert again == deal
    assert str(again.items[0].unit_price) == "1234.50"
