"""Serving out_dir over HTTP (starlette + uvicorn): feeds with their right types, validators and
304s, gzip on request; /healthz and /metrics. Nothing outside out_dir, no listings, no dot-files.

Exposed to anyone: a connection must send its whole request head within HEAD_TIMEOUT seconds
(uvicorn has only a keep-alive timeout, which any byte resets, so 1,100 connections sending
nothing, or half a request line, held the process's 1,024 file descriptors for minutes), at
most MAX_CONNECTIONS are served at once (the next requests get 503), and every response says
nosniff; HTML pages carry a Content-Security-Policy.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import stat
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path, PurePosixPath

import h11
import uvicorn
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from .errors import FeedmakerError
from .health import Health, Metrics
from .web.feedview import feed_page, wants_page

TYPES = {
    ".atom": "application/atom+xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".json": "application/feed+json",
    ".html": "text/html; charset=utf-8",
    ".opml": "text/x-opml; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".xsl": "text/xsl; charset=utf-8",
}
# Readers poll often; a minute of caching is harmless and every revalidation is a cheap 304.
CACHE_CONTROL = "public, max-age=60"
HEAD_TIMEOUT = 5.0  # seconds for a connection to send a complete request head
MAX_CONNECTIONS = 1000  # served at once; with LimitNOFILE=65536 in the unit, far from the limit
# index.html has inline styles and nothing else: no script, frame, form or remote resource.
CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; "
       "form-action 'none'; frame-ancestors 'none'")


def resolve(root: Path, url_path: str) -> Path | None:
    """The file under root that a (decoded) URL path names, or None. Any dot-segment ("..",
    ".name.tmp", ".git") is refused outright; symlinks must stay inside root; a directory
    means its index.html and is never listed."""
    parts = [p for p in url_path.split("/") if p]
    if any(p.startswith(".") or "\\" in p or "\0" in p for p in parts):
        return None
    base = root.resolve()
    try:
        target = base.joinpath(*parts).resolve()
        if target != base and base not in target.parents:
            return None
        if target.is_dir():
            target = target / "index.html"
        elif url_path.endswith("/"):  # "feed.atom/": a file is not a directory
            return None
        return target if target.is_file() else None
    except (OSError, ValueError):
        return None


def _read(path: Path) -> tuple[bytes, os.stat_result] | None:
    """Body and stat of the same file: the daemon renames new feeds over old ones, and size,
    ETag and body must all come from one version."""
    try:
        with path.open("rb") as fh:
            st = os.fstat(fh.fileno())
            return (fh.read(), st) if stat.S_ISREG(st.st_mode) else None
    except OSError:
        return None


def _not_modified(request: Request, etag: str, mtime: float) -> bool:
    inm = request.headers.get("if-none-match")
    if inm is not None:  # RFC 9110: If-None-Match wins over If-Modified-Since; weak comparison
        tags = [t.strip().removeprefix("W/") for t in inm.split(",")]
        return "*" in tags or etag.removeprefix("W/") in tags
    ims = request.headers.get("if-modified-since")
    if ims:
        with contextlib.suppress(TypeError, ValueError, IndexError, OverflowError):
            since = parsedate_to_datetime(ims).timestamp()
            # RFC 9110 13.1.3: a date in the future is invalid and ignored.
            return since <= time.time() and int(mtime) <= since
    return False


# A served file: body, ETag, Last-Modified (epoch seconds) and media type.
Found = tuple[bytes, str, float, str]
Source = Callable[[str], Awaitable[Found | None]]


async def _from_dir(out_dir: Path, url_path: str) -> Found | None:
    path = resolve(out_dir, url_path)
    found = await run_in_threadpool(_read, path) if path else None
    if path is None or found is None:
        return None
    body, st = found
    # Weak: the gzip and identity forms of a file share it. Files are rewritten only when
    # their bytes change, so mtime and size are as good as a hash and cost nothing.
    etag = f'W/"{st.st_mtime_ns:x}-{st.st_size:x}"'
    return body, etag, st.st_mtime, TYPES.get(path.suffix.lower(), "application/octet-stream")


def create_app(out_dir: Path, health: Callable[[], Health], metrics: Metrics | None = None,
               routes: Sequence[BaseRoute] = (), source: Source | None = None) -> Starlette:
    """`health` is called per /healthz request: the daemon's live view, or a fresh read of the
    state file when only serving. `routes` (the browser pages, web/app.py) come before the files;
    `source` finds a URL path's file elsewhere than in out_dir (the PostgreSQL store: serve_store)."""
    metrics = metrics or Metrics()

    async def files(request: Request) -> Response:
        url_path = request.path_params["path"]
        found = await source(url_path) if source else await _from_dir(out_dir, url_path)
        if found is None:
            return PlainTextResponse("not found\n", status_code=404)
        body, etag, mtime, media = found
        # Vary on the 304 too: it stands for the 200, whose bytes depend on Accept-Encoding.
        headers = {"ETag": etag, "Last-Modified": formatdate(mtime, usegmt=True),
                   "Cache-Control": CACHE_CONTROL, "Vary": "Accept-Encoding"}
        suffix = PurePosixPath(url_path).suffix.lower()
        page = suffix in (".atom", ".rss") and wants_page(request.headers)
        if suffix in (".atom", ".rss"):  # a browser's page load gets a page (web/feedview.py)
            headers["Vary"] += ", Sec-Fetch-Dest, Accept"
            etag = headers["ETag"] = etag[:-1] + '-page"' if page else etag
        if _not_modified(request, etag, mtime):
            return Response(status_code=304, headers=headers)
        if page:
            depth = url_path.strip("/").count("/")
            html = await run_in_threadpool(feed_page, body, "../" * depth or "./")
            if html is not None:
                return Response(html, headers=headers, media_type=TYPES[".html"])
        return Response(body, headers=headers, media_type=media)

    async def healthz(request: Request) -> Response:
        h = health()
        return JSONResponse(h.as_json(), status_code=200 if h.healthy else 503,
                            headers={"Cache-Control": "no-store"})

    async def metrics_(request: Request) -> Response:
        # In a thread: measuring out_dir walks its folders.
        body = await run_in_threadpool(generate_latest, metrics.registry)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return Starlette(routes=[
        Route("/healthz", healthz, methods=["GET", "HEAD"]),
        Route("/metrics", metrics_, methods=["GET", "HEAD"]),
        *routes,
        Route("/{path:path}", files, methods=["GET", "HEAD"]),
    ], middleware=[Middleware(_SecurityHeaders), Middleware(GZipMiddleware, minimum_size=500)])


