"""Articles -> feed bytes: Atom 1.0, RSS 2.0 and JSON Feed 1.1.

Output depends only on its inputs (no clock): the feed's `updated` is its newest entry's, so the
same articles always give the same bytes. Each entry is serialized once per format and build
(`EntryCache`) and reused in every feed it belongs to: an article sits in about six feeds.

Why not feedgen (the stack's first choice): feedgen 1.0 drops rel and type from Atom entry
links (a name-shadowing bug in its entry.py), wraps a lone thumbnail in a <media:group> that the
W3C validator flags, and builds an lxml tree per feed at ~150 µs an entry — 45 s to rebuild the
2,000 feeds of a 100,000-article site. Writing the two formats directly is ~80 lines.
"""

from __future__ import annotations

import functools
import json
import mimetypes
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from . import __version__
from .dates import rfc822, rfc3339
from .model import Article, Dated
from .sanitize import xml_bytes

GENERATOR_URI = "https://github.com/feedmaker/feedmaker"
FORMATS = ("atom", "rss", "json")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MEDIA_NS = "http://search.yahoo.com/mrss/"
# Bumped whenever the bytes written for the same articles change, so an upgrade rewrites every
# feed once instead of leaving the old layout in feeds that see no new article.
OUTPUT_VERSION = 3


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
    serialized form. A feed is then its head plus a join of cached bytes: no pass over the
    whole feed text (encoding, the XML-safety guard) per feed. Bounded by size (least recently
    used out first), so a cold build of long articles stays in memory."""

    section_titles: Mapping[str, str] = field(default_factory=dict)  # stored slug -> title
    # ~2,000 news-length articles in all three formats; with a third of that, a pass over 500
    # tag feeds (in name order, not date order) serialized each entry three times over.
    budget: int = 48 << 20  # bytes
    # Long entries are cheap to re-serialize relative to their size, and keeping them makes
    # the process's memory balloon (freed large buffers fragment the heap): not cached.
    largest: int = 32 * 1024
    entries: OrderedDict[tuple[str, str], bytes] = field(default_factory=OrderedDict)
    size: int = 0
    dates: dict[str, Dated] = field(default_factory=dict)  # of the entries cached
    _held: int = 0

    def get(self, fmt: str, a: Article | Dated,
            make: Callable[[Article, Mapping[str, str]], str]) -> bytes:
        key = (fmt, a.url)
        data = self.entries.get(key)
        if data is not None:
            self.entries.move_to_end(key)
            return data
        if isinstance(a, Dated):  # `holding` keeps what `dated` found: this is a caller's bug
            raise LookupError(f"no {fmt} entry cached for {a.url}")
        # Stored text is XML-safe already (parse cleans every field); this is the last guard.
        data = xml_bytes(make(a, self.section_titles))
        if len(data) > self.largest:
            return data
        self.entries[key] = data
        self.size += len(data)
        self.dates[a.url] = Dated(a.url, a.published, a.updated, a.first_seen, a.language)
        if not self._held:
            self._evict()
        return data

    def dated(self, url: str) -> Dated | None:
        """The entry's dates if it is cached in every format, else None."""
        found = self.dates.get(url)
        return found if found and all((fmt, url) in self.entries for fmt in FORMATS) else None

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

    def _evict(self) -> None:
        while self.size > self.budget and len(self.entries) > 1:
            (_, url), old = self.entries.popitem(last=False)
            self.size -= len(old)
            self.dates.pop(url, None)  # one format gone: `dated` says no from now on


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


def image_type(url: str) -> str:
    return _image_type(url.split("?")[0].rpartition(".")[2].lower()[:8])


@functools.lru_cache(maxsize=64)
def _image_type(extension: str) -> str:
    guess = mimetypes.guess_type("x." + extension)[0]
    return guess if guess and guess.startswith("image/") else "image/jpeg"


# xml_safe runs once over each entry (EntryCache) and feed head as a last guard instead of once
# per field, and escaping uses str.replace in C rather than saxutils' Python loop: ~300,000
# entries go through here in a 100k-article rebuild.
def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(value: str) -> str:
    return '"' + _text(value).replace('"', "&quot;") + '"'


def _categories(a: Article, section_titles: Mapping[str, str]) -> list[str]:
    """Its tags, then its sections (stored by slug, shown by title)."""
    return list(dict.fromkeys([*a.tags, *(section_titles.get(s, s) for s in a.sections)]))


# Categories come from a small vocabulary (a site's tags and sections), written into ~250,000
# entries by a 100k-article rebuild: memoized, like the dates.
@functools.lru_cache(maxsize=1 << 14)
def _atom_category(name: str) -> str:
    return f"    <category term={_attr(name)} label={_attr(name)}/>\n"


@functools.lru_cache(maxsize=1 << 14)
def _rss_category(name: str) -> str:
    return f"      <category>{_text(name)}</category>\n"


# An article's dates are formatted for three formats and several feeds: memoized.
_rfc3339 = functools.lru_cache(maxsize=1 << 16)(rfc3339)
_rfc822 = functools.lru_cache(maxsize=1 << 16)(rfc822)


