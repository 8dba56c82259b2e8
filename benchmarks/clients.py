"""HTTP clients fetching the same pages one after another: CPU per request of each setup.

    .venv/bin/python -m benchmarks.clients [--pages 300] [--rounds 5] [--paired] [SETUP ...]

Each setup runs in a fresh process (`benchmarks.child fetch`), rounds interleave the setups, and
the table gives the median CPU ms per request (user + system, the client's process only: the site
is another process). One request first warms each setup (connection, imports) and is not counted.
With --paired the setups that can share a process take turns request by request in one process,
which a busy machine's load drift disturbs far less.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import json
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

SETUPS = {
    "aiohttp": "bare aiohttp ClientSession (the C parser)",
    "httpx": "bare httpx.AsyncClient() as `pip install httpx` gives it (httpcore + h11, no sniffio)",
    "httpx-sniffio": "the same with sniffio installed (else httpcore retries the import per request)",
    "httpx-tuned": "httpx's own transport with sniffio and 256 KiB reads instead of 64",
    "httpx-aiohttp": "httpx.AsyncClient over httpx-aiohttp's AiohttpTransport",
    "httpx-feedmaker": "httpx.AsyncClient over feedmaker's AiohttpTransport (transport.connect)",
    "fetcher": "feedmaker's Fetcher.get on that client (robots.txt, caps, decoding, block checks)",
}


PAIRED = ("aiohttp", "httpx-aiohttp", "httpx-feedmaker", "fetcher")


class _NoSniffio:
    """Makes `import sniffio` fail as it does where it is not installed: after asking every
    finder (sys.path, the editable install's finder...) for a module that is not there."""

    @staticmethod
    def find_spec(name: str, path: object = None, target: object = None) -> None:
        if name == "sniffio":
            importlib.util.find_spec("sniffio_is_not_installed")
            raise ModuleNotFoundError("No module named 'sniffio'", name=name)


Getter = Callable[[str], Awaitable[bytes]]


@contextlib.asynccontextmanager
async def _open(setup: str) -> AsyncIterator[Getter]:
    """A function fetching one URL's body with `setup`, and its clean-up."""
    if setup == "aiohttp":
        import aiohttp

        async with aiohttp.ClientSession() as session:
            async def get(url: str) -> bytes:
                async with session.get(url) as resp:
                    return await resp.read()
            yield get
    elif setup == "fetcher":
        from feedmaker.fetch import Fetcher

        async with Fetcher("feedmaker-bench/1") as fetcher:
            async def fetch(url: str) -> bytes:
                return (await fetcher.get(url)).html
            yield fetch
    else:
        async with contextlib.AsyncExitStack() as stack:
            client = await stack.enter_async_context(await _httpx_client(setup, stack))

            async def via_httpx(url: str) -> bytes:
                return (await client.get(url)).content
            yield via_httpx


async def _httpx_client(setup: str, stack: contextlib.AsyncExitStack) -> Any:
    import httpx

    if setup == "httpx-tuned":
        from httpcore._async.http11 import AsyncHTTP11Connection

        AsyncHTTP11Connection.READ_NUM_BYTES = 256 * 1024
    if setup == "httpx-aiohttp":
        import aiohttp
        from httpx_aiohttp import AiohttpTransport

        session = await stack.enter_async_context(aiohttp.ClientSession())
        return httpx.AsyncClient(transport=AiohttpTransport(client=session))
    if setup == "httpx-feedmaker":
        from feedmaker.transport import connect

        return connect("feedmaker-bench/1", 30.0, lambda url: None)
    return httpx.AsyncClient()


async def _timed(get: Getter, urls: Sequence[str]) -> float:
    """CPU seconds for all but the first URL, which warms the setup."""
    await get(urls[0])
    t0 = time.process_time()
    for url in urls[1:]:
        if not await get(url):
            raise RuntimeError(f"empty body from {url}")
    return time.process_time() - t0


def measure(setup: str, urls: Sequence[str]) -> float:
    """CPU ms per request of `setup` over `urls` (in this process: call it in a fresh one)."""
    if setup == "httpx":  # whether or not something installed sniffio here
        sys.modules.pop("sniffio", None)
        sys.meta_path.insert(0, _NoSniffio)  # type: ignore[arg-type]
    elif setup in ("httpx-sniffio", "httpx-tuned"):
        import sniffio  # noqa: F401  (a test extra of feedmaker's: fail loudly if missing)

    async def run() -> float:
        async with _open(setup) as get:
            return await _timed(get, urls)
    return asyncio.run(run()) * 1000 / (len(urls) - 1)


def measure_paired(setups: Sequence[str], urls: Sequence[str], reps: int) -> dict[str, list[float]]:
    """CPU ms per request of each setup, all in this process, taking turns request by request:
    load on the machine then weighs on every setup alike (rounds in separate processes see it
    come and go). For setups that can share a process: not httpx with or without sniffio."""
    async def run() -> dict[str, list[float]]:
        async with contextlib.AsyncExitStack() as stack:
            gets = {s: await stack.enter_async_context(_open(s)) for s in setups}
            for get in gets.values():
                await get(urls[0])
            out: dict[str, list[float]] = {s: [] for s in setups}
            for _ in range(reps):
                spent = dict.fromkeys(setups, 0.0)
                for url in urls[1:]:
                    for setup, get in gets.items():
                        t0 = time.process_time()
                        await get(url)
                        spent[setup] += time.process_time() - t0
                for setup in setups:
                    out[setup].append(spent[setup] * 1000 / (len(urls) - 1))
            return out
    return asyncio.run(run())


def compare(site_url: str, articles: int, pages: int, rounds: int, setups: Sequence[str],
            folder: Path) -> dict[str, list[float]]:
    """CPU ms per request of each setup, `rounds` interleaved runs each, on the same `pages`."""
    from .runs import child
    from .workload import article_urls

    folder.mkdir(parents=True, exist_ok=True)
    urls = folder / "urls.json"
    urls.write_text(json.dumps(article_urls(site_url, articles)[:pages]))
    out: dict[str, list[float]] = {s: [] for s in setups}
    for _ in range(rounds):
        for setup in setups:
            out[setup].append(child("fetch", {"setup": setup, "urls": str(urls)})["ms"])
    return out


def main(argv: list[str] | None = None) -> int:
    import statistics
    import tempfile

    from .workload import SiteProcess

    ap = argparse.ArgumentParser(prog="python -m benchmarks.clients", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--paired", action="store_true",
                    help=f"one process, setups taking turns request by request ({', '.join(PAIRED)})")
    ap.add_argument("setups", nargs="*", metavar="SETUP", help=f"any of {', '.join(SETUPS)} (all)")
    args = ap.parse_args(argv)
    if unknown := set(args.setups) - set(SETUPS):
        ap.error(f"unknown setup {sorted(unknown)[0]!r}")
    args.setups = args.setups or list(PAIRED if args.paired else SETUPS)
    if args.paired and (odd := set(args.setups) - set(PAIRED)):
        ap.error(f"{sorted(odd)[0]!r} cannot share a process with the others")
    with SiteProcess(max(args.pages, 1000)) as site, tempfile.TemporaryDirectory() as tmp:
        if args.paired:
            from .workload import article_urls

            urls = article_urls(site.url, site.articles)[:args.pages]
            got = measure_paired(args.setups, urls, args.rounds)
        else:
            got = compare(site.url, site.articles, args.pages, args.rounds, args.setups, Path(tmp))
    base = statistics.median(got["aiohttp"]) if "aiohttp" in got else None
    print(f"CPU ms per request, {args.pages} generated pages (40-150 KB) over loopback, "
          f"median of {args.rounds} " + ("passes, setups taking turns request by request"
                                         if args.paired else "interleaved rounds"))
    for setup, values in got.items():
        med = statistics.median(values)
        extra = f"  +{med - base:.2f} over aiohttp" if base is not None and setup != "aiohttp" else ""
        rounds = " ".join(f"{v:.2f}" for v in values)
        print(f"  {setup:<16} {med:5.2f}{extra:<20}  ({rounds})  {SETUPS[setup]}")
    return 0


def child_fetch(args: dict[str, Any]) -> dict[str, Any]:
    return {"ms": measure(args["setup"], json.loads(Path(args["urls"]).read_text()))}


if __name__ == "__main__":
    raise SystemExit(main())
