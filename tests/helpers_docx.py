"""Helpers for render/readback tests: build small .docx templates with python-docx."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

Row = Sequence[str]


def build_template(
    path: Path,
    paragraphs: Sequence[str | Sequence[str]] = (),
    *,
    table: Sequence[Row] | None = None,
    after_table: Sequence[str] = (),
    header: str | None = None,
    footer: str | None = None,
    page_numbers: bool = False,
    bold_runs: bool = False,
) -> Path:
    """Write a template: paragraphs (a list of strings = one paragraph of several runs),
    an optional table (rows of cell texts), more paragraphs, header/footer text."""
    doc = docx.Document()
    for para in paragraphs:
        _add_paragraph(doc, para, bold_runs)
    if table is not None:
        tbl = doc.add_table(rows=0, cols=len(table[0]))
        for row in table:
            cells = tbl.add_row().cells
            for cell, text in zip(cells, row):
                cell.text = text
    for para in after_table:
        _add_paragraph(doc, para, bold_runs)
    section = doc.sections[0]
    if header is not None:
        section.header.paragraphs[0].text = header
    if footer is not None:
        fp = section.footer.paragraphs[0]
        fp.text = footer
        if page_numbers:
            fp.add_run(" page ")
            _add_field(fp, "PAGE")
    doc.save(path)
    return path


def _add_paragraph(doc: docx.document.Document, para: str | Sequence[str], bold: bool) -> None:
    if isinstance(para, str):
        p = doc.add_paragraph()
        run = p.add_run(para)
        if bold:
            run.bold = True
            run.font.size = Pt(13)
        return
    p = doc.add_paragraph()
    for piece in para:
        r = p.add_run(piece)
        if bold:
            r.bold = True


def _add_field(paragraph: docx.text.paragraph.Paragraph, instr: str) -> None:
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = instr
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run._r.append(begin)
    run._r.append(text)
    run._r.append(sep)
    r2 = paragraph.add_run("1")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    r2._r.append(end)


def part_xml(data: bytes, name: str = "word/document.xml") -> str:
    """The text of one XML part of a .docx given as bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read(name).decode("utf-8")


def replace_part(data: bytes, name: str, new_xml: str) -> bytes:
    """A copy of the .docx bytes with one part replaced (stdlib zipfile)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            payload = new_xml.encode("utf-8") if info.filename == name else zin.read(info.filename)
            zout.writestr(info.filename, payload)
    return out.getvalue()


def plain_text(xml: str) -> str:
    """All w:t text of an XML string, concatenated (for quick assertions)."""
    return "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))


def tiny_png() -> bytes:
    """A valid 1x1 PNG image."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def soffice_roundtrip(src: Path, outdir: Path) -> Path:
    """``src`` opened and saved again as .docx by LibreOffice (its own profile in ``outdir``)."""
    import subprocess

    outdir.mkdir(parents=True, exist_ok=True)
    profile = outdir / "profile"
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
         "docx:MS Word 2007 XML", "--outdir", str(outdir / "out"), str(src)],
        check=True, capture_output=True, timeout=180,
    )
    return outdir / "out" / src.name
