"""Hostile input and load: how long the worst pages take to parse (or to be cut off), how fast
/healthz answers while feedmaker works, requests per second of the served port, and bytes
written per byte downloaded.

    python -m benchmarks --only hostile

Wall-clock figures on a shared 2-core machine: read them as ±30 %.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from sample_site.server import SampleSite

from .workload import SiteProcess, write_config

ROOT = Path(__file__).resolve().parents[1]
LONG_LINK = '<a href="http://' + "a" * 16_000 + '?">x</a>'
WIDE_TAG = "<p " + " ".join(f"a{i}" for i in range(64)) + ">x</p>"


def hostile_pages() -> dict[str, str]:
    """The shapes of the attacker's-eye review (issue 15), each as a whole page."""
    def page(body: str, head: str = "") -> str:
        return (f"<html><head><title>Hostile</title>{head}</head><body><h1>Hostile</h1>"
                f"<article><p>{'Some words. ' * 50}</p>{body}</article></body></html>")

    paragraph = "<p>" + "Plain text of an honest but enormous page. " * 40 + "</p>"
    return {
        "three 16,000-character links": page(LONG_LINK * 3 + "<p>x</p>" * 3000),
        "10 MB of plain paragraphs": page(paragraph * (10_000_000 // len(paragraph))),
        "60,000 nested <ul><li>": page("<ul><li>x" * 60_000),
        "100,000 nested <div>": page("<div>" * 100_000),
        "100,000 <blockquote>": page("<blockquote>" * 100_000),
        "100,000 attributes": page("<p " + " ".join(f"a{i}=1" for i in range(100_000)) + ">x</p>"),
        "JSON-LD nested 100,000 deep": page("", '<script type="application/ld+json">'
                                            + '{"a":' * 100_000 + "1" + "}" * 100_000 + "</script>"),
        # The shapes bounds.py caps beyond depth: elements, attributes a page, formatting.
        "1.2 million <p>x</p>": page("<p>x</p>" * 1_200_000),
        "10 MB of 64-attribute tags": page(WIDE_TAG * (10_000_000 // len(WIDE_TAG))),
        "1,000 open <b>, then 100,000 <p>": page("".join(f'<b class="c{i}">' for i in range(1_000))
                                                 + "</p>" + "<p>x</p>" * 100_000),
    }


def parse_floor() -> dict[str, Any]:
    """Each hostile page through the ParserPool as a build uses it: seconds until it is parsed
    or cut off, and which. Before bounds.py the deep ones were cut off by the 2 s budget (lexbor
    alone took 68 s on the nested lists)."""
    from feedmaker.config import load_config
    from feedmaker.workers import ParserPool

    site = load_config(ROOT / "sample_site" / "feedmaker.toml").sites["sample"]
    out: dict[str, Any] = {}

    async def run() -> None:
        async with ParserPool() as pool:
            await pool.article("<html><title>warm</title><h1>warm</h1></html>", "http://a.test/", site)
            for name, html in hostile_pages().items():
                start = time.perf_counter()
                try:
                    await pool.article(html, "http://a.test/x", site)
                    verdict = "parsed"
                except Exception as exc:
                    verdict = "cut off" if "budget" in str(exc) else f"error: {str(exc)[:60]}"
                out[name] = (time.perf_counter() - start, verdict, len(html))

    asyncio.run(run())
    return out


def _probe(url: str, stop: threading.Event, every: float = 0.02) -> list[float]:
    """/healthz latencies, one request every `every` seconds until `stop`: a fresh connection
    each time, like a monitoring check, over a bare socket (an httpx client's own CPU was most
    of the figure on this busy machine)."""
    port = int(url.rsplit(":", 1)[1])
    request = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    times: list[float] = []
    while not stop.is_set():
        start = time.perf_counter()
        with contextlib.suppress(OSError), \
                socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            sock.sendall(request)
            while sock.recv(65536):
                pass
        times.append(time.perf_counter() - start)  # a failure counts as its full wait
        stop.wait(every)
    return times


def healthz_idle(config: Path, seconds: float = 8.0) -> list[float]:
    """The same probe against the daemon with nothing to do: this machine's own latency."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = _daemon(config, port)  # its state is built: one warm poll, then 15 minutes idle
    stop = threading.Event()
    try:
        wait_for(lambda: _up(url) and _runs(url) >= 1, 600, "the daemon's first poll", every=0.5)
        times: list[float] = []
        prober = threading.Thread(target=lambda: times.extend(_probe(url, stop)))
        prober.start()
        time.sleep(seconds)
        stop.set()
        prober.join()
    finally:
        stop.set()
        proc.terminate()
        proc.wait(30)
    return times


def _p99(times: list[float]) -> float:
    return statistics.quantiles(times, n=100)[98] if len(times) >= 2 else float("nan")


def _daemon(config: Path, port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "feedmaker", "-c", str(config), "run",
                             "--port", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def _runs(url: str) -> int:
    try:
        text = httpx.get(url + "/metrics", timeout=30).text
    except httpx.TransportError:
        return 0
    return sum(int(float(line.rsplit(" ", 1)[1])) for line in text.splitlines()
               if line.startswith("feedmaker_runs_total{"))


def _first_poll_latencies(config: Path, wait: float = 600) -> tuple[list[float], float]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = _daemon(config, port)
    stop = threading.Event()
    try:
        wait_for(lambda: _up(url), 30, "the daemon")
        times: list[float] = []
        prober = threading.Thread(target=lambda: times.extend(_probe(url, stop)))
        started = time.perf_counter()
        prober.start()
        wait_for(lambda: _runs(url) >= 1, wait, "the first poll", every=0.5)
        took = time.perf_counter() - started
        stop.set()
        prober.join()
    finally:
        stop.set()
        proc.terminate()
        proc.wait(30)
    return times, took


def _up(url: str) -> bool:
    try:
        return httpx.get(url + "/healthz", timeout=2).status_code in (200, 503)
    except httpx.TransportError:
        return False


def healthz_under_load(work: Path, articles: int) -> dict[str, Any]:
    """/healthz p99 during the daemon's first poll: a cold build of `articles`, and the
    bundled site with three hostile pages (60,000 nested lists) among its articles."""
    out: dict[str, Any] = {}
    with SiteProcess(articles) as site:
        config = write_config(work / f"healthz-{articles}", site.url, articles)
        text = config.read_text().replace("[sites.gen]", 'parse_budget = "2s"\n\n[sites.gen]')
        config.write_text(text)
        times, took = _first_poll_latencies(config)
        out["cold"] = {"p99": _p99(times), "max": max(times), "n": len(times), "poll": took}
        # After its first poll the daemon has nothing to do for 15 minutes: the baseline.
        idle = healthz_idle(config)
        out["idle"] = {"p99": _p99(idle), "max": max(idle), "n": len(idle), "poll": 0.0}
    with SampleSite() as sample:
        for i in range(3):
            sample.publish("health", f"Hostile page {i}", ["Hostile"], body="<ul><li>x" * 60_000)
        folder = work / "healthz-hostile"
        folder.mkdir(parents=True, exist_ok=True)
        config = folder / "feedmaker.toml"
        base = (ROOT / "sample_site" / "feedmaker.toml").read_text()
        config.write_text(_point(base, sample.url))
        times, took = _first_poll_latencies(config)
        out["hostile"] = {"p99": _p99(times), "max": max(times), "n": len(times), "poll": took}
    return out


def _point(config: str, url: str) -> str:
    return re.sub(r'(?m)^url = ".*"$', f'url = "{url}"', config, count=1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(check: Callable[[], object], timeout: float, what: str, every: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {timeout:g}s waiting for {what}")
        time.sleep(every)


async def _hammer(port: int, path: str, headers: str, clients: int, seconds: float) -> float:
    """Requests per second from `clients` keep-alive connections for `seconds`, each sending
    the next request when the last answer is complete. A raw HTTP/1.1 client: an httpx client
    at 200 connections would cost more CPU than the server it measures."""
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}\r\n".encode()
    done = 0
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        nonlocal done
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.perf_counter() < deadline:
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                if length:
                    await reader.readexactly(length)
                done += 1
        finally:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)), return_exceptions=True)
    return done / (time.perf_counter() - start)


def serve_rps(work: Path, clients: int = 200, seconds: float = 5.0) -> dict[str, Any]:
    """`feedmaker serve` over a built sample site: a feed, its 304, /healthz."""
    with SampleSite() as sample:
        folder = work / "rps"
        folder.mkdir(parents=True, exist_ok=True)
        config = folder / "feedmaker.toml"
        config.write_text(_point((ROOT / "sample_site" / "feedmaker.toml").read_text(), sample.url))
        subprocess.run([sys.executable, "-m", "feedmaker", "-c", str(config), "build"],
                       check=True, capture_output=True)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "feedmaker", "-c", str(config), "serve",
                             "--port", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _up(url), 30, "feedmaker serve")
        feed = "/sample/all.atom"
        etag = httpx.get(url + feed).headers["etag"]
        out = {
            "feed": asyncio.run(_hammer(port, feed, "", clients, seconds)),
            "not_modified": asyncio.run(_hammer(port, feed, f"If-None-Match: {etag}\r\n",
                                                clients, seconds)),
            "healthz": asyncio.run(_hammer(port, "/healthz", "", clients, seconds)),
            "feed_bytes": len(httpx.get(url + feed).content),
        }
    finally:
        proc.terminate()
        proc.wait(30)
    return out


def amplification(work: Path) -> dict[str, Any]:
    """Bytes written per byte downloaded: the bundled site, and 20 articles of 1 MB sharing
    40 tags (2.66 GB of feeds from 20 MB before the caps)."""
    out: dict[str, Any] = {}
    for shape in ("sample", "megabyte"):
        with SampleSite() as sample:
            if shape == "megabyte":
                paragraph = "<p>" + "All work and no play makes a long article. " * 20 + "</p>"
                tags = [f"Shared Tag {i}" for i in range(40)]
                for i in range(20):
                    sample.publish("health", f"Very long story {i}", tags,
                                   body=paragraph * (1_000_000 // len(paragraph)))
            folder = work / f"amplification-{shape}"
            folder.mkdir(parents=True, exist_ok=True)
            config = folder / "feedmaker.toml"
            config.write_text(_point((ROOT / "sample_site" / "feedmaker.toml").read_text(),
                                     sample.url))
            sample.clear_log()
            subprocess.run([sys.executable, "-m", "feedmaker", "-c", str(config), "build"],
                           check=False, capture_output=True)
            downloaded = sum(r.bytes_sent for r in sample.requests)
        written = sum(p.stat().st_size for p in (folder / "feeds").rglob("*") if p.is_file())
        out[shape] = {"downloaded": downloaded, "written": written, "ratio": written / downloaded}
    return out
