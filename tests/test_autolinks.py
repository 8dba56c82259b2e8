"""The automatic link picker: tables of (listing HTML, expected article links)."""

from __future__ import annotations

import pytest

from feedmaker.autolinks import article_shaped, template_of
from feedmaker.config import LinkRules
from feedmaker.links import AUTO, parse_listing

SITE = "https://news.example.com"
SECTION = SITE + "/news/politics"


def _page(body: str) -> str:
    return f"<html><body>{body}</body></html>"


def _cards(*paths: str, cls: str = "card") -> str:
    return "".join(f'<div class="{cls}"><a href="{p}"><img src="/i.jpg"></a>'
                   f'<h3><a href="{p}">Headline number {i} about the news today</a></h3></div>'
                   for i, p in enumerate(paths))


def _picked(body: str, section: str = SECTION) -> list[str]:
    listing = parse_listing(_page(body), section, section, LinkRules(), "news.example.com")
    assert listing.source == AUTO
    return [u.removeprefix(SITE) for u in (link.url for link in listing.links)]


CARDS = _cards("/news/politics/yemen-truce-talks-resume", "/news/politics/iraq-budget-deal-ends",
               "/articles/opinion/elections-without-trust-are-theatre")


@pytest.mark.parametrize(("furniture", "why"), [
    ('<nav><a href="/news/health/a-nav-story-with-a-long-slug">A nav story with a long slug</a></nav>',
     "nav"),
    ('<header class="site-header"><a href="/news/world/header-promo-story-slug">Header promo '
     "story</a></header>", "page header"),
    ('<footer><a href="/news/world/footer-story-with-slug">Footer story with slug</a></footer>',
     "footer"),
    ('<aside class="most-read"><ol><li><a href="/news/world/most-read-story-one">Most read story '
     'one</a></li><li><a href="/news/world/most-read-story-two">Most read story two</a></li></ol>'
     "</aside>", "aside"),
    ('<div class="ticker"><a href="/news/world/breaking-story-in-ticker">Breaking story in the '
     'ticker</a> <a href="/news/world/another-ticker-story-here">Another ticker story here</a>'
     "</div>", "ticker"),
    ('<div class="card"><a href="/tags/Climate-Change-And-Water">Climate Change And Water</a>'
     '<a href="/authors/hassan-ali-azar">Hassan Ali Azar</a></div>', "tag and author pages"),
    ('<div class="card"><a href="/video/series/gaza-in-numbers">Gaza in numbers: the series</a>'
     '</div><div class="card"><a href="/videos">All our videos, every day</a></div>',
     "video landing pages"),
    ('<nav class="pagination"><a href="/news/politics?page=2">2</a></nav>'
     '<div><a href="/news/politics?page=3">Next page of politics stories</a></div>', "pagination"),
    ('<div class="card"><a href="/news/politics/yemen-truce-talks-resume#comments">Comments</a></div>',
     "comments anchor is the same article"),
    ('<main><a href="/privacy-policy">Privacy policy of this website</a>'
     '<a href="https://other.example.org/news/world/a-story-elsewhere">A story elsewhere</a></main>',
     "legal page, other host"),
    ('<div class="share"><a href="/share/news/politics/yemen-truce">Share this story on</a></div>',
     "share bar"),
])
def test_furniture_links_are_left_out(furniture: str, why: str) -> None:
    assert _picked(f"{furniture}<main>{CARDS}</main>") == [
        "/news/politics/yemen-truce-talks-resume", "/news/politics/iraq-budget-deal-ends",
        "/articles/opinion/elections-without-trust-are-theatre"], why


