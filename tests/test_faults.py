"""Faults injected into the sample site, one test each, at the build level: feedmaker reports the
problem, skips what it must, keeps every feed it had, builds the other sections, and picks the
skipped articles up once the fault is gone (nothing lost).

The site and a first full build are shared by the module (a cold build costs ~1.5 s); each test
starts from a copy of that build's feeds and state, with mtimes kept, and publishes its own
articles.
"""

from __future__ import annotations

import asyncio
import gc
import json
import re
import resource
import shutil
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli, write_config
from feedcheck import check_out_dir

from feedmaker.build import BuildResult, build
from feedmaker.config import load_config
from feedmaker.fetch import decode_html
from feedmaker.pipeline import SiteResult
from sample_site.routes import Page
from sample_site.server import SampleSite

HEALTH, POLITICS = "/news/health", "/news/politics"
FAST = {
    'public_url = "http://localhost:8080/"':
        'public_url = "http://localhost:8080/"\ntimeout = "2s"\nmax_bytes = 2000000',
    "max_items = 50": "max_items = 1000",  # no entry leaves a feed for lack of room
    # two sections of one page each keep every build well under a second
    "pages = 2": "pages = 1",
    'Opinion = "/articles/opinion"\nAnalysis = "/articles/analysis"\n': "",
}
Snapshot = dict[str, tuple[bytes, int]]


