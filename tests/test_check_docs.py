"""Document and cross-document rules: rendered files read back, edited by hand, round-tripped."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path
from typing import Callable

import pytest
from conftest import example, needs_soffice
from helpers_docx import soffice_roundtrip
from lxml import etree

from bidgen.pipeline import make_proposal
from bidgen.checks import check_paths, draft_stamp, has_errors
from bidgen.inputs.load import load_deal, load_meeting, load_tender
from bidgen.docx.xmlsafe import bookmark_name

#: The rules whose failing tests live here (test_check_rules checks that every rule has one).
DOC_RULES = {
    "DOC-PLACEHOLDER", "DOC-HIDDEN", "DOC-TRACKED", "DOC-COMMENT", "DOC-REVISIONS", "DOC-TERM-CONFLICT",
    "DOC-TERM-VALUE", "DOC-TERM-MISSING", "DOC-DRAFT", "XDOC-TERM",
}

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The reference documents: zh proposal, bid and memo, and the en proposal."""
    from bidgen.documents.bid import make_bid
    from bidgen.documents.memo import make_memo

    out = tmp_path_factory.mktemp("docs")
    deal = load_deal(example("deal-zh_CN.yaml"))
    docs = {"proposal": make_proposal(deal, out / "zh").path}
    docs["bid"] = next(x.path for x in make_bid(deal, load_tender(example("tender-zh_CN.yaml")), out / "zh")
                       if x.path.suffix == ".docx")
    docs["memo"] = next(x.path for x in make_memo(load_meeting(example("meeting-zh_CN.yaml")), deal, out / "zh")
                        if x.path.suffix == ".docx")
    docs["en"] = make_proposal(load_deal(example("deal-en_US.yaml")), out / "en").path
    return docs


def inputs(*names: str) -> list[Path]:
    return [example(n) for n in (names or ("deal-zh_CN.yaml", "tender-zh_CN.yaml", "meeting-zh_CN.yaml"))]


def edit(src: Path, dst_dir: Path, fn: Callable[[etree._Element], None], name: str | None = None) -> Path:
    """Copy a .docx into ``dst_dir`` with its document.xml changed by ``fn``."""
    dst_dir.mkdir(parents=True, exist_ok=True)
    dst = dst_dir / (name or src.name)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                root = etree.fromstring(data)
                fn(root)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            zout.writestr(item, data)
    return dst


def _term_runs(root: etree._Element, key: str, n: int = 1) -> tuple[etree._Element, list[etree._Element]]:
    start = next(el for el in root.iter(w("bookmarkStart")) if el.get(w("name")) == bookmark_name(key, n))
    bid = start.get(w("id"))
    texts, inside = [], False
    for el in root.iter():
        if el is start:
            inside = True
        elif el.tag == w("bookmarkEnd") and el.get(w("id")) == bid:
            break
        elif inside and el.tag == w("t"):
            texts.append(el)
    return start, texts


def set_term(key: str, text: str, n: int = 1) -> Callable[[etree._Element], None]:
    def fn(root: etree._Element) -> None:
        _, texts = _term_runs(root, key, n)
        texts[0].text = text
        for t in texts[1:]:
            t.text = ""

    return fn


def rules_of(findings) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.rule for f in findings]


# --------------------------------------------------------------------------- clean


def test_reference_documents_and_inputs_check_clean(rendered: dict[str, Path]) -> None:
    folder = rendered["proposal"].parent
    findings = check_paths([*inputs(), example("deal-en_US.yaml"), folder, rendered["en"]])
    assert [f for f in findings if f.severity.value != "info"] == []


def test_documents_alone_check_clean(rendered: dict[str, Path]) -> None:
    assert check_paths([rendered["proposal"].parent]) == []


# --------------------------------------------------------------------------- cross-document


