"""Publishing into a PostgreSQL store: feeds rendered from one snapshot and written, with the
pending marks they clear and the site's fingerprint, in that snapshot's transaction.

Runs in a worker thread on a connection of its own (the loop's connection stays free), kept
between publishes (PgStore.lend_snapshot). The
transaction is REPEATABLE READ: every feed of a site is rendered from the same state of the
articles, and the files, the cleared pending marks and the fingerprint commit together or not at
all. A worker killed mid-publish leaves the old files and the pending marks, so the next poll of
the site, on any worker, publishes again: no feed ever misses a stored article.
"""

from __future__ import annotations

from collections.abc import Callable

from .errors import StoreError
from .publish import Files
from .store import Store
from .store_pg import PgStore, StoreFiles


def publish_in_store(store: Store, work: Callable[[Store, Files], int]) -> int:
    """work(snapshot, files) in one REPEATABLE READ transaction on a connection of its own."""
    assert isinstance(store, PgStore)
    snapshot = store.lend_snapshot()
    try:
        snapshot.db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
    except StoreError:  # a kept connection the server closed (a restart): so is every kept one
        snapshot.close()
        store.drop_spares()
        snapshot = store.lend_snapshot()
        snapshot.db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
    try:
        written = work(snapshot, StoreFiles(snapshot))
        snapshot.db.execute("COMMIT")
    except BaseException:
        snapshot.close()  # the open transaction is rolled back with its connection
        raise
    store.give_back(snapshot)
    return written
