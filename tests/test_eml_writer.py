"""The memo's e-mail draft is written directly (not through ``EmailMessage``) and read back by a
strict parser of its own: these tests prove that the bytes are those the standard library writes
(byte for byte, on every input shape, with hypothesis), that the cheap read-back refuses whatever
the standard library's read-back refuses, and that a long CJK subject now gives a valid draft."""

from __future__ import annotations

import datetime as dt
import email
import json
import string
import warnings
from email import policy
from pathlib import Path

import pytest
from conftest import SAMPLES, example
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bidgen.documents import eml
from bidgen.documents.common import deal_facts
from bidgen.documents.memo import memo_context, render_memo
from bidgen.errors import InputError, RenderError
from bidgen.inputs.load import load_deal, load_meeting
from bidgen.paths import ascii_component, safe_component

DATA = Path(__file__).parent / "data"
ATTACHMENT = b"PK\x03\x04" + bytes(range(256)) * 7


def _args(deal_path: Path, meeting_path: Path, attachment: bytes = ATTACHMENT):
    deal, meeting = load_deal(deal_path), load_meeting(meeting_path)
    facts = deal_facts(deal, None, ())
    ctx, terms = memo_context(facts, meeting)
    return facts, meeting, terms, ctx, attachment, f"Memo_{safe_component(deal.client.code)}_v20261119.docx"


INPUTS = [(example("deal-zh_CN.yaml"), example("meeting-zh_CN.yaml")),
          (SAMPLES / "deal-zh_CN.yaml", SAMPLES / "meeting-zh_CN.yaml"),
          (SAMPLES / "deal-en_US.yaml", SAMPLES / "meeting-en_US.yaml"),
          (DATA / "deal-zh_CN.json", DATA / "meeting-zh_CN.json")]


@pytest.mark.parametrize("deal_path, meeting_path", INPUTS, ids=lambda p: p.name)
def test_every_reference_input_gives_the_bytes_the_standard_library_writes(deal_path, meeting_path, monkeypatch):
    args = _args(deal_path, meeting_path)
    before, before_warnings = eml.stdlib_draft(*args)

    def no_fallback(*_a, **_k):
        raise AssertionError("the fast path left this to the standard library")

    monkeypatch.setattr(eml, "_check_stdlib", no_fallback)
    monkeypatch.setattr(eml, "_stdlib_fold", no_fallback)  # every header of these is written directly
    eml._stdlib_fold_cached.cache_clear()
    data, warns = eml.draft_bytes(*args)
    assert data == before and warns == before_warnings
    msg = email.message_from_bytes(data, policy=policy.default)
    assert eml.build_draft(*args)[0].as_bytes(policy=eml.STRICT) == data
    body, attached = msg.iter_parts()
    assert body.get_content().replace("\r\n", "\n") == eml._plan(*args)[0].body
    assert attached.get_content() == ATTACHMENT and attached.get_filename() == args[5]


# ----------------------------------------------------------------------------- differential

FRAGMENTS = list(string.ascii_letters[:6] + "XYZ019 -'.,\"<>@()=?_:;[]\\/!#&*+") + [
    "张", "伟", "华", "东", "精密", "é", "ß", "😀", "\u3000", "\u00a0", "Q4 ", "Omar ", "Al Mansoori", "华东精密制造"]
TEXT = st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=40).map("".join)
MAILS = ["a@b.example", "zhangwei@hdjm.example", "omar.almansoori@gulflogistics.example",
         "x" * 40 + "@" + "very-long-domain-name-for-folding.example", "o'hara+tag@mail.example"]


@st.composite
def plans(draw):
    def clean(value: str, field: str) -> str:
        try:
            return eml.header_text(value, field)
        except InputError:
            assume(False)
            raise

    subject = clean(draw(TEXT) + "-" + draw(TEXT) + "-20261119", "topic")
    sender = draw(st.one_of(st.none(), st.builds(lambda n, m: eml.mail_address(n, m, "s"), TEXT, st.sampled_from(MAILS))))
    to = draw(st.lists(st.builds(lambda n, m: eml.mail_address(n, m, "c"), TEXT, st.sampled_from(MAILS)), max_size=4))
    offset = draw(st.integers(-12 * 60, 14 * 60))
    when = dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(minutes=offset))) + dt.timedelta(
        days=draw(st.integers(0, 3000)))
    deal_id = draw(st.text(alphabet="ABCxyz-_.09 中", min_size=1, max_size=70))
    domain = sender.domain if sender is not None else "bidgen.invalid"
    body = draw(st.one_of(
        st.lists(st.sampled_from(list("ab cd\n=.") + ["张伟", "é", "\u2028", "x" * 90]), max_size=200).map("".join),
        st.just("Dear Mr. A,\n\nThanks.\n")))
    code = draw(st.text(alphabet=string.ascii_letters + string.digits + "-_", min_size=1, max_size=70))
    return eml._Draft(
        subject=subject, sender=sender, to=to, date=email.utils.format_datetime(when),
        message_id=f"<memo.{ascii_component(deal_id)}.20261119@{domain}>", body=body,
        attachment=draw(st.binary(max_size=200)), filename=f"Memo_{safe_component(code)}_v20261119.docx",
        boundary="bidgen-" + draw(st.text(alphabet="0123456789abcdef", min_size=32, max_size=32)))


