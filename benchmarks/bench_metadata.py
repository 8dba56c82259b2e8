"""Metadata fill rates on the Zyte pages, and whether the values match what each page shows.

    .venv/bin/python -m benchmarks.bench_metadata [--sample N]

Per field: how many pages got a value and from which source (no site rules: metadata and
heuristics only). Agreement with the page: the title against the visible <h1>, the published
date against a date in the URL, the author against the visible text; then N pages to check by eye.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
from collections import Counter
from datetime import UTC
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from feedmaker.config import SiteConfig
from feedmaker.errors import FeedmakerError
from feedmaker.parse import parse_article
from feedmaker.sanitize import clean_text

ZYTE = Path(__file__).resolve().parents[2] / "shared" / "extraction" / "zyte"
FIELDS = ("title", "published", "author", "tags", "image", "summary", "updated")
_URL_DATE = re.compile(r"/(20\d\d)[/-](\d\d)[/-](\d\d)/")


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.casefold()))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sample", type=int, default=8)
    args = ap.parse_args()
    truth = json.loads((ZYTE / "ground-truth.json").read_text())
    fill: dict[str, Counter[str]] = {f: Counter() for f in FIELDS}
    agree: Counter[str] = Counter()
    rows = []
    for key, meta in truth.items():
        html = gzip.decompress((ZYTE / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8", "replace")
        url = meta["url"]
        site = SiteConfig("bench", "bench", url, {}, UTC)
        try:
            a = parse_article(html, url, site)
        except FeedmakerError:
            continue
        for f in FIELDS:
            fill[f][a.sources.get(f) or "—"] += 1
        tree = LexborHTMLParser(html)
        h1 = tree.css_first("h1")
        h1_text = clean_text(h1.text(separator=" ")) if h1 is not None else ""
        art = a.article
        if h1_text:
            agree["h1 pages"] += 1
            w1, w2 = _words(h1_text), _words(art.title)
            agree["title ~ h1"] += len(w1 & w2) >= 0.8 * min(len(w1), len(w2))
        m = _URL_DATE.search(url)
        if m and art.published:
            agree["dated URLs"] += 1
            agree["date = URL date (±1 day)"] += abs(
                (art.published.astimezone(UTC).date() - art.published.replace(
                    year=int(m[1]), month=int(m[2]), day=int(m[3])).date()).days) <= 1
        if art.authors:
            body = tree.body.text(separator=" ") if tree.body is not None else ""
            agree["authors"] += 1
            agree["author shown on page"] += all(
                part.split()[-1].casefold() in body.casefold()
                for part in art.authors)
        rows.append((url, art.title, art.published, art.authors, art.tags[:4], h1_text))
    n = len(rows)
    print(f"{n} pages\n\nfill rates (source: pages)")
    for f, counts in fill.items():
        filled = n - counts.get("—", 0)
        detail = ", ".join(f"{k} {v}" for k, v in counts.most_common() if k != "—")
        print(f"  {f:<10} {filled:>3}/{n} {100 * filled / n:5.1f}%  {detail}")
    print("\nagreement with the page")
    for what, of in (("title ~ h1", "h1 pages"), ("date = URL date (±1 day)", "dated URLs"),
                     ("author shown on page", "authors")):
        print(f"  {what:<26} {agree[what]}/{agree[of]}")
    print(f"\n{args.sample} pages to check by eye")
    for url, title, published, author, tags, h1 in random.Random(1).sample(rows, args.sample):
        print(f"- {url}\n    title {title!r}\n    h1    {h1!r}\n    date  {published}  author "
              f"{author!r}  tags {list(tags)}")


if __name__ == "__main__":
    main()
