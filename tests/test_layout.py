"""Layout proven from the PDF, for every built-in template in every locale, on the samples and on
stress deals (40 line items, long descriptions and SKUs, a long client name, long Chinese units,
huge and tiny amounts, many milestones): no text outside the printable area, no word of a table
cell broken across lines, no table row split across pages, no heading alone at the foot of a
page, the cover without the running header.  The documents of every set are converted by one
LibreOffice run (bidgen.pdf, as `--pdf` does)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import example, needs_soffice
from pdflayout import (
    Docx,
    broken_words,
    header_on_cover,
    lonely_headings,
    outside_printable_area,
    read_pdf,
    split_rows,
    squeeze,
    unbreakable_pieces,
)

from bidgen.inputs.load import load_deal, load_meeting, load_tender
from bidgen.pdf import convert
from bidgen.pipeline import make_all

pytestmark = [
    needs_soffice,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed"),
]

SETS = [f"{k}-{loc}" for k in ("sample", "stress") for loc in ("zh_CN", "zh_TW", "en_US")]


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> dict[str, list[tuple[Path, Path, str]]]:
    """{set: [(docx, pdf, seller name)]} for every kind (split bid parts too) of every set."""
    from stress import write_stress

    base = tmp_path_factory.mktemp("layout")
    sets: dict[str, list[tuple[Path, str]]] = {}
    for kind in ("sample", "stress"):
        for src, locale in (("zh_CN", None), ("zh_CN", "zh_TW"), ("en_US", None)):
            if kind == "sample":
                files = example(f"deal-{src}.yaml"), example(f"tender-{src}.yaml"), example(f"meeting-{src}.yaml")
            else:
                files = write_stress(base / "inputs", src)
            deal = load_deal(files[0])
            written = make_all(deal, base / f"{kind}-{locale or src}", tender=load_tender(files[1]),
                               meeting=load_meeting(files[2]), split=True, locale=locale)
            sets[f"{kind}-{locale or src}"] = [(x.path, deal.seller.name) for x in written if x.path.suffix == ".docx"]
    pdfs = convert([d for docs in sets.values() for d, _ in docs])  # one LibreOffice run
    assert len(pdfs) == sum(len(v) for v in sets.values())
    return {name: [(d, d.with_suffix(".pdf"), seller) for d, seller in docs] for name, docs in sets.items()}


def _check(documents, name, check) -> dict[str, list[str]]:
    found = {}
    for docx, pdf, seller in documents[name]:
        problems = check(read_pdf(pdf), Docx.read(docx), seller)
        if problems:
            found[docx.name] = problems
    return found


@pytest.mark.parametrize("name", SETS)
def test_no_text_outside_the_printable_area(documents, name):
    assert _check(documents, name, lambda pages, doc, _: outside_printable_area(pages, doc)) == {}


@pytest.mark.parametrize("name", SETS)
def test_no_word_of_a_table_cell_broken_across_lines(documents, name):
    assert _check(documents, name, lambda pages, doc, _: broken_words(pages, doc)) == {}


@pytest.mark.parametrize("name", SETS)
def test_no_table_row_split_across_pages(documents, name):
    assert _check(documents, name, lambda pages, doc, _: split_rows(pages, doc)) == {}


@pytest.mark.parametrize("name", SETS)
def test_no_heading_alone_at_the_foot_of_a_page(documents, name):
    assert _check(documents, name, lambda pages, doc, _: lonely_headings(pages, doc)) == {}


@pytest.mark.parametrize("name", SETS)
def test_the_cover_carries_no_running_header(documents, name):
    covers = [d for d, _, _ in documents[name] if Docx.read(d).has_cover()]
    assert {"Proposal", "Bid"} <= {d.name.split("_")[0] for d in covers}
    assert _check(documents, name, lambda pages, doc, seller: header_on_cover(pages, doc, squeeze(seller))) == {}


def test_stress_documents_are_long_enough_to_matter(documents):
    """The stress deals do what they are for: the price tables run over several pages."""
    for name in ("stress-zh_CN", "stress-en_US"):
        proposal = next(p for d, p, _ in documents[name] if d.name.startswith("Proposal_"))
        assert len(read_pdf(proposal)) >= 6


# -- the checks themselves find what they look for --------------------------------------------------
def test_pieces_of_a_cell():
    assert unbreakable_pieces("台（套）") == ["台（套）"]
    assert unbreakable_pieces("Platform licence (ENT-CONNECTOR-2026)") == [
        "Platform", "licence", "(ENT-", "CONNECTOR-", "2026)"]
    assert unbreakable_pieces("云端多仓库存同步 SKU-01") == ["SKU-", "01"]


def test_the_checks_catch_a_broken_word_a_split_row_and_a_lonely_heading(tmp_path):
    """A document made to fail: a too narrow column, a row longer than the page and a heading at
    the foot of a page (python-docx, no bidgen column fitting)."""
    from docx import Document
    from docx.shared import Cm, Pt

    d = Document()
    t = d.add_table(rows=1, cols=2)
    t.autofit = False
    for col, cell, width in zip(t.columns, t.rows[0].cells, (Cm(1.0), Cm(14))):
        col.width = cell.width = width
    t.rows[0].cells[0].text = "workstation"
    t.rows[0].cells[1].text = "\n".join(f"line {i}" for i in range(70))  # taller than a page
    for i in range(36):
        d.add_paragraph(f"filler {i}")
    d.add_paragraph("Lonely heading", style="Heading 1")
    for i in range(5):
        d.add_paragraph(f"after {i}").paragraph_format.page_break_before = i == 0
    for p in d.paragraphs:
        p.paragraph_format.keep_with_next = False
    d.styles["Heading 1"].paragraph_format.keep_with_next = False
    d.styles["Normal"].font.size = Pt(11)
    path = tmp_path / "bad.docx"
    d.save(str(path))
    pdf = convert([path])[0]
    pages, doc = read_pdf(pdf), Docx.read(path)
    assert any("'workstation'" in p for p in broken_words(pages, doc))
    assert any("table 1, row 1" in p for p in split_rows(pages, doc))
    assert any("Lonelyheading" in p for p in lonely_headings(pages, doc))
