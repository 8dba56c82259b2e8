"""Tables of (html, expected) for article parsing and section listings: rules, fallbacks, sources."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from feedmaker.config import LinkRules, config_from_dict
from feedmaker.errors import ParseError
from feedmaker.links import parse_listing
from feedmaker.parse import parse_article

URL = "https://news.example.com/world/2024/05/01/some-story"


def _site(article: dict[str, object] | None = None, timezone: str = "Asia/Beirut"):  # type: ignore[no-untyped-def]
    raw = {"sites": {"x": {"url": "https://news.example.com/", "timezone": timezone,
                           "sections": {"World": "/world"}, "article": article or {}}}}
    return config_from_dict(raw, Path("test.toml")).sites["x"]


def _page(head: str = "", body: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


ARTICLE_BODY = "<article><h1>The headline</h1><p>" + "Plenty of words here. " * 30 + "</p></article>"


@pytest.mark.parametrize(("head", "body", "field", "expected", "source"), [
    # titles: JSON-LD first, then OpenGraph (without the site's name), then <h1>
    ('<script type="application/ld+json">{"@type":"NewsArticle","headline":"LD title"}</script>'
     '<meta property="og:title" content="OG title">', ARTICLE_BODY, "title", "LD title", "JSON-LD"),
    ('<meta property="og:title" content="OG title | Example News">'
     '<meta property="og:site_name" content="Example News">', ARTICLE_BODY, "title", "OG title",
     "OpenGraph"),
    ('<meta property="og:title" content="Example News - OG title">'
     '<meta property="og:site_name" content="Example News">', ARTICLE_BODY, "title", "OG title",
     "OpenGraph"),
    ('<meta property="og:title" content="Covid-19: what we know – so far">', ARTICLE_BODY, "title",
     "Covid-19: what we know – so far", "OpenGraph"),
    ("", ARTICLE_BODY, "title", "The headline", "heuristic"),
    # JSON-LD inside @graph and arrays
    ('<script type="application/ld+json">{"@graph":[{"@type":"WebPage","name":"page"},'
     '{"@type":"Article","headline":"Graph title","author":[{"name":"A"},{"name":"B"}]}]}</script>',
     ARTICLE_BODY, "author", ["A", "B"], "JSON-LD"),
    ('<script type="application/ld+json">[{"@type":"BreadcrumbList"},{"@type":"BlogPosting",'
     '"headline":"x","keywords":["One","Two"]}]</script>', ARTICLE_BODY, "tags", ["One", "Two"],
     "JSON-LD"),
    # keyword meta: CMS internals are not tags
    ('<meta name="keywords" content="Gaza, @lll, post-id:1234, 2024, https://x.y/z, Health">',
     ARTICLE_BODY, "tags", ["Gaza", "Health"], "meta"),
    ('<meta property="article:tag" content="Cell Therapy"><meta property="article:tag" content="Cancer">',
     ARTICLE_BODY, "tags", ["Cell Therapy", "Cancer"], "meta"),
    ("", ARTICLE_BODY + '<a rel="tag" href="/t/a">Alpha</a><a rel="tag" href="/t/b">Beta</a>', "tags",
     ["Alpha", "Beta"], "rel=tag"),
    # a category among the tags is the site's section: left out while there are tags
    ("", ARTICLE_BODY + '<a rel="category tag" href="/c/n">News</a><a rel="tag" href="/category/k">'
     'Kultur</a><a rel="tag" href="/tag/a">Alpha</a>', "tags", ["Alpha"], "rel=tag"),
    ("", ARTICLE_BODY + '<a rel="category tag" href="/c/n">News</a>', "tags", ["News"], "rel=tag"),
    # authors: meta without URLs, rel=author, "By" stripped
    ('<meta name="author" content="By Jane Roe">', ARTICLE_BODY, "author", ["Jane Roe"], "meta"),
    ("", ARTICLE_BODY + '<a rel="author" href="/a/j">John Doe</a>', "author", ["John Doe"], "heuristic"),
    # several people in one byline, and one meta tag each
    ('<meta name="author" content="By Jane Roe and John Doe">', ARTICLE_BODY, "author",
     ["Jane Roe", "John Doe"], "meta"),
    ('<meta name="author" content="Ann Lee, Bo Park &amp; Cy Diaz">', ARTICLE_BODY, "author",
     ["Ann Lee", "Bo Park", "Cy Diaz"], "meta"),
    ('<meta property="article:author" content="Ann Lee"><meta property="article:author" '
     'content="Bo Park">', ARTICLE_BODY, "author", ["Ann Lee", "Bo Park"], "meta"),
    # "and" only as a word: these are one name each
    ('<meta name="author" content="Andrea Anderson">', ARTICLE_BODY, "author", ["Andrea Anderson"],
     "meta"),
    # images: relative og:image made absolute
    ('<meta property="og:image" content="/img/lead.jpg">', ARTICLE_BODY, "image",
     "https://news.example.com/img/lead.jpg", "OpenGraph"),
])
def test_fallback_table(head: str, body: str, field: str, expected: object, source: str) -> None:
    parsed = parse_article(_page(head, body), URL, _site())
    value = getattr(parsed.article, "authors" if field == "author" else field)
    assert (list(value) if isinstance(value, tuple) else value) == expected
    assert parsed.sources[field] == source


@pytest.mark.parametrize(("head", "body", "expected"), [
    ('<meta property="article:published_time" content="2024-05-01T10:00:00+02:00">', ARTICLE_BODY,
     datetime(2024, 5, 1, 8, 0, tzinfo=UTC)),
    # no zone on the page: the site's zone (Beirut, +03:00 in May)
    ("", ARTICLE_BODY + '<time datetime="2024-05-01T10:00">1 May</time>',
     datetime(2024, 5, 1, 7, 0, tzinfo=UTC)),
    ("", ARTICLE_BODY + '<div class="date">Published 24 Nov 2022 18:32</div>',
     datetime(2022, 11, 24, 16, 32, tzinfo=UTC)),
    # nothing on the page but the date in its URL (found by htmldate): midnight, site zone
    ("", ARTICLE_BODY, datetime(2024, 4, 30, 21, 0, tzinfo=UTC)),
])
def test_published_dates(head: str, body: str, expected: datetime | None) -> None:
    assert parse_article(_page(head, body), URL, _site()).article.published == expected


def test_no_date_anywhere_is_no_date() -> None:
    page = _page("", ARTICLE_BODY + "<footer>© 2024 Example News</footer>")
    assert parse_article(page, "https://news.example.com/world/some-story", _site()).article.published is None


def test_rules_come_first_and_name_their_selector() -> None:
    html = _page('<meta property="og:title" content="OG">', ARTICLE_BODY +
                 '<div class="tags"><a>Cell Therapy</a><a>Cancer</a></div>'
                 '<span class="when" data-ts="2023-01-02T03:04:05Z">x</span>')
    parsed = parse_article(html, URL, _site({"title": "h1", "tags": ".tags a",
                                             "published": ".when@data-ts"}))
    assert parsed.article.title == "The headline" and parsed.sources["title"] == "selector h1"
    assert parsed.article.tags == ("Cell Therapy", "Cancer")
    assert parsed.article.published == datetime(2023, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert parsed.sources["published"] == "selector .when@data-ts"


def test_a_rule_that_matches_nothing_falls_back() -> None:
    parsed = parse_article(_page("", ARTICLE_BODY), URL, _site({"title": ".gone"}))
    assert parsed.article.title == "The headline" and parsed.sources["title"] == "heuristic"


def test_remove_rules_and_junk_stay_out_of_content() -> None:
    body = ('<div class="article-body"><p>Real text one.</p><div class="ad">BUY NOW</div>'
            '<div class="share-bar">Share on X</div><h3>Read Next</h3><ul><li><a href="/o">Other'
            '</a></li></ul><script>evil()</script><p onclick="x()">Real text two.</p></div>')
    parsed = parse_article(_page("<title>T</title>", "<h1>T</h1>" + body), URL,
                           _site({"content": ".article-body"}))
    content = parsed.article.content or ""
    assert "Real text one." in content and "Real text two." in content
    for junk in ("BUY NOW", "Share on", "Read Next", "evil", "onclick"):
        assert junk not in content


def test_canonical_link_is_the_id_unless_it_points_home() -> None:
    head = '<link rel="canonical" href="https://news.example.com/world/story?utm_source=x">'
    assert parse_article(_page(head, ARTICLE_BODY), URL + "?ref=home", _site()).article.url == \
        "https://news.example.com/world/story"
    home = '<link rel="canonical" href="https://news.example.com/">'
    assert parse_article(_page(home, ARTICLE_BODY), URL, _site()).article.url == URL


def test_a_page_without_any_title_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="no title"):
        parse_article("<html><body><p>text</p></body></html>", URL, _site())


LISTING = """<html><body>
<nav><a href="/world/2024/05/01/menu-link-story">Menu link story headline</a></nav>
<div class="ticker"><a href="/sport/2024/05/01/ticker-story-elsewhere">Ticker story elsewhere</a></div>
<main>
  <div class="card"><a href="/world/2024/05/01/first-story?utm_source=x">First story headline</a></div>
  <div class="card"><a href="/world/2024/05/01/first-story#comments">First story headline (12)</a></div>
  <div class="card"><a href="/world/2024/05/02/second-story">Second story headline</a></div>
  <a href="/tags/world">World</a> <a href="javascript:void(0)">JS</a> <a href="mailto:x@y">Mail</a>
  <a href="https://other.example.org/world/2024/05/01/offsite">Offsite headline story</a>
  <a rel="next" href="/world?page=2">Next</a>
