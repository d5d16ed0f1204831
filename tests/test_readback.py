"""Tests of bidgen.docx.readback: text, tables and marked terms read back, after edits too."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from helpers_docx import build_template, part_xml, replace_part

from bidgen.errors import InputError
from bidgen.docx.readback import read_docx
from bidgen.docx.render import CompiledTemplate

CONTEXT = {
    "t": "1,000.00",
    "words": "one thousand dollars",
    "days": 60,
    "ref": "P-7",
    "rows": [{"n": "Pump", "a": "600.00"}, {"n": "Valve", "a": "400.00"}],
}
TERM_RE = r'(<w:bookmarkStart w:id="(\d+)" w:name="{name}"/>)(<w:r>.*?</w:r>)(<w:bookmarkEnd w:id="\2"/>)'


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = build_template(
        tmp_path_factory.mktemp("rb") / "tpl.docx",
        ["Total: {{ t | term('total') }} USD", "In words: {{ words | term('total_words') }}."],
        table=[
            ["Item", "Amount"],
            ["{%tr for r in rows %}", ""],
            ["{{ r.n }}", "{{ r.a | term('line.' ~ loop.index) }}"],
            ["{%tr endfor %}", ""],
        ],
        after_table=["Delivery in {{ days | term('delivery_days') }} days."],
        header="Proposal {{ ref }}",
        footer="Total {{ t | term('total') }}",
        bold_runs=True,
    )
    return CompiledTemplate.load(path).render(CONTEXT)


def edit(data: bytes, fn: object, part: str = "word/document.xml") -> bytes:
    xml = part_xml(data, part)
    new = fn(xml)  # type: ignore[operator]
    assert new != xml, "edit did not change the XML"
    return replace_part(data, part, new)


def test_text_tables_headers_footers(rendered: bytes) -> None:
    doc = read_docx(rendered)
    assert doc.paragraphs == [
        "Total: 1,000.00 USD", "In words: one thousand dollars.", "Delivery in 60 days.",
    ]
    assert doc.tables == [[["Item", "Amount"], ["Pump", "600.00"], ["Valve", "400.00"]]]
    assert doc.headers == ["Proposal P-7"] and doc.footers == ["Total 1,000.00"]
    assert "Valve" in doc.all_paragraphs and "Proposal P-7" in doc.all_text()
    assert not doc.has_tracked_changes and doc.comments == [] and doc.hidden_texts == []


def test_terms_with_locations(rendered: bytes) -> None:
    terms = read_docx(rendered).terms
    assert [(h.value, h.part, h.where) for h in terms["total"]] == [
        ("1,000.00", "word/document.xml", "paragraph 1"),
        ("1,000.00", "word/footer1.xml", "paragraph 1"),
    ]
    assert [h.name for h in terms["total"]] == ["bg_total_1", "bg_total_2"]
    assert terms["total_words"][0].value == "one thousand dollars"
    assert terms["line.2"][0].where == "table 1, row 3, cell 2"
    assert terms["line.2"][0].value == "400.00"
    assert terms["delivery_days"][0].where == "paragraph 3"
    assert not any(h.suspicious for hits in terms.values() for h in hits)


def test_hand_edit_inside_bookmark_is_read(rendered: bytes) -> None:
    edited = edit(rendered, lambda x: x.replace(">60<", ">90<"))
    doc = read_docx(edited)
    assert doc.term_values("delivery_days") == ["90"]
    assert doc.paragraphs[2] == "Delivery in 90 days."


def test_value_split_over_runs_and_paragraphs(rendered: bytes) -> None:
    def split(xml: str) -> str:
        m = re.search(TERM_RE.format(name="bg_total_1"), xml)
        assert m
        run = m.group(3).replace("1,000.00", "1,0</w:t></w:r><w:r><w:t>00.00")
        moved = m.group(1) + run  # the end moves into the next paragraph, as LibreOffice may
        xml = xml.replace(m.group(0), moved)
        return xml.replace("one thousand dollars</w:t></w:r>",
                           f'one thousand dollars</w:t></w:r><w:bookmarkEnd w:id="{m.group(2)}"/>', 1)

    doc = read_docx(edit(rendered, split))
    assert doc.terms["total"][0].value == "1,000.00 USD\nIn words: one thousand dollars"
    assert doc.paragraphs[0] == "Total: 1,000.00 USD"


def test_tracked_changes_in_term(rendered: bytes) -> None:
    def track(xml: str) -> str:
        m = re.search(TERM_RE.format(name="bg_total_1"), xml)
        assert m
        ins = f'<w:ins w:id="901" w:author="Bob" w:date="2025-01-01T00:00:00Z">{m.group(3)}</w:ins>'
        dele = ('<w:del w:id="902" w:author="Bob" w:date="2025-01-01T00:00:00Z">'
                "<w:r><w:delText>9,999.00</w:delText></w:r></w:del>")
        return xml.replace(m.group(0), m.group(1) + dele + ins + m.group(4))

    doc = read_docx(edit(rendered, track))
    hit = doc.terms["total"][0]
    assert doc.has_tracked_changes
    assert (hit.value, hit.in_insertion, hit.in_deletion, hit.deleted_text) == (
        "1,000.00", True, True, "9,999.00",
    )
    assert hit.suspicious and doc.paragraphs[0] == "Total: 1,000.00 USD"


def test_hidden_text_in_term(rendered: bytes) -> None:
    def hide(xml: str) -> str:
        m = re.search(TERM_RE.format(name="bg_total_words_1".replace("_words", "_uwords")), xml)
        assert m
        return xml.replace(m.group(3), m.group(3).replace("<w:rPr>", "<w:rPr><w:vanish/>", 1))

    doc = read_docx(edit(rendered, hide))
    assert doc.terms["total_words"][0].hidden
    assert doc.hidden_texts == ["one thousand dollars"]


def test_comment_over_term(rendered: bytes) -> None:
    def comment(xml: str) -> str:
        m = re.search(TERM_RE.format(name="bg_delivery_udays_1"), xml)
        assert m
        return xml.replace(m.group(0), '<w:commentRangeStart w:id="5"/>' + m.group(0)
                           + '<w:commentRangeEnd w:id="5"/>')

    data = edit(rendered, comment)
    comments_xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:comments xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        '<w:comment w:id="5" w:author="Ann"><w:p><w:r><w:t>Check this</w:t></w:r></w:p></w:comment>'
        "</w:comments>"
    )
    data = _add_part(data, "word/comments.xml", comments_xml, "comments")
    doc = read_docx(data)
    assert doc.comments == ["Check this"]
    assert doc.terms["delivery_days"][0].commented


def _add_part(data: bytes, name: str, xml: str, rel_type: str) -> bytes:
    rels_name = "word/_rels/document.xml.rels"
    rels = part_xml(data, rels_name).replace(
        "</Relationships>",
        f'<Relationship Id="rIdX9" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/{rel_type}" Target="{name.split("/", 1)[1]}"/></Relationships>',
    )
    data = replace_part(data, rels_name, rels)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info.filename))
        zout.writestr(name, xml)
    return out.getvalue()


def test_not_a_docx(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        read_docx(b"not a zip")
    empty = io.BytesIO()
    with zipfile.ZipFile(empty, "w") as zf:
        zf.writestr("hello.txt", "x")
    with pytest.raises(InputError, match="not a Word document"):
        read_docx(empty.getvalue())
    with pytest.raises(InputError):
        read_docx(tmp_path / "missing.docx")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_terms_survive_libreoffice_round_trip(rendered: bytes, tmp_path: Path) -> None:
    src = tmp_path / "in.docx"
    src.write_bytes(rendered)
    outdir = tmp_path / "out"
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to",
         "docx:MS Word 2007 XML", "--outdir", str(outdir), str(src)],
        check=True, capture_output=True, timeout=120,
    )
    before, after = read_docx(rendered), read_docx(outdir / "in.docx")
    assert {k: [h.value for h in v] for k, v in after.terms.items()} == {
        k: [h.value for h in v] for k, v in before.terms.items()
    }
    assert after.paragraphs == before.paragraphs and after.tables == before.tables
    assert [h.where for h in after.terms["line.2"]] == ["table 1, row 3, cell 2"]


def test_an_excel_workbook_renamed_docx_is_not_read(tmp_path):
    import zipfile

    import pytest as _pytest

    from bidgen.errors import InputError
    from bidgen.docx.readback import read_docx

    # a minimal Excel workbook, written by hand (openpyxl is no longer a dependency)
    path = tmp_path / "prices.docx"
    ct = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
          'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
          'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
          'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
          'sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
          'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>676,200.00</t></is>'
             '</c></row></sheetData></worksheet>')
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", ct)
        z.writestr("_rels/.rels", rels)
        z.writestr("xl/workbook.xml", '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>')
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    with _pytest.raises(InputError, match="not a Word document"):
        read_docx(path)
