"""The browser pages: /status rendered for 200 sites, and a /new preview of the sample site's
section page (fetch, link survey, three articles) with the parser pool already running, as in
the daemon. In process over ASGI (no socket): the figures are the pages' own cost.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from feedmaker.config import load_config
from feedmaker.fetch import HostSlots
from feedmaker.health import Health
from feedmaker.serve import create_app
from feedmaker.store import HealthRow, RunRecord, Store
from feedmaker.web.app import Web, shared_store
from feedmaker.web.preview import Form, Previewer
from feedmaker.workers import ParserPool
from sample_site.server import SampleSite

SITES = 200
FIELDS = ("title", "content", "summary", "author", "published", "updated", "image", "tags")


def _state(folder: Path) -> Path:
    """A config of SITES sites with 4 sections each, and a state file with 10 runs and rule
    health per site (one failing site in ten, with its error)."""
    text = "".join(f'[sites.site{i}]\nname = "Site {i}"\nurl = "https://site{i}.example/"\n'
                   f'[sites.site{i}.sections]\nNews = "/news"\nWorld = "/world"\n'
                   f'Sport = "/sport"\nOpinion = "/opinion"\n' for i in range(SITES))
    path = folder / "feedmaker.toml"
    path.write_text(text)
    now = datetime.now(UTC)
    with Store(folder / "feedmaker.sqlite") as store, store.transaction():
        for i in range(SITES):
            for r in range(10):
                at = now - timedelta(minutes=15 * (10 - r))
                ok = i % 10 or r < 5
                store.record_run(RunRecord(f"site{i}", at, at, bool(ok), "ok" if ok else "failing",
                                           None if ok else "https://x.example/news: HTTP 500",
                                           r % 3, 0, 3, 5))
    with Store(folder / "feedmaker.sqlite") as store:
        for i in range(SITES):
            rows = [HealthRow("links", s, 20, 20, {"automatic": 20}, None, 0)
                    for s in ("News", "World", "Sport", "Opinion")]
            rows += [HealthRow("field", f, 10, 9, {"JSON-LD": 7, "meta": 2}, None, 0) for f in FIELDS]
            store.save_rule_health(f"site{i}", rows, now)
    return path


async def _get(app: Any, path: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://x") as c:
        return await c.get(path)


def status_page(rounds: int = 30) -> dict[str, Any]:
    """Median wall and CPU ms of a /status request, "cold" (every site's figures read from the
    state file, as right after each site has run) and "warm" (the daemon's per-site cache,
    between runs), interleaved."""
    with tempfile.TemporaryDirectory() as tmp:
        config = load_config(_state(Path(tmp)))
        with Store(config.state) as store:
            health = Health.from_store(config.sites, store)
            web = Web(config, health, lambda: shared_store(store))
            app = create_app(Path(tmp) / "feeds", lambda: health, routes=web.routes())
            times: dict[str, tuple[list[float], list[float]]] = {"cold": ([], []), "warm": ([], [])}
            size = 0

            async def run() -> None:
                nonlocal size
                await _get(app, "/status")  # templates compiled once, as in a daemon
                for _ in range(rounds):
                    for kind in ("cold", "warm"):
                        web._cache = {} if kind == "cold" or web._cache is None else web._cache
                        if kind == "warm":
                            await _get(app, "/status")  # fills the cache
                        w, c = time.perf_counter(), time.process_time()
                        page = await _get(app, "/status")
                        times[kind][1].append(time.process_time() - c)
                        times[kind][0].append(time.perf_counter() - w)
                        assert page.status_code == 200 and page.text.count('class="site"') == SITES
                        size = len(page.content)
                    web._cache = None

            asyncio.run(run())
    return {"sites": SITES, "kb": size / 1024, "rounds": rounds,
            **{f"{k}_{m}": statistics.median(v[i]) * 1000 for k, v in times.items()
               for i, m in enumerate(("wall_ms", "cpu_ms"))}}


def preview(rounds: int = 5) -> dict[str, Any]:
    with SampleSite() as site, tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "feedmaker.toml"
        path.write_text(f'allow_private = true\n[sites.s]\nurl = "{site.url}"\n'
                        '[sites.s.sections]\nHealth = "/news/health"\n')
        config = load_config(path)
        walls: list[float] = []
        links = 0

        async def run() -> None:
            nonlocal links
            async with ParserPool(budget=config.parse_budget) as pool:
                previewer = Previewer(lambda: config, pool, HostSlots(config.per_host))
                form = Form(site.url + "news/health")
                await previewer.run(form)  # the pool's workers start (the daemon's already run)
                for _ in range(rounds):
                    start = time.perf_counter()
                    result = await previewer.run(form)
                    walls.append(time.perf_counter() - start)
                    assert result.error is None and len(result.samples) == 3, result.error
                    links = result.taken

        asyncio.run(run())
    return {"wall_s": statistics.median(walls), "max_s": max(walls), "links": links,
            "rounds": rounds}


if __name__ == "__main__":
    print(status_page())
    print(preview())
