"""`python -m benchmarks [--quick]`: generate the workload, measure, print the table of figures."""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import benchvenv, real, runs
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


QUICK = Plan(site=1000, pages=60, rounds=3, scaling=(250, 500, 1000))
FULL = Plan(site=2000, pages=200, rounds=5, scaling=(500, 1000, 2000, 4000))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    ap.add_argument("--quick", action="store_true", help="smaller workload, under 3 minutes")
    ap.add_argument("--only", nargs="*", default=(),
                    choices=("extract", "real", "cold", "morss", "big", "scaling"))
    ap.add_argument("--before", type=Path, metavar="TREE",
                    help="also time extraction and the cold build with the feedmaker package under"
                         " TREE, interleaved"
                         " (e.g. `git archive OLD feedmaker | tar -x -C TREE`)")
    args = ap.parse_args(argv)
    plan = QUICK if args.quick else FULL
    only = set(args.only) or {"extract", "real", "cold", "morss", "big", "scaling"}
    have = benchvenv.ensure()
    settled = settle(wait=not args.quick)
    work = work_dir()  # removed only at the end: see work_dir
    started = time.perf_counter()
    results: dict[str, Any] = {"plan": plan, "have": have, "settled": settled}
    try:
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
            results["big"] = runs.big_state(work, plan.big, plan.tags, plan.singles)
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


def step(what: str) -> None:
    print(f"... {what}", file=sys.stderr, flush=True)


def render(r: dict[str, Any], seconds: float, *, quick: bool) -> str:
    plan: Plan = r["plan"]
    rows: list[tuple[str, str, str]] = []

    def row(figure: str, value: str, floor: str = "") -> None:
        rows.append((figure, value, floor))

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
    if rr := r.get("real"):
        rows.extend(real.rows(rr))
    if c := r.get("cold"):
        per = 1000 / plan.site
        row(f"cold build, {plan.site:,} articles: CPU s per 1,000 articles (feedmaker only,"
            f" median of {c['rounds']})", f"{c['cpu'] * per:.2f}", verdict(c["cpu"] * per <= 3, "≤ 3"))
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
            f"{b['wall']:.1f} / {b['cpu']:.1f}", verdict(b["wall"] < 20, "< 20"))
        row("peak RSS, 100k rebuild (MB)", f"{b['rss_mb']:.0f}", verdict(b["rss_mb"] < 200, "< 200"))
        row("state file size per 1,000 articles (100k state, ~2.5 KB content each, MB)",
            f"{b['state_bytes'] / 1e6 / (n / 1000):.1f}")
    if s := r.get("scaling"):
        base = None
        for n, c in s.items():
            per = c["cpu"] * 1000 / n
            base = base or per
            row(f"scaling: cold build of {n:,} articles, CPU s per 1,000 (× smallest)",
                f"{per:.2f} ({per / base:.2f}×)", "linear")
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


def verdict(ok: bool, floor: str) -> str:
    return f"{floor}  {'ok' if ok else 'MISSED'}"


if __name__ == "__main__":
    raise SystemExit(main())
