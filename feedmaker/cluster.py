"""`feedmaker worker`: polls sites over a shared PostgreSQL store, with Procrastinate handing out the
work and APScheduler deciding when each site is due. Any number of workers run side by side.

- When: every worker runs an APScheduler job per site on its interval. When one fires, the worker
  claims the site in `site_schedule` (one UPDATE; one claimer wins) and queues its poll; the
  others move their job to the time the store says.
- Who: one Procrastinate job per site in the queue at a time (queueing_lock = the site), and one
  running job per registrable domain in the whole cluster (lock = "host:<domain>"); inside it
  the worker's HostSlots keep it to `per_host` requests. Article pages on another domain (a
  site's `allowed_hosts`) are limited per worker, not cluster-wide: see docs/scale.md.
- After a poll: the run is recorded, the next poll is set by the single-machine backoff rules
  (schedule.next_delay, Retry-After), and the index is republished by a job of its own
  (queueing_lock "index": a burst of polls rewrites it once).
- Faults: a worker that dies mid-poll stops its heartbeat; after the stall timeout another
  worker puts its job back in the queue (Procrastinate's get_stalled_jobs + retry_job). A poll
  that loses the database is retried (RetryStrategy); a worker whose database restarts opens
  everything again and goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import procrastinate
import psycopg
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from procrastinate.exceptions import AlreadyEnqueued

from .build import make_fetcher
from .config import Config, SiteConfig
from .errors import StoreError
from .fetch import HostSlots
from .fetchers import SiteFetchers
from .pipeline import SiteResult, poll_site, utcnow
from .schedule import jitter, next_delay
from .store_pg import PgStore, connect
from .urlshape import site_of
from .workers import ParserPool, Parsers
from .writer import publish_index_off_loop

log = logging.getLogger("feedmaker.worker")
POLLS, INDEX = "feedmaker_polls", "feedmaker_index"
PROCRASTINATE_LOCK = 0x7072_6f63  # advisory lock around applying Procrastinate's schema
INDEX_DELAY = 5  # seconds a changed index waits for other polls to change it too
FETCH_EVERY = 1.0  # seconds between looks for jobs when nothing woke the worker
RECONNECT_MAX = 30.0  # seconds between attempts to reach a database that went away


@dataclass(frozen=True)
class WorkerOptions:
    concurrency: int = 8  # polls at once in this worker (each on another domain)
    stall_timeout: float = 30.0  # a worker silent this long is taken for dead
    schedule: bool = True  # run the scheduler here too (every worker may)
    export_dir: Path | None = None  # mirror the published files here as they change
    name: str | None = None
    once: bool = False  # run what is queued, then return (batch use, benchmarks)


def host_lock(site: SiteConfig) -> str:
    """The Procrastinate lock of a site's polls: its registrable domain, so that two sites on
    one host (or on news.x.com and www.x.com) never poll at once anywhere in the cluster."""
    return f"host:{site_of(site.host)}"


def make_app(url: str) -> procrastinate.App:
    """The Procrastinate app over `url`, with feedmaker's two tasks; a pool that checks each
    connection before lending it (Procrastinate sets `check`), so that a restarted server costs
    one failed attempt."""
    connector = procrastinate.PsycopgConnector(conninfo=url,
                                               min_size=1, max_size=4)
    app = procrastinate.App(connector=connector)
    retry = procrastinate.RetryStrategy(max_attempts=10, wait=2, linear_wait=2,
                                        retry_exceptions={StoreError, psycopg.Error})
    app.task(name="feedmaker.poll", queue=POLLS, pass_context=True, retry=retry)(_poll_job)
    app.task(name="feedmaker.index", queue=INDEX, pass_context=True, retry=retry)(_index_job)
    return app


async def _poll_job(context: procrastinate.JobContext, site: str) -> None:
    await context.additional_context["runtime"].poll(site)


async def _index_job(context: procrastinate.JobContext) -> None:
    await context.additional_context["runtime"].publish_index()


# Procrastinate wakes its workers when a job is queued, not when a job's lock frees: the polls
# of a domain's other sites would wait for the next FETCH_EVERY. This trigger wakes them when a
# job that held a lock ends (deleted on success, or its status changed), at its commit, with no
# work in the workers (they used to poll the job's status to send the same wake-up).
LOCK_FREED = """
CREATE OR REPLACE FUNCTION feedmaker_lock_freed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('procrastinate_queue_v1#' || OLD.queue_name, json_build_object(
        'type', 'job_inserted', 'job_id', OLD.id, 'freed', OLD.lock)::text);
    RETURN NULL;
