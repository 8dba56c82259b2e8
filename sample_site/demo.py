"""`make demo`: serve the sample site on 127.0.0.1, poll it with the feedmaker daemon, serve the feeds.

Offline and self-contained: the config is written to .demo/ with the sample site's real port,
feeds go to ./feeds, and Ctrl-C stops everything.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import re
import socket
from pathlib import Path

from feedmaker.config import load_config
from feedmaker.daemon import run_daemon

from .server import SampleSite

ROOT = Path(__file__).resolve().parents[1]


def _free(port: int) -> int:
    """The wanted port if it is free, else any free one (a second demo must still start)."""
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_demo_config(site_url: str, public_url: str, workdir: Path) -> Path:
    text = (Path(__file__).parent / "feedmaker.toml").read_text()
    text = re.sub(r'(?m)^url = ".*"$', f'url = "{site_url}"', text, count=1)
    text = re.sub(r'(?m)^public_url = ".*"$', f'public_url = "{public_url}"', text, count=1)
    text = re.sub(r'(?m)^out_dir = ".*"$', f'out_dir = "{ROOT / "feeds"}"', text, count=1)
    text = re.sub(r'(?m)^interval = ".*"$', 'interval = "30s"', text, count=1)
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "feedmaker.toml"
    path.write_text(text)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--site-port", type=int, default=8001)
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    for noisy in ("aiohttp", "httpx", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    port = _free(args.port)
    with SampleSite(_free(args.site_port)) as site:
        public = f"http://127.0.0.1:{port}/"
        config = load_config(write_demo_config(site.url, public, ROOT / ".demo"))
        print(f"\nsample site:  {site.url}\nfeeds:        {public}  (index.html, feeds.opml)\n"
              f"e.g.          {public}sample/tags/cell-therapy.atom\n"
              f"publish one:  curl -X POST {site.url}_admin/publish -d "
              "'{\"section\": \"health\", \"title\": \"A new story\", \"tags\": [\"Cancer\"]}'\n"
              "Ctrl-C stops.\n", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(run_daemon(config, "127.0.0.1", port))


if __name__ == "__main__":
    main()
