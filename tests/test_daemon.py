"""`feedmaker run` end to end against the sample site over real HTTP, plus the scheduling rules
(backoff, Retry-After) in process."""

from __future__ import annotations

import asyncio
import signal
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest
from conftest import run_cli, write_config
from running import Daemon, broken_site, closed_port_url, wait_for

from feedmaker.config import load_config
from feedmaker.health import Health, Metrics
from feedmaker.schedule import MAX_BACKOFF, MAX_RETRY_AFTER, Scheduler, next_delay
from feedmaker.store import Store
from sample_site.server import SampleSite

FAST = {'interval = "15m"': 'interval = "2s"'}
SECTIONS = ("/news/health", "/news/politics", "/articles/opinion", "/articles/analysis")


def _config(tmp: Path, site: SampleSite, extra: str = "") -> Path:
    return write_config(tmp, site.url, replace=FAST, extra=extra)


def _titles(daemon: Daemon, path: str) -> list[str]:
    r = daemon.get(path)
    return [e.title for e in feedparser.parse(r.content).entries] if r.status_code == 200 else []


def _files(out: Path) -> dict[str, int]:
    return {str(p.relative_to(out)): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}


def _next_run(daemon: Daemon, site: str, after: int) -> int:
    """Wait until `site` has finished a run beyond `after` runs; returns the new count."""
    return wait_for(lambda: (n := daemon.runs(site)) > after and n, 20, f"a run of {site}")


# -- end to end ----------------------------------------------------------------------------------
def test_new_articles_arrive_and_idle_polls_are_one_304_per_section(
        tmp_path: Path, site: SampleSite) -> None:
    with Daemon(_config(tmp_path, site)) as d:
        wait_for(lambda: _titles(d, "/sample/tags/cell-therapy.atom"), what="the tag feed")
        assert d.get("/sample/tags/cell-therapy.atom").headers["content-type"] == \
            "application/atom+xml; charset=utf-8"

        site.publish("health", "Gene therapy trial reports early success",
                     ["Cell Therapy", "Gene Editing"])
        wait_for(lambda: "Gene therapy trial reports early success" in
                 _titles(d, "/sample/tags/cell-therapy.atom"), what="the new article")
        assert _titles(d, "/sample/tags/gene-editing.atom") == [
            "Gene therapy trial reports early success"]
        assert "Gene Editing" in d.get("/").text  # the index lists the new tag feed

        # Nothing new: each poll is one conditional GET per section, all 304, and no file moves.
        runs = _next_run(d, "sample", d.runs("sample"))
        before, out = _files(tmp_path / "feeds"), tmp_path / "feeds"
        site.clear_log()  # between two polls: they are 2 s apart and take milliseconds
        runs = _next_run(d, "sample", runs)
        _next_run(d, "sample", runs)
        seen = [(r.path, r.status) for r in site.requests]
        # Whole polls only, each one conditional GET per section answered 304 (a loaded machine
        # may fit one more or one fewer poll into the window).
        assert seen and all(status == 304 for _, status in seen), seen
        counts = {p: sum(1 for path, _ in seen if path == p) for p in SECTIONS}
        assert set(p for p, _ in seen) == set(SECTIONS) and len(set(counts.values())) <= 2
        assert abs(len(seen) - 2 * len(SECTIONS)) <= len(SECTIONS)
        assert _files(out) == before

        feed = d.get("/sample/tags/gene-editing.atom")
        again = d.get("/sample/tags/gene-editing.atom", headers={"If-None-Match": feed.headers["etag"]})
        assert again.status_code == 304 and again.content == b""

        data = d.health()
        assert data["status"] == "ok"
        sample = data["sites"]["sample"]
        assert sample["state"] == "ok" and sample["items"] >= 36 and sample["last_error"] is None
        assert sample["last_success"] and sample["last_run"]
        assert d.metric("feedmaker_requests_total", site="sample", status="304") >= 8
        assert d.metric("feedmaker_new_articles_total", site="sample") >= 36
    assert d.exit_seconds is not None and d.exit_seconds < 10
    assert "sample: ok, 1 new" in d.log and "requests (4 not modified)" in d.log


