"""Articles -> feed bytes: Atom 1.0 and RSS 2.0 through feedgen (`feedgen_adapter`), JSON Feed 1.1
written here (feedgen has none).

Output depends only on its inputs (no clock): the feed's `updated` is its newest entry's, so the
same articles always give the same bytes. Each entry is serialized once per format and build
(`EntryCache`) and reused in every feed it belongs to: an article sits in about six feeds.
"""

from __future__ import annotations

import functools
import json
import os
import tempfile
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, BinaryIO

from .dates import rfc3339
from .feedfiles import FORMATS
from .model import Article, Dated
from .sanitize import xml_bytes

if TYPE_CHECKING:
    from .feedgen_adapter import Head

# feedgen_adapter (feedgen, lxml) is imported where a feed or entry is rendered: a poll that
# finds nothing new renders nothing, and never loads them.

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
STYLESHEET = "feed.xsl"  # at out_dir's root, written with index.html


@dataclass(frozen=True, slots=True)
class FeedInfo:
    """What a feed is, apart from its entries."""

    path: str  # under out_dir without extension, e.g. "almayadeen/tags/cell-therapy"
    title: str  # "Al Mayadeen English — Health"
    home: str  # the page the feed mirrors (alternate link)
    public_url: str  # where out_dir is served, ending in "/"
    site_name: str
    description: str = ""
    language: str | None = None  # the site's configured language; else the entries' commonest

    def self_url(self, fmt: str) -> str:
        return f"{self.public_url}{self.path}.{fmt}"


@dataclass
class EntryCache:
    """Entries serialized to their final bytes by (format, article URL), for one publishing
    pass over a site: within it an article's fields cannot change, so its URL identifies the
    serialized form. A feed is then its head plus a join of these bytes, and each entry is
    rendered once per format in the pass, however many feeds hold it.

    Memory is bounded (least recently used out first): what leaves it, and entries too long to
    keep, go to an unnamed temporary file and are read back from there. feedgen costs ~70-90 µs
    an entry, reading back a few: a 100k-article rebuild visits ~29,000 entries ~100,000 times
    per format, in tag-feed order, with no locality a memory budget could use. If the file
    cannot be written (a full disk), what leaves memory is rendered again when next needed."""

    section_titles: Mapping[str, str] = field(default_factory=dict)  # stored slug -> title
    budget: int = 48 << 20  # bytes in memory
    # Long entries are not kept in memory: freed large buffers fragment the heap and make the
    # process's memory balloon. They go straight to the file.
    largest: int = 32 * 1024
    entries: OrderedDict[tuple[str, str], bytes] = field(default_factory=OrderedDict)
    size: int = 0
    dates: dict[str, Dated] = field(default_factory=dict)  # of the entries rendered
    spilled: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)  # (offset, length)
    _file: BinaryIO | None = None
    _end: int = 0
    _held: int = 0

    def get(self, fmt: str, a: Article | Dated,
            make: Callable[[Article, Mapping[str, str]], bytes]) -> bytes:
        key = (fmt, a.url)
        data = self.entries.get(key)
        if data is not None:
            self.entries.move_to_end(key)
            return data
        if (where := self.spilled.get(key)) is not None and self._file is not None:
            return os.pread(self._file.fileno(), where[1], where[0])
        if isinstance(a, Dated):  # `holding` keeps what `dated` found: this is a caller's bug
            raise LookupError(f"no {fmt} entry cached for {a.url}")
        data = make(a, self.section_titles)
        self.dates[a.url] = Dated(a.url, a.published, a.updated, a.first_seen, a.language)
        if len(data) > self.largest:
            self._spill(key, data)
            return data
        self.entries[key] = data
        self.size += len(data)
        if not self._held:
            self._evict()
        return data

    def dated(self, url: str) -> Dated | None:
        """The entry's dates if it is rendered in every format, else None."""
        found = self.dates.get(url)
        return found if found and all((fmt, url) in self.entries or (fmt, url) in self.spilled
                                      for fmt in FORMATS) else None

    @contextmanager
    def holding(self) -> Iterator[None]:
        """Nothing is evicted inside: what `dated` found stays until the feed is assembled (the
        budget may be passed by one feed's entries meanwhile)."""
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1
            if not self._held:
                self._evict()

    def close(self) -> None:
        """Let the file go (it has no name: nothing is left behind, even by a killed process)."""
        if self._file is not None:
            self._file.close()
            self._file = None
            self.spilled.clear()

    def _evict(self) -> None:
        while self.size > self.budget and len(self.entries) > 1:
            key, old = self.entries.popitem(last=False)
            self.size -= len(old)
            self._spill(key, old)

    def _spill(self, key: tuple[str, str], data: bytes) -> None:
        try:
            if self._file is None:  # closed by close(), after the pass
                self._file = tempfile.TemporaryFile(prefix="feedmaker-entries-")  # noqa: SIM115
            if os.pwrite(self._file.fileno(), data, self._end) != len(data):
                raise OSError("short write")
        except OSError:
            self.dates.pop(key[1], None)  # `dated` says no: the entry is rendered again
            return
        self.spilled[key] = (self._end, len(data))
        self._end += len(data)


