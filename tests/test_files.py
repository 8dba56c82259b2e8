"""Files and state: out_dir's modes under any umask, damaged or newer state files, a full disk."""

from __future__ import annotations

import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli, write_config
from running import Daemon

from sample_site.server import SampleSite


def test_out_dir_is_0755_and_its_files_0644_under_umask_000(site: SampleSite, tmp_path: Path) -> None:
    config = write_config(tmp_path, site.url, replace={'out_dir = "feeds"': 'out_dir = "srv/feeds"'})
    proc = subprocess.run([sys.executable, "-m", "feedmaker", "-c", str(config), "build"],
                          capture_output=True, text=True, umask=0, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "srv"
    folders = [out, *(p for p in out.rglob("*") if p.is_dir())]
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(folders) >= 4 and len(files) > 10
    assert {oct(stat.S_IMODE(p.stat().st_mode)) for p in folders} == {"0o755"}
    assert {oct(stat.S_IMODE(p.stat().st_mode)) for p in files} == {"0o644"}


# -- damaged, newer and odd state files ----------------------------------------------------------
def _built(site: SampleSite, tmp_path: Path) -> Path:
    config = write_config(tmp_path, site.url)
    proc = run_cli("-c", str(config), "build")
    assert proc.returncode == 0, proc.stderr
    return config


def _damage(state: Path) -> None:
    """Overwrite the middle of a few b-tree pages, as a bad sector or a torn write would; the
    header and the first pages (schema) stay whole, so the file still opens."""
    data = bytearray(state.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    pages = len(data) // page
    for n in range(pages // 2, min(pages, pages // 2 + 3)):
        data[n * page + 8:n * page + 200] = b"\xa5" * 192
    state.write_bytes(bytes(data))


def test_a_damaged_state_file_fails_build_and_check_with_how_to_recover(
        site: SampleSite, tmp_path: Path) -> None:
    config = _built(site, tmp_path)
    state = tmp_path / "feedmaker.sqlite"
    _damage(state)
    before = state.read_bytes()
    feeds = {p: p.read_bytes() for p in (tmp_path / "feeds").rglob("*.atom")}
    for command in (["build"], ["check", "sample"]):
        proc = run_cli("-c", str(config), *command)
        assert proc.returncode == 2, (command, proc.stderr)
        assert "damaged" in proc.stderr and ".recover" in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert state.read_bytes() == before  # refused before anything was written
    assert all(p.read_bytes() == data for p, data in feeds.items())


@pytest.mark.parametrize("kind", ["damaged", "newer"])
def test_serve_reports_an_unusable_state_file_as_503_and_keeps_serving(
        site: SampleSite, tmp_path: Path, kind: str) -> None:
    config = _built(site, tmp_path)
    state = tmp_path / "feedmaker.sqlite"
    if kind == "damaged":
        _damage(state)
    else:
        with sqlite3.connect(state) as db:
            db.execute("PRAGMA user_version = 99")
        db.close()
    before = state.read_bytes()
    with Daemon(config, "serve") as d:
        health = d.get("/healthz")
        assert health.status_code == 503, health.text
        reason = health.json()["state_file"]
        assert ("damaged" if kind == "damaged" else "newer feedmaker") in reason
        assert d.get("/sample/all.atom").status_code == 200  # the feeds are still served
    assert state.read_bytes() == before


def test_run_with_a_damaged_state_file_serves_the_feeds_and_polls_nothing(
        site: SampleSite, tmp_path: Path) -> None:
    config = _built(site, tmp_path)
    _damage(tmp_path / "feedmaker.sqlite")
    site.clear_log()
    with Daemon(config, "run") as d:
        health = d.get("/healthz")
        assert health.status_code == 503 and "damaged" in health.json()["state_file"]
        assert d.get("/sample/all.atom").status_code == 200
        assert d.get("/metrics").status_code == 200
    assert site.requests == []  # a damaged file is not written into


@pytest.mark.parametrize("command", [["build"], ["serve"]])
def test_a_state_file_with_a_negative_version_is_refused_untouched(
        site: SampleSite, tmp_path: Path, command: list[str]) -> None:
    config = write_config(tmp_path, site.url)
    state = tmp_path / "feedmaker.sqlite"
    with sqlite3.connect(state) as db:
        db.execute("CREATE TABLE other (x)")
        db.execute("PRAGMA user_version = -1")
    db.close()
    before = state.read_bytes()
    if command == ["build"]:
        proc = run_cli("-c", str(config), "build")
        assert proc.returncode == 2 and "not a feedmaker state file" in proc.stderr, proc.stderr
    else:
        with Daemon(config, "serve") as d:
            r = d.get("/healthz")
            assert r.status_code == 503 and "not a feedmaker state file" in r.json()["state_file"]
    assert state.read_bytes() == before
    assert not (tmp_path / "feedmaker.sqlite-wal").exists()


def test_a_full_disk_is_one_line(site: SampleSite, tmp_path: Path) -> None:
    """The state file on a 400 KB tmpfs, nearly full: one line per problem, no traceback."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(disk)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.strip()}")
    try:
        config = write_config(tmp_path, site.url,
                              replace={'state = "feedmaker.sqlite"': f'state = "{disk}/s.sqlite"'})
        for room in (60, 150, 250):  # full at the first write, while saving, at the end
            for leftover in disk.iterdir():
                leftover.unlink()
            (disk / "filler").write_bytes(b"x" * (400 - room) * 1024)
            proc = run_cli("-c", str(config), "build")
            assert proc.returncode in (1, 2), proc.stderr
            assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
            assert "full" in proc.stderr, proc.stderr
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def test_metrics_report_out_dir_size(site: SampleSite, tmp_path: Path) -> None:
    config = _built(site, tmp_path)
    with Daemon(config, "serve") as d:
        size = d.metric("feedmaker_out_dir_bytes")
    files = sum(p.stat().st_size for p in (tmp_path / "feeds").rglob("*") if p.is_file())
    assert size > 0 and abs(size - files) <= files * 0.01
