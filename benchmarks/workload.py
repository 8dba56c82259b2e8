"""The benchmark workload: the generated sample site in its own process, and configs aimed at it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sample_site.generate import PAGE_SIZE, SECTIONS

ROOT = Path(__file__).resolve().parents[1]

CONFIG = """\
out_dir = "{out}"
state = "{state}"
public_url = "http://localhost:8080/"
per_host = 2

[sites.gen]
name = "Generated Mayadeen"
url = "{url}"
timezone = "Asia/Beirut"
max_items = 50
pages = {pages}

[sites.gen.sections]
{sections}

[sites.gen.links]
selector = "a[href]"
include = '^/(news|articles)/[^/]+/[^/?#]+$'
exclude = ['^/tags/']

[sites.gen.article]
title = "h1"
content = ".article-body"
summary = ".article-summary"
author = ".author"
published = "time@datetime"
image = "figure img@src"
tags = ".tags a"
remove = [".ad", ".share", "script"]
"""


class SiteProcess:
    """`python -m sample_site.server --articles N` in a child process, so its CPU is not ours."""

    def __init__(self, articles: int, seed: int = 0, *, long_text: bool = False) -> None:
        self.articles, self.seed, self.long_text = articles, seed, long_text
        self.proc: subprocess.Popen[str] | None = None
        self.url = ""

    def __enter__(self) -> SiteProcess:
        cmd = [sys.executable, "-m", "benchmarks.site", str(self.articles)] if self.long_text \
            else [sys.executable, "-m", "sample_site.server", "--port", "0",
                  "--articles", str(self.articles), "--seed", str(self.seed)]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()
        if not self.url.startswith("http"):
            raise RuntimeError("sample site did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


def pages_needed(articles: int) -> int:
    """Listing pages per section that reach every article (sections differ in size: 2x margin)."""
    return min(50, max(1, 2 * articles // (len(SECTIONS) * PAGE_SIZE) + 1))


def write_config(folder: Path, url: str, articles: int, *, sections: int = len(SECTIONS)) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = "\n".join(f'{s.name} = "{s.path}"' for s in SECTIONS[:sections])
    path = folder / "feedmaker.toml"
    path.write_text(CONFIG.format(out=folder / "feeds", state=folder / "state.sqlite", url=url,
                                  pages=pages_needed(articles), sections=lines))
    return path


def article_urls(url: str, articles: int, seed: int = 0) -> list[str]:
    """Every article's URL, newest first, from the same deterministic catalogue the server has."""
    from sample_site.generate import build_big_catalog

    catalog = build_big_catalog(articles, seed=seed)
    return [url.rstrip("/") + s.path for s in catalog.stories()]
