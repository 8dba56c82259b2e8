"""One fetcher per site for a long-running process (the daemon's scheduler, a cluster worker),
renewed once it is a day old: a fetcher caches robots.txt for its life, and RFC 9309 asks that a
cached copy not outlive a day. A renewed fetcher also forgets a robots.txt that answered 5xx
("disallow everything"), so a site that was down when first asked is polled again."""

from __future__ import annotations

import time
from collections.abc import Callable

from .fetch import Fetcher

__all__ = ["FETCHER_LIFETIME", "SiteFetchers"]

FETCHER_LIFETIME = 24 * 3600.0


class SiteFetchers:
    """`await get(key)` gives the site's fetcher, made on first use and renewed after `lifetime`
    seconds of `clock` (monotonic). One per site: its own User-Agent, and request counts that are
    the site's alone."""

    def __init__(self, make: Callable[[str], Fetcher], *, lifetime: float = FETCHER_LIFETIME,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._make, self.lifetime, self._clock = make, lifetime, clock
        self._fetchers: dict[str, tuple[Fetcher, float]] = {}  # key -> (fetcher, made at)

    def __contains__(self, key: object) -> bool:
        return key in self._fetchers

    def add(self, key: str) -> Fetcher:
        """Make the site's fetcher now (a site just scheduled); an old one is closed by `get`."""
        fetcher = self._make(key)
        self._fetchers[key] = (fetcher, self._clock())
        return fetcher

    async def get(self, key: str) -> Fetcher:
        made = self._fetchers.get(key)
        if made is None:
            return self.add(key)
        fetcher, since = made
        if self._clock() - since > self.lifetime:
            await fetcher.aclose()
            return self.add(key)
        return fetcher

    async def aclose(self) -> None:
        for fetcher, _ in self._fetchers.values():
            await fetcher.aclose()
        self._fetchers.clear()