def published_of(a: Article | Dated) -> datetime:
    return a.published or a.first_seen or EPOCH


def updated_of(a: Article | Dated) -> datetime:
    return max(a.updated or published_of(a), published_of(a))


def feed_updated(entries: Sequence[Article | Dated]) -> datetime:
    return max((updated_of(a) for a in entries), default=EPOCH)


def feed_language(info: FeedInfo, entries: Sequence[Article | Dated]) -> str | None:
    """The configured language, else the one most entries have (the newest first on a tie)."""
    if info.language:
        return info.language
    counts = Counter(a.language for a in entries if a.language)
    return max(counts, key=lambda lang: counts[lang]) if counts else None


def categories(a: Article, section_titles: Mapping[str, str]) -> list[str]:
    """Its tags, then its sections (stored by slug, shown by title)."""
    return list(dict.fromkeys([*a.tags, *(section_titles.get(s, s) for s in a.sections)]))


def atom_entry(a: Article, section_titles: Mapping[str, str]) -> bytes:
    from .feedgen_adapter import entry_bytes

    return entry_bytes("atom", a, categories(a, section_titles), published_of(a), updated_of(a))


def rss_item(a: Article, section_titles: Mapping[str, str]) -> bytes:
    from .feedgen_adapter import entry_bytes

    return entry_bytes("rss", a, categories(a, section_titles), published_of(a), updated_of(a))


def feed_head(info: FeedInfo, entries: Sequence[Article | Dated], fmt: str) -> Head:
    from .feedgen_adapter import Head

    return Head(id=info.self_url("atom"), title=info.title, subtitle=info.description or info.title,
                updated=feed_updated(entries), author=info.site_name, self_url=info.self_url(fmt),
                home=info.home, language=feed_language(info, entries))


def render_atom(info: FeedInfo, entries: Sequence[Article | Dated], cache: EntryCache | None = None) -> bytes:
    from .feedgen_adapter import feed_bytes, with_stylesheet

    cache = cache or EntryCache()
    return with_stylesheet(feed_bytes("atom", feed_head(info, entries, "atom"),
                                      [cache.get("atom", a, atom_entry) for a in entries]),
                           stylesheet_href(info.path))


def render_rss(info: FeedInfo, entries: Sequence[Article | Dated], cache: EntryCache | None = None) -> bytes:
    from .feedgen_adapter import feed_bytes, with_stylesheet

    cache = cache or EntryCache()
    return with_stylesheet(feed_bytes("rss", feed_head(info, entries, "rss"),
                                      [cache.get("rss", a, rss_item) for a in entries]),
                           stylesheet_href(info.path))


def stylesheet_href(path: str) -> str:
    """From a feed ("site/sections/health") to the stylesheet at out_dir's root."""
    return "../" * path.count("/") + STYLESHEET


# An article's dates are formatted for several feeds: memoized.
_rfc3339 = functools.lru_cache(maxsize=1 << 16)(rfc3339)


def json_item(a: Article, section_titles: Mapping[str, str]) -> bytes:
    item: dict[str, object] = {"id": a.url, "url": a.url, "title": a.title}
    if a.content:
        item["content_html"] = a.content
    else:
        item["content_text"] = a.summary or a.title
    if a.summary:
        item["summary"] = a.summary
    if a.image:
        item["image"] = a.image
    item["date_published"] = _rfc3339(published_of(a))
    item["date_modified"] = _rfc3339(updated_of(a))
    if a.authors:
        item["authors"] = [{"name": name} for name in a.authors]
    if tags := categories(a, section_titles):
        item["tags"] = tags
    # One item per line: indent= would switch json to its pure-Python encoder. Stored text is
    # XML-safe already (parse cleans every field); xml_bytes is the last guard.
    return xml_bytes(json.dumps(item, ensure_ascii=False))


def render_json(info: FeedInfo, entries: Sequence[Article | Dated], cache: EntryCache | None = None) -> bytes:
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1)."""
    cache = cache or EntryCache()
    head = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": info.title,
        "home_page_url": info.home,
        "feed_url": info.self_url("json"),
        "description": info.description or info.title,
        "authors": [{"name": info.site_name}],
    }
    if language := feed_language(info, entries):
        head["language"] = language
    top = json.dumps(head, ensure_ascii=False, indent=2)[:-2]  # without the closing "\n}"
    items = b",\n    ".join(cache.get("json", a, json_item) for a in entries)
    return xml_bytes(f'{top},\n  "items": [\n    ') + items + b"\n  ]\n}\n"


RENDERERS: dict[str, Callable[..., bytes]] = {
    "atom": render_atom, "rss": render_rss, "json": render_json}
