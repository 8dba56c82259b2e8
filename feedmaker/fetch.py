"""Polite HTTP fetching: one User-Agent, robots.txt, per-host concurrency, size and time caps.

`Fetcher.get` returns a `Page` (decoded HTML) or raises FetchError / BlockedError / RobotsDenied.

The client is aiohttp rather than httpx: on 40–150 KB pages over loopback httpx + httpcore cost
2.3 ms of CPU a request against aiohttp's 0.7 ms (its HTTP parser is C), and requests are most of
a cold build's CPU. The DNS resolver is a parameter so tests can point any host name at a local
server; the sockets and HTTP are always real.
"""

from __future__ import annotations

import asyncio
import codecs
import os
import re
import ssl
import urllib.request
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver
from protego import Protego

from .errors import BlockedError, FetchError, RobotsDenied
from .urls import host_of, same_host

MAX_REDIRECTS = 5
_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/xml", "text/xml")
_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([-\w.:]+)""", re.I)
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


def decode_html(body: bytes, content_type: str | None) -> str:
    """Bytes -> text: BOM, then UTF-8 when the bytes are valid non-ASCII UTF-8, then the HTTP
    charset if it decodes cleanly, then <meta>, then windows-1252 (which never fails). A wrong
    header charset is common, so it only wins when the bytes agree with it."""
    return _decode(body, content_type)[0]


def utf8_html(body: bytes, content_type: str | None) -> bytes:
    """`decode_html`'s text as UTF-8, the form lexbor parses. A page that is UTF-8 (or ASCII)
    already is passed on as it came: handing lexbor a str costs an encode back to UTF-8, 0.13 ms
    on a 100 KB page (a quarter of the parse)."""
    text, as_sent = _decode(body, content_type)
    if as_sent:
        while body.startswith(codecs.BOM_UTF8):
            body = body[3:]
        return body
    # A label such as utf-7 can decode to lone surrogates, which UTF-8 cannot carry.
    return text.encode("utf-8", "replace")


def _decode(body: bytes, content_type: str | None) -> tuple[str, bool]:
    """The text, and whether it is exactly the body (less a UTF-8 BOM) read as UTF-8."""
    if body.startswith(codecs.BOM_UTF8):
        try:
            return body[3:].decode("utf-8").lstrip("\ufeff"), True
        except UnicodeDecodeError:
            return body[3:].decode("utf-8", errors="replace").lstrip("\ufeff"), False
    for bom in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if body.startswith(bom):
            return body.decode("utf-16", errors="replace").lstrip("\ufeff"), False
    ascii_only = body.isascii()
    # Bytes that decode as UTF-8 and are not plain ASCII are UTF-8 whatever the label says:
    # legacy single-byte text almost never forms valid multi-byte sequences by accident, and
    # a server-wide "charset=iso-8859-1" over UTF-8 pages is the classic wrong header.
    if not ascii_only:
        try:
            return body.decode("utf-8"), True
        except UnicodeDecodeError:
            pass
    candidates: list[str] = []
    if content_type:
        m = re.search(r"charset\s*=\s*[\"']?([-\w.:]+)", content_type, re.I)
        if m:
            candidates.append(m.group(1))
    m2 = _META_CHARSET.search(body[:4096])
    if m2:
        candidates.append(m2.group(1).decode("ascii", "ignore"))
    candidates += ["utf-8"]
    for name in candidates:
        codec = _codec(name)
        if codec is None:
            continue
        try:
            text = body.decode(codec)
        except (UnicodeDecodeError, LookupError):  # LookupError: base64 and other non-text codecs
            continue
        # ASCII bytes read alike in every ASCII-compatible codec (not in UTF-16 or EBCDIC).
        return text, ascii_only and text == body.decode("ascii")
    return body.decode(_sniff(body), errors="replace"), False


# The candidates for a page that declares no charset and is not UTF-8: windows-1252 (the WHATWG
# default for unlabelled pages) and the legacy code pages of non-Latin scripts, whose text is
# unmistakable once decoded. Sniffing among Latin code pages (cp1250 vs cp1252...) guesses
# poorly, so those are not candidates.
_SNIFF_CANDIDATES = ["cp1252", "cp1256", "iso8859_6", "cp1251", "koi8_r", "cp1253", "cp1255",
                     "cp874", "shift_jis", "euc_jp", "gb18030", "big5", "euc_kr"]


def _sniff(body: bytes) -> str:
    """The least garbled decoding among the candidates; windows-1252 unless another is clearly
    cleaner (charset-normalizer's "chaos" measures how garbled a decoding looks)."""
    from charset_normalizer import from_bytes

    results = {str(m.encoding): m.chaos for m in
               from_bytes(body[:65536], cp_isolation=_SNIFF_CANDIDATES, explain=False)}
    if not results:
        return "cp1252"
    best = min(results, key=lambda enc: (results[enc], enc != "cp1252"))
    if best != "cp1252" and results.get("cp1252", 1.0) - results[best] < 0.01:
        return "cp1252"
    return best


def _codec(name: str) -> str | None:
    try:
        enc = codecs.lookup(name).name
    except LookupError:
        return None
    # Browsers read latin-1 and ascii labels as windows-1252 (WHATWG encoding spec).
    return "cp1252" if enc in ("latin-1", "iso8859-1", "ascii") else enc


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


def _describe(exc: BaseException) -> str:
    """A failed exchange in words; other failures keep the library's class name, which is precise."""
    if isinstance(exc, aiohttp.ClientConnectorError):
        err = exc.os_error
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
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


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
                 obey_robots: bool = True, slots: HostSlots | None = None) -> None:
        self.user_agent = user_agent
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.obey_robots = obey_robots
        self.stats = FetchStats()
        self._resolver = resolver
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[tuple[str, str], str | None] = {}
        self._slot = slots or HostSlots(per_host)
        self._robots: dict[str, Protego | str | None] = {}
        self._robots_lock: dict[str, asyncio.Lock] = {}

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _client(self) -> aiohttp.ClientSession:
        # Made on first use: an aiohttp session belongs to the event loop it was made in.
        if self._session is None:
            self._session = aiohttp.ClientSession(
                headers={"User-Agent": self.user_agent,
                         "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
                         "Accept-Encoding": "gzip, deflate"},
                connector=aiohttp.TCPConnector(limit=64, resolver=self._resolver,
                                               ttl_dns_cache=300),
                timeout=aiohttp.ClientTimeout(total=None, connect=min(self.timeout, 15.0),
                                              sock_read=min(self.timeout, 20.0)),
                # Proxies come from `_proxy`: aiohttp's own trust_env re-reads the environment
                # and ~/.netrc in a thread on every request (0.4 ms of CPU each).
                trust_env=False,
                # Real sites send long Content-Security-Policy and Set-Cookie headers.
                max_line_size=65536, max_field_size=65536,
            )
        return self._session

    async def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
                  allowed_hosts: Iterable[str] = ()) -> Page:
        """GET an HTML page, following redirects only to http(s) URLs on the same host or on
        `allowed_hosts`. A total deadline covers the whole exchange, body included."""
        hosts = [*allowed_hosts, host_of(url)]
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
        self.stats.requests += 1
        try:
            async with self._client().get(url, headers=headers, allow_redirects=False,
                                          proxy=self._proxy(url)) as resp:
                declared = resp.content_length
                if declared is not None and declared > self.max_bytes:
                    self.stats.by_status[resp.status] += 1
                    raise FetchError(url, f"response too large ({declared} bytes)", resp.status)
                chunks: list[bytes] = []
                size = 0
                async for chunk in resp.content.iter_any():
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise FetchError(url, f"response larger than {self.max_bytes} bytes",
                                         resp.status)
                    chunks.append(chunk)
                self.stats.by_status[resp.status] += 1
                self.stats.bytes += size
                return resp.status, resp.headers, b"".join(chunks)
        except (aiohttp.ClientError, OSError, ValueError, UnicodeError) as exc:
            # ValueError: yarl's verdict on a malformed URL; OSError: a socket error that
            # aiohttp did not wrap. Cancellation (the total deadline) passes through.
            self.stats.by_status[0] += 1
            raise FetchError(url, _describe(exc)) from exc

    def _proxy(self, url: str) -> str | None:
        """The proxy the environment names for this URL (http_proxy, https_proxy, no_proxy),
        looked up once per scheme and host, as curl would use it."""
        parts = urlsplit(url)
        # host:port, so that a no_proxy entry naming a port can match
        key = (parts.scheme.lower(), parts.netloc.rpartition("@")[2].lower())
        if key not in self._proxies:
            proxies = urllib.request.getproxies()
            proxy = proxies.get(key[0]) or proxies.get("all")
            if proxy is not None and not proxy.lower().startswith(("http://", "https://")):
                proxy = None  # socks5:// and the like: aiohttp speaks HTTP proxies only
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
        if ctype and not ctype.split(";")[0].strip().lower().startswith(_HTML_TYPES):
            raise FetchError(url, f"not an HTML page ({ctype.split(';')[0]})", status)
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
                if not same_host(url, host_of(origin)):
                    return None  # robots.txt of another site says nothing about this one
                continue
            if status == 200:
                return Protego.parse(decode_html(body, headers.get("content-type")))
            if status >= 500:
                return f"robots.txt answers HTTP {status}, so nothing may be fetched (RFC 9309)"
            return None
        return None
