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

    def __init__(self, state: Path, *, wait: float = 0.0, daemon: bool = False) -> None:
        self.path = state.with_name(state.name + ".lock")
        self.wait = wait
        self.daemon = daemon  # a daemon holds the lock for its whole life: nobody should wait
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
                holder = os.pread(fd, 32, 0).decode(errors="replace").split()
                if holder[1:] == ["daemon"]:
                    os.close(fd)
                    raise LockedError(
                        f"the feedmaker daemon (pid {holder[0]}) is already running on "
                        f"{self.path.with_suffix('')} and polls every site itself; "
                        "stop it first (e.g. systemctl stop feedmaker)") from None
                if time.monotonic() >= deadline:
                    os.close(fd)
                    pid, state = holder[0] if holder else "?", self.path.with_suffix("")
                    raise LockedError(
                        f"another feedmaker process (pid {pid}) is using {state}"
                        "; wait for it to finish, or stop the daemon, and try again") from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}{' daemon' if self.daemon else ''}".encode(), 0)
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
