"""`feedmaker serve` over a PostgreSQL store: the published files from `feed_files`, on any node,
with serve.py's headers, 304s, gzip, request-head timeout, nosniff and CSP; /healthz from the
run history in the store, /metrics.

Each process keeps the files it served in memory and asks the store again at most every FRESH
seconds (one indexed row; the body only if its ETag moved), so a popular feed costs the
database one small query a second per node, and a feed changed by a worker is served within
FRESH seconds everywhere. Any number of these run behind a load balancer or a CDN.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from pathlib import PurePosixPath
from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from .config import Config
from .errors import StoreError, redact
from .health import Health, Metrics
from .serve import TYPES, Found, create_app, listen, make_server, serve_until
from .store_pg import PgStore

log = logging.getLogger("feedmaker.run")
FRESH = 1.0  # seconds a process serves a file before asking the store whether it changed
HEALTH_FRESH = 5.0  # seconds /healthz reuses its reading of the run history
MAX_CACHED = 4096  # files (and misses) kept per process


def store_path(url_path: str) -> str | None:
    """The `feed_files` path a URL path names ("" and "x/" mean their index.html), or None for
    anything a directory server would refuse: dot-segments, backslashes, NULs."""
    parts = [p for p in url_path.split("/") if p]
    if any(p.startswith(".") or "\\" in p or "\0" in p for p in parts):
        return None
    if not parts or url_path.endswith("/"):
        parts.append("index.html")
    return "/".join(parts)


class StoreSource:
    """serve.Source over the store, with the per-process cache described above."""

    def __init__(self, url: str) -> None:
        self.pool = AsyncConnectionPool(url, min_size=1, max_size=8, open=False, kwargs={
            "autocommit": True}, check=AsyncConnectionPool.check_connection, timeout=10)
        self._cache: OrderedDict[str, tuple[float, Found | None]] = OrderedDict()

    async def open(self) -> None:
        await self.pool.open(wait=True, timeout=10)

    async def close(self) -> None:
        await self.pool.close()

    async def __call__(self, url_path: str) -> Found | None:
        path = store_path(url_path)
        if path is None:
            return None
        now = time.monotonic()
        cached = self._cache.get(path)
        if cached is not None and now - cached[0] < FRESH:
            return cached[1]
        old = cached[1] if cached else None
        try:
            async with self.pool.connection() as conn:
                cur = await conn.execute(
                    "SELECT etag, extract(epoch FROM modified)::float8,"
                    " CASE WHEN etag = %s THEN NULL ELSE body END FROM feed_files WHERE path = %s",
                    (old[1] if old else "", path))
                row: Any = await cur.fetchone()
        except (psycopg.Error, PoolTimeout):
            if cached is None:
                raise
            # The store is away (restarting, say): the copy we have is the best answer.
            self._cache[path] = (now, old)
            return old
        found: Found | None = None
        if row is not None:
            body = bytes(row[2]) if row[2] is not None else old[0] if old else b""
            media = TYPES.get(PurePosixPath(path).suffix.lower(), "application/octet-stream")
            found = (body, row[0], row[1], media)
        self._cache[path] = (now, found)
        self._cache.move_to_end(path)
        while len(self._cache) > MAX_CACHED:
            self._cache.popitem(last=False)
        return found


class StoredHealth:
    """/healthz from the store's run history, read at most every HEALTH_FRESH seconds in a
    thread; an unreachable store is a 503 that says so (the files already cached still serve)."""

    def __init__(self, config: Config, url: str) -> None:
        self.config, self.url = config, url
        self.current = Health(config.sites)
        self._store: PgStore | None = None
        self._read_at = -HEALTH_FRESH
        self._reading: asyncio.Task[None] | None = None  # one reading at a time (one connection)

    def __call__(self) -> Health:
        if time.monotonic() - self._read_at >= HEALTH_FRESH and self._reading is None:
            self._read_at = time.monotonic()
            self._reading = asyncio.get_running_loop().create_task(self._refresh())
        return self.current

    async def _refresh(self) -> None:
        try:
            self.current = await asyncio.to_thread(self._read)
        finally:
            self._reading = None

    def _read(self) -> Health:
        try:
            if self._store is None:
                self._store = PgStore(self.url)  # creates the tables if no worker has yet
            return Health.from_store(self.config.sites, self._store)
        except Exception as exc:
            if self._store is not None:
                with contextlib.suppress(Exception):
                    self._store.close()
                self._store = None
            return Health(self.config.sites, f"{redact(self.url)}: {' '.join(str(exc).split())}")

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


async def serve_store(config: Config, url: str, host: str = "127.0.0.1", port: int = 8080, *,
                      access_log: bool = False, stop: asyncio.Event | None = None) -> None:
    """Serve the store's published files until `stop` (or a signal: the caller's). Raises
    StoreError, in one line naming the setting, when the store cannot be reached at start."""
    from .signals import on_stop_signals

    stop = stop or asyncio.Event()
    # One clear error before listening; and the tables, if no worker has made them yet.
    await asyncio.to_thread(lambda: PgStore(url).close())
    source, health = StoreSource(url), StoredHealth(config, url)
    try:
        await source.open()
    except Exception as exc:
        raise StoreError(f"state = {redact(url)!r}: cannot connect to PostgreSQL: {exc}") from exc
    health()
    server = make_server(create_app(config.out_dir, health, Metrics(config.sites), source=source),
                         access_log=access_log)
    try:
        with contextlib.closing(listen(host, port)) as sock, on_stop_signals(stop.set):
            log.info("serving the feeds of %s on http://%s:%d/", redact(url), host,
                     sock.getsockname()[1])
            await serve_until(server, sock, stop)
    finally:
        await source.close()
        health.close()
