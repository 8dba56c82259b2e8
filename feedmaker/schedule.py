"""Polling every site on its interval in one event loop: one APScheduler job per site, backoff
after failures, Retry-After honoured; a slow or failing site never delays the others.

The Store is a sqlite3 connection: it is used only from the event loop's thread (every job is a
coroutine run in that loop), never from a worker thread; feed writing runs in a thread over a
read-only connection of its own (`writer`), and parsing in worker processes (`workers`).
"""

from __future__ import annotations

import asyncio
import logging
import random
import sqlite3
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from .build import make_fetcher
from .config import Config
from .errors import OutputError, StoreError
from .fetch import Fetcher, HostSlots
from .fetchers import SiteFetchers
from .health import Health, Metrics, SiteHealth
from .integrity import sqlite_problem
from .pipeline import Clock, SiteResult, poll_site, utcnow
from .store import Store
from .workers import INLINE, Parsers
from .writer import publish_index_off_loop

log = logging.getLogger("feedmaker.run")

MAX_BACKOFF = 6 * 3600.0  # the longest a failing site waits, unless its interval is longer
MAX_RETRY_AFTER = 24 * 3600.0  # a Retry-After beyond a day is more likely a bug than a plan


def next_delay(interval: float, failures: int, retry_after: float | None = None) -> float:
    """Seconds until a site's next poll. After a success: its interval. After `failures`
    consecutive failed runs: interval * 2**failures, capped at MAX_BACKOFF (or at the interval,
    if that is longer). Never sooner than the site's Retry-After asked."""
    delay = interval
    if failures > 0:
        delay = min(interval * 2.0 ** min(failures, 30), max(MAX_BACKOFF, interval))
    if retry_after is not None and retry_after > 0:
        delay = max(delay, min(retry_after, MAX_RETRY_AFTER))
    return delay


def jitter(delay: float) -> float:
    """Up to a tenth of the delay, at most a minute: enough to spread many sites apart."""
    return min(delay / 10, 60.0)


