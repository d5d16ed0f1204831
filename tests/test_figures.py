"""Every figure a client sees is traced (FIG-*): amounts and percentages in the text of client documents.

Documents are rendered from the samples in several locales and must check clean; then a figure is
edited by hand (python-docx) in a sentence, a table cell, a header, or saved through LibreOffice, and
the edit must be reported with its document, its place and its text.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from conftest import example, needs_soffice
from helpers_docx import soffice_roundtrip

from bidgen.checks import check_paths
from bidgen.checks.figures import read_figures, tax_wording
from bidgen.inputs.load import load_deal, load_meeting, load_tender
from bidgen.pipeline import make_all

INPUTS = {base: [example(f"{kind}-{base}.yaml") for kind in ("deal", "tender", "meeting")]
          for base in ("en_US", "zh_CN")}


def _render(base: str, out: Path, locale: str | None = None) -> Path:
    deal_file, tender_file, meeting_file = INPUTS[base]
    make_all(load_deal(deal_file), out, tender=load_tender(tender_file), meeting=load_meeting(meeting_file),
             locale=locale)
    return out


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("figures")
    return {
        "en_US": _render("en_US", root / "en"),
        "zh_CN": _render("zh_CN", root / "zh"),
        "zh_TW": _render("zh_CN", root / "tw", "zh_TW"),
        "fr_FR": _render("en_US", root / "fr", "fr_FR"),
        "de_DE": _render("en_US", root / "de", "de_DE"),
    }


def _base(key: str) -> str:
    return "zh_CN" if key in ("zh_CN", "zh_TW") else "en_US"


def _fig(findings):  # type: ignore[no-untyped-def]
    return [f for f in findings if f.rule.startswith("FIG-")]


def _copy(folder: Path, dest: Path, prefix: str) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    src = next(folder.glob(f"{prefix}_*.docx"))
    return Path(shutil.copy(src, dest / src.name))


def _edit(path: Path, old: str, new: str, *, where: str = "body") -> Path:
    """Replace ``old`` by ``new`` in the first paragraph (body, table cell or header) that holds it, the way
    a person types over a figure: the paragraph's runs are merged into one."""
    d = docx.Document(str(path))
    paragraphs = list(d.paragraphs)
    for table in d.tables:
        for row in table.rows:
            for cell in row.cells:
                paragraphs.extend(cell.paragraphs)
    if where == "header":
        paragraphs = [p for s in d.sections for p in s.header.paragraphs]
    for p in paragraphs:
        if old in p.text:
            text = p.text.replace(old, new, 1)
            for run in p.runs[1:]:
                run._r.getparent().remove(run._r)
            if p.runs:
                p.runs[0].text = text
            else:
                p.add_run(text)
            d.save(str(path))
            return path
    raise AssertionError(f"{old!r} not found in {path.name}")


# --------------------------------------------------------------------------- clean documents


@pytest.mark.parametrize("key", ["en_US", "zh_CN", "zh_TW", "fr_FR", "de_DE"])
def test_sample_documents_check_clean(rendered, key):
    findings = check_paths([rendered[key], *INPUTS[_base(key)]])
    assert [str(f) for f in findings if f.severity.value != "info"] == []


def test_every_amount_of_the_proposal_is_read(rendered):
    """The reader does see the figures (a check that reads nothing would pass too)."""
    doc = docx.Document(str(next(rendered["de_DE"].glob("Proposal_*.docx"))))
    summary = next(p.text for p in doc.paragraphs if "total investment" in p.text)
    figs = read_figures(summary, ",", 2)
    assert [(f.kind, str(f.value)) for f in figs] == [("money", "156849.00"), ("percent", "5"),
                                                      ("money", "149380.00")]


# --------------------------------------------------------------------------- hand edits


