"""The bundled sample site over real HTTP: pages, conditional GET, admin API, log and faults."""

from __future__ import annotations

import json
import re
import socket
import statistics
import time
from collections.abc import Iterable, Iterator
from datetime import datetime
from html import unescape
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from sample_site import SampleSite
from sample_site.content import DRAFTS
from sample_site.model import Section

CELL = "/news/health/new-cell-therapy-shows-promise-against-leukemia"
SECRET = "/news/politics/secret-briefing-leaked"


@pytest.fixture(scope="module")
def shared() -> Iterator[SampleSite]:
    """A site for read-only tests; tests that change content or set faults use `site`."""
    with SampleSite() as s:
        yield s


@pytest.fixture
def site() -> Iterator[SampleSite]:
    with SampleSite() as s:
        yield s


# One client for the module: a new httpx client per request costs ~40 ms (it builds an SSL context).
_http = httpx.Client(timeout=5)


@pytest.fixture(scope="module", autouse=True)
def _close_client() -> Iterator[None]:
    yield
    _http.close()


def get(site: SampleSite, path: str, **kw: object) -> httpx.Response:
    return _http.get(site.origin + path, **kw)  # type: ignore[arg-type]


def links(html: str) -> list[str]:
    return re.findall(r"""href=["']([^"']+)["']""", html)


def listing_part(html: str) -> str:
    """The cards of a section page, without ticker, menus or the Most Read box."""
    return html.split('id="content"')[1].split('class="most-read"')[0]


def article_links(html: str) -> set[str]:
    return {h.split("?")[0].split("#")[0] for h in links(html)
            if re.match(r"^/(news|articles)/[^/]+/[^/?#]+", h)}


# -- pages ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/", "/news/health", "/news/politics", "/articles/opinion",
                                  "/articles/analysis", "/news/health?page=2", CELL,
                                  "/tags/Gaza", "/authors/rania-haddad", "/about-us", "/live"])
def test_pages_are_served_with_furniture(shared: SampleSite, path: str) -> None:
    r = get(shared, path)
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    for piece in ('class="ticker"', 'id="cookie-banner"', "/privacy-policy", "/contact-us",
                  "<script", "<style>", 'href="/live"', "/programs/", "/videos/"):
        assert piece in r.text, piece


def test_every_story_page_has_title_body_and_tags(shared: SampleSite) -> None:
    assert len(DRAFTS) == 36
    for path in shared.article_paths():
        r = get(shared, path)
        assert r.status_code == 200, path
        assert "<h1>" in r.text and 'class="article-body"' in r.text and 'class="tags"' in r.text
        body = r.text.split('class="article-body"')[1].split('class="tags"')[0]
        words = len(re.sub(r"<[^>]+>", " ", body).split())
        assert 300 <= words <= 900, (path, words)


def test_listings_paginate_and_link_articles(shared: SampleSite) -> None:
    page1, page2 = get(shared, "/news/health").text, get(shared, "/news/health?page=2").text
    assert '<a rel="next" href="/news/health?page=2">Next</a>' in page1
    assert 'rel="next"' not in page2 and 'rel="prev"' in page2
    assert len(article_links(listing_part(page1))) == 10
    oldest = "/news/health/clean-water-project-cuts-child-illness-in-cote-divoire"
    assert oldest in listing_part(page2) and oldest not in listing_part(page1)
    assert "?ref=home" in page1 and "#comments" in page1
    assert get(shared, "/news/health?page=3").status_code == 404
    assert SECRET in get(shared, "/news/politics").text


