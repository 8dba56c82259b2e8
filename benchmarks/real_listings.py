"""`pick(html, url) -> [urls]`: the automatic link picker with no rules, as the listings scorer
calls it; and `measure`, the benchmark's row over the real listing pages beside the project.

    python ../shared/realdata/score_listings.py ../shared/realdata/listings -e benchmarks.real_listings:pick
"""

from __future__ import annotations

import importlib.util
import statistics
import time
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[2] / "shared/realdata/listings"


def pick(html: str, url: str) -> list[str]:
    """The article links feedmaker picks on `url`'s page with no [links] rules, in page order."""
    from feedmaker.config import LinkRules
    from feedmaker.links import parse_listing
    from feedmaker.urls import host_of

    listing = parse_listing(html, url, url, LinkRules(), host_of(url))
    return [link.url for link in listing.links]


def measure(data: Path = DATA, rounds: int = 3) -> dict[str, Any]:
    """The dataset scorer's figures for `pick` (macro P / R / F1, pages with no pick) and the
    CPU it costs per page (parse + pick: what a poll of a section pays), median of `rounds`."""
    spec = importlib.util.spec_from_file_location("score_listings", data.parent / "score_listings.py")
    assert spec is not None and spec.loader is not None
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    pages = []
    for truth_file in sorted(data.glob("*.truth.json")):
        truth = scorer.load_truth(truth_file)
        html = truth_file.with_name(truth_file.name.removesuffix(".truth.json") + ".html")
        pages.append((truth, html.read_bytes().decode("utf-8", "replace")))
    rows = [scorer.score(truth, pick(html, truth["url"])) for truth, html in pages]
    cpu: list[float] = []
    for _ in range(rounds):
        t0 = time.process_time()
        for truth, html in pages:
            pick(html, truth["url"])
        cpu.append((time.process_time() - t0) / len(pages))
    n = len(rows)
    return {"pages": n, "P": sum(r["P"] for r in rows) / n, "R": sum(r["R"] for r in rows) / n,
            "F1": sum(r["F1"] for r in rows) / n, "empty": sum(r["picked"] == 0 for r in rows),
            "cpu_ms": statistics.median(cpu) * 1000}