class _SecurityHeaders:
    """nosniff on every response, the CSP on HTML ones that set none of their own, and one Vary
    (gzip adds its own)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def start(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"vary"]
                vary = [v for k, v in message.get("headers", []) if k.lower() == b"vary"]
                tokens = dict.fromkeys(t.strip() for v in vary for t in v.split(b","))
                if tokens:
                    headers.append((b"vary", b", ".join(tokens)))
                headers.append((b"x-content-type-options", b"nosniff"))
                if any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers) \
                        and not any(k.lower() == b"content-security-policy" for k, _ in headers):
                    headers.append((b"content-security-policy", CSP.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, start)


def listen(host: str, port: int) -> socket.socket:
    """Bind before anything else starts, so a taken port is one clear error."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        family, kind, proto, _, address = infos[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(1024)
    except OSError as exc:
        raise FeedmakerError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    sock.setblocking(False)
    return sock


class Server(uvicorn.Server):
    """uvicorn inside our own event loop: the daemon owns the signals, not uvicorn."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class HeadTimeoutProtocol(H11Protocol):
    """uvicorn's h11 protocol, plus a deadline for the request head: HEAD_TIMEOUT seconds from
    the connection (or from the end of the last response on a kept-alive one) to a complete
    request line and headers, however the bytes trickle in. Past it the connection is closed."""

    head_timeout = HEAD_TIMEOUT
    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
        super().connection_lost(exc)

    def _arm_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
        self._head_timer = self.loop.call_later(self.head_timeout, self._head_expired)

    def _head_expired(self) -> None:
        self._head_timer = None
        # IDLE: h11 has not seen a whole request head since the timer was armed.
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


def make_server(app: Starlette, *, access_log: bool = False) -> Server:
    config = uvicorn.Config(app, log_config=None, access_log=access_log, lifespan="off",
                            timeout_graceful_shutdown=2, server_header=False,
                            http=HeadTimeoutProtocol, limit_concurrency=MAX_CONNECTIONS,
                            backlog=1024)
    return Server(config)


async def serve_until(server: Server, sock: socket.socket, stop: asyncio.Event) -> None:
    """Serve on `sock` until `stop` is set, then close connections (at most a few seconds)."""
    task = asyncio.create_task(server.serve(sockets=[sock]))
    stopper = asyncio.create_task(stop.wait())
    await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
    server.should_exit = True
    stopper.cancel()
    await task
