"""feedgen writes every Atom and RSS byte: the spliced feeds are feedgen's whole documents, and
each feedgen 1.0 defect the adapter works around is shown still present in plain feedgen (so the
workaround can go when it is fixed) and absent from what feedmaker writes."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest
from feedcheck import check_atom, check_opml, check_rss, not_html
from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator
from lxml import etree
from lxml import html as lxml_html

from feedmaker import __version__
from feedmaker.build import build
from feedmaker.config import load_config
from feedmaker.feedgen_adapter import Head, entry_bytes, feed_bytes, whole_feed, with_stylesheet
from feedmaker.index import Listed, render_opml
from feedmaker.model import Article
from feedmaker.publish import feed_info
from feedmaker.render import (
    RENDERERS,
    FeedInfo,
    categories,
    feed_head,
    published_of,
    stylesheet_href,
    updated_of,
)
from feedmaker.slug import assign_slugs
from feedmaker.store import ALL, Store
from sample_site.server import SampleSite

WHEN = datetime(2022, 11, 24, 18, 32, tzinfo=UTC)
INFO = FeedInfo("sample/all", "Sample — All", "http://example.com/", "http://localhost:8080/",
                "Sample", language="en")
FULL = Article(
    url="http://example.com/news/a?x=1&y=2", title="Q&A: <b>tags</b> & “quotes”",
    authors=("Jane Doe", "Reuters"), published=WHEN, updated=WHEN.replace(hour=20),
    summary="How <script>alert(1)</script> ends up in a reader, & why",
    image="http://example.com/img/lead.png?w=800",
    content='<p>Body]]> with <a href="http://example.com/b">a link</a> &amp; more</p>',
    tags=("Arts&Culture", "Security"), sections=("health",), language="en")
BARE = Article(url="http://example.com/news/b", title="Bare", first_seen=WHEN)
ATOM, MEDIA, DC = "{http://www.w3.org/2005/Atom}", "{http://search.yahoo.com/mrss/}", \
    "{http://purl.org/dc/elements/1.1/}"


def _head(fmt: str) -> Head:
    return Head("http://localhost:8080/sample/all.atom", "Sample — All", "Sample — All", WHEN,
                "Sample", f"http://localhost:8080/sample/all.{fmt}", "http://example.com/", "en")


def _render(fmt: str, articles: list[Article]) -> bytes:
    return RENDERERS[fmt](INFO, articles)


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_spliced_feed_is_feedgens_whole_document(fmt: str) -> None:
    articles = [FULL, BARE, FULL.with_(url="http://example.com/c", content=None, image=None,
                                       summary=None, authors=(), tags=())]
    entries = [(a, list(a.tags), published_of(a), updated_of(a)) for a in articles]
    spliced = feed_bytes(fmt, _head(fmt), [entry_bytes(fmt, *e) for e in entries])
    assert spliced == whole_feed(fmt, _head(fmt), entries)
    assert feed_bytes(fmt, _head(fmt), []) == whole_feed(fmt, _head(fmt), [])


def test_every_sample_site_feed_is_what_feedgen_writes_whole(site: SampleSite,
                                                             config_path: Path) -> None:
    """Every Atom and RSS file of a sample-site build, byte for byte feedgen's one-piece
    document of the same entries, plus the `<?xml-stylesheet?>` line after the declaration."""
    asyncio.run(build(load_config(config_path)))
    config = load_config(config_path)
    sample = config.sites["sample"]
    section_titles = {slug: title for title, slug in assign_slugs(sample.sections).items()}
    checked = 0
    with Store(config.state) as store:
        tag_names = store.tag_names("sample")
        for feed in store.feeds("sample"):
            found = feed_info(sample, config, feed, section_titles, tag_names)
            assert found is not None
            info = found[0]
            members = store.members("sample", feed, sample.max_items)
            rows = store.articles([i for i, _ in members])
            articles = [rows[i] for i, _ in members]
            for fmt in ("atom", "rss"):
                written = (config.out_dir / f"{info.path}.{fmt}").read_bytes()
                entries = [(a, categories(a, section_titles), published_of(a), updated_of(a))
                           for a in articles]
                # The one addition outside feedgen's document: the stylesheet's instruction
                # after the XML declaration. Without that line, the file is feedgen's bytes.
                pi = f'<?xml-stylesheet type="text/xsl" href="{stylesheet_href(info.path)}"?>\n'
                assert written.split(b"\n")[1] == pi.strip().encode()
                feedgens = whole_feed(fmt, feed_head(info, articles, fmt), entries)
                assert written.replace(pi.encode(), b"", 1) == feedgens, (feed, fmt)
                assert written == with_stylesheet(feedgens, stylesheet_href(info.path))
                checked += 1
        assert ALL in store.feeds("sample")
    assert checked >= 2 * 20


# -- feedgen 1.0's defects ---------------------------------------------------------------------
def _atom_with_links(entry: FeedEntry) -> bytes:
    entry.id("http://example.com/a")
    entry.title("A")
    entry.updated(WHEN)
    entry.link(href="http://example.com/a", rel="alternate", type="text/html")
    entry.link(href="http://example.com/i.jpg", rel="enclosure", type="image/jpeg")
    fg = FeedGenerator()
    fg.id("http://example.com/f.atom")
    fg.title("T")
    fg.updated(WHEN)
    fg.author({"name": "A"})
    fg.link(href="http://example.com/f.atom", rel="self", type="application/atom+xml")
    fg.add_entry(entry)
    return bytes(fg.atom_str(pretty=True))


def test_plain_feedgen_still_drops_entry_link_rel_and_type() -> None:
    """lkiesow/python-feedgen#135. When this fails, feedgen is fixed: `_Entry` can go."""
    problems = check_atom(_atom_with_links(FeedEntry()))
    assert any("DuplicateAtomLink" in p for p in problems), problems


