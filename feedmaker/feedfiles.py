"""Which of a site's feeds need writing, found without loading the renderers: a build that finds
nothing new (most cron'd runs) learns here that it has nothing to publish."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__

if TYPE_CHECKING:
    from .config import Config, SiteConfig
    from .store import Store

FORMATS = ("atom", "rss", "json")
# Bumped whenever the bytes written for the same articles change, so an upgrade rewrites every
# feed once instead of leaving the old layout in feeds that see no new article.
OUTPUT_VERSION = 5


def fingerprint(site: SiteConfig, config: Config) -> str:
    """Everything besides the articles that shapes a site's feed files: when it changes, every
    feed of the site is rendered again."""
    data = [__version__, OUTPUT_VERSION, site.name, site.url, dict(site.sections), site.max_items,
            config.public_url, site.language]
    return hashlib.blake2b(json.dumps(data).encode(), digest_size=12).hexdigest()


def present(out_dir: Path, site: str) -> set[str]:
    """Every file under out_dir/site, relative to it ("tags/x.atom"): one directory listing
    instead of a stat per feed file (6,000 of them for a site with 2,000 tags)."""
    root = out_dir / site
    found: set[str] = set()
    for folder, _, files in os.walk(root):
        rel = os.path.relpath(folder, root)
        prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        found.update(prefix + name for name in files)
    return found


def stale_feeds(site: SiteConfig, config: Config, store: Store, dirty: Iterable[str],
                files: set[str]) -> set[str]:
    """The feeds to render: those `dirty` names or the store marks pending (changed by a run that
    did not get to write them), those with a file missing from `files`, or all of them after a
    change of configuration or of feedmaker's output."""
    stored = store.feeds(site.key)
    if fingerprint(site, config) != store.fingerprint(site.key):
        return set(stored)
    return set(dirty) | store.pending(site.key) | {
        f for f in stored if any(f"{f}.{fmt}" not in files for fmt in FORMATS)}


__all__ = ["FORMATS", "OUTPUT_VERSION", "fingerprint", "present", "stale_feeds"]
