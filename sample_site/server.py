"""SampleSite: the sample site over real HTTP on 127.0.0.1, with admin endpoints, log and faults.

Admin API (JSON, never logged): POST /_admin/publish {section, title, tags, body?, date?, author?,
summary?} -> {"path"}; POST /_admin/edit {path, title?, body?, summary?, tags?};
POST /_admin/remove {path}; POST /_admin/fault {path, kind, times?, ...params};
DELETE /_admin/fault (clear all); GET /_admin/faults; GET /_admin/log; DELETE /_admin/log.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import suppress
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .content import build_catalog
from .faults import Fault, make_fault, run
from .model import Catalog
from .routes import Page, resolve


@dataclass
class Request:
    """One logged request. status 0 means no response was sent (e.g. a reset connection)."""

    method: str
    path: str  # with query
    status: int
    headers: dict[str, str]
    bytes_sent: int  # body bytes written
    time: float


class _Validators:
    """ETag and Last-Modified per target: Last-Modified moves only when the ETag does."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[str, tuple[str, datetime]] = {}

    def stamp(self, key: str, etag: str, initial: datetime) -> datetime:
        with self._lock:
            old = self._seen.get(key)
            if old is not None and old[0] == etag:
                return old[1]
            modified = initial.astimezone(UTC).replace(microsecond=0)
            if old is not None:  # changed: now, but strictly later than before (1 s resolution)
                now = datetime.now(UTC).replace(microsecond=0)
                modified = max(now, old[1] + timedelta(seconds=1))
            self._seen[key] = (etag, modified)
            return modified


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    site: SampleSite

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients hanging up mid-fault is the point of faults; keep test output quiet


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    timeout = 60  # idle keep-alive connections give their thread back eventually
    # Headers and body go out in separate writes; with Nagle on, keep-alive clients wait ~40 ms
    # for a delayed ACK on every response.
    disable_nagle_algorithm = True

    # -- plumbing used by faults.Responder ------------------------------------------------------
    @property
    def stopping(self) -> threading.Event:
        return self.server.site._stopping

    def render(self, *, empty: bool = False) -> tuple[int, str | None, bytes]:
        page = self.server.site._resolve(self.path, empty=empty)
        return page.status, page.html, page.body

    def head(self, status: int, headers: Mapping[str, str]) -> None:
        self._record.status = status
        self.send_response_only(status)
        # One Server header: a fault may pose as another server (the challenge says cloudflare).
        self.send_header("Server", headers.get("Server", "sample-site (feedmaker tests)"))
        self.send_header("Date", self.date_time_string())
        for k, v in headers.items():
            if k != "Server":
                self.send_header(k, v)
        self.end_headers()

    def write(self, data: bytes) -> bool:
        if self.command == "HEAD":
            return True
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:
            return False
        self._record.bytes_sent += len(data)
        return True

    def finish_early(self) -> None:
        self.close_connection = True

    def serve(self) -> None:
        site = self.server.site
        page, etag = site._page(self.path)
        headers = {"Content-Type": page.content_type, **page.headers}
        if etag is not None and page.modified is not None:
            modified = site._validators.stamp(self.path, etag, page.modified)
            headers["ETag"] = etag
            headers["Last-Modified"] = format_datetime(modified, usegmt=True)
            headers["Cache-Control"] = "max-age=60"
            if self._not_modified(etag, modified):
                return self.head(304, {k: headers[k] for k in ("ETag", "Last-Modified")})
        headers["Content-Length"] = str(len(page.body))
        self.head(page.status, headers)
        self.write(page.body)

    def _not_modified(self, etag: str, modified: datetime) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm is not None:  # RFC 9110: If-None-Match wins over If-Modified-Since
            tags = [t.strip().removeprefix("W/") for t in inm.split(",")]
            return "*" in tags or etag in tags
        ims = self.headers.get("If-Modified-Since")
        if ims:
            with suppress(TypeError, ValueError, IndexError):
                return modified <= parsedate_to_datetime(ims)
        return False

    # -- dispatch ------------------------------------------------------------------------------
    def _handle(self) -> None:
        if self.path.startswith("/_admin/"):
            self._record = Request(self.command, self.path, 0, {}, 0, 0.0)
            return self._admin()
        self._record = self.server.site._log(self.command, self.path, dict(self.headers.items()))
        if self.command not in ("GET", "HEAD"):
            self.close_connection = True  # its body is unread, so the connection is spent
            return self._json(405, {"error": "method not allowed"})
        site = self.server.site
        site.in_flight.enter()
        try:
            if site.latency:
                time.sleep(site.latency)
            fault = site._fault_for(self.path)
            if fault is not None:
                return run(fault, self)
            self.serve()
        finally:
            site.in_flight.leave()

    do_GET = do_HEAD = do_POST = do_DELETE = _handle

    def _json(self, status: int, data: Any) -> None:
        body = json.dumps(data, default=str).encode()
        self.head(status, {"Content-Type": "application/json", "Content-Length": str(len(body))})
        self.write(body)

    def _admin(self) -> None:
        site, cmd, path = self.server.site, self.command, self.path.split("?")[0]
        try:
            length = int(self.headers.get("Content-Length") or 0)
            data = json.loads(self.rfile.read(length) or b"{}") if length else {}
            if cmd == "GET" and path == "/_admin/log":
                return self._json(200, [asdict(r) for r in site.requests])
            if cmd == "DELETE" and path == "/_admin/log":
                site.clear_log()
            elif cmd == "GET" and path == "/_admin/faults":
                return self._json(200, [f.as_dict() for f in site.faults])
            elif cmd == "DELETE" and path == "/_admin/fault":
                site.clear_faults()
            elif cmd == "POST" and path == "/_admin/fault":
                site.set_fault(data.pop("path"), data.pop("kind"), **data)
            elif cmd == "POST" and path == "/_admin/publish":
                if data.get("date"):
                    data["date"] = datetime.fromisoformat(data["date"])
                return self._json(201, {"path": site.publish(**data)})
            elif cmd == "POST" and path == "/_admin/edit":
                site.edit(data.pop("path"), **data)
            elif cmd == "POST" and path == "/_admin/remove":
                site.remove_from_listing(data["path"])
            else:
                return self._json(404, {"error": f"no admin endpoint {cmd} {path}"})
        except (KeyError, TypeError, ValueError, LookupError) as e:
            return self._json(400, {"error": f"{type(e).__name__}: {e}"})
        self._json(200, {"ok": True})

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the request log is site.requests


