"""User templates behave like docxtpl's where it is safe to (issue 12, item 9).

Each case is a template we write here using one feature docxtpl documents, rendered with the
installed docxtpl and with bidgen's engine on the same context; their text is compared
(paragraphs in document order with line breaks, tabs, page breaks and images, then headers and
footers). A case either renders the same, or differs exactly as ``docs/templates.md`` lists
(``DIFFERENCES``): strictness and escaping are the point of bidgen's engine.
"""

from __future__ import annotations

import copy
import io
import warnings
import zipfile
from pathlib import Path
from typing import Any, Callable

import docx
import pytest
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage, Listing, RichText
from helpers_docx import build_template, tiny_png
from lxml import etree

from bidgen.docx.render import CompiledTemplate
from bidgen.docx.xmlsafe import XmlCharWarning
from bidgen.errors import RenderError, TemplateError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ROOT = Path(__file__).resolve().parent.parent


def text_of(data: bytes) -> list[str]:
    """Every paragraph of body, headers and footers: text, ``\\n`` for a line break, ``\\t`` for
    a tab, ``<page>`` for a page break, ``[image]`` for a drawing."""
    out: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = ["word/document.xml"] + sorted(n for n in zf.namelist()
                                               if n.startswith(("word/header", "word/footer")) and n.endswith(".xml"))
        for name in names:
            root = etree.fromstring(zf.read(name))
            for p in root.iter(f"{W}p"):
                chunks = []
                for el in p.iter():
                    if el.tag == f"{W}t":
                        chunks.append(el.text or "")
                    elif el.tag == f"{W}tab" and el.getparent().tag == f"{W}r":
                        chunks.append("\t")
                    elif el.tag == f"{W}br":
                        chunks.append("<page>" if el.get(f"{W}type") == "page" else "\n")
                    elif el.tag == f"{W}drawing":
                        chunks.append("[image]")
                line = "".join(chunks)
                if line:
                    out.append(f"{name.split('/')[-1].split('.')[0].rstrip('0123456789')}: {line}")
    return out


def _png(tmp_path: Path) -> Path:
    path = tmp_path / "logo.png"
    path.write_bytes(tiny_png())
    return path


def render_docxtpl(path: Path, context: dict[str, Any], autoescape: bool) -> bytes:
    tpl = DocxTemplate(str(path))
    ctx = {k: (v(tpl) if callable(v) and not isinstance(v, type) else v) for k, v in context.items()}
    tpl.render(ctx, autoescape=autoescape)
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()


def render_bidgen(path: Path, context: dict[str, Any]) -> bytes:
    ctx = {k: (v(None) if callable(v) and not isinstance(v, type) else v) for k, v in context.items()}
    return CompiledTemplate.from_bytes(path.read_bytes(), path.name).render(ctx)


def _rich() -> RichText:
    rt = RichText()
    rt.add("Bold", bold=True)
    rt.add(" and red", color="#C00000")
    rt.add("\nnext line\tafter a tab")
    rt.add("\asecond paragraph")
    rt.add("\fafter a page break")
    return rt