@pytest.mark.parametrize(("body", "expected"), [
    # date paths, listed in cards
    (_cards("/2022/11/24/lebanon-vote/", "/2022/11/23/gulf-energy/"),
     ["/2022/11/24/lebanon-vote/", "/2022/11/23/gulf-energy/"]),
    # numeric ids as the last segment
    (_cards("/world/story/123456", "/world/story/123457"),
     ["/world/story/123456", "/world/story/123457"]),
    # a plain list under the section path (no classes): recurring URL template
    ("<ul>" + "".join(f'<li><a href="/news/politics/story-number-{n}-title">Story number {n} '
                      f"title</a></li>" for n in "abc") + "</ul>",
     [f"/news/politics/story-number-{n}-title" for n in "abc"]),
    # a lone card from another section, in a card shape the page repeats: taken
    ('<section class="lead">' + _cards("/news/health/lead-story-from-health") + "</section>"
     '<section class="grid">' + _cards("/news/politics/grid-story-number-one",
                                       "/news/politics/grid-story-number-two") + "</section>",
     ["/news/health/lead-story-from-health", "/news/politics/grid-story-number-one",
      "/news/politics/grid-story-number-two"]),
    # an article's own <header> inside a card is not the page header
    ("".join(f'<article class="post"><header><h2><a href="/blog/a-post-title-{n}">A post title '
             f"{n}</a></h2></header></article>" for n in "ab"),
     ["/blog/a-post-title-a", "/blog/a-post-title-b"]),
])
def test_article_shapes_are_taken(body: str, expected: list[str]) -> None:
    assert _picked(f"<main>{body}</main>") == expected


@pytest.mark.parametrize("body", [
    # short slugs are sections, not articles
    '<div class="card"><a href="/news/health">Health news section</a></div>'
    '<div class="card"><a href="/news/world">World news section</a></div>',
    # a lone off-section link in no repeated structure
    '<p>See also <a href="/news/health/one-lone-link-in-text">one lone link in the text</a></p>',
    # headline-like text is required: "More" links
    '<div class="card"><a href="/news/politics/a-b-c">More</a></div>'
    '<div class="card"><a href="/news/politics/d-e-f">More</a></div>',
])
def test_non_articles_are_not_taken(body: str) -> None:
    assert _picked(f"<main>{body}</main>") == []


@pytest.mark.parametrize(("path", "expected"), [
    ("/news/politics/yemen-truce-talks-resume", True),
    ("/2022/11/24/vote/", True),
    ("/world/story/123456", True),
    ("/news/health", False),
    ("/about-us", False),
    ("/tags/climate-change-and-water", False),
    ("/videos/1204/gaza-in-numbers", True),  # a video is an item; its landing pages are not
    ("/video/series/tech-support", False),
    ("/videos/", False),
    ("/episode/1oQdQ3gWA4Scx3lHq972i3", True),  # an opaque id
    ("/category/x1y2z3w4v5", False),
    ("/images/a-long-image-file-name.jpg", False),
])
def test_article_shaped(path: str, expected: bool) -> None:
    assert article_shaped(path) is expected


def test_template() -> None:
    assert template_of("/news/politics/slug") == "/news/politics/*"
    assert template_of("/2022/11/24/slug/") == "/0000/00/00/*"


def test_configured_rules_that_match_nothing_offer_a_fallback() -> None:
    import re

    rules = LinkRules("a[href]", re.compile("^/nothing/"), ())
    listing = parse_listing(_page(f"<main>{CARDS}</main>"), SECTION, SECTION, rules,
                            "news.example.com")
    assert listing.links == () and len(listing.fallback) == 3


def test_footers_and_house_pages_are_not_articles_but_card_headers_are() -> None:
    cards = "".join(f'<div class="card"><div class="card-header"><a href="/news/world/story-{w}-'
                    f'about-things">Story {w} about things</a></div></div>' for w in ("one", "two", "three"))
    footer = ('<div class="site-footer"><ul><li><a href="/terms-and-conditions">Terms and conditions '
              'apply</a></li><li><a href="/advertise-with-us">Advertise with us today</a></li>'
              '<li><a href="/news/world/footer-story-one-here">Footer story one here</a></li>'
              '<li><a href="/news/world/footer-story-two-here">Footer story two here</a></li></ul></div>'
              '<div id="footer"><a href="/news/world/id-footer-story-one">Id footer story one</a>'
              '<a href="/news/world/id-footer-story-two">Id footer story two</a></div>')
    html = f"<html><body><main>{cards}</main>{footer}</body></html>"
    listing = parse_listing(html, "https://a.test/news/world", "https://a.test/news/world",
                            LinkRules(), "a.test")
    assert [link.url.rsplit("/", 1)[1] for link in listing.links] == [
        "story-one-about-things", "story-two-about-things", "story-three-about-things"]


