"""An offline imitation of english.almayadeen.net on 127.0.0.1, for demos, tests and benchmarks."""

from .server import Request, SampleSite

__all__ = ["Request", "SampleSite"]
