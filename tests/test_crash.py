"""Crashes and full disks: kill -9 a build at random points, many times, and fail writes into
out_dir; afterwards every feed is whole (the old one or the new one), the state file opens, and the
next build completes with nothing lost and nothing duplicated."""

from __future__ import annotations

import asyncio
import errno
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli, write_config
from feedcheck import check_out_dir

from feedmaker import output
from feedmaker.build import build
from feedmaker.config import load_config
from feedmaker.errors import OutputError
from sample_site.server import SampleSite

ITERATIONS = 16
SEED = int(os.environ.get("FEEDMAKER_CRASH_SEED", "20261126"))
Snapshot = dict[str, tuple[bytes, int]]


def snapshot(out: Path) -> Snapshot:
    return {str(p.relative_to(out)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(out.rglob("*")) if p.is_file()}


def integrity(state: Path) -> str:
    db = sqlite3.connect(state)
    try:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        db.close()


def all_ids(out: Path, feed: str = "all") -> list[str]:
    return [i["id"] for i in json.loads((out / "sample" / f"{feed}.json").read_text())["items"]]


def test_kill_9_at_random_points(site: SampleSite, tmp_path: Path) -> None:
    config = write_config(tmp_path, site.url, replace={"max_items = 50": "max_items = 1000"})
    out, state = tmp_path / "feeds", tmp_path / "feedmaker.sqlite"
    rng = random.Random(SEED)
    published: list[str] = []
    feeds_of: dict[str, list[str]] = {}  # path -> the feeds it must end up in
    checked: Snapshot = {}
    kills = 0
    typical = 2.0  # seconds; a cold build of the sample site, roughly
    for i in range(ITERATIONS):
        # new articles (with new tags, so new feed files) between runs
        for _ in range(rng.randint(0, 2)):
            section, tag = rng.choice(["health", "politics", "opinion"]), rng.randint(0, 5)
            path = site.publish(section, f"Crash story {i}-{len(published)}",
                                [f"Crash Tag {tag}", "Crash"], author="Crash Reporter")
            published.append(path)
            feeds_of[path] = ["all", f"sections/{section}", f"tags/crash-tag-{tag}", "tags/crash"]
        started = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "feedmaker", "-c", str(config), "build"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # A random point within what a whole build (interpreter start included) has been
        # taking: a build that finishes first teaches the loop how long builds now are.
        try:
            proc.wait(timeout=rng.uniform(0.15, 0.95) * typical)
            typical = time.monotonic() - started
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            kills += 1
        where = f"iteration {i} (seed {SEED})"
        if out.exists():
            # every feed file is a whole, valid feed; temporary files are dot-names only
            check_out_dir(out, skip=checked)
            checked = snapshot(out)
            visible = [p for p in out.rglob("*") if p.is_file() and not p.name.startswith(".")]
            assert all(p.suffix in (".atom", ".rss", ".json", ".html", ".opml", ".xsl") for p in visible), \
                where
        if state.exists():
            assert integrity(state) == "ok", where
    assert kills >= ITERATIONS // 4, f"only {kills} builds were killed mid-way"

    final = run_cli("-c", str(config), "build")
    assert final.returncode == 0, final.stderr
    check_out_dir(out, skip=checked)
    assert integrity(state) == "ok"
    assert not list(out.rglob(".*.tmp"))  # the killed builds' temporary files are gone
    for feed in ["all", *[f"sections/{s}" for s in ("health", "politics", "opinion")],
                 "tags/crash"]:
        ids = all_ids(out, feed)
        assert len(ids) == len(set(ids)), f"duplicates in {feed}"
    missing = [(p, feed) for p, feeds in feeds_of.items() for feed in feeds
               if site.origin + p not in all_ids(out, feed)]
    assert not missing, f"lost after kill -9 (seed {SEED}): {missing}"
    crash_tag = set(all_ids(out, "tags/crash"))
    assert crash_tag == {site.origin + p for p in published}
    # and a build with nothing new changes nothing
    before = snapshot(out)
    assert run_cli("-c", str(config), "build").returncode == 0
    assert snapshot(out) == before


def _build(config: Path) -> Any:
    return asyncio.run(build(load_config(config)))


@pytest.mark.parametrize("where", ["replace", "fsync"])
def test_full_disk_during_a_write_keeps_the_old_feeds(site: SampleSite, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      where: str) -> None:
    config = write_config(tmp_path, site.url)
    out = tmp_path / "feeds"
    assert _build(config).ok
    before = snapshot(out)
    path = site.publish("health", "Written to a full disk", ["Full Disk"], author="Disk")

    def full(*args: object, **kw: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(output.os, where, full)
    try:
        problems = _build(config).sites[0].problems
    except OutputError as exc:  # index.html could not be written either: the build stops there
        problems = [str(exc)]
    assert any("No space left on device" in p for p in problems), problems
    assert snapshot(out) == before  # every old feed untouched: same bytes, same mtime
    assert not list(out.rglob(".*.tmp"))  # no temporary file left behind

    monkeypatch.undo()  # the disk has room again: the article is not lost
    assert _build(config).ok
    for feed in ("all", "sections/health", "tags/full-disk"):
        assert site.origin + path in all_ids(out, feed), feed
    check_out_dir(out, skip=before)


def test_out_dir_replaced_by_a_file_during_the_run(site: SampleSite, tmp_path: Path) -> None:
    """Root ignores permissions, so "read-only" is a file where a directory is expected."""
    config = write_config(tmp_path, site.url)
    out = tmp_path / "feeds"
    assert _build(config).ok
    tags = out / "sample" / "tags"
    saved = tmp_path / "tags-saved"
    tags.rename(saved)
    tags.write_text("a file where the tags directory was")
    path = site.publish("health", "No room for tags", ["Blocked Tag"], author="Disk")
    proc = run_cli("-c", str(config), "build")
    assert proc.returncode == 1
    assert "writing feeds" in proc.stderr and "tags" in proc.stderr
    assert "Traceback" not in proc.stderr
    tags.unlink()
    saved.rename(tags)
    assert _build(config).ok
    assert site.origin + path in all_ids(out, "tags/blocked-tag")
    check_out_dir(out)


def test_written_files_are_world_readable_whatever_the_umask(tmp_path: Path) -> None:
    """A web server running as another user must be able to read the feeds."""
    old = os.umask(0o077)
    try:
        with output.Batch(tmp_path) as batch:
            batch.write("site/tags/a.atom", b"<feed/>")
            batch.write("site/tags/b.atom", b"<feed/>")
    finally:
        os.umask(old)
    for name in ("a", "b"):
        assert (tmp_path / f"site/tags/{name}.atom").stat().st_mode & 0o777 == 0o644
    assert not list(tmp_path.rglob(".*.tmp"))
