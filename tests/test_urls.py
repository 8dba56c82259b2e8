"""Tables and properties for feedmaker.urls."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from deadline import deadline
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.provisional import urls as http_urls

from feedmaker import urls
from feedmaker.urls import absolute, canonical_url, host_of, same_host, url_path

BASE = "https://www.site.com/news/2022/story.html"


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("a.html", "https://www.site.com/news/2022/a.html"),
        ("/x", "https://www.site.com/x"),
        ("../b", "https://www.site.com/news/b"),
        ("../../../../b", "https://www.site.com/b"),
        ("?page=2", "https://www.site.com/news/2022/story.html?page=2"),
        ("//cdn.site.com/i.jpg", "https://cdn.site.com/i.jpg"),
        ("http://other.org/p", "http://other.org/p"),
        ("HTTPS://Other.org/P", "https://Other.org/P"),
        ("  /x\n  ", "https://www.site.com/x"),
        ("/a\tb\nc", "https://www.site.com/abc"),
        ("/a b", "https://www.site.com/a%20b"),
        ("\x00/x\x1f", "https://www.site.com/x"),
        ("http:\\\\evil.com\\x", "http://evil.com/x"),
        ("https://bücher.de/x", "https://bücher.de/x"),
        ("#", None),
        ("#section", None),
        ("", None),
        ("   ", None),
        (None, None),
        ("javascript:alert(1)", None),
        (" JavaScript:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("mailto:a@b.c", None),
        ("tel:+123", None),
        ("data:image/png;base64,AAAA", None),
        ("ftp://files.site.com/a", None),
        ("http://[::1", None),
        ("http://a.com:99999/", None),
        ("http:///path", None),
        ("http://./", None),
    ],
)
def test_absolute(href: str | None, expected: str | None) -> None:
    assert absolute(href, BASE) == expected


@pytest.mark.parametrize(
    ("base", "href", "expected"),
    [
        ("not a url", "a.html", None),
        ("", "/x", None),
        ("http://[::1", "/x", None),
        ("", "https://ok.com/", "https://ok.com/"),
        ("https://site.com", "x", "https://site.com/x"),
    ],
)
def test_absolute_bad_base(base: str, href: str, expected: str | None) -> None:
    assert absolute(href, base) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://WWW.Site.COM/a", "http://www.site.com/a"),
        ("http://site.com:80/a", "http://site.com/a"),
        ("https://site.com:443/a", "https://site.com/a"),
        ("http://site.com:443/a", "http://site.com:443/a"),
        ("https://site.com:8443/a", "https://site.com:8443/a"),
        ("https://site.com", "https://site.com/"),
        ("https://site.com/?", "https://site.com/"),
        ("https://site.com/a?", "https://site.com/a"),
        ("https://site.com/a#comments", "https://site.com/a"),
        ("https://site.com/a?id=3#x", "https://site.com/a?id=3"),
        ("https://site.com/a?utm_source=tw&utm_medium=social", "https://site.com/a"),
        ("https://site.com/a?UTM_Campaign=x&id=1", "https://site.com/a?id=1"),
        ("https://site.com/a?b=2&fbclid=XX&a=1&gclid=1", "https://site.com/a?b=2&a=1"),
        ("https://site.com/a?ref=home&ref_src=twsrc&spm=1.2&share=fb", "https://site.com/a"),
        ("https://site.com/a?mc_cid=1&mc_eid=2&igshid=3&_ga=4&yclid=5", "https://site.com/a"),
        ("https://site.com/a?cmpid=1&ocid=2&at_medium=3&at_campaign=4", "https://site.com/a"),
        ("https://site.com/a?dclid=1&msclkid=2&page=2", "https://site.com/a?page=2"),
        ("https://site.com/a?amp=1&id=2", "https://site.com/a?amp=1&id=2"),
        ("https://site.com/a?z=1&a=2", "https://site.com/a?z=1&a=2"),
        ("https://site.com/a?x=1&&y=2", "https://site.com/a?x=1&y=2"),
        ("https://site.com/%7euser/%2f", "https://site.com/~user/%2F"),
        ("https://site.com/%41%62c", "https://site.com/Abc"),
        ("https://site.com/caf%c3%a9", "https://site.com/caf%C3%A9"),
        ("https://site.com/café", "https://site.com/caf%C3%A9"),
        ("https://site.com/a b", "https://site.com/a%20b"),
        ("https://site.com/100%", "https://site.com/100%25"),
        ("https://site.com/a?q=a%20b&r=%e2%80%93", "https://site.com/a?q=a%20b&r=%E2%80%93"),
        ("https://site.com/a/./b/../c", "https://site.com/a/c"),
        ("https://site.com/a/%2E%2E/b", "https://site.com/b"),
        ("https://Bücher.de/x", "https://xn--bcher-kva.de/x"),
        ("https://site.com./a", "https://site.com/a"),
        ("http://[::1]:80/x", "http://[::1]/x"),
        ("  https://site.com/a  ", "https://site.com/a"),
        ("https://site.com/A/Path", "https://site.com/A/Path"),
        ("http://[::1", "http://[::1"),
        ("not a url", "not a url"),
        ("", ""),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


@pytest.mark.parametrize(
    ("url", "host", "expected"),
    [
        ("https://www.site.com/a", "site.com", True),
        ("https://site.com/a", "www.site.com", True),
        ("https://SITE.com/a", "Site.COM", True),
        ("https://site.com:8080/a", "site.com", True),
        ("https://news.site.com/a", "site.com", False),
        ("https://site.com.evil.org/a", "site.com", False),
        ("https://evilsite.com/a", "site.com", False),
        ("https://www.site.com/a", "https://site.com/", True),
        ("https://bücher.de/", "xn--bcher-kva.de", True),
        ("/relative", "site.com", False),
        ("", "", False),
    ],
)
def test_same_host(url: str, host: str, expected: bool) -> None:
    assert same_host(url, host) is expected


@pytest.mark.parametrize(
    ("url", "host", "path"),
    [
        ("https://WWW.Site.com:8080/a/b?x=1#f", "www.site.com", "/a/b"),
        ("https://site.com", "site.com", "/"),
        ("https://site.com.", "site.com", "/"),
        ("http://[::1]/x", "::1", "/x"),
        ("/just/a/path", "", "/just/a/path"),
        ("http://[::1", "", "/"),
    ],
)
def test_host_of_and_url_path(url: str, host: str, path: str) -> None:
    assert host_of(url) == host
    assert url_path(url) == path


@settings(max_examples=200)
@given(http_urls())
def test_canonical_url_idempotent_on_http_urls(url: str) -> None:
    once = canonical_url(url)
    assert canonical_url(once) == once
    assert urlsplit(once).scheme in {"http", "https"}
    assert "#" not in once


@settings(max_examples=200)
@given(st.text(max_size=80))
def test_canonical_url_idempotent_on_any_text(text: str) -> None:
    once = canonical_url(text)
    assert canonical_url(once) == once


_url_bits = st.sampled_from([
    "http://", "https://", "javascript:", "mailto:", "data:", "//", "/", "\\", ":", "@", "[",
    "]", "#", "?", "&", "=", "%", "%2", "%zz", " ", "\t", "\x00", "a.com", "xn--", "é", "..",
    "80", ":443", "utm_source=1", "ref=x",
])


@settings(max_examples=200)
@given(st.lists(_url_bits | st.text(max_size=5), max_size=8).map("".join))
@example("http://..//http://")  # a host of dots only: canonical_url made "http://http://" of it
def test_absolute_only_ever_returns_http_urls(href: str) -> None:
    result = absolute(href, BASE)
    if result is not None:
        parts = urlsplit(result)
        assert parts.scheme in {"http", "https"}
        assert parts.hostname
        assert not any(ch in result for ch in "\x00\t\n\r ")
    once = canonical_url(result or href)
    assert canonical_url(once) == once


_link_bits = st.sampled_from([
    "http://", "https://", "HTTP://", "//", "/", "\\", "./", "../", ".", "..", "/.", "/..", "a",
    "B", "z9", "-", "_", "~", "a.com", "x.y.", ":", ":80", ":65536", ":0080", "@", ";", ";p=1",
    "?", "?q=1", "&", "#", "#f", "%20", " ", "é", "[::1]", "javascript:", "mailto:",
])
_bases = st.sampled_from([
    "http://h.com/a/b", "https://h.com:8443/x/", "http://H.com", "HTTPS://h.com/p?q=1#f",
    "http://h.com./", "http://[::1]:8080/p", "ftp://h.com/", "mailto:x@h.com", "/relative",
    " http://h.com/s ", "http://user@h.com/", "http://h.com:99999/", "http:///nohost", "",
    "http://[::1/p", "http://a]b/", "http://[xyz]/", "http://h℀.com/", "http://h.com:٨٠/",
])


_shaped_links = st.tuples(
    st.sampled_from(["", "http://", "https://", "HTTP://", "//", "/"]),
    st.sampled_from(["", "a.com", "B.x.", "h.com", "-", "[::1]", "a..b", "é.com", "u@h.com"]),
    st.sampled_from(["", ":", ":80", ":65535", ":65536", ":0080", ":99999", ":x", ":٨٠", ":８"]),
    st.lists(_link_bits, max_size=5).map("".join),
).map("".join)


@settings(max_examples=1000)
@given(href=st.lists(_link_bits, min_size=1, max_size=7).map("".join) | _shaped_links,
       base=_bases)
def test_absolute_shortcuts_agree_with_urljoin(href: str, base: str) -> None:
    """The plain-link shortcuts in `absolute` answer exactly what the urljoin path answers."""
    fast = absolute(href, base)
    saved = urls._PLAIN_PATH, urls._PLAIN_ABSOLUTE
    urls._PLAIN_PATH = urls._PLAIN_ABSOLUTE = re.compile(r"(?!)")  # type: ignore[misc]
    try:
        assert absolute(href, base) == fast
    finally:
        urls._PLAIN_PATH, urls._PLAIN_ABSOLUTE = saved  # type: ignore[misc]


@pytest.mark.parametrize("link", [
    "http://" + "a" * 100_000 + "?",  # fails at its very end: the old host pattern retried every split
    "http://" + "a." * 50_000 + "?",
    "http://a:" + "1" * 100_000 + "?",
    "http://a/" + "a/" * 50_000 + "?",
    "/" + "a" * 100_000 + "?",
])
def test_absolute_is_linear_on_long_links(link: str) -> None:
    """A 16,000-character 'http://aaa…?' link cost 20 s (quadratic); 100,000 would take minutes.
    Linear, it is a few milliseconds: the watchdog is 10 s."""
    with deadline(10, "urls.absolute on a 100,000-character link"):
        result = absolute(link, "http://example.com/")
    assert result is None or result.startswith(("http://", "https://"))
