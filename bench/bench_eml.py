"""Benchmark: the memo's e-mail draft, written directly vs built as an ``EmailMessage``.

Run by hand (never a timed test)::

    python bench/bench_eml.py                 # 200 drafts a run, 7 runs
    python bench/bench_eml.py --n 500 --repeats 9

Figures printed (CPU milliseconds per draft, median of the runs, one core), for the sample deals
of both locales and a few synthetic ones (several recipients, long names), each with a memo-sized
attachment (``--attachment-kb``, default 40):

* before: :func:`bidgen.documents.eml.stdlib_draft`, the way drafts were made until now: an
  ``EmailMessage`` under the strict policy, ``as_bytes``, its header block parsed back by the
  standard library;
* after:  :func:`bidgen.documents.eml.draft_bytes`, what ``bidgen memo`` / ``all`` / ``batch`` use:
  the same bytes (checked here on every draft) written directly, read back by the strict parser;

and the ratio.  The drafts' text (body, greeting) is built in both.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bidgen.documents import eml  # noqa: E402
from bidgen.documents.common import deal_facts  # noqa: E402
from bidgen.documents.memo import memo_context  # noqa: E402
from bidgen.inputs.load import load_deal, load_meeting  # noqa: E402
from bidgen.inputs.deal import Contact  # noqa: E402
from bidgen.inputs.meeting import Attendee  # noqa: E402

SAMPLES = ROOT / "samples"


def cases(attachment_kb: int) -> list[tuple]:
    attachment = os.urandom(attachment_kb * 1024)
    out = []
    for locale in ("zh_CN", "en_US"):
        deal = load_deal(SAMPLES / f"deal-{locale}.yaml")
        meeting = load_meeting(SAMPLES / f"meeting-{locale}.yaml")
        variants = [(deal, meeting)]
        # two more attendees with e-mail addresses: To folds across lines
        extra = [Attendee(name=n, email=m) for n, m in (
            ("王芳芳" if locale == "zh_CN" else "Alexandra Montgomery-Fitzgerald", "alexandra.m@client.example"),
            ("赵磊" if locale == "zh_CN" else "Li Wei", "li.wei@client.example"))]
        attendees = meeting.attendees.model_copy(update={"client": meeting.attendees.client + tuple(extra)})
        variants.append((deal, meeting.model_copy(update={"attendees": attendees})))
        for d, m in variants:
            facts = deal_facts(d, None, ())
            ctx, terms = memo_context(facts, m)
            out.append((facts, m, terms, ctx, attachment, "Memo_X_v20261119.docx"))
    return out


def run(fn, items, n: int) -> float:
    start = time.process_time()
    done = 0
    while done < n:
        for item in items:
            fn(*item)
            done += 1
    return (time.process_time() - start) / done * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200, help="drafts a run (default 200)")
    ap.add_argument("--repeats", type=int, default=7, help="runs; the median is printed (default 7)")
    ap.add_argument("--attachment-kb", type=int, default=40, help="size of the attached memo (default 40 KB)")
    args = ap.parse_args()
    items = cases(args.attachment_kb)
    for item in items:  # same bytes, same warnings
        assert eml.draft_bytes(*item) == eml.stdlib_draft(*item), "the drafts differ"
    run(eml.draft_bytes, items, 20)
    run(eml.stdlib_draft, items, 20)
    before, after = [], []
    for _ in range(args.repeats):
        before.append(run(eml.stdlib_draft, items, args.n))
        after.append(run(eml.draft_bytes, items, args.n))
    b, a = statistics.median(before), statistics.median(after)
    print(f"e-mail draft, {len(items)} deals in turn, {args.attachment_kb} KB attachment, "
          f"{args.n} drafts a run, median of {args.repeats} (CPU ms per draft)")
    print(f"  before (EmailMessage + as_bytes + stdlib read-back): {b:7.3f} ms   "
          f"(runs {', '.join(f'{x:.2f}' for x in before)})")
    print(f"  after  (direct bytes + strict read-back):            {a:7.3f} ms   "
          f"(runs {', '.join(f'{x:.2f}' for x in after)})")
    print(f"  ratio: {b / a:.1f}x cheaper (target >= 3x)")


if __name__ == "__main__":
    main()
