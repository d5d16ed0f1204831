"""Benchmark: the driver's share of ``bidgen batch``, phase by phase, in CPU seconds.

Run by hand (never a timed test)::

    python bench/bench_driver.py                 # the 1,000-deal workbook of bench_batch.py
    python bench/bench_driver.py --n 10000       # and its peak memory at 10,000 deals

Phases (``time.process_time``, one process, median of ``--repeats``):

* plan: the first pass over the workbook (every sheet streamed once: headers, ids, each deal's
  last row per sheet) — serial, before any worker starts;
* group: the second pass (the sheets streamed side by side, each deal's raw rows handed over);
* send: pickling each deal's job and the shared resources, as the executor does per deal;
* read: each deal's cells read for their columns, validated and located (the per-deal job's
  first step, :func:`bidgen.inputs.workbook.read_deal`; it runs in the workers).

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
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_batch import build_workbook

    from bidgen.batch.job import DealJob, Shared
    from bidgen.checks import load_policy
    from bidgen.inputs.tables import open_workbook
    from bidgen.inputs.workbook import plan_workbook, read_deal

    args.keep.mkdir(parents=True, exist_ok=True)
    book = build_workbook(args.n, args.keep)
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


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
