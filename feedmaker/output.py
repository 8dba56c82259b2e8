"""Writing into the served directory: atomic, only when the bytes changed, never outside out_dir."""

from __future__ import annotations

import contextlib
import functools
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath

from .errors import OutputError


def safe_path(out_dir: Path, relative: str) -> Path:
    """out_dir / relative, refusing anything that would resolve outside out_dir.

    The name itself must be plain (no "..", no absolute path, no NUL); the directory it lands
    in is resolved (symlinks followed) once per directory and must lie inside out_dir."""
    parts = PurePosixPath(relative).parts
    if not parts or relative.startswith("/") or "\0" in relative or any(
            p in ("..", ".") for p in parts):
        raise OutputError(f"refusing to write outside {out_dir}: {relative!r}")
    root = _resolved(out_dir)
    parent = _resolved(out_dir.joinpath(*parts[:-1])) if len(parts) > 1 else root
    if parent != root and root not in parent.parents:
        raise OutputError(f"refusing to write outside {root}: {relative!r}")
    target = parent / parts[-1]
    if target.is_symlink():  # a link planted in out_dir could point anywhere
        raise OutputError(f"refusing to write through a symbolic link: {target}")
    return target


@functools.lru_cache(maxsize=4096)
def _resolved(path: Path) -> Path:
    return path.resolve()


def write_if_changed(out_dir: Path, relative: str, data: bytes) -> bool:
    """Atomically replace out_dir/relative with data unless it already holds exactly that.

    Readers see the old file or the new one, never a partial one: the bytes go to a temporary
    file in the same directory, reach the disk, then are renamed over the target. Returns True
    if written. An unchanged file is left untouched (same mtime), so HTTP validators stay valid.
    """
    with Batch(out_dir) as batch:
        return batch.write(relative, data)


DIR_MODE, FILE_MODE = 0o755, 0o644  # served to anyone, written by us alone, whatever the umask
SYNC_THREADS = 8


def make_dirs(path: Path) -> None:
    """mkdir -p with every folder it creates 0755 (Path.mkdir would give 0777 under umask 000)."""
    missing: list[Path] = []
    while not path.is_dir():
        missing.append(path)
        if path.parent == path:
            break
        path = path.parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, DIR_MODE)
        except FileExistsError:
            if not folder.is_dir():
                raise
            continue
        os.chmod(folder, DIR_MODE)  # mkdir's mode is masked by the umask, which may be stricter


class Batch:
    """Many atomic writes made durable together: each changed file goes to a temporary name,
    they are all fsynced (in parallel), then renamed, then their folders fsynced. Readers see old or
    new files, never partial ones, and a power cut after `commit` loses nothing. (It used to be
    one os.sync(), which flushes every disk of the machine, on the event loop.) Use as a context
    manager: on an error nothing is renamed and the temporary files are removed."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self._staged: list[tuple[str, Path]] = []
        self._made: set[Path] = set()  # folders known to exist: one mkdir each, not one a file

    def write(self, relative: str, data: bytes) -> bool:
        """Stage out_dir/relative unless it already holds exactly `data`; True if staged."""
        target = safe_path(self.out_dir, relative)
        try:
            if target.read_bytes() == data:
                return False
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise OutputError(f"cannot read {target}: {exc}") from exc
        tmp = None
        try:
            if target.parent not in self._made:
                make_dirs(target.parent)
                self._made.add(target.parent)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                os.fchmod(fh.fileno(), FILE_MODE)  # served files are world-readable
                fh.write(data)
        except OSError as exc:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            raise OutputError(f"cannot write {target}: {exc}") from exc
        self._staged.append((tmp, target))
        return True

    def commit(self) -> None:
        if not self._staged:
            return
        done = 0
        try:
            _fsync_all([Path(tmp) for tmp, _ in self._staged], os.O_RDONLY)  # before any rename
            for tmp, target in self._staged:
                os.replace(tmp, target)
                done += 1
        except OSError as exc:
            del self._staged[:done]  # renamed already: nothing left to clean up
            self.discard()
            raise OutputError(f"cannot write into {self.out_dir}: {exc}") from exc
        folders = {target.parent for _, target in self._staged}
        self._staged.clear()
        try:
            _fsync_all(sorted(folders), os.O_RDONLY | os.O_DIRECTORY)  # the renames themselves
        except OSError as exc:
            raise OutputError(f"cannot sync {self.out_dir}: {exc}") from exc

    def discard(self) -> None:
        for tmp, _ in self._staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        self._staged.clear()

    def __enter__(self) -> Batch:
        return self

    def __exit__(self, typ: type[BaseException] | None, exc: BaseException | None,
                 tb: object) -> None:
        if typ is None:
            self.commit()
        else:
            self.discard()


def _fsync(path: Path, flags: int) -> None:
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_all(paths: list[Path], flags: int) -> None:
    """fsync every path, SYNC_THREADS at a time: the disk takes concurrent syncs together, and
    2,000 files took 0.2-0.6 s this way against 2.1-4.3 s one after the other (this VM)."""
    if len(paths) <= 1:
        for path in paths:
            _fsync(path, flags)
        return
    with ThreadPoolExecutor(min(SYNC_THREADS, len(paths))) as pool:
        for _ in pool.map(lambda p: _fsync(p, flags), paths):
            pass


def remove_stale_temps(out_dir: Path) -> int:
    """Delete temporary files a killed build left behind (they are never served: dot-names)."""
    count = 0
    if not out_dir.is_dir():
        return 0
    for tmp in out_dir.rglob(".*.tmp"):
        try:
            tmp.unlink()
            count += 1
        except OSError:
            pass
    return count
