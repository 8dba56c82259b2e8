"""Fetcher edge cases that the sample site does not produce (raw header bytes, robots.txt
redirects to another host name), against a small real HTTP server on 127.0.0.1. Host names such as
a.test reach it through the Fetcher's resolver seam, with allow_private (a name resolving to
127.0.0.1 is refused otherwise: tests/test_security.py); sockets and HTTP are real."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest
from conftest import HTML, Handler, Loopback, Reply

from feedmaker.errors import FetchError, RobotsDenied
from feedmaker.fetch import Fetcher, Page, retry_after
from sample_site.server import SampleSite


def _get(url: str, **kw: str) -> Page:
    async def run() -> Page:
        async with Fetcher("feedmaker-test/1", resolver=Loopback(), allow_private=True) as f:
            return await f.get(url, **kw)
    return asyncio.run(run())



def test_a_non_ascii_etag_is_not_kept(serve: Callable[[Handler], int]) -> None:
    def handler(host: str, path: str) -> Reply:
        if path == "/robots.txt":
            return 404, [], b""
        return 200, [("Content-Type", b"text/html"), ("ETag", 'W/"café"'.encode()),
                     ("Last-Modified", b"Wed, 01 May 2024 10:00:00 GMT")], b"<p>x</p>"
    page = _get(f"http://a.test:{serve(handler)}/news")
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


def test_robots_txt_is_read_after_a_redirect_to_www(serve: Callable[[Handler], int]) -> None:
    port = 0

    def handler(host: str, path: str) -> Reply:
        if host == "a.test" and path == "/robots.txt":
            return 301, [("Location", f"http://www.a.test:{port}/robots.txt".encode())], b""
        if path == "/robots.txt":
            return 200, [], b"User-agent: *\nDisallow: /private\n"
        return 200, HTML, b"<p>x</p>"
    port = serve(handler)
    assert _get(f"http://a.test:{port}/news").status == 200
    with pytest.raises(RobotsDenied, match=r"robots\.txt"):
        _get(f"http://a.test:{port}/private/page")


@pytest.mark.parametrize(("status", "allowed"), [(404, True), (403, True), (500, False), (503, False)])
def test_robots_txt_status(serve: Callable[[Handler], int], status: int, allowed: bool) -> None:
    def handler(host: str, path: str) -> Reply:
        if path == "/robots.txt":
            return status, [], b""
        return 200, HTML, b"<p>x</p>"
    url = f"http://a.test:{serve(handler)}/news"
    if allowed:
        assert _get(url).status == 200
    else:
        with pytest.raises(RobotsDenied, match=f"HTTP {status}"):
            _get(url)


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


def test_requests_go_through_the_proxy_the_environment_names(
        serve: Callable[[Handler], int], monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    def proxy(host: str, path: str) -> Reply:
        seen.append(path)  # a proxy is asked for the absolute URL
        return (404, [], b"") if path.endswith("/robots.txt") else (200, HTML, b"<p>x</p>")
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{serve(proxy)}")
    monkeypatch.setenv("no_proxy", "direct.test")
    assert asyncio.run(_fetch_direct("http://far.test/news")).status == 200
    assert seen == ["http://far.test/robots.txt", "http://far.test/news"]
    with pytest.raises(FetchError, match=r"cannot resolve direct\.test"):
        asyncio.run(_fetch_direct("http://direct.test/news"))  # no_proxy: straight to DNS
    assert len(seen) == 2


async def _fetch_direct(url: str) -> Page:
    async with Fetcher("feedmaker-test/1") as f:
        return await f.get(url)


@pytest.mark.parametrize(("body", "ctype"), [
    ("<p>café 🌍 مرحبا</p>".encode(), "text/html; charset=utf-8"),
    ("<p>café</p>".encode(), "text/html; charset=iso-8859-1"),  # the classic wrong label
    (b"\xef\xbb\xbf<p>caf\xc3\xa9</p>", None),
    (b"\xef\xbb\xbf<p>caf\xe9</p>", None),  # a BOM over bytes that are not UTF-8
    ("<p>café</p>".encode("cp1252"), "text/html; charset=windows-1252"),
    ("<p>café</p>".encode("utf-16"), None),
    ("<p>مرحبا</p>".encode("cp1256"), 'text/html; charset="windows-1256"'),
    (b"<p>plain</p>", "text/html; charset=utf-16"),  # a label the ASCII bytes contradict
    (b"<p>plain</p>", None),
])
def test_pages_reach_the_parser_as_the_utf8_of_their_decoded_text(body: bytes, ctype: str | None) -> None:
    from feedmaker.fetch import decode_html, utf8_html

    assert utf8_html(body, ctype).decode() == decode_html(body, ctype)


def test_the_deadline_counts_time_on_the_wire_not_time_queued_for_a_slot(
        serve: Callable[[Handler], int]) -> None:
    """Ten pages at 0.3 s each, two at a time, against a 1 s deadline: the last ones wait
    ~1.2 s for a slot, which must not count (a first build queues hundreds of articles)."""
    import time

    def handler(host: str, path: str) -> Reply:
        if path == "/robots.txt":
            return 404, [], b""
        time.sleep(0.3)
        return 200, HTML, b"<p>x</p>"
    port = serve(handler)

    async def run() -> list[Page]:
        async with Fetcher("feedmaker-test/1", resolver=Loopback(), allow_private=True, timeout=1.0,
                           per_host=2) as f:
            return await asyncio.gather(*(f.get(f"http://a.test:{port}/news/{n}") for n in range(10)))
    assert [p.status for p in asyncio.run(run())] == [200] * 10


def test_one_deadline_covers_a_whole_redirect_chain(serve: Callable[[Handler], int]) -> None:
    import time

    def handler(host: str, path: str) -> Reply:
        if path == "/robots.txt":
            return 404, [], b""
        time.sleep(0.4)
        hop = int(path.rsplit("/", 1)[1])
        return (200, HTML, b"<p>x</p>") if hop == 4 else (302, [("Location", f"/r/{hop + 1}".encode())], b"")
    port = serve(handler)
    with pytest.raises(FetchError, match="timed out after 1s"):  # 5 hops x 0.4 s, each under 1 s
        _get_with(f"http://a.test:{port}/r/0", timeout=1.0)


def _get_with(url: str, **kw: Any) -> Page:
    async def run() -> Page:
        async with Fetcher("feedmaker-test/1", resolver=Loopback(), allow_private=True, **kw) as f:
            return await f.get(url)
    return asyncio.run(run())


@pytest.mark.parametrize("shared", [True, False])
def test_fetchers_sharing_slots_keep_to_the_per_host_limit_together(
        serve: Callable[[Handler], int], shared: bool) -> None:
    """Two sites on one host (two fetchers) make at most per_host requests at a time between them."""
    import time

    from feedmaker.fetch import HostSlots

    lock, now, peak = threading.Lock(), [0], [0]

    def handler(host: str, path: str) -> Reply:
        if path == "/robots.txt":
            return 404, [], b""
        with lock:
            now[0] += 1
            peak[0] = max(peak[0], now[0])
        time.sleep(0.1)
        with lock:
            now[0] -= 1
        return 200, HTML, b"<p>x</p>"
    port = serve(handler)

    async def run() -> None:
        slots = HostSlots(2) if shared else None
        async with Fetcher("a/1", resolver=Loopback(), allow_private=True, slots=slots) as a, \
                Fetcher("b/1", resolver=Loopback(), allow_private=True, slots=slots) as b:
            await asyncio.gather(*(f.get(f"http://a.test:{port}/{f.user_agent[0]}/{n}")
                                   for f in (a, b) for n in range(6)))
    asyncio.run(run())
    assert peak[0] == (2 if shared else 4)


def test_tls_failures_are_worded_as_tls_not_as_the_os_errno_they_carry() -> None:
    """An SSLError's errno is OpenSSL's: errno 1 read as "Operation not permitted" before."""
    import ssl

    import aiohttp
    from aiohttp.client_reqrep import ConnectionKey

    from feedmaker.transport import describe

    key = ConnectionKey("a.test", 443, True, True, None, None, None)
    error = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    text = describe(aiohttp.ClientConnectorCertificateError(key, error))
    assert "TLS" in text and "CERTIFICATE_VERIFY_FAILED" in text and "not permitted" not in text


@pytest.mark.parametrize(("body", "ctype"), [
    (b"<p>+2AA-</p>", "text/html; charset=utf-7"),  # decodes to a lone surrogate
    (b"<meta charset=unicode_escape><p>\\ud800</p>", None),
    (b"<meta charset=base64><p>caf\xe9</p>", None),  # not a text codec at all
    (b"\xef\xbb\xbf\xef\xbb\xbf<p>x</p>", None),  # two BOMs
])
def test_odd_charset_labels_still_give_utf8_for_the_parser(body: bytes, ctype: str | None) -> None:
    from feedmaker.fetch import decode_html, utf8_html

    html = utf8_html(body, ctype)
    html.decode("utf-8")  # valid UTF-8, whatever came in
    assert not html.startswith(b"\xef\xbb\xbf")
    assert html.decode().replace("?", "") == decode_html(body, ctype).replace("\ud800", "")


def test_proxy_choice_follows_all_proxy_and_port_specific_no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("all_proxy", "http://proxy.test:3128")
    monkeypatch.setenv("no_proxy", "a.test:8080")
    f = Fetcher("feedmaker-test/1")
    assert f._proxy("http://b.test/x") == "http://proxy.test:3128"
    assert f._proxy("http://a.test:8080/x") is None
    assert f._proxy("http://a.test:9090/x") == "http://proxy.test:3128"
    monkeypatch.setenv("all_proxy", "socks5://proxy.test:1080")  # not an HTTP proxy: not used
    assert Fetcher("feedmaker-test/1")._proxy("http://b.test/x") is None


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_refused_connection_is_worded_as_refused() -> None:
    port = _closed_port()
    with pytest.raises(FetchError, match=rf"cannot connect to 127\.0\.0\.1:{port} \(Connection refused\)"):
        _get(f"http://127.0.0.1:{port}/news")


def test_the_transport_reports_a_refused_connection_as_connect_error_not_timeout() -> None:
    """httpx callers tell "down" from "slow" by class: a refusal is ConnectError (httpx-aiohttp's
    transport says ConnectTimeout), and the aiohttp error stays its cause."""
    import aiohttp
    import httpx

    from feedmaker.transport import connect

    async def run() -> None:
        async with connect("feedmaker-test/1", 5.0, lambda url: None) as client:
            await client.get(f"http://127.0.0.1:{_closed_port()}/")
    with pytest.raises(httpx.ConnectError) as info:
        asyncio.run(run())
    assert not isinstance(info.value, httpx.TimeoutException)
    assert isinstance(info.value.__cause__, aiohttp.ClientConnectorError)


def test_compressed_pages_are_decoded_and_the_size_cap_counts_decoded_bytes(
        serve: Callable[[Handler], int]) -> None:
    import gzip

    page = "<p>café</p>".encode() * 1000
    bomb = gzip.compress(b" " * (3 << 20))  # 3 KB on the wire, 3 MB once decoded

    def handler(host: str, path: str) -> Reply:
        if path == "/robots.txt":
            return 404, [], b""
        body = gzip.compress(page) if path == "/page" else bomb
        return 200, [*HTML, ("Content-Encoding", b"gzip")], body
    port = serve(handler)
    assert _get_with(f"http://a.test:{port}/page").html == page
    with pytest.raises(FetchError, match="larger than 1048576 bytes"):
        _get_with(f"http://a.test:{port}/bomb", max_bytes=1 << 20)


def test_credentials_in_a_url_are_sent_as_basic_auth(site: SampleSite) -> None:
    """httpx makes the header; the transport must not hand aiohttp the credentials again (it
    refuses a URL with credentials next to an Authorization header)."""
    import base64

    page = asyncio.run(_fetch_direct(f"http://feeds:s3cret-pw@127.0.0.1:{site.port}/news/health"))
    assert page.status == 200
    sent = next(site.find(path="/news/health")).headers
    auth = {k.lower(): v for k, v in sent.items()}["authorization"]
    assert auth == "Basic " + base64.b64encode(b"feeds:s3cret-pw").decode()


def test_a_long_running_process_renews_a_fetcher_a_day_old(serve: Callable[[Handler], int]) -> None:
    """robots.txt answered 503 when first asked: the fetcher refuses the whole site for as long
    as it lives, so the daemon and every cluster worker renew it once it is a day old."""
    from feedmaker.fetchers import FETCHER_LIFETIME, SiteFetchers

    robots = [503]

    def handler(host: str, path: str) -> Reply:
        if path == "/robots.txt":
            return robots[0], [], b""
        return 200, HTML, b"<p>x</p>"
    url = f"http://a.test:{serve(handler)}/news"
    now = [1000.0]
    fetchers = SiteFetchers(lambda key: Fetcher("feedmaker-test/1", resolver=Loopback(),
                                                allow_private=True), clock=lambda: now[0])

    async def poll() -> Page:
        return await (await fetchers.get("site")).get(url)

    async def run() -> None:
        with pytest.raises(RobotsDenied, match="HTTP 503"):
            await poll()
        first = await fetchers.get("site")
        robots[0] = 404  # the site is back, but a day has not passed: the cached answer stands
        now[0] += FETCHER_LIFETIME - 1
        with pytest.raises(RobotsDenied, match="HTTP 503"):
            await poll()
        assert await fetchers.get("site") is first
        now[0] += 2
        assert (await poll()).status == 200
        assert await fetchers.get("site") is not first
        await fetchers.aclose()
    asyncio.run(run())
