"""Tests of the docx engine: bidgen.docx.render, bidgen.docx.xmlsafe, bidgen.docx.zipio."""

from __future__ import annotations

import datetime as dt
import io
import os
import pickle
import re
import zipfile
from pathlib import Path

import docx
import pytest

from bidgen.docx import render, zipio as docxzip
from bidgen.errors import RenderError, TemplateError
from bidgen.docx.readback import read_docx
from bidgen.docx.render import CompiledTemplate, make_environment, render_to_file, write_atomic
from bidgen.docx.xmlsafe import (
    XmlCharWarning,
    bookmark_name,
    decode_key,
    encode_key,
    parse_bookmark_name,
    strip_sentinels,
)
from helpers_docx import build_template, part_xml, tiny_png

HOSTILE = [
    "{{ 7*7 }}",
    "{% if true %}yes{% endif %}",
    "{_{ x }_} {_% y %_}",
    "{# comment #}",
    "A & B &amp; &lt;c&gt;",
    "<w:t>injected</w:t></w:r></w:p><w:p><w:r><w:t>x",
    "\"double\" and 'single' quotes",
    "<![CDATA[ x ]]> <?xml version='1.0'?> <!-- c -->",
    "{{r 'x' }} {%p if 1 %}",
    "日本語 – émoji 😀",
]


@pytest.fixture()
def simple(tmp_path: Path) -> Path:
    return build_template(
        tmp_path / "simple.docx",
        ["Client: {{ client }}", ["Total: ", "{{ total | term('total') }}", " USD"], "End"],
        header="Header {{ client }}",
        footer="Ref {{ ref }}",
        page_numbers=True,
    )


def ctx(**extra: object) -> dict[str, object]:
    base: dict[str, object] = {"client": "Acme", "total": "1,000.00", "ref": "P-1"}
    base.update(extra)
    return base


# ------------------------------------------------------------------ basics


def test_renders_body_header_footer(simple: Path) -> None:
    text = read_docx(CompiledTemplate.load(simple).render(ctx()))
    assert text.paragraphs == ["Client: Acme", "Total: 1,000.00 USD", "End"]
    assert text.headers == ["Header Acme"]
    assert text.footers == ["Ref P-1 page 1"]


def test_variables_and_rendered_parts(simple: Path) -> None:
    tpl = CompiledTemplate.load(simple)
    assert tpl.variables == {"client", "total", "ref"}
    assert "word/document.xml" in tpl.rendered_parts
    assert "word/styles.xml" not in tpl.rendered_parts


def test_output_opens_in_python_docx(simple: Path) -> None:
    document = docx.Document(io.BytesIO(CompiledTemplate.load(simple).render(ctx())))
    assert document.paragraphs[0].text == "Client: Acme"


def test_tags_split_across_runs(tmp_path: Path) -> None:
    path = build_template(tmp_path / "split.docx", [["Hello {", "{ na", "me }", "}!"]])
    assert read_docx(CompiledTemplate.load(path).render({"name": "Ann"})).paragraphs == ["Hello Ann!"]


def test_literal_braces_escape(tmp_path: Path) -> None:
    path = build_template(tmp_path / "lit.docx", ["Use {_{ name }_} and {_% if %_}"])
    out = read_docx(CompiledTemplate.load(path).render({}))
    assert out.paragraphs == ["Use {{ name }} and {% if %}"]


# ------------------------------------------------------------------ errors


def test_missing_variable_names_template_part_and_variable(simple: Path) -> None:
    with pytest.raises(TemplateError) as info:
        CompiledTemplate.load(simple).render({"total": "1", "ref": "x"})
    err = info.value
    assert "'client'" in err.message and err.where.field == "word/document.xml"
    assert err.where.file == str(simple) and err.where.line is not None
    assert "Client: {{ client }}" in err.message  # the offending line


def test_missing_variable_in_footer_names_footer(simple: Path) -> None:
    with pytest.raises(TemplateError) as info:
        CompiledTemplate.load(simple).render({"client": "A", "total": "1"})
    assert info.value.where.field == "word/footer1.xml" and "'ref'" in info.value.message


