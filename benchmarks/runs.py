"""The runner's steps: each starts child processes and returns plain numbers for the table."""

from __future__ import annotations

import http.client
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from . import benchvenv
from .workload import ROOT, SiteProcess, article_urls, write_config

CACHE = ROOT / ".bench-cache"
# morss's custom-feed rules for a section page: the card headlines and the plain list below them.
MORSS_ITEMS = '//div[contains(@class,"card")]//h3/a | //li[contains(@class,"card-list")]/a'


def child(what: str, args: dict[str, Any], python: Path | str = sys.executable) -> dict[str, Any]:
    """Run one measurement in a fresh process; also returns its whole-process CPU ("proc_cpu")."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([str(python), "-m", "benchmarks.child", what, json.dumps(args)],
                          cwd=ROOT, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"benchmarks.child {what} failed:\n{done.stderr[-3000:]}")
    out: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    out["proc_cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return out


def listings(data: Path, rounds: int, before: Path | None = None) -> dict[str, Any]:
    """The picker on the real listing pages (../shared): skipped, saying why, without them.
    With `before`, the older tree is measured too, alternating with this one."""
    if not data.is_dir():
        reason = f"{data} is absent (data beside the project, not in it)"
        print(f"    skipped: {reason}", file=sys.stderr, flush=True)
        return {"skipped": reason}
    args: dict[str, Any] = {"data": str(data), "rounds": 1}
    mine, old = [], []
    for _ in range(rounds):  # interleaved, one pass each, medians
        mine.append(child("listings", args))
        if before is not None:
            old.append(child("listings", {**args, "tree": str(before)}))
    out = {**mine[0], "cpu_ms": median([m["cpu_ms"] for m in mine])}
    if old:
        out["before"] = {**old[0], "cpu_ms": median([m["cpu_ms"] for m in old])}
    return out


def median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def fetch_pages(site: SiteProcess, urls: list[str], folder: Path) -> dict[str, float]:
    """The loopback floor: one keep-alive http.client connection, no parsing; pages kept on disk
    for the extraction figures. Returns CPU and wall per 1,000 pages, and MB per 1,000."""
    folder.mkdir(parents=True, exist_ok=True)
    parts = urlsplit(site.url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port)
    bodies = []
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for url in urls:
        conn.request("GET", urlsplit(url).path)
        bodies.append(conn.getresponse().read())
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    conn.close()
    index = []
    for i, (url, body) in enumerate(zip(urls, bodies, strict=True)):
        (folder / f"{i}.html").write_bytes(body)
        index.append((f"{i}.html", url))
    (folder / "index.json").write_text(json.dumps(index))
    k = 1000 / len(urls)
    return {"cpu": cpu * k, "wall": wall * k, "mb": sum(map(len, bodies)) * k / 1e6}


def extraction(site: SiteProcess, work: Path, pages: int, rounds: int, have_traf: bool,
               before: Path | None = None) -> dict[str, Any]:
    folder = work / "pages"
    urls = article_urls(site.url, site.articles)[:pages]
    fetch = fetch_pages(site, urls, folder)
    (work / "urls.json").write_text(json.dumps(urls))
    config = write_config(work / "extract", site.url, site.articles)
    rates: dict[str, list[float]] = {"feedmaker": [], "selectolax": [], "trafilatura": [],
                                     "before": [], "httpx": [], "fetcher": []}
    version = None
    for _ in range(rounds):  # interleaved: one pass of each per round
        # The same pages through a bare httpx.AsyncClient() and through feedmaker's Fetcher
        # (httpx over aiohttp): CPU ms per request = CPU s per 1,000 pages.
        for setup in ("httpx", "fetcher"):
            rates[setup].append(child("fetch", {"setup": setup,
                                                "urls": str(work / "urls.json")})["ms"])
        got = child("extract", {"config": str(config), "pages": str(folder), "reps": 1})
        rates["feedmaker"] += got["feedmaker"]
        rates["selectolax"] += got["selectolax"]
        if before is not None:
            got = child("extract", {"config": str(config), "pages": str(folder), "reps": 1,
                                    "tree": str(before)})
            rates["before"] += got["feedmaker"]
        if have_traf:
            got = child("trafilatura", {"pages": str(folder), "reps": 1}, benchvenv.PYTHON)
            rates["trafilatura"] += got["trafilatura"]
            version = got["version"]
    return {"fetch": fetch, "pages": pages, "trafilatura_version": version,
            **{k: median(v) for k, v in rates.items()}}


def server_log(site: SiteProcess, clear: bool = False) -> list[dict[str, Any]]:
    parts = urlsplit(site.url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port)
    conn.request("DELETE" if clear else "GET", "/_admin/log")
    body = conn.getresponse().read()
    conn.close()
    return [] if clear else list(json.loads(body))


def cold_build(articles: int, work: Path, *, warm: bool = False, long_text: bool = False,
               before: Path | None = None, rounds: int = 1) -> dict[str, Any]:
    """Cold builds of a generated site of `articles` (own server process; `long_text`: the
    33–137 KB-text stress variant), each into an empty state and out_dir: "cpu", "wall" and
    "publish_cpu" are medians of `rounds`; the rest comes from the first, which also measures
    the filesystem floor and, if asked, a warm poll with nothing new against its state. With
    `before`, each round first builds with the feedmaker under that folder ("before_cpu",
    median), interleaved with this one on the same site."""
    with SiteProcess(articles, long_text=long_text) as site:
        runs: dict[str, list[float]] = {"cpu": [], "wall": [], "publish_cpu": [], "before_cpu": []}
        out: dict[str, Any] = {}
        kind = f"{articles}-long" if long_text else str(articles)  # folders stay until the end
        for r in range(rounds):
            if before is not None:
                folder = work / f"before-{kind}-{r}"
                config = write_config(folder, site.url, articles)
                runs["before_cpu"].append(child("build", {"config": str(config),
                                                          "tree": str(before)})["cpu"])
            folder = work / f"cold-{kind}-{r}"
            config = write_config(folder, site.url, articles)
            # The floor's copies stay until the run ends: not for the stress variant's 1.1 GB.
            got = child("build", {"config": str(config), "floor": r == 0 and not long_text})
            for key in ("cpu", "wall", "publish_cpu"):
                runs[key].append(got[key])
            if r == 0:
                out = got
                out["out_mb"] = sum(f.stat().st_size for f in (folder / "feeds").rglob("*")
                                    if f.is_file()) / 1e6
                if warm:
                    out["warm"] = _warm_poll(site, config)
        out.update({k: median(v) for k, v in runs.items() if v})
        out["rounds"], out["cpu_rounds"] = rounds, runs["cpu"]
    return out


def _warm_poll(site: SiteProcess, config: Path) -> dict[str, Any]:
    """A build with nothing new, against a cold build's state: what it asked and wrote."""
    server_log(site, clear=True)
    w = child("build", {"config": str(config)})
    log = server_log(site)
    w["bytes"] = sum(r["bytes_sent"] for r in log)
    w["article_requests"] = sum(1 for r in log if r["path"].count("/") > 2 and
                                "?" not in r["path"] and r["path"] != "/robots.txt")
    # Header names in any case: httpx sends them lowercased.
    w["conditional"] = sum(1 for r in log if {h.lower() for h in r["headers"]} &
                           {"if-none-match", "if-modified-since"})
    w["not_modified"] = sum(1 for r in log if r["status"] == 304)
    w["log"] = len(log)
    return w


