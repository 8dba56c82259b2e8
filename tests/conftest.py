"""Shared fixtures: the sample site over real HTTP on 127.0.0.1, configs in tmp dirs, the CLI; a
small raw HTTP server (`serve`) and a resolver that sends every host name to it (`Loopback`)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import feedparser
import pytest
from aiohttp.abc import AbstractResolver, ResolveResult

from sample_site.server import SampleSite

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_CONFIG = ROOT / "sample_site" / "feedmaker.toml"
SHARED = ROOT.parent / "shared"  # data beside the project, never copied into it


def shared_data(relative: str) -> Path:
    """A folder of ../shared for a test that needs it. Absent: the test is skipped, saying so,
    unless CI=true, where it fails (CI has the folder, and a skipped quality floor is no floor)."""
    path = SHARED / relative
    if path.is_dir():
        return path
    if os.environ.get("CI", "").strip().lower() in ("true", "1", "yes"):
        pytest.fail(f"{path} is missing: CI must have ../shared ({relative})")
    pytest.skip(f"{path} is absent: this test needs the data beside the project "
                f"(../shared/{relative}); CI=true makes its absence a failure")


@pytest.fixture
def site() -> Iterator[SampleSite]:
    with SampleSite() as s:
        yield s


def write_config(tmp: Path, site_url: str, *, extra: str = "", drop: tuple[str, ...] = (),
                 replace: dict[str, str] | None = None) -> Path:
    """The sample site's own config, pointed at a running server and a temp out_dir/state.
    `drop` removes whole tables (e.g. "sites.sample.article"); `replace` edits lines."""
    text = SAMPLE_CONFIG.read_text()
    text = re.sub(r'(?m)^url = ".*"$', f'url = "{site_url}"', text, count=1)
    for table in drop:
        text = re.sub(rf"(?ms)^\[{re.escape(table)}\]\n.*?(?=^\[|\Z)", "", text)
    for old, new in (replace or {}).items():
        assert old in text, old
        text = text.replace(old, new)
    path = tmp / "feedmaker.toml"
    path.write_text(text + "\n" + extra)
    return path


@pytest.fixture
def config_path(tmp_path: Path, site: SampleSite) -> Path:
    return write_config(tmp_path, site.url)


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "feedmaker", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=timeout)


def parse_feed(path: Path) -> feedparser.FeedParserDict:
    data = feedparser.parse(path.read_bytes())
    assert not data.bozo, f"{path}: {data.get('bozo_exception')}"
    return data


# (host without port, path) -> (status, [(header, raw bytes)], body)
Reply = tuple[int, list[tuple[str, bytes]], bytes]
Handler = Callable[[str, str], Reply]


class Loopback(AbstractResolver):
    """Every host name resolves to 127.0.0.1."""

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        return [{"hostname": host, "host": "127.0.0.1", "port": port, "family": socket.AF_INET,
                 "proto": 0, "flags": socket.AI_NUMERICHOST}]

    async def close(self) -> None:
        pass


@pytest.fixture
def serve() -> Iterator[Callable[[Handler], int]]:
    """serve(handler) -> port of a server answering every GET with handler(host, path)."""
    servers: list[ThreadingHTTPServer] = []

    def start(handler: Handler) -> int:
        class Answer(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
                status, headers, body = handler(host, self.path)
                # Written raw, so header bytes reach the client as a misbehaving server sends them.
                head = [f"HTTP/1.1 {status} X".encode(), b"Connection: close",
                        b"Content-Length: %d" % len(body)]
                head += [name.encode() + b": " + value for name, value in headers]
                self.wfile.write(b"\r\n".join(head) + b"\r\n\r\n" + body)

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server.server_address[1]

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


HTML = [("Content-Type", b"text/html; charset=utf-8")]


# -- PostgreSQL ------------------------------------------------------------------------------
POSTGRES = os.environ.get("FEEDMAKER_TEST_POSTGRES", "postgresql:///test")


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def postgres_server() -> str:
    """The test server's URL (FEEDMAKER_TEST_POSTGRES, default the local socket, database test).
    Unreachable: the test is skipped, saying so, unless CI=true, where it fails."""
    import psycopg

    try:
        psycopg.connect(POSTGRES, connect_timeout=5).close()
    except psycopg.Error as exc:
        reason = " ".join(str(exc).split())
        if _in_ci():
            pytest.fail(f"PostgreSQL at {POSTGRES} is unreachable: CI must have it ({reason})")
        pytest.skip(f"PostgreSQL at {POSTGRES} is unreachable ({reason}); set "
                    "FEEDMAKER_TEST_POSTGRES, and CI=true makes its absence a failure")
    return POSTGRES


def with_schema(url: str, schema: str) -> str:
    """`url` with every table created and read in `schema` (libpq's options=-csearch_path)."""
    from urllib.parse import quote

    return f"{url}{'&' if '?' in url else '?'}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture
def postgres() -> Iterator[str]:
    """A PostgreSQL URL whose tables live in a schema of this test's own, dropped afterwards."""
    import uuid

    import psycopg

    server = postgres_server()
    schema = f"fm_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield with_schema(server, schema)
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
