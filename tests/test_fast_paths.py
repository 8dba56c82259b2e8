"""Shortcuts taken for speed (issue 12) select what the plain way selects, on small pages of
each kind: the plain way is run next to the shortcut and the two compared."""

from __future__ import annotations

import json
import re

import pytest
from selectolax.lexbor import LexborHTMLParser

from feedmaker import bylines, extract_hints, jsonld, metadata, tags
from feedmaker.extract import body_text as extract_body_text

TAG_LIST_PAGES = [
    # every spelling the class selectors name, nested lists, an element matching two of them
    '<!doctype html><body><div class="article-tags tag-list"><ul class="tagList"><li><a>A</a></li>'
    '</ul></div><p class="x taglist">t</p><nav class="site__topic-list"><a>B</a></nav>'
    '<div class="TopicsTags topicList"></div><div class="keywords"><a>C</a></div>'
    '<span class="a\tTopics">no: standards mode matches a class exactly</span>'
    '<div class="stag keywordsy topic">near misses (but "stag" holds "tag", "keywordsy" no class)'
    '</div><div class="x topics"><a>D</a></div></body>',
    # quirks mode (no doctype): ".keywords" matches "Keywords" too
    '<div class="Keywords"><a>A</a></div><div class="tags"><a>B</a></div><div class="TOPICS"></div>',
    # nothing of the kind
    '<!doctype html><div class="hashtag-free">x</div><div class="Tag">y</div>',
]


@pytest.mark.parametrize("page", TAG_LIST_PAGES)
def test_tag_lists_by_class_are_the_selector_lists_elements_in_page_order(page: str) -> None:
    tree = LexborHTMLParser(page)
    plain = list({n.mem_id: n for n in tree.css(tags._TAG_LISTS)})
    assert [n.mem_id for n in tags._tag_lists(tree)] == plain
    assert plain or page.startswith("<!doctype html><div")


def test_boilerplate_names_match_as_the_plain_alternation_of_their_words() -> None:
    """extract_hints.NEGATIVE is built factored by prefixes; the flat alternation of the same
    words is the reference, on every word alone, inside longer names, at name boundaries and
    cut short."""
    flat = re.compile(rf"(?:{extract_hints._NEG_ANYWHERE})"
                      rf"|(?:^|[\s_\-])(?:{extract_hints._NEG_WORD})(?:$|[\s_\-\d])")
    words = [w.replace("\\w+", "top") for w in
             extract_hints._NEG_ANYWHERE.split("|") + extract_hints._NEG_WORD.split("|")]
    names = ["", "article-body", "main content", "headerless", "ad", "ad-", "reading", "shadow",
             "gallery-nav", "galler", "footnote-nav", "foo", "adsense", "ads2", "tags_box"]
    for w in words:
        names += [w, w[:-1], f"x-{w}", f"{w}-x", f"x{w}x", f"a {w}", f"{w}9", f"_{w}_", w.upper().lower()]
    strong = re.compile(extract_hints._STRONG_NEGATIVE)
    names += [f"x{w}x" for w in extract_hints._STRONG_NEGATIVE.split("|")]
    for name in names:
        assert bool(extract_hints.NEGATIVE.search(name)) == bool(flat.search(name)), name
        assert bool(extract_hints.STRONG_NEGATIVE.search(name)) == bool(strong.search(name)), name


BYLINE_PAGE = (
    '<div class="byline"><span class="author-name Author">A</span></div>'
    '<p class="BYLINE">case differs: none of the four</p><div class="Byline byline-wrap">B</div>'
    '<a class="coauthors">C</a><span class="x">no class part</span><i class="Authorship author">D</i>'
    '<b class="AuthorByline">E: the wide selectors both list it</b>')


@pytest.mark.parametrize("page", [BYLINE_PAGE, "<!doctype html>" + BYLINE_PAGE, "<p>none</p>"])
def test_byline_classes_are_what_the_selector_list_returns_repeats_and_all(page: str) -> None:
    """lexbor returns an element once for each selector of a list it matches; md_author takes
    the first 12 of that list, so the repeats count."""
    tree = LexborHTMLParser(page)
    plain = tree.css('[class*="byline"], [class*="Byline"], [class*="author"], [class*="Author"]')
    fast = metadata.by_class_parts(tree, bylines._BYLINE_LIKE)
    assert [n.mem_id for n in fast] == [n.mem_id for n in plain]
    assert len(plain) == (0 if "none" in page[:20] else 10)


def test_json_ld_blocks_are_kept_to_the_nesting_limit_whatever_brackets_their_strings_hold() -> None:
    """A block with no more brackets than MAX_NESTING is not walked for its depth; past that
    count it is, and only a block nested deeper than the limit is left out."""
    limit = jsonld.MAX_NESTING

    def deep(levels: int) -> str:
        return "[" * (levels - 1) + '{"@type": "NewsArticle"}' + "]" * (levels - 1)

    assert jsonld.blocks([deep(limit)]) and jsonld.blocks([deep(limit + 1)]) == []
    shallow = json.dumps({"@type": "NewsArticle", "headline": "[{" * 500})
    assert jsonld.blocks([shallow]) == [json.loads(shallow)]
    assert jsonld.blocks([deep(limit - 1)]) != []


def test_named_blocks_inside_a_removed_block_go_with_it_and_those_beside_it_are_still_weighed() -> None:
    """The pruner does not weigh named blocks inside one it removes already (they go with
    it); blocks beside it, and after it, are weighed as ever."""
    prose = "".join(f"<p class=\"text\">Paragraph {i} of the article, with words, commas, and more "
                    "words to make it read as prose.</p>" for i in range(8))
    page = ("<html><body><div class=\"sidebar\"><div class=\"share-tools\"><p class=\"text\">Share "
            "this story with your friends on every network there is today.</p></div>"
            "<div class=\"related\"><a href=\"/x\">Another story</a></div></div>"
            f"<article class=\"story\">{prose}</article>"
            "<div class=\"newsletter\"><p>Sign up for our newsletter to get the news first.</p></div>"
            "<div class=\"comments\"><div class=\"comment-body\"><p>A reader wrote a long comment "
            "here about the article and the weather.</p></div></div></body></html>")
    text = extract_body_text(page)
    assert "Paragraph 0" in text and "Paragraph 7" in text
    for gone in ("Share this story", "Another story", "Sign up", "A reader wrote"):
        assert gone not in text
