"""The proposal, read back: sections, figures, words, marked terms, determinism, golden text."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import example, needs_soffice
from golden import assert_golden, document_text

from bidgen.build import make_proposal
from bidgen.load import load_deal
from bidgen.readback import read_docx


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("proposals")
    paths = {}
    for name, locale in (("deal-zh_CN.yaml", None), ("deal-en_US.yaml", None), ("deal-zh_CN.yaml", "zh_TW")):
        deal = load_deal(example(name))
        sub = out / (locale or deal.locale)
        paths[locale or deal.locale] = make_proposal(deal, sub, locale=locale).path
    return paths


def test_file_names_follow_the_convention(rendered):
    assert rendered["zh_CN"].name == "Proposal_CN203_v20261120.docx"
    assert rendered["en_US"].name == "Proposal_AE017_v20261118.docx"


@pytest.mark.parametrize("locale", ["zh_CN", "zh_TW", "en_US"])
def test_golden_text(rendered, locale):
    assert_golden(rendered[locale], f"proposal_{locale}")


def test_zh_total_in_figures_and_words(rendered):
    doc = read_docx(rendered["zh_CN"])
    assert [h.value for h in doc.terms["total"]] == ["676,200.00"]
    assert [h.value for h in doc.terms["total_words"]] == ["人民币陆拾柒万陆仟贰佰元整"]
    assert doc.terms["milestone.1.amount"][0].value == "202,860.00"
    assert doc.terms["milestone.3.amount"][0].value == "67,620.00"
    assert doc.terms["delivery_days"][0].value == "30"
    assert doc.terms["warranty_months"][0].value == "12"
    assert doc.terms["valid_until"][0].value == "2027年2月18日"


def test_zh_tw_uses_traditional_words(rendered):
    doc = read_docx(rendered["zh_TW"])
    assert doc.terms["total_words"][0].value == "人民幣陸拾柒萬陸仟貳佰元整"
    text = document_text(rendered["zh_TW"])
    assert "解決方案建議書" in text and "报价" not in text


def test_en_figures(rendered):
    doc = read_docx(rendered["en_US"])
    assert doc.terms["total"][0].value == "156,849.00"
    assert doc.terms["total_words"][0].value.startswith("One hundred fifty-six thousand eight hundred forty-nine")
    cells = [c for t in doc.tables for row in t for c in row]
    assert "149,380.00" in cells  # subtotal
    assert "7,469.00" in cells  # tax
    assert "34,200.00" in cells  # implementation after 10% discount


def test_sections_are_conclusion_first(rendered):
    paras = read_docx(rendered["en_US"]).paragraphs
    order = ["Executive summary", "Your situation", "Needs and pain points", "Solution and value",
             "Proof from similar projects", "Pricing", "Payment schedule", "Commercial terms", "Next steps"]
    positions = [paras.index(h) for h in order]
    assert positions == sorted(positions)


def test_no_internal_data_reaches_the_client(rendered):
    for locale in ("zh_CN", "en_US"):
        text = document_text(rendered[locale])
        for secret in ("455,000", "560,000", "98,000", "132,000", "BATNA", "华南客户", "Riyadh"):
            assert secret not in text


def test_minimal_deal_renders_a_complete_proposal(tmp_path):
    deal_file = tmp_path / "minimal.yaml"
    deal_file.write_text(
        """
id: D-MIN-1
locale: en_US
currency: USD
issue_date: 2026-11-20
valid_until: 2026-12-20
seller: {name: Acme Ltd}
client: {code: C1, name: Beta Corp}
items:
  - {description: Widget, quantity: 3, unit_price: "19.99"}
tax_rate_percent: 0
prices_include_tax: false
terms:
  payment:
    - {milestone: On delivery, percent: 100}
