"""The benchmark-only venv (.bench-venv/): trafilatura and morss, never in the project's venv."""

from __future__ import annotations

import subprocess
import sys

from .workload import ROOT

VENV = ROOT / ".bench-venv"
PYTHON = VENV / "bin" / "python"
# lxml_html_clean: trafilatura's justext still imports lxml.html.clean, split out of lxml 5.2.
PACKAGES = ("trafilatura", "lxml_html_clean", "morss")


def _has(module: str) -> bool:
    return PYTHON.exists() and subprocess.run(
        [PYTHON, "-c", f"import {module}"], capture_output=True).returncode == 0


def ensure() -> dict[str, bool]:
    """Create .bench-venv from PyPI when missing; say which comparators are importable."""
    if not (_has("trafilatura") and _has("morss")):
        print("preparing .bench-venv (trafilatura, morss) ...", file=sys.stderr)
        try:
            if not PYTHON.exists():
                subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
            subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", *PACKAGES], check=True,
                           capture_output=True, timeout=600)
        except (OSError, subprocess.SubprocessError) as exc:
            print(f"  could not install: {exc}", file=sys.stderr)
    return {"trafilatura": _has("trafilatura"), "morss": _has("morss")}
