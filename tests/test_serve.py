"""Serving out_dir: types, validators and 304s, gzip, no way out of out_dir, /healthz, /metrics;
in process (starlette's TestClient) and end to end (`feedmaker serve` over real HTTP)."""

from __future__ import annotations

import asyncio
import http.client
import os
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from conftest import run_cli, write_config
from running import Daemon
from starlette.applications import Starlette

from feedmaker.health import Health, Metrics
from feedmaker.pipeline import SiteResult
from feedmaker.serve import create_app, resolve
from feedmaker.store import RunRecord
from sample_site.server import SampleSite

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
ATOM = b'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">' + \
    b"<title>x</title>" + b"<!-- padding -->" * 100 + b"</feed>\n"


@pytest.fixture
def out(tmp_path: Path) -> Path:
    out = tmp_path / "feeds"
    files = {"index.html": b"<!DOCTYPE html><title>Feeds</title>", "feeds.opml": b"<opml/>",
             "s/all.atom": ATOM, "s/all.rss": b"<rss/>", "s/all.json": b"{}",
             "s/tags/cell-therapy.atom": ATOM, "s/tags/.cell-therapy.atom.abc.tmp": b"<half",
             ".git/config": b"secret"}
    for name, data in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    (tmp_path / "secret.txt").write_text("outside")
    (out / "s" / "link.atom").symlink_to(tmp_path / "secret.txt")
    return out


class _Client:
    """Requests straight into the ASGI app (httpx's ASGI transport), one event loop each."""

    def __init__(self, app: Starlette) -> None:
        self.app = app

    def request(self, method: str, path: str, **kw: object) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://feeds") as c:
                return await c.request(method, path, **kw)  # type: ignore[arg-type]

        return asyncio.run(go())

    def get(self, path: str, **kw: object) -> httpx.Response:
        return self.request("GET", path, **kw)


def _client(out: Path, health: Health | None = None, metrics: Metrics | None = None) -> _Client:
    health = health or Health(["s"])
    return _Client(create_app(out, lambda: health, metrics))


@pytest.mark.parametrize(("path", "ctype"), [
    ("/s/all.atom", "application/atom+xml; charset=utf-8"),
    ("/s/all.rss", "application/rss+xml; charset=utf-8"),
    ("/s/all.json", "application/feed+json"),
    ("/index.html", "text/html; charset=utf-8"),
    ("/", "text/html; charset=utf-8"),
    ("/feeds.opml", "text/x-opml; charset=utf-8"),
])
def test_content_types(out: Path, path: str, ctype: str) -> None:
    r = _client(out).get(path)
    assert r.status_code == 200 and r.headers["content-type"] == ctype


def test_validators_and_304(out: Path) -> None:
    client = _client(out)
    r = client.get("/s/all.atom")
    etag, modified = r.headers["etag"], r.headers["last-modified"]
    assert r.content == ATOM and etag.startswith('W/"')
    for headers in ({"If-None-Match": etag}, {"If-None-Match": etag.removeprefix("W/")},
                    {"If-None-Match": f'"other", {etag}'}, {"If-Modified-Since": modified}):
        again = client.get("/s/all.atom", headers=headers)
        assert again.status_code == 304 and again.content == b"", headers
        assert again.headers["etag"] == etag
    assert client.get("/s/all.atom", headers={"If-None-Match": '"other"'}).status_code == 200
    # If-None-Match wins over a matching If-Modified-Since
    assert client.get("/s/all.atom", headers={"If-None-Match": '"other"',
                                              "If-Modified-Since": modified}).status_code == 200
    # a rewritten file (atomic rename, as the daemon does) is a new version
    tmp = out / "s" / ".all.atom.new.tmp"
    tmp.write_bytes(ATOM.replace(b"<title>x", b"<title>y"))
    os.utime(tmp, (1e9, 1e9))
    os.replace(tmp, out / "s" / "all.atom")
    r2 = client.get("/s/all.atom", headers={"If-None-Match": etag})
    assert r2.status_code == 200 and b"<title>y" in r2.content and r2.headers["etag"] != etag


