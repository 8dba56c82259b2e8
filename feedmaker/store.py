"""The state file: article history, feed membership, tag slugs, HTTP validators and run results.

One narrow interface, two backends: SQLite here (WAL, versioned migrations via PRAGMA
user_version), PostgreSQL in store_pg (same methods, same SQL; `open_store` picks by the state
setting). Feeds are named by their path under the site: "all",
"sections/<slug>", "tags/<slug>". Times are stored as ISO 8601 UTC text.
"""

from __future__ import annotations

import functools
import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Self

from .digest import digest, same_digest
from .errors import StoreError
from .model import Article
from .schema import MIGRATIONS
from .slug import slugify

ALL = "all"
GROUP_SECONDS = 1.0  # the longest `grouped()` goes between commits

RETRY_BASE = 900.0  # seconds before the second retry of a failing article; doubles after
RETRY_CAP = 86400.0


@dataclass(frozen=True, slots=True)
class Known:
    """What the store knows of a URL seen on a listing."""

    url: str  # the article's canonical URL (the alias may differ)
    listed_title: str | None
    fetched: datetime


@dataclass(frozen=True, slots=True)
class Failure:
    """A listed article that failed: retried at `next_try`, with what its listing said."""

    url: str
    sections: tuple[str, ...]
    listed_title: str | None
    count: int
    next_try: datetime


@dataclass(frozen=True, slots=True)
class Saved:
    new: bool
    changed: bool
    feeds: frozenset[str]  # feeds whose entries this save changed


@dataclass(frozen=True, slots=True)
class RunRecord:
    site: str
    started: datetime
    finished: datetime
    ok: bool
    state: str  # ok | failing | blocked
    error: str | None = None
    new_articles: int = 0
    updated_articles: int = 0
    feeds_written: int = 0
    requests: int = 0


@dataclass(frozen=True, slots=True)
class HealthRow:
    """One build's figures for a section's links (kind "links") or an article field ("field")."""

    kind: str
    name: str
    total: int  # links picked / articles parsed
    filled: int  # of those, how many got a value (links: all of them)
    sources: dict[str, int]  # where the values came from -> how many
    rule: str | None  # the configured rule, if any
    rule_hits: int  # how many the configured rule itself matched
    ever: int = 0  # the most the rule has matched in any build
    at: datetime | None = None


def tag_key(name: str) -> str:
    return " ".join(name.casefold().split())


def _iso(dt: datetime | None) -> str | None:
    return dt.astimezone(UTC).isoformat(timespec="seconds") if dt else None


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


@functools.lru_cache(maxsize=4096)
def _sources_cached(text: str) -> tuple[tuple[str, int], ...]:
    return tuple(json.loads(text).items())


def _sources(text: str) -> dict[str, int]:
    """A rule-health row's sources; the same few JSON texts recur on every site and run."""
    return dict(_sources_cached(text))


