"""Pricing: line totals, tax both ways, milestones, rounding and float rejection."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal as D

import pytest

from bidgen.money import PricedLine, compute_pricing, split_by_percent, to_decimal


@dataclass
class Item:
    quantity: D
    unit_price: D
    discount_percent: D | None = None


@dataclass
class Milestone:
    percent: D


ZH_ITEMS = [Item(D(10), D(48000), D(5)), Item(D(120), D(850)), Item(D(1), D(118200))]
ZH_MILESTONES = [Milestone(D(30)), Milestone(D(60)), Milestone(D(10))]
EN_ITEMS = [Item(D(450), D(240)), Item(D(1), D(38000), D(10)), Item(D(4), D(1795))]
EN_MILESTONES = [Milestone(D(40)), Milestone(D(60))]


def test_deal_zh_cn_tax_included() -> None:
    p = compute_pricing(
        ZH_ITEMS, currency="CNY", tax_rate_percent=D(13), prices_include_tax=True, milestones=ZH_MILESTONES
    )
    assert [line.total for line in p.lines] == [D("456000.00"), D("102000.00"), D("118200.00")]
    assert p.lines[0] == PricedLine(0, D(10), D(48000), D(5), D("480000.00"), D("24000.00"), D("456000.00"))
    assert p.subtotal == D("676200.00")
    assert p.total == D("676200.00")
    assert p.net == D("598407.08")  # 676200 / 1.13 = 598407.0796…
    assert p.tax == D("77792.92")
    assert p.net + p.tax == p.total
    assert p.discount_total == D("24000.00")
    assert [m.amount for m in p.milestones] == [D("202860.00"), D("405720.00"), D("67620.00")]
    assert p.milestones_total == p.total
    assert p.currency == "CNY" and p.prices_include_tax is True and p.tax_rate_percent == D(13)
    assert str(p.total) == "676200.00"


def test_deal_en_us_tax_added() -> None:
    p = compute_pricing(
        EN_ITEMS, currency="usd", tax_rate_percent=D(5), prices_include_tax=False, milestones=EN_MILESTONES
    )
    assert [line.total for line in p.lines] == [D("108000.00"), D("34200.00"), D("7180.00")]
    assert p.subtotal == D("149380.00")
    assert p.net == D("149380.00")
    assert p.tax == D("7469.00")
    assert p.total == D("156849.00")
    assert p.currency == "USD"
    assert p.discount_total == D("3800.00")
    assert [(m.index, m.percent, m.amount) for m in p.milestones] == [
        (0, D(40), D("62739.60")),
        (1, D(60), D("94109.40")),
    ]


def test_lines_are_rounded_before_summing() -> None:
    items = [Item(D(1), D("0.333"))] * 3
    p = compute_pricing(items, currency="CNY", tax_rate_percent=D(0), prices_include_tax=False)
    assert [line.total for line in p.lines] == [D("0.33")] * 3
    assert p.subtotal == D("0.99")  # not 1.00 (0.999 rounded after summing)
    assert p.tax == D("0.00") and p.total == D("0.99")


def test_round_half_up_on_lines_and_tax() -> None:
    p = compute_pricing([Item(D(1), D("0.125"))], currency="CNY", tax_rate_percent=D(10), prices_include_tax=False)
    assert p.lines[0].total == D("0.13")
    assert p.tax == D("0.01")  # 0.013 → 0.01
    q = compute_pricing([Item(D(1), D("0.05"))], currency="CNY", tax_rate_percent=D(10), prices_include_tax=False)
    assert q.tax == D("0.01")  # 0.005 → 0.01 (half up, not banker's rounding)


def test_discount_rounds_from_exact_product() -> None:
    p = compute_pricing([Item(D(3), D("3.33"), D("12.5"))], currency="USD", tax_rate_percent=D(0),
                        prices_include_tax=False)
    line = p.lines[0]
    assert line.gross == D("9.99")
    assert line.total == D("8.74")  # 9.99 × 0.875 = 8.74125
    assert line.discount_amount == D("1.25")


def test_tax_included_rounding() -> None:
    p = compute_pricing([Item(D(1), D(100))], currency="CNY", tax_rate_percent=D(13), prices_include_tax=True)
    assert (p.net, p.tax, p.total) == (D("88.50"), D("11.50"), D("100.00"))  # 88.4955… → 88.50


def test_zero_tax_included() -> None:
    p = compute_pricing([Item(D(2), D("9.99"))], currency="CNY", tax_rate_percent=D(0), prices_include_tax=True)
    assert (p.net, p.tax, p.total) == (D("19.98"), D("0.00"), D("19.98"))


def test_jpy_has_no_minor_unit() -> None:
    p = compute_pricing([Item(D(3), D("333.5"))], currency="JPY", tax_rate_percent=D(10), prices_include_tax=False)
    assert p.lines[0].total == D("1001")  # 1000.5 → 1001
    assert p.tax == D("100")  # 100.1 → 100
    assert p.total == D("1101")
    assert p.total.as_tuple().exponent == 0


def test_last_milestone_absorbs_rounding() -> None:
    ms = [Milestone(D(33)), Milestone(D(33)), Milestone(D(34))]
    p = compute_pricing([Item(D(1), D("100.01"))], currency="CNY", tax_rate_percent=D(0),
                        prices_include_tax=False, milestones=ms)
    assert [m.amount for m in p.milestones] == [D("33.00"), D("33.00"), D("34.01")]
    assert p.milestones_total == p.total


def test_thirds_add_up_exactly() -> None:
    third = D(100) / D(3)
    shares = split_by_percent(D("1000.00"), [third, third, D(100) - 2 * third], "CNY")
    assert shares == [D("333.33"), D("333.33"), D("333.34")]
    assert sum(shares) == D("1000.00")


def test_percents_not_summing_to_100_are_not_absorbed() -> None:
    assert split_by_percent(D("1000.00"), [D(30), D(60)], "CNY") == [D("300.00"), D("600.00")]
    assert split_by_percent(D("100.01"), [D(50), D(60)], "CNY") == [D("50.01"), D("60.01")]  # 50.005 → 50.01


def test_split_edge_cases() -> None:
    assert split_by_percent(D("99.99"), [], "CNY") == []
    assert split_by_percent(D("99.99"), [D(100)], "CNY") == [D("99.99")]
    assert split_by_percent(D("10"), [D(50), D(50)], "JPY") == [D("5"), D("5")]
    assert split_by_percent(D("11"), [D(50), D(50)], "JPY") == [D("6"), D("5")]  # 5.5 → 6, last absorbs


def test_empty_deal_is_zero() -> None:
    p = compute_pricing([], currency="CNY", tax_rate_percent=D(13), prices_include_tax=False)
    assert (p.subtotal, p.tax, p.total, p.discount_total) == (D("0.00"),) * 4
    assert p.lines == () and p.milestones == ()


def test_int_inputs_are_accepted() -> None:
    p = compute_pricing([Item(2, 5, 0)], currency="CNY", tax_rate_percent=6,  # type: ignore[arg-type]
                        prices_include_tax=False, milestones=[Milestone(100)])  # type: ignore[arg-type]
    assert p.total == D("10.60")
    assert p.milestones[0].amount == D("10.60")


@pytest.mark.parametrize(
    "item",
    [Item(1.5, D(1)), Item(D(1), 9.99), Item(D(1), D(1), 5.0)],  # type: ignore[arg-type]
)
def test_float_in_items_is_rejected(item: Item) -> None:
    with pytest.raises(TypeError, match="Decimal"):
        compute_pricing([item], currency="CNY", tax_rate_percent=D(13), prices_include_tax=True)


def test_float_elsewhere_is_rejected() -> None:
    with pytest.raises(TypeError):
        compute_pricing([], currency="CNY", tax_rate_percent=13.0, prices_include_tax=True)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        compute_pricing([], currency="CNY", tax_rate_percent=D(13), prices_include_tax=True,
                        milestones=[Milestone(30.0)])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        split_by_percent(100.0, [D(100)], "CNY")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        split_by_percent(D(100), [D(50), 50.0], "CNY")  # type: ignore[list-item]
    with pytest.raises(TypeError):
        to_decimal(True)
    with pytest.raises(TypeError):
        to_decimal("1.00")


def test_invalid_values_are_rejected() -> None:
    with pytest.raises(ValueError, match="discount"):
        compute_pricing([Item(D(1), D(1), D(101))], currency="CNY", tax_rate_percent=D(0), prices_include_tax=False)
    with pytest.raises(ValueError, match="tax_rate"):
        compute_pricing([], currency="CNY", tax_rate_percent=D(-1), prices_include_tax=False)
    with pytest.raises(ValueError, match="finite"):
        to_decimal(D("NaN"))


def test_pricing_is_frozen() -> None:
    p = compute_pricing(EN_ITEMS, currency="USD", tax_rate_percent=D(5), prices_include_tax=False)
    with pytest.raises(AttributeError):
        p.total = D(0)  # type: ignore[misc]