def _reads_back(data: bytes, plan) -> bool:
    """The standard library's read-back of a draft gives the subject, sender and recipients meant."""
    msg = email.message_from_bytes(data, policy=policy.default)
    addresses = lambda name: [a.addr_spec for a in msg[name].addresses] if msg[name] is not None else []
    return (msg["Subject"] == plan.subject and addresses("To") == [a.addr_spec for a in plan.to]
            and addresses("From") == ([plan.sender.addr_spec] if plan.sender else []))


@settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_the_draft_is_the_standard_librarys_byte_for_byte(plan):
    before = eml._stdlib_bytes(plan)
    data = eml._write(plan)
    if _reads_back(before, plan):
        assert data == before
    else:
        # the standard library's folding loses a space of the subject, or a recipient: those
        # headers are written so that they read back, the rest stays as it was
        assert _reads_back(data, plan)
        assert data.split(b"\r\n\r\n", 1)[1] == before.split(b"\r\n\r\n", 1)[1]
        assert [n for n, _ in eml._read_head(data)] == [n for n, _ in eml._read_head(before)]
        same = {n: f for n, f in eml._read_head(data)}
        for n, f in eml._read_head(before):
            if n not in ("Subject", "From", "To"):
                assert same[n] == f
    # both read-backs give the same verdict
    verdicts = []
    for check in (eml._check, eml._check_stdlib):
        try:
            check(data, plan)
            verdicts.append(True)
        except RenderError:
            verdicts.append(False)
    assert verdicts[0] == verdicts[1]


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_the_strict_read_back_reads_subjects_and_addresses_as_the_standard_library(plan):
    before = eml._stdlib_bytes(plan)
    msg = email.message_from_bytes(before, policy=policy.default)
    head = eml._read_head(before)
    assert head is not None
    values = {name.lower(): eml._unfold(folded) for name, folded in head}
    subject = eml._unstructured(values["subject"])
    if subject is not None:
        assert subject == str(msg["Subject"])
    for name in ("from", "to"):
        if name in values:
            got = eml._mailboxes(values[name])
            if got is not None:
                assert got == [a.addr_spec for a in msg[name].addresses]


@pytest.mark.parametrize("names", [("",), ("张伟",), ("Omar Al Mansoori",), ("张伟", "Li"), ("Li", "王芳芳"),
                                   ("Omar Al Mansoori", "Priya Raman", ""), ("华东精密制造股份", "李", "Al")])
