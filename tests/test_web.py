"""The browser pages without a browser: what a preview may fetch, the feed page a browser gets
beside the feed a reader gets, /status over a real state file, the admin switch, the config keys.
(tests/test_browser.py drives the same pages in Chromium.)"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from conftest import Handler, Loopback, write_config

from feedmaker.build import build
from feedmaker.config import Config, load_config
from feedmaker.errors import ConfigError
from feedmaker.fetch import HostSlots
from feedmaker.health import Health
from feedmaker.index import Listed, render_index
from feedmaker.serve import create_app
from feedmaker.store import Store
from feedmaker.web import preview as preview_module
from feedmaker.web.app import Web, read_only_store
from feedmaker.web.preview import Busy, Form, Previewer, url_problem
from feedmaker.workers import INLINE, ParserPool
from sample_site.server import SampleSite

BROWSER = {"Sec-Fetch-Dest": "document", "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
READER = {"Accept": "application/atom+xml,application/rss+xml,application/xml;q=0.9,*/*;q=0.1"}


@pytest.mark.parametrize(("url", "refused"), [
    ("file:///etc/passwd", "only http"), ("ftp://example.com/", "only http"),
    ("javascript:alert(1)", "only http"), ("http:///news", "only http"),
    ("http://127.0.0.1:8080/", "loopback"), ("http://10.1.2.3/", "private"),
    ("http://169.254.169.254/latest/meta-data", "link-local"), ("http://[::1]/", "loopback"),
    ("http://localhost/", "this machine"), ("http://intranet.localhost/", "this machine"),
    ("http://0.0.0.0/", "unspecified"), ("http://example.com:99999/", "not a valid URL"),
])
def test_a_preview_refuses_other_schemes_and_private_addresses(url: str, refused: str) -> None:
    problem = url_problem(url, allow_private=False)
    assert problem is not None and refused in problem
    if refused not in ("only http", "not a valid URL"):
        assert url_problem(url, allow_private=True) is None  # a homelab says so in its config


def test_public_addresses_and_names_pass_the_first_check() -> None:
    # Names are checked after DNS, by the fetcher (next test).
    assert url_problem("https://example.com/news", False) is None
    assert url_problem("http://93.184.215.14/", False) is None


def _previewer(config: Config, parsers: object = INLINE) -> Previewer:
    return Previewer(lambda: config, parsers, HostSlots(2), resolver=Loopback())  # type: ignore[arg-type]


def _hostname_config(tmp: Path, site: SampleSite, private: bool) -> Config:
    top = 'out_dir = "feeds"\nallow_private = true' if private else 'out_dir = "feeds"'
    return load_config(write_config(tmp, site.url, replace={'out_dir = "feeds"': top}))


def test_a_public_name_resolving_to_loopback_is_refused_after_dns(
        tmp_path: Path, site: SampleSite) -> None:
    port = site.url.rsplit(":", 1)[1].strip("/")
    url = f"http://news.example.com:{port}/news/health"  # Loopback: every name -> 127.0.0.1
    result = asyncio.run(_previewer(_hostname_config(tmp_path, site, False)).run(Form(url)))
    assert result.error is not None and "resolves to 127.0.0.1" in result.error
    assert result.links == [] and site.requests == []  # refused before any connection

    allowed = asyncio.run(_previewer(_hostname_config(tmp_path, site, True)).run(Form(url)))
    assert allowed.error is None and allowed.taken >= 5


def test_a_redirect_to_a_private_address_is_not_followed(
        tmp_path: Path, serve: Callable[[Handler], int]) -> None:
    def handler(host: str, path: str) -> tuple[int, list[tuple[str, bytes]], bytes]:
        if path == "/robots.txt":
            return 404, [], b""
        return 302, [("Location", b"http://127.0.0.1:1/admin")], b""

    port = serve(handler)
    config = load_config(write_config(tmp_path, "http://example.com/", replace={
        'out_dir = "feeds"': 'out_dir = "feeds"\nallow_private = true'}))
    result = asyncio.run(_previewer(config).run(Form(f"http://a.test:{port}/")))
    assert result.error is not None and "another host" in result.error


def test_a_preview_parses_in_the_pool_and_drafts_a_block_that_loads(
        tmp_path: Path, site: SampleSite) -> None:
    config = _hostname_config(tmp_path, site, True)

    async def run() -> preview_module.Preview:
        async with ParserPool(budget=config.parse_budget) as pool:
            return await _previewer(config, pool).run(Form.of({
                "url": site.url + "news/health", "key": "desk", "include": "^/news/health/",
                "title": "h1"}))

    result = asyncio.run(run())
    assert result.error is None and result.problems == {}
    assert result.taken >= 5 and all(r.why == "matches the [links] rules"
                                      for r in result.links if r.taken)
    assert len(result.samples) == 3
    assert ("title", result.samples[0].values[0][1], "selector h1") == result.samples[0].values[0]
    # The block is what `init --write` appends: it loads beside the config's own sites.
    path = tmp_path / "feedmaker.toml"
    from feedmaker.init import append_to_config

    append_to_config(path, result.block, "desk")
    added = load_config(path).sites["desk"]
    assert added.links.include is not None and added.links.include.pattern == "^/news/health/"
    assert str(added.article["title"]) == "h1" and "Health" in added.sections


def test_bad_rules_are_named_before_anything_is_fetched(tmp_path: Path, site: SampleSite) -> None:
    config = _hostname_config(tmp_path, site, True)
    form = Form.of({"url": site.url, "include": "(?=x)", "selector": "a[", "author": "p@@",
                    "key": "Not A Key"})
    result = asyncio.run(_previewer(config).run(form))
    assert set(result.problems) == {"include", "selector", "author", "key"}
    assert site.requests == []


def test_at_most_a_few_previews_run_at_once(tmp_path: Path, site: SampleSite) -> None:
    previewer = _previewer(_hostname_config(tmp_path, site, True))
    previewer.running = preview_module.MAX_RUNNING
    with pytest.raises(Busy):
        asyncio.run(previewer.run(Form(site.url)))


def _get(app: object, path: str, **headers: str) -> httpx.Response:
    async def go() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),  # type: ignore[arg-type]
                                     base_url="http://feeds") as c:
            return await c.get(path, headers=headers)

    return asyncio.run(go())


def test_a_browser_gets_a_page_for_a_feed_and_a_reader_the_feed(config_path: Path) -> None:
    asyncio.run(build(load_config(config_path)))
    out = config_path.parent / "feeds"
    assert (out / "feed.xsl").is_file()  # one stylesheet, beside index.html
    app = create_app(out, lambda: Health(["sample"]))
    for fmt, kind in (("atom", "application/atom+xml"), ("rss", "application/rss+xml")):
        path = f"/sample/sections/health.{fmt}"
        feed = (out / path.lstrip("/")).read_bytes()
        assert b'<?xml-stylesheet type="text/xsl" href="../../feed.xsl"?>' in feed
        reader = _get(app, path, **READER)
        assert reader.headers["content-type"].startswith(kind) and reader.content == feed
        page = _get(app, path, **BROWSER)
        assert page.headers["content-type"].startswith("text/html")
        assert page.headers["etag"] != reader.headers["etag"]
        assert "Sample Mayadeen — Health" in page.text and "copy this URL" in page.text
        assert f"http://localhost:8080/sample/sections/health.{fmt}" in page.text
        assert page.text.count("<article>") == len(re.findall(rb"<entry>|<item>", feed))
        assert "<script" not in page.text and page.headers["content-security-policy"]
        # Another page of the browser's (a script's fetch) is no page load: the feed.
        assert _get(app, path, **{**BROWSER, "Sec-Fetch-Dest": "empty"}).content == feed


def test_the_index_says_1_entry() -> None:
    rows = [Listed("s", "S", "all", "S", "s/all", None, 1),
            Listed("s", "S", "section", "S — A", "s/sections/a", None, 2)]
    page = render_index(rows, "http://localhost:8080/").decode()
    assert ">1 entry<" in page and ">2 entries<" in page and "1 entries" not in page


def test_status_over_a_state_file(config_path: Path) -> None:
    config = load_config(config_path)
    asyncio.run(build(config))
    with Store(config.state) as store:
        health = Health.from_store(config.sites, store)
    web = Web(config, health, lambda: read_only_store(config.state))
    app = create_app(config.out_dir, lambda: health, routes=web.routes())
    data = _get(app, "/status.json").json()
    sample = data["sites"]["sample"]
    assert sample["state"] == "ok" and sample["new_items"][0] >= 30
    assert sample["fields"]["title"]["filled"] == sample["fields"]["title"]["of"] > 0
    assert set(sample["links"]) == {"Health", "Politics", "Opinion", "Analysis"}
    assert sample["last_new_item"] is not None and sample["errors"] == []
    page = _get(app, "/status")
    assert page.status_code == 200 and 'data-state="ok"' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert 'http-equiv="refresh"' not in page.text  # no poll running
    assert _get(app, "/new").status_code == 403  # no --admin


def test_status_lists_every_site(tmp_path: Path) -> None:
    """200 sites (the benchmark's size) all show, pending before any run."""
    sites = "".join(f'[sites.s{i}]\nurl = "http://s{i}.example/"\n[sites.s{i}.sections]\n'
                    f'News = "/news"\n' for i in range(200))
    path = tmp_path / "feedmaker.toml"
    path.write_text(sites)
    config = load_config(path)
    web = Web(config, Health(config.sites), lambda: contextlib.nullcontext(None))
    app = create_app(tmp_path / "feeds", lambda: Health(config.sites), routes=web.routes())
    page = _get(app, "/status")
    assert page.text.count('class="site"') == 200 and "200 pending" in page.text


@pytest.mark.parametrize(("line", "problem"), [
    ('admin = "yes"', "expected bool"), ('allow_private = 1', "expected bool"),
    ('admin_token = "short"', "16 to 256"), ('admin_token = "has spaces in it, sixteen+"', "16 to 256"),
])
def test_admin_keys_are_checked(tmp_path: Path, line: str, problem: str) -> None:
    path = write_config(tmp_path, "http://example.com/",
                        replace={'out_dir = "feeds"': f'out_dir = "feeds"\n{line}'})
    with pytest.raises(ConfigError, match=problem):
        load_config(path)


def test_html_of_the_pages_is_served_for_a_site_named_like_a_page(tmp_path: Path) -> None:
    """Site keys cannot start with "_", so /_static never hides a site's feeds; /status is
    exact, so a site named "status" keeps its feeds under /status/."""
    out = tmp_path / "feeds"
    (out / "status").mkdir(parents=True)
    (out / "status" / "all.atom").write_bytes(b"<feed/>")
    config = load_config(write_config(tmp_path, "http://example.com/"))
    web = Web(config, Health(config.sites), lambda: contextlib.nullcontext(None))
    app = create_app(out, lambda: Health(config.sites), routes=web.routes())
    assert _get(app, "/status/all.atom").content == b"<feed/>"
    assert _get(app, "/_static/feedmaker.css").headers["content-type"].startswith("text/css")
    assert _get(app, "/_static/nothing.js").status_code == 404