class Scheduler:
    """`await start()` inside the running loop; `await stop()` lets running polls finish."""

    def __init__(self, config: Config, store: Store, health: Health, metrics: Metrics, *,
                 clock: Clock = utcnow, fetcher_factory: Callable[[str], Fetcher] | None = None,
                 parsers: Parsers = INLINE) -> None:
        self.config, self.store, self.health, self.metrics = config, store, health, metrics
        self.parsers = parsers
        self.clock = clock
        # Sites on one host share its limit; so do previews of new sites (web/preview.py).
        self.slots = slots = HostSlots(config.per_host)
        self._fetchers = SiteFetchers(fetcher_factory or (
            lambda key: make_fetcher(self.config, self.config.sites[key], slots=slots)))
        self._delays: dict[str, float] = {}  # the interval each job's trigger now has
        self._running: set[asyncio.Task[SiteResult]] = set()
        self._stopping = False
        self._apscheduler = AsyncIOScheduler(timezone=UTC, job_defaults={
            "max_instances": 1, "coalesce": True, "misfire_grace_time": None})

    async def start(self) -> None:
        for key in self.config.sites:
            self._add_job(key)
        self._apscheduler.start()

    def _add_job(self, key: str) -> None:
        site = self.config.sites[key]
        self._fetchers.add(key)
        h = self.health.sites.setdefault(key, SiteHealth(key))
        delay = next_delay(site.interval, h.failures)
        # A site that was backing off when the daemon stopped does not get hammered by a
        # restart loop; the others run at once (spread a little).
        first = datetime.now(UTC) + timedelta(
            seconds=random.uniform(0, min(jitter(site.interval), 5.0)))
        if h.failures and h.last_run:
            first = max(first, h.last_run + timedelta(seconds=delay))
        self._delays[key] = site.interval
        self._apscheduler.add_job(
            self._run, IntervalTrigger(seconds=site.interval, jitter=jitter(site.interval)),
            args=[key], id=key, name=f"poll {key}", next_run_time=first)
        h.next_run = first

    def add_site(self, config: Config, key: str) -> None:
        """Start polling a site just added to the config file (`config` is the daemon's config
        with that one site more): its first poll starts within seconds, no restart needed."""
        if key in self._fetchers or self._stopping:
            return
        self.config = config
        self._add_job(key)

    @property
    def polling(self) -> set[str]:
        """The sites being polled right now."""
        return {t.get_name().removeprefix("poll ") for t in self._running if not t.done()}

    def pause(self) -> None:
        """No further polls (the state file is damaged); running ones finish."""
        if self._apscheduler.running:
            self._apscheduler.pause()

    async def stop(self, grace: float = 5.0) -> None:
        """Take no new runs; give running polls `grace` seconds to finish (their files are
        written by atomic renames, so cancelling one never leaves half a file), then close."""
        self._stopping = True
        if self._apscheduler.running:
            self._apscheduler.shutdown(wait=False)
        if self._running:
            _, late = await asyncio.wait(set(self._running), timeout=grace)
            for task in late:
                log.warning("stopping: abandoning a poll still running after %gs", grace)
                task.cancel()
            if late:
                await asyncio.wait(late, timeout=2.0)
        await self._fetchers.aclose()

    async def _run(self, key: str) -> None:
        """The job. The poll runs as its own task, shielded from APScheduler (which cancels
        its jobs on shutdown): `stop` decides how long a running poll may go on."""
        if self._stopping:
            return
        task = asyncio.create_task(self.poll(key), name=f"poll {key}")
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        await asyncio.shield(task)

    async def poll(self, key: str) -> SiteResult:
        """Poll one site now, record the run, rewrite the index, and set when the next poll is."""
        site = self.config.sites[key]
        fetcher = await self._fetchers.get(key)
        before = Counter(fetcher.stats.by_status)
        try:
            result = await poll_site(site, self.config, self.store, fetcher, clock=self.clock,
                                     parsers=self.parsers)
        except (sqlite3.Error, StoreError) as exc:  # a full disk, say: one line, no traceback
            problem = sqlite_problem(self.config.state, exc) if isinstance(exc, sqlite3.Error) \
                else str(exc)
            log.error("%s: %s", key, problem)
            result = SiteResult(key, self.clock())
            result.problems.append(problem)
        except Exception as exc:  # a bug met on one site is that site's failure, not the daemon's
            log.exception("%s: poll failed", key)
            result = SiteResult(key, self.clock())
            result.problems.append(f"internal error: {exc!r}")
        statuses = Counter(fetcher.stats.by_status)
        statuses.subtract(before)
        self.metrics.observe(result, {s: n for s, n in statuses.items() if n})
        h = self.health.record(result.record(self.clock()), self.store.article_count(key))
        # Before the next await: /healthz and /status never see the new failure count beside
        # the old next run.
        delay = next_delay(site.interval, h.failures, result.retry_after)
        h.next_run = self._reschedule(key, delay)
        try:
            await publish_index_off_loop(self.config, self.store, self.health.states())
        except (OutputError, OSError) as exc:
            log.error("writing the index: %s", exc)
        log.info("%s: %s, %d new, %d updated, %d feed files written, %d requests (%d not "
                 "modified), %.1fs%s", key, result.state, result.new, result.updated,
                 result.feeds_written, result.requests, result.not_modified, result.duration,
                 f"; next in {delay:g}s" if h.failures else "")
        for problem in result.problems:
            log.warning("%s: %s", key, problem)
        return result

    def _reschedule(self, key: str, delay: float) -> datetime | None:
        """Give the job a new period when backoff starts, grows or ends; otherwise leave it
        on its regular beat. Returns the next run time."""
        if self._stopping or not self._apscheduler.running:
            return None
        if delay != self._delays.get(key):
            self._delays[key] = delay
            job = self._apscheduler.reschedule_job(
                key, trigger=IntervalTrigger(seconds=delay, jitter=jitter(delay)))
        else:
            job = self._apscheduler.get_job(key)
        return job.next_run_time if job else None
