"""feedmaker: turn websites that publish no usable feed into Atom, RSS and JSON feeds.

The library API behind the `feedmaker` command: load a config, build every site once, or look
at what the rules find on one site. The daemon lives in `feedmaker.daemon`.

Names are imported on first use (PEP 562): `import feedmaker` for `__version__` (the CLI's
`--version`) must not load the HTTP client, the parser and SQLite, ~0.35 s of CPU.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> the module that defines it
_EXPORTS = {
    "build": "build", "BuildResult": "build",
    "check_site": "check", "CheckReport": "check",
    "Config": "config", "SiteConfig": "config", "load_config": "config",
    "BlockedError": "errors", "ConfigError": "errors", "FeedmakerError": "errors",
    "FetchError": "errors", "OutputError": "errors", "ParseError": "errors",
    "RobotsDenied": "errors", "StoreError": "errors",
    "Article": "model",
    "Parsed": "model", "parse_article": "parse",
    "SiteResult": "pipeline",
}

__all__ = [
    "Article", "BlockedError", "BuildResult", "CheckReport", "Config", "ConfigError",
    "FeedmakerError", "FetchError", "OutputError", "ParseError", "Parsed", "RobotsDenied",
    "SiteConfig", "SiteResult", "StoreError", "__version__", "build", "check_site",
    "load_config", "parse_article",
]

if TYPE_CHECKING:
    from .build import BuildResult, build
    from .check import CheckReport, check_site
    from .config import Config, SiteConfig, load_config
    from .errors import (
        BlockedError,
        ConfigError,
        FeedmakerError,
        FetchError,
        OutputError,
        ParseError,
        RobotsDenied,
        StoreError,
    )
    from .model import Article, Parsed
    from .parse import parse_article
    from .pipeline import SiteResult


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'feedmaker' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # the next lookup is a plain attribute
    return value


def __dir__() -> list[str]:
    return __all__