def test_missing_attribute_is_error(tmp_path: Path) -> None:
    path = build_template(tmp_path / "attr.docx", ["{{ deal.nope }}"])
    with pytest.raises(TemplateError, match="nope"):
        CompiledTemplate.load(path).render({"deal": {"name": "x"}})


def test_syntax_error_names_template_and_line(tmp_path: Path) -> None:
    path = build_template(tmp_path / "bad.docx", ["ok", "ok", "Broken {{ x | }}"])
    with pytest.raises(TemplateError) as info:
        CompiledTemplate.load(path)
    assert info.value.where.file == str(path) and info.value.where.line is not None
    assert "syntax" in info.value.message


def test_unclosed_block_is_syntax_error(tmp_path: Path) -> None:
    path = build_template(tmp_path / "open.docx", ["{%p if x %}", "body"])
    with pytest.raises(TemplateError, match="syntax"):
        CompiledTemplate.load(path)


def test_none_value_is_an_error(simple: Path) -> None:
    with pytest.raises(RenderError, match="None") as info:
        CompiledTemplate.load(simple).render(ctx(client=None))
    assert info.value.where.field == "word/document.xml"


def test_sandbox_blocks_internals(tmp_path: Path) -> None:
    path = build_template(tmp_path / "evil.docx", ["{{ x.__class__.__mro__ }}"])
    with pytest.raises(TemplateError):
        CompiledTemplate.load(path).render({"x": "s"})


def test_not_a_docx(tmp_path: Path) -> None:
    bad = tmp_path / "bad.docx"
    bad.write_text("hello")
    with pytest.raises(TemplateError, match="zip"):
        CompiledTemplate.load(bad)
    with pytest.raises(TemplateError, match="cannot read"):
        CompiledTemplate.load(tmp_path / "missing.docx")


def test_malformed_output_is_caught_before_writing(tmp_path: Path) -> None:
    path = build_template(tmp_path / "safe.docx", ["{{ x | safe }}"])
    out = tmp_path / "out.docx"
    with pytest.raises(RenderError) as info:
        render_to_file(path, {"x": "</w:t><w:p>"}, out)
    assert info.value.where.field == "word/document.xml" and "line" in info.value.message
    assert not out.exists() and list(tmp_path.glob(".out.docx*")) == []


# ------------------------------------------------------------------ hostile values


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_render_literally(simple: Path, value: str) -> None:
    data = CompiledTemplate.load(simple).render(ctx(client=value, total=value))
    out = read_docx(data)
    assert out.paragraphs[0] == f"Client: {value}"
    assert out.headers == [f"Header {value}"]
    assert out.term_values("total") == [value]


def test_newlines_and_tabs_become_breaks(simple: Path) -> None:
    data = CompiledTemplate.load(simple).render(ctx(client="a\nb\r\nc\rd\te"))
    xml = part_xml(data)
    assert xml.count("<w:br/>") == 3 and "<w:tab/>" in xml
    assert read_docx(data).paragraphs[0] == "Client: a\nb\nc\nd\te"


def test_newline_in_property_stays_text(tmp_path: Path) -> None:
    path = build_template(tmp_path / "p.docx", ["x"])
    with zipfile.ZipFile(path) as zf:
        core = zf.read("docProps/core.xml").decode()
    core = core.replace("<dc:title/>", "<dc:title>{{ title }}</dc:title>")
    from helpers_docx import replace_part

    path.write_bytes(replace_part(path.read_bytes(), "docProps/core.xml", core))
    data = CompiledTemplate.load(path).render({"title": "A & B\nC"})
    assert "<dc:title>A &amp; B\nC</dc:title>" in part_xml(data, "docProps/core.xml")


# ------------------------------------------------------------------ XML-illegal characters


@pytest.mark.parametrize("bad", ["\x0b", "\x00", "\x07", "\ud800", "\ufffe", "\uffff", "\x1f"])
def test_illegal_chars_are_stripped_with_warning(simple: Path, bad: str) -> None:
    with pytest.warns(XmlCharWarning) as records:
        data = CompiledTemplate.load(simple).render(ctx(client=f"Ac{bad}me"))
    messages = [str(r.message) for r in records]
    assert any("word/document.xml" in m and f"U+{ord(bad):04X}" in m for m in messages)
    assert any("word/header1.xml" in m for m in messages)
    assert read_docx(data).paragraphs[0] == "Client: Acme"
    assert read_docx(data).headers == ["Header Acme"]


