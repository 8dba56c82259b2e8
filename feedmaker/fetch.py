"""Polite HTTP fetching: one User-Agent, robots.txt, per-host concurrency, size and time caps.

`Fetcher.get` returns a `Page` (decoded HTML) or raises FetchError / BlockedError / RobotsDenied.

The client is an `httpx.AsyncClient` (the user's choice) whose transport is feedmaker's own,
over aiohttp's connections (`transport.py`). Chosen by measurement, CPU ms per request on the same
300 generated 40-150 KB pages over loopback (`python -m benchmarks.clients`, 2026-12-02, a busy
machine: compare within one run), separate processes, medians of 7 interleaved rounds: bare aiohttp
0.40; httpx.AsyncClient on this transport 0.75, on httpx-aiohttp's AiohttpTransport 0.68; httpx's
own transport (httpcore + h11, pure Python) 2.44 as `pip install httpx` gives it, 1.69 with
sniffio installed, 1.81 with sniffio and 256 KiB reads. Taking turns request by request in one
process (`--paired`, 5 passes), which this machine's load drift disturbs less: aiohttp 0.27, this
transport 0.50, httpx-aiohttp's 0.60 (higher in every pass: its fixed 16 KB reads), Fetcher.get
on top 0.68. The DNS resolver is a parameter (an aiohttp resolver) so tests can point any host
name at a local server; its answers pass the private-address check like DNS's (unless
`allow_private`); the sockets and HTTP are always real. httpx and aiohttp are imported on
the first request, not with this module (`feedmaker --version` must not pay ~0.3 s for them).
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from .charset import decode_html, utf8_html
from .errors import BlockedError, FetchError, RobotsDenied
from .urls import host_of, same_host

if TYPE_CHECKING:
    import httpx
    from aiohttp.abc import AbstractResolver
    from protego import Protego

__all__ = ["FetchStats", "Fetcher", "HostSlots", "Page", "decode_html", "looks_like_challenge",
           "retry_after", "utf8_html"]

MAX_REDIRECTS = 5
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# What a page served without a Content-Type must start with to be read as HTML: the HTML
# signatures of WHATWG's MIME sniffing (a tag name, then a space or ">"; or a comment).
_LOOKS_HTML = re.compile(rb"(?:\xef\xbb\xbf)?[\t\n\x0c\r ]*<(?:!--|(?:!doctype\s+html|html|head|body|"
                         rb"script|iframe|h1|div|font|table|a|style|title|b|br|p)[\t\n\x0c\r >])", re.I)
_DEFAULT_PORTS = {"http": 80, "https": 443}


# Texts that challenge and bot-wall pages put in their first few KB.
_CHALLENGE_MARKERS = ("cf-browser-verification", "challenge-platform", "cf_chl_opt",
                      "_incapsula_resource", "px-captcha")
# Whole titles of bot walls, so that "Just a moment of silence..." is still an article.
_CHALLENGE_TITLE = re.compile(r"<title>\s*(just a moment(\.\.\.|…)|attention required!|"
                              r"access denied|checking your browser|ddos-guard|please wait(\.\.\.|…)?)"
                              r"\s*(\||</title>|-)")


def looks_like_challenge(head: str) -> bool:
    """Does the start of a page look like a bot wall? (Plain substring tests on the lowered
    text: a case-insensitive regex over 8 KB cost 0.4 ms a page, a fifth of a fetch.)"""
    low = head.lower()
    return any(m in low for m in _CHALLENGE_MARKERS) or (
        "<title" in low and _CHALLENGE_TITLE.search(low) is not None)


@dataclass(frozen=True, slots=True)
class Page:
    url: str  # the final URL, after redirects
    status: int  # 200, or 304 when the validators still hold (html is then empty)
    html: bytes = b""  # the page in UTF-8, whatever charset it came in (see `utf8_html`)
    etag: str | None = None
    last_modified: str | None = None

    @property
    def text(self) -> str:
        return self.html.decode()

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass
class FetchStats:
    requests: int = 0
    bytes: int = 0
    by_status: Counter[int] = field(default_factory=Counter)


def retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    from datetime import UTC, datetime

    if when.tzinfo is None:  # "-0000" or no zone: RFC 9110 dates are GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())



def _port(url: str) -> int | None:
    """The port `url` names, None for its scheme's default: http:// and https:// compare equal.
    FetchError for a port that is not one (":99999", ":x")."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # also an unsplittable URL ("http://[::1/p")
        raise FetchError(url, "invalid port or host") from None
    return None if port == _DEFAULT_PORTS.get(parts.scheme.lower()) else port


