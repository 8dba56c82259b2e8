"""The PostgreSQL mode's figures (docs/scale.md): throughput with 1, 2, 4 workers over many sites
that answer with ~50 ms latency, CPU per article against SQLite on the same workload, requests/s
of `serve --state`, and the time a dead worker's site waits before it is polled again.

Sites: one asyncio server (a process of its own) listening on 127.0.0.2..127.0.0.N, each
address a host, five sites per host, each site a listing of five articles; every answer waits
`latency` seconds. PostgreSQL: FEEDMAKER_BENCH_POSTGRES (default the local socket, database
test), a schema per measurement, dropped afterwards.
"""

from __future__ import annotations

import asyncio
import os
import resource
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from .hostile import _hammer, free_port, wait_for

POSTGRES = os.environ.get("FEEDMAKER_BENCH_POSTGRES", "postgresql:///test")
ARTICLES = 5  # per site
SITES_PER_HOST = 5


# -- the sites ------------------------------------------------------------------------------
def _listing(site: int, articles: int = ARTICLES) -> bytes:
    links = "".join(f'<li><a href="/s{site}/a{j}">Story {j} of site {site}</a></li>'
                    for j in range(articles))
    return f"<!doctype html><html lang=en><title>Site {site}</title><ul>{links}</ul></html>".encode()


def _article(site: int, j: int) -> bytes:
    body = " ".join(f"Paragraph {k} of story {j} on site {site} says something new." for k in range(12))
    return (f'<!doctype html><html lang=en><head><title>Story {j}</title><script type="application/ld+json">'
            f'{{"@type":"NewsArticle","headline":"Story {j} of site {site}","datePublished":'
            f'"2024-05-{1 + j % 28:02d}T{10 + j // 28 % 12}:00:00Z","keywords":["Topic {j % 3}"]}}'
            f'</script></head><body>'
            f'<h1>Story {j} of site {site}</h1><div class=body><p>{body}</p></div></body></html>').encode()


async def _serve_sites(hosts: int, port: int, latency: float, articles: int) -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1].decode()
                await asyncio.sleep(latency)
                parts = path.strip("/").split("/")
                body, status = b"not found", 404
                if len(parts) == 2 and parts[0].startswith("s") and parts[0][1:].isdigit():
                    site = int(parts[0][1:])
                    if parts[1] == "news":
                        body, status = _listing(site, articles), 200
                    elif parts[1].startswith("a") and parts[1][1:].isdigit():
                        body, status = _article(site, int(parts[1][1:])), 200
                writer.write(b"HTTP/1.1 %d X\r\nContent-Type: text/html; charset=utf-8\r\n"
                             b"Content-Length: %d\r\n\r\n" % (status, len(body)) + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    servers = [await asyncio.start_server(handle, f"127.0.0.{2 + h}", port, backlog=256)
               for h in range(hosts)]
    print("ready", flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


@contextmanager
def sites_process(hosts: int, latency: float, articles: int = ARTICLES) -> Iterator[int]:
    """The sites (see the module's docstring), each listing `articles` stories; yields the port."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "benchmarks.scale", "sites", str(hosts), str(port),
                             str(latency), str(articles)], stdout=subprocess.PIPE)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
        yield port
    finally:
        proc.terminate()
        proc.wait(10)


def config_text(sites: int, port: int, state: str, interval: str = "1h") -> str:
    blocks = [f'out_dir = "feeds"\nstate = "{state}"\n']
    for i in range(sites):
        host = f"127.0.0.{2 + i // SITES_PER_HOST}"
        blocks.append(f'[sites.s{i}]\nname = "Site {i}"\nurl = "http://{host}:{port}/s{i}/"\n'
                      f'interval = "{interval}"\n[sites.s{i}.sections]\nNews = "/s{i}/news"\n'
                      f'[sites.s{i}.links]\nselector = "a[href]"\ninclude = \'^/s{i}/a\\d+$\'\n'
                      f'[sites.s{i}.article]\ntitle = "h1"\ncontent = ".body"\n')
    return "\n".join(blocks)


# -- PostgreSQL -----------------------------------------------------------------------------
@contextmanager
def schema() -> Iterator[str]:
    import psycopg

    name = f"fm_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {name}")
    try:
        yield f"{POSTGRES}{'&' if '?' in POSTGRES else '?'}options=-csearch_path%3D{name}"
    finally:
        with psycopg.connect(POSTGRES, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {name} CASCADE")


def _queue_all(url: str, config_path: Path) -> None:
    from feedmaker.cluster import make_app, prepare, queue_poll
    from feedmaker.config import load_config

    config = load_config(config_path)
    prepare(url)

    async def queue() -> None:
        app = make_app(url)
        async with app.open_async():
            for site in config.sites.values():
                await queue_poll(app, site)

    asyncio.run(queue())


def _server_cpu() -> float:
    """CPU seconds of every postgres process, the reaped backends included (the postmaster's
    children times): the database's share of a workload, read from /proc."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/comm") as fh:
                name = fh.read().strip()
        except OSError:
            continue
        if name.startswith("postgres"):
            total += (int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])) / tick
    return total