def test_illegal_chars_policy_error(simple: Path) -> None:
    with pytest.raises(RenderError, match="U\\+000B") as info:
        CompiledTemplate.load(simple).render(ctx(client="a\x0bb"), illegal_chars="error")
    assert info.value.where.field == "word/document.xml"
    with pytest.raises(ValueError):
        CompiledTemplate.load(simple).render(ctx(), illegal_chars="ignore")


def test_illegal_chars_inside_term_are_stripped(simple: Path) -> None:
    with pytest.warns(XmlCharWarning):
        data = CompiledTemplate.load(simple).render(ctx(total="1\x0c00"))
    assert read_docx(data).term_values("total") == ["100"]


# ------------------------------------------------------------------ term marks


def test_term_becomes_bookmark_with_formatting(tmp_path: Path) -> None:
    path = build_template(
        tmp_path / "t.docx",
        ["Total {{ t | term('total') }} USD", "Again {{ t | term('total') }}",
         "{{ m | term('milestone.1.amount') }}"],
        bold_runs=True,
    )
    data = CompiledTemplate.load(path).render({"t": "9.00", "m": "3.00"})
    xml = part_xml(data)
    names = re.findall(r'w:bookmarkStart w:id="\d+" w:name="([^"]+)"', xml)
    assert names == ["bg_total_1", "bg_total_2", "bg_milestone_d1_damount_1"]
    ids = re.findall(r'w:bookmarkStart w:id="(\d+)"', xml)
    assert len(set(ids)) == 3
    # the value's run keeps the bold formatting of the original run
    m = re.search(r'w:name="bg_total_1"/><w:r><w:rPr>(.*?)</w:rPr><w:t[^>]*>9\.00<', xml)
    assert m and "<w:b/>" in m.group(1)
    terms = read_docx(data).terms
    assert [h.value for h in terms["total"]] == ["9.00", "9.00"]
    assert terms["milestone.1.amount"][0].value == "3.00"
    assert read_docx(data).paragraphs[0] == "Total 9.00 USD"


def test_term_in_loop_with_computed_key(tmp_path: Path) -> None:
    path = build_template(
        tmp_path / "loop.docx",
        ["{%p for m in ms %}", "{{ m | term('milestone.' ~ loop.index ~ '.amount') }}", "{%p endfor %}"],
    )
    out = read_docx(CompiledTemplate.load(path).render({"ms": ["10", "20", "30"]}))
    assert [out.term_values(f"milestone.{i}.amount") for i in (1, 2, 3)] == [["10"], ["20"], ["30"]]


def test_bad_term_key_is_template_error(tmp_path: Path) -> None:
    path = build_template(tmp_path / "k.docx", ["{{ v | term('bad key!') }}"])
    with pytest.raises(TemplateError, match="term key"):
        CompiledTemplate.load(path).render({"v": "1"})
    long_key = build_template(tmp_path / "l.docx", ["{{ v | term('" + "a" * 40 + "') }}"])
    with pytest.raises(TemplateError, match="too long"):
        CompiledTemplate.load(long_key).render({"v": "1"})


def test_data_cannot_forge_term_marks(tmp_path: Path) -> None:
    from bidgen.docx import xmlsafe

    def mark(nonce: str, value: str) -> str:
        return xmlsafe._S_START + nonce + "total" + xmlsafe._S_SEP + value + xmlsafe._S_END

    with_nonce = mark(xmlsafe._NONCE, "777")  # even knowing the secret nonce
    wrong_nonce = mark("0" * 12, "666")
    path = build_template(
        tmp_path / "f.docx",
        ["A {{ a }}", "B {{ (x | term('total')) ~ b }}", "C {{ a | term('total') }}"],
    )
    data = CompiledTemplate.load(path).render({"a": with_nonce + wrong_nonce, "b": wrong_nonce, "x": "1"})
    out = read_docx(data)
    plain = xmlsafe._NONCE + "total777" + "0" * 12 + "total666"
    assert out.paragraphs == ["A " + plain, "B 1" + "0" * 12 + "total666", "C " + plain]
    assert out.term_values("total") == ["1", plain]
    assert "\U0010fff0" not in part_xml(data)