END $$;
CREATE TRIGGER feedmaker_lock_freed AFTER DELETE OR UPDATE OF status ON procrastinate_jobs
    FOR EACH ROW WHEN (OLD.status = 'doing' AND OLD.lock IS NOT NULL)
    EXECUTE FUNCTION feedmaker_lock_freed();
"""


def prepare(url: str) -> None:
    """Create or upgrade feedmaker's tables and Procrastinate's (once, whoever starts first).
    Raises StoreError naming the setting when the server cannot be reached."""
    PgStore(url).close()
    with connect(url) as conn, conn.transaction():
        conn.execute(f"SELECT pg_advisory_xact_lock({PROCRASTINATE_LOCK})")
        found = conn.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL").fetchone()
        if found and not found[0]:
            conn.execute(procrastinate.schema.SchemaManager.get_schema())
        trigger = conn.execute("SELECT 1 FROM pg_trigger WHERE tgname = 'feedmaker_lock_freed'"
                               " AND tgrelid = 'procrastinate_jobs'::regclass").fetchone()
        if trigger is None:
            conn.execute(LOCK_FREED)


class Runtime:
    """What the jobs of one worker process share: the config, its store connections, one
    fetcher per site, the per-host slots and the parser pool."""

    def __init__(self, config: Config, url: str, parsers: Parsers, app: procrastinate.App) -> None:
        self.config, self.url, self.parsers, self.app = config, url, parsers, app
        self.store = PgStore(url, migrate=False)  # polls: articles, runs (grouped transactions)
        self.plans = PgStore(url, migrate=False)  # site_schedule: single statements, never held
        self.slots = HostSlots(config.per_host)
        self._fetchers = SiteFetchers(
            lambda key: make_fetcher(config, config.sites[key], slots=self.slots))

    def reopen(self, which: str) -> None:
        """A fresh connection after the old one failed (the server restarted, say)."""
        old = getattr(self, which)
        with contextlib.suppress(Exception):
            old.close()
        setattr(self, which, PgStore(self.url, migrate=False))

    async def poll(self, key: str) -> None:
        site = self.config.sites.get(key)
        if site is None:  # queued by a worker with another config: not ours to poll
            log.warning("%s: not in %s; job dropped", key, self.config.path)
            return
        fetcher = await self._fetchers.get(key)
        log.info("%s: polling", key)
        try:
            if self.store.db.conn.broken or self.store.db.conn.closed:
                self.reopen("store")
            result = await poll_site(site, self.config, self.store, fetcher, parsers=self.parsers)
        except (StoreError, psycopg.Error) as exc:
            log.warning("%s: lost the store mid-poll, the poll is retried: %s", key, exc)
            self.reopen("store")
            raise
        except Exception as exc:  # a bug met on one site is that site's failure
            log.exception("%s: poll failed", key)
            result = SiteResult(key, utcnow())
            result.problems.append(f"internal error: {exc!r}")
            self.store.record_run(result.record(utcnow()))
        await self._after(site, result)

    async def _after(self, site: SiteConfig, result: SiteResult) -> None:
        """Set the next poll by the single-machine rules, and queue the index if feeds changed."""
        try:
            known = self.plans.schedule(site.key)
            failures = 0 if result.ok else (known[1] if known else 0) + 1
            delay = next_delay(site.interval, failures, result.retry_after)
            self.plans.set_schedule(site.key, datetime.now(UTC) + timedelta(seconds=delay), failures)
        except (StoreError, psycopg.Error) as exc:  # the lease set at the claim stands
            log.warning("%s: could not record the next poll: %s", site.key, exc)
            self.reopen("plans")
            failures, delay = 0, site.interval
        log.info("%s: %s, %d new, %d updated, %d feed files written, %d requests (%d not "
                 "modified), %.1fs%s", site.key, result.state, result.new, result.updated,
                 result.feeds_written, result.requests, result.not_modified, result.duration,
                 f"; next in {delay:g}s" if failures else "")
        for problem in result.problems:
            log.warning("%s: %s", site.key, problem)
        if result.feeds_written or not result.ok:
            await queue_index(self.app)

    async def publish_index(self) -> None:
        states = {key: "ok" for key in self.config.sites} | self.store.last_states()
        await publish_index_off_loop(self.config, self.store, states)

    async def close(self) -> None:
        await self._fetchers.aclose()
        for store in (self.store, self.plans):
            with contextlib.suppress(Exception):
                store.close()


async def queue_poll(app: procrastinate.App, site: SiteConfig) -> bool:
    """Queue one poll of `site`; False when one is queued already."""
    try:
        await app.configure_task("feedmaker.poll", queue=POLLS, lock=host_lock(site),
                                 queueing_lock=f"site:{site.key}").defer_async(site=site.key)
    except AlreadyEnqueued:
        return False
    return True


async def queue_index(app: procrastinate.App) -> None:
    """Rewrite the index in INDEX_DELAY seconds, unless that is queued already: it reads every
    site's feed list, and rewriting it after each of a burst of polls serialized them all."""
    with contextlib.suppress(AlreadyEnqueued):
        await app.configure_task("feedmaker.index", queue=INDEX, lock="index", queueing_lock="index",
                                 schedule_in={"seconds": INDEX_DELAY}).defer_async()


