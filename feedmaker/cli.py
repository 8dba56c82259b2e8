"""The `feedmaker` command: a thin layer over the library; errors become one line and an exit code.

Exit codes: 0 everything built, 1 some site failed, 2 bad config or unusable files.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import click

from . import __version__
from .build import BuildResult, build
from .check import CheckReport, check_site
from .config import Config, load_config
from .errors import ConfigError, FeedmakerError
from .pipeline import Progress

EXIT_FAILED, EXIT_CONFIG = 1, 2
pass_config = click.make_pass_decorator(dict)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-c", "--config", "config_path", default="feedmaker.toml", show_default=True,
              envvar="FEEDMAKER_CONFIG", help="Config file (TOML).")
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
@click.version_option(__version__, prog_name="feedmaker")
@click.pass_context
def main(ctx: click.Context, config_path: str, verbose: int) -> None:
    """Build Atom, RSS and JSON feeds for websites that publish none."""
    level = logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if verbose < 2:  # httpx logs every request at INFO
        for noisy in ("aiohttp", "httpx"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
    ctx.obj = {"config_path": config_path, "verbose": verbose}


def _config(obj: dict[str, Any]) -> Config:
    try:
        return load_config(obj["config_path"])
    except ConfigError as exc:
        _fail(str(exc), EXIT_CONFIG)


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


@main.command("build")
@click.option("--site", "sites", multiple=True, help="Only this site (repeatable).")
@pass_config
def build_cmd(obj: dict[str, Any], sites: tuple[str, ...]) -> None:
    """Poll every site once, write its feeds, and exit."""
    config = _config(obj)
    with _progress() as progress:
        try:
            result = asyncio.run(build(config, sites, progress=progress))
        except ConfigError as exc:
            _fail(str(exc), EXIT_CONFIG)
        except FeedmakerError as exc:
            _fail(str(exc), EXIT_CONFIG)
    _summary(result)
    sys.exit(0 if result.ok else EXIT_FAILED)


def _summary(result: BuildResult) -> None:
    for r in result.sites:
        click.echo(f"{r.site}: {r.state}, {r.new} new, {r.updated} updated, {r.feeds_written} file(s) "
                   f"written, {r.requests} request(s) ({r.not_modified} not modified), "
                   f"{r.skipped} skipped by robots.txt, {r.duration:.1f}s", err=True)
        for problem in [*r.problems, *r.article_errors]:
            click.echo(f"{r.site}: {problem}", err=True)
    written = sum(r.feeds_written for r in result.sites) + result.index_written
    click.echo(
        f"{len(result.sites)} site(s), {sum(r.sections for r in result.sites)} section(s), "
        f"{sum(r.new for r in result.sites)} new article(s), "
        f"{sum(r.updated for r in result.sites)} updated, {written} file(s) written, "
        f"{sum(len(r.problems) for r in result.sites)} error(s), "
        f"{sum(len(r.article_errors) for r in result.sites)} article(s) skipped", err=True)


@contextmanager
def _progress() -> Iterator[Progress | None]:
    """A progress bar on a terminal; nothing (plain log lines) otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn
    from rich.progress import Progress as Bar

    with Bar(TextColumn("articles"), BarColumn(), MofNCompleteColumn(), transient=True) as bar:
        task = bar.add_task("articles", total=0)

        def update(what: str, n: int) -> None:
            if what == "articles":
                bar.update(task, total=(bar.tasks[0].total or 0) + n)
            else:
                bar.advance(task, n)

        yield update


@main.command("check")
@click.argument("site")
@click.argument("url", required=False)
@pass_config
def check_cmd(obj: dict[str, Any], site: str, url: str | None) -> None:
    """Show what the rules find on each section and on one article (the first found, or URL)."""
    config = _config(obj)
    if site not in config.sites:
        _fail(f"{config.path}: sites.{site}: no such site (configured: {', '.join(config.sites)})",
              EXIT_CONFIG)
    try:
        report = asyncio.run(check_site(config, config.sites[site], url))
    except FeedmakerError as exc:  # an unusable state file, say
        _fail(str(exc), EXIT_CONFIG)
    _print_check(report, click.echo)
    bad = any(s.error for s in report.sections) or report.article_error or report.parsed is None
    sys.exit(EXIT_FAILED if bad else 0)