def test_gzip_only_when_asked(out: Path) -> None:
    client = _client(out)
    zipped = client.get("/s/all.atom", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip" and zipped.content == ATOM
    assert "accept-encoding" in zipped.headers["vary"].lower()
    plain = client.get("/s/all.atom", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == ATOM
    assert zipped.headers["etag"] == plain.headers["etag"]  # weak: same file either way


@pytest.mark.parametrize("path", [
    "../secret.txt", "s/../../secret.txt", "/etc/passwd", "s/link.atom", ".git/config",
    "s/tags/.cell-therapy.atom.abc.tmp", "s/tags", "s/", "s/all.atom/", "nope.atom", "s\\..\\x",
    "s/all.atom\0", "..", ".",
])
def test_resolve_refuses_everything_outside_or_hidden(out: Path, path: str) -> None:
    assert resolve(out, path) is None


def test_resolve_finds_files_and_directory_index(out: Path) -> None:
    assert resolve(out, "s/tags/cell-therapy.atom") == (out / "s/tags/cell-therapy.atom").resolve()
    assert resolve(out, "") == resolve(out, "/") == (out / "index.html").resolve()


def test_hidden_and_missing_are_404_and_only_get(out: Path) -> None:
    client = _client(out)
    for path in ("/.git/config", "/s/tags/.cell-therapy.atom.abc.tmp", "/s/", "/s/link.atom",
                 "/s/%2e%2e/%2e%2e/secret.txt", "/missing.atom"):
        r = client.get(path)
        assert r.status_code == 404 and b"secret" not in r.content and b"<half" not in r.content
    assert client.request("POST", "/s/all.atom").status_code == 405
    assert client.request("HEAD", "/s/all.atom").status_code == 200


def _run(site: str, ok: bool, state: str, error: str | None = None) -> RunRecord:
    return RunRecord(site, NOW, NOW, ok, state, error)


def test_healthz_is_503_only_when_every_site_fails(out: Path) -> None:
    health = Health(["a", "b"])
    client = _client(out, health)
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json()["sites"]["a"]["state"] == "pending"
    health.record(_run("a", False, "failing", "HTTP 500"), items=3)
    assert client.get("/healthz").status_code == 200
    health.record(_run("b", False, "blocked", "HTTP 403"), items=0)
    r = client.get("/healthz")
    assert r.status_code == 503 and r.json()["status"] == "failing"
    assert r.json()["sites"]["a"] == {
        "state": "failing", "last_run": NOW.isoformat(), "last_success": None,
        "last_error": "HTTP 500", "items": 3, "consecutive_failures": 1, "next_run": None}
    health.record(_run("b", True, "ok"), items=7)
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json()["sites"]["b"]["last_success"] == NOW.isoformat()


def test_metrics_per_app(out: Path) -> None:
    first, second = Metrics(["s"]), Metrics(["s"])  # two registries in one process: no clash
    result = SiteResult("s", NOW, new=2, feeds_written=6, requests=5)
    first.observe(result, {200: 4, 304: 1})
    text = _client(out, metrics=first).get("/metrics").text
    assert 'feedmaker_runs_total{site="s"} 1.0' in text
    assert 'feedmaker_requests_total{site="s",status="304"} 1.0' in text
    assert 'feedmaker_new_articles_total{site="s"} 2.0' in text
    assert 'feedmaker_feeds_written_total{site="s"} 6.0' in text
    assert 'feedmaker_last_success_timestamp_seconds{site="s"}' in text
    assert 'feedmaker_runs_total{site="s"} 0.0' in _client(out, metrics=second).get("/metrics").text


def test_feedmaker_serve_end_to_end(tmp_path: Path, site: SampleSite) -> None:
    config = write_config(tmp_path, site.url)
    assert run_cli("-c", str(config), "build").returncode == 0
    with Daemon(config, "serve") as d:
        r = d.get("/sample/tags/cell-therapy.atom", headers={"Accept-Encoding": "gzip"})
        assert r.status_code == 200 and r.headers["content-encoding"] == "gzip"
        assert r.headers["content-type"] == "application/atom+xml; charset=utf-8"
        assert b"Cell Therapy" in r.content
        again = d.get("/sample/tags/cell-therapy.atom",
                      headers={"If-Modified-Since": r.headers["last-modified"]})
        assert again.status_code == 304
        assert d.get("/feeds.opml").headers["content-type"] == "text/x-opml; charset=utf-8"
        health = d.get("/healthz")
        assert health.status_code == 200 and health.json()["sites"]["sample"]["state"] == "ok"
        # raw request lines, which an HTTP client library would normalise first
        for target in ("/../feedmaker.toml", "/sample/../../feedmaker.toml", "/%2e%2e/feedmaker.toml"):
            conn = http.client.HTTPConnection("127.0.0.1", d.port, timeout=5)
            conn.request("GET", target)
            resp = conn.getresponse()
            assert resp.status == 404 and b"sites.sample" not in resp.read(), target
            conn.close()
    assert d.exit_seconds is not None and d.exit_seconds < 10


@pytest.mark.parametrize("since", ["Mon, 01 Jan 99999999999 00:00:00 GMT", "not a date",
                                   "Fri, 01 Jan 2100 00:00:00 GMT"])
def test_odd_or_future_if_modified_since_is_ignored(out: Path, since: str) -> None:
    response = _client(out).get("/s/all.atom", headers={"If-Modified-Since": since})
    assert response.status_code == 200 and response.content == ATOM
