"""What a hostile or careless network cannot make the fetcher do: reach internal addresses through
DNS, follow a redirect to another port, take a non-HTML answer for a page, or show a password.
Real sockets and HTTP on 127.0.0.1; host names such as a.test reach it through the resolver seam,
which the private-address check wraps like any DNS answer."""

from __future__ import annotations

import asyncio
import socketserver
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import HTML, Handler, Loopback, Reply, write_config
from running import Daemon, wait_for

from feedmaker.build import build
from feedmaker.config import load_config
from feedmaker.errors import ConfigError, FetchError
from feedmaker.fetch import Fetcher, Page
from sample_site.server import SampleSite

SECRET = "s3cret-pw"


def _fetch(url: str, *, allowed_hosts: tuple[str, ...] = (), **kw: object) -> Page:
    """Through the resolver seam: every name resolves to 127.0.0.1."""
    async def run() -> Page:
        async with Fetcher("feedmaker-test/1", resolver=Loopback(), **kw) as f:  # type: ignore[arg-type]
            return await f.get(url, allowed_hosts=allowed_hosts)
    return asyncio.run(run())


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


# -- private addresses ---------------------------------------------------------------------------
@pytest.mark.parametrize(("address", "kind"), [
    ("127.0.0.1", "loopback"), ("127.8.9.10", "loopback"), ("::1", "loopback"),
    ("10.1.2.3", "private"), ("172.16.0.1", "private"), ("192.168.1.1", "private"),
    ("fc00::1", "private"), ("169.254.169.254", "link-local"), ("fe80::1%eth0", "link-local"),
    ("0.0.0.0", "unspecified"), ("::", "unspecified"), ("::ffff:127.0.0.1", "loopback"),
    ("100.64.0.1", "non-public"), ("224.0.0.1", "multicast"),
    ("93.184.216.34", None), ("2606:4700::1111", None), ("::ffff:93.184.216.34", None),
])
def test_which_addresses_are_not_public(address: str, kind: str | None) -> None:
    from feedmaker.transport import non_public

    assert non_public(address) == kind


def test_a_public_name_resolving_to_loopback_is_refused_before_any_connection(
        serve: Callable[[Handler], int]) -> None:
    hits: list[str] = []
    url = f"http://a.test:{serve(_recording(hits))}/news"
    with pytest.raises(FetchError, match=r"a\.test resolves to 127\.0\.0\.1, a loopback address: "
                                         r"refused \(set allow_private = true"):
        _fetch(url)  # robots.txt is the first request refused
    with pytest.raises(FetchError, match=r"resolves to 127\.0\.0\.1"):
        _fetch(url, obey_robots=False)  # and the page itself
    assert hits == []  # refused after DNS, before connecting
    assert _fetch(url, allow_private=True).status == 200 and hits == ["/robots.txt", "/news"]


def test_a_redirect_to_a_name_resolving_to_loopback_is_refused(serve: Callable[[Handler], int]) -> None:
    hits: list[str] = []
    port = 0

    def reply(path: str) -> Reply:
        if path == "/start":
            return 302, [("Location", f"http://b.test:{port}/inside".encode())], b""
        return (404, [], b"") if path == "/robots.txt" else (200, HTML, b"<p>internal</p>")
    port = serve(_recording(hits, reply))
    # 127.0.0.1 written in the URL is trusted; b.test, which only DNS puts there, is not.
    with pytest.raises(FetchError, match=r"b\.test resolves to 127\.0\.0\.1"):
        _fetch(f"http://127.0.0.1:{port}/start", allowed_hosts=("b.test",))
    assert hits == ["/robots.txt", "/start"]
    page = _fetch(f"http://127.0.0.1:{port}/start", allowed_hosts=("b.test",), allow_private=True)
    assert page.url.endswith("/inside")


def test_localhost_and_addresses_written_in_the_url_are_trusted(serve: Callable[[Handler], int]) -> None:
    hits: list[str] = []
    port = serve(_recording(hits))
    assert _fetch(f"http://localhost:{port}/a").status == 200  # the seam says 127.0.0.1
    assert _fetch(f"http://127.0.0.1:{port}/b").status == 200
    assert hits == ["/robots.txt", "/a", "/robots.txt", "/b"]