def test_entry_links_keep_rel_and_type() -> None:
    atom = _render("atom", [FULL])
    assert check_atom(atom) == []
    links = {(lk.get("rel"), lk.get("type"), lk.get("href"))
             for lk in etree.fromstring(atom).iter(f"{ATOM}link")}
    assert ("alternate", "text/html", FULL.url) in links
    assert ("enclosure", "image/png", FULL.image) in links


def test_plain_feedgen_media_goes_in_a_group() -> None:
    """The media extension's default group='default': one image becomes a media:group with one
    media:content, which the validator calls MediaGroupWithoutAlternatives."""
    fg = FeedGenerator()
    fg.load_extension("media")
    fg.id("http://example.com/f.atom")
    fg.title("T")
    fg.description("D")
    fg.link(href="http://example.com/", rel="alternate")
    fg.link(href="http://example.com/f.rss", rel="self", type="application/rss+xml")
    entry = fg.add_entry()
    entry.title("A")
    entry.link(href="http://example.com/a")
    entry.guid("http://example.com/a", permalink=True)
    entry.media.content(url="http://example.com/i.jpg", medium="image")
    problems = check_rss(bytes(fg.rss_str(pretty=True)))
    assert any("MediaGroupWithoutAlternatives" in p for p in problems), problems


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_the_lead_image_is_media_content_and_thumbnail_without_a_group(fmt: str) -> None:
    data = _render(fmt, [FULL])
    assert (check_atom if fmt == "atom" else check_rss)(data) == []
    root = etree.fromstring(data)
    assert not list(root.iter(f"{MEDIA}group"))
    assert [c.get("url") for c in root.iter(f"{MEDIA}content")] == [FULL.image]
    assert [c.get("url") for c in root.iter(f"{MEDIA}thumbnail")] == [FULL.image]
    assert not list(root.iter("enclosure"))  # RSS: no <enclosure> (no byte length known)