def test_hand_edited_total_in_the_bid(rendered: dict[str, Path], tmp_path: Path) -> None:
    bid = edit(rendered["bid"], tmp_path, set_term("total", "678,000.00", 2))
    findings = check_paths([*inputs(), rendered["proposal"], bid])
    assert has_errors(findings)
    xdoc = [f for f in findings if f.rule == "XDOC-TERM"]
    assert len(xdoc) == 1
    f = xdoc[0]
    assert f.where.file == str(bid) and "table 2, row 4, cell 2" in (f.where.path or "")
    assert "'678,000.00'" in f.message and "676,200.00" in f.message and rendered["proposal"].name in f.message
    labels = {v.label: v for v in f.values}
    assert labels[bid.name].value == "678,000.00" and labels["deal"].value == "676,200.00"
    assert labels[rendered["proposal"].name].where.file == str(rendered["proposal"])  # both places
    assert "DOC-TERM-CONFLICT" in rules_of(findings)  # two prices in one bid


def test_hand_edit_found_without_inputs(rendered: dict[str, Path], tmp_path: Path) -> None:
    bid = edit(rendered["bid"], tmp_path, set_term("delivery_days", "45", 1))
    findings = check_paths([rendered["proposal"], rendered["memo"], bid])
    f = next(f for f in findings if f.rule == "XDOC-TERM")
    assert "'45'" in f.message and rendered["proposal"].name in f.message
    assert {v.label for v in f.values} == {bid.name, rendered["proposal"].name}


def test_memo_with_a_different_price(rendered: dict[str, Path], tmp_path: Path) -> None:
    from bidgen.documents.memo import make_memo

    meeting = load_meeting(Path(__file__).parent / "data" / "check" / "meeting-price-drift.yaml")
    memo = next(x.path for x in make_memo(meeting, load_deal(example("deal-zh_CN.yaml")), tmp_path)
                if x.path.suffix == ".docx")
    findings = check_paths([rendered["proposal"], rendered["bid"], memo])
    f = next(f for f in findings if f.rule == "XDOC-TERM" and "agreed price" in f.message)
    assert "678,000.00" in f.message and "676,200.00" in f.message


def test_words_for_the_wrong_amount_in_a_document(rendered: dict[str, Path], tmp_path: Path) -> None:
    doc = edit(rendered["proposal"], tmp_path, set_term("total_words", "人民币陆拾柒万捌仟元整"))
    findings = check_paths([*inputs("deal-zh_CN.yaml"), doc])
    f = next(f for f in findings if f.rule == "WORDS-MATCH")
    assert f.where.file == str(doc) and "term total_words" in (f.where.path or "")
    assert "678,000.00 CNY" in f.message and "676,200.00 CNY" in f.message


def test_milestones_in_a_document(rendered: dict[str, Path], tmp_path: Path) -> None:
    doc = edit(rendered["proposal"], tmp_path, set_term("milestone.1.amount", "202,000.00"))
    assert {"ARITH-MILESTONES", "XDOC-TERM"} <= set(rules_of(check_paths([example("deal-zh_CN.yaml"), doc])))
    doc = edit(rendered["proposal"], tmp_path / "p", set_term("milestone.1.percent", "25%"))
    assert "PAY-SUM-100" in rules_of(check_paths([doc]))


def test_pricing_table_line_edited(rendered: dict[str, Path], tmp_path: Path) -> None:
    def fn(root: etree._Element) -> None:
        t = next(t for t in root.iter(w("t")) if t.text == "456,000.00")
        t.text = "465,000.00"

    doc = edit(rendered["proposal"], tmp_path, fn)
    msgs = {f.rule: f.message for f in check_paths([doc])}
    assert "ARITH-LINE" in msgs and "产线监控主机" in msgs["ARITH-LINE"] and "456,000.00" in msgs["ARITH-LINE"]
    assert "ARITH-SUBTOTAL" in msgs  # the total no longer equals the lines


# --------------------------------------------------------------------------- single document


