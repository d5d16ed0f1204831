"""zh_TW as Taiwan writes it: Taiwan terms throughout (the glossary of bidgen.words.glossary), in every
zh_TW string bidgen writes (sentences, template labels, library texts) and in the rendered documents."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import example

from bidgen.docx.readback import read_docx
from bidgen.inputs.load import load_deal, load_meeting, load_tender
from bidgen.pipeline import make_all
from bidgen.words.glossary import TAIWAN_TERMS, mainland_terms, to_taiwan_terms

ROOT = Path(__file__).resolve().parent.parent
import sys, importlib
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
from bidgen.words.glossary import mainland_terms

def strings_of(obj, path=""):
    if isinstance(obj, str):
        yield path, obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from strings_of(v, f"{path}.{k}")
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            yield from strings_of(v, f"{path}[{i}]")

def zh_tw_sources():
    for mod in ("bidgen.documents.strings", "bidgen.documents.bid_strings", "bidgen.documents.memo_strings",
                "bidgen.documents.brief_strings"):
        m = importlib.import_module(mod)
        table = getattr(m, "STRINGS", None) or getattr(m, "BID_STRINGS")
        yield from ((f"{mod}{p}", s) for p, s in strings_of(table["zh_TW"]))
    for mod, name in (("bid_labels", None), ("tmpl_brief", None), ("tmpl_memo", None), ("tmpl_proposal", None)):
        m = importlib.import_module(mod)
        for attr in dir(m):
            val = getattr(m, attr)
            if isinstance(val, dict) and "zh_TW" in val:
                yield from ((f"tools/{mod}.{attr}{p}", s) for p, s in strings_of(val["zh_TW"]))
    from bidgen.library import Library
    lib = Library.load([])
    for e in lib.entries():
        if "zh_TW" in e.locales:
            for p, src in e.sources("zh_TW"):
                yield f"library {e.id} {p}", src
            yield f"library {e.id} title", e.title("zh_TW")



def test_every_zh_tw_string_uses_taiwan_terms():
    found = [(where, [t.mainland for t in mainland_terms(text)]) for where, text in zh_tw_sources()
             if mainland_terms(text)]
    assert found == []


def test_rendered_zh_tw_documents_use_taiwan_terms(tmp_path):
    make_all(load_deal(example("deal-zh_CN.yaml")), tmp_path, tender=load_tender(example("tender-zh_CN.yaml")),
             meeting=load_meeting(example("meeting-zh_CN.yaml")), locale="zh_TW")
    texts = {p.name: read_docx(p).all_text() for p in tmp_path.glob("*.docx")}
    assert len(texts) == 4
    assert {name: [t.mainland for t in mainland_terms(text)] for name, text in texts.items()} == \
        {name: [] for name in texts}
    bid = next(t for n, t in texts.items() if n.startswith("Bid_"))
    for term in ("押標金", "負責人授權書", "標價清單", "詳細價目表", "差異情形"):
        assert term in bid


@pytest.mark.parametrize(("mainland", "taiwan"), [("繳納投標保證金", "繳納押標金"), ("法定代表人簽名", "負責人簽名"),
                                                  ("質保期 12 個月", "保固期 12 個月"),
                                                  ("法定代表人授權委託書", "負責人授權書")])
def test_glossary(mainland, taiwan):
    assert to_taiwan_terms(mainland) == taiwan
    assert mainland_terms(taiwan) == []
    assert len({t.mainland for t in TAIWAN_TERMS}) == len(TAIWAN_TERMS)


def test_the_template_builder_refuses_a_mainland_term():
    sys.path.insert(0, str(ROOT / "tools"))
    from build_templates import check_taiwan_terms

    check_taiwan_terms({"zh_TW": {"bond": "押標金"}}, "ok.py")
    with pytest.raises(SystemExit, match="投標保證金 → 押標金"):
        check_taiwan_terms({"zh_TW": {"bond": "投標保證金"}}, "bad.py")


def test_library_validate_warns_on_a_mainland_term_in_a_taiwan_text(tmp_path):
    from bidgen.library.validate import validate

    (tmp_path / "clause").mkdir()
    (tmp_path / "clause" / "bond.yaml").write_text(
        "- id: bond.tw\n  kind: clause\n  version: '1.0'\n  owner: legal\n  review_by: 2099-01-01\n"
        "  title: {zh_CN: 投标保证金, zh_TW: 投標保證金, en_US: Bid bond}\n"
        "  text:\n    zh_CN: [投标保证金按招标文件缴纳。]\n    zh_TW: [投標保證金依招標文件繳納。]\n"
        "    en_US: [The bid bond is paid as the tender requires.]\n", encoding="utf-8")
    findings = [f for f in validate([tmp_path]) if "mainland terms" in str(f)]
    assert findings and all(f.severity == "warning" for f in findings)
    assert any("投標保證金 → 押標金" in str(f) for f in findings)