def test_term_outside_run_text_is_unwrapped(tmp_path: Path) -> None:
    path = build_template(tmp_path / "core.docx", ["x"])
    with zipfile.ZipFile(path) as zf:
        core = zf.read("docProps/core.xml").decode()
    core = core.replace("<dc:title/>", "<dc:title>{{ t | term('total') }}</dc:title>")
    from helpers_docx import replace_part

    path.write_bytes(replace_part(path.read_bytes(), "docProps/core.xml", core))
    data = CompiledTemplate.load(path).render({"t": "5 & 6"})
    assert "<dc:title>5 &amp; 6</dc:title>" in part_xml(data, "docProps/core.xml")


@pytest.mark.parametrize("key", ["total", "total_words", "milestone.1.amount", "a_.b__c", "_x", "x_u"])
def test_bookmark_names_are_reversible(key: str) -> None:
    assert decode_key(encode_key(key)) == key
    name = bookmark_name(key, 12)
    assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name)
    assert parse_bookmark_name(name) == key


def test_foreign_bookmarks_are_not_terms() -> None:
    assert parse_bookmark_name("_GoBack") is None
    assert parse_bookmark_name("bg_") is None
    assert parse_bookmark_name("bg_total") is None
    assert parse_bookmark_name("bg_to_xtal_1") is None
    assert strip_sentinels("a\U0010fff0b\U0010fff4") == "ab"


# ------------------------------------------------------------------ paragraphs and tables


def test_skipped_section_leaves_no_empty_paragraph(tmp_path: Path) -> None:
    path = build_template(
        tmp_path / "sec.docx",
        ["Intro", "{%p if show %}", "Section title", "Section body {{ x }}", "{%p endif %}", "Outro"],
    )
    tpl = CompiledTemplate.load(path)
    hidden = read_docx(tpl.render({"show": False, "x": "1"}))
    assert hidden.paragraphs == ["Intro", "Outro"]
    shown = read_docx(tpl.render({"show": True, "x": "1"}))
    assert shown.paragraphs == ["Intro", "Section title", "Section body 1", "Outro"]
    body = part_xml(tpl.render({"show": False, "x": "1"}))
    assert len(re.findall(r"<w:p[ >]", body)) == 2


def test_table_row_loop(tmp_path: Path) -> None:
    rows = [["Item", "Qty"], ["{%tr for it in items %}", ""], ["{{ it.n }}", "{{ it.q }}"], ["{%tr endfor %}", ""]]
    path = build_template(tmp_path / "tr.docx", ["Items"], table=rows)
    out = read_docx(CompiledTemplate.load(path).render({"items": [{"n": "a", "q": 1}, {"n": "b", "q": 2}]}))
    assert out.tables == [[["Item", "Qty"], ["a", "1"], ["b", "2"]]]


def test_table_column_loop_fixes_grid(tmp_path: Path) -> None:
    rows = [["Name", "{%tc for c in cols %}", "{{ c }}", "{%tc endfor %}"]]
    path = build_template(tmp_path / "tc.docx", [], table=rows)
    data = CompiledTemplate.load(path).render({"cols": ["v", "w", "x", "y", "z"]})
    assert read_docx(data).tables == [[["Name", "v", "w", "x", "y", "z"]]]
    assert part_xml(data).count("<w:gridCol ") == 6


def test_pictures_in_loops_get_unique_ids(tmp_path: Path) -> None:
    image = tmp_path / "dot.png"
    image.write_bytes(tiny_png())
    document = docx.Document()
    document.add_paragraph("{%p for x in xs %}")
    document.add_paragraph("Logo {{ x }}").add_run().add_picture(str(image))
    document.add_paragraph("{%p endfor %}")
    document.save(tmp_path / "pic.docx")
    data = CompiledTemplate.load(tmp_path / "pic.docx").render({"xs": ["a", "b", "c"]})
    ids = re.findall(r'<wp:docPr id="(\d+)"', part_xml(data))
    assert len(ids) == 3 and len(set(ids)) == 3
    assert read_docx(data).paragraphs == ["Logo a", "Logo b", "Logo c"]