@pytest.mark.parametrize(("key", "old", "new"), [
    ("en_US", "USD 156,849.00 (including", "USD 165,849.00 (including"),
    ("zh_CN", "人民币 676,200.00 元（含", "人民币 676,300.00 元（含"),
    ("zh_TW", "人民幣 676,200.00 元（含", "人民幣 667,200.00 元（含"),
    ("fr_FR", "156\u202f849,00 (including", "165\u202f849,00 (including"),
])
def test_a_figure_typed_over_in_the_summary_is_caught(rendered, tmp_path, key, old, new):
    doc = _edit(_copy(rendered[key], tmp_path, "Proposal"), old, new)
    findings = _fig(check_paths([doc, *INPUTS[_base(key)]]))
    assert [f.rule for f in findings] == ["FIG-UNTRACED"], [str(f) for f in findings]
    f = findings[0]
    typed = new.split(" ")[1] if key != "fr_FR" else new.split(" (")[0]
    assert f.where.file == str(doc) and f.where.path.startswith("paragraph ")
    assert typed in f.message and f.severity.value == "error"
    assert "the nearest is the total" in f.message  # says which figure it probably was


def test_the_old_summary_wording_is_caught(rendered, tmp_path):
    """'USD 156,849.00 (plus 5% tax)': a tax-included total stated as if tax came on top."""
    doc = _edit(_copy(rendered["en_US"], tmp_path, "Proposal"),
                "(including 5% tax; USD 149,380.00 before tax)", "(plus 5% tax)")
    findings = _fig(check_paths([doc, *INPUTS["en_US"]]))
    assert [f.rule for f in findings] == ["FIG-TAX-WORDING"]
    assert "156,849.00 is the total" in findings[0].message and "plus 5% tax" in findings[0].message


def test_a_price_before_tax_called_tax_included_is_caught(rendered, tmp_path):
    doc = _edit(_copy(rendered["zh_CN"], tmp_path, "Proposal"), "合计（含税）", "合计（不含税）")
    findings = _fig(check_paths([doc, *INPUTS["zh_CN"]]))
    assert [f.rule for f in findings] == ["FIG-TAX-WORDING"], [str(f) for f in findings]
    assert findings[0].where.path.startswith("table ")


def test_a_table_cell_and_a_header_are_read(rendered, tmp_path):
    doc = _copy(rendered["en_US"], tmp_path, "Memo")
    _edit(doc, "62,739.60", "62,793.60")
    _edit(doc, "Meeting Confirmation", "Meeting Confirmation · USD 150,000.00", where="header")
    findings = _fig(check_paths([doc, *INPUTS["en_US"]]))
    places = sorted(f.where.path for f in findings if f.rule == "FIG-UNTRACED")
    assert any(p.startswith("table ") for p in places) and any(p.startswith("header") for p in places), places


def test_a_percentage_typed_over_is_caught(rendered, tmp_path):
    doc = _edit(_copy(rendered["en_US"], tmp_path, "Proposal"), "staged 40% / 60%", "staged 45% / 60%")
    findings = _fig(check_paths([doc, *INPUTS["en_US"]]))
    assert [f.rule for f in findings] == ["FIG-PERCENT"] and "45%" in findings[0].message


def test_negotiation_figures_never_reach_a_client_document(rendered, tmp_path):
    """The opening price is the deal's but internal: a client document stating it is caught."""
    doc = _edit(_copy(rendered["en_US"], tmp_path, "Proposal"), "USD 156,849.00 (including",
                "USD 154,000.00 (including")
    assert [f.rule for f in _fig(check_paths([doc, *INPUTS["en_US"]]))] == ["FIG-UNTRACED"]


def test_the_rules_follow_the_policy(rendered, tmp_path):
    from bidgen.checks import load_policy

    doc = _edit(_copy(rendered["en_US"], tmp_path, "Proposal"), "staged 40% / 60%", "staged 45% / 60%")
    team = tmp_path / "team.yaml"
    team.write_text("figures: {percentages: false}\n", encoding="utf-8")
    assert _fig(check_paths([doc, *INPUTS["en_US"]], load_policy(team))) == []


@pytest.mark.parametrize(("text", "wording"), [
    ("The total is USD 1.00 (including 5% tax)", "incl"), ("USD 1.00 plus 5% tax", "excl"),
    ("USD 1.00 before tax", "excl"), ("人民币 1.00 元（含 13% 增值税）", "incl"), ("不含税金额", "excl"),
    ("未稅金額為新臺幣 1 元", "excl"), ("含 5% 稅金", "incl"), ("Total (tax included) (USD)", "incl"),
    ("Subtotal", None), ("including 5% tax; USD 1.00 before tax", None),
])
def test_tax_wording(text, wording):
    assert tax_wording(text) == wording


# --------------------------------------------------------------------------- LibreOffice


