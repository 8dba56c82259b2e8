"""https for real: a local server with a certificate from a test CA, fetched by a fresh process
that trusts that CA (SSL_CERT_FILE), as a system trusts its bundle.

feedmaker imports aiohttp without letting it load the CA bundle into its two default contexts
(feedmaker.lighthttp): every https request must therefore carry feedmaker's own context, and
these tests show it does (the page loads) and that aiohttp's defaults trust nothing (a request
that slipped through without it would fail, never pass unverified).
"""

from __future__ import annotations

import os
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ca.pem, and server.pem/server.key for localhost signed by it."""
    d = tmp_path_factory.mktemp("tls")
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
             "-days", "2", "-subj", "/CN=feedmaker test CA", cwd=d)
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
             "-subj", "/CN=localhost", cwd=d)
    (d / "san.ext").write_text("subjectAltName=DNS:localhost\n")
    _openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
             "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "san.ext", cwd=d)
    return d


@pytest.fixture(scope="module")
def https_port(certificates: Path) -> Iterator[int]:
    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<html><head><title>Over TLS</title></head><body><h1>Over TLS</h1></body></html>"
            if self.path == "/robots.txt":
                body = b"User-agent: *\nAllow: /\n"
            self.send_response(200)
            self.send_header("Content-Type", "text/plain" if self.path == "/robots.txt" else "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificates / "server.pem", certificates / "server.key")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


FETCH = """
import asyncio, sys
from feedmaker.fetch import Fetcher
async def main():
    async with Fetcher("feedmaker-test/1") as f:
        page = await f.get(sys.argv[1])
    print(page.status, b"Over TLS" in page.html)
    import aiohttp.connector  # imported by the fetcher, its way
    print(aiohttp.connector._SSL_CONTEXT_VERIFIED.cert_store_stats()["x509_ca"])
asyncio.run(main())
"""


def _fetch(url: str, ca: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SSL_CERT_FILE": str(ca), "SSL_CERT_DIR": "/nonexistent"}
    return subprocess.run([sys.executable, "-c", FETCH, url], env=env, capture_output=True,
                          text=True, timeout=60)


def test_an_https_page_loads_with_feedmakers_verified_context(certificates: Path,
                                                             https_port: int) -> None:
    proc = _fetch(f"https://localhost:{https_port}/story", certificates / "ca.pem")
    assert proc.returncode == 0, proc.stderr
    status, aiohttp_defaults = proc.stdout.split("\n")[:2]
    assert status == "200 True"
    assert aiohttp_defaults == "0"  # aiohttp's own default context was never given the bundle


def test_a_certificate_from_an_untrusted_ca_is_refused(certificates: Path, https_port: int,
                                                       tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
             "-days", "2", "-subj", "/CN=another CA", cwd=other)
    proc = _fetch(f"https://localhost:{https_port}/story", other / "ca.pem")
    assert proc.returncode != 0
    assert "TLS" in proc.stderr and "CERTIFICATE_VERIFY_FAILED" in proc.stderr
