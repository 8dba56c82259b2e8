"""The PostgreSQL backend of the store: `Store`'s methods and SQL over a psycopg connection, plus
what only a shared store holds (published feed files, when each site is next due).

`PgStore` reuses every method of `Store`: its connection wrapper takes SQLite's `?` placeholders
and gives rows that read by name or position. The connection is in autocommit mode, so that
`Store`'s own BEGIN / SAVEPOINT / COMMIT statements delimit transactions, as on SQLite.
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus

from .errors import StoreError, redact
from .schema_pg import MIGRATIONS_PG
from .store import Store

__all__ = ["SCHEMA_LOCK", "PgStore", "connect", "file_etag"]

SCHEMA_LOCK = 0x6665_6564  # pg_advisory_xact_lock key: one migrating process at a time
CONNECT_TIMEOUT = 10  # seconds
SPARE_SNAPSHOTS = 8  # idle publishing connections a store keeps (one per poll at once is plenty)


def connect(url: str, *, what: str = "state") -> psycopg.Connection[Any]:
    """An autocommit connection, or StoreError in one line naming the setting (no password)."""
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT)
    except psycopg.Error as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise StoreError(f"{what} = {redact(url)!r}: cannot connect to PostgreSQL: "
                         f"{redact(reason)}") from exc
    except Exception as exc:  # a malformed URL: psycopg's parser raises ProgrammingError or else
        raise StoreError(f"{what} = {redact(url)!r}: not a usable PostgreSQL URL: {exc}") from exc


@functools.lru_cache(maxsize=512)
def _pg(sql: str) -> str:
    """SQLite's `?` placeholders as psycopg's `%s` (the SQL has no other `?` nor `%`)."""
    return sql.replace("%", "%%").replace("?", "%s")


_ONE_ROW = re.compile(r"VALUES (\((?:[^()]|\(\))*\))")  # "(?,?,now())": no nesting beyond ()
MULTIROW_MAX = 256  # rows in one INSERT; far below PostgreSQL's 65,535 parameters


@functools.lru_cache(maxsize=512)
def _multirow(sql: str, rows: int, *, distinct: bool = False) -> str | None:
    """A one-row INSERT as one statement of `rows` rows: psycopg's executemany is a pipeline
    with a sync per call, ~3x the client CPU of one statement for the few rows an article's feeds
    and pending marks are. An upsert (DO UPDATE) only when the caller vouches that the rows are
    `distinct`: a row met twice in one statement is an error there, not the last write."""
    if rows > MULTIROW_MAX or not sql.startswith("INSERT"):
        return None
    if not (sql.endswith("DO NOTHING") or distinct):
        return None
    match = _ONE_ROW.search(sql)
    if match is None:
        return None
    return f"{sql[:match.start(1)]}{','.join([match.group(1)] * rows)}{sql[match.end(1):]}"


class _Row:
    """A row read by column name or position, like sqlite3.Row."""

    __slots__ = ("_names", "_values")

    def __init__(self, values: Sequence[Any], names: Mapping[str, int]) -> None:
        self._values, self._names = values, names

    def __getitem__(self, key: str | int) -> Any:
        return self._values[self._names[key] if isinstance(key, str) else key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def keys(self) -> list[str]:
        return list(self._names)


def _rows(cursor: psycopg.Cursor[Any]) -> Any:
    names = {c.name: i for i, c in enumerate(cursor.description or ())}
    return lambda values: _Row(values, names)


class _Connection:
    """The few methods of sqlite3.Connection that `Store` uses. A lost connection (a restarted
    server) is a StoreError: the poll fails, and the worker that ran it reconnects."""

    def __init__(self, conn: psycopg.Connection[Any], where: str) -> None:
        self.conn, self.where = conn, where

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> Any:
        cur = self.conn.cursor(row_factory=_rows)
        try:
            return cur.execute(_pg(sql), params)
        except psycopg.OperationalError as exc:
            raise self._lost(exc) from exc

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]], *, distinct: bool = False) -> Any:
        """`distinct`: no two rows share a key, so an upsert may be one statement too."""
        rows = list(rows)
        if len(rows) > 1 and (many := _multirow(sql, len(rows), distinct=distinct)):
            return self.execute(many, [value for row in rows for value in row])
        cur = self.conn.cursor(row_factory=_rows)
        try:
            cur.executemany(_pg(sql), rows)
        except psycopg.OperationalError as exc:
            raise self._lost(exc) from exc
        return cur

    def _lost(self, exc: Exception) -> StoreError:
        return StoreError(f"{self.where}: {' '.join(str(exc).split())}")

    @property
    def in_transaction(self) -> bool:
        return self.conn.info.transaction_status in (TransactionStatus.INTRANS,
                                                     TransactionStatus.INERROR)

    def close(self) -> None:
        self.conn.close()


def file_etag(body: bytes) -> str:
    """Weak (the gzip and identity forms share it), from the bytes: the same on every node."""
    return f'W/"{hashlib.blake2b(body, digest_size=12).hexdigest()}"'


class PgStore(Store):
    _BEGIN = "BEGIN"
    _INSERTED = "seq"
    _ERRORS = (psycopg.Error, StoreError)
    IN_STORE = True  # feeds are published into the store, not into out_dir

    def __init__(self, url: str, *, readonly: bool = False, migrate: bool = True) -> None:
        """Connect, and bring the schema up to date unless `readonly`. An older feedmaker
        refuses a schema newer than it knows, as with a state file."""
        self.url = url
        where = redact(url)
        self.path = where  # type: ignore[assignment]  # only ever shown in messages
        self._slugs, self._suffixes = {}, {}
        self._grouped = self._steps = self._losses = 0
        self._group_since = 0.0
        self._spares: list[PgStore] = []  # publishing connections between two publishes
        self._spares_lock = threading.Lock()  # they are lent to worker threads
        self.db = _Connection(connect(url), where)
        try:
            self._check_version(migrate and not readonly)
        except BaseException:
            self.db.close()
            raise

    def _check_version(self, migrate: bool) -> None:
        version = self._version()
        if version > len(MIGRATIONS_PG):
            raise StoreError(f"{self.path}: written by a newer feedmaker (schema {version})")
        if not migrate or version == len(MIGRATIONS_PG):
            return
        with self.transaction():
            self.db.execute(f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK})")
            self.db.execute("CREATE TABLE IF NOT EXISTS feedmaker_schema (version INTEGER NOT NULL)")
            version = self._version()  # another process may have migrated while we waited
            if version > len(MIGRATIONS_PG):
                raise StoreError(f"{self.path}: written by a newer feedmaker (schema {version})")
            if version == 0 and self.db.execute("SELECT count(*) FROM feedmaker_schema").fetchone()[0] == 0:
                self.db.execute("INSERT INTO feedmaker_schema VALUES (0)")
            for number in range(version, len(MIGRATIONS_PG)):
                self.db.conn.execute(MIGRATIONS_PG[number])
            self.db.execute("UPDATE feedmaker_schema SET version = ?", (len(MIGRATIONS_PG),))

    def _version(self) -> int:
        row = self.db.execute("SELECT to_regclass('feedmaker_schema') IS NOT NULL").fetchone()
        if not row[0]:
            return 0
        found = self.db.execute("SELECT max(version) FROM feedmaker_schema").fetchone()
        return int(found[0] or 0)

    def _migrate(self) -> None:  # Store's SQLite migrations: not ours
        raise NotImplementedError

    def close(self) -> None:
        self.drop_spares()
        self.db.close()

    def drop_spares(self) -> None:
        """Close the publishing connections kept idle."""
        with self._spares_lock:
            spares, self._spares = self._spares, []
        for spare in spares:
            spare.close()

    # --- connections for publishing ---------------------------------------------------------
    def lend_snapshot(self) -> PgStore:
        """A store on a connection of its own, for one publishing transaction: an idle one kept
        from an earlier publish, else a new one. A new connection costs PostgreSQL a backend
        process and its catalog caches (about as much server CPU as the rest of a 5-article poll:
        benchmarks/scale.py), so they are kept, up to SPARE_SNAPSHOTS."""
        with self._spares_lock:
            while self._spares:
                spare = self._spares.pop()
                if not (spare.db.conn.closed or spare.db.conn.broken):
                    spare._slugs, spare._suffixes = {}, {}  # read afresh: other workers add tags
                    return spare
                spare.close()
        return PgStore(self.url, migrate=False)

    def give_back(self, snapshot: PgStore) -> None:
        """Keep a lent store for the next publish if it is idle and healthy, else close it."""
        conn = snapshot.db.conn
        if not conn.closed and not conn.broken and conn.info.transaction_status == TransactionStatus.IDLE:
            with self._spares_lock:
                if len(self._spares) < SPARE_SNAPSHOTS and not self.db.conn.closed:
                    self._spares.append(snapshot)
                    return
        snapshot.close()

    # --- published files ------------------------------------------------------------------
    def etags(self, site: str | None) -> dict[str, str]:
        """path -> ETag of the published files of a site (None: the files of no site)."""
        rows = self.db.execute("SELECT path, etag FROM feed_files WHERE site IS NOT DISTINCT FROM ?",
                               (site,))
        return {r[0]: r[1] for r in rows}

    def put_files(self, site: str | None, files: Mapping[str, bytes]) -> None:
        """Publish these files (path -> bytes); one whose bytes did not change keeps its
        version and Last-Modified, so readers' validators stay valid."""
        self.db.executemany(
            "INSERT INTO feed_files (path, site, body, etag, modified) VALUES (?,?,?,?,now())"
            " ON CONFLICT (path) DO UPDATE SET body = excluded.body, etag = excluded.etag,"
            " modified = excluded.modified, version = nextval('feed_versions'), site = excluded.site"
            " WHERE feed_files.etag <> excluded.etag",
            [(path, site, body, file_etag(body)) for path, body in files.items()], distinct=True)

    def file(self, path: str) -> tuple[bytes, str, datetime] | None:
        row = self.db.execute("SELECT body, etag, modified FROM feed_files WHERE path = ?",
                              (path,)).fetchone()
        return (bytes(row[0]), row[1], row[2]) if row else None

    def files_since(self, version: int) -> list[tuple[str, bytes, int]]:
        """(path, bytes, version) of every file published after `version`, oldest first."""
        rows = self.db.execute("SELECT path, body, version FROM feed_files WHERE version > ?"
                               " ORDER BY version", (version,))
        return [(r[0], bytes(r[1]), int(r[2])) for r in rows]

    # --- when sites are due ---------------------------------------------------------------
    def claim(self, site: str, lease: float, slack: float) -> bool:
        """Take the site's next poll if it is due within `slack` seconds: True for one caller
        only (the row is locked by the UPDATE); its next run moves `lease` seconds on, so a
        lost poll is tried again then."""
        row = self.db.execute(
            "INSERT INTO site_schedule (site, next_run) VALUES (?, now() + make_interval(secs => ?))"
            " ON CONFLICT (site) DO UPDATE SET next_run = excluded.next_run"
            " WHERE site_schedule.next_run <= now() + make_interval(secs => ?) RETURNING site",
            (site, lease, slack)).fetchone()
        return row is not None

    def schedule(self, site: str) -> tuple[datetime, int] | None:
        """(next run, consecutive failures) of a site, if it was ever claimed."""
        row = self.db.execute("SELECT next_run, failures FROM site_schedule WHERE site = ?",
                              (site,)).fetchone()
        return (row[0], int(row[1])) if row else None

    def set_schedule(self, site: str, when: datetime, failures: int) -> None:
        self.db.execute("INSERT INTO site_schedule (site, next_run, failures) VALUES (?,?,?)"
                        " ON CONFLICT (site) DO UPDATE SET next_run = excluded.next_run,"
                        " failures = excluded.failures", (site, when.astimezone(UTC), failures))

    def last_states(self) -> dict[str, str]:
        """site -> state of its last run, for the index page."""
        rows = self.db.execute("SELECT DISTINCT ON (site) site, state FROM runs ORDER BY site, id DESC")
        return {r[0]: r[1] for r in rows}


