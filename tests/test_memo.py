"""The confirmation memo and its .eml draft: golden text, agreed terms, e-mail, 24-hour rule, colours."""

from __future__ import annotations

import datetime as dt
import email
import shutil
import subprocess
from decimal import Decimal
from email import policy
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from conftest import SAMPLES, needs_soffice
from golden import assert_golden

from bidgen.documents.common import deal_facts
from bidgen.documents.eml import DOCX_MIME, late_warning, meeting_end
from bidgen.documents.memo import agreed_terms, find_deal, make_memo
from bidgen.errors import InputError
from bidgen.inputs.load import load_deal, load_meeting
from bidgen.docx.readback import read_docx

NOW = dt.datetime(2026, 11, 20, 8, 0)  # the morning after the meeting: on time


def _render(meeting_path: Path, outdir: Path, locale: str | None = None, now: dt.datetime = NOW):
    meeting = load_meeting(meeting_path)
    deal = find_deal(meeting, meeting_file=meeting_path)
    memo, eml = make_memo(meeting, deal, outdir, locale=locale, now=now)
    return memo, eml


@pytest.fixture(scope="module")
def zh(tmp_path_factory):
    return _render(SAMPLES / "meeting-zh_CN.yaml", tmp_path_factory.mktemp("memo_zh"))


@pytest.fixture(scope="module")
def en(tmp_path_factory):
    return _render(SAMPLES / "meeting-en_US.yaml", tmp_path_factory.mktemp("memo_en"),
                   now=dt.datetime(2026, 11, 25, 9, 0))


@pytest.fixture(scope="module")
def tw(tmp_path_factory):
    return _render(SAMPLES / "meeting-zh_CN.yaml", tmp_path_factory.mktemp("memo_tw"), locale="zh_TW")


def _message(written) -> email.message.EmailMessage:
    return email.message_from_bytes(written.path.read_bytes(), policy=policy.default)


# ------------------------------------------------------------------ documents


def test_golden_zh_cn(zh):
    assert zh[0].path.name == "Memo_CN203_v20261119.docx"
    assert_golden(zh[0].path, "memo_zh_CN")


def test_golden_en_us(en):
    assert en[0].path.name == "Memo_AE017_v20261121.docx"
    assert_golden(en[0].path, "memo_en_US")


def test_golden_zh_tw(tw):
    assert_golden(tw[0].path, "memo_zh_TW")


def test_agreed_terms_are_marked(zh):
    doc = read_docx(zh[0].path)
    assert doc.term_values("agreed.price") == ["676,200.00"]
    assert doc.term_values("agreed.price_words") == ["人民币陆拾柒万陆仟贰佰元整"]
    assert doc.term_values("agreed.delivery_days") == ["30"]
    assert [doc.term_values(f"agreed.milestone.{n}.percent")[0] for n in (1, 2, 3)] == ["30%", "60%", "10%"]
    amounts = [doc.term_values(f"agreed.milestone.{n}.amount")[0] for n in (1, 2, 3)]
    assert amounts == ["202,860.00", "405,720.00", "67,620.00"]
    assert "total" not in doc.terms  # a price was agreed: the quoted total is not restated


def test_english_terms(en):
    doc = read_docx(en[0].path)
    assert doc.term_values("agreed.price") == ["156,849.00"]
    assert doc.term_values("agreed.price_words")[0].startswith("One hundred fifty-six thousand eight hundred forty-nine")
    assert doc.term_values("agreed.milestone.2.amount") == ["94,109.40"]


def test_schedule_from_agreed_price_last_absorbs_rounding():
    meeting = load_meeting(SAMPLES / "meeting-zh_CN.yaml")
    deal = load_deal(SAMPLES / "deal-zh_CN.yaml")
    odd = meeting.model_copy(update={"agreed": meeting.agreed.model_copy(update={"price": Decimal("100000.01")})})
    terms = agreed_terms(odd, deal_facts(deal))
    assert terms.amounts == (Decimal("30000.00"), Decimal("60000.01"), Decimal("10000.00"))
    assert sum(terms.amounts) == Decimal("100000.01")


def test_price_mismatch_and_quoted_total(tmp_path):
    meeting = load_meeting(SAMPLES / "meeting-zh_CN.yaml")
    deal = load_deal(SAMPLES / "deal-zh_CN.yaml")
    cheaper = meeting.model_copy(update={"agreed": meeting.agreed.model_copy(update={"price": Decimal("660000")})})
    memo, _ = make_memo(cheaper, deal, tmp_path / "a", now=NOW)
    assert any("differs from the deal total 676,200.00" in w for w in memo.warnings)
    memo, _ = make_memo(meeting.model_copy(update={"agreed": None}), deal, tmp_path / "b", now=NOW)
    doc = read_docx(memo.path)
    assert doc.term_values("total") == ["676,200.00"] and "agreed.price" not in doc.terms
    assert "（同报价）" in doc.all_text()