@pytest.mark.parametrize(("text", "is_next"), [
    ("Next", True), ("Next »", True), ("next page", True), ("Older posts", True), ("›", True),
    ("Next year budget faces deep cuts", False), ("Older voters turn out", False),
])
def test_only_pager_text_is_a_next_link(text: str, is_next: bool) -> None:
    html = (f'<html><body><main><div class="card"><a href="/news/world/some-story-here">{text}'
            '</a></div></main></body></html>')
    listing = parse_listing(html, "https://a.test/news/world", "https://a.test/news/world",
                            LinkRules(), "a.test")
    assert (listing.next_url is not None) == is_next


# -- listing kinds whose item links are not article-shaped: the repeated blocks give them away --

def _auto(body: str, url: str, title: str = "Index") -> list[str]:
    """The automatic picks on a page at `url`, relative to its origin when on the same one."""
    origin = "/".join(url.split("/")[:3])
    html = (f"<html><head><title>{title}</title></head><body>{body}</body></html>")
    listing = parse_listing(html, url, url, LinkRules(), url.split("/")[2])
    return [u.removeprefix(origin) for u in (link.url for link in listing.links)]


_BANNER = ('<header class="site-header"><a href="/">My site</a><nav><a href="/about">About</a>'
           '<a href="/archive">Archive</a><a href="/feed.xml">RSS</a></nav></header>')
_FOOTER = ('<footer><a href="/privacy">Privacy</a> <a href="https://github.com/someone">GitHub'
           '</a> <a href="https://social.example/@someone">Mastodon</a></footer>')

ESSAYS = ["Life is Short", "Haters", "How to Do Great Work", "The Shape of the Essay Field",
          "Superlinear Returns", "Alien Truth"]
ESSAY_TABLE = (  # a table of essays, one short title per row, pages named like "/vb.html"
    '<table><tr><td><a href="/index.html"><img src="/logo.gif"></a></td><td><table>'
    + "".join(f'<tr><td><font size="2"><a href="/e{i}.html">{t}</a></font><br></td></tr>'
              for i, t in enumerate(ESSAYS))
    + '<tr><td><font size="2"><a href="/rss.html">RSS</a></font></td></tr></table></td></tr></table>')

RELEASES = ["v2.10.2", "v2.10.1", "v2.10.0", "v2.9.4"]
RELEASE_LIST = (  # a project's releases: version titles, git tag pages; source trees, commits
    # and assets beside them are not releases
    _BANNER + '<main><h1>Releases</h1>' + "".join(
        f'<section class="release"><div class="meta"><a class="muted" href="/acme/tool/tree/{v}">'
        f'{v}</a> <a class="muted" href="/acme/tool/commit/a1b2c3{i}">a1b2c3{i}</a></div>'
        f'<h2><a href="/acme/tool/releases/tag/{v}">{v}</a></h2>'
        f'<ul class="assets"><li><a href="/acme/tool/archive/{v}.zip">Source code (zip)</a></li>'
        f'<li><a href="/acme/tool/archive/{v}.tar.gz">Source code (tar.gz)</a></li></ul>'
        f'<p>Bug fixes and small improvements.</p></section>' for i, v in enumerate(RELEASES))
    + '<nav class="pagination"><a href="/acme/tool/releases?page=2">Next</a></nav></main>' + _FOOTER)

