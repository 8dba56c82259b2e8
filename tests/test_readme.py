"""README.md is a contract: every command it shows is run here as written, against the sample site.

Each `feedmaker ...` line of the README's code blocks runs in a folder whose feedmaker.toml (and
my.toml) point the README's site key at the sample site on 127.0.0.1. Placeholders are filled
in (URL: an article of the sample site; https://example.com/: the sample site itself);
`run` and `serve` are started, asked for /healthz and stopped with SIGTERM. The `make` targets
are checked to exist (`make -n`), and `make demo` is run for real.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from conftest import ROOT, write_config
from running import free_port, wait_for

from sample_site.server import SampleSite

README = ROOT / "README.md"
SITE_KEY = "almayadeen"  # the key the README's examples use


def readme_commands(prefix: str) -> list[str]:
    """The lines of README.md's code blocks that start with `prefix`, without comments."""
    found: list[str] = []
    for block in re.findall(r"(?ms)^```[^\n]*\n(.*?)^```", README.read_text()):
        for line in block.splitlines():
            if line.startswith(prefix):
                command = line.split(" #", 1)[0].strip()
                if command not in found:
                    found.append(command)
    return found


FEEDMAKER = readme_commands("feedmaker ")
MAKE = readme_commands("make ")


def test_the_readme_shows_commands() -> None:
    # A README that lost its code blocks would make every test below vacuous.
    assert {"feedmaker build", "feedmaker run", "feedmaker serve"} <= set(FEEDMAKER)
    assert {"make demo", "make test"} <= set(MAKE)
    first_block = re.search(r"(?ms)^```[^\n]*\n(.*?)^```", README.read_text())
    assert first_block, "README.md has no code block"
    first, second = first_block[1].splitlines()[:2]
    assert first.startswith("make demo") and second.startswith("make test")


@pytest.fixture(scope="module")
def readme_site() -> SampleSite:
    with SampleSite() as s:
        yield s  # type: ignore[misc]


def _workdir(tmp: Path, site: SampleSite) -> Path:
    config = write_config(tmp, site.url, replace={"[sites.sample": f"[sites.{SITE_KEY}"})
    (tmp / "my.toml").write_text(config.read_text())
    return tmp


def _argv(command: str, site: SampleSite, database: str | None = None) -> list[str]:
    article = site.url.rstrip("/") + site.article_paths("health")[0]
    words = [article if w == "URL" else site.url if w == "https://example.com/" else
             database if database and w.startswith("postgresql://") else w
             for w in shlex.split(command)]
    assert words[0] == "feedmaker"
    return [sys.executable, "-m", "feedmaker", *words[1:]]


@pytest.mark.parametrize("command", FEEDMAKER)
def test_every_feedmaker_command_in_the_readme_works_as_written(
        command: str, readme_site: SampleSite, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    cwd = _workdir(tmp_path, readme_site)
    # A PostgreSQL URL stands for a schema of this test's own (skipped without a server, but
    # not under CI=true: conftest.postgres_server).
    database = request.getfixturevalue("postgres") if "postgresql://" in command else None
    argv = _argv(command, readme_site, database)
    if argv[3] == "migrate":  # from the state file a single machine left
        built = subprocess.run(_argv("feedmaker build", readme_site), cwd=cwd, capture_output=True,
                               text=True, timeout=120)
        assert built.returncode == 0, built.stderr
    if argv[3] == "worker":
        _start_worker_and_stop(argv, cwd)
        return
    if argv[3] in ("run", "serve"):
        _start_and_stop(argv, cwd)
        return
    proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"{command}\n{proc.stdout}\n{proc.stderr}"
    if argv[3] == "build":
        assert (cwd / "feeds" / SITE_KEY / "all.atom").is_file()
    elif argv[3] == "check":
        assert "article links" in proc.stdout
    elif argv[3] == "init":
        assert "[sites." in proc.stdout
    elif argv[3] == "migrate":
        assert re.search(r"copied [1-9]\d* article", proc.stderr), proc.stderr
    elif argv[3] == "export":
        assert (cwd / argv[4]).is_dir()


def _start_worker_and_stop(argv: list[str], cwd: Path) -> None:
    """A worker runs until SIGTERM: started, seen polling the site, stopped with exit 0."""
    log = cwd / "worker.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    try:
        def polled() -> bool:
            assert proc.poll() is None, log.read_text()
            return f"{SITE_KEY}: ok" in log.read_text()

        wait_for(polled, 60, f"{' '.join(argv[3:])} to poll {SITE_KEY}")
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(30)
    assert code == 0, log.read_text()


def _start_and_stop(argv: list[str], cwd: Path) -> None:
    port = free_port()
    env = {**os.environ, "FEEDMAKER_PORT": str(port)}
    log = cwd / "daemon.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        def up() -> bool:
            assert proc.poll() is None, log.read_text()
            try:
                return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code in (200, 503)
            except httpx.TransportError:
                return False

        wait_for(up, 30, f"{' '.join(argv[3:])} on port {port}")
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(20)
    assert code == 0, log.read_text()


@pytest.mark.parametrize("command", MAKE)
def test_every_make_target_in_the_readme_exists(command: str) -> None:
    proc = subprocess.run([*shlex.split(command), "-n"], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_make_demo_builds_and_serves_the_sample_sites_feeds(tmp_path: Path) -> None:
    env = {**os.environ, "FEEDMAKER_DEMO_DIR": str(tmp_path)}
    log = tmp_path / "demo.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(["make", "-s", "demo"], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    try:
        feeds = wait_for(lambda: re.search(r"feeds:\s+(http://\S+)", log.read_text()), 120,
                         "make demo to print its address")[1]

        def tag_feed() -> bool:
            r = httpx.get(feeds + "sample/tags/cell-therapy.atom", timeout=5)
            return r.status_code == 200 and b"<entry>" in r.content

        wait_for(tag_feed, 60, "the demo's first build")
        assert (tmp_path / "feeds" / "sample" / "all.atom").is_file()
        assert 'rel="alternate"' in httpx.get(feeds, timeout=5).text  # the index page
    finally:
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C, as the demo says
        proc.wait(30)
