"""An offline imitation of english.almayadeen.net on 127.0.0.1, for demos, tests and benchmarks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .server import Request, SampleSite

__all__ = ["Request", "SampleSite"]


def __getattr__(name: str) -> Any:
    # Imported on first use, so `python -m sample_site.server` does not find the module already
    # loaded by the package (runpy warns about that).
    if name in __all__:
        from . import server

        return getattr(server, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