def _media(a: Article) -> str:
    """The lead image as item-level media:content + media:thumbnail (no byte length is known,
    and the validator flags an RSS enclosure with length 0 and a <media:group> without content)."""
    if not a.image:
        return ""
    return (f'    <media:content url={_attr(a.image)} medium="image" type="{image_type(a.image)}"/>\n'
            f"    <media:thumbnail url={_attr(a.image)}/>\n")


def atom_entry(a: Article, section_titles: Mapping[str, str]) -> str:
    parts = [f"  <entry>\n    <id>{_text(a.url)}</id>\n    <title>{_text(a.title)}</title>\n"
             f'    <link rel="alternate" type="text/html" href={_attr(a.url)}/>\n'
             f"    <published>{_rfc3339(published_of(a))}</published>\n"
             f"    <updated>{_rfc3339(updated_of(a))}</updated>\n"]
    parts += [f"    <author><name>{_text(name)}</name></author>\n" for name in a.authors]
    if a.summary:
        parts.append(f"    <summary>{_text(a.summary)}</summary>\n")
    if a.content:
        parts.append(f'    <content type="html">{_text(a.content)}</content>\n')
    parts += [_atom_category(c) for c in _categories(a, section_titles)]
    if a.image:
        parts.append(f'    <link rel="enclosure" type="{image_type(a.image)}" href={_attr(a.image)}/>\n')
    parts.append(_media(a) + "  </entry>\n")
    return "".join(parts)


def rss_item(a: Article, section_titles: Mapping[str, str]) -> str:
    parts = [f"    <item>\n      <title>{_text(a.title)}</title>\n      <link>{_text(a.url)}</link>\n"
             f'      <guid isPermaLink="true">{_text(a.url)}</guid>\n'
             f"      <pubDate>{_rfc822(published_of(a))}</pubDate>\n"]
    parts += [f"      <dc:creator>{_text(name)}</dc:creator>\n" for name in a.authors]
    parts.append(f"      <description>{_text(a.summary or a.title)}</description>\n")
    if a.content:
        # CDATA keeps the HTML readable; a "]]>" inside it is split across two sections.
        body = a.content.replace("]]>", "]]]]><![CDATA[>")
        parts.append(f"      <content:encoded><![CDATA[{body}]]></content:encoded>\n")
    parts += [_rss_category(c) for c in _categories(a, section_titles)]
    parts.append(_media(a).replace("    <", "      <") + "    </item>\n")
    return "".join(parts)


def render_atom(info: FeedInfo, entries: Sequence[Article | Dated], cache: EntryCache | None = None) -> bytes:
    cache = cache or EntryCache()
    language = feed_language(info, entries)
    lang = f" xml:lang={_attr(language)}" if language else ""
    head = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="{MEDIA_NS}"{lang}>\n'
        f"  <id>{_text(info.self_url('atom'))}</id>\n  <title>{_text(info.title)}</title>\n"
        f"  <subtitle>{_text(info.description or info.title)}</subtitle>\n"
        f"  <updated>{rfc3339(feed_updated(entries))}</updated>\n"
        f"  <author><name>{_text(info.site_name)}</name></author>\n"
        f'  <link rel="self" type="application/atom+xml" href={_attr(info.self_url("atom"))}/>\n'
        f'  <link rel="alternate" type="text/html" href={_attr(info.home)}/>\n'
        f'  <generator uri="{GENERATOR_URI}" version="{__version__}">feedmaker</generator>\n')
    return _head(head) + b"".join(cache.get("atom", a, atom_entry) for a in entries) + b"</feed>\n"


def render_rss(info: FeedInfo, entries: Sequence[Article | Dated], cache: EntryCache | None = None) -> bytes:
    cache = cache or EntryCache()
    language = feed_language(info, entries)
    lang = f"    <language>{_text(language)}</language>\n" if language else ""
    head = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        f'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="{MEDIA_NS}">\n'
        f"  <channel>\n    <title>{_text(info.title)}</title>\n    <link>{_text(info.home)}</link>\n"
        f"    <description>{_text(info.description or info.title)}</description>\n"
        f"{lang}"
        f'    <atom:link rel="self" type="application/rss+xml" href={_attr(info.self_url("rss"))}/>\n'
        f"    <lastBuildDate>{rfc822(feed_updated(entries))}</lastBuildDate>\n"
        f"    <generator>feedmaker {__version__}</generator>\n"
        "    <docs>https://www.rssboard.org/rss-specification</docs>\n")
    return (_head(head) + b"".join(cache.get("rss", a, rss_item) for a in entries) +
            b"  </channel>\n</rss>\n")


def json_item(a: Article, section_titles: Mapping[str, str]) -> str:
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
    if tags := _categories(a, section_titles):
        item["tags"] = tags
    # One item per line: indent= would switch json to its pure-Python encoder.
    return json.dumps(item, ensure_ascii=False)


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
    return _head(f'{top},\n  "items": [\n    ') + items + b"\n  ]\n}\n"


def _head(text: str) -> bytes:
    return xml_bytes(text)


RENDERERS: dict[str, Callable[..., bytes]] = {
    "atom": render_atom, "rss": render_rss, "json": render_json}