def test_article_markup_variants(shared: SampleSite) -> None:
    cell = get(shared, CELL).text
    assert '<time datetime="2022-11-24T18:32:00+02:00">24 Nov 2022 18:32</time>' in cell
    assert '<div class="author"><a href="/authors/rania-haddad">Rania Haddad</a></div>' in cell
    assert 'type="application/ld+json"' in cell and 'property="og:title"' in cell
    for junk in ('class="ad"', 'class="share"', "<iframe", "onclick=", "javascript:alert(1)",
                 "Read: <a href='/"):
        assert junk in cell
    lazy = get(shared, "/news/health/who-warns-of-cholera-spread-across-region").text
    assert 'src="data:image/gif;base64,R0lGOD' in lazy and 'data-src="/images/' in lazy
    assert "&quot;silent&quot;" in lazy  # title with quotes is escaped
    ai = get(shared, "/news/health/ai-diagnosis-tools-raise-privacy-questions").text
    assert 'href="/tags/AI-%26-Ethics">AI &amp; Ethics</a>' in ai
    ld = json.loads(ai.split('type="application/ld+json">')[1].split("</script>")[0])
    assert isinstance(ld, list) and ld[1]["@type"] == "NewsArticle"
    assert ld[1]["datePublished"] == "2022-10-20T19:10:00+03:00"  # Beirut summer time
    nodate = get(shared, "/news/politics/election-observers-report-high-turnout").text
    assert not re.search(r"20\d\d|<time|datePublished|published_time", nodate.split("<body")[1]
                         .split('class="read-next"')[0])


def test_robots_rss_images(shared: SampleSite) -> None:
    robots = get(shared, "/robots.txt")
    assert "Disallow: /news/politics/secret-" in robots.text
    assert get(shared, "/rss").status_code == 403
    img = get(shared, "/images/new-cell-therapy-shows-promise-against-l.jpg")
    assert img.content.startswith(b"\x89PNG") and img.headers["content-type"] == "image/png"
    assert get(shared, "/no/such/page").status_code == 404


# -- conditional GET -----------------------------------------------------------------------------
def test_etag_and_last_modified_give_304(site: SampleSite) -> None:
    for path in ("/news/health", CELL):
        r = get(site, path)
        etag, modified = r.headers["etag"], r.headers["last-modified"]
        assert get(site, path, headers={"If-None-Match": etag}).status_code == 304
        assert get(site, path, headers={"If-Modified-Since": modified}).status_code == 304
        assert get(site, path, headers={"If-None-Match": '"other"'}).status_code == 200
    assert site.count(status=304) == 4


def test_publish_changes_only_its_listing(site: SampleSite) -> None:
    health, politics = get(site, "/news/health"), get(site, "/news/politics")
    cell = get(site, CELL)
    when = datetime(2022, 11, 25, 9, 0, tzinfo=ZoneInfo("Asia/Beirut"))
    path = site.publish("Health", "Hospitals test new triage app", ["Technology"], date=when,
                        body="First paragraph.\n\nSecond & last paragraph.")
    assert path == "/news/health/hospitals-test-new-triage-app"
    new = get(site, "/news/health", headers={"If-None-Match": health.headers["etag"]})
    assert new.status_code == 200 and new.headers["etag"] != health.headers["etag"]
    assert listing_part(new.text).index(path) < listing_part(new.text).index(CELL)
    assert get(site, "/news/health", headers={"If-Modified-Since": health.headers[
        "last-modified"]}).status_code == 200
    for old in (politics, cell):
        assert get(site, str(old.url.raw_path.decode()), headers={
            "If-None-Match": old.headers["etag"]}).status_code == 304
    page = get(site, path).text
    assert "Second &amp; last paragraph." in page and "2022-11-25T09:00:00+02:00" in page


def test_edit_and_remove_from_listing(site: SampleSite) -> None:
    site.edit(CELL, title="Cell therapy trial: update", body="<p>New body text.</p>")
    assert "Cell therapy trial: update" in get(site, "/news/health").text
    assert "<p>New body text.</p>" in get(site, CELL).text
    site.remove_from_listing(CELL)
    assert CELL not in listing_part(get(site, "/news/health").text)
    assert get(site, CELL).status_code == 200


def test_admin_api_over_http(site: SampleSite) -> None:
    r = _http.post(site.origin + "/_admin/publish", json={
        "section": "/articles/opinion", "title": "Côte d'Ivoire votes – a view", "tags": ["Africa"],
        "date": "2022-11-26T10:00:00+02:00"})
    assert r.status_code == 201
    path = r.json()["path"]
    assert path == "/articles/opinion/cote-d-ivoire-votes-a-view"
    assert path in get(site, "/articles/opinion").text
    assert _http.post(site.origin + "/_admin/edit", json={"path": path, "title": "T2"}).is_success
    assert _http.post(site.origin + "/_admin/remove", json={"path": path}).is_success
    assert path not in get(site, "/articles/opinion").text
    bad = _http.post(site.origin + "/_admin/publish", json={"section": "Sport", "title": "x",
                                                            "tags": []})
    assert bad.status_code == 400
    log = _http.get(site.origin + "/_admin/log").json()
    assert [e["path"] for e in log] == ["/articles/opinion", "/articles/opinion"]
    assert _http.delete(site.origin + "/_admin/log").is_success and site.requests == []