OS_NOTES = ["tvOS 26.4", "tvOS 26.3", "tvOS 26.2", "iOS 26.1"]
RELEASE_TABLE = (  # release notes in a table, long slugs but titles too short for headlines
    "<main><table><tr><th>Release</th><th>Date</th></tr>" + "".join(
        f'<tr><td><a href="/documentation/{n.split()[0].lower()}-release-notes/'
        f'{n.lower().replace(" ", "-").replace(".", "_")}">{n}</a></td><td>2026-0{i + 1}-10</td></tr>'
        for i, n in enumerate(OS_NOTES)) + "</table></main>")

PAPERS = ["arXiv:2111.01234", "arXiv:2111.00987", "arXiv:2110.11111"]
PAPER_LIST = ("<main><dl>" + "".join(
    f'<dt><a href="/abs/{p[6:]}">{p}</a> [<a href="/pdf/{p[6:]}.pdf">pdf</a>]</dt>'
    f"<dd>A title of a paper about something</dd>" for p in PAPERS) + "</dl></main>")

POSTS = ["On typing", "Calendar design", "Notes on Toronto", "Space is close", "Air quality"]
SLUG_BLOG = (  # a blog index whose posts live at "/<slug>/", like its static pages
    _BANNER + '<div class="content"><h1>Posts</h1><ul class="posts">' + "".join(
        f'<li><span class="date">2024-0{i + 1}-02</span> '
        f'<a href="/{t.lower().replace(" ", "-")}/">{t}</a></li>' for i, t in enumerate(POSTS))
    + "</ul></div>" + _FOOTER)

BUTTON_CARDS = (  # whole cards made clickable by a <button> around them
    "<main>" + "".join(f'<button class="post-card" type="button"><a href="/p/{n}">How we '
                       f"rebuilt the {n} service</a><span>5 min read</span></button>"
                       for n in ("queue", "billing", "upload")) + "</main>")


@pytest.mark.parametrize(("url", "body", "expected"), [
    ("https://essays.test/articles.html", ESSAY_TABLE, [f"/e{i}.html" for i in range(6)]),
    ("https://code.test/acme/tool/releases", RELEASE_LIST,
     [f"/acme/tool/releases/tag/{v}" for v in RELEASES]),
    ("https://dev.test/documentation/os-release-notes", RELEASE_TABLE,
     ["/documentation/tvos-release-notes/tvos-26_4", "/documentation/tvos-release-notes/tvos-26_3",
      "/documentation/tvos-release-notes/tvos-26_2", "/documentation/ios-release-notes/ios-26_1"]),
    ("https://papers.test/list/cs.CL/recent", PAPER_LIST, [f"/abs/{p[6:]}" for p in PAPERS]),
    ("https://blog.test/", SLUG_BLOG, [f"/{t.lower().replace(' ', '-')}/" for t in POSTS]),
    ("https://eng.test/", BUTTON_CARDS, ["/p/queue", "/p/billing", "/p/upload"]),
], ids=["essay table", "release list", "release table", "paper list", "posts at /<slug>/",
        "cards in <button>"])
def test_lists_of_items_are_taken_whatever_their_urls_look_like(
        url: str, body: str, expected: list[str]) -> None:
    assert _auto(body, url) == expected


