"""What a hostile or careless network cannot make the fetcher do: follow a redirect to another
port, or take a non-HTML answer for a page. Real sockets and HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from conftest import HTML, Handler, Reply

from feedmaker.errors import FetchError
from feedmaker.fetch import Fetcher, Page


def _local(url: str) -> Page:
    """Straight to the 127.0.0.1 the URL names."""
    async def run() -> Page:
        async with Fetcher("feedmaker-test/1") as f:
            return await f.get(url)
    return asyncio.run(run())


def _recording(hits: list[str], reply: Callable[[str], Reply] | None = None) -> Handler:
    def handler(host: str, path: str) -> Reply:
        hits.append(path)
        if reply is not None:
            return reply(path)
        return (404, [], b"") if path == "/robots.txt" else (200, HTML, b"<p>x</p>")
    return handler


# -- redirects to another port ---------------------------------------------------------------------
def test_a_redirect_to_another_port_on_the_same_host_is_refused(serve: Callable[[Handler], int]) -> None:
    other: list[str] = []
    other_port = serve(_recording(other))

    def reply(path: str) -> Reply:
        if path == "/news":
            return 301, [("Location", f"http://127.0.0.1:{other_port}/news".encode())], b""
        return 404, [], b""
    port = serve(_recording([], reply))
    with pytest.raises(FetchError, match=f"refusing to leave for another port \\({other_port}\\)"):
        _local(f"http://127.0.0.1:{port}/news")
    assert other == []


def test_robots_txt_is_not_read_from_another_port(serve: Callable[[Handler], int]) -> None:
    other: list[str] = []
    other_port = serve(_recording(other, lambda path: (200, [], b"User-agent: *\nDisallow: /\n")))

    def reply(path: str) -> Reply:
        if path == "/robots.txt":
            return 301, [("Location", f"http://127.0.0.1:{other_port}/robots.txt".encode())], b""
        return 200, HTML, b"<p>x</p>"
    port = serve(_recording([], reply))
    assert _local(f"http://127.0.0.1:{port}/news").status == 200
    assert other == []


@pytest.mark.parametrize(("a", "b", "same"), [
    ("http://a.test/", "https://a.test/x", True),  # each scheme's default port
    ("http://a.test:80/", "http://a.test/", True),
    ("https://a.test:443/", "http://a.test:80/", True),
    ("http://a.test:8080/", "https://a.test:8080/", True),
    ("http://a.test/", "http://a.test:22/", False),
    ("http://a.test:8080/", "http://a.test/", False),
])
def test_ports_compare_with_default_ports_equal(a: str, b: str, same: bool) -> None:
    from feedmaker.fetch import _port

    assert (_port(a) == _port(b)) == same


# -- only HTML is read -------------------------------------------------------------------------------
@pytest.mark.parametrize(("ctype", "body", "ok"), [
    (b"text/html; charset=utf-8", b"<p>x</p>", True),
    (b"TEXT/HTML", b"<p>x</p>", True),
    (b"application/xhtml+xml", b"<html><p>x</p></html>", True),
    (b"text/plain", b"<p>not markup, whatever it looks like</p>", False),
    (b"application/json", b'{"html": "<p>"}', False),
    (b"text/xml", b"<?xml version='1.0'?><rss/>", False),
    (b"text/htmlx", b"<p>x</p>", False),
    (None, b"\n  <!DOCTYPE html><html><p>x</p>", True),
    (None, b"\xef\xbb\xbf<html lang=en><p>x</p>", True),
    (None, b"<!-- a comment --><p>x</p>", True),
    (None, b"root:x:0:0:root:/root:/bin/bash\n", False),
    (None, b"<?xml version='1.0'?><rss/>", False),
])
def test_only_html_is_read_as_a_page(serve: Callable[[Handler], int], ctype: bytes | None,
                                     body: bytes, ok: bool) -> None:
    headers = [("Content-Type", ctype)] if ctype else []
    port = serve(_recording([], lambda path: (404, [], b"") if path == "/robots.txt"
                            else (200, headers, body)))
    if ok:
        assert _local(f"http://127.0.0.1:{port}/p").html == body.removeprefix(b"\xef\xbb\xbf")
    else:
        with pytest.raises(FetchError, match="not an HTML page"):
            _local(f"http://127.0.0.1:{port}/p")