class InFlight:
    """Requests being answered at once, and the most seen (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.now = self.most = 0

    def enter(self) -> None:
        with self._lock:
            self.now += 1
            self.most = max(self.most, self.now)

    def leave(self) -> None:
        with self._lock:
            self.now -= 1


class SampleSite:
    """The site on 127.0.0.1: `with SampleSite() as site: httpx.get(site.url + "news/health")`.

    `articles=None` serves the hand-designed 36-story site; `articles=N` a generated site of N
    stories over 12 sections (deterministic for a given `seed`).
    """

    def __init__(self, port: int = 0, *, articles: int | None = None, seed: int = 0,
                 host: str = "127.0.0.1", latency: float = 0.0,
                 in_flight: InFlight | None = None) -> None:
        """`host`: another loopback address (127.0.0.2, ...) stands for another host. `latency`:
        seconds every page waits before its answer, as a distant site would. `in_flight`:
        shared by the servers of one host, it counts the requests they answer at once."""
        if articles is None:
            self.catalog: Catalog = build_catalog()
        else:
            from .generate import build_big_catalog

            self.catalog = build_big_catalog(articles, seed=seed)
        self._port, self._host, self.latency = port, host, latency
        self.in_flight = in_flight or InFlight()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._requests: list[Request] = []
        self._faults: list[Fault] = []
        self._validators = _Validators()
        self._renames: tuple[tuple[bytes, bytes], ...] = ()
        self._rendered: dict[str, tuple[Page, str | None]] | None = None  # see prerender

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self) -> SampleSite:
        if self._server is not None:
            return self
        self._stopping.clear()
        self._server = _Server((self._host, self._port), _Handler)
        self._server.site = self
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True,
                                        name=f"sample-site-{self.port}")
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._stopping.set()  # ends drips, huge streams and slow answers
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> SampleSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("SampleSite is not started")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{self._host}:{self.port}/"

    @property
    def origin(self) -> str:
        return self.url.rstrip("/")

    def _resolve(self, target: str, *, empty: bool = False) -> Page:
        page = resolve(self.catalog, target, self.origin, empty=empty)
        if self._renames and page.content_type.startswith("text/html"):
            body = page.body
            for old, new in self._renames:
                body = body.replace(old, new)
            page = replace(page, body=body, html=None if page.html is None else body.decode())
        return page

    def _page(self, target: str) -> tuple[Page, str | None]:
        """The page at `target` and its ETag (200 pages with a content date only)."""
        if self._rendered is not None and (known := self._rendered.get(target)) is not None:
            return known
        page = self._resolve(target)
        etag = '"' + hashlib.sha1(page.body).hexdigest()[:20] + '"' \
            if page.status == 200 and page.modified is not None else None
        if self._rendered is not None:
            self._rendered[target] = page, etag
        return page, etag

    def prerender(self) -> int:
        """Render robots.txt, every section page and every story now (the site must be started),
        and from then on serve each page from memory until the site changes. For benchmarks:
        generating a 100 KB page costs this process ~1 ms of CPU, and on a two-core machine that
        work competes with the client being measured (its CPU read ~6 % higher in an A/B).
        Returns the number of pages rendered."""
        self._rendered = {}
        cat = self.catalog
        targets = ["/robots.txt"]
        for key, section in cat.sections.items():
            targets += [section.path] + [f"{section.path}?page={n}"
                                         for n in range(2, cat.pages(key) + 1)]
        targets += [story.path for story in cat.stories()]
        for target in targets:
            self._page(target)
        return len(targets)

    def _changed(self) -> None:
        if self._rendered is not None:
            self._rendered = {}  # rendered again on demand

    def redesign(self, renames: Iterable[tuple[bytes, bytes]] = ()) -> None:
        """Serve every HTML page with these byte replacements (class names, say), as after a
        site redesign; the changed bytes get new ETags. `redesign()` undoes it."""
        self._renames = tuple(renames)
        self._changed()

    # -- content -------------------------------------------------------------------------------
    def publish(self, section: str, title: str, tags: list[str], *, body: str | None = None,
                date: datetime | None = None, author: str | None = None,
                summary: str | None = None) -> str:
        """Add a story at the top of `section` (key, name or path); returns its path."""
        self._changed()
        return self.catalog.publish(section, title, tags, body=body, date=date, author=author,
                                    summary=summary)

    def edit(self, path: str, *, title: str | None = None, body: str | None = None,
             summary: str | None = None, tags: list[str] | None = None) -> None:
        self._changed()
        self.catalog.edit(path, title=title, body=body, summary=summary, tags=tags)

    def remove_from_listing(self, path: str) -> None:
        """Take the story off every section page; its own page stays up."""
        self._changed()
        self.catalog.remove_from_listing(path)

    def article_paths(self, section: str | None = None) -> list[str]:
        """Paths of listed stories, newest first (all sections if `section` is None)."""
        keys = [self.catalog.section(section).key] if section else list(self.catalog.sections)
        return [s.path for k in keys for s in self.catalog.listing(k)]

    # -- request log ---------------------------------------------------------------------------
    def _log(self, method: str, path: str, headers: dict[str, str]) -> Request:
        record = Request(method, path, 0, headers, 0, datetime.now(UTC).timestamp())
        with self._lock:
            self._requests.append(record)
        return record

    @property
    def requests(self) -> list[Request]:
        with self._lock:
            return list(self._requests)

    def clear_log(self) -> None:
        with self._lock:
            self._requests.clear()

    def count(self, *, status: int | None = None, path: str | None = None,
              path_prefix: str | None = None, method: str | None = None) -> int:
        return sum(1 for _ in self.find(status=status, path=path, path_prefix=path_prefix,
                                        method=method))

    def find(self, *, status: int | None = None, path: str | None = None,
             path_prefix: str | None = None, method: str | None = None) -> Iterator[Request]:
        for r in self.requests:
            if ((status is None or r.status == status) and (path is None or r.path == path)
                    and (path_prefix is None or r.path.startswith(path_prefix))
                    and (method is None or r.method == method)):
                yield r

    # -- faults --------------------------------------------------------------------------------
    def set_fault(self, path: str, kind: str, *, times: int | None = None,
                  **params: Any) -> None:
        """Make requests matching `path` (exact, or prefix ending in "*") misbehave; see faults."""
        fault = make_fault(path, kind, times, **params)
        with self._lock:
            self._faults = [f for f in self._faults if f.pattern != path] + [fault]

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    @property
    def faults(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def _fault_for(self, target: str) -> Fault | None:
        with self._lock:
            for f in self._faults:
                if f.matches(target):
                    if f.times is not None:
                        f.times -= 1
                        if f.times <= 0:
                            self._faults.remove(f)
                    return f
        return None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the feedmaker sample site.")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--articles", type=int, default=None, help="generate a big site")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--prerender", action="store_true",
                        help="render every page at start and serve them from memory (benchmarks)")
    args = parser.parse_args(argv)
    site = SampleSite(args.port, articles=args.articles, seed=args.seed).start()
    if args.prerender:  # after start: pages name the site's origin, which needs the port
        site.prerender()
    print(site.url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        site.stop()


if __name__ == "__main__":
    main()
