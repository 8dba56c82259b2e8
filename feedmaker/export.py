"""Mirroring the files published in a PostgreSQL store into a directory, for nginx or a CDN to
serve: each file written atomically (output.Batch: temporary name, fsync, rename), only when its
bytes changed, never outside the directory. `feedmaker export DIR` copies once; a worker started
with `--export DIR` keeps the copy current, reading only what changed since its last look."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from .output import Batch, make_dirs
from .store_pg import PgStore

log = logging.getLogger("feedmaker.export")
EVERY = 2.0  # seconds between looks for changed files


def export_once(store: PgStore, out_dir: Path, since: int = 0) -> tuple[int, int]:
    """Write the files published after version `since`; (files written, newest version seen)."""
    make_dirs(out_dir)
    newest, written = since, 0
    files = store.files_since(since)
    with Batch(out_dir) as batch:
        for path, body, version in files:
            written += batch.write(path, body)
            newest = max(newest, version)
    return written, newest


async def mirror(url: str, out_dir: Path, every: float = EVERY) -> None:
    """export_once, again and again, in a thread (it reads and fsyncs), until cancelled."""
    since = 0
    store: PgStore | None = None
    while True:
        try:
            if store is None:
                store = await asyncio.to_thread(PgStore, url, migrate=False)
            written, since = await asyncio.to_thread(export_once, store, out_dir, since)
            if written:
                log.info("export: %d file(s) written into %s", written, out_dir)
        except asyncio.CancelledError:
            if store is not None:
                store.close()
            raise
        except Exception as exc:  # the database restarting, a full disk: try again next time
            log.warning("export into %s: %s", out_dir, exc)
            if store is not None:
                store.close()
            store = None
        await asyncio.sleep(every)
