"""`feedmaker build` end to end against the sample site over real HTTP, feeds read back with feedparser."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import parse_feed, run_cli, write_config

from feedmaker.build import build
from feedmaker.config import load_config
from sample_site.server import SampleSite


def _build(path: Path, **kw: object):  # type: ignore[no-untyped-def]
    return asyncio.run(build(load_config(path), **kw))  # type: ignore[arg-type]


def _snapshot(out: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(out)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(out.rglob("*")) if p.is_file()}


def test_cli_build_writes_every_feed_and_they_parse(site: SampleSite, config_path: Path) -> None:
    proc = run_cli("-c", str(config_path), "build")
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"1 site\(s\), 4 section\(s\), \d+ new article\(s\)", proc.stderr)
    out = config_path.parent / "feeds"
    for name in ("all", "sections/health", "sections/politics", "sections/opinion",
                 "sections/analysis", "tags/cell-therapy", "tags/cancer"):
        for fmt in ("atom", "rss"):
            parse_feed(out / "sample" / f"{name}.{fmt}")
        data = json.loads((out / "sample" / f"{name}.json").read_text())
        assert data["version"] == "https://jsonfeed.org/version/1.1" and data["items"]
    assert (out / "index.html").read_text().count('rel="alternate"') >= 10
    opml = (out / "feeds.opml").read_text()
    assert "http://localhost:8080/sample/tags/cell-therapy.atom" in opml
    # every file under sample/ is a feed of one of the three kinds
    for p in (out / "sample").rglob("*"):
        if p.is_file():
            assert p.suffix in (".atom", ".rss", ".json"), p


def test_entry_fields(site: SampleSite, config_path: Path) -> None:
    _build(config_path)
    out = config_path.parent / "feeds" / "sample"
    atom = parse_feed(out / "tags/cell-therapy.atom")
    assert atom.feed.title == "Sample Mayadeen — Cell Therapy"
    assert any(link.rel == "self" and link.href == "http://localhost:8080/sample/tags/cell-therapy.atom"
               for link in atom.feed.links)
    entry = atom.entries[0]
    assert entry.id.startswith(site.url) and entry.id == entry.link
    assert "utm_" not in entry.id and "#" not in entry.id
    assert entry.title and entry.author and entry.summary
    assert entry.published_parsed and entry.updated_parsed
    assert "Cell Therapy" in {t.term for t in entry.tags}
    assert "Health" in {t.term for t in entry.tags}  # its section is a category too
    assert any(link.rel == "enclosure" and link.href.startswith("http") for link in entry.links)
    content = entry.content[0].value
    assert "<p>" in content
    rss = parse_feed(out / "tags/cell-therapy.rss")
    item = rss.entries[0]
    assert item.id == entry.id and item.media_thumbnail[0]["url"].startswith("http")
    assert item.published_parsed == entry.published_parsed


def test_each_author_is_a_person_and_feeds_carry_the_language(site: SampleSite,
                                                              config_path: Path) -> None:
    _build(config_path)
    out = config_path.parent / "feeds" / "sample"
    atom = parse_feed(out / "all.atom")
    entry = next(e for e in atom.entries if e.link.endswith("/ai-and-ethics-who-writes-the-rules"))
    assert [a.name for a in entry.authors] == ["Daniel Mwangi", "Maya Khoury"]
    rss = (out / "all.rss").read_text()
    assert "<dc:creator>Daniel Mwangi</dc:creator>" in rss
    assert "<dc:creator>Maya Khoury</dc:creator>" in rss
    item = next(i for i in json.loads((out / "all.json").read_text())["items"]
                if i["url"] == entry.link)
    assert item["authors"] == [{"name": "Daniel Mwangi"}, {"name": "Maya Khoury"}]
    # the sample pages say <html lang="en">: every format says so
    assert atom.feed.language == "en"
    assert parse_feed(out / "all.rss").feed.language == "en"
    assert json.loads((out / "all.json").read_text())["language"] == "en"


def test_a_configured_language_wins(site: SampleSite, tmp_path: Path) -> None:
    path = write_config(tmp_path, site.url, replace={'name = "Sample Mayadeen"':
                                                     'name = "Sample Mayadeen"\nlanguage = "en-GB"'})
    _build(path)
    assert parse_feed(tmp_path / "feeds" / "sample" / "all.atom").feed.language == "en-GB"


def test_content_is_clean_and_absolute(site: SampleSite, config_path: Path) -> None:
    _build(config_path)
    out = config_path.parent / "feeds" / "sample"
    data = json.loads((out / "all.json").read_text())
    bodies = [item.get("content_html", "") for item in data["items"]]
    joined = "\n".join(bodies)
    assert bodies and all(bodies)
    for bad in ("<script", "<iframe", "<style", "javascript:", "onclick", "class=\"ad\"",
                "class=\"share\""):
        assert bad not in joined, bad
    for url in re.findall(r'(?:href|src)="([^"]*)"', joined):
        assert url.startswith(("http://", "https://")), url
    for srcset in re.findall(r'srcset="([^"]*)"', joined):
        for candidate in srcset.split(","):
            assert candidate.strip().startswith("http"), srcset
    assert "data:image" not in joined  # lazy placeholders were replaced by data-src
    assert "ساعة" in joined and "–" in joined  # Arabic and en dash survive
    assert "\x0b" not in (out / "all.atom").read_text()


def test_history_dedup_and_fetch_once(site: SampleSite, config_path: Path) -> None:
    _build(config_path)
    out = config_path.parent / "feeds" / "sample"
    first = {e.id for e in parse_feed(out / "all.atom").entries}
    health = parse_feed(out / "sections/health.atom").entries
    assert len({e.id for e in health}) == len(health)  # ?ref=home and #comments variants merged
    gone = site.article_paths("health")[0]
    site.remove_from_listing(gone)
    site.clear_log()
    _build(config_path)
    # known articles are not fetched again: only section pages (and robots.txt) were requested
    article_gets = [r.path for r in site.requests
                    if re.match(r"^/(news|articles)/[^/]+/[^/?]+", r.path)]
    assert article_gets == []
    again = {e.id for e in parse_feed(out / "all.atom").entries}
    assert site.url.rstrip("/") + gone in again and first <= again
    assert any(e.id.endswith(gone) for e in parse_feed(out / "sections/health.atom").entries)


def test_rebuild_with_nothing_new_is_byte_identical_and_untouched(site: SampleSite,
                                                                   config_path: Path) -> None:
    _build(config_path)
    out = config_path.parent / "feeds"
    before = _snapshot(out)
    site.clear_log()
    result = _build(config_path)
    assert result.ok and sum(r.feeds_written for r in result.sites) == 0
    assert _snapshot(out) == before
    # Even when the section pages are re-read in full (no validators), nothing changes.
    db = sqlite3.connect(config_path.parent / "feedmaker.sqlite")
    db.execute("DELETE FROM site_validators")
    db.commit()
    db.close()
    _build(config_path)
    assert _snapshot(out) == before


def test_new_article_arrives_in_its_tag_and_section_feeds(site: SampleSite, config_path: Path) -> None:
    _build(config_path)
    out = config_path.parent / "feeds" / "sample"
    path = site.publish("health", "Gene therapy trial reports early success",
                        ["Cell Therapy", "Gene Editing"])
    result = _build(config_path)
    assert result.sites[0].new == 1
    for feed in ("tags/cell-therapy", "tags/gene-editing", "sections/health", "all"):
        ids = [e.id for e in parse_feed(out / f"{feed}.atom").entries]
        assert ids[0].endswith(path), feed
        assert len(ids) == len(set(ids))


def test_edited_article_keeps_id_and_gets_new_updated(site: SampleSite, config_path: Path) -> None:
    _build(config_path)
    out = config_path.parent / "feeds" / "sample"
    path = site.article_paths("health")[1]
    old = next(e for e in parse_feed(out / "all.atom").entries if e.id.endswith(path))
    site.edit(path, title="Corrected: " + old.title)
    _build(config_path)
    entries = [e for e in parse_feed(out / "all.atom").entries if e.id.endswith(path)]
    assert len(entries) == 1
    assert entries[0].title == "Corrected: " + old.title
    assert entries[0].updated_parsed > old.updated_parsed
    assert entries[0].published_parsed == old.published_parsed


def test_dates_use_site_timezone_and_first_seen(site: SampleSite, tmp_path: Path) -> None:
    config = write_config(tmp_path, site.url)
    # No metadata: the page shows only "24 Nov 2022 20:32", Beirut time (+02:00), with no zone.
    path = site.catalog.publish("politics", "Talks resume in Doha", ["Qatar"], features=(),
                                date=datetime(2022, 11, 24, 18, 32, tzinfo=UTC))
    clock_value = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    _build(config, clock=lambda: clock_value)
    feed = json.loads((tmp_path / "feeds/sample/all.json").read_text())
    item = next(i for i in feed["items"] if i["id"].endswith(path))
    assert item["date_published"] == "2022-11-24T18:32:00Z"
    # an article with no date anywhere is dated when first seen, and keeps that date
    undated = [i for i in feed["items"] if i["date_published"] == "2030-01-02T03:04:05Z"]
    assert undated, "the sample site has an article without any date"
    later = clock_value + timedelta(days=3)
    _build(config, clock=lambda: later)
    feed2 = json.loads((tmp_path / "feeds/sample/all.json").read_text())
    assert [i["date_published"] for i in feed2["items"]] == [i["date_published"] for i in feed["items"]]


def test_hostile_tag_names_get_safe_distinct_slugs(site: SampleSite, config_path: Path) -> None:
    tags = ["../../etc/passwd", "CON", "x" * 300, "Cell Therapy", "cell-therapy", "Côte d'Ivoire"]
    site.publish("health", "A story with hostile tags", tags)
    _build(config_path)
    out = (config_path.parent / "feeds").resolve()
    files = [p for p in out.rglob("*") if p.is_file()]
    assert all(out in p.resolve().parents for p in files)
    tag_files = {p.name for p in (out / "sample/tags").iterdir()}
    assert "con.atom" not in {n.lower() for n in tag_files}
    assert all(len(n.encode()) <= 210 for n in tag_files)
    assert "cell-therapy.atom" in tag_files
    assert len([n for n in tag_files if n.startswith("cell-therapy") and n.endswith(".atom")]) == 2
    assert not (config_path.parent / "etc").exists()


def test_robots_disallowed_article_is_skipped(site: SampleSite, config_path: Path) -> None:
    result = _build(config_path)
    assert result.sites[0].skipped >= 1
    assert site.count(path_prefix="/news/politics/secret-") == 0
    ids = [e.id for e in parse_feed(config_path.parent / "feeds/sample/all.atom").entries]
    assert not any("secret-" in i for i in ids)


def test_user_agent_is_sent(site: SampleSite, config_path: Path) -> None:
    _build(config_path)
    agents = {r.headers.get("User-Agent") or r.headers.get("user-agent") for r in site.requests}
    assert len(agents) == 1 and agents.pop().startswith("feedmaker/")


def test_failing_section_is_reported_and_others_still_built(site: SampleSite, config_path: Path) -> None:
    site.set_fault("/news/politics", "status", code=404)
    proc = run_cli("-c", str(config_path), "build")
    assert proc.returncode == 1
    assert "Politics" in proc.stderr and "404" in proc.stderr
    out = config_path.parent / "feeds/sample"
    assert parse_feed(out / "sections/health.atom").entries
    assert not (out / "sections/politics.atom").exists()


def test_previous_feeds_survive_a_failing_run(site: SampleSite, config_path: Path) -> None:
    _build(config_path)
    out = config_path.parent / "feeds"
    before = _snapshot(out)
    site.set_fault("/*", "status", code=500)
    result = _build(config_path)
    assert not result.ok
    after = _snapshot(out)
    assert {k: v for k, v in after.items() if k.startswith("sample/")} == \
        {k: v for k, v in before.items() if k.startswith("sample/")}


def test_unreachable_site_fails_alone(site: SampleSite, tmp_path: Path) -> None:
    extra = ('[sites.dead]\nurl = "http://127.0.0.1:9/"\ntimeout = "2s"\n'
             '[sites.dead.sections]\nNews = "/news"\n')
    config = write_config(tmp_path, site.url, extra=extra.replace('timeout = "2s"\n', ""))
    proc = run_cli("-c", str(config), "build")
    assert proc.returncode == 1
    assert "dead" in proc.stderr
    assert parse_feed(tmp_path / "feeds/sample/all.atom").entries


def test_section_with_no_matching_links_is_an_error(site: SampleSite, tmp_path: Path) -> None:
    config = write_config(tmp_path, site.url, replace={
        "include = '^/(news|articles)/[^/]+/[^/?#]+$'": "include = '^/nothing-matches/'"})
    proc = run_cli("-c", str(config), "build")
    assert proc.returncode == 1
    assert "no article links matched" in proc.stderr
    assert not (tmp_path / "feeds/sample/sections/health.atom").exists()


@pytest.mark.parametrize(("old", "new", "key", "problem"), [
    ("max_items = 50", "max_items = 50\nbogus = 1", "sites.sample.bogus", "unknown key"),
    ('published = "time@datetime"', 'published = "time@"', "sites.sample.article.published",
     "bad selector"),
    ("include = '^/(news|articles)/[^/]+/[^/?#]+$'", "include = '(unclosed'",
     "sites.sample.links.include", "bad regex"),
    ('interval = "15m"', 'interval = "soon"', "sites.sample.interval", "bad duration"),
    ("max_items = 50", 'max_items = "ten"', "sites.sample.max_items", "expected int"),
    ('selector = "a[href]"', 'selector = "a[[href"', "sites.sample.links.selector", "bad selector"),
    ("max_items = 50", 'max_items = 50\nlanguage = "English"', "sites.sample.language",
     "expected a language tag"),
])
def test_bad_config_is_refused_before_any_request(site: SampleSite, tmp_path: Path, old: str,
                                                 new: str, key: str, problem: str) -> None:
    config = write_config(tmp_path, site.url, replace={old: new})
    site.clear_log()
    proc = run_cli("-c", str(config), "build")
    assert proc.returncode == 2, proc.stderr
    assert str(config) in proc.stderr and key in proc.stderr and problem in proc.stderr
    assert site.requests == []


def test_missing_config_file(tmp_path: Path) -> None:
    proc = run_cli("-c", str(tmp_path / "nope.toml"), "build")
    assert proc.returncode == 2 and "nope.toml" in proc.stderr


def test_check_shows_links_and_field_sources(site: SampleSite, config_path: Path) -> None:
    proc = run_cli("-c", str(config_path), "check", "sample")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "section 'Health'" in out and "article links" in out
    assert "selector h1" in out and "selector .tags a" in out
    undated = next(p for p in site.article_paths() if "election-observers" in p)
    proc = run_cli("-c", str(config_path), "check", "sample", site.url.rstrip("/") + undated)
    assert "first-seen" in proc.stdout


def test_every_command_has_help() -> None:
    from feedmaker.cli import main

    assert set(main.commands) == {"build", "check", "init", "run", "serve", "worker", "export", "migrate"}
    for command in main.commands:
        proc = run_cli(command, "--help")
        assert proc.returncode == 0 and "Usage:" in proc.stdout
        assert main.commands[command].help, command


def test_a_failing_article_is_retried_then_backs_off_and_is_not_lost(site: SampleSite,
                                                                    config_path: Path) -> None:
    _build(config_path)
    path = site.publish("health", "An article that fails at first", ["Retry"])
    site.set_fault(path, "status", code=500)
    t0 = datetime(2030, 1, 1, tzinfo=UTC)
    first = _build(config_path, clock=lambda: t0).sites[0]
    assert first.ok and any(path in e for e in first.article_errors)  # skipped, not a site failure
    site.clear_log()
    second = _build(config_path, clock=lambda: t0 + timedelta(minutes=1)).sites[0]
    assert site.count(path=path) == 1 and second.article_errors  # retried at once: still failing
    assert site.count(status=304) == 4  # the sections themselves are unchanged
    site.clear_log()
    _build(config_path, clock=lambda: t0 + timedelta(minutes=2))
    assert site.count(path=path) == 0  # backing off now, even though its section lists it
    site.clear_faults()
    site.clear_log()
    _build(config_path, clock=lambda: t0 + timedelta(minutes=20))  # due again; every section 304
    assert site.count(path=path) == 1 and site.count(status=304) == 4
    ids = [e.id for e in parse_feed(config_path.parent / "feeds/sample/tags/retry.atom").entries]
    assert ids == [site.origin + path]


def test_a_site_added_later_on_the_same_pages_gets_every_article(site: SampleSite,
                                                                 tmp_path: Path) -> None:
    """Validators belong to the site that stored them: a second site over the same section pages
    must not send the first one's ETags, get 304s, and never see the articles."""
    config = write_config(tmp_path, site.url)
    assert asyncio.run(build(load_config(config))).ok
    text = config.read_text()
    twin = "\n".join(line.replace("sites.sample", "sites.twin")
                     for line in text[text.index("[sites.sample]"):].splitlines())
    config.write_text(text + "\n" + twin + "\n")
    site.clear_log()
    result = asyncio.run(build(load_config(config)))
    assert result.ok, [r.problems for r in result.sites]
    want = {e.link for e in parse_feed(tmp_path / "feeds/sample/all.atom").entries}
    got = {e.link for e in parse_feed(tmp_path / "feeds/twin/all.atom").entries}
    assert got == want and len(got) >= 30
    # and the first site still polls conditionally
    assert site.count(status=304) >= 4


