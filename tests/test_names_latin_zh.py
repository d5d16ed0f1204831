"""QA2 Q15: Chinese documents name and greet people whose names are in Latin script the Chinese
way — the honorific follows the surname (``Smith先生``), a Latin title goes in brackets — in the
e-mail body, the memo, the proposal, the bid package and the brief; English documents unchanged."""

from __future__ import annotations

import datetime as dt
import email
from email import policy
from pathlib import Path

import pytest
from conftest import SAMPLES

from bidgen.documents.bid import make_bid
from bidgen.documents.brief import make_brief
from bidgen.documents.memo import make_memo
from bidgen.docx.readback import read_docx
from bidgen.inputs.load import load_deal, load_meeting, load_tender
from bidgen.pipeline import make_proposal
from bidgen.words.people import Person, apposition, greeting, reference

NOW = dt.datetime(2026, 11, 20, 8, 0)


def _edit(tmp_path: Path, name: str, *edits: tuple[str, str]) -> Path:
    text = (SAMPLES / name).read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _foreign_zh(tmp_path: Path, title: str = "Procurement Director", salutation: str = "mr") -> tuple[Path, Path]:
    """The zh_CN sample whose purchaser (张伟) is John Smith."""
    sal = f", salutation: {salutation}" if salutation else ""
    deal = _edit(tmp_path, "deal-zh_CN.yaml", ("{name: 张伟, title: 采购总监,", f"{{name: John Smith, title: {title}{sal},"))
    meeting = _edit(tmp_path, "meeting-zh_CN.yaml", ("{name: 张伟, title: 采购总监}", f"{{name: John Smith, title: {title}}}"))
    return deal, meeting


def _body(eml_path: Path) -> list[str]:
    msg = email.message_from_bytes(eml_path.read_bytes(), policy=policy.default)
    return msg.get_body(("plain",)).get_content().splitlines()


def _memo(meeting: Path, deal: Path, out: Path, locale: str | None = None):
    memo, eml = make_memo(load_meeting(meeting), load_deal(deal), out, now=NOW, locale=locale)
    return read_docx(memo.path), _body(eml.path)


@pytest.mark.parametrize(
    "person, locale, ref, greet",
    [
        (Person("John Smith", "Procurement Director", "mr"), "zh_CN", "John Smith先生（Procurement Director）",
         "Smith先生"),
        (Person("John Smith", "Procurement Director", "mr"), "zh_TW", "John Smith先生（Procurement Director）",
         "Smith先生"),
        (Person("Priya Raman", "", "ms"), "zh_TW", "Priya Raman女士", "Raman女士"),
        (Person("Omar Al Mansoori", "采购总监", "mr"), "zh_CN", "Omar Al Mansoori总监", "Al Mansoori总"),
        (Person("Jan van der Berg", "", "dr"), "zh_CN", "Jan van der Berg博士", "van der Berg博士"),
        (Person("John Smith", "Procurement Director"), "zh_CN", "John Smith（Procurement Director）", "John Smith"),
        (Person("张伟", "Procurement Director", "mr"), "zh_CN", "张伟（Procurement Director）", "张先生"),
        (Person("张伟", "采购总监", "mr"), "zh_CN", "张伟总监", "张总"),
        (Person("John Smith", "Procurement Director", "mr"), "en_US", "Mr. John Smith, Procurement Director",
         "Mr. Smith"),
    ],
)
def test_latin_names_take_the_honorific_after_the_surname_in_chinese(person, locale, ref, greet):
    assert reference(person, locale) == ref
    assert greeting(person, locale) == greet
    if locale.startswith("zh"):
        assert not reference(person, locale).startswith(("先生", "女士", "博士"))


def test_apposition_keeps_a_latin_title_out_of_the_name():
    assert apposition("张伟", "销售总监", "zh_CN") == "销售总监张伟"
    assert apposition("John Smith", "销售总监", "zh_CN") == "销售总监John Smith"
    assert apposition("John Smith", "Sales Director", "zh_TW") == "John Smith（Sales Director）"
    assert apposition("张伟", "Sales Director", "zh_CN") == "张伟（Sales Director）"
    assert apposition("James Patel", "Key Account Manager", "en_US") == "James Patel, Key Account Manager"


