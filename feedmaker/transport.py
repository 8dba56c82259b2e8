"""The httpx.AsyncClient a Fetcher talks to, and an httpx transport over aiohttp's connections.

`connect()` makes the client: httpx's API (requests, headers, cookies, decoding, streaming) on
`AiohttpTransport`, which sends each request through one aiohttp session (its connection pool,
DNS cache, resolver and C HTTP parser), through the proxy `proxy_for(url)` names. Unless told
otherwise, the session's resolver refuses names that resolve to loopback, private, link-local or
unspecified addresses (`PublicOnly`). `describe` words a failed exchange. Only `fetch` imports
this module, and only when a request is made: httpx and aiohttp take ~0.3 s of CPU to import.

Why not httpx-aiohttp's transport, which does the same: its fixed 16 KB body reads cost ~0.1 ms of
CPU more per 100 KB page, it sends header names lowercased, maps a refused connection to
httpx.ConnectTimeout, and takes one proxy per transport (so one client, and cookie jar, per proxy).
"""

from __future__ import annotations

import base64
import ipaddress
import os
import socket
import ssl
from collections.abc import AsyncIterator, Callable
from urllib.parse import unquote, urlsplit, urlunsplit

# lighthttp imports aiohttp its own way (see there), so it comes first.
from .lighthttp import aiohttp, httpx, tls_context

# isort: split
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"
# What a request can fail with: httpx's errors (ours below), a socket error nobody wrapped, and a
# malformed URL (ValueError or UnicodeError from httpx, yarl or IDNA).
ERRORS = (httpx.HTTPError, httpx.InvalidURL, OSError, ValueError, UnicodeError)

# aiohttp's errors as httpx's, most specific first; the aiohttp error stays the __cause__.
_MAPPED: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (aiohttp.ClientProxyConnectionError, httpx.ProxyError),
    (aiohttp.ClientHttpProxyError, httpx.ProxyError),
    (aiohttp.ConnectionTimeoutError, httpx.ConnectTimeout),
    (aiohttp.ClientConnectorError, httpx.ConnectError),
    (aiohttp.ServerTimeoutError, httpx.ReadTimeout),
    (aiohttp.ServerDisconnectedError, httpx.RemoteProtocolError),
    (aiohttp.ClientPayloadError, httpx.ReadError),
    (aiohttp.ClientResponseError, httpx.RemoteProtocolError),  # a malformed status line...
    (aiohttp.InvalidURL, httpx.UnsupportedProtocol),
    (aiohttp.ClientError, httpx.TransportError),
)


def _as_httpx(exc: aiohttp.ClientError, request: httpx.Request) -> httpx.TransportError:
    kind = next(to for cls, to in _MAPPED if isinstance(exc, cls))
    return kind(describe(exc), request=request)


class PrivateAddress(OSError):
    """A name that resolved to addresses no public site has."""


def non_public(address: str) -> str | None:
    """What kind of non-public address `address` is ("loopback", "private"...), None if public.
    An IPv4 address mapped into IPv6 is judged as the IPv4 address it is."""
    ip = ipaddress.ip_address(address.partition("%")[0])  # fe80::1%eth0: the zone is not the address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for kind in ("loopback", "unspecified", "link_local", "private", "multicast", "reserved"):
        if getattr(ip, f"is_{kind}"):
            return kind.replace("_", "-")
    return None if ip.is_global else "non-public"  # 100.64.0.0/10, shared by carriers' NATs


class PublicOnly(AbstractResolver):
    """Resolves through `inner` and keeps only public addresses, after DNS and before any
    connection, for every request of the session: pages, redirects and robots.txt alike. A name
    whose addresses are all non-public is refused (DNS rebinding: a public name pointed at
    127.0.0.1 or 10.x would publish an internal service's pages). Not asked about the addresses a
    URL names itself (aiohttp connects to those without resolving: the config wrote them), nor
    about `localhost` names and the proxies, which the owner's config and environment name."""

    def __init__(self, inner: AbstractResolver, trusted: Callable[[str], bool]) -> None:
        self._inner, self._trusted = inner, trusted

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        if self._trusted(host):
            return found
        public = [r for r in found if non_public(r["host"]) is None]
        if not public and found:
            first = found[0]["host"]
            raise PrivateAddress(
                f"{host} resolves to {first}, a {non_public(first)} address: refused (set "
                "allow_private = true for the site if it is meant to be read)")
        return public

    async def close(self) -> None:
        await self._inner.close()


class _Body(httpx.AsyncByteStream):
    """An aiohttp response body, chunk by chunk as it arrives."""

    def __init__(self, response: aiohttp.ClientResponse, request: httpx.Request) -> None:
        self._response, self._request = response, request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            # iter_any hands over whatever has arrived; fixed 16 KB reads (httpx-aiohttp's)
            # make aiohttp resume its parser after each one, ~0.1 ms more per 100 KB page.
            async for chunk in self._response.content.iter_any():
                yield chunk
        except aiohttp.ClientError as exc:
            raise _as_httpx(exc, self._request) from exc

    async def aclose(self) -> None:
        self._response.release()  # an unread body closes the connection instead of reusing it


