"""Benchmark: the driver's share of ``bidgen batch``, phase by phase, in CPU seconds.

Run by hand (never a timed test)::

    python bench/bench_driver.py                 # the 1,000-deal workbook of bench_batch.py
    python bench/bench_driver.py --n 10000       # and its peak memory at 10,000 deals
    python bench/bench_driver.py --distinct      # every cell's value made unique (but the ids)

Phases (``time.process_time``, one process, median of ``--repeats``):

* plan: the first pass over the workbook (every sheet streamed once: headers, ids, each deal's
  last row per sheet) — serial, before any worker starts;
* group: the second pass (the sheets streamed side by side, each deal's raw rows handed over);
* send: pickling each deal's job and the shared resources, as the executor does per deal;
* read: each deal's cells read for their columns, validated and located (the per-deal job's
  first step, :func:`bidgen.inputs.workbook.read_deal`; it runs in the workers).

``--distinct`` reads a copy of the workbook whose every text and number (but the deal ids) is made
unique, so that no cell recurs from deal to deal: the worst case for the table of decoded cells
(see docs/input.md, "Reading large workbooks"); its cells are no longer valid, so "read" then
times reading errors.

CPU seconds are steadier than walls on a shared machine; say what else ran when you quote them.
"""

from __future__ import annotations

import argparse
import os
import pickle
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--keep", type=Path, default=Path("/tmp/bench-batch-books"),
                    help="folder for the workbooks (kept between runs)")
    ap.add_argument("--distinct", action="store_true", help="make every cell's value unique (but the ids)")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_batch import build_workbook

    from bidgen.batch.job import DealJob, Shared
    from bidgen.checks import load_policy
    from bidgen.inputs.tables import open_workbook
    from bidgen.inputs.workbook import plan_workbook, read_deal

    args.keep.mkdir(parents=True, exist_ok=True)
    book = build_workbook(args.n, args.keep)
    if args.distinct:
        book = distinct_copy(book, args.keep / f"distinct-{book.name}")
    load = os.getloadavg()[0]
    figures: dict[str, list[float]] = {"plan": [], "group": [], "send": [], "read": []}
    for _ in range(args.repeats):
        with open_workbook(book) as src:
            t = time.process_time()
            plan = plan_workbook(src)
            figures["plan"].append(time.process_time() - t)
            shared = Shared(policy=load_policy(None, None), layout=plan.layout, common="0" * 64)
            group = send = read = 0.0
            sent = 0
            t = time.process_time()
            for rows in plan.deals(src):
                t1 = time.process_time()
                blob = pickle.dumps((DealJob(rows.id, Path("out") / rows.id, rows), shared))
                t2 = time.process_time()
                job, sh = pickle.loads(blob)
                read_deal(job.rows, sh.layout)
                t3 = time.process_time()
                group += t1 - t
                send += t2 - t1
                read += t3 - t2
                sent += len(blob)
                t = time.process_time()
        figures["group"].append(group)
        figures["send"].append(send)
        figures["read"].append(read)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.n} deals ({book.name}), load average {load:.2f} at start, median of {args.repeats}:")
    for name, values in figures.items():
        med = statistics.median(values)
        where = "workers" if name == "read" else "driver"
        print(f"  {name:6} {med:6.2f} s CPU ({med / args.n * 1000:.2f} ms per deal, {where})")
    print(f"  sent to a worker per deal: {sent / args.n / 1024:.1f} KiB; peak RSS of this process {peak:.0f} MiB")


def distinct_copy(book: Path, out: Path) -> Path:
    """``book`` with every text and number of its data rows made unique, but the cells of column A
    and the deal ids elsewhere (so that the deals and their rows stay together)."""
    import itertools
    import re
    import zipfile

    if out.exists() and out.stat().st_mtime >= book.stat().st_mtime:
        return out
    serial = itertools.count()

    def text(m: re.Match[bytes]) -> bytes:
        return b"<t>" + m.group(1) + b" " + str(next(serial)).encode() + b"</t>"

    def number(m: re.Match[bytes]) -> bytes:
        return b"<v>" + m.group(1) + (b"" if b"." in m.group(1) else b".") + b"0" + str(next(serial)).encode() + b"</v>"

    def cell(m: re.Match[bytes]) -> bytes:
        c = m.group(0)
        if c.startswith(b'<c r="A') or re.search(rb"<t>D-[0-9]+</t>", c):
            return c
        return re.sub(rb"<v>([0-9.]+)</v>", number, re.sub(rb"<t>([^<]*)</t>", text, c))

    with zipfile.ZipFile(book) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                head, sep, rest = data.partition(b'<row r="2"')
                data = head + sep + re.sub(rb'<c r="[^"]*".*?</c>', cell, rest, flags=re.S)
            zout.writestr(info, data)
    return out


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
