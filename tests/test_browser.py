"""The browser pages as a new user meets them, in Debian's Chromium driven by Playwright: /status
after polls (a healthy site and a failing one), /new's preview and live rule editing, Save, the
token and CSRF checks, a hostile page that must run nothing, and a feed opened in the browser.

Chromium absent: skipped, saying why, unless CI=true (.ci/run installs it), where that fails.
Screenshots go to docs/ only when FEEDMAKER_SCREENSHOTS=1 (the tests must not dirty the checkout).

Playwright is started per module with its own `sync_playwright()`, not pytest-playwright's
session fixture: that one keeps its event loop marked as running in the main thread until the
session ends, and every later test calling asyncio.run() then fails.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import HTML, ROOT, Handler, write_config
from running import Daemon, broken_site, wait_for

from sample_site.server import SampleSite

CHROMIUM = os.environ.get("FEEDMAKER_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# Without the background-networking flags Chromium opens connections of its own, which this
# machine refuses many at a time; Playwright gives each launch a fresh --user-data-dir.
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TOKEN = "browser-test-token-0123456789"
SCREENSHOTS = os.environ.get("FEEDMAKER_SCREENSHOTS") == "1"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not os.access(CHROMIUM, os.X_OK):
        if os.environ.get("CI", "").strip().lower() in ("true", "1", "yes"):
            pytest.fail(f"{CHROMIUM} is missing: CI must have Chromium (.ci/run installs it)")
        pytest.skip(f"no Chromium at {CHROMIUM}: the browser tests need Debian's chromium "
                    "(apt-get install chromium); CI=true makes its absence a failure")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context (no cookies); every dialog a script opens is recorded and fails
    the test at the end."""
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    tab = context.new_page()
    tab.dialogs = []
    tab.on("dialog", lambda d: (tab.dialogs.append(d.message), d.dismiss()))
    yield tab
    dialogs = tab.dialogs
    context.close()
    assert dialogs == [], f"a script ran in the UI: {dialogs}"


def _config(tmp: Path, site: SampleSite, extra: str = "") -> Path:
    top = f'out_dir = "feeds"\nallow_private = true\nadmin_token = "{TOKEN}"'
    return write_config(tmp, site.url, replace={'interval = "15m"': 'interval = "2s"',
                                                'out_dir = "feeds"': top}, extra=extra)


def _shot(tab: Any, name: str) -> None:
    if SCREENSHOTS:
        tab.screenshot(path=str(ROOT / "docs" / name), full_page=True)


def _preview(tab: Any, d: Daemon, url: str) -> None:
    tab.goto(f"{d.url}/new?token={TOKEN}")
    assert tab.url == f"{d.url}/new"  # the token leaves the address bar
    tab.fill("#url", url)
    tab.click("button[value=preview]")
    tab.wait_for_selector("#preview section.block", timeout=20_000)


def test_status_shows_each_site_and_section_with_its_state(
        tmp_path: Path, site: SampleSite, page: Any) -> None:
    broken = broken_site("Broken desk", site.url, "Desk", "/news/desk-that-fails")
    site.set_fault("/news/desk-that-fails", "status", code=500)
    with Daemon(_config(tmp_path, site, broken), "run") as d:
        wait_for(lambda: d.health()["sites"]["sample"]["state"] == "ok" and
                 d.health()["sites"]["broken"]["state"] == "failing", 30, "both first polls")
        page.goto(d.url + "/status")
        sample, failing = page.locator("#site-sample"), page.locator("#site-broken")
        assert sample.get_attribute("data-state") == "ok"
        assert sample.locator(".state").first.inner_text() == "ok"
        text = sample.inner_text()
        for section in ("Health", "Politics", "Opinion", "Analysis"):
            assert section in text  # its feeds and its link figures
        assert re.search(r"title\s+\d+/\d+", text), text  # fill rate per field
        assert page.locator("#site-sample a[href='sample/sections/health.atom']").count() == 1
        assert failing.get_attribute("data-state") == "failing"
        assert "HTTP 500" in failing.locator("ul.errors").inner_text()
        assert "never" in failing.inner_text()  # no success yet
        assert "Status" in page.title()
        _shot(page, "status.png")
        data = d.get("/status.json").json()
        assert data["sites"]["broken"]["state"] == "failing"
        assert data["sites"]["sample"]["fields"]["title"]["filled"] >= 1
        # Every page links to the others.
        for path in ("/", "/status", "/new"):
            page.goto(d.url + path)
            hrefs = page.eval_on_selector_all("a", "els => els.map(e => e.getAttribute('href'))")
            assert {"status", "new"} <= set(hrefs), (path, hrefs)