@pytest.mark.parametrize("body", [
    # a menu in the page body: short titles
    '<main><ul class="topics">' + "".join(f'<li><a href="/{t.lower()}/">{t}</a></li>' for t in (
        "World", "Business", "Science", "Culture", "Sport")) + "</ul></main>",
    # a tag cloud, a language list, a pager
    '<main><p class="cloud">' + "".join(f'<a href="/t/{t}">{t}</a> ' for t in (
        "rust", "python", "go", "databases", "web")) + "</p>"
    '<ul class="langs"><li><a href="/de/">Deutsch</a></li><li><a href="/fr/">Français</a></li>'
    '<li><a href="/es/">Español</a></li></ul>'
    '<div class="pages"><a href="/page/2">2</a> <a href="/page/3">3</a> <a href="/page/4">4</a>'
    "</div></main>",
    # a year archive: numbers, but no versions
    '<main><ul class="years">' + "".join(f'<li><a href="/{y}/">{y}</a></li>' for y in range(
        2019, 2025)) + "</ul></main>",
    # share buttons, long-titled, on every card: another URL in their query
    "<main>" + "".join(f'<div class="item"><a href="https://twitter.example/intent/tweet?url='
                       f'https://blog.test/{n}">Share this post on Twitter</a></div>'
                       for n in ("a", "b", "c")) + "</main>",
    # a footer's long-titled link columns
    "<main><p>Nothing yet.</p></main><footer><ul>" + "".join(
        f'<li><a href="/help/{n}">How to manage your {n} settings</a></li>'
        for n in ("account", "privacy", "billing")) + "</ul></footer>",
], ids=["menu in body", "tags, languages, pager", "year archive", "share links", "footer"])
def test_lists_that_are_not_items_are_left_out(body: str) -> None:
    assert _auto(body, "https://blog.test/") == []


def test_a_bookmark_list_takes_the_items_on_other_sites_not_their_share_and_tag_links() -> None:
    sites = [("https://stumbled.to", "Stumbled - the greatest sites of the internet"),
             ("https://dev.to/kovah/how-i-built-a-web-tool-3hp", "How I built a web tool"),
             ("https://www.php.net/archive/2019.php", "PHP 7.4 Release News")]
    cards = "".join(
        f'<div class="link-wrapper"><div class="card"><div class="card-body"><div><a href="{u}">'
        f'{t}</a></div><div class="tags"><a class="btn" href="/guest/tags/{i}">tools</a>'
        f'<a class="btn" href="/guest/tags/{i + 9}">web</a></div></div><div class="collapse">'
        f'<div class="share-links"><a href="https://www.facebook.com/sharer.php?u={u}">Share '
        f'link via Facebook</a><a href="mailto:?body={u}">Share link via Email</a></div></div>'
        f"</div></div>" for i, (u, t) in enumerate(sites))
    assert _auto(f"<main>{cards}</main>", "https://links.test/guest/links") == [
        "https://stumbled.to/", "https://dev.to/kovah/how-i-built-a-web-tool-3hp",
        "https://www.php.net/archive/2019.php"]


def test_a_listing_page_cannot_send_the_fetcher_to_internal_hosts() -> None:
    targets = ["http://127.0.0.1:8080/admin/users-and-their-passwords",
               "http://169.254.169.254/latest/meta-data/iam/security-credentials",
               "http://localhost/server-status-of-this-machine",
               "http://metadata.google.internal/computeMetadata/v1/instance",
               "http://intranet/wiki/Quarterly-results-draft-2024"]
    items = "".join(f'<li><a href="{u}">An innocent looking headline number {i}</a></li>'
                    for i, u in enumerate(targets))
    assert _auto(f"<main><ul>{items}</ul></main>", "https://links.test/") == []
    # ...while a site on such a host lists its own pages as usual
    own = "".join(f'<li><a href="http://10.0.0.5/notes/{i}">An innocent looking headline number '
                  f"{i}</a></li>" for i in range(3))
    assert _auto(f"<main><ul>{own}</ul></main>", "http://10.0.0.5/") == [
        "/notes/0", "/notes/1", "/notes/2"]


def test_a_podcast_page_with_its_episode_list_inside_the_banner() -> None:
    about = "A show about the history of a place, told by the people who were there. " * 3
    episodes = "".join(
        f'<li class="row"><a href="/episode/{e}?si=x1"><span>{n}. Episode {n}: {t}</span></a>'
        f'<span class="duration">42 min</span></li>' for n, (e, t) in enumerate(
            [("1oQdQ3gWA4Scx3lHq972i3", "Legalizing the illegal"),
             ("077Dw15hKhS6r8KFOkDxfO", "Who started it?")], 1))
    body = (f'<div class="page"><header><a class="logo" href="/browse"></a><h1>The Show</h1>'
            f'<p>{about}</p><ol class="tracklist">{episodes}</ol></header>'
            '<footer><a href="/legal/">Legal</a> <a href="/legal/privacy-policy/">Privacy</a>'
            "</footer></div>")
    assert _auto(body, "https://pod.test/show/4NG1pkSYlOWcrwaEbbHoOZ") == [
        "/episode/1oQdQ3gWA4Scx3lHq972i3?si=x1", "/episode/077Dw15hKhS6r8KFOkDxfO?si=x1"]


