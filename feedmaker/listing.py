"""What a section page yields: its article links and next page (`Listing`), as data.

Apart from the parsers that make it (links.py, autolinks.py), so that a poll whose section
pages all answer 304 never loads them.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_SELECTOR = "a[href]"
RULES, AUTO, FALLBACK = "rules", "automatic", "automatic (the rules matched nothing)"


@dataclass(frozen=True, slots=True)
class Link:
    url: str  # canonical
    title: str  # the card's anchor text, used to notice an edited title


@dataclass(frozen=True, slots=True)
class Listing:
    links: tuple[Link, ...]
    next_url: str | None
    source: str = RULES  # RULES, AUTO (no include rule) or FALLBACK (see `fallback`)
    # When configured rules match nothing (usually a layout change), what the automatic picker
    # finds instead; the caller decides whether to use it, and says so.
    fallback: tuple[Link, ...] = ()