def test_zh_mail_and_memo_greet_a_foreign_purchaser_after_his_surname(tmp_path):
    deal, meeting = _foreign_zh(tmp_path)
    doc, body = _memo(meeting, deal, tmp_path / "out")
    assert body[0] == "Smith先生，您好："
    assert "先生 " not in "\n".join(body)
    assert doc.tables[-1][1][0] == "客户代表：John Smith（Procurement Director）"
    rows = [row for t in doc.tables for row in t]
    assert any(row[-2:] == ["John Smith", "Procurement Director"] for row in rows)  # attendee table


def test_zh_mail_with_a_chinese_title_uses_its_short_form(tmp_path):
    deal, meeting = _foreign_zh(tmp_path, title="采购总监")
    _, body = _memo(meeting, deal, tmp_path / "out")
    assert body[0] == "Smith总，您好："


def test_zh_mail_without_salutation_or_known_title_uses_the_full_name(tmp_path):
    deal, meeting = _foreign_zh(tmp_path, salutation="")
    _, body = _memo(meeting, deal, tmp_path / "out")
    assert body[0] == "John Smith，您好："


@pytest.mark.parametrize("locale, first", [("zh_CN", "Al Mansoori先生和Raman女士，您好："),
                                           ("zh_TW", "Al Mansoori先生及Raman女士，您好："),
                                           ("en_US", "Dear Mr. Al Mansoori and Ms. Raman,")])
def test_english_sample_in_chinese_greets_both_recipients_after_their_surnames(tmp_path, locale, first):
    doc, body = _memo(SAMPLES / "meeting-en_US.yaml", SAMPLES / "deal-en_US.yaml", tmp_path, locale)
    assert body[0] == first
    sign = doc.tables[-1][1][0]
    assert sign.endswith({"zh_CN": "Omar Al Mansoori（Head of Procurement）",
                          "zh_TW": "Omar Al Mansoori（Head of Procurement）",
                          "en_US": "Mr. Omar Al Mansoori, Head of Procurement"}[locale])


@pytest.mark.parametrize("locale, step", [
    ("zh_CN", "与John Smith先生（Procurement Director）共同审阅本建议书"),
    ("zh_TW", "與John Smith先生（Procurement Director）共同審閱本建議書"),
])
def test_zh_proposal_next_step_names_a_foreign_purchaser_the_chinese_way(tmp_path, locale, step):
    deal, _ = _foreign_zh(tmp_path)
    text = read_docx(make_proposal(load_deal(deal), tmp_path / "out", locale=locale).path).all_text()
    assert step in text
    assert "先生 John" not in text and "与先生" not in text and "與先生" not in text


def test_en_sample_proposal_in_chinese_and_english(tmp_path):
    text = read_docx(make_proposal(load_deal(SAMPLES / "deal-en_US.yaml"), tmp_path / "zh", locale="zh_CN").path
                     ).all_text()
    assert "与Omar Al Mansoori先生（Head of Procurement）共同审阅本建议书" in text
    text = read_docx(make_proposal(load_deal(SAMPLES / "deal-en_US.yaml"), tmp_path / "en").path).all_text()
    assert "Review this proposal with Mr. Omar Al Mansoori, Head of Procurement, and confirm" in text


def _bid_text(deal: Path, tender: Path, out: Path, locale: str | None = None) -> str:
    written = make_bid(load_deal(deal), load_tender(tender), out, locale=locale)
    return read_docx(written[0].path).all_text()


def test_bid_authorization_names_the_agent_with_a_latin_title_in_brackets(tmp_path):
    deal = _edit(tmp_path, "deal-zh_CN.yaml", ("contact: {name: 李娜, title: 大客户经理,",
                                                "contact: {name: James Patel, title: Key Account Manager,"))
    text = _bid_text(deal, SAMPLES / "tender-zh_CN.yaml", tmp_path / "a")
    assert "现授权委托本公司James Patel（Key Account Manager）为我公司合法代理人" in text
    text = _bid_text(SAMPLES / "deal-zh_CN.yaml", SAMPLES / "tender-zh_CN.yaml", tmp_path / "b")
    assert "现授权委托本公司大客户经理李娜为我公司合法代理人" in text


def test_brief_in_chinese_names_a_foreign_lead_with_the_title_in_brackets(tmp_path):
    deal = _edit(tmp_path, "deal-zh_CN.yaml", ("contact: {name: 李娜, title: 大客户经理,",
                                                "contact: {name: James Patel, title: Key Account Manager,"))
    doc = read_docx(make_brief(load_deal(deal), tmp_path / "out").path)
    cells = [c for t in doc.tables for row in t for c in row]
    assert "James Patel（Key Account Manager）" in cells
    assert not any("Key Account ManagerJames" in c or "先生 " in c for c in cells)