def test_plain_feedgen_drops_an_rss_author_without_email() -> None:
    entry = FeedEntry()
    entry.title("A")
    entry.author({"name": "Jane Doe"})
    assert b"Jane Doe" not in etree.tostring(entry.rss_entry())


def test_each_author_is_a_dc_creator_in_rss_and_an_author_in_atom() -> None:
    rss = etree.fromstring(_render("rss", [FULL]))
    assert [c.text for c in rss.iter(f"{DC}creator")] == ["Jane Doe", "Reuters"]
    assert not list(rss.iter("author"))
    atom = etree.fromstring(_render("atom", [FULL]))
    entry = atom.find(f"{ATOM}entry")
    assert entry is not None
    assert [a.findtext(f"{ATOM}name") for a in entry.iter(f"{ATOM}author")] == ["Jane Doe", "Reuters"]
    parsed = feedparser.parse(_render("rss", [FULL]))
    assert [a.name for a in parsed.entries[0].authors] == ["Jane Doe", "Reuters"]


# -- what the adapter writes -------------------------------------------------------------------
def test_rss_description_cannot_carry_live_markup() -> None:
    """Readers render <description> as HTML: the plain-text summary is HTML-escaped before it
    is XML-escaped, so an article about <script> shows the word, never runs it."""
    item = etree.fromstring(_render("rss", [FULL])).find("channel/item")
    assert item is not None
    description = item.findtext("description") or ""
    assert not_html(description) is None  # no NotHtml: "&" and "<" arrive as references
    shown = lxml_html.fragment_fromstring(description, create_parent="div")
    assert not [el for el in shown.iter() if el.tag == "script"]
    assert shown.text_content() == FULL.summary
    assert check_rss(_render("rss", [FULL])) == []


def test_the_generator_has_a_name_and_version_but_no_address() -> None:
    atom = etree.fromstring(_render("atom", [FULL]))
    generator = atom.find(f"{ATOM}generator")
    assert generator is not None and generator.text == "feedmaker"
    assert generator.get("version") == __version__ and generator.get("uri") is None
    assert etree.fromstring(_render("rss", [FULL])).findtext("channel/generator") == \
        f"feedmaker {__version__}"
    assert b"github.com" not in _render("atom", [FULL]) + _render("rss", [FULL])


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_feeds_keep_ids_dates_categories_language_and_self_link(fmt: str) -> None:
    parsed = feedparser.parse(_render(fmt, [FULL, BARE]))
    assert not parsed.bozo
    assert parsed.feed.language == "en"
    assert [e.id for e in parsed.entries] == [FULL.url, BARE.url]
    assert parsed.entries[0].published_parsed[:5] == (2022, 11, 24, 18, 32)
    assert parsed.entries[1].published_parsed[:5] == (2022, 11, 24, 18, 32)  # first_seen
    assert {t.term for t in parsed.entries[0].tags} == {"Arts&Culture", "Security", "health"}
    assert any(lk.rel == "self" and lk.href == INFO.self_url(fmt) for lk in parsed.feed.links)
    if fmt == "atom":
        assert parsed.entries[0].updated_parsed[3] == 20
        assert parsed.feed.updated_parsed[3] == 20  # the newest entry's


def test_text_xml_forbids_or_html_calls_an_error_is_dropped_before_feedgen_sees_it() -> None:
    """XML-forbidden characters (lxml refuses them) and DEL, C1 controls and noncharacters
    (html5lib's strict parse, hence the validator's NotHtml, refuses those): the guard drops
    both kinds, in ASCII text and in other text."""
    dirty = FULL.with_(title="Bell\x07 and \ud800 surrogate\x7f", summary="tab\tok\x0b\x85",
                       content="<p>x\x1fy\ufdd0 \U0001fffe</p>", authors=("A\x00B",),
                       tags=("T\ufffe",))
    ascii_only = BARE.with_(title="Delete\x7f me", summary="x\x7f")
    for fmt, check in (("atom", check_atom), ("rss", check_rss)):
        data = _render(fmt, [dirty, ascii_only])
        assert check(data) == [], check(data)
        assert b"Bell and  surrogate" in data and b"AB" in data and b"Delete me" in data
        assert not any(c.encode() in data for c in "\x7f\x85\ufdd0\U0001fffe")


