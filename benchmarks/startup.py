"""Whole-process CPU of short commands: `feedmaker --version`, `--help`, and a `build` of the
sample site with nothing new (a cron'd build's usual run).

Each command runs in a child process and its CPU (user + system) comes from `os.wait4`, so the
sample site, served from this process, is not counted. Bytecode is compiled first and the
children may read it (PYTHONDONTWRITEBYTECODE would otherwise make every start recompile
feedmaker's own modules, which an installed package never does).
"""

from __future__ import annotations

import compileall
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from sample_site.server import SampleSite

ROOT = Path(__file__).resolve().parents[1]
RUNS = 7


def cpu_of(argv: list[str], cwd: Path | None = None) -> tuple[float, int]:
    """(CPU seconds, exit code) of one run of argv."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_utime + usage.ru_stime, proc.returncode


def median_cpu(argv: list[str], cwd: Path | None = None, runs: int = RUNS) -> float:
    results = [cpu_of(argv, cwd) for _ in range(runs)]
    codes = {code for _, code in results}
    if codes != {0}:
        raise RuntimeError(f"{' '.join(argv)} exited with {codes}")
    return statistics.median(cpu for cpu, _ in results)


def startup(runs: int = RUNS) -> dict[str, Any]:
    compileall.compile_dir(str(ROOT / "feedmaker"), quiet=1)
    fm = [sys.executable, "-m", "feedmaker"]
    found: dict[str, Any] = {
        "python": median_cpu([sys.executable, "-c", "pass"], runs=runs),
        "version": median_cpu([*fm, "--version"], runs=runs),
        "help": median_cpu([*fm, "--help"], runs=runs),
    }
    with SampleSite() as site, tempfile.TemporaryDirectory(prefix="fm-startup-") as tmp:
        text = (ROOT / "sample_site" / "feedmaker.toml").read_text()
        config = Path(tmp) / "feedmaker.toml"
        config.write_text(text.replace('url = "http://127.0.0.1:8001/"', f'url = "{site.url}"', 1))
        if site.url not in config.read_text():
            raise RuntimeError("the sample config's site URL line has changed")
        cpu_of([*fm, "-c", str(config), "build"])  # the cold build
        found["build_nothing_new"] = median_cpu([*fm, "-c", str(config), "build"], runs=runs)
    return found