# name: (paragraphs, table, header, footer, context, docxtpl autoescape)
CASES: dict[str, dict[str, Any]] = {
    "p_if_for": dict(paragraphs=["{%p if show %}", "Shown {{ x }}", "{%p endif %}", "{%p for i in items %}",
                                 "Item {{ i }}", "{%p endfor %}", "End"],
                     context={"show": True, "x": "yes", "items": ["a", "b"]}),
    "tr_rows": dict(paragraphs=["Rows"], table=[["Name", "Qty"], ["{%tr for r in rows %}", ""],
                                                ["{{ r.name }}", "{{ r.qty }}"], ["{%tr endfor %}", ""]],
                    context={"rows": [{"name": "Sensor", "qty": 3}, {"name": "Host", "qty": 1}]}),
    "tc_columns": dict(paragraphs=["Columns"], table=[["{%tc for c in cols %}", "{{ c }}", "{%tc endfor %}"]],
                       context={"cols": ["Q1", "Q2", "Q3"]}),
    "r_runs": dict(paragraphs=[["Before ", "{%r if flag %}", "flagged", "{%r endif %}", " after"]],
                   context={"flag": True}),
    "literal_braces": dict(paragraphs=["Write {_{ name }_} and {_% if %_} literally"], context={}),
    "escaping": dict(paragraphs=["Client: {{ name }}"], context={"name": "R&D <Lab> \"Quotes\" 'x'"},
                     autoescape=True),
    "ampersand_literal": dict(paragraphs=['Dept: {{ "R&D" }} and {{ dept }}'], context={"dept": "Sales"}),
    "breaks_and_tabs_in_values": dict(paragraphs=["Address: {{ addr }}"],
                                      context={"addr": "Line 1\nLine 2\tTabbed"}, autoescape=True),
    "listing": dict(paragraphs=["{{ lst }}"], context={"lst": Listing("l1\nl2\tt\apara 2\fpage 2 & <x>")}),
    "richtext": dict(paragraphs=["{{r rt }}"], context={"rt": _rich()}),
    "inline_image": dict(paragraphs=["Logo: {{ logo }}"], context={}),  # context filled in the test
    "headers_footers": dict(paragraphs=["Body {{ x }}"], header="Header {{ company }}", footer="Footer {{ note }}",
                            context={"x": "1", "company": "Northwind & Co", "note": "Confidential"},
                            autoescape=True),
    # differences by design (see DIFFERENCES)
    "control_chars_in_value": dict(paragraphs=["V: {{ v }}"], context={"v": "a\ab\fc"}, autoescape=True),
    "none_value": dict(paragraphs=["V: {{ v }}"], context={"v": None}),
    "undefined_variable": dict(paragraphs=["V: {{ missing }}"], context={}),
    "richtext_foreign_relationship": dict(paragraphs=["{{r rt }}"], context={}),
    "markup_in_tag_literals": dict(paragraphs=['Tag: {{ "<b>" }}', '{% if "A&B" == v %}same{% endif %}'],
                                   context={"v": "A&B"}),
}

#: case → what bidgen does instead (docs/templates.md, "Differences from docxtpl")
DIFFERENCES = {
    "control_chars_in_value": "\\a and \\f in a plain value are XML-illegal: removed with a warning "
                              "(docxtpl turns them into a paragraph and a page break)",
    "none_value": "printing None is an error (docxtpl prints 'None')",
    "undefined_variable": "an undefined variable is an error (docxtpl prints nothing)",
    "richtext_foreign_relationship": "a relationship id that the package lacks is an error when writing",
    "markup_in_tag_literals": "string literals in tags mean what was typed: '<b>' prints as text and "
                              "\"A&B\" equals the value A&B (docxtpl writes '<b>' as raw XML and compares "
                              "against 'A&amp;B')",
}


def _template(tmp_path: Path, case: dict[str, Any]) -> Path:
    return build_template(tmp_path / "t.docx", case.get("paragraphs", ()), table=case.get("table"),
                          header=case.get("header"), footer=case.get("footer"))


