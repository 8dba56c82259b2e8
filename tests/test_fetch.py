"""Fetcher edge cases that a local server cannot easily produce (raw header bytes, robots
redirects), through httpx's transport seam; everything else is tested against the sample site."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from feedmaker.errors import RobotsDenied
from feedmaker.fetch import Fetcher, Page, retry_after

Handler = Callable[[httpx.Request], httpx.Response]


def _get(handler: Handler, url: str, **kw: str) -> Page:
    async def run() -> Page:
        async with Fetcher("feedmaker-test/1", transport=httpx.MockTransport(handler)) as f:
            return await f.get(url, **kw)
    return asyncio.run(run())


HTML = {"content-type": "text/html; charset=utf-8"}


def test_a_non_ascii_etag_is_not_kept() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        headers = [(b"content-type", b"text/html"), (b"etag", 'W/"café"'.encode()),
                   (b"last-modified", b"Wed, 01 May 2024 10:00:00 GMT")]
        return httpx.Response(200, headers=headers, content=b"<p>x</p>")
    page = _get(handler, "https://a.test/news")
    assert page.etag is None and page.last_modified == "Wed, 01 May 2024 10:00:00 GMT"


@pytest.mark.parametrize(("value", "expected"), [("120", 120.0), ("soon", None), ("", None)])
def test_retry_after_seconds(value: str, expected: float | None) -> None:
    assert retry_after(value) == expected


@pytest.mark.parametrize("form", ["gmt", "-0000", "no zone"])
def test_retry_after_dates(form: str) -> None:
    """HTTP dates are GMT whether or not they say so; the wait is measured from now."""
    when = datetime.now(UTC) + timedelta(seconds=300)
    value = {"gmt": format_datetime(when, usegmt=True),
             "-0000": when.strftime("%a, %d %b %Y %H:%M:%S -0000"),
             "no zone": when.strftime("%a, %d %b %Y %H:%M:%S")}[form]
    got = retry_after(value)
    assert got is not None and 290 <= got <= 301


def test_robots_txt_is_read_after_a_redirect_to_www() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "a.test" and request.url.path == "/robots.txt":
            return httpx.Response(301, headers={"location": "https://www.a.test/robots.txt"})
        if request.url.path == "/robots.txt":
            return httpx.Response(200, text="User-agent: *\nDisallow: /private\n")
        return httpx.Response(200, headers=HTML, text="<p>x</p>")
    assert _get(handler, "https://a.test/news").status == 200
    with pytest.raises(RobotsDenied, match=r"robots\.txt"):
        _get(handler, "https://a.test/private/page")


@pytest.mark.parametrize(("status", "allowed"), [(404, True), (403, True), (500, False), (503, False)])
def test_robots_txt_status(status: int, allowed: bool) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(status)
        return httpx.Response(200, headers=HTML, text="<p>x</p>")
    if allowed:
        assert _get(handler, "https://a.test/news").status == 200
    else:
        with pytest.raises(RobotsDenied, match=f"HTTP {status}"):
            _get(handler, "https://a.test/news")


@pytest.mark.parametrize(("head", "expected"), [
    ("<html><head><TITLE>Just a moment...</TITLE>", True),
    ("<title> Attention Required! | Cloudflare</title>", True),
    ('<script src="/cdn-cgi/challenge-platform/h/b/orchestrate"></script>', True),
    ("<div id='px-captcha'></div>", True),
    ("<title>Access denied</title>", True),
    ("<title>Just a moment of silence for the victims</title>", False),
    ("<title>Access denied: the refugees turned back at the border</title>", False),
    ("<title>Health news</title><p>Please wait for the results, doctors said.</p>", False),
    ("<title>Cloudflare outage: what we know</title>", False),
])
def test_challenge_pages(head: str, expected: bool) -> None:
    from feedmaker.fetch import looks_like_challenge

    assert looks_like_challenge(head) == expected
