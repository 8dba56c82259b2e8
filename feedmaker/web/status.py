"""/status and /status.json: every site with its state, runs, errors, rule health and feeds, from
the daemon's live health and the state file's run history (read only)."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..config import Config
from ..health import Health, SiteHealth
from ..rulehealth import FIELD, LINKS, describe
from ..slug import assign_slugs
from ..store import HealthRow, Store

RUNS = 10  # runs whose new items /status lists
ERRORS = 3  # distinct recent errors shown per site


@dataclass
class SiteStatus:
    key: str
    name: str
    url: str
    health: SiteHealth
    polling: bool = False
    new_items: list[int] = field(default_factory=list)  # per run, newest first
    errors: list[tuple[datetime, str]] = field(default_factory=list)  # newest first
    last_new: datetime | None = None
    links: list[HealthRow] = field(default_factory=list)  # per section
    fields: list[HealthRow] = field(default_factory=list)  # per article field
    feeds: list[tuple[str, str]] = field(default_factory=list)  # (title, path without extension)

    def feed_rows(self) -> list[tuple[str, str, str]]:
        """(title, path, links picked and how, with a broken rule's warning) per feed."""
        links = {r.name: r for r in self.links}
        out = []
        for title, path in self.feeds:
            r = links.get(title)
            text = "" if r is None else f"{r.total} ({', '.join(r.sources) or 'none'})"
            if r is not None and r.rule and r.ever and not r.rule_hits:
                text += f" ⚠ rule {r.rule} matched nothing (best before: {r.ever})"
            out.append((title, path, text))
        return out

    def rows(self, rows: list[HealthRow]) -> list[tuple[str, str, str, str]]:
        """(name, "filled/total", sources, warning) per section or field, for the page."""
        return [(r.name, f"{r.filled}/{r.total}",
                 ", ".join(f"{k} {v}" for k, v in r.sources.items()) or "—",
                 f"rule {r.rule} matched nothing (best before: {r.ever})"
                 if r.rule and r.ever and not r.rule_hits else "") for r in rows]

    @property
    def state(self) -> str:
        return self.health.state

    def as_json(self, public_url: str) -> dict[str, Any]:
        return {
            "name": self.name, "url": self.url, **self.health.as_json(), "polling": self.polling,
            "new_items": self.new_items, "last_new_item": iso(self.last_new),
            "errors": [{"at": iso(at), "error": text} for at, text in self.errors],
            "links": {r.name: {"picked": r.total, "sources": r.sources, "rule": r.rule,
                               "rule_hits": r.rule_hits} for r in self.links},
            "fields": {r.name: {"filled": r.filled, "of": r.total, "sources": r.sources,
                                "rule": r.rule, "rule_hits": r.rule_hits, "health": describe(r)}
                       for r in self.fields},
            "feeds": [{"title": t, **{fmt: f"{public_url}{p}.{fmt}" for fmt in ("atom", "rss", "json")}}
                      for t, p in self.feeds],
        }


def iso(dt: datetime | None) -> str | None:
    return dt.isoformat() if dt else None


Cache = dict[str, tuple[tuple[Any, ...], "SiteStatus"]]


def site_statuses(config: Config, health: Health, store: Store | None,
                  polling: Collection[str] = (), cache: Cache | None = None) -> list[SiteStatus]:
    """One SiteStatus per configured site, in config order. `store` None: no state file yet.
    With `cache`, a site's figures are read again only after its next run (a site's rows in
    the state file change only when a run of it is recorded, and `health` with it)."""
    out = []
    for key, site in config.sites.items():
        h = health.sites.get(key) or SiteHealth(key)
        stamp = (h.last_run, h.state, h.failures, site, store is None)
        if cache is not None and (hit := cache.get(key)) is not None and hit[0] == stamp:
            out.append(dataclasses.replace(hit[1], health=h, polling=key in polling))
            continue
        s = SiteStatus(key, site.name, site.url, h, key in polling)
        feeds = [(site.name, f"{key}/all")]
        feeds += [(title, f"{key}/sections/{slug}") for title, slug in assign_slugs(site.sections).items()]
        s.feeds = feeds
        if cache is not None:
            cache[key] = (stamp, s)
        if store is not None:
            runs = store.last_runs(key, RUNS)
            s.new_items = [r.new_articles for r in runs]
            seen: set[str] = set()
            for r in runs:
                if r.error and r.error not in seen and len(seen) < ERRORS:
                    seen.add(r.error)
                    s.errors.append((r.finished, r.error))
            s.last_new = store.last_new_at(key)
            for row in store.rule_health(key):
                (s.links if row.kind == LINKS else s.fields if row.kind == FIELD else []).append(row)
        out.append(s)
    return out


def status_json(config: Config, health: Health, sites: list[SiteStatus]) -> dict[str, Any]:
    return {**{k: v for k, v in health.as_json().items() if k != "sites"},
            "sites": {s.key: s.as_json(config.public_url) for s in sites}}
