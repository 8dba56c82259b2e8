"""The data beside the project (../shared): a test that needs it skips, with the reason, when it
is absent on a developer's machine, and fails when CI=true (CI has it: a floor silently
skipped there would be no floor)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"


def require(path: Path) -> Path:
    """`path` (under ../shared) when it exists; else skip, or fail under CI."""
    if path.exists():
        return path
    reason = f"{path} is absent: the shared real-page data is not beside this checkout"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason}, and CI must have it")
    pytest.skip(reason)