def test_a_main_column_named_like_a_menu_is_still_the_page() -> None:
    stories = "".join(f'<li class="content"><h3><a href="/{s}-{1000 + i}.html">{s.replace("-", " ")}'
                      f"</a></h3><p>{'Some teaser text for this story. ' * 4}</p></li>"
                      for i, s in enumerate(["queen-joins-party", "gout-on-the-rise",
                                             "plane-missing-over-sea"]))
    body = (f'<div id="nav-col" class="main-row"><div class="rail"><ul><li><a href="/mail">Mail'
            f'</a></li></ul></div><ul class="stream">{stories}</ul></div>')
    assert _auto(body, "https://portal.test/") == [
        "/queen-joins-party-1000.html", "/gout-on-the-rise-1001.html",
        "/plane-missing-over-sea-1002.html"]


def test_items_on_the_sites_other_hosts_count_but_not_another_sites_on_a_shared_suffix() -> None:
    cards = "".join(f'<div class="card"><h3><a href="{u}">{t}</a></h3></div>' for u, t in [
        ("https://money.news.test/2024/07/23/markets/china-flash-pmi/", "China's factories slow"),
        ("https://blogs.news.test/2024/07/22/gaza-school-shelter/", "A school turned shelter"),
        ("https://www.news.test/2024/07/24/world/plane-missing/", "Plane missing over Sahara")])
    lone = ('<p class="promo"><a href="https://other.github.io/2024/07/01/my-own-post-about-this/">'
            "Someone else's post about this</a></p>")
    assert _auto(f"<main>{cards}{lone}</main>", "https://www.news.test/") == [
        "https://money.news.test/2024/07/23/markets/china-flash-pmi/",
        "https://blogs.news.test/2024/07/22/gaza-school-shelter/",
        "/2024/07/24/world/plane-missing/"]
    own = '<p><a href="https://me.github.io/2024/07/01/my-first-post-about-this/">My first post</a></p>'
    assert _auto(own + lone, "https://me.github.io/")[:1] == []


CARD_PATHS = ["/news/politics/vote-count-begins-today", "/news/politics/turnout-breaks-record"]


@pytest.mark.parametrize(("url", "expected"), [
    # on the home page a "Trending" or "Most popular" box lists the site's articles...
    ("https://news.test/", [*CARD_PATHS, "/sport/final-goes-to-penalties",
                            "/news/world/summit-ends-without-deal",
                            "/news/politics/budget-vote-delayed-again"]),
    # ...on a section page only its own: the Politics feed gets no sport
    ("https://news.test/news/politics", [*CARD_PATHS, "/news/politics/budget-vote-delayed-again"]),
])
def test_trending_and_most_popular_boxes(url: str, expected: list[str]) -> None:
    main = _cards(*CARD_PATHS)
    box = ('<div class="row trending-stories">' + "".join(
        f'<div class="item"><a href="{p}">{t}</a></div>' for p, t in [
            ("/sport/final-goes-to-penalties", "Final goes to penalties after a late goal"),
            ("/news/world/summit-ends-without-deal", "Summit ends without a deal on trade"),
            ("/news/politics/budget-vote-delayed-again", "Budget vote delayed again by a week")])
        + "</div>")
    assert [u.replace("news.example.com", "news.test") for u in _auto(
        f"<main>{main}</main>{box}", url)] == expected