class Store:
    """The SQLite backend, and the logic both backends share: its SQL is written to run on
    SQLite and PostgreSQL alike (`store_pg.PgStore` gives it a connection that speaks `?`
    placeholders); the few differences are the class attributes below."""

    _BEGIN = "BEGIN IMMEDIATE"  # takes the write lock at once: no deadlock between two writers
    _INSERTED = "rowid"  # the column that orders rows as they were first inserted
    _ERRORS: tuple[type[Exception], ...] = (sqlite3.Error,)
    IN_STORE = False  # True where feeds are published into the store (PostgreSQL), not out_dir
    db: Any  # sqlite3.Connection, or store_pg's connection with the same methods

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        """Open (or create) the state file and bring its schema up to date. `readonly` opens
        an existing file without writing anything to it, not even a migration: for `serve`,
        and for publishing from a worker thread."""
        self.path = Path(path)
        self._slugs: dict[tuple[str, str], str] = {}  # (site, tag key) -> slug: fixed once given
        self._suffixes: dict[tuple[str, str], int] = {}  # (site, slug base) -> last suffix tried
        self._grouped = 0  # open `grouped()` blocks
        self._steps = 0  # open savepoints inside them
        self._losses = 0  # times SQLite undid grouped work that had been reported saved
        self._group_since = 0.0
        try:
            if readonly:
                self.db = sqlite3.connect(self.path.resolve().as_uri() + "?mode=ro", uri=True,
                                          timeout=30, isolation_level=None)
            else:
                self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self.db.row_factory = sqlite3.Row
            # Checked before WAL mode is set, which rewrites the file header: a state file we
            # refuse is left exactly as it was.
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            if version > len(MIGRATIONS) or version < 0:
                self.db.close()
                raise StoreError(f"{self.path}: written by a newer feedmaker (schema {version})"
                                 if version > 0 else f"{self.path}: not a feedmaker state file "
                                 f"(schema version {version})")
            if readonly:
                return
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.OperationalError as exc:
            if "full" not in str(exc) and "I/O" not in str(exc):
                raise StoreError(f"{self.path}: not a usable feedmaker state file ({exc})") from exc
            raise StoreError(f"{self.path}: cannot write the state file: {exc}") from exc
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable feedmaker state file ({exc})") from exc

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StoreError(f"{self.path}: written by a newer feedmaker (schema {version})")
        for number in range(version, len(MIGRATIONS)):
            with self.transaction():
                for statement in MIGRATIONS[number].split(";"):
                    if statement.strip():
                        self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {number + 1}")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing. Inside `grouped()` it is a savepoint of the group's transaction."""
        if self._grouped:
            yield from self._savepoint()
            return
        self.db.execute(self._BEGIN)
        try:
            yield
        except BaseException:
            self._undo("ROLLBACK")
            raise
        self._commit()

    def _savepoint(self) -> Iterator[None]:
        self.db.execute("SAVEPOINT step")
        self._steps += 1
        try:
            yield
        except BaseException:
            if not self._undo("ROLLBACK TO step", "RELEASE step"):
                self._losses += 1  # SQLite undid the whole group's transaction, not just this step
            raise
        else:
            self.db.execute("RELEASE step")
        finally:
            self._steps -= 1
        # Between steps only: a commit inside an open savepoint would commit half of it.
        if not self._steps and time.monotonic() - self._group_since > GROUP_SECONDS:
            self._commit_group()

    def _undo(self, *statements: str) -> bool:
        """Run the rollback statements; False when SQLite has already rolled the whole
        transaction back itself (it does on a full disk or an I/O error)."""
        self._slugs.clear()  # it may hold a slug read back from the undone work
        self._suffixes.clear()
        if not self.db.in_transaction:
            return False
        for statement in statements:
            self.db.execute(statement)
        return True

    def _commit(self) -> None:
        """COMMIT, or roll back and raise: a failed COMMIT may leave the transaction open, and
        every later BEGIN would fail ("cannot start a transaction within a transaction")."""
        try:
            self.db.execute("COMMIT")
        except self._ERRORS:
            self._undo("ROLLBACK")
            if self._grouped:
                self._losses += 1
            raise

    @contextmanager
    def grouped(self) -> Iterator[None]:
        """Transactions inside share commits, at most GROUP_SECONDS apart: a commit rewrites
        every index page an article touched, and one per article was a fifth of saving it.
        Everything is committed when the block ends (so what is published next is on disk);
        a crash loses at most the last GROUP_SECONDS of saves, which are fetched again. If
        SQLite undoes the group's work itself (a full disk), the block ends in StoreError, so
        the run fails instead of carrying on as if its saves were kept."""
        if not self._grouped:
            self.db.execute(self._BEGIN)
            self._group_since = time.monotonic()
        self._grouped += 1
        losses = self._losses
        try:
            yield
        finally:
            self._grouped -= 1
            self._commit_group()
        if self._losses != losses:
            raise StoreError(f"{self.path}: SQLite rolled back this run's saves (a full disk or "
                             "an I/O error?); the articles are fetched again next run")

    def _commit_group(self) -> None:
        """Commit the group's work; begin again if another block is still grouped."""
        if self.db.in_transaction:
            self._commit()
        if self._grouped:
            self.db.execute(self._BEGIN)
            self._group_since = time.monotonic()

    # --- articles ------------------------------------------------------------------------------
    def known(self, site: str, urls: Iterable[str]) -> dict[str, Known]:
        """Map each given URL (canonical or alias) that the store has seen to what it knows."""
        found: dict[str, Known] = {}
        for chunk, marks in _batches(list(urls)):
            rows = self.db.execute(
                f"SELECT al.url AS alias, a.url, a.listed_title, a.fetched FROM aliases al "
                f"JOIN articles a ON a.id = al.article_id WHERE al.site = ? AND al.url IN ({marks})",
                [site, *chunk])
            for row in rows:
                found[row["alias"]] = Known(row["url"], row["listed_title"], _dt(row["fetched"]) or
                                            datetime.now(UTC))
        return found

    def save_article(self, site: str, article: Article, *, aliases: Iterable[str] = (),
                     sections: Iterable[str] = (), listed_title: str | None = None,
                     now: datetime) -> Saved:
        """Insert or update one article, its aliases and feed memberships, in one transaction.
        An existing article keeps its id and first_seen; a changed title or body gets `updated`."""
        with self.transaction():
            return self._save(site, article, aliases, sections, listed_title, now)

    def _save(self, site: str, a: Article, aliases: Iterable[str], sections: Iterable[str],
              listed_title: str | None, now: datetime) -> Saved:
        section_names = list(dict.fromkeys(sections))
        recategorized = False
        # Most saves are of new articles: insert first, and read the stored row only if there
        # is one (a statement less per new article than looking first).
        inserted = self.db.execute(
            "INSERT INTO articles (site, url, title, authors, published, updated, summary, image,"
            " content, tags, sections, first_seen, fetched, listed_title, digest, language)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (site, url) DO NOTHING RETURNING id",
            (site, a.url, a.title, _json(a.authors), _iso(a.published), _iso(a.updated),
             a.summary, a.image, a.content, _json(a.tags), _json(section_names),
             _iso(a.first_seen or now), _iso(now), listed_title, LATER, a.language)).fetchone()
        row = None if inserted else self.db.execute(
            "SELECT * FROM articles WHERE site = ? AND url = ?", (site, a.url)).fetchone()
        if row is None:
            article_id = inserted[0]
            changed, new = True, True
        else:
            article_id = row["id"]
            new = False
            new_digest = digest(a)
            changed = not same_digest(_stored_digest(row), a, new_digest)
            old_sections = json.loads(row["sections"])
            section_names = list(dict.fromkeys([*old_sections, *section_names]))
            # Tags and sections are an entry's categories: a change shows in all its feeds.
            recategorized = json.loads(row["tags"]) != list(a.tags) or section_names != old_sections
            if changed:
                old_updated = _dt(row["updated"])
                # The page's own dateModified when it moved forward, else the time we noticed.
                fresh = a.updated and (old_updated is None or a.updated > old_updated)
                updated = a.updated if fresh else now
                self.db.execute(
                    "UPDATE articles SET title=?, authors=?, published=?, updated=?, summary=?,"
                    " image=?, content=?, tags=?, sections=?, fetched=?, listed_title=?, digest=?,"
                    " language=? WHERE id=?",
                    (a.title, _json(a.authors), row["published"] or _iso(a.published), _iso(updated),
                     a.summary, a.image, a.content, _json(a.tags), _json(section_names), _iso(now),
                     listed_title or row["listed_title"], new_digest, a.language, article_id))
            else:
                self.db.execute(
                    "UPDATE articles SET fetched=?, listed_title=?, sections=?, tags=?, digest=?"
                    " WHERE id=?",
                    (_iso(now), listed_title or row["listed_title"],
                     json.dumps(section_names, ensure_ascii=False),
                     json.dumps(list(a.tags), ensure_ascii=False), new_digest, article_id))
        for alias in {a.url, *aliases}:
            self.db.execute("INSERT INTO aliases (site, url, article_id) VALUES (?,?,?) ON CONFLICT"
                            " (site, url) DO UPDATE SET article_id = excluded.article_id",
                            (site, alias, article_id))
        # The stored date orders the entry (an article keeps its first published date), so its
        # position is the same in every feed, old memberships and new.
        sort_key = (row["published"] or row["first_seen"]) if row else \
            (_iso(a.published) or _iso(a.first_seen or now))
        feeds = {ALL, *(f"sections/{s}" for s in section_names),
                 *(f"tags/{self._tag_slug(site, t)}" for t in a.tags)}
        insert = ("INSERT INTO memberships (site, feed, article_id, sort_key) VALUES (?,?,?,?)"
                  " ON CONFLICT DO NOTHING")
        if changed:  # every feed it is in shows the change, new membership or not
            self.db.executemany(insert, [(site, feed, article_id, sort_key) for feed in feeds])
            touched = set(feeds)
        else:
            touched = {feed for feed in feeds
                       if self.db.execute(insert, (site, feed, article_id, sort_key)).rowcount}
        if row is not None and (changed or recategorized):  # reach the feeds it was already in
            touched |= {r[0] for r in self.db.execute(
                "SELECT feed FROM memberships WHERE site=? AND article_id=?", (site, article_id))}
        self._mark_pending(site, touched)
        return Saved(new, changed and not new, frozenset(touched))

    def add_sections(self, site: str, url: str, sections: Iterable[str]) -> frozenset[str]:
        """Record that a known article (by alias) is listed in these section slugs."""
        wanted = list(sections)
        with self.transaction():
            row = self.db.execute(
                "SELECT a.id, a.sections, a.published, a.first_seen FROM aliases al JOIN articles a"
                " ON a.id = al.article_id WHERE al.site=? AND al.url=?", (site, url)).fetchone()
            if row is None:
                return frozenset()
            have = json.loads(row["sections"])
            missing = [s for s in wanted if s not in have]
            if not missing:
                return frozenset()
            self.db.execute("UPDATE articles SET sections=? WHERE id=?",
                            (json.dumps(have + missing, ensure_ascii=False), row["id"]))
            for s in missing:
                self.db.execute(
                    "INSERT INTO memberships (site, feed, article_id, sort_key)"
                    " VALUES (?,?,?,?) ON CONFLICT DO NOTHING",
                    (site, f"sections/{s}", row["id"], row["published"] or row["first_seen"]))
            # A new section is a new category on the entry, in every feed it is in.
            added = frozenset(r[0] for r in self.db.execute(
                "SELECT feed FROM memberships WHERE site=? AND article_id=?", (site, row["id"])))
            self._mark_pending(site, added)
            return added

    def entries(self, site: str, feed: str, limit: int) -> list[Article]:
        """The newest `limit` articles of a feed, newest first (ties broken by id for stable output)."""
        return list(self.articles([i for i, _ in self.members(site, feed, limit)]).values())

    def members(self, site: str, feed: str, limit: int) -> list[tuple[int, str]]:
        """(id, url) of `entries`, without reading their text: publishing renders an article
        once and reuses the bytes in its ~6 feeds, so most entries need no full row."""
        rows: list[tuple[int, str]] = self.db.execute(
            "SELECT a.id, a.url FROM memberships m JOIN articles a ON a.id = m.article_id"
            " WHERE m.site = ? AND m.feed = ? ORDER BY m.sort_key DESC, m.article_id DESC LIMIT ?",
            (site, feed, limit)).fetchall()
        return rows

    def articles(self, ids: Sequence[int]) -> dict[int, Article]:
        """Articles by id, in the order of `ids` (unknown ids left out)."""
        found: dict[int, Article] = {}
        for chunk, marks in _batches(ids):
            rows = self.db.execute(f"SELECT * FROM articles WHERE id IN ({marks})", chunk)
            found.update((r["id"], _article(r)) for r in rows)
        return {i: found[i] for i in ids if i in found}

    def feeds(self, site: str) -> list[str]:
        # A skip scan over the (site, feed, ...) index: one seek per feed, where DISTINCT would
        # walk every membership (600,000 rows for 100,000 articles).
        return [r[0] for r in self.db.execute(
            "WITH RECURSIVE f(feed) AS (SELECT min(feed) FROM memberships WHERE site = ?"
            " UNION ALL SELECT (SELECT min(feed) FROM memberships WHERE site = ? AND feed > f.feed)"
            " FROM f WHERE f.feed IS NOT NULL) SELECT feed FROM f WHERE feed IS NOT NULL",
            (site, site))]

    def all_feed_stats(self) -> dict[str, dict[str, tuple[int, datetime | None]]]:
        """site -> feed -> (number of entries, newest entry's date), for the index page: one
        statement for every site (a cluster rewrites the index every few seconds; a statement per
        site was 5,000 of them each time for 5,000 sites)."""
        found: dict[str, dict[str, tuple[int, datetime | None]]] = {}
        for r in self.db.execute("SELECT site, feed, count(*), max(sort_key) FROM memberships"
                                 " GROUP BY site, feed"):
            found.setdefault(r[0], {})[r[1]] = (int(r[2]), _dt(r[3]))
        return found

    def article_count(self, site: str) -> int:
        return int(self.db.execute("SELECT count(*) FROM articles WHERE site=?", (site,)).fetchone()[0])

    # --- tags ----------------------------------------------------------------------------------
    def _tag_slug(self, site: str, name: str) -> str:
        """A tag's slug is fixed when first seen, so its feed URL never moves; a later tag that
        slugifies alike gets a suffix instead of taking the slug over."""
        key = tag_key(name)
        known = self._slugs.get((site, key))
        if known is not None:
            return known
        row = self.db.execute("SELECT slug FROM tags WHERE site=? AND key=?", (site, key)).fetchone()
        if row:
            self._slugs[site, key] = str(row[0])
            return str(row[0])
        base = slugify(name)
        n = self._suffixes.get((site, base))
        if n is None:  # first time this run: resume after the highest suffix given so far
            n = self._highest_suffix(site, base) if self._slug_taken(site, base) else 0
        slug = base
        if n:
            # Suffixes only go up, so finding a free one is linear over all the tags sharing a
            # base (trying "-2", "-3", ... each time made 4,000 of them take 30 s to save).
            while True:
                n += 1
                slug = f"{base[:70]}-{n}"
                if not self._slug_taken(site, slug):
                    break
        self._suffixes[site, base] = max(n, 1)
        self.db.execute("INSERT INTO tags (site, key, name, slug) VALUES (?,?,?,?)",
                        (site, key, name, slug))
        self._slugs[site, key] = slug  # forgotten if this is undone (`_undo`)
        return slug

    def _slug_taken(self, site: str, slug: str) -> bool:
        return self.db.execute("SELECT 1 FROM tags WHERE site=? AND slug=?",
                               (site, slug)).fetchone() is not None

    def _highest_suffix(self, site: str, base: str) -> int:
        """The largest n of the slugs "base[:70]-n" given so far (1 when there is none)."""
        prefix = f"{base[:70]}-"
        rows = self.db.execute("SELECT slug FROM tags WHERE site=? AND slug > ? AND slug < ?",
                               (site, prefix, prefix[:-1] + "."))  # "." sorts right after "-"
        tails = (r[0][len(prefix):] for r in rows)
        return max((int(t) for t in tails if t.isdigit() and t.isascii()), default=1)

    def known_tags(self, site: str, keys: Iterable[str]) -> set[str]:
        """Which of these tag keys (`tag_key`) the site already has."""
        found: set[str] = set()
        for chunk, marks in _batches(list(keys)):
            found.update(r[0] for r in self.db.execute(
                f"SELECT key FROM tags WHERE site=? AND key IN ({marks})", [site, *chunk]))
        return found

    def tag_names(self, site: str) -> dict[str, str]:
        """slug -> display name (as first seen) for every tag of a site."""
        return {r[0]: r[1] for r in self.db.execute("SELECT slug, name FROM tags WHERE site=?", (site,))}

    def all_tag_names(self) -> dict[str, dict[str, str]]:
        """site -> `tag_names(site)`, in one statement (for the index page)."""
        found: dict[str, dict[str, str]] = {}
        for r in self.db.execute("SELECT site, slug, name FROM tags"):
            found.setdefault(r[0], {})[r[1]] = r[2]
        return found

    # --- HTTP validators, runs, fingerprints ----------------------------------------------------
    def validators(self, site: str, url: str) -> tuple[str | None, str | None]:
        row = self.db.execute("SELECT etag, last_modified FROM site_validators WHERE site=? AND url=?",
                              (site, url)).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def save_validators(self, site: str, url: str, etag: str | None,
                        last_modified: str | None) -> None:
        self.db.execute("INSERT INTO site_validators (site, url, etag, last_modified)"
                        " VALUES (?,?,?,?) ON CONFLICT (site, url) DO UPDATE SET"
                        " etag = excluded.etag, last_modified = excluded.last_modified",
                        (site, url, etag, last_modified))

    def record_run(self, run: RunRecord) -> None:
        self.db.execute(
            "INSERT INTO runs (site, started, finished, ok, state, error, new_articles,"
            " updated_articles, feeds_written, requests) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (run.site, _iso(run.started), _iso(run.finished), int(run.ok), run.state, run.error,
             run.new_articles, run.updated_articles, run.feeds_written, run.requests))
        # Keep a bounded history: the daemon records a run per site every interval.
        self.db.execute("DELETE FROM runs WHERE site=? AND id NOT IN (SELECT id FROM runs WHERE"
                        " site=? ORDER BY id DESC LIMIT 200)", (run.site, run.site))

    def last_runs(self, site: str, limit: int = 1) -> list[RunRecord]:
        # Columns by position: /status reads these for every site (by name costs ~2x).
        rows = self.db.execute("SELECT site, started, finished, ok, state, error, new_articles,"
                               " updated_articles, feeds_written, requests FROM runs"
                               " WHERE site=? ORDER BY id DESC LIMIT ?", (site, limit))
        now = datetime.now(UTC)
        return [RunRecord(r[0], _dt(r[1]) or now, _dt(r[2]) or now, bool(r[3]), r[4], r[5], r[6],
                          r[7], r[8], r[9]) for r in rows]

    def last_new_at(self, site: str) -> datetime | None:
        """When the last run that found a new article ended (within the kept run history)."""
        row = self.db.execute("SELECT finished FROM runs WHERE site=? AND new_articles > 0"
                              " ORDER BY id DESC LIMIT 1", (site,)).fetchone()
        return _dt(row[0]) if row else None

    def _mark_pending(self, site: str, feeds: Iterable[str]) -> None:
        self.db.executemany("INSERT INTO pending (site, feed) VALUES (?,?) ON CONFLICT DO NOTHING",
                            [(site, f) for f in feeds])

    def pending(self, site: str) -> set[str]:
        """Feeds changed in the store whose files have not been written since."""
        return {r[0] for r in self.db.execute("SELECT feed FROM pending WHERE site=?", (site,))}

    def clear_pending(self, site: str, feeds: Iterable[str]) -> None:
        self.db.executemany("DELETE FROM pending WHERE site=? AND feed=?",
                            [(site, f) for f in feeds])

    # --- failing articles ---------------------------------------------------------------------
    def record_failure(self, site: str, url: str, sections: Iterable[str], listed_title: str | None,
                       error: str, now: datetime) -> Failure:
        """The first retry is at the next run (a passing fault); after that the wait doubles,
        up to a day, so a dead link on a listing costs one request a day, not one a poll."""
        row = self.db.execute("SELECT count FROM failures WHERE site=? AND url=?", (site, url)).fetchone()
        count = (row[0] if row else 0) + 1
        delay = 0.0 if count == 1 else min(RETRY_BASE * 2.0 ** (count - 2), RETRY_CAP)
        next_try = now + timedelta(seconds=delay)
        names = tuple(sorted(sections))
        self.db.execute(
            "INSERT INTO failures (site, url, sections, listed_title, count, next_try, error)"
            " VALUES (?,?,?,?,?,?,?) ON CONFLICT (site, url) DO UPDATE SET"
            " sections = excluded.sections, listed_title = excluded.listed_title,"
            " count = excluded.count, next_try = excluded.next_try, error = excluded.error",
            (site, url, json.dumps(names, ensure_ascii=False), listed_title, count, _iso(next_try),
             error[:1000]))
        return Failure(url, names, listed_title, count, next_try)

    def clear_failure(self, site: str, url: str) -> None:
        self.db.execute("DELETE FROM failures WHERE site=? AND url=?", (site, url))

    def failures(self, site: str) -> dict[str, Failure]:
        rows = self.db.execute("SELECT * FROM failures WHERE site=?", (site,))
        return {r["url"]: Failure(r["url"], tuple(json.loads(r["sections"])), r["listed_title"],
                                  r["count"], _dt(r["next_try"]) or datetime.now(UTC)) for r in rows}

    def fingerprint(self, site: str) -> str | None:
        row = self.db.execute("SELECT fingerprint FROM site_state WHERE site=?", (site,)).fetchone()
        return row[0] if row else None

    def set_fingerprint(self, site: str, value: str) -> None:
        self.db.execute("INSERT INTO site_state (site, fingerprint) VALUES (?,?)"
                        " ON CONFLICT (site) DO UPDATE SET fingerprint = excluded.fingerprint",
                        (site, value))


    # --- rule health --------------------------------------------------------------------------
    def save_rule_health(self, site: str, rows: Iterable[HealthRow], at: datetime) -> None:
        """Replace the figures of the measured sections/fields, keeping the best-ever hit count.
        One executemany: on PostgreSQL one round trip (a pipeline) instead of one per row."""
        with self.transaction():
            self.db.executemany(
                "INSERT INTO rule_health (site, kind, name, total, filled, sources, rule,"
                " rule_hits, ever, at) VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT (site, kind, name)"
                " DO UPDATE SET total=excluded.total, filled=excluded.filled,"
                " sources=excluded.sources, rule=excluded.rule, rule_hits=excluded.rule_hits,"
                " ever=CASE WHEN excluded.rule IS NOT DISTINCT FROM rule_health.rule"
                " AND rule_health.ever > excluded.ever THEN rule_health.ever"
                " ELSE excluded.ever END, at=excluded.at",
                [(site, r.kind, r.name, r.total, r.filled, json.dumps(r.sources), r.rule,
                  r.rule_hits, max(r.ever, r.rule_hits), _iso(at)) for r in rows])

    def rule_health(self, site: str) -> list[HealthRow]:
        rows = self.db.execute("SELECT kind, name, total, filled, sources, rule, rule_hits, ever, at"
                               f" FROM rule_health WHERE site=? ORDER BY kind, {self._INSERTED}", (site,))
        return [HealthRow(r[0], r[1], r[2], r[3], _sources(r[4]), r[5], r[6], r[7], _dt(r[8]))
                for r in rows]