def _context(name: str, case: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    ctx = copy.deepcopy({k: v for k, v in case["context"].items()})
    if name == "inline_image":
        png = _png(tmp_path)
        ctx["logo"] = lambda tpl: InlineImage(tpl, str(png), width=Mm(20))
    if name == "richtext_foreign_relationship":
        rt = RichText()
        rt.add("link", url_id="rId999")
        ctx["rt"] = rt
    return ctx


@pytest.mark.parametrize("name", [n for n in CASES if n not in DIFFERENCES])
def test_same_text_as_docxtpl(tmp_path: Path, name: str) -> None:
    case = CASES[name]
    path = _template(tmp_path, case)
    ctx = _context(name, case, tmp_path)
    theirs = text_of(render_docxtpl(path, ctx, case.get("autoescape", False)))
    ours = text_of(render_bidgen(path, ctx))
    assert ours == theirs


def test_every_feature_is_covered() -> None:
    """The cases use each feature docxtpl documents."""
    sources = " ".join(str(c) for c in CASES.values())
    for feature in ("{%p", "{%tr", "{%tc", "{%r", "{_{", "RichText", "Listing", "inline_image", "header", "footer"):
        assert feature in sources or feature in CASES


def test_expected_texts_of_a_few_cases(tmp_path: Path) -> None:
    """Not only equal to docxtpl: right (a & typed in a template literal is an &)."""
    for name, expected in (
        ("ampersand_literal", ["document: Dept: R&D and Sales"]),
        ("markup_in_tag_literals", ["document: Tag: <b>", "document: same"]),
        ("breaks_and_tabs_in_values", ["document: Address: Line 1\nLine 2\tTabbed"]),
        ("listing", ["document: l1\nl2\tt", "document: para 2", "document: <page>", "document: page 2 & <x>"]),
        ("richtext", ["document: Bold and red\nnext line\tafter a tab", "document: second paragraph",
                      "document: <page>", "document: after a page break"]),
        ("inline_image", ["document: Logo: [image]"]),
    ):
        case = CASES[name]
        assert text_of(render_bidgen(_template(tmp_path, case), _context(name, case, tmp_path))) == expected


def test_differences_are_the_documented_ones(tmp_path: Path) -> None:
    doc = (ROOT / "docs" / "templates.md").read_text(encoding="utf-8")
    for name in DIFFERENCES:
        assert f"`{name}`" in doc, f"docs/templates.md does not list the difference {name!r}"

    def ours(name: str) -> bytes:
        case = CASES[name]
        return render_bidgen(_template(tmp_path, case), _context(name, case, tmp_path))

    def theirs(name: str) -> list[str]:
        case = CASES[name]
        return text_of(render_docxtpl(_template(tmp_path, case), _context(name, case, tmp_path),
                                      case.get("autoescape", False)))

    with pytest.warns(XmlCharWarning):
        assert text_of(ours("control_chars_in_value")) == ["document: V: abc"]
    assert theirs("control_chars_in_value") == ["document: V: a", "document: b", "document: <page>", "document: c"]
    with pytest.raises(RenderError, match="None"):
        ours("none_value")
    assert theirs("none_value") == ["document: V: None"]
    with pytest.raises(TemplateError, match="'missing'"):
        ours("undefined_variable")
    assert theirs("undefined_variable") == ["document: V: "]
    assert theirs("markup_in_tag_literals") == ["document: Tag: "]
    with pytest.raises(RenderError, match="rId999") as err:
        ours("richtext_foreign_relationship")
    assert err.value.where.field == "word/document.xml"


def test_image_is_in_the_package_with_its_relationship(tmp_path: Path) -> None:
    case = CASES["inline_image"]
    data = render_bidgen(_template(tmp_path, case), _context("inline_image", case, tmp_path))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        media = [n for n in zf.namelist() if n.startswith("word/media/")]
        assert len(media) == 1 and zf.read(media[0]) == tiny_png()
        rels = zf.read("word/_rels/document.xml.rels").decode()
        assert media[0].removeprefix("word/") in rels
        assert 'Extension="png"' in zf.read("[Content_Types].xml").decode()
    shapes = docx.Document(io.BytesIO(data)).inline_shapes
    assert len(shapes) == 1 and abs(shapes[0].width - Mm(20)) < 1000 and shapes[0].height == shapes[0].width


def test_syntax_error_shows_the_whole_stray_tag(tmp_path: Path) -> None:
    """A long paragraph with a stray ``{% endif %}`` at its end: the message names that tag, whole."""
    filler = "This paragraph is long enough that eighty characters of context cannot show its end; " * 2
    path = build_template(tmp_path / "t.docx", ["{%p if a %}", "A", "{%p endif %}", filler + "{% endif %}"])
    with pytest.raises(TemplateError) as err:
        CompiledTemplate.load(path)
    assert "{% endif %}" in err.value.message


def test_runtime_error_shows_the_whole_tag(tmp_path: Path) -> None:
    filler = "A long paragraph of ordinary text that pushes the failing tag far to the right of it. " * 2
    path = build_template(tmp_path / "t.docx", [filler + "{{ deal.client.name_of_the_buyer }}"])
    with pytest.raises(TemplateError) as err:
        CompiledTemplate.load(path).render({"deal": {"client": {}}})
    assert "{{ deal.client.name_of_the_buyer }}" in err.value.message


def test_plain_string_cannot_forge_a_paragraph_break(tmp_path: Path) -> None:
    """Only RichText/Listing markup breaks paragraphs; data keeps its paragraph."""
    path = build_template(tmp_path / "t.docx", ["V: {{ v }}"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XmlCharWarning)
        out = text_of(CompiledTemplate.load(path).render({"v": "x\U0010fff5y"}))
    assert out == ["document: V: xy"]


# ------------------------------------------------------------------ seller.logo


def _logo_deal(tmp_path: Path, logo_line: str, logo_bytes: bytes | None = tiny_png(), name: str = "logo.png") -> Path:
    if logo_bytes is not None:
        (tmp_path / "art").mkdir(exist_ok=True)
        (tmp_path / "art" / name).write_bytes(logo_bytes)
    text = (ROOT / "samples" / "deal-en_US.yaml").read_text(encoding="utf-8")
    text = text.replace("  name: Northwind Analytics Ltd.\n", "  name: Northwind Analytics Ltd.\n" + logo_line, 1)
    path = tmp_path / "deal.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_logo_path_is_relative_to_the_deal_and_checked(tmp_path: Path) -> None:
    from bidgen.errors import BidgenError
    from bidgen.inputs.load import load_deal

    deal = load_deal(_logo_deal(tmp_path, "  logo: art/logo.png\n"))
    assert deal.seller.logo == str((tmp_path / "art" / "logo.png").resolve())
    cases = [
        ("  logo: art/missing.png\n", tiny_png(), "no such file"),
        ("  logo: art/logo.gif\n", b"GIF89a" + b"\0" * 20, "not a PNG or JPEG"),
        ("  logo: art/big.png\n", tiny_png() + b"\0" * (5 * 1024 * 1024), "limit"),
    ]
    for line, data, message in cases:
        name = line.split("/")[-1].strip()
        path = _logo_deal(tmp_path, line, data, name if "missing" not in name else "logo.png")
        with pytest.raises(BidgenError) as err:
            load_deal(path)
        text = str(err.value)
        assert "seller.logo" in text and message in text and "deal.yaml:" in text


def test_logo_on_the_cover_and_in_the_header_of_every_built_in_document(tmp_path: Path) -> None:
    from bidgen.inputs.load import load_deal, load_meeting, load_tender
    from bidgen.pipeline import make_all

    deal = load_deal(_logo_deal(tmp_path, "  logo: art/logo.png\n"))
    written = make_all(deal, tmp_path / "out", tender=load_tender(ROOT / "samples" / "tender-en_US.yaml"),
                       meeting=load_meeting(ROOT / "samples" / "meeting-en_US.yaml"))
    docs = {w.path.name.split("_")[0]: w.path for w in written if w.path.suffix == ".docx"}
    assert set(docs) == {"Proposal", "Bid", "Memo", "Brief"}
    for kind, path in docs.items():
        d = docx.Document(str(path))
        header = d.sections[0].header._element
        assert header.xpath(".//w:drawing"), f"{kind}: no logo in the header"
        body_images = len(d.inline_shapes)
        assert body_images == (1 if kind in ("Proposal", "Bid") else 0), kind
    plain = make_all(load_deal(ROOT / "samples" / "deal-en_US.yaml"), tmp_path / "plain")
    for w in plain:
        if w.path.suffix == ".docx":
            with zipfile.ZipFile(w.path) as zf:
                assert not [n for n in zf.namelist() if n.startswith("word/media/")]
