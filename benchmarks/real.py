"""Real pages nobody here wrote (../shared): field accuracy, Zyte F1, and parse speed with no rules.

    .venv/bin/python -m benchmarks.real [--quick] [--before TREE]

Quality: ../shared/realdata/score_articles.py's own metric over benchmarks.real_articles:article
(per field, per source, per language group) and the Zyte benchmark's F1 of feedmaker.extract.
Speed: `parse_article` with no site rules on the same real pages, CPU pages/s of one pass on one
core, in fresh processes interleaved with trafilatura's `bare_extraction` (its own venv) and, with
--before, the feedmaker under TREE; medians of the rounds. The data is read where it lies,
never copied; with ../shared absent everything here is skipped with the reason.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from . import benchvenv
from .runs import child
from .workload import ROOT

SHARED = ROOT.parent / "shared"
REALDATA = SHARED / "realdata"
ZYTE = SHARED / "extraction" / "zyte"
FIELDS = ("title", "published", "published_day", "authors", "tags", "body_f1")
QUICK_PAGES = 120  # every third page, both sources and most languages


def missing() -> str | None:
    """Why the real-page figures cannot be made here, or None."""
    for path in (REALDATA / "score_articles.py", ZYTE / "ground-truth.json"):
        if not path.exists():
            return f"{path} is missing (the shared data beside the project)"
    return None


def records() -> list[dict[str, Any]]:
    out = []
    for truth in sorted((REALDATA / "articles").glob("*/truth.jsonl")):
        for line in truth.open(encoding="utf-8"):
            rec = json.loads(line)
            rec["_path"] = str(truth.parent / "html" / f"{rec['id']}.html.gz")
            rec["_source"] = truth.parent.name
            out.append(rec)
    return out


def page(rec: dict[str, Any]) -> str:
    return gzip.decompress(Path(rec["_path"]).read_bytes()).decode("utf-8", "replace")


def off_by_months(truth: Any, got: Any) -> bool:
    """A published date 28 days or more away from the truth: a misread month or year."""
    sys.path.insert(0, str(REALDATA))
    from score_articles import parse_dt  # the scorer's own reading of both sides

    t, p = parse_dt(truth), parse_dt(got)
    if t is None or p is None:
        return False
    t_day = t.date() if hasattr(t, "date") else t
    p_day = p.date() if hasattr(p, "date") else p
    return abs((t_day - p_day).days) >= 28


def quality(pages: list[dict[str, Any]]) -> dict[str, Any]:
    """score_articles' per-page scores, summed per group ("ALL", the sources, en/de/others)."""
    sys.path.insert(0, str(REALDATA))
    from score_articles import score_page

    from .real_articles import article

    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    months: list[str] = []
    for rec in pages:
        out = article(page(rec), rec.get("url") or "")
        scored = score_page(rec, out)
        if rec.get("published") and off_by_months(rec["published"], out.get("published")):
            months.append(f"{rec['_source']}/{rec['id']}")
        lang = rec.get("lang") or "?"
        for group in ("ALL", rec["_source"], lang if lang in ("en", "de") else "others"):
            groups[group].append(scored)
    table = {}
    for group, rows in groups.items():
        table[group] = {"n": len(rows), **{f: _mean(rows, f) for f in FIELDS}}
    return {"groups": table, "months_off": months}


def _mean(rows: list[dict[str, Any]], field: str) -> tuple[float, int] | None:
    values = [float(r[field]) for r in rows if field in r]
    return (sum(values) / len(values), len(values)) if values else None


def zyte_f1() -> float:
    sys.path.insert(0, str(ZYTE.parent))
    from score import aggregate, doc_counts, load_data  # the benchmark's own metric

    from feedmaker.extract import body_text

    truth, htmls = load_data(ZYTE)
    counts = [doc_counts(truth[k]["articleBody"], body_text(h) or "") for k, h in htmls.items()]
    return float(aggregate(counts)["f1"])