# ------------------------------------------------------------------ determinism and zip


def test_same_inputs_give_identical_bytes(simple: Path) -> None:
    first = CompiledTemplate.load(simple).render(ctx(client="X\nY", doc_date=dt.date(2025, 3, 1)))
    render.clear_cache()
    second = CompiledTemplate.load(simple).render(ctx(client="X\nY", doc_date=dt.date(2025, 3, 1)))
    assert first == second
    infos = zipfile.ZipFile(io.BytesIO(first)).infolist()
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_untouched_members_copied_compressed(simple: Path) -> None:
    template_members = {m.name: m for m in docxzip.read_members(simple.read_bytes(), "t")}
    out_members = docxzip.read_members(CompiledTemplate.load(simple).render(ctx()), "o")
    assert [m.name for m in out_members] == list(template_members)
    styles = next(m for m in out_members if m.name == "word/styles.xml")
    assert styles.compressed == template_members["word/styles.xml"].compressed
    assert zipfile.ZipFile(io.BytesIO(CompiledTemplate.load(simple).render(ctx()))).testzip() is None


def test_core_properties_dates(simple: Path) -> None:
    tpl = CompiledTemplate.load(simple)
    core = part_xml(tpl.render(ctx(doc_date=dt.date(2025, 3, 1))), "docProps/core.xml")
    assert core.count("2025-03-01T00:00:00Z") == 2 and "<cp:lastModifiedBy>bidgen<" in core
    assert "<cp:revision>1<" in core
    default = part_xml(tpl.render(ctx()), "docProps/core.xml")
    assert default.count("2000-01-01T00:00:00Z") == 2
    with pytest.raises(RenderError, match="doc_date"):
        tpl.render(ctx(doc_date=3))


# ------------------------------------------------------------------ cache, pickle, files


def test_cache_by_path_mtime_size(simple: Path) -> None:
    first = CompiledTemplate.load(simple)
    assert CompiledTemplate.load(simple) is first
    build_template(simple, ["Changed {{ client }} and more text"])
    os.utime(simple, ns=(1, 1))
    second = CompiledTemplate.load(simple)
    assert second is not first
    assert read_docx(second.render({"client": "Z"})).paragraphs == ["Changed Z and more text"]


def test_pickle_reloads_from_path(simple: Path) -> None:
    tpl = CompiledTemplate.load(simple)
    again = pickle.loads(pickle.dumps(tpl))
    assert again.render(ctx()) == tpl.render(ctx())


def test_from_bytes_renders_but_does_not_pickle(simple: Path) -> None:
    tpl = CompiledTemplate.from_bytes(simple.read_bytes(), "mem.docx")
    assert tpl.render(ctx()) == CompiledTemplate.load(simple).render(ctx())
    with pytest.raises(TypeError):
        pickle.dumps(tpl)


def test_custom_environment_filters(simple: Path) -> None:
    env = make_environment({"shout": lambda s: str(s).upper()})
    path = build_template(simple.parent / "f.docx", ["{{ client | shout }}"])
    tpl = CompiledTemplate.load(path, env=env)
    assert read_docx(tpl.render({"client": "acme"})).paragraphs == ["ACME"]


def test_render_to_file_creates_dirs(simple: Path, tmp_path: Path) -> None:
    out = render_to_file(simple, ctx(), tmp_path / "a" / "b" / "doc.docx")
    assert out.exists() and read_docx(out).paragraphs[0] == "Client: Acme"
    again = render_to_file(CompiledTemplate.load(simple), ctx(client="B"), out, fsync=False)
    assert read_docx(again).paragraphs[0] == "Client: B"


