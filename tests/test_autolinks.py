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
    ('<div class="card"><a href="/videos/1204/gaza-in-numbers">Gaza in numbers video</a></div>',
     "video"),
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
    ("/videos/1204/gaza-in-numbers", False),
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
