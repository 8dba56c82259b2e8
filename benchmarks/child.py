"""One measurement per fresh process, so CPU time and peak RSS are that measurement's own.

    python -m benchmarks.child <what> <json-args>   ->   one JSON object on stdout

Each function below is such a measurement; the runner (`__main__`) starts them and reads the JSON.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _pin() -> None:
    """One core, the last one: 'pages per second on one core' is per core."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {(os.cpu_count() or 1) - 1})


def _pages(folder: str) -> tuple[list[str], list[str]]:
    index = json.loads((Path(folder) / "index.json").read_text())
    return [(Path(folder) / name).read_text() for name, _ in index], [url for _, url in index]


def _rate(fn: Callable[[str, str], object], pages: list[str], urls: list[str]) -> float:
    """Pages per CPU second of one pass (process time: what the pass cost this core)."""
    gc.collect()
    t0 = time.process_time()
    for html, url in zip(pages, urls, strict=True):
        fn(html, url)
    return len(pages) / (time.process_time() - t0)


def extract(args: dict[str, Any]) -> dict[str, Any]:
    """feedmaker.parse_article and a bare selectolax parse, interleaved pass by pass. With
    "tree", feedmaker is imported from that folder instead (an older commit's, for before/after)."""
    if args.get("tree"):
        sys.path.insert(0, args["tree"])
    from selectolax.lexbor import LexborHTMLParser

    from feedmaker.config import load_config
    from feedmaker.parse import parse_article

    _pin()
    site = next(iter(load_config(args["config"]).sites.values()))
    pages, urls = _pages(args["pages"])

    def fm(html: str, url: str) -> object:
        return parse_article(html, url, site)

    def floor(html: str, url: str) -> object:
        return LexborHTMLParser(html).root

    fm(pages[0], urls[0])
    rates: dict[str, list[float]] = {"feedmaker": [], "selectolax": []}
    for _ in range(args["reps"]):
        rates["selectolax"].append(_rate(floor, pages, urls))
        rates["feedmaker"].append(_rate(fm, pages, urls))
    return rates


def trafilatura(args: dict[str, Any]) -> dict[str, Any]:
    """trafilatura.extract on the same pages (runs in the benchmark venv, not the project's)."""
    import trafilatura as t

    _pin()
    pages, urls = _pages(args["pages"])

    def run(html: str, url: str) -> object:
        return t.extract(html, url=url, with_metadata=True)

    run(pages[0], urls[0])
    return {"trafilatura": [_rate(run, pages, urls) for _ in range(args["reps"])],
            "version": t.__version__}


