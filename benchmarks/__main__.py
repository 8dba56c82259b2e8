"""`python -m benchmarks [--quick]`: generate the workload, measure, print the table of figures."""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import benchvenv, hostile, real, real_listings, runs, scale, startup, web
from .workload import SETTLE_SECONDS, SiteProcess, cleaned, settle, work_dir


@dataclass(frozen=True)
class Plan:
    site: int  # articles in the main generated site
    pages: int  # article pages in the extraction corpus
    rounds: int  # interleaved repetitions of each comparison
    scaling: tuple[int, ...]
    big: int = 100_000
    tags: int = 2_000
    singles: int = 5
    entries: int = 500  # articles rendered through feedgen for its cost per entry


QUICK = Plan(site=1000, pages=60, rounds=3, scaling=(250, 500, 1000), entries=500)
FULL = Plan(site=2000, pages=200, rounds=5, scaling=(500, 1000, 2000, 4000), entries=1000)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    ap.add_argument("--quick", action="store_true", help="smaller workload, under 3 minutes")
    ap.add_argument("--only", nargs="*", default=(),
                    choices=("startup", "extract", "real", "cold", "morss", "big", "feedgen",
                             "scaling", "listings", "hostile", "web", "scale"))
    ap.add_argument("--before", type=Path, metavar="TREE",
                    help="also time extraction, the cold build (interleaved) and the 100k rebuild"
                         " with the feedmaker package under TREE"
                         " (e.g. `git archive OLD feedmaker | tar -x -C TREE`)")
    args = ap.parse_args(argv)
    plan = QUICK if args.quick else FULL
    only = set(args.only) or {"startup", "extract", "real", "cold", "morss", "big", "feedgen",
                              "scaling", "listings", "hostile", "web", "scale"}
    have = benchvenv.ensure()
    settled = settle(wait=not args.quick)
    work = work_dir()  # removed only at the end: see work_dir
    started = time.perf_counter()
    results: dict[str, Any] = {"plan": plan, "have": have, "settled": settled}
    try:
        if "startup" in only:
            step("start-up: --version, --help, a build with nothing new")
            results["startup"] = startup.startup()
        if "listings" in only:
            step("real listing pages, automatic link picker")
            results["listings"] = runs.listings(real_listings.DATA, plan.rounds, args.before)
        if "extract" in only:
            step("extraction")
            with SiteProcess(plan.site) as site:
                results["extract"] = runs.extraction(site, work, plan.pages, plan.rounds,
                                                     have["trafilatura"], args.before)
        if "real" in only:
            step("real pages (../shared): fields, Zyte F1, parse speed with no rules")
            results["real"] = real.run(args.quick, plan.rounds, args.before, have["trafilatura"])
        if "cold" in only:
            step(f"cold build + warm poll, {plan.site} articles")
            results["cold"] = runs.cold_build(plan.site, work, warm=True, before=args.before,
                                              rounds=plan.rounds)
            step(f"cold build, {plan.site} articles with 33-137 KB of text each (stress)")
            results["cold_long"] = runs.cold_build(plan.site, work, long_text=True)
        if "morss" in only:
            step("morss vs feedmaker, one section")
            results["morss"] = runs.morss_vs_feedmaker(work, plan.rounds, have["morss"])
        if "big" in only:
            step(f"{plan.big:,}-article state: full rebuild, single new articles")
            results["big"] = runs.big_state(work, plan.big, plan.tags, plan.singles, args.before)
        if "feedgen" in only:
            step(f"feedgen's cost per entry, {plan.entries} generated articles")
            results["feedgen"] = runs.feedgen_cost(plan.entries, plan.rounds)
        if "hostile" in only:
            step("hostile pages through the parser pool")
            results["parse_floor"] = hostile.parse_floor()
            step(f"/healthz during the daemon's first poll: {plan.site} articles, and hostile pages")
            results["healthz"] = hostile.healthz_under_load(work, plan.site)
            step("requests/s of feedmaker serve, 200 clients")
            results["rps"] = hostile.serve_rps(work)
            step("bytes written per byte downloaded")
            results["amplification"] = hostile.amplification(work)
        if "web" in only:
            step("browser pages: /status for 200 sites, a /new preview of the sample site")
            results["status_page"] = web.status_page()
            results["preview"] = web.preview()
        if "scale" in only:
            results["scale"] = scale_rows(work, quick=args.quick)
        if "scaling" in only:
            results["scaling"] = {}
            for n in plan.scaling:
                step(f"scaling: cold build of {n} articles")
                cold = results.get("cold")
                results["scaling"][n] = cold if cold and n == plan.site else \
                    runs.cold_build(n, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        cleaned()
    print(render(results, time.perf_counter() - started, quick=args.quick))
    return 0


def scale_rows(work: Path, *, quick: bool) -> dict[str, Any]:
    """PostgreSQL mode (docs/scale.md): CPU per article against SQLite, 500 sites polled by 1, 2
    and 4 workers at 2 polls at once per worker (where one worker leaves the 2 cores room for
    four) and at 8 (where one worker nearly fills them), serve --state, failover."""
    out: dict[str, Any] = {}
    sites, counts = 500, (1, 2, 4)
    per_article = 50 if quick else 100
    step(f"PostgreSQL: CPU per article, SQLite build vs one worker, {per_article * 5} articles")
    out["cpu"] = scale.cpu_per_article(work, per_article, 1 if quick else 3)
    for conc in (2, 8):
        step(f"PostgreSQL: {sites} sites at 50 ms, workers {counts}, {conc} polls at once each")
        out[f"throughput{conc}"] = scale.throughput(work, sites, counts, concurrency=conc)
    step("PostgreSQL: serve --state requests/s, 200 clients")
    out["rps"] = scale.serve_rps(work)
    step("PostgreSQL: failover after kill -9")
    out["failover"] = scale.failover(work)
    return out


def _scale_rows(s: dict[str, Any], row: Any) -> None:
    from statistics import median as med

    sq = med(r["cpu"] / r["articles"] for r in s["cpu"]["sqlite"]) * 1000
    pg = med(r["cpu"] / r["articles"] for r in s["cpu"]["pg"]) * 1000
    srv = med(r["server_cpu"] / r["articles"] for r in s["cpu"]["pg"]) * 1000
    row("PostgreSQL: CPU ms per article, SQLite build / one worker (its processes) / + the server's",
        f"{sq:.1f} / {pg:.1f} / {pg + srv:.1f}",
        verdict(pg / sq <= 1.5, f"≤ 1.5× ({pg / sq:.2f}×; with the server {(pg + srv) / sq:.2f}×)"))
    for conc in (2, 8):
        if f"throughput{conc}" not in s:
            continue
        t = s[f"throughput{conc}"]
        base = t[1]["sites"] / t[1]["wall"]
        parts = []
        for n, r in t.items():
            ours = (r['cpu'] + r['server_cpu']) / r['wall']
            parts.append(f"{n}: {r['sites'] / r['wall']:.1f}/s ({r['sites'] / r['wall'] / base:.2f}×,"
                         f" cores: ours {ours:.1f}, machine {r['machine_busy'] / r['wall']:.1f};"
                         f" {r['sites'] / r['wall'] / ours:.0f}/s per core of ours)")
        rate = {n: r["sites"] / r["wall"] / base for n, r in t.items()}
        row(f"PostgreSQL: sites polled per second, {t[1]['sites']} sites at 50 ms, {conc} polls at once"
            " per worker, by workers (cores busy: workers + PostgreSQL / whole machine)", "; ".join(parts),
            verdict(rate.get(2, 0) >= 1.8 and rate.get(4, 0) >= 2.5,
                    "≥ 1.8× at 2, ≥ 2.5× at 4 (2 cores: see docs/scale.md)"))
    r = s["rps"]
    row(f"serve --state: requests/s, a {r['entries']}-entry feed / its 304, 200 clients",
        f"{r['feed']:.0f} / {r['not_modified']:.0f}",
        verdict(r["feed"] >= 1000 and r["not_modified"] >= 3000, "≥ 1,000 / ≥ 3,000"))
    if f := s.get("failover"):
        row(f"failover: worker killed mid-poll -> its site polled by another worker, s ({f['how']})",
            f"{f['seconds']:.1f}", verdict(f["seconds"] <= f["stall"] + f["interval"],
                                           f"≤ stall timeout {f['stall']:g} + interval {f['interval']:g}"
                                           f" = {f['stall'] + f['interval']:g}"))


def step(what: str) -> None:
    print(f"... {what}", file=sys.stderr, flush=True)


def render(r: dict[str, Any], seconds: float, *, quick: bool) -> str:
    plan: Plan = r["plan"]
    rows: list[tuple[str, str, str]] = []

    def row(figure: str, value: str, floor: str = "") -> None:
        rows.append((figure, value, floor))

    if sp := r.get("status_page"):
        row(f"/status, {sp['sites']} sites: ms per request between runs (cached figures), wall / CPU"
            f" (median of {sp['rounds']})", f"{sp['warm_wall_ms']:.0f} / {sp['warm_cpu_ms']:.0f}",
            verdict(sp["warm_wall_ms"] <= 50, "≤ 50"))
        row("  the same with every site's figures read from the state file, wall / CPU ms",
            f"{sp['cold_wall_ms']:.0f} / {sp['cold_cpu_ms']:.0f}")
        row("  page size, KB", f"{sp['kb']:.0f}")
    if pv := r.get("preview"):
        row(f"/new preview of the sample site's section page ({pv['links']} links, 3 articles),"
            f" wall s (median of {pv['rounds']}, parser pool running)",
            f"{pv['wall_s']:.3f} (max {pv['max_s']:.3f})", verdict(pv["wall_s"] <= 2, "≤ 2"))
    if sc := r.get("scale"):
        _scale_rows(sc, row)
    if st := r.get("startup"):
        row(f"`feedmaker --version`, whole process, CPU s (median of {startup.RUNS})",
            f"{st['version']:.3f}", verdict(st["version"] <= 0.1, "≤ 0.1"))
        row("  `feedmaker --help`, CPU s", f"{st['help']:.3f}", verdict(st["help"] <= 0.1, "≤ 0.1"))
        row("  bare `python -c pass` in the same run, CPU s", f"{st['python']:.3f}")
        row("`feedmaker build` of the sample site, nothing new, whole process, CPU s",
            f"{st['build_nothing_new']:.3f}", verdict(st["build_nothing_new"] <= 0.3, "≤ 0.3"))
    if (ls := r.get("listings")) is not None:
        _listing_rows(ls, row)
    if e := r.get("extract"):
        row(f"extraction: parse + every field + sanitize, pages/s on one core ({e['pages']} pages)",
            f"{e['feedmaker']:.0f}", verdict(e["feedmaker"] >= 400, "≥ 400"))
        if e["before"] == e["before"]:
            row("  the same with the feedmaker under --before, pages/s (after ÷ before)",
                f"{e['before']:.0f} ({e['feedmaker'] / e['before']:.2f}×)")
        row("  physical floor: bare selectolax parse of the same pages, pages/s",
            f"{e['selectolax']:.0f}")
        if e["trafilatura"] == e["trafilatura"]:  # not NaN
            ratio = e["feedmaker"] / e["trafilatura"]
            row(f"  trafilatura {e['trafilatura_version']} extract(with_metadata), pages/s",
                f"{e['trafilatura']:.1f} ({ratio:.1f}× slower)", verdict(ratio >= 10, "≥ 10×"))
        else:
            row("  trafilatura extract", "not installed")
        f = e["fetch"]
        row("  physical floor: raw loopback fetch, CPU s / wall s / MB per 1,000 pages",
            f"{f['cpu']:.2f} / {f['wall']:.2f} / {f['mb']:.0f}")
        row("  the same pages through a bare httpx.AsyncClient() (httpcore + h11), CPU s per 1,000",
            f"{e['httpx']:.2f}")
        row("  the same pages through feedmaker's Fetcher.get (httpx over aiohttp), CPU s per 1,000",
            f"{e['fetcher']:.2f}")
    if rr := r.get("real"):
        rows.extend(real.rows(rr))
    if c := r.get("cold"):
        per = 1000 / plan.site
        row(f"cold build, {plan.site:,} articles: CPU s per 1,000 articles (feedmaker only,"
            f" and its parser workers, median of {c['rounds']})", f"{c['cpu'] * per:.2f}",
            verdict(c["cpu"] * per <= 4, "≤ 4"))
        if "workers_cpu" in c:
            row("  of which the parser worker processes (start-up included), CPU s per 1,000",
                f"{c['workers_cpu'] * per:.2f}")
        if c["rounds"] > 1:  # the spread says how far this machine's noise moves the median
            row("  each round in order, CPU s per 1,000", " ".join(f"{x * per:.2f}" for x in c["cpu_rounds"]))
        if "before_cpu" in c:
            row("  the same with the feedmaker under --before, interleaved: CPU s per 1,000"
                " (before ÷ after)", f"{c['before_cpu'] * per:.2f} ({c['before_cpu'] / c['cpu']:.2f}×)")
        row("  of which writing feeds (render + write), CPU s per 1,000",
            f"{c['publish_cpu'] * per:.2f}")
        row("  wall s per 1,000 articles; feeds written (MB per 1,000)",
            f"{c['wall'] * per:.1f}; {c['out_mb'] * per:.0f}")
        row("  articles stored / requests / files written",
            f"{c['new']} / {c['requests']} / {c['files']}")
        row("  physical floor of writing: creating files of the same sizes, bare os calls, CPU s"
            " per 1,000", f"{c['files_floor_cpu'] * per:.2f}")
        if e := r.get("extract"):
            # Every request at the raw fetch's CPU, every page but robots.txt at the bare parse's.
            floor = (c["requests"] * e["fetch"]["cpu"] / 1000 + (c["requests"] - 1) / e["selectolax"]
                     + c["files_floor_cpu"])
            row("  physical floor in all: raw fetch + bare parse of every page + those files,"
                " CPU s per 1,000", f"{floor * per:.2f}")
        if cl := r.get("cold_long"):
            row("  same site with 33–137 KB of text per article (stress): CPU s per 1,000",
                f"{cl['cpu'] * per:.2f}")
            row("    of which writing feeds; feeds written (MB per 1,000)",
                f"{cl['publish_cpu'] * per:.2f}; {cl['out_mb'] * per:.0f}")
        row("peak RSS, cold build (MB)", f"{c['rss_mb']:.0f}", verdict(c["rss_mb"] < 200, "< 200"))
        row("state file size per 1,000 articles (generated site, MB)",
            f"{c['state_bytes'] / 1e6 * per:.1f}")
        if w := c.get("warm"):
            ok = (w["article_requests"] == 0 and w["files"] == 0 and w["cpu"] < 0.2)
            row("warm poll, nothing new: requests (conditional, 304) / article requests",
                f"{w['log']} ({w['conditional']}, {w['not_modified']}) / {w['article_requests']}")
            row("  bytes downloaded / files written / CPU s",
                f"{w['bytes']} / {w['files']} / {w['cpu']:.3f}", verdict(ok, "0 / 0 / < 0.2"))
    if m := r.get("morss"):
        fm_cpu, fm_wall = m["fm_cpu"] / m["fm_articles"], m["fm_wall"] / m["fm_articles"]
        row(f"one section, cold, {m['fm_articles']} articles: feedmaker CPU s / wall s per article"
            " (whole process)", f"{fm_cpu:.3f} / {fm_wall:.3f}")
        one_feed = (m["fm_cpu"] - m["fm_publish"] * (1 - 3 / m["fm_files"])) / m["fm_articles"]
        row(f"  feedmaker writes {m['fm_files']:.0f} files (section, all, every tag × 3 formats);"
            " CPU s per article counting one feed's share", f"{one_feed:.3f}")
        if m["morss_items"]:
            mc, mw = m["morss_cpu"] / m["morss_items"], m["morss_wall"] / m["morss_items"]
            row(f"  morss, XPath listing rules, {m['morss_items']} items, one RSS feed: CPU s / wall s"
                " per article", f"{mc:.3f} / {mw:.3f} ({mc / fm_cpu:.1f}× / {mw / fm_wall:.1f}×)",
                verdict(mc > fm_cpu and mw > fm_wall, "feedmaker faster"))
            row("  morss CPU ÷ feedmaker CPU counting one feed's share", f"{mc / one_feed:.1f}×")
        else:
            row("  morss", "not installed" if not r["have"]["morss"] else "no items")
    if b := r.get("big"):
        n = plan.big
        if b["made"]:
            row(f"  (made the {n:,}-article state through Store.save_article, s)",
                f"{b['made']['seconds']:.0f}")
        row(f"one new article on {n:,} articles / {plan.tags:,} tags: wall s (median of "
            f"{plan.singles})", f"{b['single_wall']:.3f}", verdict(b["single_wall"] < 0.5, "< 0.5"))
        row("  files rewritten / its feeds × 3 formats",
            f"{b['single_files']} / {b['single_expected']}", verdict(b["single_ok"], "only those"))
        row(f"full rebuild of every feed ({b['feeds']:,} feeds, {b['files']:,} files), wall s / CPU s",
            f"{b['wall']:.1f} / {b['cpu']:.1f}", verdict(b["wall"] <= 45, "≤ 45"))
        if o := b.get("before"):
            row("  the same with the feedmaker under --before, just before it: wall s / CPU s"
                " (CPU after ÷ before)", f"{o['wall']:.1f} / {o['cpu']:.1f} ({b['cpu'] / o['cpu']:.2f}×)")
            row("  one new article with it: wall s; files", f"{o['single_wall']:.3f}; {o['single_files']}")
        row("peak RSS, 100k rebuild (MB)", f"{b['rss_mb']:.0f}", verdict(b["rss_mb"] < 200, "< 200"))
        row("state file size per 1,000 articles (100k state, ~2.5 KB content each, MB)",
            f"{b['state_bytes'] / 1e6 / (n / 1000):.1f}")
    if g := r.get("feedgen"):
        for fmt in ("atom", "rss"):
            row(f"feedgen, {fmt}: CPU µs per entry built once, its bytes reused in every feed"
                f" (best of {plan.rounds}, {plan.entries} entries)", f"{g[fmt + '_once']:.0f}",
                f"physical floor {g[fmt + '_floor']:.0f} µs (lxml serializing the built entry)")
            row("  used naively (a FeedGenerator per 50-entry feed): µs per entry-in-feed",
                f"{g[fmt + '_naive']:.0f}")
        if b := r.get("big"):
            once = g["atom_once"] + g["rss_once"]
            row(f"  100k rebuild: {b['distinct']:,} distinct entries in {b['slots']:,} places; µs per"
                " entry-in-feed (Atom + RSS), built once / naively",
                f"{once * b['distinct'] / b['slots']:.0f} / {g['atom_naive'] + g['rss_naive']:.0f}")
            row("  its distinct entries × the cost built once, CPU s (of the rebuild's)",
                f"{b['distinct'] * once / 1e6:.1f} (of {b['cpu']:.1f})")
    if s := r.get("scaling"):
        base = None
        for n, c in s.items():
            per = c["cpu"] * 1000 / n
            base = base or per
            row(f"scaling: cold build of {n:,} articles, CPU s per 1,000 (× smallest)",
                f"{per:.2f} ({per / base:.2f}×)", "linear")
    if pf := r.get("parse_floor"):
        for name, (took, what, size) in pf.items():
            ok = what == "parsed" and took <= 2  # bounds.py: every page parses, none is cut off
            what = what if what in ("parsed", "cut off") else "error reported"
            row(f"hostile page: {name} ({size / 1e6:.1f} MB): wall s to parse",
                f"{took:.2f} {what}", verdict(ok, "parsed ≤ 2 s"))
    if hz := r.get("healthz"):
        for key, label in (("idle", "an idle daemon (this machine's own latency)"),
                           ("cold", f"a cold build of {plan.site:,} articles"),
                           ("hostile", "a poll with three 60,000-deep lists")):
            h = hz[key]
            row(f"/healthz during {label}: p99 / max ms ({h['n']} asks, poll {h['poll']:.0f} s)",
                f"{h['p99'] * 1000:.0f} / {h['max'] * 1000:.0f}", verdict(h["p99"] <= 0.1, "p99 ≤ 100"))
    if rps := r.get("rps"):
        kb = rps["feed_bytes"] / 1e3
        row(f"feedmaker serve, 200 keep-alive clients: requests/s for a feed ({kb:.0f} KB) / its 304"
            " / /healthz", f"{rps['feed']:.0f} / {rps['not_modified']:.0f} / {rps['healthz']:.0f}")
    if amp := r.get("amplification"):
        for key, label in (("sample", "the sample site"),
                           ("megabyte", "20 articles of 1 MB sharing 40 tags")):
            a = amp[key]
            row(f"bytes written per byte downloaded, {label} (MB downloaded)",
                f"{a['ratio']:.1f}× ({a['downloaded'] / 1e6:.1f})", verdict(a["ratio"] <= 30, "≤ 30×"))
    row("seconds since the previous run deleted its files (benchmarks.workload.settle)",
        "no earlier run" if r["settled"] == float("inf") else f"{r['settled']:.0f}",
        "settled" if r["settled"] >= SETTLE_SECONDS else
        f"< {SETTLE_SECONDS}: creating files may cost more than usual")
    width = max(len(x[0]) for x in rows) if rows else 10
    lines = [f"{'figure':<{width}}  {'value':>24}  floor",
             "-" * (width + 40)]
    lines += [f"{a:<{width}}  {b:>24}  {c}" for a, b, c in rows]
    lines.append(f"({'quick' if quick else 'full'} mode, {seconds:.0f} s)")
    return "\n".join(lines)


def _listing_rows(ls: dict[str, Any], row: Any) -> None:
    if ls.get("skipped"):
        row("real listing pages, automatic link picker", f"skipped: {ls['skipped']}")
        return
    ok = ls["F1"] >= 0.90 and ls["P"] >= 0.95 and ls["empty"] == 0
    row(f"real listing pages ({ls['pages']}, ../shared/realdata), automatic picker: macro P / R /"
        " F1; pages with no pick", f"{ls['P']:.3f} / {ls['R']:.3f} / {ls['F1']:.3f}; {ls['empty']}",
        verdict(ok, "F1 ≥ 0.90, P ≥ 0.95, 0"))
    row("  CPU per page, parse + pick (ms, median pass)", f"{ls['cpu_ms']:.1f}")
    if b := ls.get("before"):
        row("  the feedmaker under --before: macro F1; CPU per page (before ÷ after)",
            f"{b['F1']:.3f}; {b['cpu_ms']:.1f} ({b['cpu_ms'] / ls['cpu_ms']:.2f}×)")


def verdict(ok: bool, floor: str) -> str:
    return f"{floor}  {'ok' if ok else 'MISSED'}"


if __name__ == "__main__":
    raise SystemExit(main())
