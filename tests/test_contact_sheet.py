"""tools/contact_sheet.py: pages composed into one overview image, written as a valid PNG."""

from __future__ import annotations

import struct
import sys
import zlib

import pytest
from conftest import ROOT, example, needs_soffice

sys.path.insert(0, str(ROOT / "tools"))
import contact_sheet  # noqa: E402


def _read_png(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    idat = b""
    pos = 8
    while pos < len(data):
        length = struct.unpack(">I", data[pos:pos + 4])[0]
        kind = data[pos + 4:pos + 8]
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * 3 + 1
    return width, height, [raw[y * stride + 1:(y + 1) * stride] for y in range(height)]


def test_compose_lays_pages_out_row_by_row(tmp_path):
    red = (2, 3, b"\xff\x00\x00" * 6)
    blue = (2, 3, b"\x00\x00\xff" * 6)
    width, height, rgb = contact_sheet.compose([[red, blue], [blue]])
    path = tmp_path / "sheet.png"
    contact_sheet.write_png(path, width, height, rgb)
    w, h, rows = _read_png(path)
    g = contact_sheet.GAP
    assert (w, h) == (g + contact_sheet.PER_ROW * (2 + g), g + (3 + g) + 2 * g + (3 + g))
    assert rows[g][g * 3:g * 3 + 3] == b"\xff\x00\x00"  # first document, first page
    assert rows[g][(g + 2 + g) * 3:(g + 2 + g) * 3 + 3] == b"\x00\x00\xff"  # its second page beside it
    second = g + 3 + g + 2 * g
    assert rows[second][g * 3:g * 3 + 3] == b"\x00\x00\xff"  # the next document on its own row


@needs_soffice
def test_a_sheet_per_kind_and_every_page_as_png(tmp_path):
    from bidgen.inputs.load import load_deal
    from bidgen.pipeline import make_proposal

    make_proposal(load_deal(example("deal-en_US.yaml")), tmp_path / "out")
    assert contact_sheet.main([str(tmp_path / "out"), "--dpi", "20"]) == 0
    sheets = tmp_path / "out" / "contact-sheets"
    pages = sorted((sheets / "Proposal_AE017_v20261118").glob("page-*.png"))
    assert len(pages) >= 3
    w, h, _ = _read_png(sheets / "Proposal.png")
    assert w > h  # one row of pages
    assert "Proposal.png row 1: Proposal_AE017_v20261118.docx" in (sheets / "index.txt").read_text()