def test_new_previews_links_and_fields_and_follows_an_edited_rule(
        tmp_path: Path, site: SampleSite, page: Any) -> None:
    with Daemon(_config(tmp_path, site), "run", "--admin") as d:
        _preview(page, d, site.url + "news/health")
        picked = page.locator("table.picked tr.taken")
        assert picked.count() >= 5
        first = picked.first.inner_text()
        assert "/news/health/" in first and "list of" in first  # URL and why
        assert "links left out" in page.inner_text("section.links")
        samples = page.locator("article.sample")
        assert samples.count() == 3
        assert "JSON-LD" in samples.first.inner_text()  # where a field came from
        block = page.inner_text("section.block pre")
        assert "[sites.127-0-0-1.sections]" in block and '"/news/health"' in block
        _shot(page, "new.png")

        page.evaluate("window.keptAcrossUpdates = true")  # a reload would lose it
        page.fill("input[name=include]", "^/news/health/heatwaves")
        wait_for(lambda: picked.count() == 1, 20, "the preview to follow the include rule")
        assert "heatwaves" in picked.first.inner_text()
        assert "matches the [links] rules" in picked.first.inner_text()
        assert "include = \"^/news/health/heatwaves\"" in page.inner_text("section.block pre")
        assert page.evaluate("window.keptAcrossUpdates") is True

        page.fill("input[name=title]", "h1[")  # a broken selector is named, not fetched
        wait_for(lambda: "bad selector" in page.inner_text("#preview"), 20, "the error")


def test_save_adds_the_site_and_its_feeds_appear(
        tmp_path: Path, site: SampleSite, page: Any) -> None:
    config = _config(tmp_path, site)
    with Daemon(config, "run", "--admin") as d:
        _preview(page, d, site.url + "articles/opinion")
        page.fill("input[name=key]", "opinion-desk")
        page.click("button[value=save]")
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "Saved", page.inner_text("main")[:2000]
        assert "[sites.opinion-desk]" in config.read_text()
        wait_for(lambda: "opinion-desk/all.atom" in d.get("/").text, 30, "the new site's feeds")
        assert d.get("/opinion-desk/all.atom").status_code == 200
        page.goto(d.url + "/status")
        assert page.locator("#site-opinion-desk").get_attribute("data-state") == "ok"
        assert "[sites.opinion-desk]" in config.read_text()  # once
        assert config.read_text().count("[sites.opinion-desk]") == 1