def test_address_lists_fold_as_the_standard_library_folds_them_at_every_length(names):
    """Every length around the line's end (the edges where the folding changes its mind)."""
    from email.headerregistry import Address

    for n in range(1, 75):
        for header in ("From", "To"):
            addresses = tuple(Address(display_name=name, username=("u" * n if i == 0 else f"p{i}" * (n // 3 + 1)),
                                      domain="example.com") for i, name in enumerate(names))
            stdlib = eml._stdlib_fold(header, list(addresses))
            ours = eml._fold_addresses(header, addresses)
            back = email.message_from_bytes(ours.encode() + b"\r\n", policy=policy.default)[header].addresses
            assert [(a.display_name, a.addr_spec) for a in back] == [(a.display_name, a.addr_spec) for a in addresses]
            was = email.message_from_bytes(stdlib.encode() + b"\r\n", policy=policy.default)[header].addresses
            if [a.addr_spec for a in was] == [a.addr_spec for a in addresses]:
                assert ours == stdlib, (header, n)  # as before, byte for byte


@pytest.mark.parametrize("unit", ["a", "Q4 ", "张", "华东精密-", "é", "张 ", "x=", "Meeting-"])
def test_subjects_and_message_ids_fold_as_the_standard_library_folds_them_at_every_length(unit):
    for n in range(1, 90):
        text = eml.header_text((unit * n)[:n * 2], "topic")
        stdlib = eml._stdlib_fold("Subject", text)
        ours = eml._fold_header("Subject", text)
        if email.message_from_bytes(stdlib.encode() + b"\r\n", policy=policy.default)["Subject"] == text:
            assert ours == stdlib, text
        assert email.message_from_bytes(ours.encode() + b"\r\n", policy=policy.default)["Subject"] == text
        message_id = f"<memo.{safe_component('D' * n)}.20261119@yunqi.example>"
        assert eml._fold_header("Message-ID", message_id) == eml._stdlib_fold("Message-ID", message_id)


def test_the_attachment_headers_fold_as_the_standard_library_folds_them_for_every_code_length():
    facts, meeting, terms, ctx, attachment, _name = _args(SAMPLES / "deal-en_US.yaml", SAMPLES / "meeting-en_US.yaml")
    plan, _ = eml._plan(facts, meeting, terms, ctx, attachment, "x.docx")
    for n in range(1, 61):
        name = f"Memo_{'C' * n}_v20261119.docx"
        p = eml._Draft(**{**plan.__dict__, "filename": name})
        assert eml._write(p) == eml._stdlib_bytes(p), n


def test_a_long_address_after_a_cjk_name_gives_a_draft_that_reads_back_as_its_recipients():
    """The standard library folds the comma after a mailbox longer than a line as an encoded word
    (``=?utf-8?q?=2C?=``), which reads back as part of the next name: such a draft was refused;
    now each mailbox stands on a line of its own."""
    from email.headerregistry import Address

    plan, _data = _plan_and_bytes()
    long = "x" * 40 + "@" + "very-long-domain-name-for-folding.example"
    to = [eml.mail_address("华东精密制造", long, "c"), eml.mail_address("Priya Raman", "a@b.example", "c"),
          eml.mail_address("张伟", "zhangwei@hdjm.example", "c")]
    p = eml._Draft(**{**plan.__dict__, "to": to})
    with pytest.raises(RenderError, match="recipients"):
        eml._check_stdlib(eml._stdlib_bytes(p), p)  # before
    data = eml._write(p)
    eml._check(data, p)
    eml._check_stdlib(data, p)
    msg = email.message_from_bytes(data, policy=policy.default)
    assert [(a.display_name, a.addr_spec) for a in msg["To"].addresses] == [
        ("华东精密制造", long), ("Priya Raman", "a@b.example"), ("张伟", "zhangwei@hdjm.example")]
    assert list(msg.keys()) == list(eml.HEADERS)
    assert isinstance(to[0], Address)


# ----------------------------------------------------------------------------- refusals

def _plan_and_bytes():
    args = _args(SAMPLES / "deal-en_US.yaml", SAMPLES / "meeting-en_US.yaml")
    plan, _ = eml._plan(*args)
    return plan, eml._write(plan)


TAMPERED = {
    "an added Bcc": lambda d: d.replace(b"\r\nDate:", b"\r\nBcc: evil@attacker.example\r\nDate:", 1),
    "a changed recipient": lambda d: d.replace(b"priya.raman@", b"priya.rama@", 1),
    "a recipient more": lambda d: d.replace(b"Priya Raman <", b"E <evil@attacker.example>, Priya Raman <", 1),
    "a second To": lambda d: d.replace(b"\r\nDate:", b"\r\nTo: evil@attacker.example\r\nDate:", 1),
    "a changed sender": lambda d: d.replace(b"james.patel@northwind.example>", b"evil@attacker.example>", 1),
    "a changed subject": lambda d: d.replace(b"Gulf Logistics", b"Gulf  Logistics", 1),
    "a header line break inside the subject": lambda d: d.replace(b"Logistics Holding", b"Logistics\r\nHolding", 1),
    "an encoded word for the subject": lambda d: d.replace(b"Subject: Meeting", b"Subject: =?utf-8?q?Meet?=", 1),
    "a third part": lambda d: d.replace(b"\r\n\r\n--bidgen", b"\r\n\r\n--bidgen" + d.split(b"--bidgen", 2)[1].split(
        b"\r\n", 1)[0] + b"\r\nContent-Type: text/html\r\n\r\n<b>x</b>\r\n\r\n--bidgen", 1),
    "no closing boundary": lambda d: d[: d.rindex(b"--\r\n")] + b"\r\n",
    "another boundary": lambda d: d.replace(b'boundary="bidgen-', b'boundary="bidgen-0', 1),
    "headers reordered": lambda d: d.replace(b"X-Unsent: 1\r\nMIME-Version: 1.0", b"MIME-Version: 1.0\r\nX-Unsent: 1", 1),
    "a header less": lambda d: d.replace(b"X-Unsent: 1\r\n", b"", 1),
}


@pytest.mark.parametrize("how", sorted(TAMPERED))
def test_a_tampered_draft_is_refused_by_both_read_backs(how):
    plan, data = _plan_and_bytes()
    eml._check(data, plan)
    eml._check_stdlib(data, plan)
    bad = TAMPERED[how](data)
    assert bad != data
    with pytest.raises(RenderError):
        eml._check(bad, plan)
    with pytest.raises(RenderError):
        eml._check_stdlib(bad, plan)


@pytest.mark.parametrize("bad", [b"\n", b"\r", b"\t", b"\x00", b"\x7f", "é".encode()])
def test_a_header_block_of_anything_but_printable_crlf_lines_is_refused(bad):
    plan, data = _plan_and_bytes()
    with pytest.raises(RenderError, match="printable 7-bit text"):
        eml._check(data.replace(b"\r\nX-Unsent", bad + b"X-Unsent", 1), plan)


INSERTS = [b"\r\n", b"\n", b"\r", b" ", b",", b"<", b">", b'"', b"\\", b"=?", b"?=", b"@", b"(", b":", b"\t", b"\x00",
           b"\xe5", b"e@x.example", b"\r\nBcc: e@x.example", b"\r\n ", b"=?utf-8?b?5byg?=", b"=?utf-8?q?a=0Ab?="]


@settings(max_examples=500, deadline=None, derandomize=True)
@given(st.integers(0, 10_000), st.integers(0, 3), st.sampled_from(INSERTS))
def test_the_strict_read_back_never_accepts_what_the_standard_librarys_refuses(pos, cut, insert):
    plan, data = _plan_and_bytes()
    end = data.index(b"\r\n\r\n")
    pos %= end
    bad = data[:pos] + insert + data[pos + cut:]
    try:
        eml._check(bad, plan)
    except RenderError:
        return
    eml._check_stdlib(bad, plan)  # accepted by the strict read-back: the standard library's must agree


# ----------------------------------------------------------------------------- long CJK subjects

LONG_TOPICS = [
    "ABC ABC 华东精密 确认函 项目 年度 确认函 项目",
    "设备采购 年度 项目 - 第二轮 Q4 第二轮 2027 会谈 确认函 项目 第二轮 年度 华东精密",
    "2027 Q4 Q4 Q4 项目 年度 华东精密 ABC - 确认函 确认函",
]


@pytest.mark.parametrize("topic", LONG_TOPICS)
def test_a_long_subject_gives_a_draft_whose_subject_decodes_to_exactly_itself(tmp_path, topic):
    deal = json.loads((DATA / "deal-zh_CN.json").read_text(encoding="utf-8"))
    meeting = json.loads((DATA / "meeting-zh_CN.json").read_text(encoding="utf-8"))
    meeting["topic"] = topic
    files = {}
    for kind, value in (("deal", deal), ("meeting", meeting)):
        files[kind] = tmp_path / f"{kind}.json"
        files[kind].write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        d, m = load_deal(files["deal"]), load_meeting(files["meeting"])
    args = _args(files["deal"], files["meeting"])
    with pytest.raises(RenderError, match="subject"):
        eml.stdlib_draft(*args)  # before: the standard library's folding dropped a space, the draft was refused
    docs = render_memo(m, d, tmp_path / "out")
    draft = next(doc for doc in docs if doc.kind == "eml")
    for read in (policy.default, policy.compat32):
        msg = email.message_from_bytes(draft.data, policy=read)
        subject = msg["Subject"] if read is policy.default else str(email.header.make_header(
            email.header.decode_header(msg["Subject"])))
        assert subject == f"{topic}-华东精密制造股份有限公司-20261119"
    msg = email.message_from_bytes(draft.data, policy=policy.default)
    assert list(msg.keys()) == list(eml.HEADERS)
    assert [a.addr_spec for a in msg["To"].addresses] == ["zhangwei@hdjm.example"]
    assert all(len(line) <= 78 for line in draft.data.split(b"\r\n\r\n")[0].split(b"\r\n"))
