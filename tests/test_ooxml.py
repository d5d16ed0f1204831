"""What Word (stricter than LibreOffice) needs of every template and every rendered document:
property children in schema order, a paragraph closing every cell, rows with cells, tables
with a grid, bookmarks paired with unique ids."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, example
from lxml import etree

from bidgen.pipeline import make_all
from bidgen.inputs.load import load_deal, load_meeting, load_tender
from bidgen.docx.ooxml import W, misordered

w = f"{{{W}}}"
TEMPLATES = sorted((ROOT / "templates").glob("*.docx"))


def word_problems(path: Path) -> list[str]:
    problems = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if not (name.startswith("word/") and name.endswith(".xml")):
                continue
            root = etree.fromstring(z.read(name))
            problems += [f"{name}: {p}" for p in misordered(root)]
            for tc in root.iter(f"{w}tc"):
                kids = [c for c in tc if c.tag != f"{w}tcPr"]
                if not kids or kids[-1].tag != f"{w}p":
                    problems.append(f"{name}: a table cell does not end with a paragraph")
            for tr in root.iter(f"{w}tr"):
                if tr.find(f"{w}tc") is None:
                    problems.append(f"{name}: a table row without cells")
            for tbl in root.iter(f"{w}tbl"):
                grid = tbl.find(f"{w}tblGrid")
                if grid is None or grid.find(f"{w}gridCol") is None:
                    problems.append(f"{name}: a table without a grid")
            starts = [b.get(f"{w}id") for b in root.iter(f"{w}bookmarkStart")]
            ends = [b.get(f"{w}id") for b in root.iter(f"{w}bookmarkEnd")]
            if len(starts) != len(set(starts)) or sorted(starts) != sorted(ends):
                problems.append(f"{name}: bookmarks unpaired or with duplicate ids")
            names = [b.get(f"{w}name") for b in root.iter(f"{w}bookmarkStart")]
            if any(len(n) > 40 for n in names) or len(names) != len(set(names)):
                problems.append(f"{name}: bookmark names too long or repeated")
    return problems


@pytest.mark.parametrize("template", TEMPLATES, ids=[t.name for t in TEMPLATES])
def test_templates_are_well_formed_for_word(template):
    assert word_problems(template) == []


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> list[Path]:
    out = tmp_path_factory.mktemp("all")
    docs = []
    for deal, tender, meeting in (("deal-zh_CN.yaml", "tender-zh_CN.yaml", "meeting-zh_CN.yaml"),
                                  ("deal-en_US.yaml", "tender-en_US.yaml", "meeting-en_US.yaml")):
        written = make_all(load_deal(example(deal)), out, tender=load_tender(example(tender)),
                           meeting=load_meeting(example(meeting)), split=True)
        docs += [w_.path for w_ in written if w_.path.suffix == ".docx"]
    return docs


def test_rendered_documents_are_well_formed_for_word(rendered):
    assert len(rendered) >= 20
    for path in rendered:
        assert word_problems(path) == [], path.name