""",
        encoding="utf-8",
    )
    path = make_proposal(load_deal(deal_file), tmp_path / "out").path
    doc = read_docx(path)
    assert doc.terms["total"][0].value == "59.97"
    assert doc.terms["total_words"][0].value == "Fifty-nine US dollars and ninety-seven cents"
    assert "Executive summary" in doc.paragraphs
    # sections without content are left out cleanly, never printed empty
    assert "Needs and pain points" not in doc.paragraphs
    assert "Proof from similar projects" not in doc.paragraphs
    assert not any("{{" in p or "{%" in p for p in doc.paragraphs)


def test_deterministic_bytes(tmp_path):
    deal = load_deal(example("deal-zh_CN.yaml"))
    a = make_proposal(deal, tmp_path / "a").path.read_bytes()
    b = make_proposal(deal, tmp_path / "b").path.read_bytes()
    assert a == b


@needs_soffice
@pytest.mark.parametrize("locale", ["zh_CN", "en_US"])
def test_libreoffice_pdf_holds_client_and_total(rendered, tmp_path, locale):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    src = rendered[locale]
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(src)],
        check=True, capture_output=True, timeout=180,
    )
    pdf = tmp_path / (src.stem + ".pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    flat = "".join(text.split())
    if locale == "zh_CN":
        assert "华东精密制造股份有限公司" in flat
        assert "676,200.00" in flat and "人民币陆拾柒万陆仟贰佰元整" in flat
    else:
        assert "GulfLogisticsHoldingLLC" in flat
        assert "156,849.00" in flat


HOSTILE = [
    "{{ 7*7 }}",
    "{% for x in range(3) %}x{% endfor %}",
    "{_{ seller.name }_}",
    "Smith & Sons <Ltd>",
    '</w:t></w:r><w:r><w:t>injected',
    "{{ ''.__class__.__mro__ }}",
    "a\"quote' and ]]> end",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_markup_in_data_renders_literally(tmp_path, value):
    deal = load_deal(example("deal-en_US.yaml"))
    client = deal.client.model_copy(update={"name": value})
    project = deal.project.model_copy(update={"summary": value})
    deal = deal.model_copy(update={"client": client, "project": project})
    doc = read_docx(make_proposal(deal, tmp_path).path)
    cover = {row[0]: row[1] for row in doc.tables[0]}
    assert cover["Prepared for"] == value
    assert value in doc.paragraphs  # the project summary paragraph, verbatim
    assert "49" not in cover["Prepared for"] or "49" in value


def _user_template(path: Path, body: list[str]) -> Path:
    import docx

    d = docx.Document()
    for line in body:
        d.add_paragraph(line)
    d.save(str(path))
    return path


def test_user_template_gets_the_same_context(tmp_path):
    tpl = _user_template(tmp_path / "mine.docx", [
        "Offer for {{ client.name }} ({{ doc.number }})",
        "{%p for s in summary %}",
        "- {{ s }}",
        "{%p endfor %}",
        "Total {{ pricing.currency }} {{ pricing.total | term('total') }}: {{ pricing.total_words }}",
    ])
    deal = load_deal(example("deal-en_US.yaml"))
    doc = read_docx(make_proposal(deal, tmp_path / "out", template=tpl).path)
    assert doc.paragraphs[0] == "Offer for Gulf Logistics Holding LLC (PRO-AE017-20261118)"
    assert doc.paragraphs[-1].startswith("Total USD 156,849.00: One hundred fifty-six thousand")
    assert doc.terms["total"][0].value == "156,849.00"
    assert sum(p.startswith("- ") for p in doc.paragraphs) == 5


def test_user_template_with_unknown_variable_names_it(tmp_path):
    from bidgen.errors import TemplateError

    tpl = _user_template(tmp_path / "bad.docx", ["Dear {{ client.nmae }}"])
    deal = load_deal(example("deal-en_US.yaml"))
    with pytest.raises(TemplateError) as info:
        make_proposal(deal, tmp_path / "out", template=tpl)
    assert "bad.docx" in str(info.value) and "nmae" in str(info.value)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
