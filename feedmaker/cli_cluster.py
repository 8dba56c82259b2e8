"""The commands of the PostgreSQL mode (docs/scale.md): `worker`, `export`, `migrate`, and what
`serve --state postgresql://...` runs. Imported by cli.py; everything heavy is imported inside
each command."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .cli import EXIT_CONFIG, _config, _fail, _global_options, _run, main, pass_config
from .errors import FeedmakerError

if TYPE_CHECKING:
    from .config import Config


def state_url(config: Config, given: str | None) -> str:
    """The PostgreSQL URL: --state, else the config's `state`; exit 2 when neither is one."""
    url = given or config.state_url
    if not url or not url.startswith(("postgresql://", "postgres://")):
        _fail(f"{config.path}: state: this command needs a PostgreSQL database (state = "
              "\"postgresql://...\" in the config, or --state postgresql://...)", EXIT_CONFIG)
    return url


_STATE_HELP = "PostgreSQL URL of the store (default: the config's state)."


@main.command("worker")
@click.option("--state", "given_state", metavar="URL", help=_STATE_HELP)
@click.option("--concurrency", default=8, show_default=True, type=click.IntRange(1, 256),
              help="Polls at once in this worker (each on another domain).")
@click.option("--stall-timeout", default=30.0, show_default=True, type=click.FloatRange(2, 3600),
              help="Seconds without a worker's heartbeat before its polls go to another worker.")
@click.option("--no-schedule", is_flag=True,
              help="Only run polls; leave deciding when sites are due to other workers.")
@click.option("--export", "export_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also mirror the published files into this directory as they change.")
@click.option("--name", help="This worker's name in logs.")
@click.option("--once", is_flag=True, help="Run the polls already queued, then exit (no scheduling).")
@_global_options
@pass_config
def worker_cmd(obj: dict[str, Any], given_state: str | None, concurrency: int, stall_timeout: float,
               no_schedule: bool, export_dir: Path | None, name: str | None, once: bool) -> None:
    """Poll sites handed out by the shared PostgreSQL store, until stopped (docs/scale.md)."""
    import asyncio

    from .cluster import WorkerOptions, run_worker
    from .signals import on_stop_signals

    config = _config(obj)
    url = state_url(config, given_state)
    if not obj["verbose"]:
        for logger in ("feedmaker.run", "feedmaker.worker", "feedmaker.export"):
            logging.getLogger(logger).setLevel(logging.INFO)
    if obj["verbose"] < 2:
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
        logging.getLogger("procrastinate").setLevel(logging.WARNING)
    options = WorkerOptions(concurrency, stall_timeout, not (no_schedule or once), export_dir, name,
                            once)

    async def work() -> None:
        stop = asyncio.Event()
        with on_stop_signals(stop.set):
            await run_worker(config, url, options, stop)

    try:
        _run(work())
    except FeedmakerError as exc:
        _fail(str(exc), EXIT_CONFIG)


@main.command("export")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--state", "given_state", metavar="URL", help=_STATE_HELP)
@_global_options
@pass_config
def export_cmd(obj: dict[str, Any], out_dir: Path, given_state: str | None) -> None:
    """Copy the feeds published in the PostgreSQL store into OUT_DIR (atomically, changed files
    only), for nginx or a CDN."""
    from .export import export_once
    from .store_pg import PgStore

    config = _config(obj)
    url = state_url(config, given_state)
    try:
        with PgStore(url) as store:
            written, _ = export_once(store, out_dir)
    except (FeedmakerError, OSError) as exc:
        _fail(str(exc), EXIT_CONFIG)
    click.echo(f"{written} file(s) written into {out_dir}", err=True)


@main.command("migrate")
@click.option("--from", "source", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The single-machine state file (feedmaker.sqlite).")
@click.option("--to", "target", required=True, metavar="URL",
              help="An empty PostgreSQL database (postgresql://...).")
@_global_options
@pass_config
def migrate_cmd(obj: dict[str, Any], source: Path, target: str) -> None:
    """Move a single-machine state into PostgreSQL, nothing lost, and publish its feeds there."""
    from .migrate import migrate
    from .store_pg import connect

    config = _config(obj)
    if not target.startswith(("postgresql://", "postgres://")):
        _fail(f"--to {target!r}: expected a PostgreSQL URL (postgresql://...)", EXIT_CONFIG)
    try:
        connect(target, what="--to").close()
        counts = migrate(source, target, config)
    except FeedmakerError as exc:
        _fail(str(exc), EXIT_CONFIG)
    click.echo(f"copied {counts['articles']} article(s), {counts['tags']} tag(s), "
               f"{counts['runs']} run(s), {counts['failures']} failure(s) into the store; "
               "feeds published there", err=True)


def serve_store_cmd(obj: dict[str, Any], config: Config, url: str, host: str, port: int) -> None:
    from .serve_store import serve_store

    try:
        _run(serve_store(config, url, host, port, access_log=obj["verbose"] > 0))
    except FeedmakerError as exc:
        _fail(str(exc), EXIT_CONFIG)
