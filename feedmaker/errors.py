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


class FeedmakerError(Exception):
    """Base of every error feedmaker raises on purpose."""


class ConfigError(FeedmakerError):
    def __init__(self, path: str, key: str, problem: str) -> None:
        self.path, self.key, self.problem = path, key, problem
        where = f"{path}: {key}: " if key else f"{path}: "
        super().__init__(where + problem)


class FetchError(FeedmakerError):
    def __init__(self, url: str, problem: str, status: int | None = None,
                 retry_after: float | None = None) -> None:
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
