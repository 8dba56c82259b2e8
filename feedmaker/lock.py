"""One feedmaker process per state file: an advisory lock beside it, held for the process's work."""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path
from types import TracebackType

from .errors import FeedmakerError


class LockedError(FeedmakerError):
    """Another feedmaker process holds the state file."""


class StateLock:
    """flock on `<state>.lock`; the holder's pid is written into it for the error message.
    The kernel drops the lock when the process dies, even on kill -9, so it never goes stale."""

    def __init__(self, state: Path, *, wait: float = 0.0) -> None:
        self.path = state.with_name(state.name + ".lock")
        self.wait = wait
        self._fd: int | None = None

    def acquire(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise LockedError(f"cannot create lock file {self.path}: {exc}") from exc
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
                    os.close(fd)
                    raise LockedError(
                        f"another feedmaker process (pid {holder}) is using {self.path.with_suffix('')}"
                        "; wait for it to finish, or stop the daemon, and try again") from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> StateLock:
        self.acquire()
        return self

    def __exit__(self, typ: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()
