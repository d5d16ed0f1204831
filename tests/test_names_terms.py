"""Issue 12 (items 3 and 4): names, titles and greetings by locale; terms worded by what is sold."""

from __future__ import annotations

import datetime as dt
import email
from email import policy
from pathlib import Path

import pytest
from conftest import SAMPLES

from bidgen.documents.bid import make_bid
from bidgen.documents.common import deal_facts
from bidgen.documents.memo import make_memo
from bidgen.docx.readback import read_docx
from bidgen.errors import BidgenError
from bidgen.inputs.load import load_deal, load_meeting, load_tender
from bidgen.inputs.models import ItemKind
from bidgen.library import Library, facts_for_deal
from bidgen.pipeline import make_proposal
from bidgen.words.people import Person, greeting, reference, surname

NOW = dt.datetime(2026, 11, 20, 8, 0)


# ------------------------------------------------------------------ names and greetings


@pytest.mark.parametrize(
    "person, locale, ref, greet",
    [
        (Person("张伟", "采购总监"), "zh_CN", "张伟总监", "张总"),
        (Person("周斌", "副总经理"), "zh_CN", "周斌副总经理", "周总"),
        (Person("李娜", "大客户经理"), "zh_CN", "李娜经理", "李经理"),
        (Person("赵磊", "解决方案工程师"), "zh_CN", "赵磊工程师", "赵工"),
        (Person("陳靜", "業務經理"), "zh_TW", "陳靜經理", "陳經理"),
        (Person("欧阳娜娜", "采购总监"), "zh_CN", "欧阳娜娜总监", "欧阳总"),
        (Person("王芳", "项目负责人", "ms"), "zh_CN", "王芳（项目负责人）", "王女士"),
        (Person("Omar Al Mansoori", "Head of Procurement", "mr"), "en_US",
         "Mr. Omar Al Mansoori, Head of Procurement", "Mr. Al Mansoori"),
        (Person("Priya Raman", "IT Director", "ms"), "en_US", "Ms. Priya Raman, IT Director", "Ms. Raman"),
        (Person("Priya Raman", "IT Director"), "en_US", "Priya Raman, IT Director", "Priya Raman"),
        (Person("Jan van der Berg", "", "dr"), "en_US", "Dr. Jan van der Berg", "Dr. van der Berg"),
        (Person("Maria Lopez Garcia", "", "ms", "Lopez Garcia"), "en_US", "Ms. Maria Lopez Garcia",
         "Ms. Lopez Garcia"),
    ],
)
def test_reference_and_greeting_by_locale(person, locale, ref, greet):
    assert reference(person, locale) == ref
    assert greeting(person, locale) == greet


def test_surname_rules():
    assert surname("Omar Al Mansoori") == "Al Mansoori"
    assert surname("Khalid bin Rashid") == "bin Rashid"
    assert surname("司马光") == "司马"
    assert surname("Li Na", given="Li") == "Li"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _deal(name: str = "deal-en_US.yaml", *edits: tuple[str, str]) -> str:
    """A sample deal's text with edits (the samples' flow mappings are kept as written)."""
    text = (SAMPLES / name).read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    return text


def test_salutation_is_read_in_any_form_and_refused_when_unknown(tmp_path):
    data = _deal("deal-en_US.yaml", ("salutation: Mr.", "salutation: 先生"), ("salutation: Ms.", "salutation: MS"))
    deal = load_deal(_write(tmp_path, "ok.yaml", data))
    assert [c.salutation for c in deal.client.contacts] == ["mr", "ms"]
    data = _deal("deal-en_US.yaml", ("salutation: Mr.", "salutation: Sir"))
    with pytest.raises(BidgenError) as err:
        load_deal(_write(tmp_path, "bad.yaml", data))
    assert "client.contacts[0].salutation" in str(err.value) and "Sir" in str(err.value)


def _mail_body(eml_path: Path) -> str:
    msg = email.message_from_bytes(eml_path.read_bytes(), policy=policy.default)
    return msg.get_body(("plain",)).get_content()


def test_mail_greets_exactly_its_recipients_zh(tmp_path):
    """Only 张伟 has an address: the mail goes to him alone and greets him alone (not 陈静)."""
    memo, eml = make_memo(load_meeting(SAMPLES / "meeting-zh_CN.yaml"), load_deal(SAMPLES / "deal-zh_CN.yaml"),
                          tmp_path, now=NOW)
    msg = email.message_from_bytes(eml.path.read_bytes(), policy=policy.default)
    assert [a.addr_spec for a in msg["To"].addresses] == ["zhangwei@hdjm.example"]
    first = _mail_body(eml.path).splitlines()[0]
    assert first == "张总，您好："
    assert "陈" not in first


