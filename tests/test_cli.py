"""The command line as a user meets it: global options anywhere, a light start, the public API."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli

from sample_site.server import SampleSite

# What `--version` and `--help` must not load: the fetcher, the parser, the database, the event loop.
HEAVY = ("httpx", "aiohttp", "selectolax", "sqlite3", "asyncio", "feedgen", "lxml",
         "feedmaker.build", "feedmaker.fetch", "feedmaker.parse", "feedmaker.store", "psycopg",
         "psycopg_pool", "procrastinate")


@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_version_and_help_load_nothing_heavy(flag: str) -> None:
    code = ("import sys\nfrom feedmaker.cli import main\n"
            f"try:\n    main([{flag!r}])\nexcept SystemExit:\n    pass\n"
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"


def test_the_package_exports_resolve_lazily() -> None:
    import feedmaker

    for name in feedmaker.__all__:
        assert getattr(feedmaker, name) is not None, name
    with pytest.raises(AttributeError):
        feedmaker.no_such_name  # noqa: B018


@pytest.mark.parametrize("where", ["before", "after"])
def test_config_and_verbose_options_work_before_and_after_the_subcommand(
        where: str, site: SampleSite, config_path: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "other"
    elsewhere.mkdir()
    opts = ["-c", str(config_path), "-v"]
    argv = [*opts, "build"] if where == "before" else ["build", *opts]
    proc = run_cli(*argv, cwd=elsewhere)  # no feedmaker.toml here: only -c can find it
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "feeds" / "sample" / "all.atom").is_file()
    # -v took effect: the robots.txt skip is an INFO line
    assert " INFO feedmaker: sample: skipped " in proc.stderr


def test_an_option_after_the_subcommand_wins() -> None:
    proc = run_cli("-c", "first.toml", "build", "-c", "second.toml")
    assert proc.returncode == 2 and "second.toml" in proc.stderr and "first.toml" not in proc.stderr


def test_the_http_client_loads_without_httpxs_command_line() -> None:
    # httpx's __init__ imports its CLI, which drags in rich and pygments (35 ms a process).
    code = ("import sys\nimport feedmaker.transport\nimport httpx\n"
            "assert httpx.AsyncClient and httpx.Request\n"
            "print(sorted(m for m in ('rich', 'pygments', 'httpx._main') if m in sys.modules\n"
            "             and getattr(sys.modules[m], '__file__', None)))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_a_build_that_finds_nothing_new_loads_no_parser_or_renderer(site: SampleSite,
                                                                   config_path: Path) -> None:
    # Section pages answer 304: nothing to parse or render, so neither is imported (a cron'd
    # build pays for what it does, not for what it could do).
    assert run_cli("-c", str(config_path), "build").returncode == 0
    unused = ("feedmaker.parse", "feedmaker.links", "feedmaker.autolinks", "feedmaker.extract",
              "feedmaker.feedgen_adapter", "feedgen", "lxml", "dateutil", "dateparser", "htmldate",
              "feedmaker.writer", "feedmaker.render", "multiprocessing")
    code = ("import sys\nfrom feedmaker.cli import main\n"
            f"try:\n    main(['-c', {str(config_path)!r}, 'build'])\nexcept SystemExit as e:\n"
            "    assert e.code == 0, e.code\n"
            f"print(sorted(m for m in {unused!r} if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "0 new article(s)" in proc.stderr and "0 file(s) written" in proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"


def test_a_worker_process_loads_neither_the_web_app_nor_the_parser() -> None:
    # The parser runs in the pool's processes and hands back a pickled Parsed; the worker itself
    # needs neither the parser (~50 ms to import) nor the daemon's web app (~200 ms), and each
    # worker of a cluster paid for both at every start.
    code = ("import pickle, sys\nimport feedmaker.cli_cluster\n"
            "from feedmaker.cluster import run_worker\nfrom feedmaker.signals import on_stop_signals\n"
            "from feedmaker.model import Article, Parsed\n"
            "pickle.loads(pickle.dumps(Parsed(Article('https://a.test/x', 'X'), {'title': 'h1'})))\n"
            "print(sorted(m for m in ('feedmaker.parse', 'feedmaker.daemon', 'feedmaker.web.app',"
            " 'feedmaker.init', 'feedmaker.extract') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"