def morss_vs_feedmaker(work: Path, rounds: int, have_morss: bool) -> dict[str, Any]:
    """One section's first listing page (20 articles), cold each time, through morss (XPath rules
    for the listing, full-article fetching on) and through feedmaker; whole-process CPU."""
    from sample_site.generate import PAGE_SIZE, SECTIONS

    section = SECTIONS[0]
    res: dict[str, list[float]] = {"fm_cpu": [], "fm_wall": [], "fm_publish": [], "fm_files": [],
                                   "morss_cpu": [], "morss_wall": []}
    items = 0
    with SiteProcess(2000) as site:
        env = {**os.environ, "MAX_ITEM": str(PAGE_SIZE), "LIM_ITEM": str(PAGE_SIZE),
               "MAX_TIME": "600", "LIM_TIME": "600"}  # morss: fetch every item, no time cut
        cmd = [str(benchvenv.PYTHON), "-m", "morss", "--items", MORSS_ITEMS,
               "--item_link", "@href", "--item_title", ".", "--format", "rss",
               site.url.rstrip("/") + section.path]
        for r in range(rounds):
            folder = work / f"morss-fm-{r}"
            config = write_config(folder, site.url, PAGE_SIZE, sections=1)
            t0 = time.perf_counter()
            got = child("build", {"config": str(config)})
            res["fm_wall"].append(time.perf_counter() - t0)
            res["fm_cpu"].append(got["proc_cpu"])
            res["fm_publish"].append(got["publish_cpu"])
            res["fm_files"].append(got["files"])
            fm_articles = got["new"]
            if have_morss:
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                t0 = time.perf_counter()
                done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=work)
                res["morss_wall"].append(time.perf_counter() - t0)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                res["morss_cpu"].append((after.ru_utime - before.ru_utime) +
                                        (after.ru_stime - before.ru_stime))
                items = done.stdout.count("<item>")
    return {"fm_articles": fm_articles, "morss_items": items,
            **{k: median(v) for k, v in res.items()}}


def feedgen_cost(entries: int, reps: int) -> dict[str, Any]:
    return child("feedgen", {"entries": entries, "reps": reps})


def big_state(work: Path, articles: int, tags: int, singles: int,
              before: Path | None = None) -> dict[str, Any]:
    """Full rebuild from a stored state of `articles`, then single new articles on it. With
    `before`, the feedmaker under that folder does the same just before, on its own copy of the
    state ("before": its figures)."""
    CACHE.mkdir(exist_ok=True)
    cached = CACHE / f"state-{articles}-{tags}.sqlite"
    made = None
    if not cached.exists():
        tmp = cached.with_suffix(".partial")
        tmp.unlink(missing_ok=True)
        made = child("state", {"state": str(tmp), "articles": articles, "tags": tags})
        tmp.rename(cached)
    earlier = None
    if before is not None:
        folder = work / "big-before"
        config = write_config(folder, "http://127.0.0.1:9/", articles)
        shutil.copyfile(cached, folder / "state.sqlite")
        earlier = child("rebuild", {"config": str(config), "singles": singles, "tree": str(before)})
    folder = work / "big"
    config = write_config(folder, "http://127.0.0.1:9/", articles)
    shutil.copyfile(cached, folder / "state.sqlite")
    out = child("rebuild", {"config": str(config), "singles": singles})
    out["before"] = earlier
    out["state_bytes"] = cached.stat().st_size
    out["made"] = made
    out["out_mb"] = sum(f.stat().st_size for f in (folder / "feeds").rglob("*")
                        if f.is_file()) / 1e6
    return out
