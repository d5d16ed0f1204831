"""Contact sheets: every page of every document as PNG, and one overview image per document kind.

    python tools/contact_sheet.py OUT/ [-o OUT/contact-sheets] [--dpi 60]

Finds the .docx files under OUT/ (a folder `bidgen all` or `bidgen batch` wrote), makes their PDFs
where missing or older than the .docx (one LibreOffice process, as ``--pdf`` does), renders each
page with ``pdftoppm`` into ``<sheets>/<document>/page-NN.png`` and composes, per document kind
(Proposal, Bid, BidPriceSchedule, Memo, Brief, …), ``<sheets>/<Kind>.png``: one row per document,
its pages side by side, small enough to see every page at a glance; ``<sheets>/index.txt`` names
the documents row by row.  A reviewer opens the overview, then a page where something looks off.

Needs LibreOffice and poppler-utils (pdftoppm); no image library (the overview is composed from
pdftoppm's PPM output and written as PNG with zlib).
"""

from __future__ import annotations

import argparse
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bidgen.pdf import convert  # noqa: E402

GAP = 6
BACKGROUND = (200, 200, 200)
THUMB_DPI = 24
PER_ROW = 10


def read_ppm(path: Path) -> tuple[int, int, bytes]:
    data = path.read_bytes()
    fields: list[bytes] = []
    pos = 0
    while len(fields) < 4:  # magic, width, height, maxval (comments never written by pdftoppm)
        while data[pos:pos + 1].isspace():
            pos += 1
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P6":
        raise ValueError(f"{path}: not a binary PPM")
    width, height = int(fields[1]), int(fields[2])
    return width, height, data[pos + 1: pos + 1 + width * height * 3]


def write_png(path: Path, width: int, height: int, rgb: bytes) -> None:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    stride = width * 3
    raw = b"".join(b"\x00" + rgb[y * stride:(y + 1) * stride] for y in range(height))
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))
    path.write_bytes(png)


def compose(rows: list[list[tuple[int, int, bytes]]]) -> tuple[int, int, bytes]:
    """Pages laid out row by row (a document's pages wrap after PER_ROW), on a grey ground."""
    lines: list[list[tuple[int, int, bytes]]] = []
    for pages in rows:
        for i in range(0, max(len(pages), 1), PER_ROW):
            lines.append(pages[i:i + PER_ROW])
        lines.append([])  # a blank band between documents
    lines = lines[:-1]
    cell_w = max((w for line in lines for w, _, _ in line), default=1)
    cell_h = max((h for line in lines for _, h, _ in line), default=1)
    width = GAP + PER_ROW * (cell_w + GAP)
    heights = [cell_h + GAP if line else GAP * 2 for line in lines]
    height = GAP + sum(heights)
    canvas = bytearray(bytes(BACKGROUND) * (width * height))
    y = GAP
    for line, h in zip(lines, heights):
        x = GAP
        for w, ph, rgb in line:
            for row in range(ph):
                start = ((y + row) * width + x) * 3
                canvas[start:start + w * 3] = rgb[row * w * 3:(row + 1) * w * 3]
            x += cell_w + GAP
        y += h
    return width, height, bytes(canvas)


def kind_of(doc: Path) -> str:
    return doc.stem.split("_")[0]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path, help="a folder of rendered documents (searched recursively)")
    ap.add_argument("-o", "--out", type=Path, default=None, help="where the sheets go (default: FOLDER/contact-sheets)")
    ap.add_argument("--dpi", type=int, default=60, help="resolution of the page images (default 60)")
    args = ap.parse_args(argv)
    out = args.out or args.folder / "contact-sheets"
    docs = sorted(p for p in args.folder.rglob("*.docx") if out not in p.parents)
    if not docs:
        print(f"no .docx under {args.folder}", file=sys.stderr)
        return 2
    stale = [d for d in docs if not d.with_suffix(".pdf").is_file()
             or d.with_suffix(".pdf").stat().st_mtime < d.stat().st_mtime]
    convert(stale)
    out.mkdir(parents=True, exist_ok=True)
    by_kind: dict[str, list[Path]] = {}
    for d in docs:
        by_kind.setdefault(kind_of(d), []).append(d)
    index = []
    with tempfile.TemporaryDirectory(prefix="bidgen-sheet-") as tmp:
        for kind, members in sorted(by_kind.items()):
            rows = []
            for d in members:
                pdf = d.with_suffix(".pdf")
                name = f"{d.parent.name}-{d.stem}" if d.parent != args.folder else d.stem
                pages_dir = out / name
                pages_dir.mkdir(exist_ok=True)
                subprocess.run(["pdftoppm", "-r", str(args.dpi), "-png", str(pdf), str(pages_dir / "page")], check=True)
                thumbs = Path(tmp) / name
                subprocess.run(["pdftoppm", "-r", str(THUMB_DPI), str(pdf), str(thumbs)], check=True)
                rows.append([read_ppm(p) for p in sorted(Path(tmp).glob(f"{name}-*.ppm"),
                                                          key=lambda p: int(p.stem.rsplit("-", 1)[1]))])
                index.append(f"{kind}.png row {len(rows)}: {d.relative_to(args.folder)} ({len(rows[-1])} pages)")
            write_png(out / f"{kind}.png", *compose(rows))
            print(f"wrote {out / (kind + '.png')} ({len(members)} document(s))")
    (out / "index.txt").write_text("\n".join(index) + "\n", encoding="utf-8")
    print(f"wrote {out / 'index.txt'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
