"""Parsing in worker processes, each page within a CPU budget: a page that takes longer is cut
off (its worker killed and replaced) and raised as ParseError, and the event loop never waits
on a parser.

Why processes: selectolax holds the GIL while it parses, and a thread stuck in C code or in
a quadratic walk cannot be stopped; a process can always be killed. The cost is a spawned
interpreter per worker (about 0.15 s of CPU, once per run) and pickling the page and the
result (measured in `make bench`). Workers are new interpreters, never forks: the daemon has
threads, and a forked child could inherit a lock one of them held. They are started with
subprocess rather than multiprocessing's "spawn", which re-runs the parent's main script in the
child (a script without a `__main__` guard would start its own build there).

The budget is CPU time of the worker (from /proc), so a machine busy with other work does not
cut off an honest page; a worker that gets no CPU at all is still stopped after WALL_FACTOR
times the budget of wall-clock time.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import pickle
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Protocol

from .config import LinkRules, SiteConfig
from .errors import ParseError

if TYPE_CHECKING:

    from .listing import Listing
    from .model import Parsed
    from .web.survey import Survey

__all__ = ["INLINE", "Inline", "ParserPool", "Parsers"]
log = logging.getLogger("feedmaker")

DEFAULT_BUDGET = 2.0  # seconds of CPU per page; a 10 MB page of plain markup parses in ~0.5
WALL_FACTOR = 5.0
_SCANNED = frozenset({"article scanned", "listing scanned"})  # jobs that bound markup first
_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


class Parsers(Protocol):
    """Where pages are parsed: in worker processes (`ParserPool`) or in the caller (`Inline`)."""

    async def article(self, html: str | bytes, url: str, site: SiteConfig) -> Parsed: ...

    async def listing(self, html: str | bytes, page_url: str, section_url: str, rules: LinkRules,
                      host: str) -> Listing: ...

    async def survey(self, html: str | bytes, page_url: str, section_url: str, rules: LinkRules,
                     host: str) -> Survey: ...


class Inline:
    """Parsing in the calling thread, without a budget: for one-off commands and tests."""

    async def article(self, html: str | bytes, url: str, site: SiteConfig) -> Parsed:
        from .parse import parse_article

        return parse_article(html, url, site)

    async def listing(self, html: str | bytes, page_url: str, section_url: str, rules: LinkRules,
                      host: str) -> Listing:
        from .links import parse_listing

        return parse_listing(html, page_url, section_url, rules, host)

    async def survey(self, html: str | bytes, page_url: str, section_url: str, rules: LinkRules,
                     host: str) -> Survey:
        result: Survey = _survey(html, page_url, section_url, rules, host)
        return result


INLINE = Inline()

def _survey(*args: Any) -> Any:
    from .web.survey import survey  # imported by the workers that get a preview's page

    return survey(*args)


@functools.cache
def _jobs() -> dict[str, Callable[..., Any]]:
    """What a worker can be asked to do (the parsers load in the workers, not in the daemon)."""
    from .bounds import bound_markup
    from .links import parse_listing
    from .parse import parse_article

    def scanned(parse: Callable[..., Any]) -> Callable[..., Any]:
        return lambda html, *rest: parse(bound_markup(html, scan=True), *rest)

    return {"article": parse_article, "listing": parse_listing, "survey": _survey,
            "article scanned": scanned(parse_article), "listing scanned": scanned(parse_listing)}


class _OverBudget(ParseError):
    """A page that took more CPU than its budget."""


@functools.lru_cache(maxsize=64)
def _thaw(blob: bytes) -> Any:
    """A site's rules, unpickled once per worker: parsing caches compiled selectors and
    patterns per rules object, and a fresh copy with every page made it 2.5 times slower."""
    return pickle.loads(blob)


def serve(fd: int) -> None:
    """A worker's life: run jobs from the socket `fd` until it closes. Errors go back as data:
    exceptions with their own __init__ (ParseError) do not survive pickling."""
    from multiprocessing.connection import Connection

    conn = Connection(fd)
    while True:
        try:
            name, args, rules = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[Any, ...] = ("ok", _jobs()[name](*args, *map(_thaw, rules)))
        except ParseError as exc:
            reply = ("parse", exc.problem)
        except Exception as exc:  # a parser bug on odd markup costs one page
            reply = ("bug", f"{type(exc).__name__}: {str(exc)[:300]}")
        conn.send(reply)


class _Worker:
    def __init__(self) -> None:
        # multiprocessing loads only with the first worker: a build with nothing to parse
        # never starts one.
        from multiprocessing.connection import Connection

        mine, theirs = socket.socketpair()
        # The child imports feedmaker from where this process did (a checkout, a test tree).
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        with mine, theirs:
            self.process = subprocess.Popen(
                # -P: not the working directory first, which could hold another feedmaker.
                [sys.executable, "-P", "-c",
                 f"import feedmaker.workers as w; w.serve({theirs.fileno()})"],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, env=env)
            self.conn = Connection(mine.detach())

    def cpu(self) -> float | None:
        """Seconds of CPU the worker has used, or None where /proc cannot tell."""
        try:
            with open(f"/proc/{self.process.pid}/stat", "rb") as fh:
                fields = fh.read().rpartition(b")")[2].split()
            return (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime
        except (OSError, IndexError, ValueError):
            return None

    def stop(self, kill: bool = False) -> None:
        with contextlib.suppress(OSError):
            self.conn.close()
        if kill:
            self.process.kill()
        try:
            self.process.wait(timeout=2.0)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class ParserPool:
    """`size` worker processes, spawned when first needed. Use `async with`, or `close()`."""

    def __init__(self, size: int | None = None, budget: float = DEFAULT_BUDGET) -> None:
        # One core is the event loop's (fetching, storing, writing feeds): on two cores, one
        # worker; two workers there cost 0.2 s more CPU to start and ran slower side by side.
        self.size = size or max(1, min(2, (os.cpu_count() or 1) - 1))
        self.budget = budget
        self._idle: list[_Worker] = []
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        # One thread per worker does the blocking send, wait and receive.
        self._threads = ThreadPoolExecutor(self.size, thread_name_prefix="feedmaker-parse")
        self.cut_off = 0  # pages stopped by the budget, for tests and metrics
        self._closed = False
        self._blobs: dict[int, tuple[Any, bytes]] = {}

    async def article(self, html: str | bytes, url: str, site: SiteConfig) -> Parsed:
        result: Parsed = await self._call(url, "article", (html, url), (site,))
        return result

    async def listing(self, html: str | bytes, page_url: str, section_url: str, rules: LinkRules,
                      host: str) -> Listing:
        # parse_listing(html, page_url, section_url, rules, host): host goes with the rules.
        result: Listing = await self._call(page_url, "listing", (html, page_url, section_url),
                                           (rules, host))
        return result

    async def survey(self, html: str | bytes, page_url: str, section_url: str, rules: LinkRules,
                     host: str) -> Survey:
        """A new site's page as /new previews it (`web.survey.survey`), in a worker."""
        result: Survey = await self._call(page_url, "survey", (html, page_url, section_url),
                                          (rules, host))
        return result

    async def _call(self, url: str, name: str, args: tuple[Any, ...],
                    rules: tuple[Any, ...]) -> Any:
        blobs = tuple(self._frozen(r) for r in rules)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._threads, self._run, url, name, args, blobs)

    def _frozen(self, obj: Any) -> bytes:
        """`obj` pickled once (keyed by identity: configs are immutable and live for the run)."""
        found = self._blobs.get(id(obj))
        if found is None and len(self._blobs) >= 256:  # previews make rules of their own
            self._blobs.clear()
        if found is None or found[0] is not obj:
            found = self._blobs[id(obj)] = (obj, pickle.dumps(obj))
        return found[1]

    def _run(self, url: str, name: str, args: tuple[Any, ...], rules: tuple[bytes, ...]) -> Any:
        try:
            return self._run_once(url, name, args, rules)
        except _OverBudget:
            if f"{name} scanned" not in _SCANNED:
                raise
        # bounds.py's quick gate lets a page of few tags through unscanned; a crafted one (many
        # attributes in each) can outrun the budget inside lexbor. Once more, its markup bounded.
        log.warning("parsing %s again with its markup bounded", url)
        return self._run_once(url, f"{name} scanned", args, rules)

    def _run_once(self, url: str, name: str, args: tuple[Any, ...], rules: tuple[bytes, ...]) -> Any:
        worker = self._take()
        try:
            worker.conn.send((name, args, rules))
            reply = self._wait(worker, url)
        except BaseException:
            self._drop(worker, kill=True)
            raise
        self._give_back(worker)
        if reply[0] == "ok":
            return reply[1]
        if reply[0] == "parse":
            raise ParseError(url, reply[1])
        raise ParseError(url, f"cannot parse: {reply[1]}")

    def _wait(self, worker: _Worker, url: str) -> tuple[Any, ...]:
        start, step = time.monotonic(), min(0.25, self.budget / 4)
        # The worker's CPU clock is read only once a page has taken a step: most take a few
        # ms. The step before the first reading counts as CPU in full (err on cutting early).
        first_cpu: float | None = None
        while True:
            try:
                if worker.conn.poll(step):
                    reply: tuple[Any, ...] = worker.conn.recv()
                    return reply
            except (EOFError, OSError):
                code = worker.process.poll()
                raise ParseError(url, f"the parser process died (exit code {code})") from None
            cpu = worker.cpu()
            wall = time.monotonic() - start
            if first_cpu is None and cpu is not None:
                first_cpu = cpu - wall
            used = cpu - first_cpu if cpu is not None and first_cpu is not None else None
            if (used if used is not None else wall) >= self.budget or \
                    wall >= self.budget * WALL_FACTOR:
                self.cut_off += 1
                log.warning("parsing %s: still running after %.1f s of CPU (%.1f s), cut off",
                            url, used if used is not None else wall, wall)
                raise _OverBudget(url, f"parsing took longer than its budget of {self.budget:g} s "
                                       "of CPU: the page was skipped")

    def _take(self) -> _Worker:
        with self._lock:
            if self._closed:
                raise ParseError("", "the parser pool is closed")
            if self._idle:
                return self._idle.pop()
        worker = _Worker()
        with self._lock:
            self._all.add(worker)
        return worker

    def _give_back(self, worker: _Worker) -> None:
        with self._lock:
            if not self._closed:
                self._idle.append(worker)
                return
        worker.stop()

    def _drop(self, worker: _Worker, *, kill: bool) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.stop(kill=kill)

    def close(self) -> None:
        """Stop every worker, busy ones too (killed: a stopping daemon does not wait for a
        page), then the threads. Workers are reaped, so their CPU time counts as this
        process's children's."""
        with self._lock:
            self._closed = True
            idle, busy = self._idle, self._all.difference(self._idle)
            self._idle, self._all = [], set()
        for worker in busy:
            worker.stop(kill=True)
        for worker in idle:
            worker.stop()
        self._threads.shutdown(wait=True, cancel_futures=True)

    async def __aenter__(self) -> ParserPool:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await asyncio.get_running_loop().run_in_executor(None, self.close)