def _print_check(report: CheckReport, echo: Callable[[str], None]) -> None:
    echo(f"{report.site.name} ({report.site.url})")
    if report.health:
        echo("rule health (last build):\n" + "\n".join(report.health_lines()))
    for s in report.sections:
        status = f"ERROR: {s.error}" if s.error and not s.links else f"{len(s.links)} article links"
        echo(f"\nsection {s.title!r}  {s.url}\n  {status}")
        for link in s.links[:5]:
            echo(f"    {link.url}  {link.title[:60]!r}")
        if len(s.links) > 5:
            echo(f"    … and {len(s.links) - 5} more")
        if s.next_url:
            echo(f"  next page: {s.next_url}")
    if report.article_url is None:
        echo("\nno article to check")
        return
    echo(f"\narticle {report.article_url}")
    if report.article_error or report.parsed is None:
        echo(f"  ERROR: {report.article_error}")
        return
    a, sources = report.parsed.article, report.parsed.sources
    rows: list[tuple[str, str, str]] = [("id", a.url, "canonical URL")]
    for name in ("title", "author", "published", "updated", "summary", "image", "tags", "content",
                 "language"):
        value = getattr(a, "authors" if name == "author" else name)
        source = sources.get(name, "page" if name == "language" else "")
        if name == "published" and value is None:
            value, source = "(none on the page)", "first-seen"
        if name == "content" and value:
            value = f"{len(value)} chars of HTML: {value[:80]}…"
        if name in ("tags", "author"):
            value = " | ".join(value)
        if value is not None and name in ("published", "updated") and not isinstance(value, str):
            value = value.isoformat()
        rows.append((name, str(value or "—"), source or "(not found)"))
    width = max(len(r[0]) for r in rows)
    for name, value, source in rows:
        echo(f"  {name:<{width}}  {value[:100]}\n  {'':<{width}}    ← {source}")


__all__ = ["main"]


# -- the daemon (imported when used: `build` and `check` start without the server stack) -------
def _listen_options(command: Callable[..., None]) -> Callable[..., None]:
    command = click.option("--port", default=8080, show_default=True,
                           type=click.IntRange(0, 65535), help="Port to serve on.")(command)
    return click.option("--host", default="127.0.0.1", show_default=True,
                        help="Address to serve on.")(command)


@main.command("run")
@_listen_options
@pass_config
def run_cmd(obj: dict[str, Any], host: str, port: int) -> None:
    """Poll every site on its interval and serve the feeds over HTTP, until stopped."""
    from .daemon import run_daemon

    config = _config(obj)
    if not obj["verbose"]:  # one line per run per site, even without -v
        logging.getLogger("feedmaker.run").setLevel(logging.INFO)
    if obj["verbose"] < 2:  # APScheduler's own two lines per job are debug output
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
    try:
        asyncio.run(run_daemon(config, host, port, access_log=obj["verbose"] > 0))
    except FeedmakerError as exc:
        _fail(str(exc), EXIT_CONFIG)


@main.command("serve")
@_listen_options
@pass_config
def serve_cmd(obj: dict[str, Any], host: str, port: int) -> None:
    """Serve the feeds in out_dir over HTTP without polling (e.g. beside a cron'd build)."""
    from .daemon import serve_only

    config = _config(obj)
    try:
        asyncio.run(serve_only(config, host, port, access_log=obj["verbose"] > 0))
    except FeedmakerError as exc:
        _fail(str(exc), EXIT_CONFIG)


@main.command("init")
@click.argument("url")
@click.option("--name", "key", help="Site key in the config (default: from the host name).")
@click.option("--articles", default=10, show_default=True, type=click.IntRange(1, 100),
              help="Articles to try the rules on.")
@click.option("--write", is_flag=True, help="Append the block to the config file (-c).")
@pass_config
def init_cmd(obj: dict[str, Any], url: str, key: str | None, articles: int, write: bool) -> None:
    """Draft a site block for URL: sections, link rule, selectors, with fill rates per field."""
    from pathlib import Path

    from .init import append_to_config, propose_site

    try:
        proposal = asyncio.run(propose_site(url, key=key, sample=articles))
    except ConfigError as exc:
        _fail(str(exc), EXIT_CONFIG)
    except FeedmakerError as exc:
        _fail(str(exc), EXIT_FAILED)
    block = proposal.toml()
    if not write:
        click.echo(block, nl=False)
        return
    path = Path(obj["config_path"])
    try:
        append_to_config(path, block, proposal.key)
    except ConfigError as exc:
        _fail(str(exc), EXIT_CONFIG)
    click.echo(f"appended to {path}:\n{block}", nl=False)
