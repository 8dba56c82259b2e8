"""Markup held to a browser's sizes before it is parsed (bounds.py): the deep pages of the review
(issue 15) parse and keep their text, the tree lexbor builds stays within the depth cap, and
honest pages, nested lists of 200 levels and every real page, come back untouched."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser, LexborNode
from shared_data import SHARED, require

from feedmaker import jsonld
from feedmaker.bounds import (
    MAX_ATTRIBUTES,
    MAX_DEPTH,
    MAX_ELEMENTS,
    QUICK_TAG_CHARS,
    QUICK_TAGS,
    bound_markup,
)
from feedmaker.config import LinkRules, load_config
from feedmaker.links import parse_listing
from feedmaker.parse import parse_article
from feedmaker.sanitize import html_to_text

SITE = load_config(Path(__file__).parents[1] / "sample_site" / "feedmaker.toml").sites["sample"]


def _page(body: str, head: str = "") -> str:
    return (f"<html><head><title>Deep</title>{head}</head><body><h1>Deep</h1>"
            f"<article><p>{'Some honest words. ' * 30}</p>{body}</article></body></html>")


def _depth(html: str) -> int:
    """The deepest element of the tree lexbor builds (iterative: the tree may be deep)."""
    root = LexborHTMLParser(html).root
    deepest, todo = 0, [(root, 1)]
    while todo:
        node, depth = todo.pop()
        deepest = max(deepest, depth)
        child: LexborNode | None = node.child if node is not None else None
        while child is not None:
            if child.tag != "-text":
                todo.append((child, depth + 1))
            child = child.next
    return deepest


def _numbered(html: str | None) -> list[str]:
    """The words w0, w1, ... of the text of `html`, in order."""
    return re.findall(r"\bw\d+\b", html_to_text(html or ""))


@pytest.mark.parametrize("opener", ["<ul><li>", "<div>", "<blockquote>"])
def test_a_page_nested_100000_deep_parses_with_its_text(opener: str) -> None:
    """60,000 nested lists took 68 s inside lexbor alone; 100,000 <div> 30 s."""
    body = "".join(f"{opener}w{i} " for i in range(60_000))
    page = _page(body)
    bounded = bound_markup(page)
    assert isinstance(bounded, str) and _depth(bounded) <= MAX_DEPTH + 2
    assert _numbered(LexborHTMLParser(bounded).body.html) == [f"w{i}" for i in range(60_000)]
    article = parse_article(page, "http://a.test/deep", SITE).article
    assert article.title == "Deep"
    words = _numbered(article.content)
    assert len(words) > 59_000 and words[-1] == "w59999"  # the deepest text is still there


def test_100000_attributes_keep_the_first_256_and_the_text() -> None:
    attrs = " ".join(f"a{i}=1" for i in range(100_000))
    page = _page(f"<p {attrs}>The paragraph with every attribute.</p>")
    bounded = bound_markup(page)
    assert isinstance(bounded, str)
    p = LexborHTMLParser(bounded).css("p")[1]
    assert list(p.attributes) == [f"a{i}" for i in range(MAX_ATTRIBUTES)]
    article = parse_article(page, "http://a.test/attrs", SITE).article
    assert "The paragraph with every attribute." in html_to_text(article.content or "")


def test_repeated_attribute_names_past_the_cap_keep_the_first() -> None:
    tag = "<img " + 'src="/first.jpg" ' + " ".join(['src="/other.jpg"'] * 300) + ">"
    bounded = bound_markup(_page(tag))
    assert isinstance(bounded, str)
    assert LexborHTMLParser(bounded).css_first("img").attributes == {"src": "/first.jpg"}


def test_elements_past_the_cap_lose_their_tags_not_their_text() -> None:
    page = _page("".join(f"<i>w{i}</i> " for i in range(MAX_ELEMENTS + 20_000)))
    bounded = bound_markup(page)
    assert isinstance(bounded, str)
    tree = LexborHTMLParser(bounded)
    assert len(tree.css("i")) < MAX_ELEMENTS
    words = re.findall(r"\bw\d+\b", tree.body.text(separator=" "))
    assert words == [f"w{i}" for i in range(MAX_ELEMENTS + 20_000)]


def test_open_formatting_elements_are_not_recreated_in_every_paragraph() -> None:
    """1,000 unclosed <b>s with distinct attributes would be re-created inside each of 6,000
    paragraphs (6 million elements)."""
    page = _page("".join(f'<b class="c{i}">' for i in range(1_000)) + "</p>" + "<p>x</p>" * 6_000)
    tree = LexborHTMLParser(bound_markup(page))
    assert len(tree.css("b")) < 100 * 6_000
    assert len(tree.css("p")) > 6_000


def test_deep_nesting_hidden_from_a_naive_scan_is_bounded() -> None:
    """An <svg><title> is not RCDATA (it holds markup), </script> ends a script at once, and
    text after an open <b> is read as text."""
    deep = "<div>" * (QUICK_TAGS + 1_000) + "bottom"
    pages = (_page("<svg><title>" + deep), _page("<script>var s = '</script>" + deep),
             _page("<b>bold, and never closed. " + deep))
    for page in pages:
        bounded = bound_markup(page)
        assert isinstance(bounded, str) and _depth(bounded) <= MAX_DEPTH + 4
        assert "bottom" in LexborHTMLParser(bounded).body.text()


def test_honest_markup_comes_back_as_it_was() -> None:
    """200 nested lists, a script and a comment full of tags, an SVG, 70 attributes, unclosed
    paragraphs and list items of old HTML: the same object, not a rewrite."""
    nested = "".join(f"<ul><li>level {i}" for i in range(200)) + "</li></ul>" * 200
    old_html = "".join(f"<p>paragraph {i}<li>item" for i in range(3_000))
    script = "<script>var t = '" + "<div>" * 2_000 + "';</script><!-- " + "<div>" * 2_000 + " -->"
    svg = '<svg viewBox="0 0 1 1"><title>Icon</title><path d="M0 0"/></svg>'
    wide = "<div " + " ".join(f'data-x{i}="v {i}"' for i in range(70)) + ">wide</div>"
    formatting = "<p>" + "<b>bold</b> <i>it</i> <a href='/x'>link</a> " * 5_000 + "</p>"
    for body in (nested, old_html, script, svg, wide, formatting):
        page = _page(body)
        assert bound_markup(page) is page
        data = page.encode()
        assert bound_markup(data) is data
    article = parse_article(_page(nested), "http://a.test/nested", SITE).article
    assert "level 199" in html_to_text(article.content or "")


def test_a_listing_finds_the_link_at_the_bottom_of_a_deep_page() -> None:
    page = ("<html><body><h1>News</h1>" + "<div>" * 20_000
            + "".join(f'<a href="/news/2024/story-{i}">A headline for story number {i}</a>'
                      for i in range(5)) + "</body></html>")
    found = parse_listing(page, "http://a.test/news/", "http://a.test/news/", LinkRules(), "a.test")
    assert {link.url for link in found.links} >= {f"http://a.test/news/2024/story-{i}"
                                                  for i in range(5)}


def test_json_ld_nested_100000_deep_is_skipped_and_the_page_parses() -> None:
    deep = '<script type="application/ld+json">' + '{"a":' * 100_000 + "1" + "}" * 100_000 + "</script>"
    fine = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Deep",'
            ' "author": {"@type": "Person", "name": "Ada Lovelace"}}</script>')
    article = parse_article(_page("", deep + fine), "http://a.test/ld", SITE).article
    assert article.authors == ("Ada Lovelace",)  # the block after the deep one is still read
    assert jsonld.blocks(["[" * 900 + "]" * 900, '{"x": 1}']) == [{"x": 1}]  # parses, too deep


def test_every_real_page_comes_back_as_it_was() -> None:
    folder = require(SHARED / "realdata" / "articles")
    pages = sorted(folder.glob("*/html/*.html.gz"))
    assert len(pages) > 100
    for path in pages:
        data = gzip.decompress(path.read_bytes())
        assert bound_markup(data) is data, path.name


def test_a_page_with_few_short_tags_is_not_scanned_and_one_with_more_is() -> None:
    """Below QUICK_TAGS tags, none longer than QUICK_TAG_CHARS, lexbor stays fast whatever the
    nesting, and the scan is skipped (the same object comes back, even nested past MAX_DEPTH);
    one tag more, or one long tag, and the page is bounded."""
    def nested(tags: int) -> str:
        return "<html><body>" + "<div>" * (tags - 2) + "x"

    quick = nested(QUICK_TAGS)
    assert bound_markup(quick) is quick and bound_markup(quick.encode()) == quick.encode()
    assert _depth(str(bound_markup(nested(QUICK_TAGS + 1)))) <= MAX_DEPTH + 4
    long_tag = "<html><body><p " + " a" * QUICK_TAG_CHARS + ">x" + "<div>" * 600
    assert bound_markup(long_tag) is not long_tag
    assert _depth(str(bound_markup(long_tag))) <= MAX_DEPTH + 4


@pytest.mark.parametrize("offset", [0, 1, 7_499, 14_999, 15_000, 15_001, 29_999, 44_321])
def test_a_long_tag_is_found_wherever_it_starts(offset: int) -> None:
    """The quick check looks at windows of half a long tag's length; a tag of QUICK_TAG_CHARS
    (of many attributes) found at any offset, and bytes as well as text."""
    many = " a" * (QUICK_TAG_CHARS // 2)
    page = "<html><body>" + "x" * offset + "<p" + many + ">" + "<div>" * 600
    for html in (page, page.encode()):
        assert bound_markup(html) is not html
    # Under half the length no window fits inside the tag: not scanned (between half and the
    # whole, it may be: the check errs toward scanning).
    short = page.replace(many, " a" * (QUICK_TAG_CHARS // 4 - 10))
    assert bound_markup(short) is short


def test_a_long_tag_of_few_attributes_is_not_scanned() -> None:
    """A long tag is mostly one long value (a data: URI, JSON in an attribute, an SVG path):
    with few tags, that cannot make lexbor slow, and the page is not scanned; past
    MAX_ATTRIBUTES attributes it is, wherever the tag's spaces and quotes are."""
    json_value = "{&quot;k&quot;: &quot;" + "v " * QUICK_TAG_CHARS + "&quot;}"
    for tag in (f'<img alt="a" src="data:image/png;base64,{"QUJD" * QUICK_TAG_CHARS}">',
                f'<div data-props="{json_value}" class="c">x</div>',
                '<meta content="' + " ".join(["w"] * QUICK_TAG_CHARS) + '" a b c>'):
        page = "<html><body>" + tag + "<div>" * 600 + "x"
        for html in (page, page.encode()):
            assert bound_markup(html) is html
        crowded = page.replace(" a b c>", " a" * (MAX_ATTRIBUTES + 1) + ">").replace(
            'class="c"', " ".join(f"c{i}" for i in range(MAX_ATTRIBUTES)))
        if crowded != page:
            assert bound_markup(crowded) is not crowded
            assert _depth(str(bound_markup(crowded))) <= MAX_DEPTH + 4


def test_long_text_and_script_data_are_not_taken_for_a_long_tag() -> None:
    """Runs without "<" or ">" are common (a 200 KB JSON script, a long paragraph): only one
    that begins a tag counts."""
    page = ("<html><head><script type=\"application/json\">{\"k\": \"" + "v" * 200_000
            + "\"}</script></head><body><p>" + "word " * 20_000 + "</p></body></html>")
    assert bound_markup(page) is page
