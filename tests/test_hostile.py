"""Hostile content and hostile configs: nothing dangerous or invalid reaches a feed, odd names stay
inside out_dir, a bad config or state file is a clear error (exit 2) that never touches the state
file; and property-based tests of extraction over random HTML."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import run_cli, write_config
from feedcheck import check_atom, check_json, check_out_dir, check_rss
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree
from selectolax.lexbor import LexborHTMLParser

from feedmaker.build import build
from feedmaker.config import LinkRules, load_config
from feedmaker.errors import ParseError
from feedmaker.links import parse_listing
from feedmaker.model import Article
from feedmaker.parse import parse_article
from feedmaker.render import RENDERERS, FeedInfo
from sample_site.routes import Page
from sample_site.server import SampleSite

CLOCK = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)


def _build(config: Path, **kw: object):  # type: ignore[no-untyped-def]
    return asyncio.run(build(load_config(config), **kw))  # type: ignore[arg-type]


def _items(tmp: Path, feed: str = "all") -> list[dict[str, object]]:
    return json.loads((tmp / "feeds/sample" / f"{feed}.json").read_text())["items"]  # type: ignore[no-any-return]


def _patch_page(monkeypatch: pytest.MonkeyPatch, site: SampleSite, path: str,
                change: Callable[[str], str | bytes]) -> None:
    """Serve `path` with its HTML passed through `change` (str, or raw bytes for the wire)."""
    original = site._resolve

    def resolve(target: str, *, empty: bool = False) -> Page:
        page = original(target, empty=empty)
        if target.split("?")[0] == path and page.html is not None:
            new = change(page.html)
            body = new if isinstance(new, bytes) else new.encode()
            return Page(page.status, body, page.content_type, None, page.modified)
        return page
    monkeypatch.setattr(site, "_resolve", resolve)


# -- dangerous markup never reaches a feed -----------------------------------------------------
HOSTILE_BODY = "\n\n".join([
    "<p>Opening paragraph of a hostile story with enough words to count as prose.</p>",
    "<script>alert('script')</script><style>body{display:none}</style>",
    "<iframe src='https://evil.example/frame'></iframe><object data='x.swf'></object>"
    "<embed src='x.swf'><applet code='x'></applet>",
    "<p onclick=\"alert('onclick')\" onmouseover=alert(2) style=\"background:url(javascript:alert(3))\">"
    "Paragraph with handlers and an <a href=\"javascript:alert('href')\">evil link</a>, a "
    "<a href=\" JaVaScRiPt:alert('mixed')\">mixed-case one</a>, an "
    "<a href=\"jav&#x09;ascript:alert('tab')\">entity one</a>, a "
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">data link</a> and a "
    "<a href=\"vbscript:msgbox(1)\">vbscript link</a>.</p>",
    "<p><img src=\"x\" onerror=\"alert('onerror')\"><img src=\"javascript:alert('img')\">"
    "<img src=\"data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=\" srcset=\"javascript:alert(1) 1x\">"
    "Images that try their luck.</p>",
    "<svg><script>alert('svg')</script></svg><math><mtext><script>alert(1)</script></mtext></math>",
    "<form action=\"javascript:alert('form')\"><input name=q><button>Go</button></form>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\"><base href=\"javascript:/\">",
    "<p>A closing paragraph with <a href=\"/news/health\">a relative link</a> and "
    "<a href=\"mailto:desk@example.com\">mail</a>.</p>",
])
FORBIDDEN = ("alert(", "javascript:", "vbscript:", "onclick", "onerror", "onmouseover", "<script",
             "<iframe", "<object", "<embed", "<style", "<form", "<svg", "<base", "<meta",
             "data:text/html")


def test_dangerous_markup_never_reaches_a_feed(site: SampleSite, tmp_path: Path) -> None:
    config = write_config(tmp_path, site.url)
    path = site.publish("health", "Hostile markup <script>alert('title')</script>",
                        ["Hostile"], body=HOSTILE_BODY, author="Mallory")
    assert _build(config).ok
    item = next(i for i in _items(tmp_path) if str(i["id"]).endswith(path))
    content = str(item["content_html"])
    assert "Opening paragraph" in content and "closing paragraph" in content
    assert f'href="{site.url}news/health"' in content  # made absolute
    for bad in FORBIDDEN:
        assert bad not in content.lower(), bad
    # the title is plain text (feedmaker drops tag-like text from it)
    assert str(item["title"]).startswith("Hostile markup")
    rss = etree.parse(str(tmp_path / "feeds/sample/tags/hostile.rss"))
    encoded = rss.findtext(".//{http://purl.org/rss/1.0/modules/content/}encoded") or ""
    atom = etree.parse(str(tmp_path / "feeds/sample/tags/hostile.atom"))
    atom_content = atom.findtext(".//{http://www.w3.org/2005/Atom}content") or ""
    for markup in (encoded, atom_content):
        for bad in FORBIDDEN:
            assert bad not in markup.lower(), bad
    check_out_dir(tmp_path / "feeds")


# -- characters XML cannot carry ----------------------------------------------------------------
def test_xml_forbidden_characters_are_removed(site: SampleSite, tmp_path: Path) -> None:
    config = write_config(tmp_path, site.url)
    title = "Vertical\x0btab, form\x0cfeed, bell\x07 and \ufffe\uffff non-characters"
    body = "<p>Body with \x0b, \x1f, \x00 and \ufffe inside a paragraph of ordinary words.</p>"
    path = site.publish("health", title, ["Control\x0bChars"], body=body, author="Ctrl\x08 Alt")
    assert _build(config).ok
    item = next(i for i in _items(tmp_path) if str(i["id"]).endswith(path))
    for field in ("title", "content_html", "summary"):
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", str(item[field])), field
    assert "Vertical" in str(item["title"]) and "non-characters" in str(item["title"])
    check_out_dir(tmp_path / "feeds")


def test_lone_surrogates_and_broken_bytes_on_the_wire(site: SampleSite, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    config = write_config(tmp_path, site.url)
    path = site.publish("health", "Surrogate story", ["Surrogates"], author="Sam",
                        body="<p>Before SURROGATE after, and an entity &#xD800; too.</p>")
    # An encoded lone surrogate (CESU-8 style) and a stray invalid byte, straight on the wire.
    _patch_page(monkeypatch, site, path, lambda html: html.encode().replace(
        b"SURROGATE", b"\xed\xa0\x80 \xff \xed\xbf\xbf"))
    assert _build(config).ok
    check_out_dir(tmp_path / "feeds")
    assert any(str(i["id"]).endswith(path) for i in _items(tmp_path))


def test_lone_surrogates_in_parsed_text_render_as_valid_feeds() -> None:
    html = ("<html><head><title>t</title></head><body><article><h1>Lone \ud800 high \udfff low"
            "</h1><p class='author'>Au\udc80thor</p><div class='article-body'><p>Text \ud83d "
            "with a broken pair and enough words to be an article body.</p></div>"
            "<div class='tags'><a>Tag\ud800</a></div></article></body></html>")
    site = load_config_for_parsing()
    parsed = parse_article(html, "http://example.com/news/x/lone", site).article
    _assert_renders_valid(parsed.with_(first_seen=CLOCK))


# -- sizes and names -----------------------------------------------------------------------------
def test_one_megabyte_title(site: SampleSite, tmp_path: Path) -> None:
    config = write_config(tmp_path, site.url)
    path = site.publish("health", "Short title first", ["Huge Title"], author="Big")
    site.edit(path, title="Very long title " + "x" * (1 << 20))
    assert _build(config).ok
    item = next(i for i in _items(tmp_path) if str(i["id"]).endswith(path))
    assert str(item["title"]).startswith("Very long title") and len(str(item["title"])) <= 1000
    assert (tmp_path / "feeds/sample/all.atom").stat().st_size < 5 << 20
    check_out_dir(tmp_path / "feeds")


def test_hostile_tag_names(site: SampleSite, tmp_path: Path) -> None:
    config = write_config(tmp_path, site.url)
    tags = ["../../x", "CON", "", "x" * 500, "..", ".", "/", "a/b\\c", "NUL.txt", "com1",
            "\u202eevil", "🧬", "  spaced  out  ", "<b>bold</b>"]
    path = site.publish("health", "A story with very hostile tags", tags, author="Tagger")
    assert _build(config).ok
    out = (tmp_path / "feeds").resolve()
    files = [p for p in out.rglob("*") if p.is_file()]
    assert all(out in p.resolve().parents for p in files)
    assert not (tmp_path / "x").exists() and not (tmp_path / "x.atom").exists()
    names = {p.name for p in (out / "sample/tags").iterdir()}
    stems = {n.rsplit(".", 1)[0] for n in names}
    reserved = {"con", "prn", "aux", "nul", "com1", "lpt1", "", ".", ".."}
    assert not {s.lower().split(".")[0] for s in stems} & reserved, stems
    assert all(len(n.encode()) <= 210 and re.fullmatch(r"[a-z0-9._-]+", n) for n in names), names
    item = next(i for i in _items(tmp_path) if str(i["id"]).endswith(path))
    assert "" not in item["tags"]  # type: ignore[operator]
    assert "x" * 200 in "".join(item["tags"])  # type: ignore[arg-type]
    check_out_dir(tmp_path / "feeds")


# -- dates ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("year", [1900, 2999])
def test_implausible_dates_fall_back_to_first_seen(site: SampleSite, tmp_path: Path,
                                                   year: int) -> None:
    config = write_config(tmp_path, site.url)
    path = site.publish("health", f"A story dated {year}", ["Odd Dates"], author="Chrono",
                        date=datetime(year, 6, 1, 12, 0, tzinfo=UTC))
    assert _build(config, clock=lambda: CLOCK).ok
    item = next(i for i in _items(tmp_path) if str(i["id"]).endswith(path))
    assert item["date_published"] == "2030-01-02T03:04:05Z"
    check_out_dir(tmp_path / "feeds")


def test_unparseable_dates_fall_back_to_first_seen(site: SampleSite, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    config = write_config(tmp_path, site.url)
    path = site.publish("health", "A story with a garbled date", ["Odd Dates"], author="Chrono")

    def garble(html: str) -> str:
        html = re.sub(r"\d{4}-\d{2}-\d{2}T[\d:.+-]+", "32/13/99999 25:61", html)
        return re.sub(r"\d{2} [A-Z][a-z]{2} \d{4}( \d{2}:\d{2})?", "the other day", html)
    _patch_page(monkeypatch, site, path, garble)
    assert _build(config, clock=lambda: CLOCK).ok
    item = next(i for i in _items(tmp_path) if str(i["id"]).endswith(path))
    assert item["date_published"] == "2030-01-02T03:04:05Z"
    check_out_dir(tmp_path / "feeds")


# -- duplicates ------------------------------------------------------------------------------
def test_same_canonical_url_under_different_urls_is_one_entry(
        site: SampleSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = write_config(tmp_path, site.url)
    original = site.publish("health", "The original story", ["Dupes"], author="Orig")
    copy = site.publish("politics", "The syndicated copy", ["Dupes"], author="Orig")
    # The copy's page names the original as its canonical URL (and og:url agrees).
    _patch_page(monkeypatch, site, copy, lambda html: html.replace(copy + '"', original + '"'))
    result = _build(config)
    assert result.ok, result.sites[0].problems
    for feed in ("all", "tags/dupes", "sections/health", "sections/politics"):
        ids = [str(i["id"]) for i in _items(tmp_path, feed)]
        assert len(ids) == len(set(ids)), feed
        assert not any(i.endswith(copy) for i in ids), feed
    assert sum(str(i["id"]).endswith(original) for i in _items(tmp_path)) == 1
    check_out_dir(tmp_path / "feeds")


# -- bad configs and state files -------------------------------------------------------------
BAD_CONFIGS = [
    ("max_items = 50", "max_items = 50.5", "sites.sample.max_items", "expected int"),
    ("pages = 2", "pages = true", "sites.sample.pages", "expected int"),
    ('public_url = "http://localhost:8080/"', 'public_url = "http://localhost:8080/"\ntimeout = []',
     "timeout", "expected"),
    ('public_url = "http://localhost:8080/"', 'public_url = "http://localhost:8080/"\nbogus = 1',
     "bogus", "unknown key"),
    ('selector = "a[href]"', 'selector = "a[href]"\ncolour = "red"', "sites.sample.links.colour",
     "unknown key"),
    ('remove = [".ad", ".share", "script"]', 'remove = [".ad", "div::["]',
     "sites.sample.article.remove[1]", "bad selector"),
    ("exclude = ['^/tags/']", "exclude = ['^/tags/', '[z-a]']", "sites.sample.links.exclude[1]",
     "bad regex"),
    ('title = "h1"', 'title = "h1@"', "sites.sample.article.title", "bad selector"),
    ('timezone = "Asia/Beirut"', 'timezone = "Mars/Olympus"', "sites.sample.timezone",
     "unknown time zone"),
    ('interval = "15m"', 'interval = "0s"', "sites.sample.interval", "must be positive"),
    ("[sites.sample.sections]", "[sites.sample.sections]\nBroken = 5", "sites.sample.sections.Broken",
     "expected str"),
    ("max_items = 50", "max_items = 50\nmax_items = 51", "", "not valid TOML"),
]


@pytest.mark.parametrize(("old", "new", "key", "problem"), BAD_CONFIGS)
def test_bad_config_is_a_clear_error(site: SampleSite, tmp_path: Path, old: str, new: str,
                                     key: str, problem: str) -> None:
    config = write_config(tmp_path, site.url, replace={old: new})
    site.clear_log()
    proc = run_cli("-c", str(config), "build")
    assert proc.returncode == 2, proc.stderr
    assert str(config) in proc.stderr and key in proc.stderr and problem in proc.stderr
    assert "Traceback" not in proc.stderr
    assert site.requests == []
    assert not (tmp_path / "feedmaker.sqlite").exists()


@pytest.mark.parametrize("kind", ["out_dir_is_a_file", "out_dir_under_proc"])
def test_unusable_out_dir_is_a_clear_error(site: SampleSite, tmp_path: Path, kind: str) -> None:
    target = tmp_path / "feeds-file" if kind == "out_dir_is_a_file" else Path("/proc/feedmaker-x")
    if kind == "out_dir_is_a_file":
        target.write_text("not a directory")
    config = write_config(tmp_path, site.url,
                          replace={'out_dir = "feeds"': f'out_dir = "{target}"'})
    site.clear_log()
    proc = run_cli("-c", str(config), "build")
    assert proc.returncode == 2, proc.stderr
    assert "out_dir" in proc.stderr and str(target) in proc.stderr
    assert "Traceback" not in proc.stderr
    assert site.requests == []


@pytest.mark.parametrize("state", [
    b"this is not a database, it is a text file someone put here\n" * 20,
    b"SQLite format 3\x00" + b"\xff" * 4080,  # a header, then garbage
    b"",  # an empty file is a valid new database: allowed
])
def test_state_file_that_is_not_a_database(site: SampleSite, tmp_path: Path, state: bytes) -> None:
    config = write_config(tmp_path, site.url)
    path = tmp_path / "feedmaker.sqlite"
    path.write_bytes(state)
    proc = run_cli("-c", str(config), "build")
    if not state:
        assert proc.returncode == 0, proc.stderr
        return
    assert proc.returncode == 2, proc.stderr
    assert str(path) in proc.stderr and "state file" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert path.read_bytes() == state  # never overwritten
    assert not (tmp_path / "feeds/sample").exists()


def test_state_file_from_a_newer_feedmaker_is_refused_untouched(site: SampleSite,
                                                                tmp_path: Path) -> None:
    config = write_config(tmp_path, site.url)
    path = tmp_path / "feedmaker.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE future (x)")
    db.execute("PRAGMA user_version = 99")
    db.commit()
    db.close()
    before = path.read_bytes()
    proc = run_cli("-c", str(config), "build")
    assert proc.returncode == 2 and "newer feedmaker" in proc.stderr, proc.stderr
    assert path.read_bytes() == before


def test_state_path_is_a_directory(site: SampleSite, tmp_path: Path) -> None:
    config = write_config(tmp_path, site.url)
    (tmp_path / "feedmaker.sqlite").mkdir()
    proc = run_cli("-c", str(config), "build")
    assert proc.returncode == 2, proc.stderr
    assert "feedmaker.sqlite" in proc.stderr and "Traceback" not in proc.stderr


# -- property-based: extraction over random HTML -----------------------------------------------
def load_config_for_parsing():  # type: ignore[no-untyped-def]
    """The sample site's rules, for pure parsing tests (no server)."""
    from conftest import SAMPLE_CONFIG

    return load_config(SAMPLE_CONFIG).sites["sample"]


