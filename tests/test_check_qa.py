"""Regressions found by QA with a tired salesperson's edits: each one caught once, in plain words."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import example
from lxml import etree
from test_check_docs import edit, set_term, w
from test_check_rules import _models, _set, _words

from bidgen.checks import check_inputs, check_paths, default_policy
from bidgen.errors import InputError
from bidgen.inputs.load import load_deal, load_tender


@pytest.fixture(scope="module")
def bid(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference zh_CN bid, rendered once."""
    from bidgen.documents.bid import make_bid

    out = tmp_path_factory.mktemp("bid")
    deal = load_deal(example("deal-zh_CN.yaml"))
    return next(x.path for x in make_bid(deal, load_tender(example("tender-zh_CN.yaml")), out)
                if x.path.suffix == ".docx")


def _by_rule(findings: list[Any], rule: str) -> list[Any]:
    return [f for f in findings if f.rule == rule]


def test_one_edited_figure_is_one_words_finding_where_it_was_edited(bid: Path, tmp_path: Path) -> None:
    # the tender letter's total edited; the words beside it, and the same total stated elsewhere, are right
    doc = edit(bid, tmp_path, set_term("total", "676,800.00", 1))
    findings = check_paths([doc])
    match = _by_rule(findings, "WORDS-MATCH")
    assert len(match) == 1, [str(f) for f in match]
    f = match[0]
    assert f.where.path == "paragraph 19, term total_words"
    figures = next(v for v in f.values if v.label == "figures")
    assert figures.value == "676,800.00 CNY" and figures.where.path == "paragraph 19, term total"
    assert "evaluators" in f.message  # a bid: the words prevail at evaluation
    assert _by_rule(findings, "DOC-TERM-CONFLICT")


def _drop_marks(key: str):  # type: ignore[no-untyped-def]
    def fn(root: etree._Element) -> None:
        names = {f"bg_{key}_{n}" for n in range(1, 10)}
        starts = [el for el in root.iter(w("bookmarkStart")) if el.get(w("name")) in names]
        ids = {el.get(w("id")) for el in starts}
        for el in [*starts, *(e for e in root.iter(w("bookmarkEnd")) if e.get(w("id")) in ids)]:
            el.getparent().remove(el)
        first = next(t for t in root.iter(w("t")) if t.text == "676,200.00")
        first.text = "676,800.00"

    return fn


def test_figures_whose_mark_was_deleted_are_still_compared_with_their_words(bid: Path, tmp_path: Path) -> None:
    doc = edit(bid, tmp_path, _drop_marks("total"))
    findings = check_paths([doc])
    match = _by_rule(findings, "WORDS-MATCH")
    assert len(match) == 1, [str(f) for f in findings]
    figures = next(v for v in match[0].values if v.label == "figures")
    assert figures.value == "676,800.00 CNY" and "paragraph 19 (figures not marked)" in (figures.where.path or "")
    assert _by_rule(findings, "DOC-TERM-MISSING")  # and the deleted mark is still reported


def test_a_memo_words_mismatch_does_not_talk_about_a_bid(tmp_path: Path) -> None:
    from bidgen.documents.memo import make_memo
    from bidgen.inputs.load import load_meeting

    memo = next(x.path for x in make_memo(load_meeting(example("meeting-zh_CN.yaml")),
                                          load_deal(example("deal-zh_CN.yaml")), tmp_path / "m")
                if x.path.suffix == ".docx")
    doc = edit(memo, tmp_path, set_term("agreed.price_words", "人民币陆拾柒万捌仟元整"))
    f = _by_rule(check_paths([doc]), "WORDS-MATCH")[0]
    assert f.message.startswith("The agreed price in words in ")  # not 'agreed.price'
    assert "bid" not in f.message


def test_a_workbook_renamed_docx_is_unusable_input(tmp_path: Path) -> None:
    fake = tmp_path / "Bid_CN203_v20261120.docx"
    with zipfile.ZipFile(fake, "w") as z:
        z.writestr("[Content_Types].xml", '<Types><Override ContentType="application/vnd.openxmlformats-'
                                          'officedocument.spreadsheetml.sheet.main+xml"/></Types>')
        z.writestr("_rels/.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                                  'relationships"><Relationship Id="r" Type="http://schemas.openxmlformats.org/'
                                  'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
                                  '</Relationships>')
        z.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(InputError) as exc:
        check_paths([fake])
    assert "Excel workbook" in str(exc.value) and str(fake) in str(exc.value)


def test_forbidden_characters_are_listed_once() -> None:
    [message] = _words("人民币六十七万六千二百元整")
    assert message.count("not allowed") == 1
    assert "'六', '十', '七', '千', '二', '百'" in message and "[forbidden_char]" in message


def test_memo_term_drift_names_the_term_in_plain_words() -> None:
    deal, tender, meeting = _models("zh_CN", meeting_fn=_set("agreed.delivery_days", 25))
    f = next(f for f in check_inputs(deal, tender=tender, meeting=meeting, policy=default_policy())
             if f.rule == "MEMO-TERMS-DRIFT")
    assert "restates the delivery period as 25 days" in f.message and "30 days" in f.message


def test_edited_validity_date_is_named_as_such(tmp_path: Path) -> None:
    from bidgen.pipeline import make_proposal

    prop = make_proposal(load_deal(example("deal-zh_CN.yaml")), tmp_path / "p").path
    doc = edit(prop, tmp_path, set_term("valid_until", "2027年3月18日"))
    f = _by_rule(check_paths([example("deal-zh_CN.yaml"), doc]), "XDOC-TERM")[0]
    assert f.message.startswith("The validity date in ") and "2027年2月18日" in f.message
