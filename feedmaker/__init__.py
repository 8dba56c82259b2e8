"""feedmaker: turn websites that publish no usable feed into Atom, RSS and JSON feeds.

The library API behind the `feedmaker` command: load a config, build every site once, or look
at what the rules find on one site. The daemon lives in `feedmaker.daemon`.
"""

__version__ = "0.1.0"

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
from .model import Article
from .parse import Parsed, parse_article
from .pipeline import SiteResult

__all__ = [
    "Article", "BlockedError", "BuildResult", "CheckReport", "Config", "ConfigError",
    "FeedmakerError", "FetchError", "OutputError", "ParseError", "Parsed", "RobotsDenied",
    "SiteConfig", "SiteResult", "StoreError", "__version__", "build", "check_site",
    "load_config", "parse_article",
]