class AiohttpTransport(httpx.AsyncBaseTransport):
    """httpx requests sent by an aiohttp session, each through the proxy `proxy_for` names
    (None: direct). Timeouts come from httpx's request: connect and pool become aiohttp's
    connect limits, read its sock_read; redirects are not followed."""

    def __init__(self, session: aiohttp.ClientSession,
                 proxy_for: Callable[[str], str | None] = lambda url: None) -> None:
        self._session, self._proxy_for = session, proxy_for
        self._proxies: dict[str, tuple[str, dict[str, str]]] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        if url.userinfo:  # httpx sent them as Authorization already; aiohttp refuses both
            url = url.copy_with(username=None, password=None)
        timeout = request.extensions.get("timeout", {})
        proxy, proxy_headers = self._proxy(self._proxy_for(str(url)))
        try:
            response = await self._session.request(
                request.method, str(url),
                # As written (httpx.Headers' own iteration lowercases the names).
                headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw],
                data=request.content or None, allow_redirects=False, auto_decompress=False,
                proxy=proxy, proxy_headers=proxy_headers,
                # Ours, never aiohttp's default (see lighthttp): made on the first https request.
                ssl=tls_context() if url.scheme == "https" else True,
                timeout=aiohttp.ClientTimeout(connect=timeout.get("pool"),
                                              sock_connect=timeout.get("connect"),
                                              sock_read=timeout.get("read")))
        except aiohttp.ClientError as exc:
            raise _as_httpx(exc, request) from exc
        return httpx.Response(response.status, headers=response.raw_headers,
                              stream=_Body(response, request), request=request,
                              extensions={"http_version": b"HTTP/1.1",
                                          "reason_phrase": (response.reason or "").encode()})

    def _proxy(self, proxy: str | None) -> tuple[str | None, dict[str, str] | None]:
        """The proxy URL without its user:password, which goes in a Proxy-Authorization header
        instead: aiohttp's errors quote the proxy URL, and error texts reach logs and /healthz."""
        if proxy is None:
            return None, None
        if proxy not in self._proxies:
            parts = urlsplit(proxy)
            headers = {}
            if parts.username is not None:
                pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
                headers["Proxy-Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
            bare = parts._replace(netloc=parts.netloc.rpartition("@")[2])
            self._proxies[proxy] = urlunsplit(bare), headers
        return self._proxies[proxy]

    async def aclose(self) -> None:
        await self._session.close()


def connect(user_agent: str, timeout: float, proxy_for: Callable[[str], str | None],
            resolver: AbstractResolver | None = None, *,
            allow_private: bool = False) -> httpx.AsyncClient:
    """A site's client: its own connections (and cookies), requests through `proxy_for(url)`.
    `resolver` (the test seam) is wrapped in `PublicOnly` like the default one, unless
    `allow_private`: a test's 127.0.0.1 answer is checked as a DNS server's would be."""
    proxies: set[str] = set()

    def proxied(url: str) -> str | None:
        proxy = proxy_for(url)
        if proxy is not None:  # the proxy's own name is the environment's word: trusted
            proxies.add((urlsplit(proxy).hostname or "").lower())
        return proxy

    def trusted(host: str) -> bool:
        host = host.lower().rstrip(".")
        return host == "localhost" or host.endswith(".localhost") or host in proxies

    resolver = resolver or DefaultResolver()
    if not allow_private:
        resolver = PublicOnly(resolver, trusted)
    session = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=64, resolver=resolver, ttl_dns_cache=300),
        # Cookies are httpx's to keep: a second jar would parse every Set-Cookie again.
        cookie_jar=aiohttp.DummyCookieJar(),
        # Proxies are the Fetcher's to choose: aiohttp's trust_env would re-read the environment
        # and ~/.netrc in a thread on every request (0.4 ms of CPU each).
        trust_env=False,
        # Real sites send long Content-Security-Policy and Set-Cookie headers.
        max_line_size=65536, max_field_size=65536,
    )
    short = min(timeout, 15.0)
    return httpx.AsyncClient(
        transport=AiohttpTransport(session, proxied),
        headers={"User-Agent": user_agent, "Accept": ACCEPT, "Accept-Encoding": "gzip, deflate"},
        timeout=httpx.Timeout(connect=short, read=min(timeout, 20.0), write=min(timeout, 20.0),
                              pool=short),
        follow_redirects=False, trust_env=False)


def describe(exc: BaseException) -> str:
    """A failed exchange in words: DNS, refused, TLS, timeout; other failures keep the library's
    class name, which is precise. An httpx error made from an aiohttp one is read through."""
    if isinstance(exc, httpx.HTTPError) and isinstance(exc.__cause__, aiohttp.ClientError):
        exc = exc.__cause__
    if isinstance(exc, aiohttp.ClientConnectorError):
        err = exc.os_error
        if isinstance(err, PrivateAddress):
            return str(err)
        if isinstance(err, ssl.SSLError):  # its errno is OpenSSL's, not the OS's
            why = f"TLS: {getattr(err, 'reason', None) or err.strerror or err}"
        elif isinstance(err.errno, int) and err.errno > 0:
            why = os.strerror(err.errno)
        else:
            why = err.strerror or str(err)
        if isinstance(exc, aiohttp.ClientConnectorDNSError):
            return f"cannot resolve {exc.host} ({why})"
        return f"cannot connect to {exc.host}:{exc.port} ({why})"
    text = str(exc).strip()
    if isinstance(exc, aiohttp.ServerTimeoutError):  # connect or sock_read: the site went quiet
        return f"timed out ({text})" if text else "timed out"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
