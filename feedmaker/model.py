"""The one data type that crosses the pipeline stages: a frozen Article (and `Parsed`, an article
with where each field came from, as a parser process hands it back: defined here, so that
unpickling it loads this module, not the parser)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import NamedTuple


@dataclass(frozen=True, slots=True)
class Article:
    """One article as parsed from its page and as stored.

    `url` is the canonical URL (tracking parameters and fragment removed) and is the entry id.
    Datetimes are timezone-aware: a freshly parsed article keeps the offset its page gave
    (the page's local time, shown by `feedmaker check`), the store and the feeds use UTC.
    `content` is sanitized HTML with absolute URLs; `summary` is plain text. `authors` holds
    one name per person or agency; `language` is a BCP 47 tag ("en", "pt-BR") from the page,
    when it says.
    """

    url: str
    title: str
    authors: tuple[str, ...] = ()
    published: datetime | None = None
    updated: datetime | None = None
    summary: str | None = None
    image: str | None = None
    content: str | None = None
    tags: tuple[str, ...] = ()
    sections: tuple[str, ...] = field(default=())
    first_seen: datetime | None = None
    language: str | None = None

    def with_(self, **changes: object) -> Article:
        return replace(self, **changes)  # type: ignore[arg-type]


class Dated(NamedTuple):
    """What a feed needs of an entry whose bytes are already rendered: its URL (the entry's
    key), the dates that give the feed its `updated`, and the language that gives it its own."""

    url: str
    published: datetime | None
    updated: datetime | None
    first_seen: datetime | None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Parsed:
    article: Article
    sources: Mapping[str, str]  # field -> where its value came from, for `feedmaker check`