def test_a_site_whose_name_resolves_to_loopback_is_not_published_unless_allowed(
        site: SampleSite, tmp_path: Path) -> None:
    """The issue as it happened: a public name pointed at 127.0.0.1 put an internal page in a feed."""
    public = f"http://news.example.test:{site.port}/"
    refused = load_config(write_config(tmp_path, public))
    result = asyncio.run(build(refused, resolver=Loopback())).sites[0]
    assert not result.ok and result.new == 0
    assert any("news.example.test resolves to 127.0.0.1" in p for p in result.problems), result.problems
    assert site.count() == 0
    allowed = load_config(write_config(tmp_path, public, replace={
        'timezone = "Asia/Beirut"': 'timezone = "Asia/Beirut"\nallow_private = true'}))
    assert allowed.sites["sample"].allow_private
    result = asyncio.run(build(allowed, resolver=Loopback())).sites[0]
    assert result.ok and result.new > 0, result.problems


def test_allow_private_must_be_a_boolean(tmp_path: Path) -> None:
    path = write_config(tmp_path, "http://127.0.0.1:9/", replace={
        'timezone = "Asia/Beirut"': 'timezone = "Asia/Beirut"\nallow_private = "yes"'})
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.key == "sites.sample.allow_private" and "expected bool" in info.value.problem


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


# -- no password in any message -------------------------------------------------------------------
def test_fetch_errors_carry_no_credentials() -> None:
    from feedmaker.errors import redact

    exc = FetchError(f"http://user:{SECRET}@a.test/x",
                     f"ClientHttpProxyError: 407, url='http://me:{SECRET}@proxy.test:3128'")
    assert SECRET not in str(exc) and SECRET not in exc.url and SECRET not in exc.problem
    assert "http://***@a.test/x" in str(exc) and "http://***@proxy.test:3128" in str(exc)
    assert redact("see https://a.test/p?q=x@y and mailto:a@b") == "see https://a.test/p?q=x@y and mailto:a@b"


def test_a_password_in_a_site_url_is_not_shown(serve: Callable[[Handler], int]) -> None:
    port = serve(_recording([], lambda path: (404, [], b"") if path == "/robots.txt"
                            else (500, [], b"")))
    with pytest.raises(FetchError) as info:
        _local(f"http://user:{SECRET}@127.0.0.1:{port}/x")
    assert "HTTP 500" in str(info.value) and SECRET not in str(info.value)


class _Proxy(socketserver.ThreadingTCPServer):
    """An HTTP proxy that answers every request (CONNECT included) with one status."""

    daemon_threads = allow_reuse_address = True

    def __init__(self, status: int) -> None:
        self.seen: list[bytes] = []
        answer = f"HTTP/1.1 {status} Nope\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode()

        class Answer(socketserver.StreamRequestHandler):
            def handle(inner) -> None:
                head = b""
                while not head.endswith(b"\r\n\r\n") and (line := inner.rfile.readline()):
                    head += line
                self.seen.append(head)
                inner.wfile.write(answer)

        super().__init__(("127.0.0.1", 0), Answer)


@pytest.fixture
def proxy(request: pytest.FixtureRequest) -> Iterator[_Proxy]:
    server = _Proxy(request.param)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("proxy", [407, 502], indirect=True)
def test_a_proxy_password_reaches_no_log_healthz_or_state_file(
        proxy: _Proxy, site: SampleSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """https_proxy=http://user:password@…, and the proxy refuses: the error says so, the
    password stays in the Proxy-Authorization header it belongs in."""
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("https_proxy", f"http://feeds:{SECRET}@127.0.0.1:{proxy.server_address[1]}")
    secure = ('\n[sites.secure]\nurl = "https://secure.example.test/"\ninterval = "2s"\n'
              '[sites.secure.sections]\nNews = "/news"\n')
    config = write_config(tmp_path, site.url, extra=secure)
    with Daemon(config) as d:
        wait_for(lambda: d.health()["sites"]["secure"]["state"] == "failing", 30, "the failing site")
        last_error = d.health()["sites"]["secure"]["last_error"]
    assert str(proxy.server_address[1]) in last_error and SECRET not in last_error, last_error
    assert "Proxy-Authorization: Basic" in proxy.seen[0].decode()  # the password went to the proxy
    assert "secure" in d.log and SECRET not in d.log
    state = b"".join(p.read_bytes() for p in tmp_path.glob("feedmaker.sqlite*"))
    assert state and SECRET.encode() not in state