def test_mail_greets_with_salutations_en(tmp_path):
    memo, eml = make_memo(load_meeting(SAMPLES / "meeting-en_US.yaml"), load_deal(SAMPLES / "deal-en_US.yaml"),
                          tmp_path, now=NOW)
    assert _mail_body(eml.path).splitlines()[0] == "Dear Mr. Al Mansoori and Ms. Raman,"


def test_mail_greets_one_recipient_when_only_one_attendee_has_an_address(tmp_path):
    meeting = load_meeting(SAMPLES / "meeting-en_US.yaml")
    client = meeting.attendees.client
    bare = meeting.attendees.model_copy(update={"client": (client[0], client[1].model_copy(update={"email": None}))})
    memo, eml = make_memo(meeting.model_copy(update={"attendees": bare}), load_deal(SAMPLES / "deal-en_US.yaml"),
                          tmp_path, now=NOW)
    assert _mail_body(eml.path).splitlines()[0] == "Dear Mr. Al Mansoori,"


def _sign_table(path: Path) -> list[list[str]]:
    return read_docx(path).tables[-1]


def test_memo_signature_block_names_both_representatives(tmp_path):
    memo, _ = make_memo(load_meeting(SAMPLES / "meeting-en_US.yaml"), load_deal(SAMPLES / "deal-en_US.yaml"),
                        tmp_path / "en", now=NOW)
    rows = _sign_table(memo.path)
    assert rows[0] == ["For the client: Gulf Logistics Holding LLC", "For the supplier: Northwind Analytics Ltd."]
    assert rows[1] == ["Represented by Mr. Omar Al Mansoori, Head of Procurement",
                       "Represented by James Patel, Key Account Manager"]
    assert rows[2] == ["Authorized signature and company seal:"] * 2
    memo, _ = make_memo(load_meeting(SAMPLES / "meeting-zh_CN.yaml"), load_deal(SAMPLES / "deal-zh_CN.yaml"),
                        tmp_path / "zh", now=NOW)
    assert _sign_table(memo.path)[1] == ["客户代表：张伟（采购总监）", "我方代表：李娜（大客户经理）"]


@pytest.mark.parametrize("locale", ["zh_CN", "zh_TW", "en_US"])
def test_proposal_has_signature_and_seal_blocks_for_both_parties(tmp_path, locale):
    name = "deal-en_US.yaml" if locale == "en_US" else "deal-zh_CN.yaml"
    written = make_proposal(load_deal(SAMPLES / name), tmp_path, locale=locale)
    rows = _sign_table(written.path)
    seal = {"zh_CN": "盖章", "zh_TW": "蓋章", "en_US": "company seal"}[locale]
    assert len(rows[0]) == 2 and all(seal in cell for cell in rows[0])
    assert all(cell for cell in rows[1])  # a representative on both sides
    assert rows[2][0] == rows[2][1] and rows[3][0] == rows[3][1]
    if locale == "en_US":
        assert rows[1][0] == "Represented by Mr. Omar Al Mansoori, Head of Procurement"


def test_proposal_names_the_procurement_director_with_title(tmp_path):
    text = read_docx(make_proposal(load_deal(SAMPLES / "deal-zh_CN.yaml"), tmp_path / "zh").path).all_text()
    assert "与张伟总监共同审阅本建议书" in text
    text = read_docx(make_proposal(load_deal(SAMPLES / "deal-en_US.yaml"), tmp_path / "en").path).all_text()
    assert "Review this proposal with Mr. Omar Al Mansoori, Head of Procurement, and confirm" in text


def test_bid_after_sales_names_the_tenders_title(tmp_path):
    deal, tender = load_deal(SAMPLES / "deal-zh_CN.yaml"), load_tender(SAMPLES / "tender-zh_CN.yaml")
    written = make_bid(deal, tender, tmp_path)
    written = written[0] if isinstance(written, (list, tuple)) else written
    text = read_docx(written.path).all_text()
    assert f"本项目（{tender.title}）" in text
    assert deal.project.name not in text


# ------------------------------------------------------------------ terms by what is sold


