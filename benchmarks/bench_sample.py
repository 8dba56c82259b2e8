"""The bundled sample site: article pages parsed per second and the wall time of a cold build.

    .venv/bin/python -m benchmarks.bench_sample

Parse rates (with the site's rules, without them, and a bare selectolax parse as the floor) are
medians of interleaved passes in one run; the cold build is `build()` over loopback into a fresh
state file and out_dir, median of three.
"""

from __future__ import annotations

import asyncio
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from selectolax.lexbor import LexborHTMLParser

from feedmaker.build import build
from feedmaker.config import load_config
from feedmaker.parse import parse_article
from sample_site.server import SampleSite

CONFIG = Path(__file__).resolve().parents[1] / "sample_site" / "feedmaker.toml"


def _config(url: str, folder: Path, *, rules: bool = True) -> Path:
    text = re.sub(r'(?m)^url = ".*"$', f'url = "{url}"', CONFIG.read_text(), count=1)
    if not rules:
        text = re.sub(r"(?ms)^\[sites\.sample\.(links|article)\]\n.*?(?=^\[|\Z)", "", text)
    path = folder / "feedmaker.toml"
    path.write_text(text)
    return path


def main() -> None:
    with SampleSite() as site, tempfile.TemporaryDirectory() as tmp:
        pages = [(site.origin + p, httpx.get(site.origin + p).text) for p in site.article_paths()]
        with_rules = load_config(_config(site.url, Path(tmp))).sites["sample"]
        Path(tmp, "bare").mkdir()
        bare = load_config(_config(site.url, Path(tmp, "bare"), rules=False)).sites["sample"]
        runs: dict[str, Callable[[str, str], object]] = {
            "bare selectolax parse (floor)": lambda u, h: LexborHTMLParser(h),
            "parse_article, site rules": lambda u, h: parse_article(h, u, with_rules),
            "parse_article, no rules (fallbacks)": lambda u, h: parse_article(h, u, bare),
        }
        rates: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(7):
            for name, fn in runs.items():
                start = time.perf_counter()
                for url, html in pages:
                    fn(url, html)
                rates[name].append(len(pages) / (time.perf_counter() - start))
        for name, values in rates.items():
            rate = statistics.median(values)
            print(f"{name:<40} {rate:8.0f} pages/s  {1000 / rate:6.2f} ms/page  ({len(pages)} pages)")
        walls = []
        for i in range(3):
            folder = Path(tmp, f"cold{i}")
            folder.mkdir()
            config = load_config(_config(site.url, folder))
            start = time.perf_counter()
            result = asyncio.run(build(config))
            walls.append(time.perf_counter() - start)
            assert result.ok, result.sites[0].problems
        r = result.sites[0]
        print(f"cold build of the sample site: {statistics.median(walls):.2f} s wall (median of 3); "
              f"{r.new} articles, {r.requests} requests, {r.feeds_written} feed files")


if __name__ == "__main__":
    main()