def _children_cpu() -> float:
    """CPU of the reaped child processes: feedmaker's parser workers, stopped at the build's
    end (the site under test is not ours: the runner started it)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def build(args: dict[str, Any]) -> dict[str, Any]:
    """`feedmaker build` in-process: CPU (ours and our parser workers': the site is another
    process), wall, RSS, and how much of the CPU went to writing feeds. With "tree", feedmaker
    is imported from that folder instead (an older commit's, for before/after)."""
    if args.get("tree"):
        sys.path.insert(0, args["tree"])
    from feedmaker import pipeline
    from feedmaker.build import build as run_build
    from feedmaker.config import load_config

    publish_cpu = [0.0]
    # Feeds are written in a thread since the parsing moved to workers (feedmaker.writer):
    # the thread's own CPU clock, as the process clock would count the event loop's too.
    if hasattr(pipeline, "publish_site"):
        owner: Any = pipeline
    else:
        from feedmaker import writer as owner
    real_publish = owner.publish_site

    def timed_publish(*a: Any, **kw: Any) -> int:
        t0 = time.thread_time()
        try:
            return int(real_publish(*a, **kw))
        finally:
            publish_cpu[0] += time.thread_time() - t0

    owner.publish_site = timed_publish
    config = load_config(args["config"])
    # The fetcher imports httpx and aiohttp on its first request (~0.3 s of CPU, which
    # `feedmaker --version` must not pay); the figures are the build's work, so not in them.
    with contextlib.suppress(ImportError):  # an older tree (--before) imports them with fetch
        import feedmaker.transport  # noqa: F401
    cpu0, wall0, kids0 = time.process_time(), time.perf_counter(), _children_cpu()
    result = asyncio.run(run_build(config))
    own, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    workers = _children_cpu() - kids0
    rss = _rss_mb()
    return {"cpu": own + workers, "own_cpu": own, "workers_cpu": workers, "wall": wall,
            "publish_cpu": publish_cpu[0], "rss_mb": rss,
            "files_floor_cpu": _files_floor(config.out_dir) if args.get("floor") else None,
            "new": sum(r.new for r in result.sites), "requests": sum(r.requests for r in result.sites),
            "files": sum(r.feeds_written for r in result.sites) + result.index_written,
            "problems": [p for r in result.sites for p in r.problems][:5],
            "state_bytes": os.path.getsize(config.state)}


def _files_floor(out_dir: Path) -> float:
    """The filesystem's share: CPU to create and write files of the same sizes as the feeds just
    written, next to them, with bare os calls (no temporary names, renames or sync)."""
    sizes = [f.stat().st_size for f in out_dir.rglob("*") if f.is_file()]
    floor = out_dir.with_name(out_dir.name + "-floor")
    floor.mkdir()
    chunk = b"x" * max(sizes, default=0)
    t0 = time.process_time()
    for i, size in enumerate(sizes):
        fd = os.open(floor / f"{i}.atom", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.write(fd, chunk[:size])
        os.close(fd)
    return time.process_time() - t0  # the files stay: see benchmarks.workload.work_dir


def state(args: dict[str, Any]) -> dict[str, Any]:
    """A state file of N articles made directly through Store.save_article (nothing fetched)."""
    from .state100k import generate

    t0 = time.perf_counter()
    generate(Path(args["state"]), args["articles"], args["tags"])
    return {"seconds": time.perf_counter() - t0, "bytes": os.path.getsize(args["state"])}


def feedgen(args: dict[str, Any]) -> dict[str, Any]:
    """What feedgen costs per entry, in µs of CPU, Atom and RSS apart: built once and its bytes
    reused (feedmaker's way); used naively (a FeedGenerator per feed, every entry-in-feed built
    again); and the physical floor under both, lxml serializing the finished entry."""
    import random

    from lxml import etree

    from feedmaker import feedgen_adapter as fa

    from .state100k import make_article, tag_vocabulary

    _pin()
    rng, tags = random.Random(0), tag_vocabulary(2000)
    articles = [make_article(i, rng, tags, "http://127.0.0.1:9/") for i in range(args["entries"])]
    rows = [(a, list(a.tags), a.published, a.updated)
            for a in articles]
    out: dict[str, Any] = {}

    def per_entry(fn: Callable[..., object], *args: object) -> float:
        best = float("inf")
        for _ in range(reps):  # the least disturbed pass: this machine is shared
            gc.collect()
            t0 = time.process_time()
            fn(*args)
            best = min(best, time.process_time() - t0)
        return best / len(rows) * 1e6

    def once(fmt: str) -> None:
        for r in rows:
            fa.entry_bytes(fmt, *r)

    def naive(fmt: str, head: fa.Head) -> None:
        for k in range(0, len(rows), 50):
            fa.whole_feed(fmt, head, rows[k:k + 50])

    def serialize(trees: list[Any]) -> None:
        for tree in trees:
            etree.tostring(tree, pretty_print=True, encoding="UTF-8")

    reps = args["reps"]
    for fmt in ("atom", "rss"):
        head = fa.Head("http://x/f.atom", "T", "T", rows[0][2], "S", f"http://x/f.{fmt}", "http://x/")
        out[f"{fmt}_once"] = per_entry(once, fmt)
        out[f"{fmt}_naive"] = per_entry(naive, fmt, head)
        trees = []
        for r in rows:
            root, parent = fa._new_root(fmt)
            entry = fa._entry(fmt, *r)
            parent.append(entry.atom_entry() if fmt == "atom" else entry.rss_entry())
            trees.append(root)
        out[f"{fmt}_floor"] = per_entry(serialize, trees)
    return out


def rebuild(args: dict[str, Any]) -> dict[str, Any]:
    """Every feed of the big state written into an empty out_dir, then single new articles.
    With "tree", feedmaker is imported from that folder instead (an older commit's)."""
    if args.get("tree"):
        sys.path.insert(0, args["tree"])
    from .state100k import add_one, feed_entries, rebuild_all

    cpu0, wall0 = time.process_time(), time.perf_counter()
    files, feeds = rebuild_all(Path(args["config"]))
    out: dict[str, Any] = {"cpu": time.process_time() - cpu0, "wall": time.perf_counter() - wall0,
                           "files": files, "feeds": feeds, "rss_mb": _rss_mb()}
    out["slots"], out["distinct"] = feed_entries(Path(args["config"]))
    singles = [add_one(Path(args["config"]), i) for i in range(args["singles"])]
    out["single_wall"] = statistics.median(s["wall"] for s in singles)
    out["single_cpu"] = statistics.median(s["cpu"] for s in singles)
    out["single_files"] = max(s["files"] for s in singles)
    out["single_expected"] = max(s["expected"] for s in singles)
    out["single_ok"] = all(s["files"] == s["expected"] for s in singles)
    return out


def listings(args: dict[str, Any]) -> dict[str, Any]:
    """The automatic link picker on the real listing pages beside the project: the scorer's
    figures and CPU per page. With "tree", feedmaker is imported from that folder instead."""
    if args.get("tree"):
        sys.path.insert(0, args["tree"])
    from .real_listings import measure

    _pin()
    return measure(Path(args["data"]), args["rounds"])



def fetch(args: dict[str, Any]) -> dict[str, Any]:
    """CPU ms per request of one HTTP client setup over the same pages (benchmarks.clients)."""
    from .clients import child_fetch

    return child_fetch(args)



def _real_pages(args: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The shared real pages named "source/id", read where they lie, and their URLs."""
    import gzip

    root = Path(args["realdata"]) / "articles"
    urls: dict[str, str] = {}
    for truth in root.glob("*/truth.jsonl"):
        for line in truth.open(encoding="utf-8"):
            rec = json.loads(line)
            urls[f"{truth.parent.name}/{rec['id']}"] = rec.get("url") or ""
    pages = []
    for key in args["ids"]:
        source, _, page_id = key.partition("/")
        raw = gzip.decompress((root / source / "html" / f"{page_id}.html.gz").read_bytes())
        pages.append(raw.decode("utf-8", "replace"))
    return pages, [urls[k] or "https://example.invalid/article" for k in args["ids"]]


def real_parse(args: dict[str, Any]) -> dict[str, Any]:
    """parse_article with no site rules over the shared real pages: one timed pass."""
    if args.get("tree"):
        sys.path.insert(0, args["tree"])
    from datetime import UTC
    from urllib.parse import urlsplit

    from feedmaker.config import SiteConfig
    from feedmaker.errors import ParseError
    from feedmaker.parse import parse_article

    _pin()
    pages, urls = _real_pages(args)
    sites = {}
    for url in urls:
        home = f"{urlsplit(url).scheme}://{urlsplit(url).netloc}/"
        sites[url] = SiteConfig(key="real", name="real", url=home, sections={}, timezone=UTC)

    def fm(html: str, url: str) -> object:
        try:
            return parse_article(html, url, sites[url])
        except ParseError:
            return None

    fm(pages[0], urls[0])  # imports, compiled patterns and the lazy date libraries
    for html, url in zip(pages, urls, strict=True):  # warm: dateparser's languages, htmldate
        fm(html, url)
    return {"rate": _rate(fm, pages, urls)}


def real_trafilatura(args: dict[str, Any]) -> dict[str, Any]:
    """trafilatura.bare_extraction (metadata and text) on the same pages (its own venv)."""
    import trafilatura as t

    _pin()
    pages, urls = _real_pages(args)

    def run(html: str, url: str) -> object:
        return t.bare_extraction(html, url=url, with_metadata=True)

    for html, url in zip(pages, urls, strict=True):
        run(html, url)
    return {"rate": _rate(run, pages, urls), "version": t.__version__}


MEASUREMENTS = {f.__name__: f for f in (extract, trafilatura, build, state, rebuild, listings,
                                            fetch, feedgen, real_parse, real_trafilatura)}


if __name__ == "__main__":
    print(json.dumps(MEASUREMENTS[sys.argv[1]](json.loads(sys.argv[2]))))
