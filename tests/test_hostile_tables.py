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
