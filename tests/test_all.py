"""`bidgen all`: every document of a deal, and every figure agreeing across them."""

from __future__ import annotations

import pytest
from conftest import example

from bidgen.pipeline import make_all
from bidgen.inputs.load import load_deal, load_meeting, load_tender
from bidgen.docx.readback import read_docx
from bidgen.errors import InputError

CASES = {
    "zh_CN": ("deal-zh_CN.yaml", "tender-zh_CN.yaml", "meeting-zh_CN.yaml"),
    "en_US": ("deal-en_US.yaml", "tender-en_US.yaml", "meeting-en_US.yaml"),
}


@pytest.fixture(scope="module", params=sorted(CASES))
def documents(request, tmp_path_factory):
    deal_f, tender_f, meeting_f = CASES[request.param]
    out = tmp_path_factory.mktemp(request.param)
    written = make_all(load_deal(example(deal_f)), out, tender=load_tender(example(tender_f)),
                       meeting=load_meeting(example(meeting_f)))
    return {w.kind: w.path for w in written}


def _values(path, key):
    return {hit.value for hit in read_docx(path).terms.get(key, [])}


def test_every_document_is_written(documents):
    assert set(documents) == {"proposal", "bid", "memo", "eml", "brief"}


def test_totals_agree_across_documents(documents):
    proposal_total = _values(documents["proposal"], "total")
    assert len(proposal_total) == 1
    assert _values(documents["bid"], "total") == proposal_total
    assert _values(documents["memo"], "agreed.price") == proposal_total
    words = _values(documents["proposal"], "total_words")
    assert _values(documents["bid"], "total_words") == words
    assert _values(documents["memo"], "agreed.price_words") == words


def test_terms_agree_across_documents(documents):
    p = documents["proposal"]
    for key in ("delivery_days", "warranty_months"):
        assert _values(documents["bid"], key) == _values(p, key)
    assert _values(documents["memo"], "agreed.delivery_days") == _values(p, "delivery_days")
    for n in (1, 2):
        assert _values(documents["memo"], f"agreed.milestone.{n}.amount") == _values(p, f"milestone.{n}.amount")


def test_meeting_of_another_deal_is_refused(tmp_path):
    deal = load_deal(example("deal-en_US.yaml"))
    meeting = load_meeting(example("meeting-zh_CN.yaml"))
    with pytest.raises(InputError, match="D-2026-0042"):
        make_all(deal, tmp_path, meeting=meeting, meeting_file=example("meeting-zh_CN.yaml"))
    assert not list(tmp_path.iterdir())
