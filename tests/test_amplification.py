"""A build writes a small multiple of what it downloads: content per entry, tags per article
and new tags per poll are capped, tag slugs are assigned in linear time, and /metrics reports
out_dir's size."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from conftest import parse_feed, write_config
from feedcheck import check_out_dir

from feedmaker.build import build
from feedmaker.config import load_config
from feedmaker.health import dir_bytes
from feedmaker.limits import cap_content
from feedmaker.model import Article
from feedmaker.store import Store
from sample_site.server import SampleSite

FLOOR = 30  # bytes written per byte downloaded, at most
PARAGRAPH = "<p>" + "All work and no play makes a long article. " * 20 + "</p>\n"


def _ratio(site: SampleSite, out: Path) -> tuple[float, int, int]:
    downloaded = sum(r.bytes_sent for r in site.requests)
    written = dir_bytes(out)
    return written / downloaded, written, downloaded


def test_megabyte_articles_sharing_40_tags_stay_under_the_floor(site: SampleSite,
                                                                tmp_path: Path) -> None:
    """The shape that made 20 MB downloaded into 2.66 GB of feeds (127x; one feed 21 MB)."""
    tags = [f"Shared Tag {i}" for i in range(40)]
    body = PARAGRAPH * (1_000_000 // len(PARAGRAPH))
    paths = [site.publish("health", f"Very long story {i}", tags, body=body) for i in range(20)]
    config = load_config(write_config(tmp_path, site.url))
    site.clear_log()
    result = asyncio.run(build(config))
    assert result.ok and result.sites[0].capped >= 20
    ratio, written, downloaded = _ratio(site, config.out_dir)
    assert downloaded > 20_000_000
    assert ratio <= FLOOR, f"{written:,} bytes written for {downloaded:,} downloaded"
    feed = parse_feed(config.out_dir / "sample" / "all.atom")
    entry = next(e for e in feed.entries if e.link.endswith(paths[0]))
    content = entry.content[0].value
    assert len(content.encode()) < 110 * 1024  # the default cap, 100 KiB, and the link
    assert "The article continues on the site" in content and paths[0] in content
    assert content.count("<p>") == content.count("</p>")  # cut at a block boundary
    assert len(entry.tags) <= 21  # 20 tags and the section
    check_out_dir(config.out_dir)


def test_the_sample_site_stays_under_the_floor(site: SampleSite, tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, site.url))
    site.clear_log()
    assert asyncio.run(build(config)).ok
    ratio, written, downloaded = _ratio(site, config.out_dir)
    assert ratio <= FLOOR, f"{written:,} bytes written for {downloaded:,} downloaded"


def test_new_tags_per_poll_are_capped(site: SampleSite, tmp_path: Path) -> None:
    for i in range(5):
        site.publish("health", f"Tag storm {i}", [f"Storm {i} tag {j}" for j in range(10)])
    config = load_config(write_config(tmp_path, site.url, extra="", replace={
        'public_url = "http://localhost:8080/"': 'public_url = "http://localhost:8080/"\n'
                                                 "max_new_tags = 30\nmax_tags = 8"}))
    result = asyncio.run(build(config)).sites[0]
    assert result.ok
    with Store(config.state) as store:
        names = store.tag_names("sample")
    assert len(names) == 30  # the sample site's own tags and the storm's, 30 in all
    assert len(list((config.out_dir / "sample" / "tags").glob("*.atom"))) == 30


def test_4000_tags_sharing_a_slug_are_saved_in_linear_time(tmp_path: Path) -> None:
    """'a', 'a!', 'a!!', ... all slug to 'a'. Each new one used to try 'a-2', 'a-3', ... in
    turn: 4,000 took 30 s. Counted in SQL statements, not seconds: the old way ran ~8 million."""
    statements = [0]
    with Store(tmp_path / "s.sqlite") as store:
        store.db.set_trace_callback(lambda _: statements.__setitem__(0, statements[0] + 1))
        now = datetime(2024, 1, 1, tzinfo=UTC)
        for batch in range(40):
            tags = tuple("a" + "!" * (batch * 100 + i) for i in range(100))
            store.save_article("s", Article(url=f"https://s.test/{batch}", title="t", tags=tags),
                               now=now)
        slugs = set(store.tag_names("s"))
    assert len(slugs) == 4000 and {"a", "a-2", "a-4000"} <= slugs
    assert statements[0] < 4000 * 10, statements[0]


def test_slugs_continue_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    now = datetime(2024, 1, 1, tzinfo=UTC)
    for n, tags in enumerate([("Cell", "cell!"), ("CELL?", "cell 2"), ("cell!!",)]):
        with Store(path) as store:
            store.save_article("s", Article(url=f"https://s.test/{n}", title="t", tags=tags),
                               now=now)
    with sqlite3.connect(path) as db:
        rows = dict(db.execute("SELECT name, slug FROM tags"))
    assert rows == {"Cell": "cell", "cell!": "cell-2", "CELL?": "cell-3", "cell 2": "cell-2-2",
                    "cell!!": "cell-4"}


def test_cap_content_cuts_at_a_block_and_closes_tags() -> None:
    html = "<p>one</p><blockquote><p>two</p><p>three <b>bold" + "x" * 5000 + "</b></p></blockquote>"
    capped = cap_content(html, "https://s.test/a?x=1&y=2", 1024)
    assert capped.startswith("<p>one</p><blockquote><p>two</p></blockquote>")
    assert 'href="https://s.test/a?x=1&amp;y=2"' in capped
    assert cap_content("<p>short</p>", "https://s.test/", 1024) == "<p>short</p>"