def _mark(kind: str) -> Callable[[etree._Element], None]:
    def fn(root: etree._Element) -> None:
        start, texts = _term_runs(root, "total")
        run = texts[0].getparent()
        if kind == "hidden":
            rpr = run.find(w("rPr"))
            if rpr is None:
                rpr = etree.SubElement(run, w("rPr"))
                run.insert(0, rpr)
            etree.SubElement(rpr, w("vanish"))
        elif kind == "tracked":
            ins = etree.Element(w("ins"), {w("id"): "901", w("author"): "x", w("date"): "2026-11-21T00:00:00Z"})
            run.addprevious(ins)
            ins.append(run)
        elif kind == "comment":
            start.addprevious(etree.Element(w("commentRangeStart"), {w("id"): "5"}))
            run.addnext(etree.Element(w("commentRangeEnd"), {w("id"): "5"}))
        elif kind == "elsewhere":
            para = next(root.iter(w("p")))
            para.insert(0, etree.Element(w("commentRangeStart"), {w("id"): "6"}))
            para.append(etree.Element(w("commentRangeEnd"), {w("id"): "6"}))
            para.append(etree.Element(w("ins"), {w("id"): "902", w("author"): "x"}))

    return fn


@pytest.mark.parametrize(("kind", "rule_id"), [("hidden", "DOC-HIDDEN"), ("tracked", "DOC-TRACKED"),
                                               ("comment", "DOC-COMMENT"), ("elsewhere", "DOC-REVISIONS")])
def test_marks_on_terms(rendered: dict[str, Path], tmp_path: Path, kind: str, rule_id: str) -> None:
    doc = edit(rendered["proposal"], tmp_path, _mark(kind))
    findings = [f for f in check_paths([doc]) if f.rule == rule_id]
    assert len(findings) == 1 and doc.name in findings[0].message


@pytest.mark.parametrize(
    ("fn", "fragment"),
    [
        (set_term("delivery_days", "XXX"), "'XXX'"),
        (set_term("total", ""), "total in"),
        (set_term("valid_until", "{{ terms.valid_until }}"), "'{{'"),
        (set_term("warranty_months", "TBD"), "'TBD'"),
    ],
)
def test_placeholders(rendered: dict[str, Path], tmp_path: Path, fn: Callable, fragment: str) -> None:
    doc = edit(rendered["proposal"], tmp_path, fn)
    found = [f for f in check_paths([doc]) if f.rule == "DOC-PLACEHOLDER"]
    assert found and fragment in found[0].message, [f.message for f in found]


def test_empty_amount_cell(rendered: dict[str, Path], tmp_path: Path) -> None:
    def fn(root: etree._Element) -> None:
        next(t for t in root.iter(w("t")) if t.text == "102,000.00").text = ""

    found = [f for f in check_paths([edit(rendered["proposal"], tmp_path, fn)]) if f.rule == "DOC-PLACEHOLDER"]
    assert found and "empty" in found[0].message and "table 4, row 3, cell 7" in (found[0].where.path or "")


def test_unreadable_and_missing_terms(rendered: dict[str, Path], tmp_path: Path) -> None:
    doc = edit(rendered["proposal"], tmp_path, set_term("total", "abc"))
    f = next(f for f in check_paths([doc]) if f.rule == "DOC-TERM-VALUE")
    assert "'abc'" in f.message and "not an amount" in f.message

    def drop(root: etree._Element) -> None:
        for el in list(root.iter(w("bookmarkStart"), w("bookmarkEnd"))):
            el.getparent().remove(el)

    doc = edit(rendered["proposal"], tmp_path / "drop", drop)
    missing = [f.message for f in check_paths([doc]) if f.rule == "DOC-TERM-MISSING"]
    assert len(missing) == 2 and "no marked total" in missing[0]


def test_draft_stamp_is_reported(tmp_path: Path) -> None:
    deal = load_deal(example("deal-zh_CN.yaml"))
    doc = make_proposal(deal, tmp_path, draft=draft_stamp("zh_CN")).path
    f = next(f for f in check_paths([doc]) if f.rule == "DOC-DRAFT")
    assert "草稿 – 未通过检查" in f.message and f.severity.value == "warning"