def test_request_log(site: SampleSite) -> None:
    get(site, "/news/health", headers={"User-Agent": "feedmaker-test"})
    get(site, CELL + "?ref=home")
    get(site, "/rss")
    assert site.count() == 3 and site.count(path_prefix="/news/health/") == 1
    assert site.count(status=403) == 1 and site.count(path="/rss") == 1
    first = site.requests[0]
    assert first.method == "GET" and first.status == 200 and first.bytes_sent > 5000
    assert first.headers["User-Agent"] == "feedmaker-test"
    site.clear_log()
    assert site.count() == 0


def test_command_line_help() -> None:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "sample_site.server", "--help"],
                         capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parent.parent)
    assert "--articles" in out.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_fixed_port_and_restart() -> None:
    port = _free_port()
    site = SampleSite(port)
    site.start()
    assert site.url == f"http://127.0.0.1:{port}/"
    site.stop()
    start = time.monotonic()
    with SampleSite(port) as again:  # the port is free again at once
        assert get(again, "/").status_code == 200
    assert time.monotonic() - start < 2


# -- faults --------------------------------------------------------------------------------------
def test_fault_status_with_retry_after_and_times(site: SampleSite) -> None:
    site.set_fault("/news/health", "status", code=503, retry_after=7, times=1)
    r = get(site, "/news/health")
    assert r.status_code == 503 and r.headers["retry-after"] == "7"
    assert get(site, "/news/health").status_code == 200  # `times` used up
    site.set_fault("/news/*", "status", code=429)
    assert get(site, CELL).status_code == 429 and get(site, "/news/politics").status_code == 429
    assert get(site, "/articles/opinion").status_code == 200
    site.clear_faults()
    assert get(site, CELL).status_code == 200


def test_fault_matching_rules(site: SampleSite) -> None:
    site.set_fault("/news/health?page=2", "status", code=500)
    assert get(site, "/news/health").status_code == 200
    assert get(site, "/news/health?page=2").status_code == 500
    site.set_fault(CELL, "status", code=410)
    assert get(site, CELL + "?ref=home").status_code == 410  # exact path ignores the query
    with pytest.raises(ValueError, match="unknown fault kind"):
        site.set_fault("/", "explode")
    with pytest.raises(ValueError, match="takes"):
        site.set_fault("/", "slow", secs=1)


def test_fault_slow(site: SampleSite) -> None:
    site.set_fault(CELL, "slow", seconds=0.6)
    with pytest.raises(httpx.ReadTimeout):
        _http.get(site.origin + CELL, timeout=0.2)
    start = time.monotonic()
    assert get(site, CELL).status_code == 200
    assert time.monotonic() - start >= 0.55


def test_fault_drip_sends_a_byte_at_a_time(site: SampleSite) -> None:
    site.set_fault(CELL, "drip", interval=0.05)
    start, got = time.monotonic(), b""
    with _http.stream("GET", site.origin + CELL) as r:
        assert r.status_code == 200
        for chunk in r.iter_raw():
            got += chunk
            if time.monotonic() - start > 0.5:
                break
    assert 3 <= len(got) <= 15 and got.startswith(b"<!DOC"[: len(got)])


def test_fault_reset(site: SampleSite) -> None:
    site.set_fault(CELL, "reset")
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        get(site, CELL)
    site.set_fault(CELL, "reset", after_headers=True)
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        get(site, CELL)
    assert get(site, "/news/health").status_code == 200


def test_fault_truncate(site: SampleSite) -> None:
    site.set_fault(CELL, "truncate", sent=0.3)
    with pytest.raises(httpx.RemoteProtocolError):
        get(site, CELL)
    entry = next(site.find(path=CELL))
    assert 0 < entry.bytes_sent < len(get(site, "/news/health").content)