@pytest.mark.parametrize(("budget", "largest", "spill"), [
    (1, 32768, True), (40_000, 32768, True), (20_000, 2_500, True), (1, 32768, False),
    (20_000, 2_500, False)])
def test_entries_reused_across_feeds_give_the_same_bytes(site: SampleSite, config_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         budget: int, largest: int,
                                                         spill: bool) -> None:
    """Publishing reads full rows only for entries it has not rendered yet. With a memory
    budget too small for a site's entries (evictions inside a feed) or entries too long to keep
    in memory, they go to the cache's temporary file and each article is still read and
    rendered once; when that file cannot be written (`spill` False: a full disk), they are
    read and rendered again. Either way every file is byte for byte what an unbounded cache
    writes."""
    import dataclasses
    import functools
    import tempfile

    from feedmaker import publish
    from feedmaker.render import EntryCache
    from feedmaker.store import Store

    _build(config_path)
    config = load_config(config_path)
    sample = config.sites["sample"]
    reused = []
    real_articles = Store.articles

    def counting(self: Store, ids: list[int]) -> dict[int, object]:
        reused.append(len(ids))
        return real_articles(self, ids)  # type: ignore[return-value]

    def disk_full(*args: object, **kwargs: object) -> object:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Store, "articles", counting)
    outputs = {}
    for label, cache in (("unbounded", functools.partial(EntryCache, budget=1 << 40)),
                         ("small", functools.partial(EntryCache, budget=budget,
                                                     largest=largest))):
        out = config_path.parent / label
        monkeypatch.setattr(publish, "EntryCache", cache)
        if label == "small" and not spill:
            monkeypatch.setattr(tempfile, "TemporaryFile", disk_full)
        with Store(config.state) as store:
            feeds = store.feeds("sample")
            written = publish.publish_site(sample, dataclasses.replace(config, out_dir=out),
                                           store, feeds)
            members = [m for f in feeds for m in store.members("sample", f, sample.max_items)]
        assert written == 3 * len(feeds)
        outputs[label] = _snapshot(out)
        loaded, reused[:] = sum(reused), []
        if label == "unbounded" or spill:  # each article read once, however many feeds it is in
            assert loaded == len(set(members)) < len(members)
        else:
            assert loaded > len(set(members))  # evicted entries were read and rendered again
    assert {k: v[0] for k, v in outputs["small"].items()} == \
        {k: v[0] for k, v in outputs["unbounded"].items()}
