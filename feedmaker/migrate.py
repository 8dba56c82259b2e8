"""`feedmaker migrate --from STATE_FILE --to postgresql://...`: a single-machine state moved into
an empty PostgreSQL store, nothing lost (article ids, first-seen dates, tag slugs, HTTP
validators, failures and their retry times, run history, rule health, pending feeds), then every
feed published from it into the store: byte for byte the feeds the state file gives.

The copy is one transaction (COPY per table): an error leaves the database as it was. The state
file is locked for the copy (no build or daemon writes into it meanwhile) and only read.
"""

from __future__ import annotations

from pathlib import Path

from .config import Config
from .errors import StoreError
from .lock import StateLock
from .publish import publish_index, publish_site
from .store import Store
from .store_pg import PgStore, StoreFiles

# Table -> columns, copied as they are: both schemas keep the same text encodings. rule_health
# is read in insertion order, which its `seq` then keeps.
TABLES: dict[str, tuple[str, ...]] = {
    "articles": ("id", "site", "url", "title", "published", "updated", "summary", "image",
                 "content", "tags", "sections", "first_seen", "fetched", "listed_title", "digest",
                 "authors", "language"),
    "aliases": ("site", "url", "article_id"),
    "memberships": ("site", "feed", "article_id", "sort_key"),
    "tags": ("site", "key", "name", "slug"),
    "runs": ("id", "site", "started", "finished", "ok", "state", "error", "new_articles",
             "updated_articles", "feeds_written", "requests"),
    "site_state": ("site", "fingerprint"),
    "rule_health": ("site", "kind", "name", "total", "filled", "sources", "rule", "rule_hits",
                    "ever", "at"),
    "pending": ("site", "feed"),
    "failures": ("site", "url", "sections", "listed_title", "count", "next_try", "error"),
    "site_validators": ("site", "url", "etag", "last_modified"),
}
ORDER = {"rule_health": "rowid", "articles": "id", "runs": "id"}


def migrate(source: Path, url: str, config: Config | None = None) -> dict[str, int]:
    """Copy `source` into the store at `url` (which must hold no articles yet); publish every
    configured site's feeds and the index there when `config` is given. Returns rows copied
    per table."""
    if not source.is_file():
        raise StoreError(f"--from {source}: no such state file")
    with StateLock(source), Store(source) as old, PgStore(url) as new:
        if new.db.execute("SELECT count(*) FROM articles").fetchone()[0]:
            raise StoreError(f"--to {new.path}: already holds articles; migrate into an empty "
                             "database (or schema)")
        counts: dict[str, int] = {}
        with new.transaction():
            for table, columns in TABLES.items():
                counts[table] = _copy(old, new, table, columns)
            for table in ("articles", "runs"):
                new.db.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                               f" coalesce((SELECT max(id) FROM {table}), 0) + 1, false)")
    if config is not None:
        publish_all(config, url)
    return counts


def _copy(old: Store, new: PgStore, table: str, columns: tuple[str, ...]) -> int:
    names = ", ".join(columns)
    order = f" ORDER BY {ORDER[table]}" if table in ORDER else ""
    rows = old.db.execute(f"SELECT {names} FROM {table}{order}")
    count = 0
    with new.db.conn.cursor().copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(tuple(row))
            count += 1
    return count


def publish_all(config: Config, url: str) -> int:
    """Render every configured site's feeds and the index into the store."""
    written = 0
    with PgStore(url) as store:
        files = StoreFiles(store)
        for site in config.sites.values():
            with store.transaction():
                written += publish_site(site, config, store, store.feeds(site.key), files=files)
        states = {key: "ok" for key in config.sites} | store.last_states()
        with store.transaction():
            written += publish_index(config, store, states, files)
    return written
