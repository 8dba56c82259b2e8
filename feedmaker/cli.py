"""The `feedmaker` command: a thin layer over the library; errors become one line and an exit code.

Exit codes: 0 everything built, 1 some site failed, 2 bad config or unusable files.

The library is imported inside each command: `feedmaker --version` and `--help` load neither
the fetcher nor the parser (0.05 s of CPU instead of 0.4).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from . import __version__
from .errors import ConfigError, FeedmakerError

if TYPE_CHECKING:
    from .build import BuildResult
    from .check import CheckReport
    from .config import Config
    from .pipeline import Progress

T = TypeVar("T")
EXIT_FAILED, EXIT_CONFIG = 1, 2
pass_config = click.make_pass_decorator(dict)
_QUIET_LOGGERS = ("aiohttp", "httpx", "httpcore")


def _log_level(verbose: int) -> None:
    logging.getLogger().setLevel(logging.DEBUG if verbose > 1 else logging.INFO if verbose
                                 else logging.WARNING)
    for name in _QUIET_LOGGERS:  # their per-request lines are debug output
        logging.getLogger(name).setLevel(logging.DEBUG if verbose > 1 else logging.WARNING)


def _set_config(ctx: click.Context, _: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.ensure_object(dict)["config_path"] = value


def _add_verbose(ctx: click.Context, _: click.Parameter, value: int) -> None:
    if value:
        obj = ctx.ensure_object(dict)
        obj["verbose"] = obj.get("verbose", 0) + value
        _log_level(obj["verbose"])


def _global_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """-c and -v after the subcommand too (`feedmaker build -c my.toml`), as before it."""
    command = click.option("-v", "--verbose", count=True, expose_value=False, callback=_add_verbose,
                           help="More log output (-v info, -vv debug).")(command)
    return click.option("-c", "--config", "config_path", default=None, expose_value=False,
                        callback=_set_config, metavar="PATH",
                        help="Config file (TOML); default ./feedmaker.toml.")(command)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-c", "--config", "config_path", default="feedmaker.toml", show_default=True,
              envvar="FEEDMAKER_CONFIG", help="Config file (TOML).")
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
@click.version_option(__version__, prog_name="feedmaker")
@click.pass_context
def main(ctx: click.Context, config_path: str, verbose: int) -> None:
    """Build Atom, RSS and JSON feeds for websites that publish none."""
    logging.basicConfig(stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    _log_level(verbose)
    ctx.obj = {"config_path": config_path, "verbose": verbose}


def _config(obj: dict[str, Any]) -> Config:
    from .config import load_config

    try:
        return load_config(obj["config_path"])
    except ConfigError as exc:
        _fail(str(exc), EXIT_CONFIG)


def _run(coro: Coroutine[Any, Any, T]) -> T:
    import asyncio  # 0.04 s of imports that --version and --help do without

    return asyncio.run(coro)


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


@main.command("build")
@click.option("--site", "sites", multiple=True, help="Only this site (repeatable).")
@_global_options
@pass_config
def build_cmd(obj: dict[str, Any], sites: tuple[str, ...]) -> None:
    """Poll every site once, write its feeds, and exit."""
    from .build import build

    config = _config(obj)
    with _progress() as progress:
        try:
            result = _run(build(config, sites, progress=progress))
        except ConfigError as exc:
            _fail(str(exc), EXIT_CONFIG)
        except FeedmakerError as exc:
            _fail(str(exc), EXIT_CONFIG)
        except OSError as exc:  # the lock file on a full disk, say
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
@click.option("--links", "every_link", is_flag=True,
              help="List every link of each section page with the reason it was taken or not.")
@_global_options
@pass_config
def check_cmd(obj: dict[str, Any], site: str, url: str | None, every_link: bool) -> None:
    """Show what the rules find on each section and on one article (the first found, or URL),
    and why each link of a section page was taken as an article or not."""
    from .check import check_site

    config = _config(obj)
    if site not in config.sites:
        _fail(f"{config.path}: sites.{site}: no such site (configured: {', '.join(config.sites)})",
              EXIT_CONFIG)
    from .integrity import check_state, damaged

    if (problem := check_state(config.state)) is not None:  # quick_check, read-only
        _fail(damaged(problem, config.state), EXIT_CONFIG)
    try:
        report = _run(check_site(config, config.sites[site], url))
    except FeedmakerError as exc:  # an unusable state file, say
        _fail(str(exc), EXIT_CONFIG)
    _print_check(report, click.echo, every_link)
    bad = any(s.error for s in report.sections) or report.article_error or report.parsed is None
    sys.exit(EXIT_FAILED if bad else 0)


def _print_check(report: CheckReport, echo: Callable[[str], None], every_link: bool = False) -> None:
    echo(f"{report.site.name} ({report.site.url})")
    if report.health:
        echo("rule health (last build):\n" + "\n".join(report.health_lines()))
    for s in report.sections:
        status = f"ERROR: {s.error}" if s.error and not s.links else f"{len(s.links)} article links"
        picker = " (picked automatically)" if s.decisions and s.links else ""
        echo(f"\nsection {s.title!r}  {s.url}\n  {status}{picker}")
        for line in s.link_lines(every_link):
            echo(line)
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
    command = click.option("--port", default=8080, show_default=True, envvar="FEEDMAKER_PORT",
                           type=click.IntRange(0, 65535), help="Port to serve on.")(command)
    command = click.option("--host", default="127.0.0.1", show_default=True, envvar="FEEDMAKER_HOST",
                           help="Address to serve on.")(command)
    return _global_options(command)


@main.command("run")
@click.option("--admin", is_flag=True, help="Turn on the /new page (add sites from a browser); "
              "it asks for the token printed at start-up.")
@_listen_options
@pass_config
def run_cmd(obj: dict[str, Any], host: str, port: int, admin: bool) -> None:
    """Poll every site on its interval and serve the feeds over HTTP, until stopped; /status
    shows every site's state."""
    from .daemon import run_daemon

    config = _config(obj)
    if not obj["verbose"]:  # one line per run per site, even without -v
        logging.getLogger("feedmaker.run").setLevel(logging.INFO)
    if obj["verbose"] < 2:  # APScheduler's own two lines per job are debug output
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
    try:
        _run(run_daemon(config, host, port, access_log=obj["verbose"] > 0, admin=admin))
    except FeedmakerError as exc:
        _fail(str(exc), EXIT_CONFIG)


