"""The internal negotiation brief: golden text, internal marks, margins, alerts, and no leaks."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLES, needs_soffice
from golden import assert_golden

from bidgen.pipeline import load_library, make_proposal
from bidgen.documents.brief import brief_context, make_brief, margin_percent
from bidgen.documents.common import deal_facts
from bidgen.documents.memo import make_memo
from bidgen.inputs.load import load_deal, load_meeting
from bidgen.inputs.models import Concession
from bidgen.docx.readback import read_docx

MARKS = {"zh_CN": "内部资料 请勿外发", "zh_TW": "內部資料 請勿外傳", "en_US": "INTERNAL – DO NOT SEND"}


def _deal(locale: str):
    return load_deal(SAMPLES / f"deal-{locale}.yaml")


@pytest.fixture(scope="module")
def zh(tmp_path_factory):
    return make_brief(_deal("zh_CN"), tmp_path_factory.mktemp("brief_zh"))


@pytest.fixture(scope="module")
def en(tmp_path_factory):
    return make_brief(_deal("en_US"), tmp_path_factory.mktemp("brief_en"))


def _context(deal, locale=None):
    ctx, _ = brief_context(deal_facts(deal, locale), load_library())
    return ctx["brief"]


def test_golden_zh_cn(zh):
    assert zh.path.name == "Brief_CN203_v20261120.docx"
    assert_golden(zh.path, "brief_zh_CN")


def test_golden_en_us(en):
    assert en.path.name == "Brief_AE017_v20261118.docx"
    assert_golden(en.path, "brief_en_US")


@pytest.mark.parametrize("locale", ["zh_CN", "zh_TW", "en_US"])
def test_every_page_is_marked_internal(tmp_path, locale):
    written = make_brief(_deal("zh_CN" if locale != "en_US" else "en_US"), tmp_path, locale=locale)
    doc = read_docx(written.path)
    assert doc.headers and all(MARKS[locale] in h for h in doc.headers)
    assert doc.footers and all(MARKS[locale] in f for f in doc.footers)
    assert MARKS[locale] in doc.paragraphs


def test_margins_and_room():
    assert margin_percent(Decimal(560000), Decimal(455000)) == Decimal("18.75")
    brief = _context(_deal("zh_CN"))
    rows = {r["key"]: r for r in brief["targets"]["rows"]}
    assert [r["key"] for r in brief["targets"]["rows"]] == ["opening", "current", "best", "acceptable", "floor"]
    assert (rows["floor"]["price"], rows["floor"]["margin"], rows["floor"]["margin_percent"]) == \
        ("560,000.00", "105,000.00", "18.75%")
    assert rows["current"]["price"] == "676,200.00"
    assert "130,000.00" in brief["targets"]["room"] and "18.84%" in brief["targets"]["room"]


def test_concession_steps_are_computed_from_the_price_the_client_has_seen():
    """A 2% cut from the quoted 676,200.00 is 662,676.00 (the plan used to show 676,200.00, the price already
    quoted, measured from an opening price the client never saw); a give without a price keeps the price."""
    zh = _context(_deal("zh_CN"))["concessions"]
    assert [(c["price_after"], c["step"], c["cumulative"], c["room_used"]) for c in zh] == \
        [("662,676.00", "2%", "13,524.00（2%）", "11.64%"), ("662,676.00", "—", "13,524.00（2%）", "11.64%")]
    en = _context(_deal("en_US"))["concessions"]
    # 3% off the pre-tax offer of 149,380.00; room to the floor 149,380 - 132,000 = 17,380
    assert (en[0]["price_after"], en[0]["step"], en[0]["cumulative"], en[0]["room_used"]) == \
        ("144,898.60", "3%", "4,481.40 (3%)", "25.78%")


def test_each_step_follows_from_the_step_before_and_its_give():
    deal = _deal("en_US")
    plan = (Concession(give="Volume rebate", get="Three-year term", give_percent=Decimal(2)),
            Concession(give="USD 1,000 off the implementation", get="Reference visit"),
            Concession(give="Final gesture", get="Signature this month", give_amount=Decimal("500")),
            Concession(give="One extra training day", get="Case study", price_after=Decimal(149380)))
    rows = _context(deal.model_copy(update={"negotiation": deal.negotiation.model_copy(
        update={"concessions": plan})}))["concessions"]
    # 149,380.00 × 0.98 = 146,392.40; − 1,000 = 145,392.40; − 500 = 144,892.40; a price_after above the price
    # before it is not a price step
    assert [r["price_after"] for r in rows] == ["146,392.40", "145,392.40", "144,892.40", "144,892.40"]
    assert [r["step"] for r in rows] == ["2%", "0.68%", "0.34%", "—"]
    assert rows[-1]["cumulative"] == "4,487.60 (3%)"


def test_alerts_flag_a_bad_plan():
    deal = _deal("en_US")
    neg = deal.negotiation
    bad = neg.model_copy(update={
        "cost": Decimal(120000),
        "concessions": (Concession(give="5% off", price_after=Decimal(146300)),
                        Concession(give="2% off", get="Longer term", price_after=Decimal(143000))),
    })
    alerts = _context(deal.model_copy(update={"negotiation": bad}))["alerts"]
    text = "\n".join(alerts)
    assert "below the minimum of 15%" in text  # (132000 - 120000) / 132000 = 9.09%
    assert "Step 1 cuts the price by 5%" in text
    assert "Step 1 gives without getting" in text
    assert "do not shrink" not in text  # 7,700 then 3,300: shrinking
    at_best = _context(deal)["alerts"]  # the sample's offer 149,380 is already below its best target 150,000
    assert at_best == ["The current offer USD 149,380.00 is already below the best target of USD 150,000.00: the best "
                       "target is out of reach; give nothing more on price without a counter-concession."]
    targets = neg.targets.model_copy(update={"best": Decimal(149000)})
    ok = _context(deal.model_copy(update={"negotiation": neg.model_copy(update={"targets": targets})}))["alerts"]
    assert len(ok) == 1 and "no issue" in ok[0]


def test_a_step_below_the_floor_and_an_offer_at_a_target_are_key_points():
    deal = _deal("zh_CN")
    neg = deal.negotiation
    deep = neg.model_copy(update={"concessions": (Concession(give="总价降低 3%", get="预付款提高至 40%"),
                                                   Concession(give="再降 100,000 元", get="五年框架协议"))})
    alerts = _context(deal.model_copy(update={"negotiation": deep}))["alerts"]
    # 676,200 × 0.97 = 655,914.00; − 100,000 = 555,914.00 < floor 560,000
    assert any("第 2 步后价格 人民币 555,914.00 元 低于底线 人民币 560,000.00 元" in a for a in alerts), alerts
    at_best = neg.model_copy(update={"targets": neg.targets.model_copy(update={"best": Decimal(676200)})})
    alerts = _context(deal.model_copy(update={"negotiation": at_best}))["alerts"]
    assert any("已等于最佳目标" in a for a in alerts), alerts


def test_objections_and_etiquette():
    brief = _context(_deal("en_US"))
    assert [o["kind"].split(":")[0] for o in brief["objections"]] == ["Price", "Need", "Trust", "Delay", "Comparison"]
    assert all(o["has"] and o["listen"] and o["act"] for o in brief["objections"])
    notes = " ".join(n for e in brief["etiquette"] for n in e["notes"])
    assert "right hand" in notes  # Middle East entry for a client in AE


def test_without_negotiation_says_not_provided(tmp_path):
    deal = _deal("zh_CN").model_copy(update={"negotiation": None})
    written = make_brief(deal, tmp_path)
    doc = read_docx(written.path)
    text = doc.all_text()
    for key in ("negotiation.targets", "negotiation.batna", "negotiation.concessions", "negotiation.approval"):
        assert f"未提供（请在交易数据的 {key} 中补充）" in text
    assert all(len(table) > 1 for table in doc.tables)  # no table with a header row only


def _client_facing_text(tmp_path: Path, locale: str) -> str:
    deal = _deal(locale)
    texts = [read_docx(make_proposal(deal, tmp_path / "p").path).all_text()]
    meeting = load_meeting(SAMPLES / f"meeting-{locale}.yaml")
    memo, eml = make_memo(meeting, deal, tmp_path / "m", now=dt.datetime(2026, 12, 31))
    texts.append(read_docx(memo.path).all_text())
    texts.append(eml.path.read_bytes().decode("ascii", "replace"))
    import email
    from email import policy

    texts.append(email.message_from_bytes(eml.path.read_bytes(), policy=policy.default)
                 .get_body(("plain",)).get_content())
    return "\n".join(texts)


@pytest.mark.parametrize("locale", ["zh_CN", "en_US"])
def test_nothing_internal_in_client_documents(tmp_path, locale):
    deal = _deal(locale)
    neg = deal.negotiation
    brief = _context(deal)
    facts = deal_facts(deal)
    secrets = [facts.money(neg.cost), facts.money(neg.targets.floor), facts.money(neg.targets.acceptable),
               facts.money(neg.targets.best), facts.money(neg.opening_price), neg.batna, MARKS[locale],
               *neg.non_negotiable, *(c.get for c in neg.concessions if c.get)]
    # margins with decimals (a round "30%" also names payment shares and library figures)
    secrets += [r["margin_percent"] for r in brief["targets"]["rows"] if "." in r["margin_percent"]]
    secrets += [n for e in brief["etiquette"] for n in e["notes"]]
    secrets += [o["respond"] for o in brief["objections"]]
    secrets.append(neg.approval.approver)
    text = _client_facing_text(tmp_path, locale)
    leaked = [s for s in secrets if s and s in text]
    assert not leaked, f"internal brief content in client documents: {leaked}"


def test_cli_brief(tmp_path):
    from bidgen.cli.memo import brief

    result = CliRunner().invoke(brief, [str(SAMPLES / "deal-en_US.yaml"), "-o", str(tmp_path), "--explain"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "Brief_AE017_v20261118.docx").is_file()
    assert "objection:" in result.output and "etiquette:" in result.output


@needs_soffice
def test_pdf_conversion(zh, tmp_path):
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(zh.path)],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp_path / (zh.path.stem + ".pdf")
    assert pdf.is_file() and pdf.stat().st_size > 5000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert text.count(MARKS["zh_CN"]) >= 2 * text.count("\f")  # header and footer of every page


def test_zero_tax_offer_reads_no_tax_not_tax_included():
    deal = _deal("en_US").model_copy(update={"tax_rate_percent": Decimal(0)})
    brief = _context(deal)
    assert brief["basis"] == "no tax applicable"