ODD = ["\x00", "\x0b", "\x0c", "\x1f", "\ufffe", "\uffff", "\ud800", "\udfff", "\u202e", "\xa0",
       "&", "<", ">", '"', "'", "&amp;", "&#0;", "&#xD800;", "&#x110000;", "&bogus;", "]]>",
       "\r\n", "‮", "ساعة", "🧬", "–"]
TAGS = ["p", "div", "article", "h1", "h2", "a", "img", "time", "script", "style", "iframe",
        "object", "embed", "svg", "math", "form", "table", "td", "tr", "li", "ul", "span",
        "noscript", "template", "meta", "link", "base", "figure", "figcaption", "br", "b"]
ATTRS = ["href", "src", "srcset", "data-src", "onclick", "onerror", "style", "class", "datetime",
         "content", "property", "rel", "itemprop", "id"]
VALUES = ["javascript:alert(1)", "JaVaScRiPt:x", "data:text/html,<script>x</script>",
          "/news/health/story", "http://example.com/news/x/y", "//evil.example/x", "../../x",
          "article-body", "author", "tags", "2022-11-24T18:32:00Z", "1900-01-01", "2999-12-31",
          "canonical", "og:title", "x 1x, y 2x", "", "\ud800", "mailto:a@b.c", "vbscript:x"]

