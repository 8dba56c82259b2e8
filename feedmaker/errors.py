"""The exception tree: every error feedmaker raises on purpose derives from FeedmakerError.

    FeedmakerError
     ├── ConfigError      bad config file: names the file, the TOML key and the problem
     ├── FetchError       a request failed (url, status; status is None for network errors)
     │    ├── BlockedError    the site answered with a block or a challenge page
     │    └── RobotsDenied    robots.txt disallows the URL
     ├── ParseError       a page could not be turned into what was expected
     ├── StoreError       the state file cannot be opened, read or written
     └── OutputError      the served directory cannot be written
"""

from __future__ import annotations

import re

# The user:password@ of a URL: what an http_proxy or a site URL may carry and no message may show.
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s@'\"<>]*@")


def redact(text: str) -> str:
    """`text` with the credentials of every URL in it replaced by `***`."""
    return _USERINFO.sub(r"\1***@", text) if "@" in text else text


class FeedmakerError(Exception):
    """Base of every error feedmaker raises on purpose."""


class ConfigError(FeedmakerError):
    def __init__(self, path: str, key: str, problem: str) -> None:
        self.path, self.key, self.problem = path, key, problem
        where = f"{path}: {key}: " if key else f"{path}: "
        super().__init__(where + problem)


class FetchError(FeedmakerError):
    """Its url and problem never carry credentials (they reach logs, /healthz and the state file)."""

    def __init__(self, url: str, problem: str, status: int | None = None,
                 retry_after: float | None = None) -> None:
        url, problem = redact(url), redact(problem)
        self.url, self.status, self.problem, self.retry_after = url, status, problem, retry_after
        super().__init__(f"{url}: {problem}")


class BlockedError(FetchError):
    """A 403/429 or a challenge page: the site is refusing us, not broken."""


class RobotsDenied(FetchError):
    def __init__(self, url: str, why: str = "disallowed by robots.txt") -> None:
        super().__init__(url, why)


class ParseError(FeedmakerError):
    def __init__(self, url: str, problem: str) -> None:
        self.url, self.problem = url, problem
        super().__init__(f"{url}: {problem}")


class StoreError(FeedmakerError):
    pass


class OutputError(FeedmakerError):
    pass
