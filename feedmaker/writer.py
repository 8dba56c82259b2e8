"""Feed writing off the event loop: `publish_site` and `publish_index` run in a worker thread
over a read-only connection of their own, and the few writes publishing makes to the state file
(pending feeds cleared, the site's fingerprint) are replayed on the loop's connection afterwards.

Rendering thousands of feeds and fsyncing their files took seconds, during which the daemon
answered nothing (/healthz waited 2.6 s during a 2,000-article cold build). The thread shares
the GIL with the loop, but Python hands it over every few milliseconds, and fsync releases it.

Consistency: a site's rows change only during its own poll, and a poll publishes after its
saves are committed, so the thread reads what the loop would have read. Its reads run in one
transaction, a single snapshot.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from typing import Any

from .config import Config, SiteConfig
from .publish import publish_index, publish_site
from .store import Store

__all__ = ["publish_index_off_loop", "publish_site_off_loop"]


class _Snapshot(Store):
    """The state file read-only, in one read transaction; publishing's writes are kept in
    `replay` for the loop's own connection. (Any other write fails loudly: read-only.)"""

    def __init__(self, store: Store) -> None:
        super().__init__(store.path, readonly=True)
        self.db.execute("BEGIN")
        self.replay: list[tuple[str, tuple[Any, ...]]] = []

    def clear_pending(self, site: str, feeds: Iterable[str]) -> None:
        self.replay.append(("clear_pending", (site, list(feeds))))

    def set_fingerprint(self, site: str, value: str) -> None:
        self.replay.append(("set_fingerprint", (site, value)))

    def close(self) -> None:
        if self.db.in_transaction:
            self.db.execute("COMMIT")
        super().close()


async def publish_site_off_loop(site: SiteConfig, config: Config, store: Store,
                                dirty: Iterable[str], slugs: Mapping[str, str] | None = None) -> int:
    """`publish_site` in a thread; returns how many files were written."""
    feeds = list(dirty)
    if store.IN_STORE:  # PostgreSQL: files into the store, in the snapshot's own transaction
        from .publish_pg import publish_in_store

        return await asyncio.to_thread(publish_in_store, store, lambda snapshot, files: publish_site(
            site, config, snapshot, feeds, slugs, files))

    def work() -> tuple[int, list[tuple[str, tuple[Any, ...]]]]:
        snapshot = _Snapshot(store)
        try:
            return publish_site(site, config, snapshot, feeds, slugs), snapshot.replay
        finally:
            snapshot.close()

    written, replay = await asyncio.to_thread(work)
    for name, args in replay:  # only now, with every file written
        getattr(store, name)(*args)
    return written


async def publish_index_off_loop(config: Config, store: Store, states: Mapping[str, str]) -> int:
    """`publish_index` (index.html, feeds.opml) in a thread."""
    states = dict(states)
    if store.IN_STORE:
        from .publish_pg import publish_in_store

        return await asyncio.to_thread(publish_in_store, store, lambda snapshot, files: publish_index(
            config, snapshot, states, files))

    def work() -> int:
        snapshot = _Snapshot(store)
        try:
            return publish_index(config, snapshot, states)
        finally:
            snapshot.close()

    return await asyncio.to_thread(work)
