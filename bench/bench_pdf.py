"""PDF conversion cost per document: one file alone, and a batch of N in one LibreOffice run.

    python bench/bench_pdf.py                 # 1 file × 5 runs, a batch of 100 × 3 runs
    python bench/bench_pdf.py --batch 100 --runs 3 --single-runs 5

Renders real proposals of synthetic deals (bench/proposals.py) once, then times
``bidgen.pdf.convert`` (what ``--pdf`` runs: a fresh profile, one LibreOffice process, the PDFs
moved beside their .docx).  Prints the median wall time of each case, the cost per document and
the ratio between the two: what starting LibreOffice once per run instead of once per document
saves.  Medians of several runs; the figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from proposals import synthetic_deal  # noqa: E402

from bidgen.pdf import convert, find_soffice  # noqa: E402
from bidgen.pipeline import make_proposal  # noqa: E402


def timed(files: list[Path], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        for f in files:
            f.with_suffix(".pdf").unlink(missing_ok=True)
        start = time.perf_counter()
        convert(files)
        out.append(time.perf_counter() - start)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batch", type=int, default=100, help="documents in the batch case (default 100)")
    ap.add_argument("--runs", type=int, default=3, help="runs of the batch case (default 3)")
    ap.add_argument("--single-runs", type=int, default=5, help="runs of the one-file case (default 5)")
    args = ap.parse_args()
    if find_soffice() is None:
        print("LibreOffice is not installed: nothing to measure", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="bidgen-bench-pdf-") as tmp:
        docs = [make_proposal(synthetic_deal(i), Path(tmp) / f"d{i:04d}").path for i in range(args.batch)]
        single = timed(docs[:1], args.single_runs)
        batch = timed(docs, args.runs)
    one = statistics.median(single)
    many = statistics.median(batch)
    per_doc = many / args.batch
    print(f"one proposal alone:        {one:6.2f} s  (median of {args.single_runs}: "
          + ", ".join(f"{t:.2f}" for t in single) + ")")
    print(f"{args.batch} proposals, one run:  {many:6.2f} s  (median of {args.runs}: "
          + ", ".join(f"{t:.2f}" for t in batch) + ")")
    print(f"per document in the batch: {per_doc:6.3f} s")
    print(f"one start per document would take {one * args.batch:.1f} s: {one / per_doc:.1f}x the cost of one run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
