"""The benchmark workload: the generated sample site in its own process, and configs aimed at it."""

from __future__ import annotations

import fcntl
import os
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
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


# Linux inode flag "top of a directory hierarchy": ext4 spreads the directories made inside it
# over block groups as it does for directories made in /.
_FS_IOC_GETFLAGS, _FS_IOC_SETFLAGS, _FS_TOPDIR_FL = 0x80086601, 0x40086602, 0x00020000


def work_dir() -> Path:
    """An empty folder for one benchmark run, whose subfolders each land in a fresh ext4 block group.

    On ext4 without a journal (this VM's root filesystem) creating a file scans past every inode
    of its block group deleted in the last one to five minutes (the kernel's `recently_deleted`,
    seen with `perf`): after `make test` or a previous round removed a few thousand files, each new
    file cost 0.5-0.7 ms of CPU instead of 0.02 ms, a third of a cold build's CPU. That is the
    harness's own cleanup, not feedmaker's work, so the runner deletes nothing until it ends and
    marks this folder TOPDIR (best effort: other filesystems ignore or refuse the flag)."""
    path = Path(tempfile.mkdtemp(prefix="feedmaker-bench-"))
    try:
        fd = os.open(path, os.O_RDONLY)
        try:
            flags = struct.unpack("l", fcntl.ioctl(fd, _FS_IOC_GETFLAGS, struct.pack("l", 0)))[0]
            fcntl.ioctl(fd, _FS_IOC_SETFLAGS, struct.pack("l", flags | _FS_TOPDIR_FL))
        finally:
            os.close(fd)
    except OSError:
        pass
    return path


SETTLE_SECONDS = 300  # how long the recently-deleted scan (see `work_dir`) can last
_CLEANED = ROOT / ".bench-cache" / "last-cleanup"


def settle(wait: bool, say: Callable[[str], object] = print) -> float:
    """Seconds since the previous run deleted its files, after waiting (if `wait`) until that is
    SETTLE_SECONDS: until then, creating files pays for scanning past those inodes (`work_dir`)."""
    try:
        age = time.time() - _CLEANED.stat().st_mtime
    except FileNotFoundError:
        return float("inf")
    if wait and age < SETTLE_SECONDS:
        say(f"... the previous run deleted its files {age:.0f} s ago; waiting "
            f"{SETTLE_SECONDS - age:.0f} s, until creating files costs what it usually does")
        time.sleep(SETTLE_SECONDS - age)
        return float(SETTLE_SECONDS)
    return age


def cleaned() -> None:
    """Note that a run has just deleted its work folder (see `settle`)."""
    _CLEANED.parent.mkdir(exist_ok=True)
    _CLEANED.touch()


class SiteProcess:
    """`python -m sample_site.server --articles N` in a child process, so its CPU is not ours."""

    def __init__(self, articles: int, seed: int = 0, *, long_text: bool = False) -> None:
        self.articles, self.seed, self.long_text = articles, seed, long_text
        self.proc: subprocess.Popen[str] | None = None
        self.url = ""

    def __enter__(self) -> SiteProcess:
        # --prerender: pages are generated before any measurement and served from memory, so
        # the server's own work competes as little as it can with the client being measured.
        cmd = [sys.executable, "-m", "benchmarks.site", str(self.articles)] if self.long_text \
            else [sys.executable, "-m", "sample_site.server", "--port", "0", "--prerender",
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
