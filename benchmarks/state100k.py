"""The big-state workload: N stored articles over 12 sections and a vocabulary of tags, made
straight through Store.save_article (fetching 100,000 pages would measure the network instead)."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from feedmaker.config import load_config
from feedmaker.model import Article
from feedmaker.publish import publish_index, publish_site
from feedmaker.slug import assign_slugs
from feedmaker.store import Store
from sample_site.generate import _WORDS, SECTIONS, TAGS

SITE = "gen"
START = datetime(2022, 11, 25, tzinfo=UTC)


def tag_vocabulary(size: int) -> list[str]:
    """The site's 500 tags, then numbered variants of them up to `size`."""
    return [TAGS[i % len(TAGS)] + (f" {i // len(TAGS)}" if i >= len(TAGS) else "")
            for i in range(size)]


def make_article(i: int, rng: random.Random, tags: list[str], base: str) -> Article:
    """A stored article of realistic feed size: ~2.5 KB of content (a 400-word news story)."""
    paras = "".join(f"<p>{' '.join(rng.choices(_WORDS, k=70)).capitalize()}.</p>" for _ in range(5))
    when = START - timedelta(minutes=7 * i)
    title = f"Story {i}: {' '.join(rng.choices(_WORDS, k=6))}"
    return Article(url=f"{base}news/story-{i}", title=title, authors=(f"Author {i % 40}",),
                   published=when, updated=when, summary=title + ", our correspondent reports.",
                   image=f"{base}images/{i}.jpg", content=paras,
                   tags=tuple(rng.sample(tags, rng.randint(2, 6))))


def section_slugs() -> list[str]:
    return list(assign_slugs({s.name: s.path for s in SECTIONS}).values())


def generate(path: Path, articles: int, tag_count: int) -> None:
    rng = random.Random(0)
    tags, sections = tag_vocabulary(tag_count), section_slugs()
    now = START
    with Store(path) as store:
        # Every tag appears at least once: the first articles walk the vocabulary.
        for i in range(articles):
            a = make_article(i, rng, tags, "http://127.0.0.1:9/")
            if i * 2 < tag_count:
                a = a.with_(tags=(tags[2 * i], tags[2 * i + 1]))
            store.save_article(SITE, a, sections=[sections[i % len(sections)]], now=now)


def rebuild_all(config_path: Path) -> tuple[int, int]:
    """Every feed rendered and written into an empty out_dir, plus the index: (files, feeds)."""
    config = load_config(config_path)
    site = config.sites[SITE]
    with Store(config.state) as store:
        feeds = store.feeds(SITE)
        files = publish_site(site, config, store, feeds)
        files += publish_index(config, store, {SITE: "ok"})
    return files, len(feeds)


def feed_entries(config_path: Path) -> tuple[int, int]:
    """(entries in all the site's feeds, distinct articles among them): each distinct one is
    rendered once per format in a rebuild."""
    config = load_config(config_path)
    site = config.sites[SITE]
    with Store(config.state) as store:
        ids = [i for feed in store.feeds(SITE) for i, _ in store.members(SITE, feed, site.max_items)]
    return len(ids), len(set(ids))


def add_one(config_path: Path, n: int) -> dict[str, float]:
    """One new article on the big state: store it and rewrite the feeds it belongs to."""
    config = load_config(config_path)
    site = config.sites[SITE]
    rng = random.Random(1000 + n)
    tags = tag_vocabulary(2000)
    article = make_article(-1 - n, rng, tags, site.url).with_(
        url=f"{site.url}news/new-{n}", published=START + timedelta(minutes=n + 1))
    cpu0, wall0 = time.process_time(), time.perf_counter()
    with Store(config.state) as store:
        saved = store.save_article(SITE, article, sections=[section_slugs()[0]], now=START)
        files = publish_site(site, config, store, saved.feeds)
    return {"wall": time.perf_counter() - wall0, "cpu": time.process_time() - cpu0,
            "files": files, "expected": 3 * len(saved.feeds)}