_text = st.one_of(st.text(max_size=30), st.sampled_from(ODD))
_attr = st.tuples(st.sampled_from(ATTRS), st.one_of(st.sampled_from(VALUES), _text)).map(
    lambda kv: f' {kv[0]}="{kv[1]}"')
_open = st.tuples(st.sampled_from(TAGS), st.lists(_attr, max_size=3)).map(
    lambda t: f"<{t[0]}{''.join(t[1])}>")
_close = st.sampled_from(TAGS).map(lambda t: f"</{t}>")
_special = st.sampled_from([
    "<!--", "-->", "<![CDATA[", "<!DOCTYPE html>", '<script type="application/ld+json">',
    '{"@type": "NewsArticle", "headline": "LD \\ud800", "datePublished": "2999-01-01"}',
    '<meta property="og:title" content="OG', '<link rel="canonical" href="', "<h1>", "</h1>"])
random_html = st.lists(st.one_of(_text, _open, _close, _attr, _special), max_size=40).map("".join)
_DANGER = re.compile(r"<(script|iframe|object|embed|style|svg|form)\b|<[^>]*\son\w+\s*=|"
                     r"<[^>]*\s(href|src|srcset)\s*=\s*[\"']?\s*(javascript|vbscript|data):", re.I)
PROPERTY = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def _assert_renders_valid(article: Article) -> None:
    info = FeedInfo("sample/all", "Sample — All", "http://example.com/", "http://localhost:8080/",
                    "Sample")
    atom, rss, js = (RENDERERS[f](info, [article]) for f in ("atom", "rss", "json"))
    assert check_atom(atom) == [], (article, check_atom(atom))
    assert check_rss(rss) == [], (article, check_rss(rss))
    assert check_json(js) == [], (article, check_json(js))


