"""The content library: loading, rendering every built-in entry, parameters, selection, workspaces."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from bidgen.errors import LibraryError
from bidgen.library import (
    LOCALES,
    NAMED,
    Library,
    SelectionFacts,
    facts_for_deal,
    find_workspace,
    init_workspace,
    json_schema,
    library_dirs,
    needs_from_text,
    resolve,
)
from bidgen.library.render import leftover

EXAMPLES = Path(__file__).resolve().parent.parent / "samples"
CURRENCY = {"zh_CN": "CNY", "zh_TW": "TWD", "en_US": "USD"}


@pytest.fixture(scope="module")
def lib() -> Library:
    return Library.load()


def _all_ids() -> list[str]:
    return [e.id for e in Library.load().entries()]


# -- every built-in entry renders --------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("entry_id", _all_ids())
def test_every_entry_renders_with_defaults(lib: Library, entry_id: str, locale: str) -> None:
    entry = lib.get(entry_id)
    rendered = entry.render(locale, currency=CURRENCY[locale])
    text = rendered.text()
    assert leftover(text) is None, f"{entry_id} [{locale}] leaves a placeholder"
    assert rendered.title and rendered.title == entry.title(locale)
    body = {
        "clause": rendered.paragraphs,
        "scqa": rendered.parts,
        "prep": rendered.parts,
        "objection": rendered.parts,
        "fab": rendered.rows,
        "etiquette": rendered.notes,
    }[entry.kind]
    assert body, f"{entry_id} [{locale}] renders empty"
    if locale.startswith("zh"):
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text)
    else:
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in text.replace(entry.title(locale), ""))


def test_library_covers_the_issue(lib: Library) -> None:
    named = [
        "scqa.manufacturing.downtime", "prep.case.auto-parts", "scqa.logistics.visibility", "prep.case.3pl-eta",
        "fab.mon-100", "fab.srv-onsite", "fab.fvp-tracking", "payment.milestones", "warranty.retention",
        "warranty.standard", "sla.by-tier", "penalty.late-delivery", "compliance.anti-bribery",
        "confidentiality.standard",
    ]
    for entry_id in named:
        assert entry_id in lib
    payment = [e for e in lib.entries("clause") if e.group == "payment"]
    assert len(payment) >= 6
    assert len([e for e in lib.entries("clause") if e.group == "concession"]) >= 6
    for group in ("delivery", "sla", "penalty", "validity", "confidentiality", "compliance", "liability",
                  "force-majeure", "ip", "law"):
        assert any(e.group == group for e in lib.entries("clause")), group
    assert {e.model.objection for e in lib.entries("objection")} == {"price", "need", "trust", "delay", "comparison"}
    etiquette = lib.entries("etiquette")
    assert len(etiquette) >= 14
    countries = {c for e in etiquette for c in e.model.countries}
    assert {"AE", "SA", "IN", "CN", "TW", "JP", "KR", "SE", "NO", "DK", "FI", "DE", "AT", "CH", "MX", "BR",
            "TH", "US", "GB"} <= countries
    assert any(not e.model.countries for e in etiquette), "general fallback"
    industries = {i for e in lib.entries("scqa") + lib.entries("prep") for i in e.when.industry}
    assert {"manufacturing", "logistics", "retail", "financial-services"} <= industries
    assert industries & {"healthcare", "public-sector"}


# -- rendering with deal values ----------------------------------------------------------------


def test_payment_clause_lists_the_deal_milestones(lib: Library) -> None:
    milestones = [
        {"name": "合同签订后预付款", "percent": Decimal(30), "amount": Decimal("202860.00"), "due_days": 7,
         "retention": False},
        {"name": "到货验收合格后", "percent": Decimal(60), "amount": Decimal("405720.00"), "due_days": 30,
         "retention": False},
        {"name": "质保期满后", "percent": Decimal(10), "amount": Decimal("67620.00"), "due_days": 30,
         "retention": True},
    ]
    r = lib.get("payment.milestones").render("zh_CN", {"total": Decimal("676200"), "milestones": milestones})
    text = "\n".join(r.paragraphs)
    assert "本合同总价为人民币 676,200.00 元" in r.paragraphs[0]
    assert "（1）合同签订后预付款：合同总价的 30%，计人民币 202,860.00 元，于该节点条件达成之日起 7 日内支付。" in text
    assert "人民币 67,620.00 元（质量保证金，不计利息）" in text
    assert r.title == "付款方式"


def test_sla_clause_states_the_deal_hours_and_tier_service(lib: Library) -> None:
    sla = lib.get("sla.by-tier")
    strategic = sla.render("en_US", {"tier": "strategic", "response_hours": 2, "onsite_hours": 1}, currency="USD")
    text = " ".join(strategic.paragraphs)
    assert "dedicated account manager" in text and "monthly executive visit" in text
    assert "within 2 hours" in text and "within 1 hour." in text
    regular = " ".join(sla.render("zh_TW", {"tier": "regular", "response_hours": 24}).paragraphs)
    assert "每六個月" in regular and "24 小時內回應" in regular
    key = " ".join(sla.render("zh_CN", {"tier": "key"}).paragraphs)
    assert "每季度" in key and "4 小时内" in key


def test_narrative_is_filled_from_the_deal(lib: Library) -> None:
    params = {"client_name": "Gulf Logistics Holding LLC", "project_name": "Fleet Visibility Platform",
              "pain_point": "Real-time shipment visibility",
              "impact": "12% of customer calls are 'where is my order?'"}
    r = lib.get("scqa.logistics.visibility").render("en_US", params, currency="USD")
    assert set(r.parts) == {"situation", "complication", "question", "answer"}
    assert r.parts["situation"].startswith("Gulf Logistics Holding LLC serves")
    assert "Real-time shipment visibility." in r.parts["complication"]
    assert r.parts["complication"].endswith("'where is my order?'")
    assert "the Fleet Visibility Platform" in r.parts["answer"]


def test_fab_rows_tie_to_the_deals_pain_points(lib: Library) -> None:
    pains = [{"need": "降低产线停机损失", "impact": "每年约 200 万元"}, {"need": "运维人员不足", "impact": "3 小时"}]
    rows = lib.get("fab.mon-100").render("zh_CN", {"pain_points": pains}).rows
    assert rows[0]["pain_point"] == "降低产线停机损失" and rows[0]["pain_index"] == "1"
    assert rows[2]["pain_point"] == "运维人员不足"
    assert rows[3]["pain_point"] == "" and rows[3]["pain_index"] == ""
    assert {"feature", "advantage", "benefit"} <= set(rows[0])


def test_objection_parts_are_lara_with_kind(lib: Library) -> None:
    parts = lib.get("objection.price").render("en_US").parts
    assert list(parts) == ["kind", "listen", "acknowledge", "respond", "act"]
    assert parts["kind"] == "price" and "3%" in parts["act"]


def test_money_filters_follow_the_currency(lib: Library) -> None:
    usd = lib.get("warranty.retention").render(
        "en_US", {"total": Decimal("156849"), "retention_percent": 10, "retention_amount": Decimal("15684.90")},
        currency="USD")
    assert "USD 15,684.90" in " ".join(usd.paragraphs)
    jpy = lib.get("payment.30-70").render("en_US", {"total": Decimal("1000001")}, currency="JPY")
    text = " ".join(jpy.paragraphs)
    assert "JPY 300,000" in text and "JPY 700,001" in text  # remainder in the last instalment, no decimals


def test_monthly_instalments_add_up(lib: Library) -> None:
    text = " ".join(lib.get("payment.monthly").render("en_US", {"total": Decimal("100000")}, currency="USD").paragraphs)
    assert "USD 8,333.33 each" in text and "USD 8,333.37" in text


def test_dates_render_per_locale(lib: Library) -> None:
    e = lib.get("validity.offer")
    params = {"issue_date": dt.date(2026, 11, 20), "valid_until": dt.date(2027, 2, 18)}
    assert "2027年2月18日" in e.render("zh_CN", params).paragraphs[0]
    assert "February 18, 2027" in e.render("en_US", params).paragraphs[0]
    assert "2027年2月18日" in e.render("zh_TW", {"valid_until": "2027-02-18"}).paragraphs[0]


def test_locale_fallbacks(lib: Library) -> None:
    e = lib.get("confidentiality.standard")
    assert e.render("zh_HK").title == e.title("zh_TW") == "保密條款"
    assert e.render("de_DE").title == "Confidentiality"


# -- parameters ----------------------------------------------------------------------------------


def test_unknown_parameter_has_did_you_mean(lib: Library) -> None:
    with pytest.raises(LibraryError) as err:
        lib.get("sla.by-tier").render("en_US", {"respons_hours": 4})
    assert "did you mean 'response_hours'" in str(err.value)
    assert "sla.by-tier" in str(err.value) and "terms.yaml" in str(err.value)


def test_vocabulary_parameters_an_entry_does_not_use_are_ignored(lib: Library) -> None:
    r = lib.get("compliance.anti-bribery").render("en_US", {"total": Decimal(5), "client_name": "X"})
    assert r.paragraphs


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"total": 1.5}, "float"),
        ({"total": "abc"}, "not a number"),
        ({"response_hours": "four"}, "whole number"),
        ({"tier": "gold"}, "not one of"),
        ({"response_hours": 0}, "below the minimum"),
        ({"penalty_cap_percent": 25}, "above the maximum"),
        ({"valid_until": "18/02/2027"}, "ISO date"),
        ({"milestones": [{"name": "x", "percnt": 30}]}, "did you mean 'percent'"),
    ],
)
def test_ill_typed_parameters_are_located_errors(lib: Library, params: dict, message: str) -> None:
    entry_id = {"total": "payment.30-70", "response_hours": "sla.by-tier", "tier": "sla.by-tier",
                "penalty_cap_percent": "penalty.late-delivery", "valid_until": "validity.offer",
                "milestones": "payment.milestones"}[next(iter(params))]
    with pytest.raises(LibraryError) as err:
        lib.get(entry_id).render("en_US", params)
    assert message in str(err.value)
    assert err.value.where.file and err.value.where.field.startswith(entry_id)


def test_none_means_default_and_percent_strings(lib: Library) -> None:
    e = lib.get("penalty.late-delivery")
    text = " ".join(e.render("en_US", {"penalty_percent_per_day": None, "penalty_cap_percent": "10%"}).paragraphs)
    assert "0.05%" in text and "10%" in text


def test_missing_parameter_without_default(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text(yaml.safe_dump([_entry("clause.needs", params={"seats": {"type": "number"}},
                                                            text="{{ seats }} seats")]), encoding="utf-8")
    lib = Library.load([tmp_path])
    with pytest.raises(LibraryError, match="required"):
        lib.get("clause.needs").render("en_US")
    assert lib.get("clause.needs").render("en_US", {"seats": 3}).paragraphs == ["3 seats"]


def test_sandbox_blocks_internals(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text(
        yaml.safe_dump([_entry("clause.evil", text="{{ ''.__class__.__mro__ }}")]), encoding="utf-8")
    with pytest.raises(LibraryError, match="unsafe|undefined"):
        Library.load([tmp_path]).get("clause.evil").render("en_US")


def test_unknown_id_and_kind(lib: Library) -> None:
    with pytest.raises(LibraryError, match="did you mean 'fab.mon-100'"):
        lib.get("fab.mon100")
    with pytest.raises(LibraryError, match="unknown kind"):
        lib.entries("clauses")


def test_compiled_once(lib: Library) -> None:
    from bidgen.library.render import compile_text

    entry = lib.get("sla.by-tier")
    entry.render("en_US", {"response_hours": 5})
    info = compile_text.cache_info()
    text = " ".join(entry.render("en_US", {"response_hours": 7}).paragraphs)  # rendered again: other values
    after = compile_text.cache_info()
    assert "7 hours" in text and after.misses == info.misses and after.hits > info.hits


def test_rendered_entries_are_memoised_as_copies(lib: Library) -> None:
    """A rendered entry comes from the memo the second time, as a copy of its own: changing what one
    caller got changes nothing another gets."""
    entry = lib.get("sla.by-tier")
    first = entry.render("en_US", {"tier": "strategic"})
    first.paragraphs.append("changed")
    second = entry.render("en_US", {"tier": "strategic"})
    assert "changed" not in second.paragraphs and second.paragraphs == first.paragraphs[:-1]
    assert entry.render("en_US", {"tier": "regular"}).paragraphs != second.paragraphs


# -- selection -----------------------------------------------------------------------------------


def _reference_facts(name: str) -> tuple[dict, SelectionFacts]:
    deal = yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8"))
    terms = deal["terms"]
    params: dict = {
        "client_name": deal["client"]["name"],
        "milestones": [{"name": m["milestone"], "percent": Decimal(str(m["percent"])), "retention": m.get("retention", False)}
                       for m in terms["payment"]],
        "pain_points": [{"need": p["need"], "impact": p["impact"]} for p in deal["client"]["pain_points"]],
        "delivery_days": terms["delivery_days"],
        "warranty_months": terms["warranty_months"],
        "response_hours": terms["sla"]["response_hours"],
        "onsite_hours": terms["sla"]["onsite_hours"],
        "pain_point": deal["client"]["pain_points"][0]["need"],
        "impact": deal["client"]["pain_points"][0]["impact"],
    }
    for key in ("total", "project_name", "tier", "currency", "industry", "issue_date", "valid_until",
                "validity_days"):
        params[key] = "x"
    if "late_delivery_penalty" in terms:
        params["penalty_percent_per_day"] = Decimal(str(terms["late_delivery_penalty"]["percent_per_day"]))
        params["penalty_cap_percent"] = Decimal(str(terms["late_delivery_penalty"]["cap_percent"]))
    if any(m.get("retention") for m in terms["payment"]):
        params["retention_percent"] = Decimal(10)
        params["retention_amount"] = Decimal("67620.00")
    tier = "strategic" if deal["client"]["annual_value"] >= 1_000_000 else "key"
    facts = facts_for_deal(params, tier=tier, industry=deal["client"]["industry"], country=deal["client"]["country"],
                           deal_size=Decimal("676200"), currency=deal["currency"],
                           skus=[i["sku"] for i in deal["items"]])
    return deal, facts


def _ids(selections) -> list[str]:
    return [s.entry.id for s in selections]


def test_selection_for_the_zh_cn_reference_deal(lib: Library) -> None:
    deal, facts = _reference_facts("deal-zh_CN.yaml")
    assert facts.features == {"retention", "late_penalty"}
    assert _ids(lib.select("clause", facts)) == [
        "payment.milestones", "delivery.acceptance", "warranty.retention", "sla.by-tier", "penalty.late-delivery",
        "validity.offer", "confidentiality.standard", "compliance.anti-bribery",
    ]
    assert _ids(lib.select("scqa", facts)) == ["scqa.manufacturing.downtime"]
    assert _ids(lib.select("prep", facts)) == ["prep.case.auto-parts"]
    assert _ids(lib.select("fab", facts)) == ["fab.mon-100", "fab.sns-32", "fab.srv-onsite"]
    assert _ids(lib.select("etiquette", facts)) == ["etiquette.cn"]
    assert _ids(lib.select("objection", facts)) == [
        "objection.price", "objection.need", "objection.trust", "objection.delay", "objection.comparison"]
    # what the deal names wins, in the deal's order
    named = resolve(lib, "clause", deal["clauses"], facts)
    assert _ids(named) == deal["clauses"] and {s.reason for s in named} == {NAMED}
    assert _ids(lib.resolve("prep", deal["narrative"], facts)) == ["prep.case.auto-parts"]


def test_selection_for_the_en_us_reference_deal(lib: Library) -> None:
    deal, facts = _reference_facts("deal-en_US.yaml")
    clauses = _ids(lib.select("clause", facts))
    assert clauses == ["payment.milestones", "delivery.acceptance", "warranty.standard", "sla.by-tier",
                       "validity.offer", "confidentiality.standard", "compliance.anti-bribery"]
    assert _ids(lib.select("scqa", facts)) == ["scqa.logistics.visibility"]
    assert _ids(lib.select("prep", facts)) == ["prep.case.3pl-eta"]
    assert _ids(lib.select("fab", facts)) == ["fab.fvp-tracking", "fab.fvp-implementation", "fab.fvp-training"]
    assert _ids(lib.select("etiquette", facts)) == ["etiquette.ae"]
    assert _ids(lib.resolve("fab", deal["fab"], facts)) == ["fab.fvp-tracking"]
    reasons = {s.entry.id: s.reason for s in lib.select("clause", facts)}
    assert reasons["payment.milestones"] == "default (no condition)"
    assert "country AE" in lib.select("etiquette", facts)[0].reason


def test_selection_skips_entries_whose_facts_the_deal_lacks(lib: Library) -> None:
    facts = facts_for_deal({"total": Decimal(1), "milestones": [{"name": "x"}], "tier": "regular",
                            "issue_date": dt.date(2026, 1, 1), "valid_until": dt.date(2026, 2, 1)},
                           tier="regular", industry="manufacturing", country="XX", deal_size=None, currency="USD")
    clauses = _ids(lib.select("clause", facts))
    assert "sla.by-tier" not in clauses and "warranty.standard" not in clauses
    assert {"payment.milestones", "validity.offer", "compliance.anti-bribery"} <= set(clauses)
    assert lib.select("scqa", facts) == []  # no pain point: no invented narrative
    assert _ids(lib.select("etiquette", facts)) == ["etiquette.general"]


def test_selection_conditions(lib: Library) -> None:
    base = dict(industry="logistics", country="TW", deal_size=Decimal(1), currency="TWD")
    contract = SelectionFacts(tier="key", features=frozenset({"contract"}), **base)
    clauses = _ids(lib.select("clause", contract))
    assert "law.taiwan" in clauses and "law.international" not in clauses and "liability.limitation" in clauses
    quality = SelectionFacts(tier="key", needs=("quality",), **base)
    assert _ids(lib.select("scqa", quality)) == ["scqa.logistics.quality"]
    nordic = SelectionFacts(tier="key", industry=None, country="no", deal_size=None, currency="NOK")
    assert _ids(lib.select("etiquette", nordic)) == ["etiquette.nordics"]
    assert _ids(lib.resolve("scqa", [], quality)) == ["scqa.logistics.quality"]
    with pytest.raises(LibraryError, match="unknown library entry"):
        lib.resolve("scqa", ["scqa.nope"], quality)


def test_needs_from_text() -> None:
    assert needs_from_text(["降低产线停机损失"]) == ("cost", "efficiency")
    assert needs_from_text(["Real-time shipment visibility"]) == ("service",)
    assert needs_from_text(["提升良率", "合规风险"]) == ("quality", "risk")
    assert needs_from_text([""]) == ()


# -- workspaces ----------------------------------------------------------------------------------


def _entry(entry_id: str, *, kind: str = "clause", text: str = "Text.", params: dict | None = None,
           title: str = "Title", **extra: object) -> dict:
    data: dict = {"id": entry_id, "kind": kind, "version": "1", "owner": "Team", "review_by": "2099-01-01",
                  "title": {loc: title for loc in LOCALES}, "text": {loc: text for loc in LOCALES}}
    if params:
        data["params"] = params
    data.update(extra)
    return data


def test_workspace_override_wins(tmp_path: Path) -> None:
    root = tmp_path / "team"
    written = init_workspace(root, name="team")
    assert (root / "bidgen-workspace.yaml") in written and (root / "policy.yaml").is_file()
    (root / "clauses" / "mine.yaml").write_text(
        yaml.safe_dump([_entry("payment.milestones", title="Our payment terms", text="Pay on order.", group="payment")]),
        encoding="utf-8")
    lib = Library.load([root])
    entry = lib.get("payment.milestones")
    assert entry.title("en_US") == "Our payment terms" and entry.layer == 1
    assert entry.render("zh_CN").paragraphs == ["Pay on order."]
    assert "fab.our-product" in lib and "fab.mon-100" in lib
    assert Library.load().get("payment.milestones").title("en_US") == "Payment terms"
    with pytest.raises(LibraryError, match="already a bidgen workspace"):
        init_workspace(root)


def test_find_workspace_upwards(tmp_path: Path) -> None:
    init_workspace(tmp_path / "ws")
    deep = tmp_path / "ws" / "samples" / "a" / "b"
    deep.mkdir(parents=True)
    assert find_workspace(deep) == (tmp_path / "ws").resolve()
    assert find_workspace(tmp_path) is None
    assert library_dirs(start=deep) == [(tmp_path / "ws").resolve()]
    assert library_dirs(tmp_path / "ws") == [tmp_path / "ws"]
    with pytest.raises(LibraryError, match="not found"):
        library_dirs(tmp_path / "missing")


def test_broken_workspace_fails_to_load(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("- id: x.y\n  kind: clause\n", encoding="utf-8")
    with pytest.raises(LibraryError) as err:
        Library.load([tmp_path])
    assert "bad.yaml" in str(err.value) and "x.y" in str(err.value)


def test_json_schema_per_kind() -> None:
    schema = json_schema("fab")
    assert schema["type"] == "array"
    assert "FabEntry" in str(schema) and "ScqaEntry" not in str(schema)
    assert "ScqaEntry" in str(json_schema())
    with pytest.raises(LibraryError):
        json_schema("poem")


def test_plain_texts_are_copied_as_jinja_would_render_them():
    """Texts without template syntax are not run through Jinja (most library prose): what
    ``literal`` gives must be exactly what the sandbox renders, for every built-in text."""
    from bidgen.library.loader import Library
    from bidgen.library.render import environment, literal

    sources = {s for e in Library.load(()).entries() for loc in e.locales for _, s in e.sources(loc)}
    plain = [s for s in sources if literal(s) is not None]
    assert len(plain) > 100
    for s in plain + ["a\n", "a\n\n", "\n", "", " x \n y\n"]:
        assert literal(s) == environment().from_string(s).render(), s
    assert literal("{{ client }}") is None and literal("a {% if x %}b{% endif %}") is None
    assert literal("line\r\nnext") is None  # Jinja rewrites the newline


def test_rendered_texts_are_memoised_by_exact_values_and_locale(tmp_path: Path) -> None:
    """A text is rendered once per (values it reads, locale, currency): a value that is equal but
    prints apart (1.0 and 1), another locale or another currency gives its own text."""
    (tmp_path / "x.yaml").write_text(yaml.safe_dump([_entry(
        "clause.seats", params={"seats": {"type": "number"}, "on": {"type": "bool"}},
        text="{{ seats }} seats ({{ seats | number }}), {{ 'on' if on else 'off' }}, {{ seats | money }}")]),
        encoding="utf-8")
    e = Library.load([tmp_path]).get("clause.seats")

    def text(locale: str, seats: object, on: bool = True, currency: str = "CNY") -> str:
        return " ".join(e.render(locale, {"seats": seats, "on": on}, currency=currency).paragraphs)

    for _ in range(2):  # the second round comes from the memo, with the same texts
        assert text("en_US", Decimal("1234.50")) == "1234.50 seats (1,234.5), on, CNY 1,234.50"
        assert text("en_US", Decimal("1234.5")) == "1234.5 seats (1,234.5), on, CNY 1,234.50"
        assert text("en_US", Decimal("1234.5"), on=False) == "1234.5 seats (1,234.5), off, CNY 1,234.50"
        assert text("en_US", Decimal("1234.5"), currency="USD") == "1234.5 seats (1,234.5), on, USD 1,234.50"
        assert text("fr_FR", Decimal("1234.5")) == "1234.5 seats (1\u202f234,5), on, CNY 1\u202f234,50"


def test_rendered_text_memo_is_bounded() -> None:
    from bidgen.library.entry import _Memo

    memo = _Memo(2)
    memo.put(("a",), "A")
    memo.put(("b",), "B")
    assert memo.get(("a",)) == "A"  # now the most recently used
    memo.put(("c",), "C")
    assert (memo.get(("a",)), memo.get(("b",)), memo.get(("c",))) == ("A", None, "C")