@main.command("serve")
@click.option("--state", "given_state", metavar="URL",
              help="Serve the feeds published in this PostgreSQL store (default: the config's state).")
@_listen_options
@pass_config
def serve_cmd(obj: dict[str, Any], host: str, port: int, given_state: str | None) -> None:
    """Serve the feeds in out_dir (or a PostgreSQL store) over HTTP without polling."""
    from .daemon import serve_only

    config = _config(obj)
    if given_state or config.state_url:
        from .cli_cluster import serve_store_cmd, state_url

        serve_store_cmd(obj, config, state_url(config, given_state), host, port)
        return
    try:
        _run(serve_only(config, host, port, access_log=obj["verbose"] > 0))
    except FeedmakerError as exc:
        _fail(str(exc), EXIT_CONFIG)


@main.command("init")
@click.argument("url")
@click.option("--name", "key", help="Site key in the config (default: from the host name).")
@click.option("--articles", default=10, show_default=True, type=click.IntRange(1, 100),
              help="Articles to try the rules on.")
@click.option("--write", is_flag=True, help="Append the block to the config file (-c).")
@_global_options
@pass_config
def init_cmd(obj: dict[str, Any], url: str, key: str | None, articles: int, write: bool) -> None:
    """Draft a site block for URL: sections, link rule, selectors, with fill rates per field."""
    from pathlib import Path

    from .init import append_to_config, propose_site

    try:
        proposal = _run(propose_site(url, key=key, sample=articles))
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


from . import cli_cluster  # noqa: E402, F401  (registers worker, export and migrate)
