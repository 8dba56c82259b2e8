"""SIGTERM and SIGINT as a call in the event loop, for every long-running command (`run`,
`worker`, `serve`); a module of its own so that a worker does not import the daemon's web app."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable

__all__ = ["STOP_SIGNALS", "on_stop_signals"]

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class on_stop_signals:
    """SIGTERM and SIGINT call `handler` from the event loop while inside the block."""

    def __init__(self, handler: Callable[[], None]) -> None:
        self.handler = handler
        self.loop = asyncio.get_running_loop()

    def __enter__(self) -> None:
        for sig in STOP_SIGNALS:
            self.loop.add_signal_handler(sig, self.handler)

    def __exit__(self, *exc: object) -> None:
        for sig in STOP_SIGNALS:
            self.loop.remove_signal_handler(sig)