def _machine_busy() -> float:
    """CPU seconds the whole machine spent busy (every process, ours or not), from /proc/stat:
    on a shared machine, what was left for the run is the cores less the others' share."""
    with open("/proc/stat") as fh:
        fields = [int(v) for v in fh.readline().split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _stored(conn: Any) -> tuple[int, int]:
    """(sites polled, articles stored), on a connection the caller keeps: a new one every 50 ms
    was a PostgreSQL backend started 20 times a second, CPU counted as the workers' and taken
    from them."""
    runs = conn.execute("SELECT count(DISTINCT site) FROM runs WHERE ok = 1").fetchone()
    arts = conn.execute("SELECT count(*) FROM articles").fetchone()
    return int(runs[0]) if runs else 0, int(arts[0]) if arts else 0


def workers_run(work: Path, sites: int, port: int, workers: int, concurrency: int = 8) -> dict[str, float]:
    """Queue every site once, start `workers` workers that exit when the queue is empty."""
    import psycopg

    with schema() as url:
        folder = work / f"pg-{workers}-{uuid.uuid4().hex[:6]}"
        folder.mkdir(parents=True)
        config = folder / "feedmaker.toml"
        config.write_text(config_text(sites, port, url))
        _queue_all(url, config)
        cpu0, server0, busy0, t0 = _children_cpu(), _server_cpu(), _machine_busy(), time.perf_counter()
        procs = [subprocess.Popen([sys.executable, "-m", "feedmaker", "-c", str(config), "worker",
                                   "--once", "--no-schedule", "--concurrency", str(concurrency)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                 for _ in range(workers)]
        # Until every site is polled (the workers then still publish the index and exit).
        deadline = time.monotonic() + 1800
        watch = psycopg.connect(url, autocommit=True)
        while _stored(watch)[0] < sites and time.monotonic() < deadline:
            time.sleep(0.05)
        wall, busy = time.perf_counter() - t0, _machine_busy() - busy0
        for p in procs:
            p.wait(1800)
        cpu, server = _children_cpu() - cpu0, _server_cpu() - server0
        polled, articles = _stored(watch)
        watch.close()
    return {"wall": wall, "cpu": cpu, "server_cpu": server, "sites": polled, "articles": articles,
            "machine_busy": busy}


def sqlite_run(work: Path, sites: int, port: int) -> dict[str, float]:
    folder = work / f"sqlite-{uuid.uuid4().hex[:6]}"
    folder.mkdir(parents=True)
    config = folder / "feedmaker.toml"
    config.write_text(config_text(sites, port, "feedmaker.sqlite"))
    cpu0, t0 = _children_cpu(), time.perf_counter()
    subprocess.run([sys.executable, "-m", "feedmaker", "-c", str(config), "build"],
                   capture_output=True, timeout=1800)
    import sqlite3

    with sqlite3.connect(folder / "feedmaker.sqlite") as db:
        articles = db.execute("SELECT count(*) FROM articles").fetchone()[0]
    return {"wall": time.perf_counter() - t0, "cpu": _children_cpu() - cpu0, "articles": articles}


def throughput(work: Path, sites: int, counts: tuple[int, ...], latency: float = 0.05,
               concurrency: int = 8) -> dict[int, dict[str, float]]:
    hosts = (sites + SITES_PER_HOST - 1) // SITES_PER_HOST
    with sites_process(hosts, latency) as port:
        return {n: workers_run(work, sites, port, n, concurrency) for n in counts}


def cpu_per_article(work: Path, sites: int, rounds: int) -> dict[str, Any]:
    """SQLite build and one PostgreSQL worker over the same sites, interleaved rounds."""
    hosts = (sites + SITES_PER_HOST - 1) // SITES_PER_HOST
    out: dict[str, list[dict[str, float]]] = {"sqlite": [], "pg": []}
    with sites_process(hosts, 0.0) as port:
        for _ in range(rounds):
            out["sqlite"].append(sqlite_run(work, sites, port))
            out["pg"].append(workers_run(work, sites, port, 1))
    return out


def serve_rps(work: Path, clients: int = 200, seconds: float = 5.0,
              articles: int = 60) -> dict[str, Any]:
    """`feedmaker serve --state` over a feed of 50 entries (max_items): one site of the workload
    listing `articles` stories, polled by one worker into the store; requests/s of the feed, and
    of its 304."""
    folder = work / "serve-store"
    folder.mkdir(parents=True, exist_ok=True)
    with schema() as url, sites_process(1, 0.0, articles) as sites:
        config = folder / "feedmaker.toml"
        config.write_text(config_text(1, sites, url))
        _queue_all(url, config)
        subprocess.run([sys.executable, "-m", "feedmaker", "-c", str(config), "worker", "--once"],
                       check=True, capture_output=True, timeout=600)
        port = free_port()
        proc = subprocess.Popen([sys.executable, "-m", "feedmaker", "-c", str(config), "serve",
                                 "--state", url, "--port", str(port)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for(lambda: _ok(base + "/healthz"), 30, "serve --state")
            feed = "/s0/all.atom"
            r = httpx.get(base + feed)
            r.raise_for_status()
            entries = r.text.count("<entry>")
            return {"entries": entries, "bytes": len(r.content),
                    "feed": asyncio.run(_hammer(port, feed, "", clients, seconds)),
                    "not_modified": asyncio.run(_hammer(port, feed, f"If-None-Match: {r.headers['etag']}\r\n",
                                                        clients, seconds))}
        finally:
            proc.terminate()
            proc.wait(30)


def _ok(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code in (200, 503)
    except httpx.TransportError:
        return False


def failover(work: Path, stall: float = 5.0, interval: float = 15.0) -> dict[str, Any]:
    """Two workers (`--stall-timeout stall`), the sample site on its own loopback address with
    every page 1 s away, so that a poll takes seconds; the worker that starts polling it is
    killed with SIGKILL at once; seconds from the kill until the other worker starts polling it,
    and how the poll came back (the stalled job queued again, or closed for a waiting copy)."""
    from sample_site.server import SampleSite

    folder = work / "failover"
    folder.mkdir(parents=True, exist_ok=True)
    with schema() as url, SampleSite(host="127.0.0.2", latency=1.0) as sample:
        text = (Path(__file__).resolve().parents[1] / "sample_site" / "feedmaker.toml").read_text()
        text = text.replace('url = "http://127.0.0.1:8001/"', f'url = "{sample.url}"')
        text = text.replace('state = "feedmaker.sqlite"', f'state = "{url}"')
        text = text.replace('interval = "15m"', f'interval = "{interval:g}s"')
        (folder / "feedmaker.toml").write_text(text)
        logs = [folder / f"w{i}.log" for i in range(2)]
        procs = []
        for log in logs:
            with log.open("wb") as out:
                procs.append(subprocess.Popen([sys.executable, "-m", "feedmaker", "-c",
                                               str(folder / "feedmaker.toml"), "worker",
                                               "--stall-timeout", f"{stall:g}"], stdout=out,
                                              stderr=subprocess.STDOUT))
        try:
            def polling() -> int | None:
                return next((i for i, log in enumerate(logs) if "sample: polling" in log.read_text()), None)

            deadline = time.monotonic() + 60
            victim = None
            while victim is None and time.monotonic() < deadline:
                victim = polling()
                time.sleep(0.02)
            assert victim is not None, "no worker polled the site"
            procs[victim].send_signal(signal.SIGKILL)
            killed = time.monotonic()
            other = logs[1 - victim]
            wait_for(lambda: "sample: polling" in other.read_text(), stall * 4 + interval,
                     "the other worker to poll the site")
            seconds = time.monotonic() - killed
            how = "queued again" if "queued again" in other.read_text() else \
                "closed, its waiting copy ran" if "is closed" in other.read_text() else "scheduled anew"
            return {"seconds": seconds, "stall": stall, "interval": interval, "how": how}
        finally:
            for p in procs:
                if p.poll() is None:
                    p.terminate()
                    p.wait(30)


if __name__ == "__main__" and sys.argv[1:2] == ["sites"]:
    asyncio.run(_serve_sites(int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])))
