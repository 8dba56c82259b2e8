"""The served port facing anyone: connections that never finish a request head are closed, a
flood of them does not lock normal readers out, and responses carry the safety headers. Over
real sockets to a `feedmaker serve` process."""

from __future__ import annotations

import resource
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import write_config
from running import free_port, wait_for

from feedmaker.health import Health
from feedmaker.serve import CSP, create_app
from sample_site.server import SampleSite

ROOT = Path(__file__).resolve().parents[1]
SLOW_CLIENTS = {
    "nothing": b"",
    "half a request line": b"GET /sample/al",
    "headers without an end": b"GET /index.html HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n",
}


@pytest.fixture
def served(tmp_path: Path, site: SampleSite) -> Iterator[str]:
    """`feedmaker serve` with systemd's default limit of 1,024 open files."""
    config = write_config(tmp_path, site.url)
    out = tmp_path / "feeds"
    out.mkdir()
    (out / "index.html").write_text("<!DOCTYPE html><title>Feeds</title>")
    port = free_port()

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))

    proc = subprocess.Popen([sys.executable, "-m", "feedmaker", "-c", str(config), "serve",
                             "--port", str(port)], preexec_fn=limit, cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _answers(url), 20, "feedmaker serve")
        yield url
    finally:
        proc.terminate()
        proc.wait(20)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url + "/index.html", timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def _open(url: str, data: bytes) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1])), timeout=30)
    if data:
        sock.sendall(data)
    return sock


def _closed_by_server(sock: socket.socket) -> bool:
    """True once the server closes (EOF or reset); a 30 s socket timeout fails the test (the
    server now closes after 5 s; it used to keep such connections for more than 75 s)."""
    try:
        while sock.recv(4096):
            pass
        return True
    except ConnectionResetError:
        return True


@pytest.mark.parametrize("what", list(SLOW_CLIENTS))
def test_a_connection_without_a_whole_request_head_is_closed(served: str, what: str) -> None:
    with _open(served, SLOW_CLIENTS[what]) as sock:
        assert _closed_by_server(sock)


def test_a_head_dripped_a_byte_at_a_time_is_still_closed(served: str) -> None:
    """Each byte used to reset uvicorn's only timer: the deadline is for the whole head."""
    with _open(served, b"G") as sock:
        closed = False
        for byte in b"ET /index.html HTTP/1.1\r\nHost: x\r\n" * 4:
            try:
                sock.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            sock.settimeout(0.5)
            try:
                if sock.recv(1) == b"":
                    closed = True
                    break
            except TimeoutError:
                continue
        assert closed


def test_1100_silent_connections_do_not_lock_readers_out(served: str) -> None:
    """1,100 connections that send nothing, against a server limited to 1,024 open files (as
    systemd's default): they are closed after the head timeout, and a reader is served."""
    silent = [_open(served, b"") for _ in range(1100)]
    try:
        r = httpx.get(served + "/index.html", timeout=30)
        assert r.status_code in (200, 503)  # 503 while the connection cap is reached
        wait_for(lambda: _answers(served), 60, "a normal request to be served")
        assert all(_closed_by_server(s) for s in silent[:50])
    finally:
        for s in silent:
            s.close()


def test_safety_headers(tmp_path: Path) -> None:
    import asyncio

    out = tmp_path / "feeds"
    (out / "s").mkdir(parents=True)
    (out / "index.html").write_text("<!DOCTYPE html><title>Feeds</title>")
    (out / "s" / "all.atom").write_bytes(b"<feed>" + b"<!-- x -->" * 100 + b"</feed>")
    app = create_app(out, lambda: Health(["s"]))

    async def get(path: str, **headers: str) -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://feeds") as c:
            return await c.get(path, headers=headers)

    page = asyncio.run(get("/"))
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["content-security-policy"] == CSP
    feed = asyncio.run(get("/s/all.atom", **{"Accept-Encoding": "gzip"}))
    assert feed.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in feed.headers
    # Once each, though gzip adds its own; a browser's page load gets a page (web/feedview.py).
    assert feed.headers["vary"] == "Accept-Encoding, Sec-Fetch-Dest, Accept"
    again = asyncio.run(get("/s/all.atom", **{"If-None-Match": feed.headers["etag"]}))
    assert again.status_code == 304 and again.headers["vary"] == feed.headers["vary"]
    assert asyncio.run(get("/healthz")).headers["x-content-type-options"] == "nosniff"


def test_the_unit_raises_the_open_file_limit() -> None:
    unit = (ROOT / "contrib" / "feedmaker.service").read_text()
    limit = [line for line in unit.splitlines() if line.startswith("LimitNOFILE=")]
    assert limit and int(limit[0].split("=")[1]) >= 8192