@PROPERTY
@given(html=random_html)
@example(html="<H1>\x7f")  # a title of only DEL: found by hypothesis (no title, not an empty one)
def test_extraction_over_random_html_never_crashes_and_renders_valid_feeds(html: str) -> None:
    site = _SITE
    wrapped = f"<html><body><h1>Fixed title</h1><div class='article-body'>{html}</div></body></html>"
    for page in (html, wrapped):
        try:
            parsed = parse_article(page, "http://example.com/news/health/story", site)
        except ParseError:
            continue  # no title anywhere: a clean, expected refusal
        a = parsed.article
        assert a.url.startswith("http://example.com/")
        assert a.image is None or a.image.startswith(("http://", "https://"))
        assert not _DANGER.search(a.content or ""), a.content
        _assert_renders_valid(a.with_(first_seen=CLOCK))


@PROPERTY
@given(html=random_html)
def test_listing_over_random_html_yields_only_same_host_http_links(html: str) -> None:
    site = _SITE
    listing = parse_listing(html, "http://example.com/news/health", "http://example.com/news/health",
                            site.links, "example.com")
    for link in listing.links:
        assert link.url.startswith("http://example.com/"), link
        assert "\x00" not in link.title
    if listing.next_url is not None:
        assert listing.next_url.startswith("http://example.com/")