class Ticker:
    """APScheduler decides when each site is due; the store decides which worker queues it."""

    def __init__(self, config: Config, runtime: Runtime,
                 queue: Callable[[SiteConfig], Awaitable[bool]]) -> None:
        self.config, self.runtime, self.queue = config, runtime, queue
        self.scheduler = AsyncIOScheduler(timezone=UTC, job_defaults={
            "max_instances": 1, "coalesce": True, "misfire_grace_time": None})

    def start(self) -> None:
        now = datetime.now(UTC)
        for key, site in self.config.sites.items():
            first = now + timedelta(seconds=random.uniform(0, min(jitter(site.interval), 5.0)))
            self.scheduler.add_job(self.tick, IntervalTrigger(seconds=site.interval,
                                                              jitter=jitter(site.interval)),
                                   args=[key], id=key, name=f"due {key}", next_run_time=first)
        self.scheduler.start()

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    async def tick(self, key: str) -> None:
        site = self.config.sites[key]
        try:
            plans = self.runtime.plans
            if plans.db.conn.broken or plans.db.conn.closed:
                self.runtime.reopen("plans")
                plans = self.runtime.plans
            if plans.claim(key, lease=site.interval, slack=jitter(site.interval)):
                await self.queue(site)
            known = plans.schedule(key)
        except (StoreError, psycopg.Error) as exc:
            log.warning("%s: cannot reach the store to schedule a poll: %s", key, exc)
            self.runtime.reopen("plans")
            return
        if known and self.scheduler.running:
            # Next look: when the store says (another worker's backoff, say), a little spread.
            at = max(known[0], datetime.now(UTC) + timedelta(seconds=1))
            with contextlib.suppress(Exception):  # the job is gone if we are stopping
                self.scheduler.modify_job(key, next_run_time=at + timedelta(
                    seconds=random.uniform(0, min(jitter(site.interval), 5.0))))


async def recover_stalled(app: procrastinate.App, stall_timeout: float) -> None:
    """Put back in the queue the jobs of workers silent for `stall_timeout` (killed, frozen,
    cut off): Procrastinate knows them by their heartbeat. Every worker looks; a job put back
    once is no longer 'doing', so a second look does nothing."""
    while True:
        await asyncio.sleep(max(stall_timeout / 4, 0.5))
        try:
            stalled = await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=stall_timeout)
        except Exception as exc:  # the database is away: the worker loop reconnects
            log.debug("looking for stalled jobs: %s", exc)
            continue
        for job in stalled:
            await _requeue(app, job, stall_timeout)


# Conditional on the job still being the silent worker's: two workers that both saw it stalled
# must not both put it back (the second would requeue it after a third had taken it: two polls
# of one site at once). In READ COMMITTED an UPDATE re-reads the row it waited for, so the
# second finds it taken and changes nothing. (Procrastinate's retry checks the status only.)
_REQUEUE = """UPDATE procrastinate_jobs SET status = 'todo', attempts = attempts + 1,
    scheduled_at = now() WHERE id = %(id)s AND status = 'doing'
    AND worker_id IS NOT DISTINCT FROM %(worker)s RETURNING id"""
_CLOSE = """UPDATE procrastinate_jobs SET status = 'failed' WHERE id = %(id)s AND status = 'doing'
    AND worker_id IS NOT DISTINCT FROM %(worker)s RETURNING id"""