def test_draft_stamp_texts() -> None:
    assert draft_stamp("en_US") == "DRAFT – failed checks"
    assert draft_stamp("zh_CN") == "草稿 – 未通过检查"
    assert draft_stamp("zh-Hant-TW") == "草稿 – 未通過檢查"


def test_unlinked_document_is_reported_as_info(rendered: dict[str, Path], tmp_path: Path) -> None:
    other = tmp_path / "Proposal_ZZ999_v20261120.docx"
    shutil.copy(rendered["proposal"], other)
    findings = check_paths([example("deal-en_US.yaml"), other])
    assert [f.rule for f in findings] == ["LINK-DEAL"] and "ZZ999" in findings[0].message


# --------------------------------------------------------------------------- LibreOffice round trip


@needs_soffice
def test_libreoffice_round_trip_with_an_edit(rendered: dict[str, Path], tmp_path: Path) -> None:
    edited = edit(rendered["proposal"], tmp_path / "edit", set_term("total", "686,200.00"))
    saved = soffice_roundtrip(edited, tmp_path / "lo")
    findings = check_paths([example("deal-zh_CN.yaml"), saved])
    f = next(f for f in findings if f.rule == "XDOC-TERM" and "total" in f.message)
    assert "686,200.00" in f.message and "676,200.00" in f.message
    clean = soffice_roundtrip(rendered["en"], tmp_path / "lo2")
    assert [x for x in check_paths([example("deal-en_US.yaml"), clean]) if x.severity.value != "info"] == []


# --------------------------------------------------------------------------- other locales


def test_documents_in_other_locales_check_clean(tmp_path: Path) -> None:
    zh = load_deal(example("deal-zh_CN.yaml"))
    en = load_deal(example("deal-en_US.yaml"))
    docs = [make_proposal(zh, tmp_path / "tw", locale="zh_TW").path,
            make_proposal(en, tmp_path / "de", locale="de_DE").path]
    findings = check_paths([example("deal-zh_CN.yaml"), example("deal-en_US.yaml"), *docs])
    assert findings == []
    edited = edit(docs[1], tmp_path / "edit", set_term("total", "156.949,00"))
    f = next(f for f in check_paths([example("deal-en_US.yaml"), edited]) if f.rule == "XDOC-TERM")
    assert "'156.949,00'" in f.message and "156,849.00" in f.message


def test_term_values_are_read_in_their_format() -> None:
    import datetime as dt
    from decimal import Decimal

    from bidgen.checks.termvalues import canonical, detect_decimal, kind_of, parse_date, parse_number

    assert parse_date("2027年2月18日") == dt.date(2027, 2, 18)
    assert parse_date("January 17, 2027") == dt.date(2027, 1, 17)
    assert parse_date("17. Januar 2027") == dt.date(2027, 1, 17)
    assert parse_date("17 janvier 2027") == dt.date(2027, 1, 17)
    assert parse_date("2027-01-17") == dt.date(2027, 1, 17)
    assert parse_date("soon") is None
    assert parse_number("¥676,200.00", "zh_CN") == Decimal("676200.00")
    assert parse_number("156.849,00", "en_US", ",") == Decimal("156849.00")
    assert parse_number("1 and 2", "en_US") is None
    assert detect_decimal(["156.849,00", "62.739,60"], "en_US") == ","
    assert detect_decimal(["676,200.00"], "de_DE") == "."
    assert canonical("agreed.price") == "total" and canonical("agreed.milestone.2.amount") == "milestone.2.amount"
    assert [kind_of(k) for k in ("total", "bid_bond_words", "milestone.1.percent", "delivery_days", "valid_until",
                                 "tender_ref")] == ["money", "words", "percent", "count", "date", "text"]