</main>
<aside class="most-read"><a href="/world/2024/04/01/old-popular-story">Old popular story</a></aside>
</body></html>"""


def test_listing_by_rules_skips_furniture_duplicates_and_other_hosts() -> None:
    rules = LinkRules(include=re.compile(r"^/(world|sport)/\d{4}/"), exclude=(re.compile("^/tags/"),))
    listing = parse_listing(LISTING, "https://news.example.com/world", "https://news.example.com/world",
                            rules, "news.example.com")
    assert [link.url for link in listing.links] == [
        "https://news.example.com/world/2024/05/01/first-story",
        "https://news.example.com/world/2024/05/02/second-story"]
    assert listing.links[0].title == "First story headline (12)"
    assert listing.next_url == "https://news.example.com/world?page=2"


def test_listing_with_a_container_selector_keeps_what_it_selects() -> None:
    rules = LinkRules(selector="aside a", include=re.compile(r"^/world/"))
    listing = parse_listing(LISTING, "https://news.example.com/world", "https://news.example.com/world",
                            rules, "news.example.com")
    assert [link.url for link in listing.links] == ["https://news.example.com/world/2024/04/01/old-popular-story"]


def test_a_canonical_pointing_at_a_section_page_is_ignored() -> None:
    """Two articles whose canonical is their section page must stay two articles."""
    for head in ('<link rel="canonical" href="https://news.example.com/world">',
                 '<meta property="og:url" content="https://news.example.com/world/">'):
        assert parse_article(_page(head, ARTICLE_BODY), URL, _site()).article.url == URL


@pytest.mark.parametrize(("remove", "left"), [
    ([".ad", ".ad span", "script"], ["keep", "also"]),  # nested matches: no double free
    ([".ad", "p:first-child"], ["also"]),  # removing .ad makes "keep" the first child, as before
    ([], ["ad", "keep", "also"]),
])
def test_remove_rules_drop_every_match_in_one_pass_or_in_order(remove: list[str], left: list[str]) -> None:
    from selectolax.lexbor import LexborHTMLParser

    from feedmaker.parse import _remove

    tree = LexborHTMLParser('<div><p class="ad"><span>ad</span></p><p>keep</p><p>also</p>'
                            "<script>x()</script></div>")
    _remove(tree, remove)
    assert [p.text() for p in tree.css("p")] == left


@pytest.mark.parametrize("css", [".tags a", "ul li", ".x .x", "div.a span", "section p.lead",
                                 ".tags > a", "a", ".tags a, .more a", "nav a[href]"])
def test_descendant_rules_find_what_lexbor_finds_in_the_same_order(css: str) -> None:
    from selectolax.lexbor import LexborHTMLParser

    from feedmaker.parse import _select_all

    tree = LexborHTMLParser(
        '<div class="x tags a"><a>1</a><ul><li>2<ul><li>3</li></ul></li></ul><span>4</span>'
        '<div class="x"><a>5</a><div class="x tags"><a>6</a></div></div></div>'
        '<section><p class="lead">7</p><p>8</p></section><nav><a href="/">9</a></nav>'
        '<div class="more"><a>10</a></div>')
    assert [n.mem_id for n in _select_all(tree, css)] == [n.mem_id for n in tree.css(css)]


def test_a_content_rule_matching_a_link_keeps_what_is_inside_it() -> None:
    """Only what is inside the match is content: the matched <a> itself is not unwrapped."""
    site = _site({"title": "h1", "content": "a.story"})
    html = _page(body='<h1>Headline</h1><a class="story" href="javascript:void(0)"><p>'
                      + "Long article text. " * 20 + '</p><img src="/i.jpg"></a>')
    parsed = parse_article(html, "https://news.example.com/world/a", site)
    assert parsed.sources["content"] == "selector a.story"
    assert "Long article text." in (parsed.article.content or "")
    assert 'src="https://news.example.com/i.jpg"' in (parsed.article.content or "")


@pytest.mark.parametrize("first", ['[data-x="1]', ".share\\", ".zzz /*"])
def test_a_remove_rule_that_would_run_on_into_the_next_is_applied_alone(first: str) -> None:
    from selectolax.lexbor import LexborHTMLParser

    from feedmaker.parse import _remove

    tree = LexborHTMLParser('<p class="x">a</p><aside class="ad">b</aside>')
    _remove(tree, [first, ".ad"])
    assert tree.css_first(".ad") is None and tree.css_first(".x") is not None


@pytest.mark.parametrize(("head", "html_lang", "expected"), [
    ("", "en-us", "en-US"),
    ("", "pt_BR", "pt-BR"),
    ('<meta property="og:locale" content="de_DE">', "", "de-DE"),
    ('<script type="application/ld+json">{"@type":"NewsArticle","headline":"x",'
     '"inLanguage":"fr"}</script>', "", "fr"),
    ("", "not a language", None),
    ("", "", None),
])
def test_language(head: str, html_lang: str, expected: str | None) -> None:
    lang = f' lang="{html_lang}"' if html_lang else ""
    page = _page(head, ARTICLE_BODY).replace("<html>", f"<html{lang}>")
    assert parse_article(page, URL, _site()).article.language == expected


# ------------------------------------------------------------------ pages with no rules, by kind
def _ld(obj: str) -> str:
    return f'<script type="application/ld+json">{obj}</script>'


YOAST = _ld('{"@context":"https://schema.org","@graph":['
            '{"@type":"Article","@id":"https://news.example.com/a/#article","headline":"Yoast headline",'
            '"author":{"name":"Jane Roe","@id":"https://news.example.com/#/schema/person/1"},'
            '"publisher":{"@id":"https://news.example.com/#organization"},'
            '"image":{"@id":"https://news.example.com/a/#primaryimage"},'
            '"datePublished":"2024-05-01T10:00:00+00:00"},'
            '{"@type":"WebPage","@id":"https://news.example.com/a/","name":"Yoast headline - Example"},'
            '{"@type":"ImageObject","@id":"https://news.example.com/a/#primaryimage",'
            '"url":"https://news.example.com/img/lead.jpg","width":1200},'
            '{"@type":"Person","@id":"https://news.example.com/#/schema/person/2","name":"John Doe"},'
            '{"@type":"Organization","@id":"https://news.example.com/#organization","name":"Example News"}'
            ']}')


@pytest.mark.parametrize(("head", "body", "field", "expected"), [
    # Yoast's @graph: references by @id resolved, never the "#primaryimage" anchor as the image
    (YOAST, ARTICLE_BODY, "image", "https://news.example.com/img/lead.jpg"),
    (YOAST, ARTICLE_BODY, "title", "Yoast headline"),
    (YOAST.replace('"author":{"name":"Jane Roe",', '"author":{'), ARTICLE_BODY, "author", []),
    (YOAST.replace('"author":{"name":"Jane Roe","@id":"https://news.example.com/#/schema/person/1"}',
                   '"author":[{"@id":"https://news.example.com/#/schema/person/2"}]'), ARTICLE_BODY,
     "author", ["John Doe"]),
    # XHTML pages wrap JSON-LD in CDATA
    ('<script type="application/ld+json">//<![CDATA[\n{"@type":"Article","headline":"In CDATA",'
     '"datePublished":"2003-02-28T21:51:08Z"}\n//]]></script>', ARTICLE_BODY, "title", "In CDATA"),
    # people as givenName/familyName
    (_ld('{"@type":"NewsArticle","headline":"x","author":[{"@type":"Person","givenName":"Anna Giulia",'
         '"familyName":"Fink"}]}'), ARTICLE_BODY, "author", ["Anna Giulia Fink"]),
    # one JSON-LD string naming several people
    (_ld('{"@type":"NewsArticle","headline":"x","author":{"@type":"Person",'
         '"name":"Ann Lee, Bo Park and Cy Diaz"}}'), ARTICLE_BODY, "author",
     ["Ann Lee", "Bo Park", "Cy Diaz"]),
])
def test_json_ld_kinds(head: str, body: str, field: str, expected: object) -> None:
    article = parse_article(_page(head, body), URL, _site()).article
    value = getattr(article, "authors" if field == "author" else field)
    assert (list(value) if isinstance(value, tuple) else value) == expected


SITE = '<meta property="og:site_name" content="Example News">'


@pytest.mark.parametrize(("head", "body", "url", "expected"), [
    # the site's name after the headline, named only by the host
    ('<meta property="og:title" content="Samsung must destroy phones - Golem.de">', ARTICLE_BODY,
     "https://www.golem.de/news/x.html", "Samsung must destroy phones"),
    # ... or by og:site_name, in JSON-LD as well
    (SITE + _ld('{"@type":"NewsArticle","headline":"Pipeline flagged - Example News"}'), ARTICLE_BODY,
     URL, "Pipeline flagged"),
    # "Headline | Section | Site": the section goes when the page also gives the bare headline
    (SITE + _ld('{"@type":"NewsArticle","headline":"Bomber back | Sport"}') +
     '<meta property="og:title" content="Bomber back">', ARTICLE_BODY, URL, "Bomber back"),
    # "Site: Headline", and a dangling separator
    ('<meta property="og:title" content="Example News: Council votes :: ">' + SITE, ARTICLE_BODY, URL,
     "Council votes"),
    # a headline that merely mentions the site keeps its words
    ('<meta property="og:site_name" content="Dropbox">'
     '<meta property="og:title" content="How we designed Dropbox\'s ATF - an async task framework">',
     ARTICLE_BODY, "https://dropbox.tech/x", "How we designed Dropbox's ATF - an async task framework"),
    # a JSON-LD "headline" that no other source repeats (a description) loses to one that is
    (_ld('{"@type":"Article","headline":"matrix equal to its conjugate-transpose",'
         '"name":"Hermitian matrix"}') + "<title>Hermitian matrix - Wikipedia</title>",
     "<h1>Hermitian matrix</h1>" + ARTICLE_BODY.replace("<h1>The headline</h1>", ""), URL,
     "Hermitian matrix"),
    # a site's logo in the first <h1>: the <h1> that the <title> repeats wins
    ("<title>Council votes on bike lanes | Example</title>",
     "<h1>Example</h1>" + ARTICLE_BODY.replace("The headline", "Council votes on bike lanes"), URL,
     "Council votes on bike lanes"),
    # the visible headline, repeated by og:title, beats a JSON-LD headline written for search
    # (which the <title> repeats)
    (_ld('{"@type":"NewsArticle","headline":"Bike lanes: council vote explained, all you need to know"}')
     + "<title>Bike lanes: council vote explained, all you need to know</title>"
     + '<meta property="og:title" content="Council votes for bike lanes | Example News">' + SITE,
     ARTICLE_BODY.replace("The headline", "Council votes for bike lanes"), URL,
     "Council votes for bike lanes"),
    # ... in the metadata's wording when the heading's parts run together ("Kicker : Headline")
    ('<meta property="og:title" content="LTE patent: Samsung must destroy phones">',
     ARTICLE_BODY.replace("The headline", "<span>LTE patent</span> : <span>Samsung must destroy "
                          "phones</span>"), URL, "LTE patent: Samsung must destroy phones"),
    # an SEO title in an <h1> inside the breadcrumb is not the headline; a kicker over the
    # headline is left out when the metadata gives the headline alone
    (_ld('{"@type":"NewsArticle","headline":"Olympics: Germany beats France, at last"}') +
     '<meta property="og:title" content="Germany beats France">',
     '<nav class="breadcrumb"><a href="/">Home</a><h1>Olympics: Germany beats France, at last</h1></nav>'
     + ARTICLE_BODY.replace("The headline", '<span class="kicker">Olympics</span> Germany beats France'),
     URL, "Germany beats France"),
    # the site's logo (a link home) in the <h1>, the headline in an <h2> that the <title> names
    ("<title>Get your code covered | Code | Jane Roe</title>",
     '<h1><a href="/">Hi, I\'m <strong>Jane</strong>.</a></h1><h2>Get your code covered</h2>' +
     ARTICLE_BODY.replace("<h1>The headline</h1>", ""), URL, "Get your code covered"),
    # a Chinese portal's "headline_channel_site"
    ("<title>海外留学生看两会：出国前后关注点大不同_教育频道_中国青年网</title>",
     "<p>" + "正文内容。" * 40 + "</p>", URL, "海外留学生看两会：出国前后关注点大不同"),
    # a documentation page: the headline's permalink mark is not part of it
    ("<title>Evolve: Shared Mutable History — evolve docs</title>",
     '<h1 class="heading"><a href="index.html"><span>evolve docs</span></a></h1>'
     '<h1>Evolve: Shared Mutable History<a class="headerlink" href="#evolve">¶</a></h1>' +
     ARTICLE_BODY.replace("<h1>The headline</h1>", ""), URL, "Evolve: Shared Mutable History"),
    # a <meta> headline (name="headline" or itemprop) written beside an og:title that carries
    # "-Section | Site" glued on, with no heading over the article
    ('<meta name="headline" content="Council votes on bike lanes">'
     '<meta property="og:title" content="Council votes on bike lanes-Politics | Example News">' + SITE,
     "<p>" + "Plenty of words here. " * 30 + "</p>", URL, "Council votes on bike lanes"),
    # a kicker that og:title keeps and the JSON-LD headline drops: og:title is asked first
    (_ld('{"@type":"NewsArticle","headline":"The ninth of July nears: unions show strength"}') +
     '<meta property="og:title" content="National demo / The ninth of July nears: unions show strength">',
     ARTICLE_BODY.replace("The headline", '<span class="kicker">National demo</span> '
                          "The ninth of July nears: unions show strength"), URL,
     "National demo / The ninth of July nears: unions show strength"),
    # a kicker and a hidden " - " over the headline, og:title under another kicker: the
    # headline both give
    ('<meta property="og:title" content="Attack on the border: «Restraint has a price»">',
     ARTICLE_BODY.replace("The headline", '<span class="overline">Escalation in the region</span>'
                          '<span class="offscreen"> - </span><span>«Restraint has a price»</span>'),
     URL, "«Restraint has a price»"),
    # og:title is the visible headline (which JSON-LD repeats) with words cut: its short form
    (_ld('{"@type":"NewsArticle","headline":"Chelsea send a clear message at Cobham in battling '
         'win over Spurs"}') + '<meta property="og:title" content="Chelsea send a clear message '
     'at Cobham | Example News">' + SITE,
     ARTICLE_BODY.replace("The headline", "Chelsea send a clear message at Cobham in battling win "
                          "over Spurs"), URL, "Chelsea send a clear message at Cobham"),
    # ... but not one cut at a length limit ("…"), nor one that rewords it
    (_ld('{"@type":"NewsArticle","headline":"Chelsea send a clear message at Cobham in battling '
         'win over Spurs"}') + '<meta property="og:title" content="Chelsea send a clear message '
     'at Cobham in…">', ARTICLE_BODY.replace("The headline", "Chelsea send a clear message at "
                                              "Cobham in battling win over Spurs"), URL,
     "Chelsea send a clear message at Cobham in battling win over Spurs"),
    (_ld('{"@type":"NewsArticle","headline":"Chelsea send a clear message at Cobham in battling '
         'win over Spurs"}') + '<meta property="og:title" content="Chelsea send a message at '
     'Cobham with a win">', ARTICLE_BODY.replace("The headline", "Chelsea send a clear message at "
                                                 "Cobham in battling win over Spurs"), URL,
     "Chelsea send a clear message at Cobham in battling win over Spurs"),
    # ... nor one cut at a length limit without the "…": it stops on a short word or a comma
    *((_ld('{"@type":"NewsArticle","headline":"Marathon 2024: a clear winner and a new record, '
           'at last"}') + f'<meta property="og:title" content="{cut}">',
       ARTICLE_BODY.replace("The headline", "Marathon 2024: a clear winner and a new record, at last"),
       URL, "Marathon 2024: a clear winner and a new record, at last")
      for cut in ("Marathon 2024: a clear winner and", "Marathon 2024: a clear winner and a new record,")),
])
def test_titles(head: str, body: str, url: str, expected: str) -> None:
    assert parse_article(_page(head, body), url, _site()).article.title == expected


@pytest.mark.parametrize(("head", "body", "lang", "expected"), [
    ('<meta name="author" content="Von Felix Schröder und Jörg Soldwisch, dpa">', ARTICLE_BODY, "de",
     ["Felix Schröder", "Jörg Soldwisch", "dpa"]),
    ('<meta name="author" content="Trine Jørgensen og Tôrtia Reimer-Johansen">', ARTICLE_BODY, "da",
     ["Trine Jørgensen", "Tôrtia Reimer-Johansen"]),
    ('<meta name="author" content="Por César Salza">', ARTICLE_BODY, "es", ["César Salza"]),
    ('<meta name="author" content="Martin Untersinger (avec Damien Leloup et Morgane Tual)">',
     ARTICLE_BODY, "fr", ["Martin Untersinger", "Damien Leloup", "Morgane Tual"]),
    # roles, degrees, initials, URLs, e-mail addresses and dates glued to a byline
    ('<meta name="author" content="Jane Roe, Staff Writer">', ARTICLE_BODY, "en", ["Jane Roe"]),
    ('<meta name="author" content="Brenda Goodman, MA">', ARTICLE_BODY, "en", ["Brenda Goodman"]),
    ('<meta name="author" content="Elena Oberholzer (obe), Oliver Maksan (oma)">', ARTICLE_BODY, "de",
     ["Elena Oberholzer", "Oliver Maksan"]),
    ('<meta name="author" content="Bradley M. Kuhn (http://ebb.org/bkuhn/)">', ARTICLE_BODY, "en",
     ["Bradley M. Kuhn"]),
    ('<meta name="author" content="Dan Goodin - Apr 16, 2015 8:02 pm UTC">', ARTICLE_BODY, "en",
     ["Dan Goodin"]),
    ('<meta name="author" content="Steven Musil January 18, 2017 11:00 PM PST @stevenmusil">',
     ARTICLE_BODY, "en", ["Steven Musil"]),
    ('<meta name="author" content="Rob Ewaschuk Edited by Betsy Beyer">', ARTICLE_BODY, "en",
     ["Rob Ewaschuk"]),
    ('<meta name="author" content="신현주 기자">', ARTICLE_BODY, "ko", ["신현주"]),
    ('<meta name="author" content="j.roe@news.example.com">', ARTICLE_BODY, "en", []),
    # the publisher's name is not an author while the page names a person ...
    ('<meta name="author" content="Example News">' + SITE,
     ARTICLE_BODY.replace("</h1>", '</h1><p class="byline">By Jane Roe</p>'), "en", ["Jane Roe"]),
    # ... and is one when it names nobody else
    ('<meta name="author" content="Example News">' + SITE, ARTICLE_BODY, "en", ["Example News"]),
    # visible bylines: only what reads as names ("Follow", "Published" are buttons and labels)
    ("", ARTICLE_BODY.replace("</h1>", '</h1><div class="article__author">Follow</div>'
                              '<div class="author-name">Jane Roe <span>Monday, May 6, 2024</span></div>'),
     "en", ["Jane Roe"]),
    ("", ARTICLE_BODY.replace("</h1>", '</h1><div class="comment-author">Troll</div>'), "en", []),
])
def test_authors(head: str, body: str, lang: str, expected: list[str]) -> None:
    page = _page(head, body).replace("<html>", f'<html lang="{lang}">')
    assert list(parse_article(page, URL, _site()).article.authors) == expected


@pytest.mark.parametrize(("head", "body", "lang", "expected"), [
    # a zone-less date takes the offset another date of the page gives the same wall-clock time
    (_ld('{"@type":"NewsArticle","headline":"x","datePublished":"2023-04-28 18:11:01.0"}') +
     '<meta name="date" content="2023-04-28T18:11:01+02:00">', ARTICLE_BODY, "de",
     "2023-04-28T18:11:01+02:00"),
    # an offset the page gives is kept (the store writes UTC; the page's local time stays visible)
    ('<meta property="article:published_time" content="2024-04-24T22:58:49+02:00">', ARTICLE_BODY, "de",
     "2024-04-24T22:58:49+02:00"),
    # dates in words of the page's language, visible only
    ("", ARTICLE_BODY + '<div class="date">Veröffentlicht am 1. Februar 2022, 10:00 Uhr</div>', "de",
     "2022-02-01T10:00:00+02:00"),
    ("", ARTICLE_BODY + '<span class="post-date">Publicado el 4 de mayo de 2023</span>', "es",
     "2023-05-04T00:00:00+03:00"),
    # a teaser's date in a heading or a link is another article's
    ("", '<div class="teaser"><h2><a href="/o">Other story <span class="date">24.04.2023</span></a></h2>'
         '</div>' + ARTICLE_BODY + '<p class="dateline">28.04.2023</p>', "de", "2023-04-28T00:00:00+03:00"),
])
def test_published_kinds(head: str, body: str, lang: str, expected: str) -> None:
    page = _page(head, body).replace("<html>", f'<html lang="{lang}">')
    published = parse_article(page, "https://news.example.com/world/some-story", _site()).article.published
    assert published is not None and published.isoformat() == expected


def test_json_ld_article_body_beats_a_visible_teaser() -> None:
    paragraphs = [f"Paragraph {i} of the whole story, with enough words to count as prose here."
                  for i in range(12)]
    body = json.dumps("\n".join(paragraphs))
    head = _ld('{"@type":"NewsArticle","headline":"x","articleBody":' + body + "}")
    teaser = "<article><h1>x</h1><p>" + paragraphs[0] + " " + paragraphs[1] + "</p></article>"
    parsed = parse_article(_page(head, teaser), URL, _site())
    assert parsed.sources["content"] == "JSON-LD"
    assert all(f"<p>{p}</p>" in (parsed.article.content or "") for p in paragraphs)


@pytest.mark.parametrize(("head", "body", "expected"), [
    # CMS internals among the keywords: typed labels, content ids, hosts, counters
    (_ld('{"@type":"NewsArticle","headline":"x","keywords":["8ae9ab2d-fe1b-4230-acb8-a59b52877682",'
         '"Category: Travel","NLP Entity Tokens: Jasper","example.com","(1)","Jasper park"]}'),
     ARTICLE_BODY, ["Jasper park"]),
    # ... and a CMS's flags named like a program's variables
    (_ld('{"@type":"NewsArticle","headline":"x","keywords":["editors_pick","steel tariffs"]}'),
     ARTICLE_BODY, ["steel tariffs"]),
    # ... and a wire service's subject codes, the whole list (the section is the category); a few
    # acronyms are tags
    ('<meta name="keywords" content="AER,AERO,AIRL,INDG08,TRAN,SWASIA,MEAST,ASXPAC">'
     '<meta property="article:section" content="Aerospace &amp; Defense">', ARTICLE_BODY,
     ["Aerospace & Defense"]),
    ('<meta name="keywords" content="NATO,EU,USA,Ukraine">', ARTICLE_BODY, ["NATO", "EU", "USA", "Ukraine"]),
    # ... but a colon in a lone tag, and a company named by its domain, are tags
    ('<meta name="keywords" content="Star Wars: Andor, Booking.com, example.com">', ARTICLE_BODY,
     ["Star Wars: Andor", "Booking.com"]),
    # one article:tag holding a comma-separated list
    ('<meta property="article:tag" content="Spain,Europe,World news">', ARTICLE_BODY,
     ["Spain", "Europe", "World news"]),
    # CJK keywords joined by spaces
    ('<meta name="keywords" content="深空探测 探月工程 太空">', ARTICLE_BODY,
     ["深空探测", "探月工程", "太空"]),
    # the author's name is a byline link, not a subject
    ('<meta name="author" content="Victoria O’Regan">'
     '<meta name="keywords" content="ICJ, Israel, Victoria O’Regan">', ARTICLE_BODY, ["ICJ", "Israel"]),
    # typed tag ids
    (_ld('{"@type":"NewsArticle","headline":"x","keywords":["sections/sverige","topic/misshandel"]}'),
     ARTICLE_BODY, ["sverige", "misshandel"]),
    # the publisher's tags (meta) before JSON-LD keywords written for search engines
    ('<meta name="news_keywords" content="Boxen,Tyson Fury,Wladimir Klitschko">' +
     _ld('{"@type":"NewsArticle","headline":"x","keywords":"Boxen Tyson Fury Wladimir Klitschko"}'),
     ARTICLE_BODY, ["Boxen", "Tyson Fury", "Wladimir Klitschko"]),
    # ... unless the meta list holds entries the page repeats nowhere else while its other
    # lists (tag links, a tool's tag slugs) bear out each JSON-LD keyword: the extra is the section
    ('<meta name="news_keywords" content="Health, Weight Loss">' +
     _ld('{"@type":"NewsArticle","headline":"x","keywords":["Weight Loss"]}'),
     ARTICLE_BODY + '<div class="tags"><a href="/t/weight-loss">Weight Loss</a></div>', ["Weight Loss"]),
    ('<meta name="keywords" content="Card fraud probe, Payment firm probe">'
     '<meta name="dyg:tags" content="news-detail,turkiye,tefecilik,sorusturma">' +
     _ld('{"@type":"NewsArticle","headline":"x","keywords":"Tefecilik, Soruşturma"}'), ARTICLE_BODY,
     ["Tefecilik", "Soruşturma"]),
    # ... and the meta list stays when the page repeats it, or nothing bears out either list
    ('<meta name="news_keywords" content="Wirtschaft, Bahn">' +
     _ld('{"@type":"NewsArticle","headline":"x","keywords":["Bahn"]}'),
     ARTICLE_BODY + '<div class="tags"><a href="/t/w">Wirtschaft</a><a href="/t/b">Bahn</a></div>',
     ["Wirtschaft", "Bahn"]),
    ('<meta name="news_keywords" content="Health, Weight Loss">' +
     _ld('{"@type":"NewsArticle","headline":"x","keywords":["Weight Loss"]}'), ARTICLE_BODY,
     ["Health", "Weight Loss"]),
    # a section front among the links to tag pages of a tag list is the site's section
    ("", ARTICLE_BODY + '<div class="tag-list"><a href="/sport/">Sport</a>'
     '<a href="/tag/world-cup-2026/">World Cup 2026</a></div>', ["World Cup 2026"]),
    # a tag list named by class, and links to topic pages
    ("", ARTICLE_BODY + '<div class="articleTags"><span><a href="/person/giorgia-meloni/">Giorgia Meloni'
     "</a></span></div>", ["Giorgia Meloni"]),
    ("", ARTICLE_BODY + '<p>Filed under <a href="/temas/incendios/">Incendios</a></p>', ["Incendios"]),
    # topic links in the menu and in the article's sentences are not its tags: the list after
    # its text is (each link in a wrapper of its own here)
    ("", '<div class="menu"><a href="/thema/sport">Sport</a> <a href="/thema/wetter">Wetter</a></div>'
     + ARTICLE_BODY.replace("</p>", ' Spies meet in <a href="/thema/genf">Geneva</a> and in other '
                            "places, as the report says at length.</p>") +
     '<div class="article-footer"><div><a href="/thema/genf">Genf</a></div>'
     '<div><a href="/thema/spionage">Spionage</a></div></div>', ["Genf", "Spionage"]),
    # a list of links under a label naming them as the article's topics
    ("", ARTICLE_BODY + '<div><div><h4>Mehr lesen über</h4></div><ul><li><a href="/wirtschaft/energie/">'
     'Energie</a></li><li><a href="/panorama/berlin/">Berlin</a></li></ul></div>', ["Energie", "Berlin"]),
    # ... "related topics" in the page's language; a link home among topic links after the
    # text is not a tag
    ("", ARTICLE_BODY + '<div><h2>Ähnliche Themen</h2><aside><a href="/de/long-covid/t-64475679">Long '
     'COVID</a><a href="/de/coronavirus/t-52106276">Coronavirus</a></aside></div>'
     '<a href="/de/themen/s-9077">Zur Startseite</a>', ["Long COVID", "Coronavirus"]),
    # keyword meta under a CMS's own name, but not a tracking tool's ("cxenseparse:keywords")
    ('<meta name="cxenseparse:keywords" content="ai,enterprise"><meta name="custom-keywords" '
     'content="Aufsichtsrat, Deutsche Bank">', ARTICLE_BODY, ["Aufsichtsrat", "Deutsche Bank"]),
    ('<meta name="classification-tags" content="china,congress,fbi">', ARTICLE_BODY,
     ["china", "congress", "fbi"]),
    # "breaking news" flags a story, it is not its topic
    ('<meta name="keywords" content="国際,速報,中東">', ARTICLE_BODY, ["国際", "中東"]),
    ('<meta property="article:tag" content="Breaking News"><meta property="article:tag" content="Wildfires">',
     ARTICLE_BODY, ["Wildfires"]),
    # the site's names with the bare words for news and newspaper: its boilerplate for search
    # engines around the article's tags ...
    ('<meta property="og:site_name" content="Example Shimbun Digital">'
     '<meta name="keywords" content="Example Shimbun Digital,社会,宮崎県,Example Shimbun,ニュース,新聞">',
     ARTICLE_BODY, ["社会", "宮崎県"]),
    # ... but the bare word alone is a tag, and so is the site's name alone
    # ... not when the word for news is what makes the tag look like the site's name
    ('<meta property="og:site_name" content="Newsday"><meta name="keywords" content="News, Wildfire">',
     ARTICLE_BODY, ["News", "Wildfire"]),
    ('<meta name="keywords" content="News, Basketball">' + SITE, ARTICLE_BODY, ["News", "Basketball"]),
    # no tags anywhere: the article's section is its category
    (_ld('{"@type":"NewsArticle","headline":"x","articleSection":"Esteri"}'), ARTICLE_BODY, ["Esteri"]),
    ('<meta property="article:section" content="Money">', ARTICLE_BODY, ["Money"]),
    # ... below the site's news front, the root of its section path
    (_ld('{"@type":"NewsArticle","headline":"x","articleSection":["ニュース","社会"]}'), ARTICLE_BODY,
     ["社会"]),
    (_ld('{"@type":"NewsArticle","headline":"x","articleSection":["News"]}'), ARTICLE_BODY, ["News"]),
    # a mailing tool's slugs only when the page lists its tags nowhere else: here a topic list
    # in a <nav> of its own
    ('<meta name="sailthru.tags" content="sport,tennis,andy-murray">', ARTICLE_BODY +
     '<nav class="site__topic-list"><h4>Topics</h4><ul><li><a href="/topic/andy-murray">Andy Murray</a>'
     '</li><li><a href="/topic/us-open">US Open</a></li></ul></nav>', ["Andy Murray", "US Open"]),
    ('<meta name="sailthru.tags" content="sport,tennis,andy-murray">', ARTICLE_BODY,
     ["sport", "tennis", "andy-murray"]),
    # ... but not when the nearest box holding links is the article itself
    ("", "<article><h1>The headline</h1><h4>Themen</h4><p>" + " ".join(
        f'Word <a href="/p/{i}">link{i}</a> and more words.' for i in range(30)) + "</p></article>", []),
    # the site named as the author is still a tag; a person named as the author is not
    ('<meta property="article:author" content="Example News"><meta name="author" content="Jane Roe">'
     '<meta name="keywords" content="Example News, Fire brigade, Jane Roe">' + SITE, ARTICLE_BODY,
     ["Example News", "Fire brigade"]),
])
def test_tags(head: str, body: str, expected: list[str]) -> None:
    assert list(parse_article(_page(head, body), URL, _site()).article.tags) == expected


def test_a_numbered_www_host_is_the_site_itself() -> None:
    # "www1.wdr.de" names the site "wdr": a keyword "WDR" by the author "WDR" is the site's tag
    page = _page('<meta property="article:author" content="WDR">'
                 '<meta name="keywords" content="WDR, Feuerwehr">', ARTICLE_BODY)
    assert list(parse_article(page, "https://www1.wdr.de/nachrichten/x.html", _site()).article.tags) == \
        ["WDR", "Feuerwehr"]