async def _requeue(app: procrastinate.App, job: Any, stall_timeout: float) -> None:
    """Put one stalled job back. When the scheduler has meanwhile queued the next poll of the
    same site, the queueing lock refuses a second waiting copy: the stalled one is closed as
    failed instead, which frees its host lock so the waiting copy can run (left 'doing', it
    would hold that lock, and the site, forever)."""
    what = f"job {job.id} ({job.task_name} {job.task_kwargs}) of a worker silent for {stall_timeout:g}s"
    args = {"id": job.id, "worker": job.worker_id}
    try:
        try:
            done = await app.connector.execute_query_all_async(_REQUEUE, **args)
            verdict = "is queued again"
        except (procrastinate.exceptions.UniqueViolation, psycopg.errors.UniqueViolation):
            done = await app.connector.execute_query_all_async(_CLOSE, **args)
            verdict = "is closed; its site's poll is queued again already"
    except Exception as exc:  # the database went away: the next look tries again
        log.debug("%s: %s", what, exc)
        return
    if done:
        log.warning("%s %s", what, verdict)
    else:  # another worker put it back (or closed it) first
        log.debug("%s: taken care of elsewhere", what)


async def _stop_when_idle(runtime: Runtime, stop: asyncio.Event, every: float = 0.5) -> None:
    """--once: stop when no job is queued or running anywhere (Procrastinate's own wait=False
    stops at the first moment no job can be *taken*, which a lock held elsewhere also causes)."""
    idle = 0
    while idle < 2:
        await asyncio.sleep(every)
        row = runtime.plans.db.execute("SELECT count(*) FROM procrastinate_jobs"
                                       " WHERE status IN ('todo', 'doing')").fetchone()
        idle = idle + 1 if row[0] == 0 else 0
    stop.set()


async def run_worker(config: Config, url: str, options: WorkerOptions,
                     stop: asyncio.Event) -> None:
    """Work until `stop` is set; when the database goes away, reconnect and go on."""
    await asyncio.to_thread(prepare, url)
    app = make_app(url)
    async with ParserPool(budget=config.parse_budget) as parsers:
        runtime = Runtime(config, url, parsers, app)
        ticker = Ticker(config, runtime, lambda site: queue_poll(app, site))
        pause = 1.0
        try:
            while not stop.is_set():
                try:
                    await _work(app, runtime, ticker, options, stop)
                    pause = 1.0
                except Exception as exc:
                    log.warning("the store is unreachable (%s); trying again in %gs", exc, pause)
                ticker.stop()
                if not stop.is_set():
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), pause)
                    pause = min(pause * 2, RECONNECT_MAX)
                    with contextlib.suppress(Exception):
                        runtime.reopen("store")
                        runtime.reopen("plans")
                    ticker = Ticker(config, runtime, lambda site: queue_poll(app, site))
        finally:
            ticker.stop()
            await runtime.close()


async def _work(app: procrastinate.App, runtime: Runtime, ticker: Ticker, options: WorkerOptions,
                stop: asyncio.Event) -> None:
    """One connected spell: Procrastinate's worker, the scheduler, the stall watch and the
    export mirror, until `stop` or until the worker ends (its database went away)."""
    async with app.open_async():
        worker = asyncio.create_task(app.run_worker_async(
            queues=[POLLS, INDEX], concurrency=options.concurrency, name=options.name or "worker",
            install_signal_handlers=False, delete_jobs="successful",
            update_heartbeat_interval=max(options.stall_timeout / 4, 0.5),
            stalled_worker_timeout=options.stall_timeout, shutdown_graceful_timeout=10,
            fetch_job_polling_interval=FETCH_EVERY,
            additional_context={"runtime": runtime}))
        side: list[asyncio.Task[Any]] = [asyncio.create_task(recover_stalled(app, options.stall_timeout))]
        if options.export_dir is not None:
            from .export import mirror

            side.append(asyncio.create_task(mirror(runtime.url, options.export_dir)))
        if options.schedule:
            ticker.start()
        if options.once:
            side.append(asyncio.create_task(_stop_when_idle(runtime, stop)))
        log.info("worker %s: %d site(s), %d poll(s) at once%s", options.name or "", len(runtime.config.sites),
                 options.concurrency, ", scheduling" if options.schedule else "")
        stopped = asyncio.create_task(stop.wait())
        try:
            await asyncio.wait({worker, stopped}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            ticker.stop()
            for task in side:
                task.cancel()
            stopped.cancel()
            if not worker.done():
                worker.cancel()  # Procrastinate stops gracefully: running polls may finish
            with contextlib.suppress(asyncio.CancelledError):
                await worker
        if not stop.is_set():
            raise StoreError("the Procrastinate worker stopped (its database went away?)")