def test_without_the_token_new_and_save_are_refused(
        tmp_path: Path, site: SampleSite, page: Any, browser: Any) -> None:
    config = _config(tmp_path, site)
    before = config.read_text()
    with Daemon(config, "run", "--admin") as d:
        response = page.goto(d.url + "/new")
        assert response.status == 403 and "Token needed" in page.inner_text("main")
        assert page.goto(d.url + "/new?token=wrong-token-0123456789").status == 403
        form = {"url": site.url + "news/health", "key": "sneaky", "action": "save", "csrf": "x"}
        assert page.request.post(d.url + "/new", form=form).status == 403
        # A session, but a request from another site: no CSRF token, then another origin.
        page.goto(f"{d.url}/new?token={TOKEN}")
        assert page.request.post(d.url + "/new", form=form).status == 403
        csrf = page.get_attribute("input[name=csrf]", "value")
        other = {"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}
        assert page.request.post(d.url + "/new", form={**form, "csrf": csrf},
                                 headers=other).status == 403
    assert config.read_text() == before

    with Daemon(_config(tmp_path, site), "run") as d:  # no --admin: off, whatever the token
        assert page.goto(f"{d.url}/new?token={TOKEN}").status == 403
        assert "--admin" in page.inner_text("main")


# Markup as text: each "&amp;lt;" survives parsing and cleaning as a literal "<", so the UI gets
# "<img src=x onerror=...>" as a value, and only its escaping keeps it text. Real tags too.
HOSTILE = ("<!DOCTYPE html><html><head><title><script>alert('title')</script> Hostile "
           "&amp;lt;img src=x onerror=alert('t2')&amp;gt;</title>"
           "<meta property='og:site_name' content=\"&amp;lt;img src=x onerror=alert('name')&amp;gt;\">"
           "</head><body><h1>Posts</h1><ul class='posts'>{items}</ul>"
           "<img src=x onerror=\"alert('body')\"><script>alert('body2')</script></body></html>")
ITEM = ("<li><a href='/post/{n}-a-long-article-slug-for-the-picker'><img src=x onerror=alert(0)>"
        "&amp;lt;img src=x onerror=alert('{n}')&amp;gt; &amp;lt;script&amp;gt;alert({n})"
        "&amp;lt;/script&amp;gt; headline number {n} about a thing</a> "
        "<time datetime='2024-01-0{n}'>Jan {n}</time></li>")
ARTICLE = ("<!DOCTYPE html><html><head><title>&lt;script&gt;alert('a')&lt;/script&gt;</title>"
           "<meta name='author' content=\"&amp;lt;svg onload=alert('au')&amp;gt;\"></head>"
           "<body><h1 onclick=\"alert('h1')\">&amp;lt;img src=x onerror=alert('h1')&amp;gt; "
           "Title {n} <img src=x onerror=alert('h1img')></h1>"
           "<article><p>Body <img src=x onerror=alert('p')> text.</p></article></body></html>")


def _hostile(host: str, path: str) -> tuple[int, list[tuple[str, bytes]], bytes]:
    if path == "/robots.txt":
        return 404, [], b""
    if path.startswith("/post/"):
        return 200, HTML, ARTICLE.format(n=path[6]).encode()
    items = "".join(ITEM.format(n=n) for n in range(1, 6))
    return 200, HTML, HOSTILE.format(items=items).encode()


def test_a_hostile_page_runs_nothing_in_the_ui(
        tmp_path: Path, site: SampleSite, page: Any, serve: Callable[[Handler], int]) -> None:
    port = serve(_hostile)
    with Daemon(_config(tmp_path, site), "run", "--admin") as d:
        _preview(page, d, f"http://127.0.0.1:{port}/")
        shown = page.inner_text("#preview")
        assert "<img src=x onerror=alert('1')>" in shown  # the markup is shown as text...
        assert "name = \"<img src=x onerror=alert('name')>\"" in shown  # in the site block
        assert page.locator("#preview img, #preview script, #preview svg").count() == 0
        assert page.locator("[onerror], [onload], [onclick]").count() == 0  # ...never as markup
        page.fill("input[name=include]", "^/post/")  # the script's update path, too
        wait_for(lambda: "matches the [links] rules" in page.inner_text("#preview"), 20,
                 "the updated preview")
        assert page.locator("#preview img, #preview script, #preview svg").count() == 0
        page.wait_for_timeout(300)  # a dialog would have opened by now (the fixture checks)


def test_a_feed_opened_in_the_browser_reads_as_a_page(
        tmp_path: Path, site: SampleSite, page: Any) -> None:
    with Daemon(_config(tmp_path, site), "run") as d:
        wait_for(lambda: d.get("/sample/all.atom").status_code == 200, 30, "the first poll")
        for fmt in ("atom", "rss"):
            response = page.goto(f"{d.url}/sample/sections/health.{fmt}")
            assert response.headers["content-type"].startswith("text/html")
            assert page.inner_text("h1") == "Sample Mayadeen — Health"
            assert "copy this URL into your feed reader" in page.inner_text("body")
            assert f"http://localhost:8080/sample/sections/health.{fmt}" in page.inner_text("code")
            assert page.locator("article h2 a").count() >= 5
        page.goto(d.url + "/")
        assert re.search(r"\b\d+ entries\b|\b1 entry\b", page.inner_text("body"))
        assert not re.search(r"\b1 entries\b", page.inner_text("body"))
        # A reader gets the feed itself, with its stylesheet named for browsers.
        feed = httpx.get(f"{d.url}/sample/sections/health.atom", timeout=10)
        assert feed.headers["content-type"].startswith("application/atom+xml")
        assert b'<?xml-stylesheet type="text/xsl" href="../../feed.xsl"?>' in feed.content
        assert (tmp_path / "feeds" / "sample" / "sections" / "health.atom").read_bytes() == feed.content
