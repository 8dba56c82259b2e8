"""`feedmaker build` as a library call: poll the chosen sites once, write their feeds and the index."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .config import Config, SiteConfig
from .errors import ConfigError, OutputError, StoreError
from .fetch import Fetcher, HostSlots
from .integrity import QUICK_CHECK_MAX_BYTES, check_state, damaged, sqlite_problem
from .lock import StateLock
from .output import make_dirs, remove_stale_temps
from .pipeline import Clock, Progress, SiteResult, poll_site, utcnow
from .store import Store
from .workers import ParserPool, Parsers

if TYPE_CHECKING:
    from aiohttp.abc import AbstractResolver  # the test seam: any host name to 127.0.0.1

log = logging.getLogger("feedmaker")


@dataclass
class BuildResult:
    sites: list[SiteResult]
    index_written: int

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.sites)


def select_sites(config: Config, names: Sequence[str] = ()) -> list[SiteConfig]:
    unknown = [n for n in names if n not in config.sites]
    if unknown:
        raise ConfigError(str(config.path), f"sites.{unknown[0]}",
                          f"no such site (configured: {', '.join(config.sites)})")
    return [config.sites[n] for n in names] if names else list(config.sites.values())


def prepare_out_dir(config: Config) -> None:
    """Fail before any network access when the served directory cannot be written."""
    try:
        make_dirs(config.out_dir)
        probe = config.out_dir / ".feedmaker-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise OutputError(f"out_dir {config.out_dir} is not writable: {exc}") from exc
    remove_stale_temps(config.out_dir)


def make_fetcher(config: Config, site: SiteConfig | None = None,
                 resolver: AbstractResolver | None = None,
                 slots: HostSlots | None = None) -> Fetcher:
    """A site's fetcher; give every site of a run the same `slots`, so that sites sharing a
    host share its `per_host` limit."""
    ua = site.user_agent if site and site.user_agent else config.user_agent
    return Fetcher(ua, timeout=config.timeout, max_bytes=config.max_bytes,
                   per_host=config.per_host, resolver=resolver, slots=slots,
                   allow_private=bool(site and site.allow_private))


async def build(config: Config, sites: Sequence[str] = (), *,
                resolver: AbstractResolver | None = None, clock: Clock = utcnow,
                progress: Progress | None = None, lock_wait: float = 30.0) -> BuildResult:
    chosen = select_sites(config, sites)
    if config.state_url:
        raise ConfigError(str(config.path), "state", "is a PostgreSQL database: its sites are polled "
                          "by `feedmaker worker` (docs/scale.md); `build` and `run` use a state file")
    try:
        return await _build(config, chosen, resolver, clock, progress, lock_wait)
    except sqlite3.Error as exc:  # the state file failed outside any site's poll
        raise StoreError(sqlite_problem(config.state, exc)) from exc


async def _build(config: Config, chosen: list[SiteConfig], resolver: AbstractResolver | None,
                 clock: Clock, progress: Progress | None, lock_wait: float) -> BuildResult:
    # The lock first: preparing out_dir removes temporary files, which may be a running
    # daemon's files about to be renamed into place.
    with StateLock(config.state, wait=lock_wait):
        _check_integrity(config)
        with Store(config.state) as store:
            return await _build_with(config, chosen, store, resolver, clock, progress)


def _check_integrity(config: Config) -> None:
    """Refuse a damaged state file: writing into it can only spread the damage. Checked when
    cheap (see integrity.QUICK_CHECK_MAX_BYTES); the daemon and `feedmaker check` check any."""
    try:
        small = config.state.stat().st_size <= QUICK_CHECK_MAX_BYTES
    except OSError:
        return
    if small and (problem := check_state(config.state)) is not None:
        raise StoreError(damaged(problem, config.state))


async def _build_with(config: Config, chosen: list[SiteConfig], store: Store,
                      resolver: AbstractResolver | None, clock: Clock,
                      progress: Progress | None) -> BuildResult:
    prepare_out_dir(config)
    slots = HostSlots(config.per_host)
    async with ParserPool(budget=config.parse_budget) as parsers:
        results = await asyncio.gather(*(
            _guarded(site, config, store, resolver, slots, parsers, clock, progress)
            for site in chosen))
    states, before = {r.site: r.state for r in results}, {}
    for site in config.sites:
        # This run is recorded already: the one before it says what the index last showed.
        runs = store.last_runs(site, 2)
        states.setdefault(site, runs[0].state if runs else "ok")
        polled = site in {r.site for r in results}
        before[site] = runs[1].state if polled and len(runs) > 1 else states[site]
    # The index lists feed sizes and site states: with neither changed it is left alone,
    # which keeps a warm poll of a big site cheap.
    stale = any(r.feeds_written for r in results) or states != before or not all(
        (config.out_dir / name).exists() for name in ("index.html", "feeds.opml", "feed.xsl"))
    written = 0
    if stale:
        from .writer import publish_index_off_loop  # the renderers load only to write

        written = await publish_index_off_loop(config, store, states)
    return BuildResult(list(results), written)


async def _guarded(site: SiteConfig, config: Config, store: Store,
                   resolver: AbstractResolver | None, slots: HostSlots, parsers: Parsers,
                   clock: Clock, progress: Progress | None) -> SiteResult:
    """A bug met on one site is that site's failure, not the build's. Each site gets its own
    client (its own User-Agent, request counts and robots.txt cache), as in the daemon."""
    try:
        async with make_fetcher(config, site, resolver, slots) as fetcher:
            return await poll_site(site, config, store, fetcher, clock=clock, progress=progress,
                                   parsers=parsers)
    except (sqlite3.Error, StoreError) as exc:  # a full disk, say: one line, no traceback
        problem = sqlite_problem(config.state, exc) if isinstance(exc, sqlite3.Error) else str(exc)
        log.error("%s: %s", site.key, problem)
        result = SiteResult(site.key, clock())
        result.problems.append(problem)
        return result
    except Exception as exc:
        log.exception("%s: poll failed", site.key)
        result = SiteResult(site.key, clock())
        result.problems.append(f"internal error: {exc!r}")
        return result
