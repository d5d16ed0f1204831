"""Benchmark: bidgen's compile-once renderer vs a naive docxtpl loop vs a zip-copy floor.

Run by hand (never a timed test)::

    python bench/bench_render.py                 # 1,000 real proposals of synthetic deals, 3 repeats
    python bench/bench_render.py --template synthetic   # the bench's own proposal-like template
    python bench/bench_render.py --n 2000 --repeats 5
    python bench/bench_render.py --template templates/proposal.en_US.docx --context mymod:make_context

Figures printed (docs/second, median of the repeats, one core):

* bidgen context+render+write: real use, building each context in the timed loop (pricing,
                       amounts in words, library picks, formatting), then render and write
                       without fsync (a bulk run syncs once at the end); the rows below time
                       the engine alone, with the contexts built beforehand
* bidgen render+write_atomic: ``CompiledTemplate.render`` + ``write_atomic`` (fsync) per doc
* bidgen render+write, no fsync: the same with ``write_atomic(..., fsync=False)``
* bidgen render only:  ``CompiledTemplate.render`` to bytes
* naive docxtpl:       ``DocxTemplate(path).render(ctx, autoescape=True).save(out)``, run on
                       ``--naive-n`` documents (default 50) and scaled to docs/second
* floor (raw copy):    template read once; per document one pre-rendered document.xml is
                       deflated and zipped with the other members copied compressed, then written
* zipfile copy:        the same with stdlib ``zipfile`` (every member recompressed)

To point the bench at a real template, pass ``--template PATH`` and ``--context module:function``
where ``function(i: int) -> Mapping`` builds the i-th context (default: :func:`make_context`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import io
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import docx
import jinja2
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docxtpl import DocxTemplate

from bidgen.docx.zipio import deflate_member, read_members, write_zip
from bidgen.docx.render import CompiledTemplate, write_atomic

ContextFactory = Callable[[int], Mapping[str, Any]]
LOREM = (
    "Our team has delivered comparable systems for public and private clients; the approach "
    "below reduces risk, shortens the schedule and keeps the total cost of ownership low."
)


# ----------------------------------------------------------------------------- template


def build_proposal_template(path: Path) -> Path:
    """A proposal-like template: cover, sections, 20-row items table, terms, footer page no."""
    doc = docx.Document()
    doc.add_heading("{{ project_name }}", 0)
    for line in (
        "Client: {{ client }}", "Seller: {{ seller }}", "Date: {{ date_text }}",
        "Document no.: {{ doc_number }}",
        "Offer valid until {{ validity_date | term('validity_date') }}",
    ):
        doc.add_paragraph(line)
    for title in ("Executive summary", "Understanding of your needs", "Proposed solution"):
        doc.add_heading(title, 1)
        doc.add_paragraph("Dear {{ contact }}, " + LOREM)
        for _ in range(4):
            doc.add_paragraph(LOREM)
    doc.add_paragraph("{%p for point in points %}")
    doc.add_paragraph("{{ point }}", style="List Bullet")
    doc.add_paragraph("{%p endfor %}")
    doc.add_heading("Price", 1)
    table = doc.add_table(rows=4, cols=5)
    rows = [
        ["No.", "Description", "Qty", "Unit price", "Amount"],
        ["{%tr for it in items %}", "", "", "", ""],
        ["{{ loop.index }}", "{{ it.name }}", "{{ it.qty }}", "{{ it.unit_price }}", "{{ it.amount }}"],
        ["{%tr endfor %}", "", "", "", ""],
    ]
    for row, texts in zip(table.rows, rows):
        for cell, text in zip(row.cells, texts):
            cell.text = text
    doc.add_paragraph("Total: {{ currency }} {{ total_figures | term('total') }}")
    doc.add_paragraph("In words: {{ total_words | term('total_words') }}")
    doc.add_heading("Commercial terms", 1)
    doc.add_paragraph("{%p for m in milestones %}")
    doc.add_paragraph(
        "{{ m.name }}: {{ m.percent }}% = {{ currency }} "
        "{{ m.amount | term('milestone.' ~ loop.index ~ '.amount') }}"
    )
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("Delivery within {{ delivery_days | term('delivery_days') }} days.")
    doc.add_paragraph("Warranty: {{ warranty_months | term('warranty_months') }} months.")
    doc.add_paragraph("{%p if options %}")
    doc.add_heading("Options", 1)
    doc.add_paragraph("{{ options }}")
    doc.add_paragraph("{%p endif %}")
    for _ in range(10):
        doc.add_paragraph(LOREM)
    section = doc.sections[0]
    section.header.paragraphs[0].text = "{{ seller }} | Proposal {{ doc_number }}"
    footer = section.footer.paragraphs[0]
    footer.text = "{{ doc_number }} | page "
    _page_field(footer)
    doc.save(str(path))
    return path


def _page_field(paragraph: Any) -> None:
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.text = text
        run._r.append(el)
    end_run = paragraph.add_run("1")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    end_run._r.append(end)


def _money(x: Decimal) -> str:
    return f"{x.quantize(Decimal('0.01'), ROUND_HALF_UP):,}"


def make_context(i: int) -> dict[str, Any]:
    """The i-th synthetic deal (deterministic)."""
    items = []
    total = Decimal(0)
    for k in range(20):
        qty = (i + k) % 7 + 1
        unit = Decimal(100 + 37 * k + i % 13) + Decimal("0.5")
        amount = unit * qty
        total += amount
        items.append({"name": f"Component {k + 1} <{i}> & spare", "qty": qty,
                      "unit_price": _money(unit), "amount": _money(amount)})
    shares = (30, 60, 10)
    return {
        "project_name": f"Project {i}: plant automation",
        "client": f"Client {i} Ltd.", "seller": "Acme Systems", "contact": f"Ms. Lee {i}",
        "date_text": "1 March 2025", "doc_date": dt.date(2025, 3, 1),
        "doc_number": f"P-2025-{i:05d}", "validity_date": "31 May 2025",
        "points": [f"Benefit {n} for client {i}" for n in range(5)],
        "items": items, "currency": "USD", "total_figures": _money(total),
        "total_words": f"{total} dollars (words for deal {i})",
        "milestones": [{"name": f"Milestone {n + 1}", "percent": s,
                        "amount": _money(total * s / 100)} for n, s in enumerate(shares)],
        "delivery_days": 60 + i % 30, "warranty_months": 12,
        "options": "Phased delivery\nLighter configuration" if i % 2 else "",
    }


# ----------------------------------------------------------------------------- runners


def run_bidgen(
    path: Path, factory: ContextFactory, n: int, out: Path, write: bool, fsync: bool = True
) -> float:
    """Docs/second of the bidgen engine (compile included, once)."""
    contexts = [factory(i) for i in range(n)]
    start = time.perf_counter()
    tpl = CompiledTemplate.load(path)
    for i, ctx in enumerate(contexts):
        data = tpl.render(ctx)
        if write:
            write_atomic(out / f"b{i}.docx", data, fsync=fsync)
    return n / (time.perf_counter() - start)


def run_bidgen_real(path: Path, factory: ContextFactory, n: int, out: Path) -> float:
    """Docs/second of real use: building each context (pricing, words, library picks, formatting)
    inside the timed loop, then rendering and writing it (no fsync: a bulk run syncs once)."""
    start = time.perf_counter()
    tpl = CompiledTemplate.load(path)
    for i in range(n):
        data = tpl.render(factory(i))
        write_atomic(out / f"r{i}.docx", data, fsync=False)
    return n / (time.perf_counter() - start)


def run_naive(path: Path, factory: ContextFactory, n: int, out: Path) -> float:
    """Docs/second of the plain docxtpl loop (``term`` passes the value through)."""
    env = jinja2.Environment(autoescape=True)
    env.filters["term"] = lambda value, key: value
    contexts = [factory(i) for i in range(n)]
    start = time.perf_counter()
    for i, ctx in enumerate(contexts):
        tpl = DocxTemplate(path)
        tpl.render(ctx, jinja_env=env, autoescape=True)
        tpl.save(out / f"n{i}.docx")
    return n / (time.perf_counter() - start)


def run_floor(path: Path, factory: ContextFactory, n: int, out: Path) -> float:
    """Docs/second of the cheapest possible copy: one part deflated, rest copied raw."""
    rendered = zipfile.ZipFile(io.BytesIO(CompiledTemplate.load(path).render(factory(0))))
    body = rendered.read("word/document.xml")
    start = time.perf_counter()
    members = read_members(path.read_bytes(), str(path))
    for i in range(n):
        parts = [deflate_member(m.name, body) if m.name == "word/document.xml" else m
                 for m in members]
        (out / f"f{i}.docx").write_bytes(write_zip(parts))
    return n / (time.perf_counter() - start)


def run_zipfile_copy(path: Path, factory: ContextFactory, n: int, out: Path) -> float:
    """Docs/second of a stdlib-zipfile copy with document.xml replaced (all recompressed)."""
    rendered = zipfile.ZipFile(io.BytesIO(CompiledTemplate.load(path).render(factory(0))))
    body = rendered.read("word/document.xml")
    start = time.perf_counter()
    with zipfile.ZipFile(path) as zin:
        payloads = [(info, zin.read(info)) for info in zin.infolist()]
    for i in range(n):
        with zipfile.ZipFile(out / f"z{i}.docx", "w", zipfile.ZIP_DEFLATED) as zout:
            for info, data in payloads:
                zout.writestr(info.filename, body if info.filename == "word/document.xml" else data)
    return n / (time.perf_counter() - start)


# ----------------------------------------------------------------------------- main


def _load_factory(spec: str | None) -> ContextFactory:
    if not spec:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from proposals import make_context as proposal_context

        return proposal_context
    module, _, func = spec.partition(":")
    factory: ContextFactory = getattr(importlib.import_module(module), func or "make_context")
    return factory


def main(argv: list[str] | None = None) -> int:
    """Parse options, run every runner ``--repeats`` times, print the medians."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1000, help="documents per bidgen/floor run")
    ap.add_argument("--naive-n", type=int, default=50, help="documents per naive docxtpl run")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--template", help="template .docx (default: templates/proposal.en_US.docx with real "
                    "proposal contexts of synthetic deals; 'synthetic': the bench's own template and data)")
    ap.add_argument("--context", help="module:function building the i-th context")
    ap.add_argument("--outdir", type=Path, help="where to write (default: a temp dir; try /dev/shm "
                    "to take the disk out of the figures)")
    args = ap.parse_args(argv)
    synthetic = args.template == "synthetic"
    factory = make_context if synthetic and not args.context else _load_factory(args.context)
    with tempfile.TemporaryDirectory(prefix="bidgen-bench-", dir=args.outdir) as tmp:
        root = Path(tmp)
        if synthetic:
            path = build_proposal_template(root / "proposal.docx")
        else:
            path = Path(args.template) if args.template else Path(__file__).resolve().parent.parent / \
                "templates" / "proposal.en_US.docx"
        size = len(zipfile.ZipFile(path).read("word/document.xml"))
        print(f"template {path} (document.xml {size:,} bytes); n={args.n}, naive n={args.naive_n}, "
              f"repeats={args.repeats}, python {sys.version.split()[0]}")
        runners: dict[str, Callable[[Path], float]] = {
            "bidgen context+render+write": lambda d: run_bidgen_real(path, factory, args.n, d),
            "bidgen render+write_atomic": lambda d: run_bidgen(path, factory, args.n, d, True),
            "bidgen render+write, no fsync": lambda d: run_bidgen(path, factory, args.n, d, True, False),
            "bidgen render only": lambda d: run_bidgen(path, factory, args.n, d, False),
            f"naive docxtpl (n={args.naive_n}, scaled)": lambda d: run_naive(path, factory, args.naive_n, d),
            "floor (raw copy)": lambda d: run_floor(path, factory, args.n, d),
            "zipfile copy": lambda d: run_zipfile_copy(path, factory, args.n, d),
        }
        results: dict[str, float] = {}
        for label, fn in runners.items():
            rates = []
            for r in range(args.repeats):
                out = root / f"{len(results)}-{r}"
                out.mkdir()
                rates.append(fn(out))
            results[label] = statistics.median(rates)
            print(f"{label:<34} {results[label]:>9.1f} docs/s   ({1000 / results[label]:.2f} ms/doc)")
    naive = next(v for k, v in results.items() if k.startswith("naive"))
    floor = results["floor (raw copy)"]
    for label, rate in results.items():
        if label.startswith("bidgen"):
            print(f"{label:<34} vs naive {rate / naive:5.1f}x   vs floor {rate / floor:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