class StoreFiles:
    """publish.Files for a shared store: files go into `feed_files`, in the publishing
    transaction (with the pending feeds it clears), so a feed never misses a stored article."""

    def __init__(self, store: PgStore) -> None:
        self.store = store

    def present(self, site: str) -> set[str]:
        prefix = f"{site}/"
        return {path[len(prefix):] for path in self.store.etags(site) if path.startswith(prefix)}

    def batch(self) -> StoreBatch:
        return StoreBatch(self.store)


class StoreBatch:
    """output.Batch's interface: `write` keeps only changed bytes; they are stored on a clean
    exit of the block, and nothing is on an error."""

    def __init__(self, store: PgStore) -> None:
        self.store = store
        self._etags: dict[str | None, dict[str, str]] = {}
        self._staged: dict[str | None, dict[str, bytes]] = {}

    def write(self, relative: str, data: bytes) -> bool:
        site = relative.split("/", 1)[0] if "/" in relative else None
        if site not in self._etags:
            self._etags[site] = self.store.etags(site)
        if self._etags[site].get(relative) == file_etag(data):
            return False
        self._staged.setdefault(site, {})[relative] = data
        return True

    def __enter__(self) -> StoreBatch:
        return self

    def __exit__(self, typ: type[BaseException] | None, exc: BaseException | None,
                 tb: object) -> None:
        if typ is None:
            for site, files in self._staged.items():
                self.store.put_files(site, files)
        self._staged.clear()