@PROPERTY
@given(html=random_html)
def test_the_automatic_picker_over_random_html_yields_web_links_on_public_or_own_hosts(
        html: str) -> None:
    from feedmaker.autolinks import decide
    from feedmaker.urls import host_of
    from feedmaker.urlshape import public_host, same_site

    page = "http://example.com/news/health"
    listing = parse_listing(html, page, page, LinkRules(), "example.com")
    for link in listing.links:
        assert link.url.startswith(("http://", "https://")), link
        assert same_site(link.url, "example.com") or public_host(host_of(link.url)), link
        assert "\x00" not in link.title
    tree = LexborHTMLParser(html)
    assert [d.url for d in decide(tree, page, page, "example.com") if d.taken] == [
        link.url for link in listing.links]  # `check` explains what the picker does


_SITE = load_config_for_parsing()


@pytest.mark.parametrize(("snippet", "key", "problem"), [
    ('user_agent = "feedmaker (José)"\n', "user_agent", "printable ASCII"),
    ('[sites.x]\nurl = "https://a.test/"\nallowed_hosts = [1]\n[sites.x.sections]\nA = "/a"\n',
     "sites.x.allowed_hosts[0]", "host name"),
    ('[sites.x]\nurl = "https://a.test/"\ninterval = "10000000w"\n[sites.x.sections]\nA = "/a"\n',
     "sites.x.interval", "longer than a year"),
])
def test_values_that_would_fail_later_are_refused_at_load(tmp_path: Path, snippet: str, key: str,
                                                        problem: str) -> None:
    from feedmaker.config import load_config
    from feedmaker.errors import ConfigError

    if "[sites" not in snippet:
        snippet += '[sites.x]\nurl = "https://a.test/"\n[sites.x.sections]\nA = "/a"\n'
    path = tmp_path / "c.toml"
    path.write_text(snippet)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.key == key and problem in info.value.problem


def test_a_stored_title_of_only_control_characters_still_renders() -> None:
    # Parsing drops DEL and C1 controls now; a state file written before keeps them, and feedgen
    # refused the whole feed over one such title.
    _assert_renders_valid(Article("http://example.com/news/x", "\x7f\x85", first_seen=CLOCK))