def test_open_items_carry_no_colours_and_no_legend(zh, en):
    """The memo goes to the client: no colour coding of open items and no colour legend (issue 12)."""
    for memo, head in ((zh[0], ["序号", "事项", "负责人", "完成期限"]), (en[0], ["No.", "Item", "Owner", "Deadline"])):
        document = docx.Document(str(memo.path))
        table = next(t for t in document.tables if [c.text for c in t.rows[0].cells] == head)
        for row in table.rows[1:]:
            colours = {run.font.color.rgb for cell in row.cells for p in cell.paragraphs for run in p.runs}
            assert colours <= {None}
        text = read_docx(memo.path).all_text()
        assert "红色" not in text and "in red" not in text and "blue" not in text
    table = next(t for t in docx.Document(str(zh[0].path)).tables if t.rows[0].cells[0].text == "序号"
                 and t.rows[0].cells[1].text == "事项")
    assert [c.text for c in table.rows[1].cells] == ["1", "确认验收标准与测试用例", "陈静", "2026年11月26日"]


def test_concerns_table_shows_no_internal_category(zh, en):
    """The objection kinds (价格, Competitor, Trust) are the brief's internal labels, not the client's."""
    zh_doc, en_doc = read_docx(zh[0].path), read_docx(en[0].path)
    zh_rows = next(t for t in zh_doc.tables if t[0][1:] == ["客户意见", "处理结果"])
    assert zh_rows[0] == ["序号", "客户意见", "处理结果"] and zh_rows[1][1] == "总价比竞品高 8%"
    en_rows = next(t for t in en_doc.tables if t[0][1:] == ["Concern", "Resolution"])
    assert len(en_rows[0]) == 3
    for word in ("Competitor", "Trust", "Comparison"):
        assert all(word not in cell for row in en_rows for cell in row)
    assert all("价格" != cell for row in zh_rows for cell in row)


def test_deterministic(tmp_path):
    a, b = (_render(SAMPLES / "meeting-zh_CN.yaml", tmp_path / d) for d in ("a", "b"))
    assert a[0].path.read_bytes() == b[0].path.read_bytes()
    assert a[1].path.read_bytes() == b[1].path.read_bytes()


# ------------------------------------------------------------------ e-mail draft


def test_eml_zh(zh):
    memo, eml = zh
    assert eml.path.name == "Memo_CN203_v20261119.eml"
    msg = _message(eml)
    assert msg["Subject"] == "会谈确认函-华东精密制造股份有限公司-20261119"
    assert [a.addr_spec for a in msg["To"].addresses] == ["zhangwei@hdjm.example"]
    assert msg["To"].addresses[0].display_name == "张伟"
    assert msg["From"].addresses[0].addr_spec == "lina@yunqi.example"
    assert msg["Date"].datetime == dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert msg["Message-ID"] == "<memo.D-2026-0042.20261119@yunqi.example>"
    body = msg.get_body(("plain",)).get_content()
    for text in ("人民币 676,200.00 元", "人民币陆拾柒万陆仟贰佰元整", "合同签订后 30 个日历日内交货",
                 "(3) 质保期满后：10%，人民币 67,620.00 元", "2026年11月22日前回复确认"):
        assert text in body
    (att,) = list(msg.iter_attachments())
    assert att.get_filename() == memo.path.name
    assert (att.get_content_maintype(), att.get_content_subtype()) == DOCX_MIME
    attached = read_docx(att.get_content())
    assert attached.term_values("agreed.price") == ["676,200.00"]
    assert att.get_content() == memo.path.read_bytes()


def test_eml_en_reaches_attendees_listed_with_email(en):
    """The deal lists no client e-mail; the meeting record gives the attendees' addresses."""
    memo, eml = en
    msg = _message(eml)
    assert msg["Subject"] == "Meeting confirmation-Gulf Logistics Holding LLC-20261121"
    assert [a.addr_spec for a in msg["To"].addresses] == [
        "omar.almansoori@gulflogistics.example", "priya.raman@gulflogistics.example"]
    assert not any("e-mail address" in w for w in memo.warnings)
    body = msg.get_body(("plain",)).get_content()
    assert body.splitlines()[0] == "Dear Mr. Al Mansoori and Ms. Raman,"
    assert "Price: USD 156,849.00 (including 5% tax)" in body
    assert "(2) On go-live acceptance: 60%, USD 94,109.40, within 45 days" in body