def test_media_items_are_taken_and_their_landing_pages_not() -> None:
    body = ('<section class="videos"><h2><a href="/video">Videos</a></h2>' + "".join(
        f'<div class="clip"><a class="rubric" href="/video/series/{s}">Tech Support</a>'
        f'<a class="hed" href="/video/watch/{s}-{n}">{t}</a></div>' for s, n, t in [
            ("tech-support", "skin", "Dermatologist answers skin questions"),
            ("tech-support", "cars", "Engineer answers car questions"),
            ("autocomplete", "qualley", "An actor answers the web's questions")]) + "</section>")
    assert _auto(body, "https://mag.test/") == [
        "/video/watch/tech-support-skin", "/video/watch/tech-support-cars",
        "/video/watch/autocomplete-qualley"]


def test_a_page_whose_only_list_is_named_like_a_side_box_still_gets_its_items() -> None:
    items = "".join(f'<li class="item"><a href="/story/{n}-{s}">{t}</a></li>' for n, s, t in [
        (1001, "vote", "Vote count begins across the country"),
        (1002, "final", "Final goes to penalties after a late goal"),
        (1003, "summit", "Summit ends without a deal on trade")])
    body = f'<main><h1>Trending now</h1><ol class="trending-list">{items}</ol></main>'
    assert _auto(body, "https://news.test/trending") == [
        "/story/1001-vote", "/story/1002-final", "/story/1003-summit"]


def test_links_to_other_sites_beside_the_pages_own_list_are_not_items() -> None:
    own = "".join(f'<article class="teaser"><h2><a href="/news/{s}">{t}</a></h2></article>'
                  for s, t in [("student-learnings-2022", "Our learning journey is priceless"),
                               ("state-visit", "A state visit at the project house"),
                               ("new-building-opens", "The new building opens its doors")])
    partners = '<div class="partners"><h3>Our partners</h3><ul>' + "".join(
        f'<li><a href="https://www.{d}/">{t}</a></li>' for d, t in [
            ("ethz.ch", "Swiss Federal Institute of Technology"),
            ("epfl.ch", "École polytechnique fédérale de Lausanne"),
            ("unibas.ch", "University of Basel, Switzerland")]) + "</ul></div>"
    assert _auto(f"<main>{own}{partners}</main>", "https://house.test/news") == [
        "/news/student-learnings-2022", "/news/state-visit", "/news/new-building-opens"]


@pytest.mark.parametrize(("titles", "taken"), [
    (["Part 1", "Part 2", "Part 3", "Part 4"], True),  # a series' index
    (["Folge 12", "Folge 11", "Folge 10"], True),
    (["Page 1", "Page 2", "Page 3"], False),  # a pager's, whatever its URLs
    (["January 2024", "December 2023", "November 2023"], False),  # month archives
])
def test_a_numbered_series_is_a_list_but_a_pager_or_an_archive_is_not(
        titles: list[str], taken: bool) -> None:
    items = "".join(f'<li><a href="/course/unit-{i}">{t}</a></li>' for i, t in enumerate(titles))
    picked = _auto(f'<main><ul class="units">{items}</ul></main>', "https://learn.test/course")
    assert picked == ([f"/course/unit-{i}" for i in range(len(titles))] if taken else [])


def test_an_empty_section_page_gets_nothing_from_its_sidebar_or_ticker() -> None:
    stories = [("/news/sport/final-goes-to-penalties-1001", "Final goes to penalties late on"),
               ("/news/world/summit-ends-without-deal-1002", "Summit ends without a deal"),
               ("/news/world/vote-count-begins-today-1003", "Vote count begins today")]
    box = "".join(f'<li><a href="{p}">{t}</a></li>' for p, t in stories)
    body = (f'<div class="ticker"><ul>{box}</ul></div><main><h1>Health</h1><p>No articles '
            f'found.</p></main><aside class="most-read"><ol>{box}</ol></aside>')
    assert _auto(body, "https://news.test/news/health") == []