def snapshot(out: Path) -> Snapshot:
    return {str(p.relative_to(out)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(out.rglob("*")) if p.is_file()}


def feed_ids(data: bytes) -> set[str]:
    return set(re.findall(rb"<id>([^<]*)</id>", data)) - {b""}


def assert_kept(before: Snapshot, out: Path) -> None:
    """Every feed file is still there; untouched ones are byte-identical with the same mtime,
    rewritten ones are valid and lost no entry."""
    after = snapshot(out)
    for name, (data, mtime) in before.items():
        assert name in after, f"{name} disappeared"
        new_data, new_mtime = after[name]
        if new_data == data:
            assert new_mtime == mtime, f"{name} rewritten with the same bytes"
        elif name.endswith(".atom"):
            assert feed_ids(data) <= feed_ids(new_data), f"{name} lost entries"
    check_out_dir(out, skip=before)


@dataclass
class World:
    site: SampleSite
    config: Path
    out: Path
    published: list[str] = field(default_factory=list)
    checked: Snapshot = field(default_factory=dict)

    def publish(self, section: str, title: str | None = None, **kw: Any) -> str:
        """A new article with a unique title; taken off the listings after the test, so the
        tests sharing the site do not fetch each other's articles."""
        n = next(_n)
        kw.setdefault("author", "Fault Reporter")
        kw.setdefault("tags", [f"Fault Tag {n}"])
        path = self.site.publish(section, title or f"Fault story {n} in {section}", **kw)
        self.published.append(path)
        return path

    def check(self) -> None:
        check_out_dir(self.out, skip=self.checked)
        self.checked = snapshot(self.out)

    def build(self) -> SiteResult:
        return self.build_all().sites[0]

    def build_all(self) -> BuildResult:
        return asyncio.run(build(load_config(self.config)))

    def ids(self, feed: str = "all") -> set[str]:
        path = self.out / "sample" / f"{feed}.json"
        return {item["id"] for item in json.loads(path.read_text())["items"]} if path.exists() \
            else set()

    def url(self, path: str) -> str:
        return self.site.origin + path

    def item(self, path: str) -> dict[str, Any]:
        items = json.loads((self.out / "sample/all.json").read_text())["items"]
        return next(i for i in items if i["id"] == self.url(path))


@pytest.fixture(scope="module")
def shared_site() -> Iterator[SampleSite]:
    with SampleSite() as s:
        yield s


@pytest.fixture(scope="module")
def baseline(shared_site: SampleSite, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("baseline")
    config = write_config(root, shared_site.url, replace=FAST)
    result = asyncio.run(build(load_config(config)))
    assert result.ok, result.sites[0].problems
    check_out_dir(root / "feeds")
    return root


def _copy_world(site: SampleSite, baseline: Path, tmp: Path, **config: Any) -> World:
    shutil.copytree(baseline / "feeds", tmp / "feeds", copy_function=shutil.copy2)
    for p in baseline.glob("feedmaker.sqlite*"):
        shutil.copy2(p, tmp / p.name)
    replace = dict(FAST, **config.get("replace", {}))
    w = World(site, write_config(tmp, site.url, replace=replace), tmp / "feeds")
    w.checked = snapshot(w.out)  # the baseline's feeds were checked once, in `baseline`
    return w


@contextmanager
def _world(site: SampleSite, baseline: Path, tmp: Path, **config: Any) -> Iterator[World]:
    site.clear_faults()
    w = _copy_world(site, baseline, tmp, **config)
    try:
        yield w
    finally:
        site.clear_faults()
        for path in w.published:
            site.remove_from_listing(path)


@pytest.fixture
def world(shared_site: SampleSite, baseline: Path, tmp_path: Path) -> Iterator[World]:
    with _world(shared_site, baseline, tmp_path) as w:
        yield w


_n = iter(range(10**6))


# -- section pages -----------------------------------------------------------------------------
# (id, fault params, text expected in the problem, blocked, retry_after)
SECTION_FAULTS: list[tuple[str, dict[str, Any], str | None, bool, float | None]] = [
    ("500", {"kind": "status", "code": 500}, "HTTP 500", False, None),
    ("503", {"kind": "status", "code": 503}, "HTTP 503", False, None),
    ("404", {"kind": "status", "code": 404}, "HTTP 404", False, None),
    ("410", {"kind": "status", "code": 410}, "HTTP 410", False, None),
    ("429-retry-after", {"kind": "status", "code": 429, "retry_after": 120}, "HTTP 429", True, 120),
    ("503-retry-after", {"kind": "status", "code": 503, "retry_after": 60}, "HTTP 503", False, 60),
    ("slow", {"kind": "slow", "seconds": 8}, "timed out", False, None),
    ("drip", {"kind": "drip", "interval": 0.2}, "timed out", False, None),
    ("reset", {"kind": "reset"}, None, False, None),
    ("reset-after-headers", {"kind": "reset", "after_headers": True}, None, False, None),
    ("truncate", {"kind": "truncate", "sent": 0.5}, None, False, None),
    ("huge", {"kind": "huge", "mb": 30}, "too large", False, None),
    ("huge-no-length", {"kind": "huge", "mb": 30, "content_length": False}, "larger than",
     False, None),
    ("redirect-loop", {"kind": "redirect", "to": HEALTH}, "redirect loop", False, None),
    ("redirect-other-host", {"kind": "redirect", "to": "http://example.invalid/news/health"},
     "another host", False, None),
    ("challenge-503", {"kind": "challenge", "code": 503}, "challenge", True, None),
    ("challenge-403", {"kind": "challenge", "code": 403}, "blocked", True, None),
    ("challenge-200", {"kind": "challenge", "code": 200}, "challenge", True, None),
    # a listing that listed articles and suddenly lists none: a block or interstitial, most often
    ("empty", {"kind": "empty"}, "no article links matched", True, None),
]


@pytest.mark.parametrize(("fault", "expect", "blocked", "retry_after"),
                         [pytest.param(*f[1:], id=f[0]) for f in SECTION_FAULTS])
def test_section_fault(world: World, fault: dict[str, Any], expect: str | None, blocked: bool,
                       retry_after: float | None) -> None:
    site = world.site
    fresh = world.publish("health")
    other = world.publish("politics")
    before = snapshot(world.out)
    health = {k: v for k, v in before.items() if k.startswith("sample/sections/health.")}
    site.set_fault(HEALTH, **fault)

    result = world.build()

    problems = [p for p in result.problems if "'Health'" in p]
    assert problems and not result.ok, result.problems
    if expect:
        assert expect in problems[0], problems
    assert result.blocked == blocked and result.state == ("blocked" if blocked else "failing")
    if retry_after is not None:
        assert result.retry_after is not None and abs(result.retry_after - retry_after) < 5
    assert {k: v for k, v in snapshot(world.out).items() if k in health} == health
    assert world.url(fresh) not in world.ids()
    assert world.url(other) in world.ids("sections/politics")  # the other sections still build
    assert_kept(before, world.out)

    site.clear_faults()
    assert world.build().ok
    assert world.url(fresh) in world.ids("sections/health")  # nothing lost
    world.check()


# -- article pages -----------------------------------------------------------------------------
ARTICLE_FAULTS: list[tuple[str, dict[str, Any], str | None, bool]] = [
    ("500", {"kind": "status", "code": 500}, "HTTP 500", False),
    ("404", {"kind": "status", "code": 404}, "HTTP 404", False),
    ("410", {"kind": "status", "code": 410}, "HTTP 410", False),
    ("429", {"kind": "status", "code": 429, "retry_after": 30}, "HTTP 429", True),
    ("slow", {"kind": "slow", "seconds": 8}, "timed out", False),
    ("drip", {"kind": "drip", "interval": 0.2}, "timed out", False),
    ("reset", {"kind": "reset"}, None, False),
    ("truncate", {"kind": "truncate", "sent": 0.3}, None, False),
    ("huge", {"kind": "huge", "mb": 30, "content_length": False}, "larger than", False),
    ("redirect-other-host", {"kind": "redirect", "to": "http://example.invalid/x"},
     "another host", False),
    ("challenge", {"kind": "challenge", "code": 503}, "challenge", True),
    ("empty", {"kind": "empty"}, None, False),  # a page with no article on it
]


@pytest.mark.parametrize(("fault", "expect", "blocked"),
                         [pytest.param(*f[1:], id=f[0]) for f in ARTICLE_FAULTS])
def test_article_fault(world: World, fault: dict[str, Any], expect: str | None,
                       blocked: bool) -> None:
    site = world.site
    bad = world.publish("health")
    good = world.publish("health")
    before = snapshot(world.out)
    site.set_fault(bad, **fault)

    result = world.build()

    if fault["kind"] == "empty":
        # the page is up but holds no article: whatever is made of it must be a valid entry
        world.check()
        return
    problems = [p for p in result.problems + result.article_errors if bad in p]
    assert problems, result.problems
    if expect:
        assert expect in problems[0]
    assert result.blocked == blocked
    # one bad article is skipped and reported; it does not make the site fail
    assert result.ok == (not blocked), result.problems
    assert world.url(bad) not in world.ids() and world.url(good) in world.ids("sections/health")
    assert not any(k.startswith(f"sample/tags/fault-tag-{bad.rsplit('-', 1)[-1]}.")
                   for k in snapshot(world.out))
    assert_kept(before, world.out)

    site.clear_faults()
    assert world.build().ok
    assert world.url(bad) in world.ids("sections/health")  # retried: nothing lost
    world.check()


def test_redirect_loop_between_two_pages(world: World) -> None:
    a, b = world.publish("health"), world.publish("health")
    world.site.set_fault(a, "redirect", to=b)
    world.site.set_fault(b, "redirect", to=a)
    result = world.build()
    assert any("redirect loop" in p for p in result.article_errors), result.article_errors
    assert world.site.count(path=a) <= 2 and world.site.count(path=b) <= 2


def test_redirect_to_an_allowed_host_is_followed(shared_site: SampleSite, baseline: Path,
                                                 tmp_path: Path) -> None:
    # "localhost" is another host name for the same server: refused unless allowed.
    allow = {"max_items = 1000": 'max_items = 1000\nallowed_hosts = ["localhost"]'}
    with _world(shared_site, baseline, tmp_path, replace=allow) as w:
        path = w.publish("health")
        moved = f"http://localhost:{shared_site.port}{path}"
        shared_site.set_fault(path, "redirect", to=moved, code=301, times=1)
        result = w.build()
        assert result.ok, result.problems
        assert shared_site.count(path=path) == 2  # via 127.0.0.1 (redirected), then localhost
        assert w.url(path) in w.ids("sections/health")  # stored under its canonical URL
        w.check()


# -- a 30 MB page: refused at the cap, memory stays flat ---------------------------------------
@pytest.mark.parametrize("content_length", [True, False])
def test_huge_page_memory_stays_flat(world: World, content_length: bool) -> None:
    path = world.publish("health")
    world.site.set_fault(path, "huge", mb=30, content_length=content_length)
    gc.collect()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    tracemalloc.start()
    try:
        result = world.build()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    assert any(path in p and ("too large" in p or "larger than" in p) for p in result.article_errors)
    # the cap is 2 MB: Python never held anything near the 30 MB page
    assert peak < 12 * 1024 * 1024, peak
    assert rss_growth < 20 * 1024, rss_growth
    assert world.site.find(path=path).__next__().bytes_sent < 30 * 1024 * 1024


# -- listings ----------------------------------------------------------------------------------
def _patch_page(monkeypatch: pytest.MonkeyPatch, site: SampleSite, path: str,
                change: Callable[[str], str]) -> None:
    """Serve `path` with its HTML passed through `change` (a small extra route)."""
    original = site._resolve

    def resolve(target: str, *, empty: bool = False) -> Page:
        page = original(target, empty=empty)
        if target.split("?")[0] == path and page.html is not None:
            html = change(page.html)
            return Page(page.status, html.encode(), page.content_type, html, page.modified)
        return page
    monkeypatch.setattr(site, "_resolve", resolve)


def test_non_http_links_in_a_listing_are_ignored(world: World,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = world.publish("health")
    evil = ('<div class="card"><a href="javascript:location=\'/news/health/evil-js\'">JS</a>'
            '<a href="mailto:/news/health/evil-mail">Mail</a>'
            '<a href="data:text/html,<a href=/news/health/evil-data>x</a>">Data</a>'
            '<a href="vbscript:/news/health/evil-vb">VB</a>'
            '<a href="  JavaScript:alert(1)//news/health/evil-js2">JS2</a></div>')
    heading = '<h1 class="section-title">'
    _patch_page(monkeypatch, world.site, HEALTH,
                lambda html: html.replace(heading, evil + heading, 1))
    world.site.clear_log()
    result = world.build()
    assert result.ok, result.problems
    assert not any("evil" in r.path for r in world.site.requests)
    assert not any("evil" in i or not i.startswith("http") for i in world.ids())
    assert world.url(fresh) in world.ids("sections/health")
    world.check()


def test_listing_that_suddenly_matches_nothing(world: World,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A layout change: the section page is up but no link matches the rules any more."""
    fresh = world.publish("health")
    before = snapshot(world.out)
    health = {k: v for k, v in before.items() if k.startswith("sample/sections/health.")}
    # every article link on the page now points somewhere the rules do not take
    _patch_page(monkeypatch, world.site, HEALTH,
                lambda html: re.sub(r'href="/(news|articles)/', 'href="/archive/', html))
    result = world.build()
    assert any("'Health'" in p and "no article links" in p for p in result.problems), \
        result.problems
    assert {k: v for k, v in snapshot(world.out).items() if k in health} == health
    assert world.url(fresh) not in world.ids()
    assert_kept(before, world.out)
    monkeypatch.undo()
    assert world.build().ok and world.url(fresh) in world.ids("sections/health")


# -- charsets ----------------------------------------------------------------------------------
TITLE = "Café crème in بيروت – عاجل"
BODY = ("<p>Le café crème coûte cher à Beyrouth, يقول صاحب المقهى في الحمرا.</p>\n\n"
        "<p>Ünïcödé façade: naïve résumé, déjà vu.</p>")


@pytest.mark.parametrize(("encoding", "declare", "header_charset"), [
    ("windows-1256", "meta", None),
    ("iso-8859-1", "meta", None),
    ("iso-8859-1", "none", None),
    ("utf-8", "none", None),
    ("iso-8859-1", "header", "utf-8"),  # wrong header, no meta
    ("utf-8", "header", "iso-8859-1"),
    ("utf-8", "header", "windows-1256"),
    ("windows-1256", "none", None),  # no charset anywhere: sniffed
    ("iso-8859-1", "none", None),  # no charset anywhere, Latin: the windows-1252 default
])
def test_charset(world: World, encoding: str, declare: str, header_charset: str | None) -> None:
    path = world.publish("health", TITLE, tags=["Charset"], body=BODY)
    params = {"header_charset": header_charset} if header_charset else {}
    world.site.set_fault(path, "charset", encoding=encoding, declare=declare, **params)
    result = world.build()
    assert result.ok, result.problems
    item = world.item(path)
    assert item["title"] == TITLE
    text = re.sub(r"<[^>]+>", "", item["content_html"])
    assert "يقول صاحب المقهى في الحمرا" in text and "naïve résumé, déjà vu" in text
    world.check()


@pytest.mark.parametrize(("text", "encoding", "ctype"), [
    ("Café بيروت", "utf-8", "text/html; charset=iso-8859-1"),
    ("Café بيروت", "utf-8", "text/html; charset=windows-1256"),
    ("Café", "utf-8", "text/html; charset=latin1"),
    ("Café crème", "latin-1", "text/html; charset=utf-8"),
    ("Café بيروت", "cp1256", "text/html; charset=windows-1256"),
    ('<meta charset="windows-1256">بيروت', "cp1256", "text/html"),
    ("\ufeffCafé", "utf-16", "text/html; charset=iso-8859-1"),
    ("plain", "ascii", "text/html; charset=bogus-charset"),
])
def test_decode_html_table(text: str, encoding: str, ctype: str) -> None:
    assert decode_html(text.encode(encoding), ctype) == text.lstrip("\ufeff")


# -- markup ------------------------------------------------------------------------------------
MALFORMED = [
    "<p>Unclosed paragraph one<p>Unclosed <b>bold <i>and italic paragraph two</p>",
    "<form><p>Inside a form <form>nested form<input name=x></form> after</form>",
    "<table><tr><td>cell<p>para in a cell</table><p>after the table</p>",
    "<div><div><div><span>deep</div></div></div></div></div></div><p>tail text of the story</p>",
    "<p>Attr <a href='/news/health' title=\"unclosed>link</a> and &bogus; &amp entities &#0; "
    "&#xD800; &#x110000;</p>",
    "</p></div></body></html><p>Stray closers before real text of the story</p>",
    "<![CDATA[ cdata ]]><!-- unclosed comment <p>after comment",
    "<p>" + "<b>" * 3000 + "deeply nested" + "</b>" * 10 + "</p>",
]


def test_malformed_article_html(world: World) -> None:
    paths = [world.publish("health", f"Malformed markup {i}", tags=["Malformed"],
                           body=f"<p>Story {i} begins with ordinary text.</p>\n\n{body}")
             for i, body in enumerate(MALFORMED)]
    result = world.build()
    assert result.ok, result.problems
    ids = world.ids("sections/health")
    assert all(world.url(p) in ids for p in paths)
    world.check()


# -- the CLI reports the problem and exits 1, and the other site still builds ------------------
def test_cli_reports_fault_and_other_site_builds(world: World) -> None:
    world.site.set_fault("/news/*", "status", code=503, retry_after=30)
    before = snapshot(world.out)
    proc = run_cli("-c", str(world.config), "build")
    assert proc.returncode == 1
    assert "HTTP 503" in proc.stderr and "'Health'" in proc.stderr
    assert_kept(before, world.out)


# -- the daemon keeps running through faults ---------------------------------------------------
def test_daemon_keeps_running_and_serving_through_faults(tmp_path: Path) -> None:
    """`feedmaker run` with two sites; one of them breaks in every way at once. The daemon keeps
    serving, the other site keeps updating, the broken site's feeds stay as they were, and once
    the faults are gone every article arrives."""
    from running import Daemon, wait_for

    with SampleSite() as a, SampleSite() as b:
        mirror = (f'[sites.mirror]\nname = "Mirror"\nurl = "{b.url}"\ninterval = "2s"\n'
                  '[sites.mirror.sections]\nHealth = "/news/health"\n')
        config = write_config(tmp_path, a.url, extra=mirror, replace={
            'interval = "15m"': 'interval = "2s"',
            'public_url = "http://localhost:8080/"':
                'public_url = "http://localhost:8080/"\ntimeout = "2s"\nmax_bytes = 2000000'})
        out = tmp_path / "feeds"
        with Daemon(config) as d:
            wait_for(lambda: d.runs("sample") and d.runs("mirror"), 30, "the first runs")
            # Faults first, then the new article: a poll in between must not see it yet.
            a.set_fault(HEALTH, "drip", interval=0.2)
            a.set_fault(POLITICS, "reset", after_headers=True)
            a.set_fault("/articles/opinion", "huge", mb=30, content_length=False)
            a.set_fault("/articles/analysis", "redirect", to="/articles/analysis")
            wait_for(lambda: d.health()["sites"]["sample"]["state"] == "failing", 30,
                     "a failing run")
            before = snapshot(out / "sample")
            failed = a.publish("health", "Published while the site is broken", ["Broken"],
                               author="Fault Reporter")
            runs = d.runs("sample")
            wait_for(lambda: d.runs("sample") > runs + 1, 30, "a complete failing run")
            health = d.health()
            assert d.get("/healthz").status_code == 200 and health["status"] == "ok"
            assert health["sites"]["sample"]["state"] == "failing"
            assert "timed out" in health["sites"]["sample"]["last_error"]
            assert snapshot(out / "sample") == before  # untouched, still served
            assert d.get("/sample/all.atom").status_code == 200

            fresh = b.publish("health", "The mirror keeps going", ["Mirror"], author="B")
            wait_for(lambda: b.origin + fresh in d.get("/mirror/all.json").text, 30,
                     "the other site's new article")

            a.clear_faults()  # the site is back: nothing was lost
            wait_for(lambda: a.origin + failed in d.get("/sample/all.json").text, 60,
                     "the article published during the faults")
            assert d.health()["sites"]["sample"]["state"] == "ok"
        check_out_dir(out)


def test_every_new_article_failing_fails_the_run(world: World) -> None:
    """A dead link is skipped; every article page failing is the site in trouble."""
    paths = [world.publish("health") for _ in range(3)]
    world.site.set_fault("/news/health/*", "status", code=500)
    result = world.build()
    assert len([e for e in result.article_errors if "HTTP 500" in e]) == 3
    assert not result.ok and any("all 3 article pages failed" in p for p in result.problems)
    world.site.clear_faults()
    assert world.build().ok
    assert {world.url(p) for p in paths} <= world.ids()


def test_a_failing_error_handler_lets_the_other_articles_finish_and_be_kept(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """One article fails and recording its failure fails too (a database error in the error
    handler): the site's poll fails, but every other article task runs to its end and is
    committed first. A task left running would have been cancelled with its article unsaved,
    or would have saved after the commit."""
    import sqlite3

    from feedmaker.store import Store

    bad, slow = world.publish("health"), world.publish("health")
    world.site.set_fault(bad, "status", code=500)
    world.site.set_fault(slow, "slow", seconds=1.0)  # still on the wire when `bad` fails

    def failing(self: Store, *args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(Store, "record_failure", failing)
    result = world.build()
    assert any("disk I/O error" in p for p in result.problems), result.problems
    with Store(world.config.parent / "feedmaker.sqlite") as store:
        assert store.known("sample", [world.url(slow)]), "the slow article was not kept"
        assert not store.known("sample", [world.url(bad)])
