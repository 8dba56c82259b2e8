"""Tables and properties for feedmaker.sanitize."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from feedmaker.sanitize import (
    clean_html,
    clean_text,
    has_text,
    html_to_text,
    truncate_text,
    xml_bytes,
    xml_safe,
)

BASE = "https://site.com/news/story"
REL = 'rel="noopener noreferrer"'


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("", ""),
        ("   ", ""),
        ("plain words", "plain words"),
        ("<p>Hello <b>world</b></p>", "<p>Hello <b>world</b></p>"),
        # links
        ('<a href="/x">x</a>', f'<a href="https://site.com/x" {REL}>x</a>'),
        ('<a href="other">x</a>', f'<a href="https://site.com/news/other" {REL}>x</a>'),
        ('<a href="javascript:alert(1)">js <b>b</b></a>', "js <b>b</b>"),
        ('<a href=" JAVASCRIPT:alert(1)">js</a>', "js"),
        ('<a href="#top">top</a>', "top"),
        ('<a href="mailto:a@b.c">m</a>', f'<a href="mailto:a@b.c" {REL}>m</a>'),
        ('<a href="data:text/html,x">d</a>', "d"),
        ('<a href="/x" onclick="steal()" title="T" class="c">x</a>',
         f'<a href="https://site.com/x" title="T" {REL}>x</a>'),
        # images: resolved, lazy ones promoted, unusable ones dropped
        ('<img src="a.jpg" alt="A">', '<img src="https://site.com/news/a.jpg" alt="A">'),
        ('<img src="data:image/gif;base64,R0lGOD" data-src="/i/a.jpg">',
         '<img src="https://site.com/i/a.jpg">'),
        ('<img data-lazy-src="/i/a.jpg">', '<img src="https://site.com/i/a.jpg">'),
        ('<img src="/img/1x1.gif" data-original="/i/a.jpg">',
         '<img src="https://site.com/i/a.jpg">'),
        ('<img src="/blank.gif" data-srcset="/s.jpg 1x, /l.jpg 2x">',
         '<img src="https://site.com/l.jpg" srcset="https://site.com/s.jpg 1x, '
         'https://site.com/l.jpg 2x">'),
        ('<img src="a.jpg" srcset="a-300.jpg 300w,a-600.jpg 600w">',
         '<img src="https://site.com/news/a.jpg" srcset="https://site.com/news/a-300.jpg 300w, '
         'https://site.com/news/a-600.jpg 600w">'),
        ('<img srcset="a.jpg javascript:x, b.jpg 2x, c.jpg 1.5x">',
         '<img srcset="https://site.com/news/a.jpg, https://site.com/news/b.jpg 2x, '
         'https://site.com/news/c.jpg 1.5x" src="https://site.com/news/b.jpg">'),
        ('<img src="data:image/png;base64,AAAA">', ""),
        ("<img>", ""),
        ('<img src="javascript:alert(1)">', ""),
        ('<figure><img src="data:,"><figcaption></figcaption></figure>', ""),
        ('<img src="a.jpg" onerror="alert(1)" style="x:y" width="10" height="20">',
         '<img src="https://site.com/news/a.jpg" width="10" height="20">'),
        ('<picture><source data-srcset="https://cdn.x/a,w_100.jpg 100w" media="(min-width: 1px)">'
         '<img src="a.jpg"></picture>',
         '<picture><source media="(min-width: 1px)" srcset="https://cdn.x/a,w_100.jpg 100w">'
         '<img src="https://site.com/news/a.jpg"></picture>'),
        ('<picture><source srcset="data:,"><img src="a.jpg"></picture>',
         '<picture><img src="https://site.com/news/a.jpg"></picture>'),
        # dangerous content goes, contents and all
        ("<script>alert(1)</script>ok", "ok"),
        ("<style>p { color: red }</style>ok", "ok"),
        ('<iframe src="https://evil.com">fallback</iframe>ok', "ok"),
        ("<object data='x'>fallback</object><embed src='x'>ok", "ok"),
        ("<svg><title>Share on X</title><path d=''/></svg>ok", "ok"),
        ("<noscript><img src='real.jpg'></noscript>ok",
         '<img src="https://site.com/news/real.jpg">ok'),
        ('<img data-src="a.jpg"> <noscript><img src="a.jpg"></noscript>',
         '<img src="https://site.com/news/a.jpg">'),
        ('<img src="/spacer.gif"><noscript><img src="a.jpg"></noscript>',
         '<img src="https://site.com/news/a.jpg">'),
        ('<picture><img src="a.jpg"></picture><noscript><img src="a.jpg"></noscript>',
         '<picture><img src="https://site.com/news/a.jpg"></picture>'),
        ("<noscript><p>Enable JavaScript</p></noscript>ok", "ok"),
        ("<form><input value=x><button>Go</button></form>ok", "Gook"),
        ('<p onclick="x()" onmouseover="y()">ok</p>', "<p>ok</p>"),
        ("<!-- a comment -->ok", "ok"),
        ("<p>a</p><p></p><div> <span></span> </div>", "<p>a</p>"),
        # structure that is kept
        ('<table><tr><td colspan="2" class="c">1</td><td></td></tr></table>',
         '<table><tbody><tr><td colspan="2">1</td><td></td></tr></tbody></table>'),
        ('<p dir="rtl" lang="ar" id="x">نص</p>', '<p dir="rtl" lang="ar">نص</p>'),
        ('<time datetime="2022-11-24">today</time>', '<time datetime="2022-11-24">today</time>'),
        ("<h2>T</h2><ul><li>a</li></ul><blockquote>q</blockquote><pre><code>c</code></pre>",
         "<h2>T</h2><ul><li>a</li></ul><blockquote>q</blockquote><pre><code>c</code></pre>"),
        ("<custom-el>kept text</custom-el>", "kept text"),
        # text comes through as characters, escaped only where HTML needs it
        ("<p>caf&eacute; &amp; &lt;tag&gt; – مرحبا 😀</p>",
         "<p>café &amp; &lt;tag&gt; – مرحبا 😀</p>"),
        ('<img alt="<script>" src="a.jpg">',
         '<img alt="&lt;script&gt;" src="https://site.com/news/a.jpg">'),
        ("<p>bad\x00\x0b\x1f\ufffe\uffff chars</p>", "<p>bad chars</p>"),
    ],
)
def test_clean_html(fragment: str, expected: str) -> None:
    assert clean_html(fragment, BASE) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, ""),
        ("", ""),
        ("  Hello   world \n\t ", "Hello world"),
        ("Tom &amp; Jerry", "Tom & Jerry"),
        ("caf&eacute;&nbsp;au&#160;lait", "café au lait"),
        ("<b>Bold</b> <i>move</i>", "Bold move"),
        ("<p>One</p><p>Two</p>", "OneTwo"),
        ("a < b", "a < b"),
        ("a &lt; b", "a < b"),
        ("x\x00y\x0b z\ufffe", "xy z"),
        ("  مرحبا   بالعالم ", "مرحبا بالعالم"),
        ("<script>var x;</script>", ""),
    ],
)
def test_clean_text(text: str | None, expected: str) -> None:
    assert clean_text(text) == expected


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("", ""),
        ("plain", "plain"),
        ("<p>one</p><p>two</p>", "one\ntwo"),
        ("<h1>Title</h1><p>Body  text\n  here</p>", "Title\nBody text here"),
        ("<p>a<br>b<br/>c</p>", "a\nb\nc"),
        ("<ul><li>x</li><li>y</li></ul>", "x\ny"),
        ("<p>in<b>line</b> <a href='#'>link</a></p>", "inline link"),
        ("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc"),
        ("<script>no()</script><style>p{}</style><p>yes</p>", "yes"),
        ("<div><div><p>deep</p></div>tail</div>", "deep\ntail"),
        ("caf&eacute; &amp; co", "café & co"),
        ("<p>\x00bad\x0b</p>", "bad"),
        ("<p>a\ue000b</p>", "ab"),
    ],
)
def test_html_to_text(fragment: str, expected: str) -> None:
    assert html_to_text(fragment) == expected


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 300, "short"),
        ("exactly ten", 11, "exactly ten"),
        ("one two three four", 12, "one two…"),
        ("one two, three four", 14, "one two…"),
        ("x" * 50, 10, "x" * 9 + "…"),
        ("a " + "y" * 50, 10, "a " + "y" * 7 + "…"),
        ("anything", 1, "…"),
        ("anything", 0, ""),
        ("", 5, ""),
    ],
)
def test_truncate_text(text: str, limit: int, expected: str) -> None:
    assert truncate_text(text, limit) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain", "plain"),
        ("tab\tlf\ncr\r", "tab\tlf\ncr\r"),
        ("\x00\x01\x08\x0b\x0c\x0e\x1f", ""),
        ("a\ud800b\udfffc", "abc"),
        ("\ufffe\uffff\ufffd", "\ufffd"),
        ("😀 é – \x7f\x85", "😀 é – \x7f\x85"),
    ],
)
def test_xml_safe(text: str, expected: str) -> None:
    assert xml_safe(text) == expected
    assert xml_bytes(text) == expected.encode()


# Building blocks for hostile HTML: hypothesis glues these together with random text.
_html_bits = st.sampled_from([
    "<script>", "</script>", "<style>", "</style>", "<iframe src=x>", "</iframe>", "<p>", "</p>",
    "<a href='javascript:alert(1)'>", "<a href=\"java\tscript:x\">", "<a href='/ok'>", "</a>",
    "<img src=x onerror=alert(1)>", "<img data-src='/l.jpg' src='data:,'>", "<svg onload=x>",
    "<div onclick='x'>", "</div>", "<b>", "</b>", "<!--", "-->", "<![CDATA[", "]]>", "&amp;",
    "&lt;", "&#0;", "&#x1;", "&#xd800;", "\x00", "\x0b", "\ufffe", "\ud800", "<", ">", "\"", "'",
    "=", " ", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">", "<object data=x>",
    "<form action='javascript:x'>", "<table><td>", "<source srcset='javascript:x 1x'>",
    "<a href='&#106;avascript:x'>", "<base href='javascript:x'>", "<meta http-equiv=refresh>",
])
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _assert_safe(out: str) -> None:
    lowered = out.lower()
    for needle in ("<script", "<iframe", "<style", "<object", "<embed", "<svg", "<math", "<base"):
        assert needle not in lowered
    assert not _XML_FORBIDDEN.search(out)
    root = LexborHTMLParser(out).body
    assert root is not None
    for node in root.traverse():
        for name, value in node.attributes.items():
            assert not name.lower().startswith("on"), out
            assert "javascript:" not in (value or "").lower().replace("\t", ""), out
    # The way a feed carries it: escaped text in an XML element, which must parse.
    ET.fromstring(f"<content type='html'>{escape(out)}</content>")


@settings(max_examples=200)
@given(st.lists(_html_bits | st.text(max_size=6), max_size=14).map("".join))
def test_clean_html_is_safe_on_hostile_markup(fragment: str) -> None:
    _assert_safe(clean_html(fragment, BASE))


@settings(max_examples=150)
@given(st.text(max_size=80))
def test_clean_html_is_safe_on_any_text(fragment: str) -> None:
    _assert_safe(clean_html(fragment, BASE))


@settings(max_examples=200)
@given(st.text(max_size=80))
def test_text_helpers_are_xml_safe(text: str) -> None:
    for out in (clean_text(text), html_to_text(text), xml_safe(text)):
        assert not _XML_FORBIDDEN.search(out)
    assert xml_bytes(text) == xml_safe(text).encode()
    assert clean_text(text) == clean_text(text).strip()
    assert "  " not in clean_text(text)


@settings(max_examples=200)
@given(st.text(max_size=120), st.integers(min_value=0, max_value=130))
def test_truncate_text_respects_the_limit(text: str, limit: int) -> None:
    out = truncate_text(text, limit)
    assert len(out) <= limit
    if len(text) <= limit:
        assert out == text
    else:
        assert out.endswith("…") or limit == 0


@pytest.mark.parametrize("fragment", [
    "", "<p></p>", "<p> \n </p>", "<p>&nbsp;</p>", '<figure><img src="http://x/a.jpg"></figure>',
    "<p>word</p>", "plain", "<div><p></p><p>late &amp; last</p></div>", "<p>&#233;</p>",
    "<br><br>", "<ul><li> </li><li>x</li></ul>",
])
def test_has_text_agrees_with_html_to_text(fragment: str) -> None:
    cleaned = clean_html(fragment, "http://example.com/")
    assert has_text(cleaned) == bool(html_to_text(cleaned).strip())
