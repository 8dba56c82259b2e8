"""Articles -> feed bytes: Atom and RSS through feedgen, JSON Feed 1.1 of our own.

Output depends only on its inputs (no clock): the feed's `updated` is its newest entry's, so the
same articles always give the same bytes.
"""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from . import __version__
from .dates import rfc3339
from .model import Article

GENERATOR_URI = "https://github.com/feedmaker/feedmaker"
FORMATS = ("atom", "rss", "json")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class FeedInfo:
    """What a feed is, apart from its entries."""

    path: str  # under out_dir without extension, e.g. "almayadeen/tags/cell-therapy"
    title: str  # "Al Mayadeen English — Health"
    home: str  # the page the feed mirrors (alternate link)
    public_url: str  # where out_dir is served, ending in "/"
    site_name: str
    description: str = ""

    def self_url(self, fmt: str) -> str:
        return f"{self.public_url}{self.path}.{fmt}"


def published_of(a: Article) -> datetime:
    return a.published or a.first_seen or EPOCH


def updated_of(a: Article) -> datetime:
    return max(a.updated or published_of(a), published_of(a))


def feed_updated(entries: Sequence[Article]) -> datetime:
    return max((updated_of(a) for a in entries), default=EPOCH)


def image_type(url: str) -> str:
    guess = mimetypes.guess_type(url.split("?")[0])[0]
    return guess if guess and guess.startswith("image/") else "image/jpeg"


class _EnclosureEntry(BaseEntryExtension):  # type: ignore[misc]
    """feedgen 1.0 drops rel/type from Atom entry links (a name-shadowing bug in entry.py), so
    the lead image is added to Atom entries here as <link rel="enclosure">."""

    def __init__(self) -> None:
        self.url: str | None = None

    def extend_atom(self, entry: etree._Element) -> etree._Element:
        if self.url:
            link = etree.SubElement(entry, "link")  # feedgen builds Atom elements unprefixed
            link.attrib.update({"rel": "enclosure", "href": self.url, "type": image_type(self.url),
                                "length": "0"})
        return entry

    def extend_rss(self, entry: etree._Element) -> etree._Element:
        return entry


class _EnclosureExt(BaseExtension):  # type: ignore[misc]
    pass


def _generator(info: FeedInfo, entries: Sequence[Article], fmt: str) -> FeedGenerator:
    fg = FeedGenerator()
    fg.load_extension("media", atom=True, rss=True)
    fg.load_extension("dc", atom=False, rss=True)
    fg.register_extension("leadimage", _EnclosureExt, _EnclosureEntry, atom=True, rss=False)
    fg.id(info.self_url("atom"))
    fg.title(info.title)
    fg.author({"name": info.site_name})
    fg.link(href=info.self_url(fmt), rel="self")
    fg.link(href=info.home, rel="alternate")
    fg.description(info.description or info.title)
    fg.generator("feedmaker", __version__, GENERATOR_URI)
    newest = feed_updated(entries)
    fg.updated(newest)
    fg.lastBuildDate(newest)
    for a in entries:
        fe = fg.add_entry(order="append")
        fe.id(a.url)
        fe.guid(a.url, permalink=True)
        fe.title(a.title)
        fe.link(href=a.url)
        fe.published(published_of(a))
        fe.updated(updated_of(a))
        if a.author:
            fe.author({"name": a.author}) if fmt == "atom" else fe.dc.dc_creator(a.author)
        if a.summary:
            fe.summary(a.summary) if fmt == "atom" else fe.description(a.summary)
        if a.content:
            fe.content(a.content, type="html" if fmt == "atom" else "CDATA")
            if fmt == "rss" and not a.summary:
                fe.description(a.title)
        for term in _categories(a):
            fe.category(term=term, label=term)
        if a.image:
            fe.media.thumbnail({"url": a.image})
            if fmt == "rss":
                fe.enclosure(a.image, "0", image_type(a.image))
            else:
                fe.leadimage.url = a.image
    return fg


def _categories(a: Article) -> list[str]:
    return list(dict.fromkeys([*a.tags, *a.sections]))


def render_atom(info: FeedInfo, entries: Sequence[Article]) -> bytes:
    return bytes(_generator(info, entries, "atom").atom_str(pretty=True))


def render_rss(info: FeedInfo, entries: Sequence[Article]) -> bytes:
    return bytes(_generator(info, entries, "rss").rss_str(pretty=True))


def render_json(info: FeedInfo, entries: Sequence[Article]) -> bytes:
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1)."""
    items = []
    for a in entries:
        item: dict[str, object] = {"id": a.url, "url": a.url, "title": a.title}
        if a.content:
            item["content_html"] = a.content
        else:
            item["content_text"] = a.summary or a.title
        if a.summary:
            item["summary"] = a.summary
        if a.image:
            item["image"] = a.image
        item["date_published"] = rfc3339(published_of(a))
        item["date_modified"] = rfc3339(updated_of(a))
        if a.author:
            item["authors"] = [{"name": a.author}]
        if tags := _categories(a):
            item["tags"] = tags
        items.append(item)
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": info.title,
        "home_page_url": info.home,
        "feed_url": info.self_url("json"),
        "description": info.description or info.title,
        "authors": [{"name": info.site_name}],
        "items": items,
    }
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode()


RENDERERS = {"atom": render_atom, "rss": render_rss, "json": render_json}