def test_entries_are_stable_bytes() -> None:
    for fmt in ("atom", "rss"):
        first = entry_bytes(fmt, FULL, ["x"], WHEN, WHEN)
        assert entry_bytes(fmt, FULL, ["x"], WHEN, WHEN) == first
        assert _render(fmt, [FULL, BARE]) == _render(fmt, [FULL, BARE])


# -- OPML --------------------------------------------------------------------------------------
def _listed(title: str, home: str = "http://example.com/arts") -> Listed:
    return Listed("sample", "Arts&Culture Daily", "section", title, "sample/sections/arts", WHEN,
                  10, home=home)


def test_opml_text_escapes_cleanly_and_links_the_page() -> None:
    opml = render_opml([_listed("Arts&Culture <Weekly>")], "http://localhost:8080/")
    assert check_opml(opml) == [], check_opml(opml)
    outline = etree.fromstring(opml).find("body/outline/outline")
    assert outline is not None
    assert outline.get("htmlUrl") == "http://example.com/arts"
    shown = lxml_html.fragment_fromstring(outline.get("text") or "", create_parent="div")
    assert shown.text_content() == "Arts&Culture <Weekly>" and not len(shown)


def test_the_checker_catches_what_the_old_opml_had() -> None:
    old = (b'<?xml version="1.0" encoding="UTF-8"?><opml version="2.0"><head><title>t</title>'
           b'</head><body><outline text="S" htmlUrl="http://example.com/"><outline type="rss" '
           b'text="Arts&amp;Culture" title="Arts&amp;Culture" xmlUrl="http://e.com/a.atom"/>'
           b"</outline></body></opml>")
    problems = check_opml(old)
    assert any("NotHtml" in p for p in problems), problems
    assert any("MissingOutlineType" in p for p in problems), problems


def test_sample_site_opml_lists_pages_and_survives_an_ampersand_tag(site: SampleSite,
                                                                     config_path: Path) -> None:
    site.publish("health", "Galleries reopen", ["Arts&Culture"])
    asyncio.run(build(load_config(config_path)))
    out = config_path.parent / "feeds"
    opml = (out / "feeds.opml").read_bytes()
    assert check_opml(opml) == [], check_opml(opml)
    feeds = [o for o in etree.fromstring(opml).iter("outline") if o.get("type") == "rss"]
    assert feeds and all(o.get("htmlUrl", "").startswith(site.url) for o in feeds)
    health = next(o for o in feeds if o.get("xmlUrl", "").endswith("/sections/health.atom"))
    assert health.get("htmlUrl") == site.url.rstrip("/") + "/news/health"
    tag = next(o for o in feeds if "Arts&amp;Culture" in (o.get("text") or ""))
    assert tag.get("htmlUrl") == site.url
    data = json.loads((out / "sample" / "all.json").read_text())
    assert data["items"]


def test_rss_is_built_by_one_thread_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    # feedgen switches the process's locale to "C" around each RSS date and back: two threads
    # doing that at once could leave one's setting behind. Count how many are inside at once.
    import locale
    import threading
    import time

    inside, most = [0], [0]
    real = locale.setlocale
    guard = threading.Lock()

    def counting(category: int, value: str | None = None) -> str:
        if value == "C":
            with guard:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            time.sleep(0.001)  # widen the window a race needs
        elif value is not None:
            with guard:
                inside[0] -= 1
        return real(category, value)

    monkeypatch.setattr(locale, "setlocale", counting)

    def work() -> None:
        for i in range(30):
            entry_bytes("rss", FULL.with_(url=f"http://example.com/n/{i}"), ["Security"], WHEN, WHEN)
            feed_bytes("rss", _head("rss"), [])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most[0] == 1