def test_write_atomic_replaces_and_cleans_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "doc.docx"
    write_atomic(target, b"old")
    assert target.read_bytes() == b"old"

    def boom(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(docxzip.os, "replace", boom)
    with pytest.raises(RenderError, match="No space"):
        write_atomic(target, b"new")
    monkeypatch.undo()
    with pytest.raises(TypeError):
        write_atomic(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.docx"]


def test_write_atomic_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="cannot write"):
        write_atomic(tmp_path / "nope" / "x.docx", b"x")


def test_paragraph_line_breaks_never_reach_the_output_and_errors_keep_their_line(tmp_path: Path) -> None:
    """Each paragraph is a line of the compiled source (for messages): compiled as Jinja comments
    where the part allows, as text taken out after rendering where it has comments of its own;
    both give the same document, and an error names the same line."""
    paras = ["First {{ a }}", "{%p if show %}", "Shown {{ b }}", "{%p endif %}", "Last {{ c }}"]
    plain = build_template(tmp_path / "plain.docx", paras)
    commented = build_template(tmp_path / "commented.docx", ["{# a note", "over two paragraphs #}", *paras])
    ctx = {"a": "1 & 2", "b": "two\nlines", "c": "3", "show": True}
    t_plain, t_commented = CompiledTemplate.load(plain), CompiledTemplate.load(commented)
    assert t_plain._parts["word/document.xml"].joined
    assert not t_commented._parts["word/document.xml"].joined
    for tpl in (t_plain, t_commented):
        data = tpl.render(ctx)
        assert "\n<w:p" not in part_xml(data)
        assert read_docx(data).paragraphs[-3:] == ["First 1 & 2", "Shown two\nlines", "Last 3"]
    for tpl in (t_plain, t_commented):
        with pytest.raises(TemplateError) as info:
            tpl.render({"a": "1", "show": True, "b": "2"})
        err = info.value
        assert "'c'" in err.message and "Last {{ c }}" in err.message
        # the line named is the paragraph's line in the source messages quote
        assert "{{ c }}" in tpl._parts["word/document.xml"].source.splitlines()[err.where.line - 1]


def test_a_paragraph_inside_a_tag_keeps_plain_line_breaks() -> None:
    assert render._joinable('<w:p>{{ a }}</w:p>\n<w:p>{% if x %}</w:p>')
    assert not render._joinable('<w:p>{{ a ~\n<w:p> b }}</w:p>')
    assert not render._joinable('<w:p>{% raw %}{{ a }}{% endraw %}</w:p>')
    assert not render._joinable('<w:p>{# note #}</w:p>')


def test_printed_values_go_through_one_call_that_cleans_and_escapes_as_before() -> None:
    """``{{ x }}`` compiles to one call (finalize_escape) that prints exactly what Jinja's
    ``escape(finalize(x))`` prints; a plain text goes out as it is."""
    from decimal import Decimal

    from markupsafe import Markup, escape

    env = make_environment()
    code = env.compile("{{ x }}", raw=True)
    assert "environment.finalize_escape(" in code and "escape(environment.finalize(" not in code
    values = ["plain", "A & B <c> 'd' \"e\"", "two\nlines\tand tab", Markup("<b>x</b>"),
              3, Decimal("1.50"), "", "中文，全角"]
    for value in values:
        assert render._finalize_escaped(value) == escape(render._finalize(value))
    with pytest.warns(XmlCharWarning, match="U\\+0001"):
        assert render._finalize_escaped("bad\x01char") == "badchar"
    assert render._finalize_escaped("plain") is not None and type(render._finalize_escaped("plain")) is str
    with pytest.raises(RenderError, match="None"):
        render._finalize_escaped(None)
    tpl = env.from_string("{{ a }}|{{ b }}|{% autoescape false %}{{ a }}{% endautoescape %}")
    assert tpl.render(a="x<y", b=Markup("<w:br/>")) == "x&lt;y|<w:br/>|x<y"


def test_a_cached_template_follows_its_path_to_the_file_it_leads_to_now(tmp_path: Path) -> None:
    """The compiled-template cache is keyed by the file a path leads to (device, inode, mtime,
    size): a link turned to another template gives that template, never the cached one."""
    one = build_template(tmp_path / "one.docx", ["One {{ x }}"])
    two = build_template(tmp_path / "two.docx", ["Two {{ x }}"])
    link = tmp_path / "current.docx"
    link.symlink_to(one)
    assert read_docx(CompiledTemplate.load(link).render({"x": "1"})).paragraphs == ["One 1"]
    assert CompiledTemplate.load(link) is CompiledTemplate.load(link)
    link.unlink()
    link.symlink_to(two)
    assert read_docx(CompiledTemplate.load(link).render({"x": "2"})).paragraphs == ["Two 2"]
