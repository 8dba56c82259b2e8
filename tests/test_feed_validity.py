"""Every feed feedmaker writes for the sample site passes the strict checker in feedcheck.py, and
the checker itself catches what the W3C validator would complain about."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from feedcheck import check_atom, check_json, check_out_dir, check_rss

from feedmaker.build import build
from feedmaker.config import load_config
from sample_site.server import SampleSite


def test_every_sample_site_feed_is_strictly_valid(site: SampleSite, config_path: Path) -> None:
    asyncio.run(build(load_config(config_path)))
    out = config_path.parent / "feeds"
    # all + 4 sections + many tags, three formats each
    assert check_out_dir(out) >= 3 * 20
    # ...and still after new, edited and hostile-tagged articles arrive
    site.publish("health", "Café owners in بيروت count the cost – again", ["Économie", "../../x"])
    site.edit(site.article_paths("politics")[0], title="Corrected: talks resume")
    asyncio.run(build(load_config(config_path)))
    assert check_out_dir(out) >= 3 * 20


GOOD_ATOM = b"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>http://example.com/f.atom</id><title>T</title><updated>2022-11-24T18:32:00Z</updated>
  <author><name>A</name></author>
  <link href="http://example.com/f.atom" rel="self" type="application/atom+xml"/>
  <entry><id>http://example.com/a</id><title>A</title><updated>2022-11-24T18:32:00Z</updated>
    <link href="http://example.com/a" rel="alternate" type="text/html"/>
    <content type="html">&lt;p&gt;&lt;a href="http://example.com/b"&gt;b&lt;/a&gt;&lt;/p&gt;</content>
  </entry>
</feed>
"""

GOOD_RSS = b"""<?xml version='1.0' encoding='UTF-8'?>
<rss xmlns:atom="http://www.w3.org/2005/Atom" version="2.0"><channel>
  <title>T</title><link>http://example.com/</link><description>D</description>
  <atom:link href="http://example.com/f.rss" rel="self" type="application/rss+xml"/>
  <lastBuildDate>Thu, 24 Nov 2022 18:32:00 +0000</lastBuildDate>
  <item><title>A</title><link>http://example.com/a</link>
    <guid isPermaLink="true">http://example.com/a</guid>
    <pubDate>Thu, 24 Nov 2022 18:32:00 +0000</pubDate></item>
</channel></rss>
"""


def test_the_checker_passes_good_feeds() -> None:
    assert check_atom(GOOD_ATOM) == []
    assert check_rss(GOOD_RSS) == []
    assert check_json(b'{"version": "https://jsonfeed.org/version/1.1", "title": "T", '
                      b'"items": [{"id": "x", "content_text": "t"}]}') == []


@pytest.mark.parametrize(("old", "new", "problem"), [
    (b"2022-11-24T18:32:00Z</updated>\n  <author>", b"24 Nov 2022</updated>\n  <author>", "bad date"),
    (b' type="application/atom+xml"', b"", "rel=self without type"),
    (b'<link href="http://example.com/a" rel', b'<link href="/a" rel', "not absolute"),
    (b"<id>http://example.com/a</id>", b"<id>http://example.com/f.atom</id>", None),  # distinct ids
    (b"&lt;a href=\"http://example.com/b\"", b"&lt;a href=\"/b\"", "non-absolute"),
    (b"&lt;a href=\"http://example.com/b\"", b"&lt;a onclick=\"x()\" href=\"http://e.com/\"",
     "unsafe attribute"),
    (b"&lt;p&gt;", b"&lt;script&gt;x()&lt;/script&gt;&lt;p&gt;", "unsafe element"),
    (b"<title>A</title>", b"<title>A\x0b</title>", "not well-formed"),
    (b"<title>A</title>", b"<title>A</title><title>", "not well-formed"),
    (b"2022-11-24T18:32:00Z</updated>\n    <link", b"2999-11-24T18:32:00Z</updated>\n    <link",
     "implausible"),
])
def test_the_checker_catches_atom_problems(old: bytes, new: bytes, problem: str | None) -> None:
    assert old in GOOD_ATOM
    problems = check_atom(GOOD_ATOM.replace(old, new, 1))
    if problem is None:
        assert problems == []
    else:
        assert any(problem in p for p in problems), problems


@pytest.mark.parametrize(("old", "new", "problem"), [
    (b"Thu, 24 Nov 2022 18:32:00 +0000</pubDate>", b"2022-11-24T18:32:00Z</pubDate>", "bad date"),
    (b"<guid isPermaLink=\"true\">http://example.com/a</guid>", b"", "missing guid"),
    (b"<link>http://example.com/a</link>", b"<link>a.html</link>", "not absolute"),
    (b' type="application/rss+xml"', b"", "atom:link rel=self"),
    (b"<description>D</description>", b"", "missing description"),
    (b"</guid>", b'</guid><enclosure url="http://e.com/i.jpg" length="0" type="image/jpeg"/>',
     "enclosure length"),
    (b"</guid>", b"</guid><author>Jane</author>", "e-mail"),
])
def test_the_checker_catches_rss_problems(old: bytes, new: bytes, problem: str) -> None:
    assert old in GOOD_RSS
    problems = check_rss(GOOD_RSS.replace(old, new, 1))
    assert any(problem in p for p in problems), problems


def test_the_checker_catches_duplicate_ids() -> None:
    entry = GOOD_ATOM[GOOD_ATOM.index(b"<entry>"):GOOD_ATOM.index(b"</feed>")]
    doubled = GOOD_ATOM.replace(b"</feed>", entry + b"</feed>")
    assert any("duplicate id" in p for p in check_atom(doubled))
