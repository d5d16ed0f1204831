"""What Word (stricter than LibreOffice) needs of every template and every rendered document,
proven by an independent validator: ``openxml-audit`` (a port of Microsoft's Open XML SDK
validation) finds no error and no Word app-compat finding (what Word would repair or rewrite) in
any built-in template, nor in any document of any kind and locale rendered from the samples and
the stress deals (the bid's split parts included).  What the validator does not check is kept
here: a paragraph closing every cell, bookmarks paired with unique ids and short unique names.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, example
from lxml import etree

from bidgen.docx.ooxml import W, misordered, normalize
from bidgen.inputs.load import load_deal, load_meeting, load_tender
from bidgen.pipeline import make_all

openxml_audit = pytest.importorskip("openxml_audit", reason="openxml-audit (test extra) is not installed")
from openxml_audit import OpenXmlValidator  # noqa: E402
from openxml_audit.errors import SourceClass, ValidationSeverity  # noqa: E402

w = f"{{{W}}}"
TEMPLATES = sorted((ROOT / "templates").glob("*.docx"))
VALIDATOR = OpenXmlValidator(max_errors=0)


def audit(path: Path) -> list[str]:
    """The validator's errors and Word app-compat findings (warnings of other kinds pass)."""
    result = VALIDATOR.validate(str(path))
    return [f"{e.part_uri} {e.path} {e.node}: {e.description}" for e in result.errors
            if e.severity == ValidationSeverity.ERROR or e.source_class is SourceClass.WORD_APP_COMPAT]


def word_problems(path: Path) -> list[str]:
    """What Word needs beyond the schema."""
    problems = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if not (name.startswith("word/") and name.endswith(".xml")):
                continue
            root = etree.fromstring(z.read(name))
            for tc in root.iter(f"{w}tc"):
                kids = [c for c in tc if c.tag != f"{w}tcPr"]
                if not kids or kids[-1].tag != f"{w}p":
                    problems.append(f"{name}: a table cell does not end with a paragraph")
            starts = [b.get(f"{w}id") for b in root.iter(f"{w}bookmarkStart")]
            ends = [b.get(f"{w}id") for b in root.iter(f"{w}bookmarkEnd")]
            if len(starts) != len(set(starts)) or sorted(starts) != sorted(ends):
                problems.append(f"{name}: bookmarks unpaired or with duplicate ids")
            names = [b.get(f"{w}name") for b in root.iter(f"{w}bookmarkStart")]
            if any(len(n) > 40 for n in names) or len(names) != len(set(names)):
                problems.append(f"{name}: bookmark names too long or repeated")
    return problems


@pytest.mark.parametrize("template", TEMPLATES, ids=[t.name for t in TEMPLATES])
def test_templates_open_cleanly_in_word(template):
    assert audit(template) == []
    assert word_problems(template) == []


def _render_set(out: Path, deal: Path, tender: Path, meeting: Path, locale: str | None) -> list[Path]:
    written = make_all(load_deal(deal), out, tender=load_tender(tender), meeting=load_meeting(meeting),
                       split=True, locale=locale)
    return [x.path for x in written if x.path.suffix == ".docx"]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, list[Path]]:
    """Every kind (the bid's split parts too) in every built-in locale, of the samples and the stress deals."""
    from stress import write_stress

    base = tmp_path_factory.mktemp("all")
    sets = {}
    for kind in ("sample", "stress"):
        for src, locale in (("zh_CN", None), ("zh_CN", "zh_TW"), ("en_US", None)):
            if kind == "sample":
                files = example(f"deal-{src}.yaml"), example(f"tender-{src}.yaml"), example(f"meeting-{src}.yaml")
            else:
                files = write_stress(base / "inputs", src)
            name = f"{kind}-{locale or src}"
            sets[name] = _render_set(base / name, *files, locale)
    return sets


SETS = [f"{k}-{loc}" for k in ("sample", "stress") for loc in ("zh_CN", "zh_TW", "en_US")]


@pytest.mark.parametrize("name", SETS)
def test_rendered_documents_open_cleanly_in_word(rendered, name):
    docs = rendered[name]
    assert len(docs) == 11  # proposal, bid, its 7 parts, memo, brief
    found = {doc.name: audit(doc) + word_problems(doc) for doc in docs}
    assert {k: v for k, v in found.items() if v} == {}


def test_normalize_orders_children_of_every_namespace():
    """m:mathPr among the w: children of w:settings (the validator's first finding) is put in place."""
    xml = (f'<w:settings xmlns:w="{W}" xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math">'
           '<w:zoom w:percent="100"/><w:decimalSymbol w:val="."/><m:mathPr><m:naryLim m:val="undOvr"/>'
           '<m:mathFont m:val="Cambria Math"/></m:mathPr><w:rsids/><w:compat/></w:settings>')
    root = etree.fromstring(xml)
    assert misordered(root) == ["settings: zoom decimalSymbol m:mathPr rsids compat",
                                "m:mathPr: m:naryLim m:mathFont"]
    normalize(root)
    assert [c.tag.split("}")[1] for c in root] == ["zoom", "compat", "rsids", "mathPr", "decimalSymbol"]
    assert [c.tag.split("}")[1] for c in root[3]] == ["mathFont", "naryLim"]
    assert misordered(root) == []


def test_the_batch_report_opens_in_excel_without_a_repair(tmp_path):
    """openxml-audit found the report without the theme part Excel requires (Excel would repair it);
    every error fails the test (its warning that Excel moves inline strings to a shared-strings table
    on its next save does not: that is no repair)."""
    from bidgen.batch import BatchOptions, run_batch
    from bidgen.inputs.load import load_any
    from bidgen.inputs.workbook_write import write_workbook

    models = [load_any(p) for p in sorted((ROOT / "samples").glob("*.yaml"))]
    path = write_workbook(models, tmp_path / "deals.xlsx")
    result = run_batch(path, tmp_path / "out", BatchOptions(jobs=1))
    assert result.report is not None
    found = VALIDATOR.validate(str(result.report))
    problems = [f"{e.part_uri} {e.node}: {e.description}" for e in found.errors
                if e.severity == ValidationSeverity.ERROR]
    assert problems == []
