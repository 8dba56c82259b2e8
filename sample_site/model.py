"""The sample site's state: stories and section listings, changed only by thread-safe methods."""

from __future__ import annotations

import html
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

BEIRUT = ZoneInfo("Asia/Beirut")


@dataclass(frozen=True, slots=True)
class Section:
    key: str  # "health"
    name: str  # "Health"
    path: str  # "/news/health"


@dataclass(frozen=True, slots=True)
class Story:
    """One article. `features` picks markup variants, so tests can find pages by what they carry.

    Features: ld, ld-graph, ld-array (JSON-LD shapes), og (OpenGraph + canonical), time (date in
    <time datetime>; otherwise plain text with no zone), nodate, lazy / srcset / noimg (image).
    """

    path: str
    section: str  # key of the section in the URL
    title: str
    summary: str
    paragraphs: tuple[str, ...] | None  # trusted HTML; None = made on demand by Catalog.body
    author: str | None
    published: datetime | None  # aware, Asia/Beirut
    modified: datetime | None
    tags: tuple[str, ...]
    image: str | None
    features: frozenset[str] = frozenset()
    source: str = "Agencies"
    seed: int = 0  # for generated bodies

    @property
    def slug(self) -> str:
        return self.path.rsplit("/", 1)[-1]


def slugify(title: str) -> str:
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "article"


def text_to_paragraphs(body: str) -> tuple[str, ...]:
    """HTML stays as given (split on blank lines); plain text is escaped into paragraphs."""
    if "<" in body:
        return tuple(p for p in re.split(r"\n\s*\n", body) if p.strip())
    parts = re.split(r"\n\s*\n", body)
    return tuple(f"<p>{html.escape(p.strip())}</p>" for p in parts if p.strip())


class Catalog:
    """Stories by path, listings (newest first) per section; `version` bumps on every change."""

    def __init__(
        self,
        sections: Iterable[Section],
        stories: Iterable[Story],
        listings: dict[str, list[str]],
        *,
        page_size: int,
        ticker: list[str],
        most_read: list[str],
        body: Callable[[Story], tuple[str, ...]],
        epoch: datetime,
        default_body: Callable[[str], tuple[str, ...]] | None = None,
        weight: Callable[[Story, int], str] | None = None,
    ) -> None:
        self.sections = {s.key: s for s in sections}
        self._stories = {s.path: s for s in stories}
        self._listings = {k: list(v) for k, v in listings.items()}
        self.page_size = page_size
        self.ticker = ticker  # fixed, so one section's news never changes another's ETag
        self.most_read = most_read
        self.epoch = epoch  # Last-Modified for pages with no date of their own
        self._body = body
        self._default_body = default_body
        # Extra furniture for an article page of so many bytes, outside <main>; None = none.
        self.weight = weight
        self._lock = threading.RLock()
        self.version = 0

    # -- reading -------------------------------------------------------------------------------
    def story(self, path: str) -> Story | None:
        return self._stories.get(path)

    def stories(self) -> list[Story]:
        with self._lock:
            return list(self._stories.values())

    def body(self, story: Story) -> tuple[str, ...]:
        return story.paragraphs if story.paragraphs is not None else self._body(story)

    def section(self, ref: str) -> Section:
        """Find a section by key, name or path ("health", "Health", "/news/health")."""
        for s in self.sections.values():
            if ref in (s.key, s.name, s.path) or ref.lower() == s.name.lower():
                return s
        raise KeyError(f"no section {ref!r}")

    def section_at(self, path: str) -> Section | None:
        return next((s for s in self.sections.values() if s.path == path), None)

    def listing(self, key: str) -> list[Story]:
        with self._lock:
            return [self._stories[p] for p in self._listings.get(key, [])]

    def pages(self, key: str) -> int:
        n = len(self._listings.get(key, []))
        return max(1, -(-n // self.page_size))

    # -- changing ------------------------------------------------------------------------------
    def publish(
        self,
        section: str,
        title: str,
        tags: list[str],
        *,
        body: str | None = None,
        date: datetime | None = None,
        author: str | None = None,
        summary: str | None = None,
        image: str | None = None,
        features: Iterable[str] = ("time", "og"),
    ) -> str:
        sec = self.section(section)
        when = (date or datetime.now(BEIRUT)).astimezone(BEIRUT).replace(microsecond=0)
        paras = text_to_paragraphs(body) if body else None
        if paras is None and self._default_body is not None:
            paras = self._default_body(title)
        with self._lock:
            path = f"{sec.path}/{slugify(title)}"
            base, n = path, 2
            while path in self._stories:
                path, n = f"{base}-{n}", n + 1
            self._stories[path] = Story(
                path=path, section=sec.key, title=title,
                summary=summary or f"{title}. Full story inside.",
                paragraphs=paras, author=author, published=when, modified=when,
                tags=tuple(tags), image=image or f"/images/{slugify(title)[:40]}.jpg",
                features=frozenset(features), seed=len(self._stories),
            )
            self._listings.setdefault(sec.key, []).insert(0, path)
            self.version += 1
        return path

    def edit(
        self,
        path: str,
        *,
        title: str | None = None,
        body: str | None = None,
        summary: str | None = None,
        tags: list[str] | None = None,
    ) -> None:
        with self._lock:
            old = self._stories[path]
            self._stories[path] = replace(
                old,
                title=old.title if title is None else title,
                summary=old.summary if summary is None else summary,
                paragraphs=old.paragraphs if body is None else text_to_paragraphs(body),
                tags=old.tags if tags is None else tuple(tags),
                modified=datetime.now(BEIRUT).replace(microsecond=0),
            )
            self.version += 1

    def remove_from_listing(self, path: str) -> None:
        with self._lock:
            if path not in self._stories:
                raise KeyError(path)
            for listing in self._listings.values():
                if path in listing:
                    listing.remove(path)
            self.version += 1

    def listed_in(self, path: str) -> list[str]:
        with self._lock:
            return [k for k, v in self._listings.items() if path in v]
