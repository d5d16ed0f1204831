"""Issue 9, kind 8: property-based — hostile strings in the text fields of a deal, a meeting and a
tender, through every document kind.

The only exceptions allowed are BidgenErrors (located in an input file); every XML part of every
output parses strictly; every .eml parses back with exactly the expected headers; the figures agree
across documents.
"""

from __future__ import annotations

import email
import io
import json
import warnings
import zipfile
from email import policy
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from bidgen.docx.readback import read_docx
from bidgen.errors import BidgenError
from bidgen.inputs.load import load_deal, load_meeting, load_tender
from bidgen.pipeline import render_all

DATA = Path(__file__).parent / "data"

#: Keys whose values are codes, dates, enumerations or references, not free text.
STRUCTURAL = {"id", "locale", "currency", "issue_date", "valid_until", "code", "country", "role", "attitude", "email",
              "mode", "kind", "deviation", "deal", "date", "deadline", "level", "due", "credit_code", "phone", "ref",
              "next_contact"}
STRUCTURAL_LISTS = {"clauses", "fab", "narrative"}

FRAGMENTS = [
    "<w:t>x</w:t></w:r></w:p><w:p>", "]]>", "&amp;&lt;", "<!DOCTYPE x [<!ENTITY a 'b'>]>", "&a;",
    "{{ 7*7 }}", "{% for i in range(10) %}x{% endfor %}", "{{ ''.__class__ }}", "{%p if 1 %}", "{_{",
    "\x00", "\x07", "\x0b", "\x1b[31m", "\x7f", "\x85", "\x9f", "\ud800", "\udfff", "\ufffe", "\uffff",
    "\u202e", "\u2066", "\u200f", "\u2028", "\u2029", "\ufeff",
    "\r\nBcc: evil@attacker.example", "\n", "\r", "\t", "  ",
    "A" * 5000, "长" * 3000, "😀" * 50, "\u0301" * 20,
]

ENCODED_WORDS = ["=?utf-8?q?x=0D=0ABcc:_e@x.example?=", "=?UTF-8?B?DQpCY2M6IGVAeC5leGFtcGxl?=", "a=?gb2312?Q?=0A?=b"]

#: A hostile value with something visible in it (a blank value is a plain "must not be empty" error).
hostile = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40)), min_size=1, max_size=4).map(
    lambda parts: "x" + "".join(parts))


def _text_paths(data: object, path: tuple = ()) -> list[tuple]:
    out: list[tuple] = []
    if isinstance(data, str):
        last = next((p for p in reversed(path) if isinstance(p, str)), "")
        if last not in STRUCTURAL and not (path and path[0] in STRUCTURAL_LISTS):
            out.append(path)
    elif isinstance(data, dict):
        for k, v in data.items():
            out += _text_paths(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _text_paths(v, (*path, i))
    return out


def _set(data: dict, path: tuple, value: str) -> None:
    for p in path[:-1]:
        data = data[p]
    data[path[-1]] = value


BASE = {k: json.loads((DATA / f"{k}-zh_CN.json").read_text(encoding="utf-8")) for k in ("deal", "meeting", "tender")}
PATHS = {k: _text_paths(v) for k, v in BASE.items()}
EXPECTED = ["Subject", "From", "To", "Date", "Message-ID", "X-Unsent", "MIME-Version", "Content-Type"]
STRICT = etree.XMLParser(recover=False, resolve_entities=False, no_network=True)


@st.composite
def inputs(draw):
    out = {}
    for kind, base in BASE.items():
        data = json.loads(json.dumps(base))
        for path in PATHS[kind]:
            if draw(st.booleans()):
                _set(data, path, draw(hostile))
        out[kind] = data
    return out


def _parts_parse_strictly(data: bytes, label: str) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(zf.read(name), STRICT)  # raises on anything malformed


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture])
@given(inputs())
def test_hostile_text_in_every_field_never_breaks_any_document(tmp_path, data):
    files = {}
    for kind, value in data.items():
        files[kind] = tmp_path / f"{kind}.json"
        files[kind].write_text(json.dumps(value, ensure_ascii=True), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            deal = load_deal(files["deal"])
            meeting = load_meeting(files["meeting"])
            tender = load_tender(files["tender"])
            docs = render_all(deal, tmp_path / "out", tender=tender, tender_file=files["tender"], meeting=meeting,
                              meeting_file=files["meeting"], split=True, deal_file=files["deal"])
        except BidgenError as exc:
            line = exc.lines()[0]
            assert any(line.startswith(str(f)) for f in files.values()) or exc.where.file, line
            return
    kinds = {d.kind for d in docs}
    assert {"proposal", "bid", "memo", "eml", "brief"} <= kinds
    texts = {}
    for doc in docs:
        if doc.kind == "eml":
            msg = email.message_from_bytes(doc.data, policy=policy.default)
            assert list(msg.keys()) == EXPECTED
            assert [a.addr_spec for a in msg["To"].addresses] == ["zhangwei@hdjm.example"]
            assert [a.addr_spec for a in msg["From"].addresses] == ["lina@yunqi.example"]
            assert len(list(msg.iter_parts())) == 2
            continue
        _parts_parse_strictly(doc.data, doc.path.name)
        texts[doc.kind] = read_docx(doc.data)
    totals = {k: {h.value for h in t.terms.get("total", [])} for k, t in texts.items() if t.terms.get("total")}
    assert totals["proposal"] and totals["bid"] == totals["proposal"]


@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.sampled_from(sorted(BASE)), st.data())
def test_an_encoded_word_in_any_text_field_is_a_located_input_error(tmp_path, kind, data):
    value = json.loads(json.dumps(BASE[kind]))
    path = data.draw(st.sampled_from(PATHS[kind]))
    _set(value, path, data.draw(st.sampled_from(ENCODED_WORDS)))
    file = tmp_path / f"{kind}.json"
    file.write_text(json.dumps(value, ensure_ascii=True), encoding="utf-8")
    loader = {"deal": load_deal, "meeting": load_meeting, "tender": load_tender}[kind]
    try:
        loader(file)
    except BidgenError as exc:
        assert exc.lines()[0].startswith(f"{file}:") and "encoded word" in exc.lines()[0]
    else:
        raise AssertionError(f"{path} took an encoded word")
