"""Benchmark: the CPU time of one deal's documents in memory, and where it goes.

Run by hand (never a timed test)::

    python bench/bench_deal_cpu.py                    # 1,000 synthetic deals (bench_batch's), 6 rounds
    python bench/bench_deal_cpu.py --workbook deals.xlsx --per-round 100 --rounds 5

The workbook is read first (not timed).  Then, per round, a fresh slice of deals goes through what
a bulk run's job does after reading a deal: the input checks (``pipeline.screen``) and every
document rendered to bytes (``pipeline.render_all``: contexts, library texts, Jinja, finishing the
parts, zipping).  Each deal is new to the round (memos of earlier deals help, as in a real run).
Printed, as CPU milliseconds per deal (``time.process_time``, so other processes on the machine
count less than in wall time), median and lowest of the rounds:

* all:           screen + render_all
* checks:        screen alone
* documents:     render_all
* engine:        ``CompiledTemplate.render`` inside render_all (Jinja, finishing, zipping)
* contexts:      documents - engine (pricing, words, contexts, library picks and texts, e-mail)
* jinja:         the docx parts' Jinja rendering alone (``_render_text``), re-run afterwards over
                 the contexts of the first round

Figures depend on the machine and on what else runs on it: say so when you quote them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workbook", type=Path, default=None, help="default: bench_batch's synthetic deals")
    ap.add_argument("--n", type=int, default=1000, help="synthetic deals (without --workbook)")
    ap.add_argument("--per-round", type=int, default=150)
    ap.add_argument("--rounds", type=int, default=6)
    args = ap.parse_args()

    from bidgen.checks import load_policy
    from bidgen.docx import render as engine
    from bidgen.inputs.workbook import read_workbook
    from bidgen.pipeline import render_all, screen

    with tempfile.TemporaryDirectory(prefix="bench-deal-") as tmp:
        workbook = args.workbook
        if workbook is None:
            from bench_batch import build_workbook

            workbook = build_workbook(args.n, Path(tmp))
        entries = read_workbook(workbook).entries
        policy = load_policy(None, None)
        out = Path(tmp) / "out"
        engine_time = [0.0]
        grabbing = [False]
        grabbed: list[tuple[Any, Any]] = []
        render = engine.CompiledTemplate.render

        def timed_render(self: Any, context: Any, **kw: Any) -> bytes:
            start = time.process_time()
            try:
                return render(self, context, **kw)
            finally:
                engine_time[0] += time.process_time() - start
                if grabbing[0]:
                    grabbed.append((self, context))

        engine.CompiledTemplate.render = timed_render  # type: ignore[method-assign]

        def deal(e: Any) -> tuple[float, float]:
            start = time.process_time()
            draft, _ = screen(e.deal, tender=e.tender, meeting=e.meeting, policy=policy)
            checked = time.process_time()
            if draft is not None:
                render_all(e.deal, out, tender=e.tender, meeting=e.meeting, draft=draft)
            return checked - start, time.process_time() - checked

        for e in entries[:5]:  # templates compiled, modules imported
            deal(e)
        rows: dict[str, list[float]] = {k: [] for k in ("all", "checks", "documents", "engine", "contexts")}
        for r in range(args.rounds):
            part = entries[5 + r * args.per_round: 5 + (r + 1) * args.per_round]
            if not part:
                break
            engine_time[0] = 0.0
            grabbing[0] = r == 0  # the first round's documents, for the Jinja row
            checks = docs = 0.0
            for e in part:
                c, d = deal(e)
                checks += c
                docs += d
            n = len(part)
            rows["all"].append((checks + docs) / n * 1000)
            rows["checks"].append(checks / n * 1000)
            rows["documents"].append(docs / n * 1000)
            rows["engine"].append(engine_time[0] / n * 1000)
            rows["contexts"].append((docs - engine_time[0]) / n * 1000)
        engine.CompiledTemplate.render = render  # type: ignore[method-assign]

        grabbing[0] = False
        jinja: list[float] = []
        deals = max(1, min(args.per_round, len(entries) - 5))
        for _ in range(args.rounds):
            start = time.process_time()
            for tpl, ctx in grabbed:
                for name, part in tpl._parts.items():
                    tpl._render_text(part, ctx, "strip", engine.ImageSink(tpl._rel_ids[name]))
            jinja.append((time.process_time() - start) / deals * 1000)
        rows["jinja"] = jinja

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"CPU ms per deal ({args.rounds} rounds of {args.per_round} deals; load average {load:.2f}):")
    for name, values in rows.items():
        if values:
            print(f"  {name:<10} median {statistics.median(values):7.2f}   lowest {min(values):7.2f}")


if __name__ == "__main__":
    main()
