"""What the daemon knows of its sites: each site's run status (for /healthz and index.html) and
the Prometheus metrics, in a registry of their own so that several apps can live in one process.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge

from .pipeline import SiteResult
from .store import RunRecord, Store

FAILED = ("failing", "blocked")


@dataclass
class SiteHealth:
    site: str
    state: str = "pending"  # pending (no run yet), ok, failing or blocked
    last_run: datetime | None = None  # when the last run finished
    last_success: datetime | None = None
    last_error: str | None = None
    items: int = 0  # articles stored for the site
    failures: int = 0  # consecutive failed runs, which set the backoff
    next_run: datetime | None = None

    def as_json(self) -> dict[str, Any]:
        def iso(dt: datetime | None) -> str | None:
            return dt.isoformat() if dt else None

        return {"state": self.state, "last_run": iso(self.last_run),
                "last_success": iso(self.last_success), "last_error": self.last_error,
                "items": self.items, "consecutive_failures": self.failures,
                "next_run": iso(self.next_run)}


class Health:
    """Per-site status, kept in memory and seeded from the state file's run history."""

    def __init__(self, sites: Iterable[str], state_problem: str | None = None) -> None:
        self.sites = {key: SiteHealth(key) for key in sites}
        # The state file cannot be used (damaged, newer, unreadable): unhealthy whatever the
        # sites say, with the reason and how to recover.
        self.state_problem = state_problem

    @classmethod
    def from_store(cls, sites: Iterable[str], store: Store) -> Health:
        health = cls(sites)
        for key, h in health.sites.items():
            runs = store.last_runs(key, limit=200)
            if runs:
                h.state, h.last_run, h.last_error = runs[0].state, runs[0].finished, runs[0].error
                h.failures = next((i for i, r in enumerate(runs) if r.ok), len(runs))
                h.last_success = next((r.finished for r in runs if r.ok), None)
            h.items = store.article_count(key)
        return health

    def record(self, run: RunRecord, items: int) -> SiteHealth:
        h = self.sites.setdefault(run.site, SiteHealth(run.site))
        h.state, h.last_run, h.items = run.state, run.finished, items
        if run.ok:
            h.last_success, h.last_error, h.failures = run.finished, None, 0
        else:
            h.last_error, h.failures = run.error, h.failures + 1
        return h

    def states(self) -> dict[str, str]:
        """Site -> state for index.html ("pending" shows as ok until the first run ends)."""
        return {k: "ok" if h.state == "pending" else h.state for k, h in self.sites.items()}

    @property
    def healthy(self) -> bool:
        """False when the state file is unusable, or every site's last run failed or was blocked."""
        if self.state_problem:
            return False
        return not self.sites or not all(h.state in FAILED for h in self.sites.values())

    def as_json(self) -> dict[str, Any]:
        return {"status": "ok" if self.healthy else "failing",
                "state_file": self.state_problem or "ok",
                "sites": {k: h.as_json() for k, h in self.sites.items()}}


class Metrics:
    """Counters per site; `observe` adds one run's figures."""

    def __init__(self, sites: Iterable[str] = ()) -> None:
        self.registry = r = CollectorRegistry(auto_describe=True)
        self.runs = Counter("feedmaker_runs", "Polls of a site", ["site"], registry=r)
        self.failures = Counter("feedmaker_failures", "Polls that failed or were blocked",
                                ["site", "state"], registry=r)
        self.requests = Counter("feedmaker_requests", "HTTP requests to a site by response status"
                                " (0: no response)", ["site", "status"], registry=r)
        self.new_articles = Counter("feedmaker_new_articles", "Articles seen for the first time",
                                    ["site"], registry=r)
        self.feeds_written = Counter("feedmaker_feeds_written", "Feed files (re)written",
                                     ["site"], registry=r)
        self.last_success = Gauge("feedmaker_last_success_timestamp_seconds",
                                  "When the site's last successful poll ended", ["site"],
                                  registry=r)
        self.duration = Gauge("feedmaker_last_run_duration_seconds", "How long the last poll took",
                              ["site"], registry=r)
        self.out_dir_bytes = Gauge("feedmaker_out_dir_bytes", "Bytes of the files in the served "
                                   "directory (measured at most once a minute)", registry=r)
        for site in sites:  # every site shows from the start, with zeros
            for family in (self.runs, self.new_articles, self.feeds_written):
                family.labels(site)

    def watch_out_dir(self, out_dir: Path, every: float = 60.0) -> None:
        """Report out_dir's size: what the feeds cost on disk (see the limits in README)."""
        cache: list[float] = [0.0, -every]

        def size() -> float:
            if time.monotonic() - cache[1] >= every:
                cache[:] = [float(dir_bytes(out_dir)), time.monotonic()]
            return cache[0]

        self.out_dir_bytes.set_function(size)

    def observe(self, result: SiteResult, statuses: Mapping[int, int]) -> None:
        site = result.site
        self.runs.labels(site).inc()
        if not result.ok:
            self.failures.labels(site, result.state).inc()
        for status, count in statuses.items():
            self.requests.labels(site, str(status)).inc(count)
        self.new_articles.labels(site).inc(result.new)
        self.feeds_written.labels(site).inc(result.feeds_written)
        self.duration.labels(site).set(result.duration)
        if result.ok:
            self.last_success.labels(site).set_to_current_time()


def dir_bytes(root: Path) -> int:
    """The bytes of every regular file under `root` (symbolic links not followed)."""
    total = 0
    stack = [str(root)]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                elif entry.is_file(follow_symlinks=False):
                    total += entry.stat(follow_symlinks=False).st_size
            except OSError:
                continue
    return total
