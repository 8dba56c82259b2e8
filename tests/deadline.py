"""A watchdog for tests of work that must not blow up: the alarm is set orders of magnitude above
the expected cost, so it catches a quadratic or exponential path, never a slow machine."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class Stalled(AssertionError):
    pass


@contextmanager
def deadline(seconds: int, what: str) -> Iterator[None]:
    """Fail with `what` if the block is still running after `seconds` (SIGALRM: the main thread
    only; Python's regex engine and most loops check for signals, so it interrupts them too)."""
    def expire(signum: int, frame: FrameType | None) -> None:
        raise Stalled(f"{what}: still running after {seconds}s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
