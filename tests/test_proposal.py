"""The proposal, read back: sections, figures, words, marked terms, determinism, golden text."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import example, needs_soffice
from golden import assert_golden, document_text

from bidgen.pipeline import make_proposal
from bidgen.inputs.load import load_deal
from bidgen.docx.readback import read_docx


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
    cells = {c for t in doc.tables for row in t for c in row}
    assert "Total (USD)" in cells and not any("tax included" in c for c in cells)  # zero tax: plain total
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


# -- edge cases found in QA (each a regression test) ----------------------------------------------------

_EDGE_DEAL = """
id: D-EDGE-1
locale: {locale}
currency: {currency}
issue_date: 2026-11-18
valid_until: {valid_until}
seller: {{name: Acme Ltd{contact}}}
client: {{code: E1, name: Edge Corp}}
items:
  - {{description: Sensor, quantity: 3, unit_price: "{price}"}}
tax_rate_percent: {tax}
prices_include_tax: {incl}
terms:
  payment:
    - {{milestone: On acceptance, percent: 100, due_days: 30}}
"""


def _edge(tmp_path: Path, *, locale: str = "en_US", currency: str = "USD", price: str = "100",
          tax: int = 0, incl: str = "false", valid_until: str = "2027-01-17", contact: str = "") -> Path:
    deal_file = tmp_path / "edge.yaml"
    deal_file.write_text(_EDGE_DEAL.format(locale=locale, currency=currency, price=price, tax=tax, incl=incl,
                                           valid_until=valid_until, contact=contact), encoding="utf-8")
    return make_proposal(load_deal(deal_file), tmp_path / "out").path


def _pricing_row(path: Path) -> list[str]:
    doc = read_docx(path)
    table = next(t for t in doc.tables if len(t[0]) == 7 and t[1][0] == "1")
    return table[1]


def test_unit_price_with_more_decimals_than_the_currency_is_shown_in_full(tmp_path):
    # 3 × 33.335 = 100.005 → 100.01; a unit price printed as 33.34 would make 3 × 33.34 = 100.02
    row = _pricing_row(_edge(tmp_path, locale="zh_TW", currency="CNY", price="33.335", tax=5, incl="true"))
    assert row[4] == "33.335" and row[6] == "100.01"


def test_new_taiwan_dollars_are_whole_dollars(tmp_path):
    """NT$ amounts are written in whole dollars: a unit price with cents is shown as written, every computed
    amount (line, subtotal, tax, total, milestones, words) is rounded half up to the dollar."""
    path = _edge(tmp_path, locale="zh_TW", currency="TWD", price="33.5", tax=5, incl="false")
    row = _pricing_row(path)
    assert row[4] == "33.5" and row[6] == "101"  # 3 × 33.5 = 100.5 → 101
    text = document_text(path)
    assert "新臺幣 106 元" in text  # 101 + 5% tax 5.05 → 5 = 106
    assert "新臺幣壹佰零陸元整" in text
    assert ".00" not in text and "角" not in text and "分" not in text.replace("分期", "").replace("部分", "")


def test_unit_price_at_the_currency_precision_is_padded_as_money(tmp_path):
    row = _pricing_row(_edge(tmp_path, currency="JPY", price="1234567"))
    assert row[4] == "1,234,567" and row[6] == "3,703,701"


def test_any_babel_locale_gets_its_own_formats_with_the_nearest_texts(tmp_path):
    # fr_FR: English texts (the nearest built-in), French numbers, percentages and dates throughout,
    # library clauses included (README: any babel locale for numbers and dates)
    path = _edge(tmp_path, locale="fr_FR", currency="EUR", price="1234.5", tax=20)
    text = document_text(path).replace("\u202f", " ").replace("\u00a0", " ")
    assert "17 janvier 2027" in text and "January 17, 2027" not in text
    assert "Solution Proposal" in text  # the texts stay English
    assert "1 234,50" in text and "1,234.50" not in text
    assert "20 %" in text
    (tmp_path / "de").mkdir()
    de = document_text(_edge(tmp_path / "de", locale="de_DE", currency="EUR", price="1234.5", tax=20))
    assert "17. Januar 2027" in de and "1.234,50" in de


@pytest.mark.parametrize(("bad", "hint"), [("xx_YY", "e.g. zh_CN"), ("de_DX", "did you mean de_DE?"),
                                           ("en_EN", "did you mean en_US?")])
def test_unknown_locale_is_an_error_with_a_did_you_mean(tmp_path, capsys, bad, hint):
    from bidgen.cli import main

    assert main(["proposal", str(example("deal-en_US.yaml")), "-o", str(tmp_path / "out"), "--locale", bad]) == 2
    err = capsys.readouterr().err
    assert f"unknown locale '{bad}'" in err and hint in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()
    src = tmp_path / "deal.yaml"
    src.write_text(example("deal-en_US.yaml").read_text(encoding="utf-8").replace("locale: en_US", f"locale: {bad}"),
                   encoding="utf-8")
    assert main(["proposal", str(src), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "deal.yaml:3: locale: unknown locale" in err and hint in err
    with pytest.raises(Exception, match="unknown locale"):  # the library refuses it too, not only the CLI
        make_proposal(load_deal(example("deal-en_US.yaml")), tmp_path / "out", locale=bad)


def test_zero_tax_reads_no_tax_not_tax_excluded(tmp_path):
    doc = read_docx(_edge(tmp_path))
    text = "\n".join(doc.paragraphs)
    assert "The total investment is USD 300.00 (no tax applicable)." in doc.paragraphs
    assert "Prices in US dollars (USD); no tax applies." in doc.paragraphs
    assert "tax excluded" not in text and "excluding tax" not in text


def test_without_seller_contact_no_dangling_contact_line(tmp_path):
    doc = read_docx(_edge(tmp_path))
    assert not any(p.startswith("For any question") for p in doc.paragraphs)


def test_contact_line_skips_missing_parts(tmp_path):
    path = _edge(tmp_path, contact=", contact: {name: Ann Lee, title: KAM, email: ann@acme.example}")
    assert "For any question, please contact Ann Lee, KAM, ann@acme.example" in read_docx(path).paragraphs


def test_single_instalment_next_step_does_not_mention_an_advance(tmp_path):
    doc = read_docx(_edge(tmp_path))
    steps = next(t for t in doc.tables if t[0][:2] == ["No.", "Action"])
    assert steps[2][1] == "Sign the contract"


def test_short_validity_does_not_repeat_the_date_as_a_decision_date(tmp_path):
    doc = read_docx(_edge(tmp_path, valid_until="2026-11-25"))
    assert "This offer is valid until November 25, 2026." in doc.paragraphs
    assert not any("a decision by" in p for p in doc.paragraphs)


def _template_table(name: str, header: tuple[str, ...]):
    import docx as _docx
    from docx.oxml.ns import qn

    from bidgen.paths import templates_dir

    doc = _docx.Document(str(templates_dir() / name))
    table = next(t for t in doc.tables if tuple(c.text for c in t.rows[0].cells[: len(header)]) == header)
    widths = [int(g.get(qn("w:w"))) / 567 for g in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    unsplit = all(tr.trPr is not None and tr.trPr.find(qn("w:cantSplit")) is not None for tr in table._tbl.tr_lst)
    return widths, unsplit


@pytest.mark.parametrize("locale,header", [("en_US", ("No.", "Item")), ("zh_CN", ("序号", "产品/服务")),
                                           ("zh_TW", ("序號", "產品／服務"))])
def test_pricing_table_spans_the_text_width_and_rows_never_split(locale, header):
    widths, unsplit = _template_table(f"proposal.{locale}.docx", header)
    assert abs(sum(widths) - 16.6) < 0.05  # like every other table: no narrower, indented block
    assert widths[0] >= 1.0 and widths[5] >= (1.4 if locale.startswith("zh") else 2.1)  # "No." / "Discount"
    assert unsplit  # a long item list breaks between rows, never leaving a page with one row's tail


@pytest.mark.parametrize("locale", ["en_US", "zh_CN", "zh_TW"])
@pytest.mark.parametrize("include", [False, True])
def test_summary_states_the_total_with_the_tax_it_includes(tmp_path, locale, include):
    """The summary's total always includes the tax; a deal priced before tax also names its price before
    tax. 'USD 156,849.00 (plus 5% tax)' stated a tax-included total as if tax came on top."""
    text = example("deal-en_US.yaml").read_text(encoding="utf-8")
    src = tmp_path / "deal.yaml"
    src.write_text(text.replace("prices_include_tax: false", f"prices_include_tax: {str(include).lower()}"),
                   encoding="utf-8")
    doc = read_docx(make_proposal(load_deal(src), tmp_path / "out", locale=locale).path)
    total = "156,849.00" if not include else "149,380.00"
    sentence = next(p for p in doc.paragraphs if total in p and ("investment" in p or "總金額" in p or "总金额" in p))
    included = {"en_US": "including 5% tax", "zh_CN": "含 5% 增值税", "zh_TW": "含 5% 稅金"}[locale]
    assert included in sentence
    assert "plus" not in sentence and "另计" not in sentence and "另計" not in sentence
    if include:
        assert "before tax" not in sentence and "不含税" not in sentence and "未稅" not in sentence
    else:  # the figure before tax is named as such
        before = {"en_US": "USD 149,380.00 before tax", "zh_CN": "不含税金额为美元 149,380.00",
                  "zh_TW": "未稅金額為美元 149,380.00"}[locale]
        assert before in sentence
