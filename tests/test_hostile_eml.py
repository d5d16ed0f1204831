"""Issue 9, kind 1: no value of any input file can add, remove or change a header, a recipient or a
MIME part of the memo's e-mail draft; kind 2 for the e-mail (unprintable characters)."""

from __future__ import annotations

import email
import json
import warnings
from email import policy
from pathlib import Path

import pytest

from bidgen.errors import BidgenError
from bidgen.inputs.load import load_deal, load_meeting
from bidgen.limits import strip_unprintable
from bidgen.pipeline import render_all

DATA = Path(__file__).parent / "data"

HOSTILE = [
    "Acme\r\nBcc: evil@attacker.example",
    "Acme\nBcc: evil@attacker.example",
    "Acme\rBcc: evil@attacker.example",
    "Acme\r\n\r\n--boundary\r\nContent-Type: text/html\r\n\r\n<b>x</b>",
    "=?utf-8?q?Acme=0D=0ABcc:_evil@attacker.example?=",
    "=?UTF-8?B?QWNtZQ0KQmNjOiBldmlsQGF0dGFja2VyLmV4YW1wbGU=?=",
    "x =?utf-8?q?=0A?= y",
    "Acme\x00\x0bBcc:\x1f evil@attacker.example",
    "Acme\x85Bcc: evil@attacker.example",
    "Acme\u2028Bcc: evil@attacker.example\u2029",
    "Acme\ud800 Holdings",
    '"Acme" <evil@attacker.example>, other@attacker.example',
    "Acme, Bcc: evil@attacker.example;",
    "Acme\t\tHoldings\v",
    "‮evil@attacker.example‬",
    "<script>alert(1)</script> {{ 7*7 }}",
    "A" * 2000,
]

EXPECTED = ["Subject", "From", "To", "Date", "Message-ID", "X-Unsent", "MIME-Version", "Content-Type"]


def _write(tmp_path: Path, name: str, data: dict) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=True), encoding="utf-8")
    return path


def _draft(tmp_path: Path, deal: dict, meeting: dict):
    deal_f = _write(tmp_path, "deal.json", deal)
    meeting_f = _write(tmp_path, "meeting.json", meeting)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            d = load_deal(deal_f)
            m = load_meeting(meeting_f)
            docs = render_all(d, tmp_path / "out", meeting=m, meeting_file=meeting_f, deal_file=deal_f)
        except BidgenError as exc:
            line = exc.lines()[0]
            assert line.startswith((str(deal_f), str(meeting_f))) and line.count(": ") >= 2, line
            return None
    eml = next(doc for doc in docs if doc.kind == "eml")
    return d, email.message_from_bytes(eml.data, policy=policy.default)


def _base():
    deal = json.loads((DATA / "deal-zh_CN.json").read_text(encoding="utf-8"))
    meeting = json.loads((DATA / "meeting-zh_CN.json").read_text(encoding="utf-8"))
    return deal, meeting


PLACES = {
    "topic": lambda d, m, v: m.__setitem__("topic", v),
    "client.name": lambda d, m, v: d["client"].__setitem__("name", v),
    "client.contacts[0].name": lambda d, m, v: (d["client"]["contacts"][0].__setitem__("name", v),
                                                m["attendees"]["client"][0].__setitem__("name", v)),
    "seller.contact.name": lambda d, m, v: d["seller"]["contact"].__setitem__("name", v),
    "client.contacts[0].email": lambda d, m, v: d["client"]["contacts"][0].__setitem__("email", v),
    "attendees.client[1].email": lambda d, m, v: m["attendees"]["client"][1].__setitem__("email", v),
    "seller.contact.email": lambda d, m, v: d["seller"]["contact"].__setitem__("email", v),
}


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
@pytest.mark.parametrize("place", sorted(PLACES))
def test_a_hostile_value_never_changes_the_drafts_headers_or_recipients(tmp_path, place, value):
    deal, meeting = _base()
    PLACES[place](deal, meeting, value)
    result = _draft(tmp_path, deal, meeting)
    if result is None:
        return  # a located input error: nothing written, nothing hijacked
    d, msg = result
    assert list(msg.keys()) == EXPECTED
    # recipients only from the validated addresses of the deal and meeting
    valid = {c.email for c in d.client.contacts if c.email}
    got = [a.addr_spec for a in msg["To"].addresses]
    # a value that is an address once the reader removed its bidi overrides (QA2 Q12, with a
    # warning) is that address, as the input spells it; nothing else of a hostile value is a recipient
    spelled = strip_unprintable(value)
    assert got and set(got) <= valid | {"chenjing@hdjm.example"} | {value, spelled}
    assert all("attacker" not in a for a in got if a != spelled or "email" not in place)
    assert [a.addr_spec for a in msg["From"].addresses] == [d.seller.contact.email]
    for name in EXPECTED:
        text = str(msg[name])
        assert "\r" not in text and "\n" not in text
    assert msg["Bcc"] is None and msg["Cc"] is None
    parts = list(msg.iter_parts())
    assert [p.get_content_type() for p in parts] == [
        "text/plain", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"]
    assert msg["Subject"].endswith("-20261119")


def test_an_encoded_word_in_a_name_is_a_located_error(tmp_path):
    deal, meeting = _base()
    meeting["topic"] = "=?utf-8?q?hi=0D=0ABcc:_evil@attacker.example?="
    path = _write(tmp_path, "meeting.json", meeting)
    with pytest.raises(BidgenError) as info:
        load_meeting(path)
    assert info.value.lines()[0].startswith(f"{path}:") and "topic" in info.value.lines()[0]
    assert "encoded word" in info.value.lines()[0]


def test_line_breaks_in_a_client_name_stay_in_the_subject_as_spaces(tmp_path):
    deal, meeting = _base()
    deal["client"]["name"] = "华东\r\nBcc: evil@attacker.example"
    _d, msg = _draft(tmp_path, deal, meeting)
    assert msg["Subject"] == "会谈确认函-华东 Bcc: evil@attacker.example-20261119"
    assert list(msg.keys()) == EXPECTED


def test_control_characters_are_removed_with_one_warning_naming_file_and_key(tmp_path):
    deal, meeting = _base()
    deal["client"]["name"] = "华东\x00精密\x1b[31m"
    deal["items"][0]["description"] = "bad\ud800 text"
    path = _write(tmp_path, "deal.json", deal)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        d = load_deal(path)
    assert d.client.name == "华东精密[31m" and d.items[0].description == "bad text"
    mine = [str(w.message) for w in caught if "control characters" in str(w.message)]
    assert len(mine) == 1
    assert mine[0].startswith(str(path)) and "client.name" in mine[0] and "items[0].description" in mine[0]
