"""A `feedmaker run` / `feedmaker serve` subprocess for end-to-end tests, and bounded waits."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def closed_port_url() -> str:
    """An http URL where nothing listens (connections are refused at once)."""
    return f"http://127.0.0.1:{free_port()}/"


def broken_site(name: str, url: str, section: str, path: str) -> str:
    """A config block for a site "broken" polled every 2 s, with one section, to append to a
    config whose other site works."""
    return (f'\n[sites.broken]\nname = "{name}"\nurl = "{url}"\ninterval = "2s"\n'
            f'[sites.broken.sections]\n{section} = "{path}"\n')


def wait_for(check: Callable[[], T | None], timeout: float = 15.0, what: str = "condition",
             every: float = 0.1) -> T:
    """Poll `check` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g}s waiting for {what}")
        time.sleep(every)


class Daemon:
    """`with Daemon(config, "run") as d: d.get("/healthz")`; leaving sends SIGTERM and checks
    that the process ends with 0 within a few seconds."""

    def __init__(self, config: Path, command: str = "run", *args: str) -> None:
        self.config, self.port = config, free_port()
        self.log_path = config.parent / f"{command}-{self.port}.log"
        self.argv = [sys.executable, "-m", "feedmaker", "-c", str(config), command,
                     "--port", str(self.port), *args]
        self.proc: subprocess.Popen[bytes] | None = None
        self.exit_seconds: float | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def start(self) -> Daemon:
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(self.argv, stdout=log, stderr=subprocess.STDOUT,
                                         cwd=self.config.parent)
        wait_for(self._up, 20, f"the daemon on port {self.port}")
        return self

    def _up(self) -> bool:
        assert self.proc is not None
        if self.proc.poll() is not None:
            raise AssertionError(f"daemon exited with {self.proc.returncode}:\n{self.log}")
        try:
            return httpx.get(self.url + "/healthz", timeout=2).status_code in (200, 503)
        except httpx.TransportError:
            return False

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15.0) -> int:
        assert self.proc is not None
        started = time.monotonic()
        self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"no exit {timeout:g}s after signal {sig}:\n{self.log}") from None
        self.exit_seconds = time.monotonic() - started
        return code

    def __enter__(self) -> Daemon:
        return self.start()

    def __exit__(self, typ: object, *exc: object) -> None:
        assert self.proc is not None
        if self.proc.poll() is None:
            code = self.stop()
            if typ is None:
                assert code == 0, f"exit code {code}:\n{self.log}"

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return httpx.get(self.url + path, timeout=10, **kw)

    def health(self) -> dict[str, Any]:
        data: dict[str, Any] = self.get("/healthz").json()
        return data

    def metric(self, name: str, **labels: str) -> float:
        """One sample of the Prometheus text at /metrics (0 when absent)."""
        want = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
        pattern = re.escape(name) + (r"\{" + re.escape(want) + r"\}" if want else "") + r" (\S+)"
        m = re.search(rf"(?m)^{pattern}$", self.get("/metrics").text)
        return float(m.group(1)) if m else 0.0

    def runs(self, site: str) -> int:
        return int(self.metric("feedmaker_runs_total", site=site))
