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


MEDIA_NS = "http://search.yahoo.com/mrss/"
_TYPES = {"atom": "application/atom+xml", "rss": "application/rss+xml"}


class _LeadImageEntry(BaseEntryExtension):  # type: ignore[misc]
    """The lead image and typed links, written here rather than through feedgen because of what
    the W3C feed validator says about feedgen's own output: an RSS enclosure needs a real byte
    length (we only know the URL, and "0" is flagged invalid), and feedgen's media extension puts
    a lone thumbnail in a <media:group> without <media:content>. So: Atom gets
    <link rel="enclosure" type> (length is optional there), both formats get <media:content
    medium="image"> and <media:thumbnail> at item level, and Atom entry links get
    rel="alternate" type="text/html" (feedgen 1.0 drops rel/type from entry links)."""

    def __init__(self) -> None:
        self.url: str | None = None

    def _media(self, entry: etree._Element) -> None:
        if self.url:
            etree.SubElement(entry, f"{{{MEDIA_NS}}}content",
                             {"url": self.url, "medium": "image", "type": image_type(self.url)})
            etree.SubElement(entry, f"{{{MEDIA_NS}}}thumbnail", {"url": self.url})

    def extend_atom(self, entry: etree._Element) -> etree._Element:
        for link in entry.findall("link"):  # feedgen builds Atom elements unprefixed
            if "rel" not in link.attrib:
                link.attrib.update({"rel": "alternate", "type": "text/html"})
        if self.url:
            link = etree.SubElement(entry, "link")
            link.attrib.update({"rel": "enclosure", "href": self.url, "type": image_type(self.url)})
        self._media(entry)
        return entry

    def extend_rss(self, entry: etree._Element) -> etree._Element:
        self._media(entry)
        return entry


class _LeadImageExt(BaseExtension):  # type: ignore[misc]
    """Feed level: the media namespace, and a type on the self and alternate links."""

    def extend_ns(self) -> dict[str, str]:
        return {"media": MEDIA_NS}

    def extend_atom(self, feed: etree._Element) -> etree._Element:
        for link in feed.findall("link"):
            if link.get("rel") == "self":
                link.set("type", _TYPES["atom"])
            elif link.get("rel") == "alternate":
                link.set("type", "text/html")
        return feed

    def extend_rss(self, rss: etree._Element) -> etree._Element:
        for link in rss.iter("{http://www.w3.org/2005/Atom}link"):
            if link.get("rel") == "self":
                link.set("type", _TYPES["rss"])
        return rss


def _generator(info: FeedInfo, entries: Sequence[Article], fmt: str) -> FeedGenerator:
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)
    fg.register_extension("leadimage", _LeadImageExt, _LeadImageEntry, atom=True, rss=True)
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