def test_a_failing_site_shows_in_healthz_while_the_other_goes_on(
        tmp_path: Path, site: SampleSite) -> None:
    broken = broken_site("Broken", closed_port_url(), "News", "/news")
    with Daemon(_config(tmp_path, site, broken)) as d:
        wait_for(lambda: d.health()["sites"]["broken"]["state"] == "failing", what="failing")
        data = d.health()
        assert d.get("/healthz").status_code == 200 and data["status"] == "ok"
        assert "cannot connect to 127.0.0.1" in data["sites"]["broken"]["last_error"]
        assert data["sites"]["broken"]["last_success"] is None
        assert d.metric("feedmaker_failures_total", site="broken", state="failing") >= 1

        site.publish("politics", "Parliament passes the budget", ["Economy"])
        wait_for(lambda: "Parliament passes the budget" in _titles(d, "/sample/all.atom"),
                 what="the new article on the healthy site")
        # all.atom is the first of that poll's files: the snapshot below waits for the rest
        wait_for(lambda: "sample: ok, 1 new" in d.log, what="the end of that poll")

        # The healthy site now answers with a challenge page: blocked, and every site is down.
        feeds = _files(tmp_path / "feeds" / "sample")
        for path in SECTIONS:
            site.set_fault(path, "challenge")
        wait_for(lambda: d.get("/healthz").status_code == 503, what="503 from /healthz")
        assert d.health()["status"] == "failing"
        assert d.health()["sites"]["sample"]["state"] == "blocked"
        assert '<small class="state blocked">blocked</small>' in d.get("/").text
        assert _files(tmp_path / "feeds" / "sample") == feeds  # the last good feeds, untouched
        assert "Parliament passes the budget" in _titles(d, "/sample/all.atom")


def test_sigint_during_a_slow_poll_exits_cleanly(tmp_path: Path, site: SampleSite) -> None:
    site.set_fault("/news/health", "slow", seconds=60)
    d = Daemon(_config(tmp_path, site)).start()
    wait_for(lambda: site.count(path="/news/health"), what="the slow request")
    assert d.stop(signal.SIGINT) == 0
    assert d.exit_seconds is not None and d.exit_seconds < 12
    assert not list((tmp_path / "feeds").rglob(".*.tmp"))
    assert "abandoning a poll" in d.log


def test_build_and_a_second_daemon_refuse_beside_a_running_daemon(
        tmp_path: Path, site: SampleSite) -> None:
    config = _config(tmp_path, site)
    with Daemon(config):
        proc = run_cli("-c", str(config), "build", timeout=20)
        assert proc.returncode == 2
        assert "the feedmaker daemon (pid" in proc.stderr and "is already running" in proc.stderr
        second = Daemon(config)
        with pytest.raises(AssertionError, match="daemon exited with 2"):
            second.start()
        assert "already running" in second.log


# -- scheduling rules ----------------------------------------------------------------------------
@pytest.mark.parametrize(("interval", "failures", "retry_after", "expected"), [
    (60, 0, None, 60),  # success: the interval
    (60, 1, None, 120),  # then doubling
    (60, 2, None, 240),
    (60, 5, None, 1920),
    (60, 9, None, MAX_BACKOFF),  # capped at 6 h
    (60, 10_000, None, MAX_BACKOFF),  # no overflow however long it fails
    (86400, 3, None, 86400),  # a daily site is never polled more often than daily
    (60, 1, 600, 600),  # Retry-After longer than the backoff wins
    (60, 3, 30, 480),  # ...and a shorter one does not make us come back sooner
    (60, 0, 300, 300),
    (60, 1, 10 * 86400, MAX_RETRY_AFTER),  # an absurd Retry-After is capped
    (60, 1, 0, 120),
])
def test_next_delay(interval: float, failures: int, retry_after: float | None,
                    expected: float) -> None:
    assert next_delay(interval, failures, retry_after) == expected


@pytest.mark.parametrize(("code", "state"), [(429, "blocked"), (503, "failing")])
def test_retry_after_is_honoured_and_success_restores_the_interval(
        tmp_path: Path, site: SampleSite, code: int, state: str) -> None:
    config = load_config(_config(tmp_path, site))
    for path in SECTIONS:
        site.set_fault(path, "status", code=code, retry_after=120)

    async def scenario() -> None:
        with Store(config.state) as store:
            health = Health.from_store(config.sites, store)
            scheduler = Scheduler(config, store, health, Metrics(config.sites))
            await scheduler.start()
            try:
                h = health.sites["sample"]
                await asyncio.to_thread(wait_for, lambda: h.failures, 10, "the first poll")
                assert h.state == state and h.next_run is not None
                wait = (h.next_run - datetime.now(UTC)).total_seconds()
                assert 110 < wait <= 120 + 12  # Retry-After, plus at most its jitter

                site.clear_faults()
                await scheduler.poll("sample")
                assert h.state == "ok" and h.failures == 0 and h.next_run is not None
                assert (h.next_run - datetime.now(UTC)).total_seconds() <= 2.2
            finally:
                await scheduler.stop()

    asyncio.run(scenario())