def test_eml_without_any_address_warns(tmp_path):
    meeting = load_meeting(SAMPLES / "meeting-en_US.yaml")
    bare = meeting.attendees.model_copy(
        update={"client": tuple(a.model_copy(update={"email": None}) for a in meeting.attendees.client)})
    meeting = meeting.model_copy(update={"attendees": bare})
    memo, eml = make_memo(meeting, load_deal(SAMPLES / "deal-en_US.yaml"), tmp_path, now=NOW)
    assert _message(eml)["To"] is None
    assert any("no contact of Gulf Logistics Holding LLC has an e-mail address" in w for w in memo.warnings)


def test_topic_names_the_subject(tmp_path):
    meeting = load_meeting(SAMPLES / "meeting-zh_CN.yaml").model_copy(update={"topic": "Q4 订单确认"})
    deal = load_deal(SAMPLES / "deal-zh_CN.yaml")
    _, eml = make_memo(meeting, deal, tmp_path, now=NOW)
    assert _message(eml)["Subject"] == "Q4 订单确认-华东精密制造股份有限公司-20261119"


# ------------------------------------------------------------------ 24-hour rule


def test_late_warning():
    meeting = load_meeting(SAMPLES / "meeting-zh_CN.yaml")
    deal = load_deal(SAMPLES / "deal-zh_CN.yaml")
    end = meeting_end(deal, meeting)
    assert end.utcoffset() == dt.timedelta(hours=8)
    assert late_warning(deal, meeting, end + dt.timedelta(hours=23)) is None
    assert late_warning(deal, meeting, dt.datetime(2026, 11, 20, 17, 59)) is None  # naive: meeting's zone
    late = late_warning(deal, meeting, end + dt.timedelta(hours=30))
    assert late is not None and "30 hours" in late and "within 24 hours" in late


def test_make_memo_returns_late_warning(tmp_path):
    memo, eml = _render(SAMPLES / "meeting-zh_CN.yaml", tmp_path, now=dt.datetime(2026, 11, 23, 9, 0))
    assert memo.warnings and "87 hours" in memo.warnings[0]
    assert eml.warnings == []


# ------------------------------------------------------------------ finding the deal, CLI


def test_deal_not_found_is_located(tmp_path):
    meeting_file = tmp_path / "meeting.yaml"
    shutil.copy(SAMPLES / "meeting-zh_CN.yaml", meeting_file)
    meeting = load_meeting(meeting_file)
    with pytest.raises(InputError) as err:
        find_deal(meeting, meeting_file=meeting_file, search_dirs=[tmp_path])
    assert err.value.where.field == "deal" and err.value.where.line == 2
    assert "D-2026-0042" in str(err.value)
    with pytest.raises(InputError):
        find_deal(meeting, meeting_file=meeting_file, deal_files=[SAMPLES / "deal-en_US.yaml"])
    shutil.copy(SAMPLES / "deal-zh_CN.yaml", tmp_path / "the-deal.yaml")
    assert find_deal(meeting, meeting_file=meeting_file, search_dirs=[tmp_path]).id == "D-2026-0042"


def test_cli_memo(tmp_path):
    from bidgen.cli.memo import memo

    result = CliRunner().invoke(memo, [str(SAMPLES / "meeting-en_US.yaml"), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "Memo_AE017_v20261121.docx").is_file()
    assert (tmp_path / "Memo_AE017_v20261121.eml").is_file()
    assert "warning: " in result.output


@needs_soffice
def test_pdf_conversion(zh, tmp_path):
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(zh[0].path)],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp_path / (zh[0].path.stem + ".pdf")
    assert pdf.is_file() and pdf.stat().st_size > 5000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "676,200.00" in text and "华东精密制造股份有限公司" in text


def test_both_signature_lines_are_on_the_same_row(zh, en):
    for memo, label in ((zh[0], "授权代表签字（盖章）："), (en[0], "Authorized signature and company seal:")):
        sign = read_docx(memo.path).tables[-1]
        rows = [r for r in sign if label in r]
        assert rows == [[label, label]]


def test_memo_never_takes_its_deal_from_the_bundled_samples(tmp_path, monkeypatch, capsys):
    """A meeting in a folder of its own whose deal id matches a bundled sample is not confirmed with
    the sample's prices: the deal is looked for only in the meeting's folder (or the --deal files)."""
    from bidgen.cli.main import main

    meeting_file = tmp_path / "meeting.yaml"
    shutil.copy(SAMPLES / "meeting-en_US.yaml", meeting_file)
    (tmp_path / "samples").mkdir()
    shutil.copy(SAMPLES / "deal-en_US.yaml", tmp_path / "samples" / "deal.yaml")  # ./samples is not looked at either
    monkeypatch.chdir(tmp_path)
    code = main(["memo", str(meeting_file), "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert "not found" in err and "--deal" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
    shutil.copy(SAMPLES / "deal-en_US.yaml", tmp_path / "deal.yaml")
    assert main(["memo", str(meeting_file), "-o", str(tmp_path / "out")]) == 0
