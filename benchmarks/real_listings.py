"""`pick(html, url) -> [urls]`: the automatic link picker with no rules, as the listings scorer calls it.

    python ../shared/realdata/score_listings.py ../shared/realdata/listings -e benchmarks.real_listings:pick
"""

from __future__ import annotations

from feedmaker.config import LinkRules
from feedmaker.links import parse_listing
from feedmaker.urls import host_of


def pick(html: str, url: str) -> list[str]:
    """The article links feedmaker picks on `url`'s page with no [links] rules, in page order."""
    listing = parse_listing(html, url, url, LinkRules(), host_of(url))
    return [link.url for link in listing.links]