def speed(ids: list[str], rounds: int, before: Path | None, have_traf: bool) -> dict[str, Any]:
    rates: dict[str, list[float]] = {"feedmaker": [], "before": [], "trafilatura": []}
    args = {"realdata": str(REALDATA), "ids": ids}
    for _ in range(rounds):  # interleaved: one pass of each per round, each in a fresh process
        rates["feedmaker"].append(child("real_parse", args)["rate"])
        if before is not None:
            rates["before"].append(child("real_parse", {**args, "tree": str(before)})["rate"])
        if have_traf:
            rates["trafilatura"].append(child("real_trafilatura", args, benchvenv.PYTHON)["rate"])
    return {k: statistics.median(v) if v else float("nan") for k, v in rates.items()}


def run(quick: bool, rounds: int, before: Path | None, have_traf: bool) -> dict[str, Any]:
    reason = missing()
    if reason:
        return {"skipped": reason}
    pages = records()
    timed = pages[::3][:QUICK_PAGES] if quick else pages
    return {"quality": quality(pages), "zyte": zyte_f1(), "pages": len(pages),
            "timed": len(timed),
            "speed": speed([f"{r['_source']}/{r['id']}" for r in timed], rounds, before, have_traf)}


def rows(r: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The table rows: (figure, value, floor)."""
    if "skipped" in r:
        return [("real pages (../shared)", "skipped", r["skipped"])]
    out = []
    floors = {"title": 0.92, "published": 0.96, "published_day": 0.98, "authors": 0.85, "tags": 0.75,
              "body_f1": 0.93}
    g = r["quality"]["groups"]
    for group in ("ALL", "fundus", "readability", "en", "de", "others"):
        if group not in g:
            continue
        cells = []
        for f in FIELDS:
            got = g[group][f]
            cells.append(f"{got[0]:.3f}" if got else "-")
        floor = ""
        if group == "ALL":
            misses = [f for f in FIELDS if g[group][f] and g[group][f][0] < floors[f]]
            floor = "title .92 pub .96/.98 auth .85 tags .75 body .93  " + \
                ("ok" if not misses else "MISSED " + ",".join(misses))
        out.append((f"real pages {group} ({g[group]['n']}): title/pub/pub day/authors/tags/body F1",
                    " ".join(cells), floor))
    months = r["quality"]["months_off"]
    out.append(("  published dates off by a month or more (truth's own mislabels included)",
                f"{len(months)} {' '.join(months)}".strip(), "0 beyond known mislabels"))
    out.append(("Zyte pages: feedmaker.extract F1", f"{r['zyte']:.3f}",
                f"≥ 0.97  {'ok' if r['zyte'] >= 0.97 else 'MISSED'}"))
    s = r["speed"]
    out.append((f"parse_article with no rules on {r['timed']} real pages, pages/s on one core",
                f"{s['feedmaker']:.0f}", ""))
    if s["before"] == s["before"]:
        ratio = s["feedmaker"] / s["before"]
        out.append(("  the same with the feedmaker under --before (after ÷ before)",
                    f"{s['before']:.0f} ({ratio:.2f}×)", f"≥ 0.8×  {'ok' if ratio >= 0.8 else 'MISSED'}"))
    if s["trafilatura"] == s["trafilatura"]:
        ratio = s["feedmaker"] / s["trafilatura"]
        out.append(("  trafilatura bare_extraction on the same pages, pages/s (feedmaker ÷ it)",
                    f"{s['trafilatura']:.1f} ({ratio:.1f}×)", f"≥ 3×  {'ok' if ratio >= 3 else 'MISSED'}"))
    else:
        out.append(("  trafilatura bare_extraction", "not installed", ""))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--before", type=Path)
    args = ap.parse_args()
    have = benchvenv.ensure()
    result = run(args.quick, args.rounds, args.before, have["trafilatura"])
    for figure, value, floor in rows(result):
        print(f"{figure:<95} {value:>40}  {floor}")


if __name__ == "__main__":
    main()