@needs_soffice
def test_a_figure_edited_and_saved_through_libreoffice_is_caught(rendered, tmp_path):
    clean = soffice_roundtrip(_copy(rendered["en_US"], tmp_path / "a", "Proposal"), tmp_path / "lo1")
    assert _fig(check_paths([clean, *INPUTS["en_US"]])) == []
    edited = _edit(_copy(rendered["en_US"], tmp_path / "b", "Proposal"), "USD 62,739.60, due", "USD 62,379.60, due")
    saved = soffice_roundtrip(edited, tmp_path / "lo2")
    findings = _fig(check_paths([saved, *INPUTS["en_US"]]))
    assert [f.rule for f in findings] == ["FIG-UNTRACED"] and "62,379.60" in findings[0].message
    assert "milestone 1" in findings[0].message


def test_whole_dollar_amounts_in_table_cells_are_traced(tmp_path):
    """NT$ amounts have no decimals: a cell holding only a grouped number is an amount unless it is a count."""
    text = example("deal-zh_CN.yaml").read_text(encoding="utf-8")
    deal_file = tmp_path / "deal.yaml"
    deal_file.write_text(text.replace("currency: CNY", "currency: TWD").replace("locale: zh_CN", "locale: zh_TW")
                         .replace("tax_rate_percent: 13", "tax_rate_percent: 5"), encoding="utf-8")
    from bidgen.pipeline import make_proposal

    out = make_proposal(load_deal(deal_file), tmp_path / "out").path.parent
    assert _fig(check_paths([out, deal_file])) == []
    doc = _edit(_copy(out, tmp_path / "ed", "Proposal"), "456,000", "465,000")
    findings = _fig(check_paths([doc, deal_file]))
    assert [f.rule for f in findings] == ["FIG-UNTRACED"] and findings[0].where.path.startswith("table ")
    assert "the amount of item 1, 456,000 TWD" in findings[0].message


@pytest.mark.parametrize(("text", "decimal", "found"), [
    ("The total investment is 165,849.00 (including 5% tax)", ".", [("money", "165849.00"), ("percent", "5")]),
    ("Arabic ships with release 4.20 in Q1 2027", ".", []),
    ("USD 3,000 bid bond", ".", [("money", "3000")]),
    ("约 50 万元", ".", [("money", "500000")]),
    ("Tender GLH-ITT-2026-031, 07:00 to 22:00 Gulf time", ".", []),
    ("156.849,00 € einschließlich 5 % Steuer", ",", [("money", "156849.00"), ("percent", "5")]),
    ("%5 vergi", ",", [("percent", "5")]),
])
def test_what_counts_as_a_figure(text, decimal, found):
    assert [(f.kind, str(f.value)) for f in read_figures(text, decimal, 2)] == found


@pytest.mark.parametrize(("key", "old", "new"), [
    ("en_US", "(including 5% tax;", "(including 60% tax;"),  # 60% is a milestone share: traced, but not as tax
    ("en_US", "(including 5% tax;", "(including 15% tax;"),
])
def test_a_tax_percentage_must_be_the_deal_tax_rate(rendered, tmp_path, key, old, new):
    """A wrong tax rate in prose used to pass whenever the number stood anywhere else (a milestone
    share, any library text)."""
    doc = _edit(_copy(rendered[key], tmp_path, "Proposal"), old, new)
    findings = _fig(check_paths([doc, *INPUTS[_base(key)]]))
    assert [f.rule for f in findings] == ["FIG-PERCENT"], [str(f) for f in findings]
    assert "stated as the tax" in findings[0].message and "tax rate is 5%" in findings[0].message


@pytest.mark.parametrize(("text", "start", "end", "tax"), [
    ("including 5% tax", 10, 11, True),
    ("含13%增值税", 1, 3, True),
    ("税率 13%", 3, 5, True),
    ("12% of customer calls", 0, 2, False),
    ("Payment is staged 40% / 60%", 18, 20, False),
    ("税前 13% 折扣", 3, 5, False),
])
def test_which_percentages_are_stated_as_the_tax(text, start, end, tax):
    from bidgen.checks.figures import Figure, _names_tax

    assert _names_tax(text, Figure("percent", Decimal(text[start:end]), text[start:end], start, end, False)) is tax
