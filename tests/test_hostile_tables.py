"""Issue 9, kind 7: conditionals that empty a table cell or remove every row never make a file Word refuses."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from helpers_docx import build_template
from lxml import etree

from bidgen.docx.readback import read_docx
from bidgen.docx.render import CompiledTemplate

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _document(data: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return etree.fromstring(zf.read("word/document.xml"))


def _assert_word_valid(root: etree._Element) -> None:
    for tbl in root.iter(f"{W}tbl"):
        assert tbl.find(f"{W}tr") is not None, "a table without rows"
    for tc in root.iter(f"{W}tc"):
        blocks = [c for c in tc if c.tag in (f"{W}p", f"{W}tbl")]
        assert blocks and blocks[-1].tag == f"{W}p", "a cell without a closing paragraph"


def test_a_cell_emptied_by_a_conditional_keeps_a_paragraph(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("Before")
    table = d.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "{{ client }}"
    cell = table.cell(0, 1)
    cell.paragraphs[0].text = "{%p if show %}"
    cell.add_paragraph("{{ note }}")
    cell.add_paragraph("{%p endif %}")
    d.add_paragraph("After")
    path = tmp_path / "cell.docx"
    d.save(str(path))
    tpl = CompiledTemplate.load(path)
    data = tpl.render({"client": "Acme", "show": False, "note": "n"})
    _assert_word_valid(_document(data))
    doc = read_docx(data)
    assert doc.tables == [[["Acme", ""]]] and doc.paragraphs == ["Before", "After"]
    assert read_docx(tpl.render({"client": "Acme", "show": True, "note": "n"})).tables == [[["Acme", "n"]]]


def test_a_table_whose_rows_are_all_removed_is_removed(tmp_path: Path) -> None:
    path = build_template(tmp_path / "rows.docx", ["Before"], table=[
        ["{%tr for r in rows %}", ""],
        ["{{ r.a }}", "{{ r.b }}"],
        ["{%tr endfor %}", ""],
    ], after_table=["After"])
    tpl = CompiledTemplate.load(path)
    empty = tpl.render({"rows": []})
    _assert_word_valid(_document(empty))
    assert read_docx(empty).tables == [] and read_docx(empty).paragraphs == ["Before", "After"]
    full = tpl.render({"rows": [{"a": "1", "b": "2"}]})
    assert read_docx(full).tables == [[["1", "2"]]]


def test_the_bytes_say_complete_only_when_the_tree_needs_no_fix() -> None:
    """complete_blocks (the cheap proof on a rendered part's bytes) never says "complete" for a
    part that fix_empty_blocks would change, over cells, tables, headers and footers of every
    kind a conditional can leave, alone and combined."""
    import itertools

    from bidgen.docx.render import complete_blocks, fix_empty_blocks

    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    p = "<w:p><w:r><w:t>x</w:t></w:r></w:p>"
    cells = [
        f"<w:tc><w:tcPr><w:tcW w:w=\"100\"/></w:tcPr>{p}</w:tc>",  # complete
        "<w:tc><w:p/></w:tc>",  # complete
        "<w:tc><w:tcPr><w:tcW w:w=\"100\"/></w:tcPr></w:tc>",  # no block
        "<w:tc/>",  # no block
        f"<w:tc>{p}<w:tbl><w:tr><w:tc>{p}</w:tc></w:tr></w:tbl></w:tc>",  # ends in a table
        f"<w:tc><w:bookmarkStart w:id=\"1\" w:name=\"b\"/>{p}</w:tc>",  # a block, not first (unsure)
        "<w:tc><w:bookmarkStart w:id=\"1\" w:name=\"b\"/><w:bookmarkEnd w:id=\"1\"/></w:tc>",  # no block
        f"<w:tc>{p}<w:bookmarkEnd w:id=\"1\"/></w:tc>",  # ends in a paragraph, then a mark (unsure)
        f"<w:tc>\n{p}\n</w:tc>",  # whitespace (unsure)
        "<w:tc w:id=\"x\"/>",  # no block, self-closing with an attribute (QA3 Q3-8)
        f"<w:sdt><w:sdtContent><w:tc>{p}</w:tc></w:sdtContent></w:sdt>",  # a cell in a content control
    ]
    tables = [
        "<w:tbl><w:tblPr/><w:tblGrid><w:gridCol w:w=\"100\"/></w:tblGrid>{rows}</w:tbl>",
        "<w:tbl>{rows}</w:tbl>",
        "<w:tbl><w:tblPr><w:tblW w:w=\"0\"/></w:tblPr></w:tbl>",  # no rows
        "<w:tbl/>",  # no rows
        "<w:tbl><w:tblPr/><w:sdt><w:sdtContent>{rows}</w:sdtContent></w:sdt></w:tbl>",  # rows in a control
    ]
    bodies = []
    for a, b in itertools.product(cells, repeat=2):
        row = f"<w:tr>{a}{b}</w:tr>"
        bodies += [t.format(rows=row) for t in tables]
    parts = [f"<w:document {ns}><w:body>{p}{body}{p}</w:body></w:document>" for body in bodies]
    for kind in ("hdr", "ftr"):
        for inside in ("", p, f"{p}{tables[0].format(rows='<w:tr>' + cells[0] + '</w:tr>')}", "<w:p/>",
                       f"{p}<w:bookmarkEnd w:id=\"1\"/>", f"{tables[0].format(rows='<w:tr>' + cells[0] + '</w:tr>')}{p}"):
            parts.append(f"<w:{kind} {ns}>{inside}</w:{kind}>")
        parts.append(f"<w:{kind} {ns}/>")
    said_complete = 0
    for xml in parts:
        data = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n' + xml).encode()
        needs = fix_empty_blocks(etree.fromstring(data))
        if complete_blocks(data):
            said_complete += 1
            assert not needs, xml
    assert said_complete >= 14  # and it does say so for the plain complete ones (8 bodies, 3 headers, 3 footers)


def test_a_table_whose_rows_stand_in_a_content_control_is_kept() -> None:
    """QA3 Q3-5: a Word repeating section (w:tbl/w:sdt/w:sdtContent/w:tr) has rows: the table
    must not be removed as one without rows."""
    from bidgen.docx.render import fix_empty_blocks

    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    row = "<w:tr><w:tc><w:p><w:r><w:t>kept</w:t></w:r></w:p></w:tc></w:tr>"
    root = etree.fromstring(f"<w:document {ns}><w:body><w:tbl><w:tblPr/><w:sdt><w:sdtContent>{row}"
                            "</w:sdtContent></w:sdt></w:tbl><w:p/></w:body></w:document>")
    assert not fix_empty_blocks(root)
    assert [t.text for t in root.iter(f"{W}t")] == ["kept"]
    emptied = etree.fromstring(f"<w:document {ns}><w:body><w:tbl><w:tblPr/><w:sdt><w:sdtContent>"
                               "</w:sdtContent></w:sdt></w:tbl><w:p/></w:body></w:document>")
    assert fix_empty_blocks(emptied) and not list(emptied.iter(f"{W}tbl"))