@pytest.mark.parametrize("content_length", [True, False])
def test_fault_huge(site: SampleSite, content_length: bool) -> None:
    site.set_fault("/news/health", "huge", mb=3, content_length=content_length)
    with _http.stream("GET", site.origin + "/news/health") as r:
        assert ("content-length" in r.headers) is content_length
        assert sum(len(c) for c in r.iter_raw()) == 3 * 1024 * 1024


def test_fault_redirect_and_loop(site: SampleSite) -> None:
    site.set_fault("/news/health", "redirect", to="/news/politics", code=301)
    r = get(site, "/news/health")
    assert r.status_code == 301 and r.headers["location"] == "/news/politics"
    assert get(site, "/news/health", follow_redirects=True).url.path == "/news/politics"
    site.set_fault(CELL, "redirect", to=CELL)
    with pytest.raises(httpx.TooManyRedirects):
        get(site, CELL, follow_redirects=True)


@pytest.mark.parametrize("code", [403, 503])
def test_fault_challenge(site: SampleSite, code: int) -> None:
    site.set_fault("/news/*", "challenge", code=code)
    r = get(site, "/news/health")
    assert r.status_code == code and "<title>Just a moment...</title>" in r.text
    assert r.headers["server"] == "cloudflare" and r.headers["cf-mitigated"] == "challenge"


def test_fault_charset_meta_only(site: SampleSite) -> None:
    site.set_fault(CELL, "charset", encoding="windows-1256", declare="meta")
    r = get(site, CELL)
    assert r.headers["content-type"] == "text/html"
    assert b'<meta charset="windows-1256">' in r.content
    with pytest.raises(UnicodeDecodeError):
        r.content.decode("utf-8")
    text = r.content.decode("windows-1256")
    assert "الميادين" in text and "three months – a result" in text
    assert "&#129516;" in text  # the emoji cp1256 lacks becomes a character reference
    ld = json.loads(text.split('type="application/ld+json">')[1].split("</script>")[0])
    assert ld["headline"] == "New cell therapy shows promise against leukemia"


def test_fault_charset_none_and_wrong_header(site: SampleSite) -> None:
    site.set_fault(CELL, "charset", encoding="iso-8859-1", declare="none")
    r = get(site, CELL)
    assert r.headers["content-type"] == "text/html" and b"charset" not in r.content[:300]
    assert "&#1575;&#1604;" in r.content.decode("iso-8859-1")  # Arabic as references
    site.set_fault(CELL, "charset", encoding="windows-1256", declare="header")
    r = get(site, CELL)
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert "الميادين" in r.content.decode("windows-1256")
    site.set_fault(CELL, "charset", encoding="utf-8", declare="header")
    assert get(site, CELL).headers["content-type"] == "text/html; charset=iso-8859-1"


def test_fault_empty_listing(site: SampleSite) -> None:
    site.set_fault("/news/health", "empty")
    r = get(site, "/news/health")
    assert r.status_code == 200 and 'class="site-footer"' in r.text
    assert article_links(r.text) == set()


def test_fault_over_http(site: SampleSite) -> None:
    r = _http.post(site.origin + "/_admin/fault",
                   json={"path": "/news/health", "kind": "status", "code": 502})
    assert r.is_success and get(site, "/news/health").status_code == 502
    assert _http.get(site.origin + "/_admin/faults").json()[0]["code"] == 502
    assert _http.post(site.origin + "/_admin/fault", json={"path": "/", "kind": "nope"}
                      ).status_code == 400
    assert _http.delete(site.origin + "/_admin/fault").is_success
    assert get(site, "/news/health").status_code == 200


def test_stop_ends_a_drip_promptly() -> None:
    site = SampleSite().start()
    site.set_fault("/", "drip", interval=0.05)
    client = httpx.Client(timeout=5)
    with client.stream("GET", site.origin + "/") as r:
        next(r.iter_raw())
        start = time.monotonic()
        site.stop()
        assert time.monotonic() - start < 1
    client.close()


# -- generated big site --------------------------------------------------------------------------
def _pages(site: SampleSite, paths: list[str]) -> list[str]:
    # Pages name their own origin (canonical, JSON-LD); drop it to compare two sites' bytes.
    return [get(site, p).text.replace(site.origin, "ORIGIN") for p in paths]