def test_item_kind_default_is_inferred_and_documented():
    deal = load_deal(SAMPLES / "deal-zh_CN.yaml")
    assert [i.item_kind for i in deal.items] == [ItemKind.GOODS, ItemKind.GOODS, ItemKind.SERVICE]
    # the reference deal without kinds (as in ../shared/examples): inferred from the descriptions
    text = _deal("deal-en_US.yaml", (", kind: software}", "}"), (", kind: service}", "}"))
    en = load_deal(_write(Path(pytest.importorskip("tempfile").mkdtemp()), "deal.yaml", text))
    assert [i.kind for i in en.items] == [None, None, None]
    assert [i.item_kind for i in en.items] == [ItemKind.SOFTWARE, ItemKind.SERVICE, ItemKind.SERVICE]
    # an explicit kind wins over the inference
    text = _deal("deal-en_US.yaml", (", kind: software}", ", kind: goods}"))
    goods = load_deal(_write(Path(pytest.importorskip("tempfile").mkdtemp()), "deal.yaml", text))
    assert goods.items[0].item_kind is ItemKind.GOODS


def _proposal_text(tmp_path: Path, data: str, locale: str | None = None) -> str:
    path = _write(tmp_path, "deal.yaml", data)
    return read_docx(make_proposal(load_deal(path), tmp_path / "out", locale=locale).path).all_text()


def test_software_and_services_deal_gets_no_equipment_warranty(tmp_path):
    text = _proposal_text(tmp_path, _deal())
    assert "new" not in text.split("Warranty", 2)[-1].split("Service levels")[0].split()
    assert "spare parts" not in text and "equipment" not in text
    assert "licensed software performs substantially in accordance with its documentation" in text
    assert "services that do not conform" in text


def test_goods_deal_gets_equipment_warranty_and_spare_parts(tmp_path):
    data = _deal("deal-en_US.yaml", ("kind: software", "kind: goods"), ("kind: service", "kind: goods"))
    text = _proposal_text(tmp_path, data)
    assert "equipment delivered is new" in text
    assert "spare parts and paid technical services for at least five years" in text
    assert "licensed software" not in text


def test_zh_service_only_deal_has_no_spare_parts(tmp_path):
    data = _deal("deal-zh_CN.yaml",
                 ("  - {sku: MON-100, description: 产线监控主机, quantity: 10, unit: 台, unit_price: 48000, "
                  "discount_percent: 5}\n", ""),
                 ("  - {sku: SNS-32, description: 振动与温度传感器套件, quantity: 120, unit: 套, unit_price: 850}\n", ""))
    text = _proposal_text(tmp_path, data)
    assert "备件供应" not in text and "全新" not in text and "所交付的设备" not in text
    assert "按照行业通行标准提供各项服务" in text


@pytest.mark.parametrize("locale, goods_words, service_words", [
    ("zh_CN", "货物到达后", "卖方书面通知交付完成后"),
    ("zh_TW", "貨品到達後", "賣方以書面通知交付完成後"),
    ("en_US", "of its arrival", "written notice that it is complete"),
])
def test_acceptance_clause_is_worded_by_kind(locale, goods_words, service_words):
    entry = Library.load().get("delivery.acceptance")
    base = {"delivery_days": 30}
    goods = "\n".join(entry.render(locale, {**base, "sells_goods": True}).paragraphs)
    services = "\n".join(entry.render(locale, {**base, "sells_goods": False, "sells_services": True}).paragraphs)
    assert goods_words in goods and service_words not in goods
    assert service_words in services and goods_words not in services
    assert ("goods" not in services) if locale == "en_US" else ("货物" not in services and "貨品" not in services)


def test_bid_after_sales_is_worded_by_kind(tmp_path):
    deal, tender = load_deal(SAMPLES / "deal-en_US.yaml"), load_tender(SAMPLES / "tender-en_US.yaml")
    written = make_bid(deal, tender, tmp_path)
    written = written[0] if isinstance(written, (list, tuple)) else written
    text = read_docx(written.path).all_text()
    assert "spare parts" not in text and "defect of our products" not in text
    assert "software updates" in text


def test_selection_by_kind_with_reason():
    """``when.sells``: an entry for goods is not picked for a software deal; the reason says why it is."""
    from types import SimpleNamespace

    from bidgen.library.schema import When
    from bidgen.library.select import match

    entry = SimpleNamespace(when=When.model_validate({"sells": ["goods"]}), params={}, model=None)
    software = facts_for_deal({}, tier="key", industry=None, country=None, deal_size=None, currency="USD",
                              kinds=["software"])
    assert match(entry, software) == (False, [])
    mixed = facts_for_deal({}, tier="key", industry=None, country=None, deal_size=None, currency="USD",
                           kinds=["goods", "service"])
    assert match(entry, mixed) == (True, ["sells goods"])
