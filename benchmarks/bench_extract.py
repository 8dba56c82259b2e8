"""Benchmark feedmaker.extract on the Zyte pages: F1 and pages/s vs the selectolax parse floor.

    .venv/bin/python benchmarks/bench_extract.py [--runs 3] [--data DIR]

Quality uses the benchmark's own metric (imported from the shared score.py); speed is pages
per second of summed per-call time on one pinned core, the median of --runs timed passes,
measured the way score.py measures it. trafilatura (fast mode) is compared too when the running
python can import it (its own venv: it adds this repo to sys.path itself). Pages held out during
development (sha1(id) % 3 == 0) are reported separately, to show the heuristics generalise.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared/extraction/zyte"
sys.path.insert(0, str(ROOT))


def held_out(page_id: str) -> bool:
    return int(hashlib.sha1(page_id.encode()).hexdigest(), 16) % 3 == 0


def pages_per_s(fn: Callable[[str], object], pages: list[str], runs: int) -> float:
    for html in pages:  # warm-up
        fn(html)
    rates = []
    for _ in range(runs):
        gc.collect()
        total = 0.0
        for html in pages:
            t0 = time.perf_counter()
            fn(html)
            total += time.perf_counter() - t0
        rates.append(len(pages) / total)
    return statistics.median(rates)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    sys.path.insert(0, str(args.data.parent))
    from score import aggregate, doc_counts, load_data  # the benchmark's own metric
    from selectolax.lexbor import LexborHTMLParser

    from feedmaker.extract import body_text

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {(os.cpu_count() or 1) - 1})
    truth, pages = load_data(args.data)
    ids, htmls = list(pages), list(pages.values())

    extractors: list[tuple[str, Callable[[str], str | None]]] = [("feedmaker.extract", body_text)]
    try:
        import trafilatura

        def trafilatura_fast(html: str) -> str | None:
            return trafilatura.extract(html, fast=True, include_comments=False)

        extractors.append(("trafilatura fast", trafilatura_fast))
    except ImportError:
        print("(trafilatura not importable: run with a python that has it to compare)")

    print(f"{len(ids)} pages from {args.data}")
    print(f"{'extractor':<20} {'F1':>6} {'P':>6} {'R':>6} {'F1 held':>8} {'F1 in':>6} "
          f"{'pages/s':>8}")
    floor = pages_per_s(LexborHTMLParser, htmls, args.runs)
    print(f"{'selectolax parse':<20} {'':>6} {'':>6} {'':>6} {'':>8} {'':>6} {floor:8.0f}")
    for name, fn in extractors:
        counts = {k: doc_counts(truth[k]["articleBody"], fn(h) or "") for k, h in pages.items()}
        every = aggregate(list(counts.values()))
        held = aggregate([c for k, c in counts.items() if held_out(k)])
        seen = aggregate([c for k, c in counts.items() if not held_out(k)])
        rate = pages_per_s(fn, htmls, args.runs)
        print(f"{name:<20} {every['f1']:6.3f} {every['precision']:6.3f} {every['recall']:6.3f} "
              f"{held['f1']:8.3f} {seen['f1']:6.3f} {rate:8.0f}")


if __name__ == "__main__":
    main()