def test_big_site_sizes_and_furniture() -> None:
    from sample_site.generate import TAGS

    assert len(set(TAGS)) == 500
    with SampleSite(articles=200, seed=5) as big:
        assert len(big.catalog.sections) == 12
        paths = big.article_paths()
        assert len(paths) == 200
        pages = _pages(big, paths)
        for path, html in zip(paths, pages, strict=True):
            assert 40_000 <= len(html.encode()) <= 150_000, path
            assert 'id="cookie-banner"' in html and 'class="ticker"' in html
        with_ld = sum('application/ld+json' in html for html in pages)
        assert 0.3 < with_ld / len(pages) < 0.8
        _assert_news_composition(pages, set(paths), big.catalog.sections.values())
        for section in big.catalog.sections.values():
            listing = get(big, section.path)
            many = len(big.article_paths(section.key)) > big.catalog.page_size
            assert listing.status_code == 200 and ('rel="next"' in listing.text) is many
        new = big.publish("Sports", "Local club wins the cup", ["Football"])
        assert new in get(big, "/news/sports").text and get(big, new).status_code == 200


def _assert_news_composition(pages: list[str], stories: set[str],
                             sections: Iterable[Section]) -> None:
    """Like real news pages: a few KB of text in a heavy page of scripts, menus and cards, all of
    it outside <article>, where an extractor must tell it from the story."""
    text = [len(_body_text(html).encode()) for html in pages]
    assert 1_500 <= statistics.median(text) <= 8_000 and max(text) < 25_000
    scripts = [sum(map(len, re.findall(r"<script[^>]*>(.*?)</script>", html, re.S)))
               for html in pages]
    assert min(scripts) > 5_000 and statistics.median(scripts) > 20_000
    houses = {s.path for s in sections}
    for html in pages:
        furniture = html.split("</main>")[1].split('<footer class="site-footer">')[0]
        assert "More from Al Mayadeen" in furniture and 'id="__NEXT_DATA__"' in furniture
        assert "<h1" not in furniture and "ld+json" not in furniture
        assert len(furniture) > 20_000
        for href in links(furniture):
            assert href in stories or href in houses or href.startswith("/tags/"), href


def _body_text(html: str) -> str:
    inside = html.split('class="article-body">')[1].split('<div class="tags">')[0]
    return unescape(re.sub(r"<[^>]+>", " ", inside))


def test_big_site_is_deterministic() -> None:
    with SampleSite(articles=200, seed=1) as a, SampleSite(articles=200, seed=1) as b:
        paths = a.article_paths()[::20]
        assert paths == b.article_paths()[::20]
        assert _pages(a, paths) == _pages(b, paths)
        assert get(a, "/news/health").headers["etag"] == get(b, "/news/health").headers["etag"]
    with SampleSite(articles=200, seed=2) as c:
        assert c.article_paths()[::20] != paths


def test_prerendered_pages_are_the_pages_and_follow_changes() -> None:
    """`prerender` (for benchmarks) serves what the site would generate, validators included,
    and a change to the site is served at once."""
    import httpx

    with SampleSite(articles=300) as live, SampleSite(articles=300).start() as cached:
        assert cached.prerender() > 300  # every story, section page and robots.txt
        section = live.article_paths("health")[0].rsplit("/", 1)[0]
        for path in ["/robots.txt", section, f"{section}?page=2", *live.article_paths()[:5]]:
            a, b = httpx.get(live.url.rstrip("/") + path), httpx.get(cached.url.rstrip("/") + path)
            port_free = (a.content.replace(str(live.port).encode(), b"PORT"),
                         b.content.replace(str(cached.port).encode(), b"PORT"))
            assert a.status_code == b.status_code == 200 and port_free[0] == port_free[1], path
            again = httpx.get(cached.url.rstrip("/") + path,
                              headers={"If-None-Match": b.headers.get("etag", "")})
            assert again.status_code == (304 if "etag" in b.headers else 200), path
        new = cached.publish("health", "A story published after the prerender", ["Health"])
        assert new in httpx.get(cached.url.rstrip("/") + section).text
