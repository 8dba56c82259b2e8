"""Is the state file whole? `PRAGMA quick_check` where it is cheap (a build of a state file up to
QUICK_CHECK_MAX_BYTES, the daemon's start and then daily, `feedmaker check`), and the words for
a damaged file: what is wrong and how to recover.

A damaged page can sit unnoticed for months when no run happens to read it (9 of 14
corruptions tried left builds exiting 0); SQLite reports it only when a query touches it.
quick_check reads every page: about 0.07 s of CPU per 100 MB here.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from .errors import StoreError
from .store import Store

__all__ = ["QUICK_CHECK_MAX_BYTES", "check_state", "damaged", "sqlite_problem"]

QUICK_CHECK_MAX_BYTES = 256 * 1024 * 1024  # a build checks files up to this size (~0.2 s CPU)


def check_state(path: Path) -> str | None:
    """None when the state file is whole (or absent: nothing built yet); else what is wrong.
    Opens the file read-only and writes nothing to it."""
    if not path.exists():
        return None
    try:
        store = Store(path, readonly=True)
    except StoreError as exc:
        return str(exc)
    try:
        rows = store.db.execute("PRAGMA quick_check(5)").fetchall()
    except sqlite3.DatabaseError as exc:
        return f"{path}: {exc}"
    finally:
        store.close()
    found = [" ".join(str(r[0]).split()) for r in rows]  # its messages span lines
    return None if found == ["ok"] else f"{path}: damaged ({'; '.join(found)[:500]})"


def damaged(problem: str, path: Path) -> str:
    """`problem` with how to recover from it."""
    return (f"{problem}. Feeds already written are kept. To recover, stop feedmaker and either "
            f"salvage the history: `sqlite3 {path} .recover | sqlite3 {path}.recovered` then "
            f"move {path}.recovered over it, or move {path} aside to start afresh (articles "
            "still listed are fetched again; older entries leave the feeds)")


def sqlite_problem(path: Path, exc: sqlite3.Error) -> str:
    """One line for an SQLite error met while working: a full disk, an I/O error, a damaged
    page."""
    text = str(exc)
    if "full" in text:
        return f"{path}: cannot write the state file: {text} (no space left?)"
    if "malformed" in text or "corrupt" in text:
        return damaged(f"{path}: {text}", path)
    return f"{path}: {text}"
