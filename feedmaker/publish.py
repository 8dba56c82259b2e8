"""Stored articles -> files in the served directory, rewriting only the feeds that changed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

from .config import Config, SiteConfig
from .feedfiles import FORMATS, fingerprint, present, stale_feeds
from .index import Listed, render_index, render_opml
from .output import Batch
from .render import (
    RENDERERS,
    STYLESHEET,
    EntryCache,
    FeedInfo,
    feed_updated,
)
from .slug import assign_slugs
from .store import ALL, Store


def feed_info(site: SiteConfig, config: Config, feed: str, section_titles: Mapping[str, str],
              tag_names: Mapping[str, str]) -> tuple[FeedInfo, str] | None:
    """(FeedInfo, kind) for a stored feed name, or None for a feed no longer configured."""
    kind, _, slug = feed.partition("/")
    if feed == ALL:
        title, home, kind = site.name, site.url, "all"
    elif kind == "sections" and slug in section_titles:
        title, home, kind = f"{site.name} — {section_titles[slug]}", site.sections[section_titles[slug]], \
            "section"
    elif kind == "tags" and slug in tag_names:
        title, home, kind = f"{site.name} — {tag_names[slug]}", site.url, "tag"
    else:
        return None
    return FeedInfo(f"{site.key}/{feed}", title, home, config.public_url, site.name,
                    language=site.language), kind


class Files(Protocol):
    """Where published files go: out_dir (`DirFiles`), or the store itself (store_pg)."""

    def present(self, site: str) -> set[str]: ...

    def batch(self) -> AbstractContextManager[Writer]: ...


class Writer(Protocol):
    def write(self, relative: str, data: bytes) -> bool: ...


class DirFiles:
    """Files in the served directory, written atomically (output.Batch)."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir

    def present(self, site: str) -> set[str]:
        return present(self.out_dir, site)

    def batch(self) -> Batch:
        return Batch(self.out_dir)


def publish_site(site: SiteConfig, config: Config, store: Store, dirty: Iterable[str],
                 slugs: Mapping[str, str] | None = None, files: Files | None = None) -> int:
    """Render and write the site's feeds that `dirty` names or the store marks pending (changed
    by a run that did not get to write them), plus any whose files are missing (or all of them
    after a config change). Returns how many files were written."""
    files = files or DirFiles(config.out_dir)
    slugs = slugs or assign_slugs(site.sections)
    section_titles = {slug: title for title, slug in slugs.items()}
    tag_names = store.tag_names(site.key)
    print_ = fingerprint(site, config)
    targets = stale_feeds(site, config, store, dirty, files.present(site.key))
    written = 0
    cache = EntryCache(section_titles)
    try:
        with files.batch() as batch:
            written = _render_feeds(site, config, store, sorted(targets), section_titles,
                                    tag_names, cache, batch)
    finally:
        cache.close()
    # Only now, with every file written (a write error raises past this), are they up to date.
    store.clear_pending(site.key, targets)
    store.set_fingerprint(site.key, print_)
    return written


def _render_feeds(site: SiteConfig, config: Config, store: Store, feeds: list[str],
                  section_titles: Mapping[str, str], tag_names: Mapping[str, str],
                  cache: EntryCache, batch: Writer) -> int:
    written = 0
    for feed in feeds:
        found = feed_info(site, config, feed, section_titles, tag_names)
        if found is None:
            continue
        info, _ = found
        members = store.members(site.key, feed, site.max_items)
        if not members:  # never replace a feed by an empty one
            continue
        with cache.holding():
            # Full rows only for entries not rendered yet: most were, for an earlier feed.
            known = {i: d for i, url in members if (d := cache.dated(url))}
            full = store.articles([i for i, _ in members if i not in known])
            entries = [known.get(i) or full[i] for i, _ in members]
            for fmt in FORMATS:
                written += batch.write(f"{info.path}.{fmt}", RENDERERS[fmt](info, entries, cache))
    return written


def publish_index(config: Config, store: Store, states: Mapping[str, str],
                  files: Files | None = None) -> int:
    """index.html and feeds.opml over every configured site's feeds."""
    listed: list[Listed] = []
    all_stats, all_names = store.all_feed_stats(), store.all_tag_names()
    for site in config.sites.values():
        slugs = assign_slugs(site.sections)
        section_titles = {slug: title for title, slug in slugs.items()}
        tag_names = all_names.get(site.key, {})
        stats = all_stats.get(site.key, {})
        order = {"all": 0, "section": 1, "tag": 2}
        rows = []
        for feed, (count, newest) in stats.items():
            found = feed_info(site, config, feed, section_titles, tag_names)
            if found is None:
                continue
            info, kind = found
            rows.append(Listed(site.key, site.name, kind, info.title, info.path, newest,
                               min(count, site.max_items), states.get(site.key, "ok"), info.home))
        listed += sorted(rows, key=lambda r: (order[r.kind], r.title.casefold()))
    with (files or DirFiles(config.out_dir)).batch() as batch:
        written = int(batch.write("index.html", render_index(listed, config.public_url)))
        written += batch.write("feeds.opml", render_opml(listed, config.public_url))
        written += batch.write(STYLESHEET, stylesheet())
    return written


def stylesheet() -> bytes:
    """The XSLT every Atom and RSS feed names, for browsers (`render.stylesheet_href`)."""
    return (Path(__file__).parent / "web" / "static" / STYLESHEET).read_bytes()


__all__ = ["feed_updated", "fingerprint", "publish_index", "publish_site"]