class HostSlots:
    """At most `per_host` requests at a time to any one host, for every Fetcher that shares
    this: two configured sites on one host still make `per_host` requests between them."""

    def __init__(self, per_host: int = 2) -> None:
        self.per_host = per_host
        self._slots: dict[str, asyncio.Semaphore] = {}

    def __call__(self, url: str) -> asyncio.Semaphore:
        host = host_of(url)
        if host not in self._slots:
            self._slots[host] = asyncio.Semaphore(self.per_host)
        return self._slots[host]


class Fetcher:
    """One per site and run (its User-Agent, robots.txt cache and request counts); connections
    are its own, the per-host limit can be shared (`slots`)."""

    def __init__(self, user_agent: str, *, timeout: float = 30.0, max_bytes: int = 10 << 20,
                 per_host: int = 2, resolver: AbstractResolver | None = None,
                 obey_robots: bool = True, slots: HostSlots | None = None,
                 allow_private: bool = False) -> None:
        self.user_agent = user_agent
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.obey_robots = obey_robots
        self.stats = FetchStats()
        self._resolver = resolver
        self._allow_private = allow_private  # see transport.PublicOnly
        self._client: httpx.AsyncClient | None = None
        self._proxies: dict[tuple[str, str], str | None] = {}
        self._slot = slots or HostSlots(per_host)
        self._robots: dict[str, Protego | str | None] = {}
        self._robots_lock: dict[str, asyncio.Lock] = {}

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
                  allowed_hosts: Iterable[str] = ()) -> Page:
        """GET an HTML page, following redirects only to http(s) URLs on the same host or on
        `allowed_hosts`, and on the same port. A total deadline covers the whole exchange, body
        included."""
        hosts = [*allowed_hosts, host_of(url)]
        port = _port(url)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        seen: list[str] = []
        current = url
        budget = self.timeout  # one deadline for the whole redirect chain
        while True:
            if urlsplit(current).scheme.lower() not in ("http", "https"):
                raise FetchError(current, "not an http(s) URL")
            if not any(same_host(current, h) for h in hosts):
                raise FetchError(current, f"refusing to leave for another host ({host_of(current)})")
            if (there := _port(current)) != port:  # :22 on the same host is another service
                raise FetchError(current, "refusing to leave for another port "
                                          f"({'the default' if there is None else there})")
            await self._check_robots(current)
            try:
                status, resp_headers, body, spent = await self._exchange(current, headers, budget)
            except TimeoutError:
                raise FetchError(current, f"timed out after {self.timeout:g}s") from None
            budget -= spent
            if status in (301, 302, 303, 307, 308) and "location" in resp_headers:
                seen.append(current)
                nxt = urljoin(current, resp_headers["location"])
                if nxt in seen or len(seen) > MAX_REDIRECTS:
                    raise FetchError(url, "redirect loop" if nxt in seen else "too many redirects")
                current = nxt
                continue
            return self._page(current, status, resp_headers, body)

    async def _exchange(self, url: str, headers: dict[str, str], budget: float
                        ) -> tuple[int, Mapping[str, str], bytes, float]:
        """One request within the host's concurrency limit, in `budget` seconds (TimeoutError)
        counted from when a slot is free: a first build queues hundreds of articles behind two
        slots, and waiting in that queue is not the site being slow. Also returns the time spent."""
        async with self._slot(url):
            loop = asyncio.get_running_loop()
            start = loop.time()
            async with asyncio.timeout(budget):
                status, got, body = await self._request(url, headers)
            return status, got, body, loop.time() - start

    async def _request(self, url: str, headers: dict[str, str]
                       ) -> tuple[int, Mapping[str, str], bytes]:
        from .transport import ERRORS, connect, describe

        self.stats.requests += 1
        if self._client is None:  # made in the event loop that uses it (aiohttp's rule)
            self._client = connect(self.user_agent, self.timeout, self._proxy, self._resolver,
                                   allow_private=self._allow_private)
        try:
            async with self._client.stream("GET", url, headers=headers) as resp:
                status = resp.status_code
                declared = resp.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > self.max_bytes:
                    self.stats.by_status[status] += 1
                    raise FetchError(url, f"response too large ({declared} bytes)", status)
                chunks: list[bytes] = []
                size = 0
                async for chunk in resp.aiter_bytes():  # decompressed: the cap holds for gzip too
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise FetchError(url, f"response larger than {self.max_bytes} bytes", status)
                    chunks.append(chunk)
                self.stats.by_status[status] += 1
                self.stats.bytes += size
                return status, resp.headers, b"".join(chunks)
        except ERRORS as exc:  # cancellation (the total deadline) passes through
            self.stats.by_status[0] += 1
            raise FetchError(url, describe(exc)) from exc

    def _proxy(self, url: str) -> str | None:
        """The proxy the environment names for this URL (http_proxy, https_proxy, no_proxy),
        looked up once per scheme and host, as curl would use it."""
        parts = urlsplit(url)
        # host:port, so that a no_proxy entry naming a port can match
        key = (parts.scheme.lower(), parts.netloc.rpartition("@")[2].lower())
        if key not in self._proxies:
            import urllib.request  # ~20 ms to import: not for `feedmaker --version`

            proxies = urllib.request.getproxies()
            proxy = proxies.get(key[0]) or proxies.get("all")
            if proxy is not None and not proxy.lower().startswith(("http://", "https://")):
                proxy = None  # socks5:// and the like: the transport speaks HTTP proxies only
            bypass = proxy is not None and urllib.request.proxy_bypass(key[1])
            self._proxies[key] = None if bypass else proxy
        return self._proxies[key]

    def _page(self, url: str, status: int, headers: Mapping[str, str], body: bytes) -> Page:
        # Validators go back in request headers, which must be ASCII: an odd one is dropped.
        etag, modified = (v if v and v.isascii() else None
                          for v in (headers.get("etag"), headers.get("last-modified")))
        if status == 304:
            return Page(url, 304, b"", etag, modified)
        ctype = headers.get("content-type")
        media = ctype.split(";")[0].strip().lower() if ctype else ""
        challenge = (status != 200 or len(body) < 64 * 1024) and \
            looks_like_challenge(body[:8192].decode("utf-8", "replace"))
        if status in (403, 429) or (status == 503 and challenge):
            raise BlockedError(url, f"HTTP {status}" + (" (challenge page)" if challenge
                                                          else ""), status,
                               retry_after(headers.get("retry-after")))
        if status >= 400 or status < 200:
            raise FetchError(url, f"HTTP {status}", status, retry_after(headers.get("retry-after")))
        if status != 200:
            raise FetchError(url, f"unexpected HTTP {status}", status)
        if media not in _HTML_TYPES and (media or not _LOOKS_HTML.match(body)):
            what = media or "no Content-Type, and it does not begin like HTML"
            raise FetchError(url, f"not an HTML page ({what})", status)
        if challenge:  # a challenge page is small; a real page mentioning one is not blocked
            raise BlockedError(url, "challenge page instead of content", status)
        return Page(url, status, utf8_html(body, ctype), etag, modified)

    async def _check_robots(self, url: str) -> None:
        if not self.obey_robots:
            return
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        lock = self._robots_lock.setdefault(origin, asyncio.Lock())
        async with lock:
            if origin not in self._robots:
                self._robots[origin] = await self._load_robots(origin)
        robots = self._robots[origin]
        if isinstance(robots, str):
            raise RobotsDenied(url, robots)
        if robots is not None and not robots.can_fetch(url, self.user_agent):
            raise RobotsDenied(url)

    async def _load_robots(self, origin: str) -> Protego | str | None:
        """RFC 9309: rules from a 200 (after up to 5 redirects, e.g. to https:// or www.);
        none at all for a 4xx; and for a 5xx or no answer, "disallow everything" — returned as
        the reason, so the error says why — until this fetcher is renewed (daily in the daemon)."""
        url = origin + "/robots.txt"
        for _ in range(MAX_REDIRECTS + 1):
            try:
                status, headers, body, _ = await self._exchange(url, {}, self.timeout)
            except TimeoutError:
                return f"robots.txt timed out after {self.timeout:g}s, so nothing may be fetched"
            except FetchError as exc:  # the site cannot be reached at all: say that plainly
                return exc.problem
            location = headers.get("location")
            if status in (301, 302, 303, 307, 308) and location:
                url = urljoin(url, location)
                try:
                    elsewhere = not same_host(url, host_of(origin)) or _port(url) != _port(origin)
                except FetchError:  # an invalid port
                    elsewhere = True
                if elsewhere:
                    return None  # robots.txt of another site says nothing about this one
                continue
            if status == 200:
                from protego import Protego

                return Protego.parse(decode_html(body, headers.get("content-type")))
            if status >= 500:
                return f"robots.txt answers HTTP {status}, so nothing may be fetched (RFC 9309)"
            return None
        return None