def is_postgres(state: str | Path) -> bool:
    """Is this `state` setting a PostgreSQL URL rather than a file?"""
    return str(state).startswith(("postgresql://", "postgres://"))


def open_store(state: str | Path, *, readonly: bool = False) -> Store:
    """The store a `state` setting names: a PostgreSQL URL, or a SQLite file. psycopg is imported
    only for the former."""
    if is_postgres(state):
        from .store_pg import PgStore

        return PgStore(str(state), readonly=readonly)
    return Store(state, readonly=readonly)


@functools.lru_cache(maxsize=1024)
def _sections(stored: str) -> tuple[str, ...]:
    """Stored section and author lists take few distinct values ('["health"]'): decoded once
    each."""
    return tuple(json.loads(stored))


def _batches(items: Sequence[Any]) -> Iterator[tuple[Sequence[Any], str]]:
    """`items` in slices small enough for one `IN (?,?,...)` (under SQLite's parameter limit),
    each with its placeholders."""
    for start in range(0, len(items), 500):
        chunk = items[start:start + 500]
        yield chunk, ",".join("?" * len(chunk))


# A new article's digest is left for its first re-fetch (`_stored_digest`): most articles are
# never fetched again, and the digest was a fifth of saving one.
LATER = ""


def _stored_digest(row: sqlite3.Row) -> str:
    return str(row["digest"]) or digest(Article(url=row["url"], title=row["title"],
                                                summary=row["summary"], content=row["content"]))


def _article(r: sqlite3.Row) -> Article:
    return Article(
        url=r["url"], title=r["title"], authors=_sections(r["authors"]),
        published=_dt(r["published"]), updated=_dt(r["updated"]), summary=r["summary"],
        image=r["image"], content=r["content"], tags=tuple(json.loads(r["tags"])),
        sections=_sections(r["sections"]), first_seen=_dt(r["first_seen"]), language=r["language"],
    )


def _json(items: Sequence[str]) -> str:
    return json.dumps(list(items), ensure_ascii=False)
