"""The store, on a real SQLite file and a real PostgreSQL schema (each test runs on both unless it
is about one backend): history, edits, categories, ordering, transactions, schema versions."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from feedmaker.digest import DIGEST_V2, digest, digest_v1
from feedmaker.errors import StoreError
from feedmaker.model import Article
from feedmaker.store import Store, open_store

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
URL = "https://news.example.com/world/story"


class Backend:
    """Opens the store under test, and counts what another connection sees as committed."""

    def __init__(self, kind: str, where: str) -> None:
        self.kind, self.where = kind, where

    def open(self) -> Store:
        return open_store(self.where)

    def committed(self) -> int:
        if self.kind == "sqlite":
            with sqlite3.connect(self.where) as other:
                return int(other.execute("SELECT count(*) FROM articles").fetchone()[0])
        import psycopg

        with psycopg.connect(self.where) as other:
            return int(other.execute("SELECT count(*) FROM articles").fetchone()[0])  # type: ignore[index]


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if request.param == "sqlite":
        return Backend("sqlite", str(tmp_path / "s.sqlite"))
    return Backend("postgresql", request.getfixturevalue("postgres"))


def _article(**kw: object) -> Article:
    base = {"url": URL, "title": "A story", "content": '<p>Text <img src="https://cdn/x.jpg?sig=A"></p>',
            "tags": ("Gaza",), "published": T0}
    base.update(kw)
    return Article(**base)  # type: ignore[arg-type]


def test_markup_only_changes_are_not_edits(backend: Backend) -> None:
    with backend.open() as store:
        assert store.save_article("x", _article(), sections=["world"], now=T0).new
        again = store.save_article("x", _article(content='<p>Text <img src="https://cdn/x.jpg?sig=B"></p>'),
                                   now=T0 + timedelta(hours=1))
        assert not again.changed
        edited = store.save_article("x", _article(content="<p>Text, corrected</p>"),
                                    now=T0 + timedelta(hours=2))
        assert edited.changed
        [entry] = store.entries("x", "all", 10)
        assert entry.updated == T0 + timedelta(hours=2) and entry.published == T0


def test_digests_ignore_markup_and_entities_but_not_words() -> None:
    base = digest(_article(content="<p>Fish &amp; chips</p><ul><li>one</li></ul>"))
    assert digest(_article(content='<p class="x">Fish &amp;  chips</p>\n<ul><li>one</li></ul>')) == base
    assert digest(_article(content="<p>Fish & chips</p> <ul><li>one</li></ul>")) == base
    assert digest(_article(content="<p>Fish &amp; chips</p><ul><li>two</li></ul>")) != base
    assert digest(_article(title="Another story", content="<p>Fish &amp; chips</p>")) != \
        digest(_article(content="<p>Fish &amp; chips</p>"))


def test_a_new_articles_digest_is_made_at_its_first_refetch_and_still_sees_edits(
        backend: Backend) -> None:
    with backend.open() as store:
        store.save_article("x", _article(), sections=["world"], now=T0)
        assert store.db.execute("SELECT digest FROM articles").fetchone()[0] == ""  # not yet
        # Markup-only differences are no edit, measured against the stored body.
        same = _article(content=_article().content.replace("<p>", '<p class="lead">'))  # type: ignore[union-attr]
        assert not store.save_article("x", same, now=T0 + timedelta(hours=1)).changed
        assert store.db.execute("SELECT digest FROM articles").fetchone()[0] == digest(same)
        store.save_article("x", _article(url=URL + "-2", title="Other"), now=T0)
        edited = _article(url=URL + "-2", title="Other", content="<p>Other words</p>")
        assert store.save_article("x", edited, now=T0 + timedelta(hours=2)).changed


def test_a_state_file_with_old_digests_sees_no_edits_and_moves_to_new_ones(backend: Backend) -> None:
    with backend.open() as store:
        store.save_article("x", _article(), sections=["world"], now=T0)
        old = digest_v1(_article())
        assert not old.startswith(DIGEST_V2)
        store.db.execute("UPDATE articles SET digest = ?", (old,))  # as an older feedmaker left it
        again = store.save_article("x", _article(), now=T0 + timedelta(hours=1))
        assert not again.changed
        assert store.db.execute("SELECT digest FROM articles").fetchone()[0] == digest(_article())
        store.db.execute("UPDATE articles SET digest = ?", (old,))
        assert store.save_article("x", _article(content="<p>New text</p>"),
                                  now=T0 + timedelta(hours=2)).changed


def test_a_tags_only_change_updates_the_categories_everywhere(backend: Backend) -> None:
    with backend.open() as store:
        store.save_article("x", _article(), sections=["world"], now=T0)
        saved = store.save_article("x", _article(tags=("Gaza", "Lebanon")), now=T0)
        assert not saved.changed
        assert {"all", "sections/world", "tags/gaza", "tags/lebanon"} <= saved.feeds
        for feed in ("all", "tags/gaza", "tags/lebanon"):
            assert store.entries("x", feed, 10)[0].tags == ("Gaza", "Lebanon")


def test_an_article_keeps_its_place_when_a_page_later_shows_another_date(backend: Backend) -> None:
    with backend.open() as store:
        store.save_article("x", _article(), sections=["world"], now=T0)
        store.save_article("x", _article(url=URL + "-2", title="Other", published=T0 + timedelta(hours=1)),
                           sections=["world"], now=T0)
        store.save_article("x", _article(published=T0 + timedelta(days=3), tags=("Gaza", "New")), now=T0)
        for feed in ("all", "tags/new"):
            assert store.entries("x", feed, 10)[-1 if feed == "all" else 0].url == URL
        assert [a.url for a in store.entries("x", "all", 10)] == [URL + "-2", URL]


def test_aliases_map_listing_urls_to_the_article(backend: Backend) -> None:
    with backend.open() as store:
        store.save_article("x", _article(), aliases=[URL + "?id=7"], now=T0)
        known = store.known("x", [URL, URL + "?id=7", URL + "-unknown"])
        assert set(known) == {URL, URL + "?id=7"} and known[URL + "?id=7"].url == URL


def test_grouped_saves_share_commits_and_a_failing_one_undoes_only_itself(backend: Backend) -> None:
    with backend.open() as store:
        with store.grouped():
            store.save_article("x", _article(url=f"{URL}-1"), now=T0)
            try:
                with store.transaction():
                    store.save_article("x", _article(url=f"{URL}-2"), now=T0)
                    raise RuntimeError("the page was bad after all")
            except RuntimeError:
                pass
            store.save_article("x", _article(url=f"{URL}-3"), now=T0)
            assert backend.committed() == 0  # not committed yet
        assert backend.committed() == 2
        assert [a.url for a in store.entries("x", "all", 10)] == [f"{URL}-3", f"{URL}-1"]


def test_a_long_group_commits_as_it_goes(backend: Backend, monkeypatch: pytest.MonkeyPatch) -> None:
    from feedmaker import store as store_module

    monkeypatch.setattr(store_module, "GROUP_SECONDS", 0.0)
    with backend.open() as store, store.grouped():
        store.save_article("x", _article(url=f"{URL}-1"), now=T0)
        assert backend.committed() == 1
        with store.grouped():  # another site's run, overlapping
            store.save_article("x", _article(url=f"{URL}-2"), now=T0)
        assert backend.committed() == 2
        with pytest.raises(RuntimeError), store.transaction():  # no commit inside a step
            store.save_article("x", _article(url=f"{URL}-3"), now=T0)
            raise RuntimeError("undo")
        assert backend.committed() == 2 and len(store.entries("x", "all", 10)) == 2


def test_a_schema_4_state_file_moves_to_validators_per_site(tmp_path: Path) -> None:
    import sqlite3

    from feedmaker.schema import MIGRATIONS

    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as old:  # as feedmaker left it before validators had a site
        for migration in MIGRATIONS[:4]:
            old.executescript(migration)
        old.execute("PRAGMA user_version = 4")
        old.execute("INSERT INTO validators VALUES ('https://x/news', '\"abc\"', NULL)")
    with Store(path) as store:
        assert store.validators("x", "https://x/news") == (None, None)  # fetched in full once
        store.save_validators("x", "https://x/news", '"def"', None)
        store.save_validators("y", "https://x/news", '"ghi"', None)
        assert store.validators("x", "https://x/news") == ('"def"', None)
        assert store.validators("y", "https://x/news") == ('"ghi"', None)
        tables = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "validators" not in tables
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def test_saves_sqlite_undid_itself_end_the_group_in_an_error_not_silence(tmp_path: Path) -> None:
    """SQLite rolls a whole transaction back on a full disk or an I/O error; a trigger that
    raises ROLLBACK does the same here."""
    from feedmaker.errors import StoreError

    with Store(tmp_path / "s.sqlite") as store:
        store.db.execute("CREATE TEMP TRIGGER full_disk BEFORE INSERT ON main.articles"
                         " WHEN NEW.title = 'boom' BEGIN SELECT RAISE(ROLLBACK, 'disk full'); END")
        with pytest.raises(StoreError, match="rolled back"), store.grouped():
            store.save_article("x", _article(url=f"{URL}-1", tags=("Politics",)), now=T0)
            with pytest.raises(sqlite3.IntegrityError, match="disk full"):
                store.save_article("x", _article(url=f"{URL}-2", title="boom"), now=T0)
            assert not store._slugs  # the undone tag row is not remembered
            store.save_article("x", _article(url=f"{URL}-3", tags=("Politics",)), now=T0)
        assert [a.url for a in store.entries("x", "all", 10)] == [f"{URL}-3"]
        assert store.tag_names("x") == {"politics": "Politics"}


def test_a_commit_that_fails_leaves_no_transaction_open(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        store.db.execute("PRAGMA defer_foreign_keys = ON")  # the violation surfaces at COMMIT
        with pytest.raises(sqlite3.IntegrityError), store.grouped():
            store.save_article("x", _article(url=f"{URL}-1"), now=T0)
            store.db.execute("INSERT INTO aliases VALUES ('x', 'https://ghost', 999)")
        assert not store.db.in_transaction
        store.save_article("x", _article(url=f"{URL}-2"), now=T0)
        with store.grouped():
            store.save_article("x", _article(url=f"{URL}-3"), now=T0)
        assert {a.url for a in store.entries("x", "all", 10)} == {f"{URL}-2", f"{URL}-3"}


def test_a_schema_6_state_file_keeps_its_authors_as_a_list(tmp_path: Path) -> None:
    from feedmaker.schema import MIGRATIONS

    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as old:
        for migration in MIGRATIONS[:6]:
            old.executescript(migration)
        old.execute("PRAGMA user_version = 6")
        for i, author in enumerate(("Jane Roe", None)):
            old.execute("INSERT INTO articles (site, url, title, author, first_seen, fetched, digest)"
                        " VALUES ('x', ?, 't', ?, ?, ?, '')",
                        (f"{URL}/{i}", author, T0.isoformat(), T0.isoformat()))
    with Store(path) as store:
        found = store.articles([1, 2])
        assert found[1].authors == ("Jane Roe",) and found[2].authors == ()
        assert found[1].language is None
        saved = store.save_article("x", _article(url=f"{URL}/1", authors=("Ann Lee", "Bo Park"),
                                                 language="en-GB"), now=T0)
        assert not saved.new
        again = store.articles([2])[2]
        assert again.authors == ("Ann Lee", "Bo Park") and again.language == "en-GB"


def test_tag_slugs_are_fixed_once_given_and_suffixed_when_alike(backend: Backend) -> None:
    with backend.open() as store:
        store.save_article("x", _article(url=f"{URL}-1", tags=("Côte d'Ivoire",)), now=T0)
        store.save_article("x", _article(url=f"{URL}-2", tags=("Cote d Ivoire",)), now=T0)
        store.save_article("x", _article(url=f"{URL}-3", tags=("COTE-D-IVOIRE",)), now=T0)
    with backend.open() as store:  # a new connection resumes the suffixes where they were
        store.save_article("x", _article(url=f"{URL}-4", tags=("Cote.d.Ivoire",)), now=T0)
        names = store.tag_names("x")
    assert sorted(names) == ["cote-d-ivoire", "cote-d-ivoire-2", "cote-d-ivoire-3", "cote-d-ivoire-4"]
    assert names["cote-d-ivoire"] == "Côte d'Ivoire"


def test_validators_runs_failures_pending_and_fingerprints_round_trip(backend: Backend) -> None:
    from feedmaker.store import RunRecord

    with backend.open() as store:
        store.save_validators("x", "https://x/news", '"e1"', "Wed, 01 May 2024 12:00:00 GMT")
        store.save_validators("x", "https://x/news", '"e2"', None)
        assert store.validators("x", "https://x/news") == ('"e2"', None)
        for i in range(205):
            store.record_run(RunRecord("x", T0, T0 + timedelta(seconds=i), i % 2 == 0,
                                       "ok" if i % 2 == 0 else "failing", None if i % 2 == 0 else "e", i))
        runs = store.last_runs("x", 300)
        assert len(runs) == 200 and runs[0].new_articles == 204 and runs[0].ok
        first = store.record_failure("x", URL, ["world"], "Listed", "HTTP 500", T0)
        second = store.record_failure("x", URL, ["world"], "Listed", "HTTP 500", T0)
        assert (first.count, first.next_try, second.count) == (1, T0, 2)
        assert second.next_try == T0 + timedelta(seconds=900)
        assert store.failures("x")[URL].sections == ("world",)
        store.clear_failure("x", URL)
        assert store.failures("x") == {}
        saved = store.save_article("x", _article(), sections=["world"], now=T0)
        assert store.pending("x") == set(saved.feeds)
        store.clear_pending("x", saved.feeds)
        assert store.pending("x") == set()
        assert store.fingerprint("x") is None
        store.set_fingerprint("x", "a")
        store.set_fingerprint("x", "b")
        assert store.fingerprint("x") == "b"
        assert store.feeds("x") == sorted(saved.feeds)
        assert store.all_feed_stats()["x"]["all"][0] == 1 and store.article_count("x") == 1
        store.save_article("y", _article(tags=("Gaza", "Rafah")), now=T0)  # another site's own
        stats, names = store.all_feed_stats(), store.all_tag_names()
        assert stats["x"]["all"][0] == 1 and stats["y"]["tags/rafah"] == (1, T0)
        assert names == {"x": store.tag_names("x"), "y": {"gaza": "Gaza", "rafah": "Rafah"}}
        assert store.add_sections("x", URL, ["health"]) >= {"sections/health", "all"}
        assert store.known_tags("x", ["gaza", "other"]) == {"gaza"}


def test_rule_health_keeps_the_best_count_while_the_rule_is_the_same(backend: Backend) -> None:
    from feedmaker.store import HealthRow

    with backend.open() as store:
        store.save_rule_health("x", [HealthRow("links", "World", 10, 10, {"rule": 10}, "a.x", 10),
                                     HealthRow("field", "title", 5, 5, {}, None, 5)], T0)
        store.save_rule_health("x", [HealthRow("links", "World", 3, 3, {"rule": 3}, "a.x", 3)], T0)
        rows = store.rule_health("x")
        assert [(r.kind, r.name, r.rule_hits, r.ever) for r in rows] == \
            [("field", "title", 5, 5), ("links", "World", 3, 10)]
        store.save_rule_health("x", [HealthRow("links", "World", 2, 2, {}, "b.x", 2)], T0)
        assert store.rule_health("x")[1].ever == 2  # a new rule starts its own record


def test_a_newer_schema_is_refused_and_left_as_it_was(backend: Backend) -> None:
    with backend.open() as store:
        store.save_article("x", _article(), now=T0)
        if backend.kind == "sqlite":
            store.db.execute("PRAGMA user_version = 99")
        else:
            store.db.execute("UPDATE feedmaker_schema SET version = 99")
    with pytest.raises(StoreError, match=r"newer feedmaker \(schema 99\)"):
        backend.open()
    assert backend.committed() == 1


def test_a_lost_connection_ends_the_group_in_a_store_error_keeping_what_was_committed(
        postgres: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import psycopg

    from feedmaker import store as store_module

    monkeypatch.setattr(store_module, "GROUP_SECONDS", 0.0)
    backend = Backend("postgresql", postgres)
    with backend.open() as store, pytest.raises(StoreError), store.grouped():
        store.save_article("x", _article(url=f"{URL}-1"), now=T0)  # committed: GROUP_SECONDS 0
        pid = store.db.execute("SELECT pg_backend_pid()").fetchone()[0]
        with psycopg.connect(postgres, autocommit=True) as other:
            other.execute("SELECT pg_terminate_backend(%s)", (pid,))
        store.save_article("x", _article(url=f"{URL}-2"), now=T0)
    assert backend.committed() == 1


def test_an_unreachable_server_is_one_line_naming_the_setting_without_the_password() -> None:
    with pytest.raises(StoreError) as caught:
        open_store("postgresql://feedmaker:s3cret@127.0.0.1:1/feeds")
    text = str(caught.value)
    assert text.startswith("state = 'postgresql://***@127.0.0.1:1/feeds': cannot connect")
    assert "s3cret" not in text and "\n" not in text


def test_executemany_of_an_insert_ignoring_conflicts_is_one_statement_on_both(
        backend: Backend) -> None:
    """On PostgreSQL such an INSERT becomes one statement of many rows (store_pg._multirow); a
    row met twice, or one already there, is skipped as executemany skips it, and the count is
    the rows added."""
    from feedmaker.store_pg import MULTIROW_MAX, _multirow

    assert _multirow("INSERT INTO t (a, b) VALUES (?,?) ON CONFLICT DO NOTHING", 3) == \
        "INSERT INTO t (a, b) VALUES (?,?),(?,?),(?,?) ON CONFLICT DO NOTHING"
    assert _multirow("INSERT INTO t (a) VALUES (?) ON CONFLICT (a) DO UPDATE SET a = excluded.a", 3) \
        is None
    assert _multirow("INSERT INTO t (a) VALUES (?) ON CONFLICT DO NOTHING", MULTIROW_MAX + 1) is None
    upsert = "INSERT INTO t (a, b, c) VALUES (?,?,now()) ON CONFLICT (a) DO UPDATE SET b = excluded.b"
    assert _multirow(upsert, 2) is None  # unless the caller vouches that no key comes twice:
    assert _multirow(upsert, 2, distinct=True) == \
        "INSERT INTO t (a, b, c) VALUES (?,?,now()),(?,?,now()) ON CONFLICT (a) DO UPDATE SET b = excluded.b"
    insert = "INSERT INTO pending (site, feed) VALUES (?,?) ON CONFLICT DO NOTHING"
    with backend.open() as store:
        store.db.execute(insert, ("x", "all"))
        added = store.db.executemany(insert, [("x", "all"), ("x", "tags/a"), ("x", "tags/a"),
                                              ("x", "tags/b")])
        assert added.rowcount == 2
        many = [("y", f"tags/{i}") for i in range(MULTIROW_MAX + 5)]  # over the cap: executemany
        assert store.db.executemany(insert, many).rowcount == len(many)
        assert store.pending("x") == {"all", "tags/a", "tags/b"}
        assert len(store.pending("y")) == len(many)
