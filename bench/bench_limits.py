"""Benchmark: what the render limits of issue 9 cost per document (run by hand, never a timed test).

Renders the same real proposals with the engine as it is (``LimitedSandbox``: time and size
checks inside the sandbox, the watchdog armed per part, the output counted as it is yielded)
and with the limits taken out (Jinja's plain ``ImmutableSandboxedEnvironment`` and
``Template.render``), alternating the two, and prints the median ms/doc of each and the
difference per document::

    python bench/bench_limits.py                 # 300 documents, 5 repeats
    python bench/bench_limits.py --n 1000 --repeats 7
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from jinja2 import StrictUndefined  # noqa: E402
from jinja2.sandbox import ImmutableSandboxedEnvironment  # noqa: E402

import bidgen.docx.render as engine  # noqa: E402
from bidgen.docx.render import CompiledTemplate, _finalize, term_filter  # noqa: E402
from bidgen.paths import templates_dir  # noqa: E402


def _plain_env() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=True, finalize=_finalize, cache_size=0)
    env.filters["term"] = term_filter
    return env


def _contexts(n: int) -> list[dict]:
    from proposals import make_context  # real proposal contexts of synthetic deals

    return [make_context(i) for i in range(n)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args(argv)
    path = templates_dir() / "proposal.en_US.docx"
    limited = CompiledTemplate.load(path, env=engine.make_environment())
    plain = CompiledTemplate.load(path, env=_plain_env())
    contexts = _contexts(args.n)
    real_render = engine.render_limited

    def run(tpl: CompiledTemplate, limits_on: bool) -> float:
        engine.render_limited = real_render if limits_on else (lambda t, c: t.render(c))
        start = time.perf_counter()
        for ctx in contexts:
            tpl.render(ctx)
        return (time.perf_counter() - start) / len(contexts) * 1000

    with_l, without = [], []
    try:
        for _ in range(args.repeats):
            without.append(run(plain, False))
            with_l.append(run(limited, True))
    finally:
        engine.render_limited = real_render
    a, b = statistics.median(without), statistics.median(with_l)
    print(f"template {templates_dir() / 'proposal.en_US.docx'}; n={args.n}, repeats={args.repeats}")
    print(f"render without limits   {a:7.3f} ms/doc")
    print(f"render with limits      {b:7.3f} ms/doc")
    print(f"limits cost             {(b - a) * 1000:7.1f} µs/doc  ({(b / a - 1) * 100:+.1f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
