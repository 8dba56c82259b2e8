"""`feedmaker run` and `feedmaker serve` as library calls: lock, store, fetchers, scheduler and
HTTP server in one event loop, until SIGTERM or SIGINT.

Stopping: no new polls start, running ones get a few seconds to finish (every file is written
by an atomic rename, so even an abandoned poll leaves whole files), the server closes its
connections, the state file is closed and the lock released.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3

from .build import prepare_out_dir
from .config import Config
from .errors import ConfigError, OutputError, StoreError
from .health import Health, Metrics
from .integrity import check_state, damaged
from .lock import StateLock
from .output import make_dirs
from .schedule import Scheduler
from .serve import create_app, listen, make_server, serve_until
from .signals import on_stop_signals
from .store import Store
from .web.admin import Admin
from .web.app import Web, read_only_store, shared_store
from .web.preview import Previewer
from .workers import ParserPool

log = logging.getLogger("feedmaker.run")
INTEGRITY_EVERY = 24 * 3600.0  # seconds between checks of the state file (PRAGMA quick_check)


async def run_daemon(config: Config, host: str = "127.0.0.1", port: int = 8080, *,
                     access_log: bool = False, grace: float = 5.0,
                     stop: asyncio.Event | None = None, admin: bool = False) -> None:
    """Poll every site on its interval and serve out_dir, until a signal or `stop` is set;
    `admin` (or the config's) turns on /new. Raises LockedError when another process holds
    the state file, FeedmakerError when the out_dir cannot be written or the port cannot be
    bound."""
    stop = stop or asyncio.Event()
    if config.state_url:
        raise ConfigError(str(config.path), "state", "is a PostgreSQL database: its sites are polled "
                          "by `feedmaker worker` (docs/scale.md); `build` and `run` use a state file")
    with StateLock(config.state, daemon=True):
        prepare_out_dir(config)
        problem = await _integrity(config)
        with contextlib.closing(listen(host, port)) as sock, Store(config.state) as store, \
                contextlib.closing(ParserPool(budget=config.parse_budget)) as parsers:
            health = Health.from_store(config.sites, store)
            health.state_problem = problem
            metrics = Metrics(config.sites)
            metrics.watch_out_dir(config.out_dir)
            for key, h in health.sites.items():  # staleness alerts must survive a restart
                if h.last_success is not None:
                    metrics.last_success.labels(key).set(h.last_success.timestamp())
            scheduler = Scheduler(config, store, health, metrics, parsers=parsers)
            web = daemon_pages(config, health, store, scheduler, parsers, admin or config.admin)
            server = make_server(create_app(config.out_dir, lambda: health, metrics, web.routes()),
                                 access_log=access_log)
            with on_stop_signals(stop.set):
                if problem is None:  # a damaged state file is served, not written into
                    await scheduler.start()
                log.info("polling %d site(s); serving %s on http://%s:%d/",
                         0 if problem else len(config.sites), config.out_dir, host,
                         sock.getsockname()[1])
                if web.admin is not None:
                    log.warning("admin pages on: http://%s:%d/new?token=%s", host,
                                sock.getsockname()[1], "(admin_token from the config)"
                                if config.admin_token else web.admin.token)
                serving = asyncio.create_task(serve_until(server, sock, stop))
                stopped = asyncio.create_task(stop.wait())
                checking = asyncio.create_task(_check_daily(config, health, scheduler))
                await asyncio.wait({serving, stopped}, return_when=asyncio.FIRST_COMPLETED)
                log.info("stopping")
                stop.set()
                checking.cancel()
                await scheduler.stop(grace)
                await serving  # raises what ended the server, if it ended on its own
    log.info("stopped")


async def serve_only(config: Config, host: str = "127.0.0.1", port: int = 8080, *,
                     access_log: bool = False, stop: asyncio.Event | None = None) -> None:
    """Serve out_dir without polling (beside a cron'd `feedmaker build`). /healthz reads the
    run history that the builds leave in the state file."""
    stop = stop or asyncio.Event()
    try:
        make_dirs(config.out_dir)
    except OSError as exc:
        raise OutputError(f"out_dir {config.out_dir} cannot be created: {exc}") from exc
    metrics = Metrics(config.sites)
    metrics.watch_out_dir(config.out_dir)
    checked = Health(config.sites, await _integrity(config))

    def stored() -> Health:
        return _stored_health(config, checked.state_problem)

    web = Web(config, stored, lambda: read_only_store(config.state))
    server = make_server(create_app(config.out_dir, stored, metrics, web.routes()),
                         access_log=access_log)
    with contextlib.closing(listen(host, port)) as sock, on_stop_signals(stop.set):
        log.info("serving %s on http://%s:%d/", config.out_dir, host, sock.getsockname()[1])
        checking = asyncio.create_task(_check_daily(config, checked, None))
        try:
            await serve_until(server, sock, stop)
        finally:
            checking.cancel()


def daemon_pages(config: Config, health: Health, store: Store, scheduler: Scheduler,
                 parsers: ParserPool, admin: bool) -> Web:
    """The browser pages of `run`: /status over the live health, /new when `admin`."""
    web = Web(config, health, lambda: shared_store(store), scheduler=scheduler)
    if admin:
        web.admin = Admin(config.admin_token)
        web.previewer = Previewer(lambda: web.config, parsers, scheduler.slots)
    return web


async def _integrity(config: Config) -> str | None:
    """quick_check in a thread (it reads the whole file); the problem, with how to recover."""
    problem = await asyncio.to_thread(check_state, config.state)
    if problem is None:
        return None
    log.error("the state file is unusable, polling is off: %s", damaged(problem, config.state))
    return damaged(problem, config.state)


async def _check_daily(config: Config, health: Health, scheduler: Scheduler | None) -> None:
    """Check the state file again every day; on damage, stop polling and report it."""
    while health.state_problem is None:
        await asyncio.sleep(INTEGRITY_EVERY)
        health.state_problem = await _integrity(config)
        if health.state_problem is not None and scheduler is not None:
            scheduler.pause()


def _stored_health(config: Config, problem: str | None) -> Health:
    """/healthz for `serve`: the run history the builds left, read without writing anything; a
    state file that cannot be read is a 503 with the reason, and the feeds are still served."""
    if problem is not None:
        return Health(config.sites, problem)
    if not config.state.exists():  # nothing built yet; do not create a state file just to read
        return Health(config.sites)
    try:
        with Store(config.state, readonly=True) as store:
            return Health.from_store(config.sites, store)
    except (StoreError, sqlite3.Error) as exc:
        message = str(exc) if isinstance(exc, StoreError) else f"{config.state}: {exc}"
        return Health(config.sites, damaged(message, config.state))
