"""Atom 1.0 and RSS 2.0 bytes through feedgen 1.0: one entry's bytes (`entry_bytes`), and a feed
as feedgen's head with those bytes spliced in (`feed_bytes`), byte for byte what feedgen writes
for the whole document (`whole_feed`, the reference the tests hold the splice to).

feedgen 1.0 defects worked around here, each tested in tests/test_feedgen_adapter.py:
- `FeedEntry.atom_entry()` drops rel, type, hreflang, title and length from entry links: its
  loop rebinds `link` to the new element and then reads the attributes from that element
  (lkiesow/python-feedgen#135). An alternate and an enclosure link both come out as bare
  `<link href>`, two alternates of one type: the W3C validator's DuplicateAtomLink. `_Entry`
  sets them again from feedgen's own link list.
- the media extension puts `media:content` and `media:thumbnail` in `<media:group>` "default"
  unless told `group=None`; a group with one content is MediaGroupWithoutAlternatives.
- RSS `<author>` must be an e-mail address and feedgen drops an author without one: each name
  goes out as `dc:creator` through feedgen's dc extension.
Not defects, uses: RSS readers render `<description>` as HTML, so the plain-text summary is
HTML-escaped before feedgen XML-escapes it (else an article about `<script>` carries a live
one); and text reaches feedgen without what XML forbids (lxml would raise) or what HTML calls
an error (DEL, C1 controls, noncharacters: the validator's NotHtml), the last guard of `_safe`.

Why splicing is still feedgen's output: feedgen builds each entry with `atom_entry()` /
`rss_entry()`, appends it to its root and has lxml serialize the tree. Here the same calls build
the entry, which is appended to a root made as feedgen makes it (same element, same namespace
map, the entry at the same depth), lxml serializes that, and the entry's bytes are cut out.
Pretty-printing indents an element by its depth alone and the prefixes come from the root's
map, so those bytes are what the entry reads in any feed: tests hold every sample-site feed to
`whole_feed`, byte for byte. Building an entry is most of feedgen's cost (~70-90 µs of CPU per
entry and format, `make bench` prints it); serializing it is ~10. Built once per format per
build and reused, an entry costs that once instead of once per feed it is in (~6 feeds in a
build; naively each feed also pays its own tree's serialization).
"""

from __future__ import annotations

import functools
import html
import mimetypes
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import quoteattr

from feedgen.entry import FeedEntry
from feedgen.ext.dc import DcEntryExtension, DcExtension
from feedgen.ext.media import MediaEntryExtension, MediaExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from . import __version__
from .model import Article
from .sanitize import is_xml_safe, xml_safe

ATOM_NS = "http://www.w3.org/2005/Atom"
MEDIA_NS = "http://search.yahoo.com/mrss/"
DC_NS = "http://purl.org/dc/elements/1.1/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
_LINK_ATTRS = ("rel", "type", "hreflang", "title", "length")  # feedgen's order, after href
# What closes feedgen's pretty-printed documents: entries go right before it.
_CLOSE = {"atom": b"</feed>\n", "rss": b"  </channel>\n</rss>\n"}


@dataclass(frozen=True, slots=True)
class Head:
    """A feed apart from its entries."""

    id: str
    title: str
    subtitle: str
    updated: datetime
    author: str
    self_url: str
    home: str
    language: str | None = None


class _Entry(FeedEntry):  # type: ignore[misc]
    """feedgen's entry with its Atom links' attributes put back (see the module docstring)."""

    def atom_entry(self, extensions: bool = True) -> etree._Element:
        entry = super().atom_entry(extensions)
        for element, data in zip(entry.iterchildren("link"), self.link() or (), strict=True):
            for name in _LINK_ATTRS:
                if data.get(name):
                    element.set(name, data[name])
        return entry


def image_type(url: str) -> str:
    return _image_type(url.split("?")[0].rpartition(".")[2].lower()[:8])


@functools.lru_cache(maxsize=64)
def _image_type(extension: str) -> str:
    guess = mimetypes.guess_type("x." + extension)[0]
    return guess if guess and guess.startswith("image/") else "image/jpeg"


def _utc(dt: datetime) -> datetime:
    aware = dt if dt.tzinfo else dt.replace(tzinfo=UTC)
    return aware.astimezone(UTC).replace(microsecond=0)


# Categories come from a small vocabulary (a site's tags and sections): their dicts are made
# once. feedgen reads them without changing them (category() sets no defaults).
@functools.lru_cache(maxsize=1 << 14)
def _category(name: str) -> dict[str, str]:
    return {"term": name, "label": name}


# Code points HTML's parser reports as errors in text, which the W3C validator calls NotHtml in
# an RSS description or HTML content: DEL, C1 controls, noncharacters. XML allows them (parse
# keeps them); no feed text needs them.
_NONCHARACTERS = "".join(chr(p | 0xFFFE) + chr(p | 0xFFFF) for p in range(0x10000, 0x110000, 0x10000))
_NOT_HTML = re.compile(f"[\x7f-\x9f\ufdd0-\ufdef{_NONCHARACTERS}]")
# The same with every astral code point from U+1FFFE on: one range searches ~8x quicker than 32
# single code points, and only decides whether the exact pattern runs.
_MAYBE_NOT_HTML = re.compile("[\x7f-\x9f\ufdd0-\ufdef\U0001fffe-\U0010ffff]")


def _clean(text: str) -> str:
    return _NOT_HTML.sub("", xml_safe(text))


def _safe(a: Article, categories: Sequence[str]) -> tuple[Article, Sequence[str]]:
    """The article and categories without what XML forbids (lxml refuses it) or HTML reports as
    an error. Stored text is nearly always clean (parse cleans every field): one check over all
    of it, in C where it can be (ASCII text can only hold DEL), and a copy only when it fails."""
    texts = "".join([a.url, a.title, a.summary or "", a.content or "", a.image or "", *a.authors,
                     *categories])
    if is_xml_safe(texts) and ("\x7f" not in texts if texts.isascii() else
                               not _MAYBE_NOT_HTML.search(texts) or not _NOT_HTML.search(texts)):
        return a, categories
    x = _clean
    # A title of nothing but such code points (stored by an older feedmaker) would leave feedgen
    # without a required field, and the whole feed unwritten: the URL stands in for it.
    return a.with_(url=x(a.url), title=x(a.title).strip() or x(a.url), summary=a.summary and x(a.summary),
                   content=a.content and x(a.content), image=a.image and x(a.image),
                   authors=tuple(map(x, a.authors))), [x(c) for c in categories]


def _entry(fmt: str, a: Article, categories: Sequence[str], published: datetime,
           updated: datetime) -> _Entry:
    """A feedgen entry for `a`. Extensions are registered directly (`load_extension` imports
    the module again for every entry), and only when the entry uses them: an extension with
    nothing set writes nothing."""
    a, categories = _safe(a, categories)
    fe = _Entry()
    fe.title(a.title)
    fe.published(_utc(published))
    if fmt == "atom":
        fe.id(a.url)
        fe.link(href=a.url, rel="alternate", type="text/html")
        fe.updated(_utc(updated))
        if a.authors:
            fe.author([{"name": name} for name in a.authors])
        if a.summary:
            fe.summary(a.summary)
        if a.content:
            fe.content(a.content, type="html")
    else:
        fe.link(href=a.url)
        fe.guid(a.url, permalink=True)
        fe.description(html.escape(a.summary or a.title, quote=False))
        if a.content:
            # lxml cannot put "]]>" in a CDATA section: such a body goes out escaped instead.
            fe.content(a.content, type=None if "]]>" in a.content else "CDATA")
        if a.authors:
            fe.register_extension("dc", DcEntryExtension, atom=False)
            fe.dc.dc_creator(list(a.authors))
    if categories:
        fe.category([_category(c) for c in categories])
    if a.image:
        kind = image_type(a.image)
        if fmt == "atom":  # RSS gets no <enclosure>: it needs a byte length, unknown here
            fe.link(href=a.image, rel="enclosure", type=kind)
        fe.register_extension("media", MediaEntryExtension)
        fe.media.content(url=a.image, medium="image", type=kind, group=None)
        fe.media.thumbnail(url=a.image, group=None)
    return fe


def _new_root(fmt: str) -> tuple[etree._Element, etree._Element]:
    """(root, the element entries go in) as feedgen's _create_atom / _create_rss make them."""
    if fmt == "atom":
        feed = etree.Element("feed", xmlns=ATOM_NS, nsmap={"media": MEDIA_NS})
        return feed, feed
    rss = etree.Element("rss", version="2.0", nsmap={"media": MEDIA_NS, "dc": DC_NS,
                                                     "atom": ATOM_NS, "content": CONTENT_NS})
    return rss, etree.SubElement(rss, "channel")


_roots = threading.local()  # one empty root per format and thread, reused entry after entry
# feedgen formats RSS dates by switching the whole process's locale to "C" and back
# (util.formatRFC2822): two threads doing it at once can leave the other's setting behind.
# Feeds are written off the event loop, several sites at a time, so RSS building is serialized.
_RSS_LOCALE = threading.Lock()


def entry_bytes(fmt: str, a: Article, categories: Sequence[str], published: datetime,
                updated: datetime) -> bytes:
    """The entry (Atom) or item (RSS) as it reads inside feedgen's pretty-printed feed."""
    fe = _entry(fmt, a, categories, published, updated)
    if (found := getattr(_roots, fmt, None)) is None:
        found = _new_root(fmt)
        setattr(_roots, fmt, found)
    root, parent = found
    if fmt == "atom":
        element = fe.atom_entry()
    else:
        with _RSS_LOCALE:
            element = fe.rss_entry()
    parent.append(element)
    try:
        data: bytes = etree.tostring(root, pretty_print=True, encoding="UTF-8")
    finally:
        parent.remove(element)
    # Everything after the start tag of the entries' parent, up to the closing tags.
    start = data.index(b">\n", data.index(b"<channel>") if fmt == "rss" else 0) + 2
    return data[start:-len(_CLOSE[fmt])]


def _generator(fmt: str, head: Head) -> FeedGenerator:
    x = xml_safe
    fg = FeedGenerator()
    # register_extension, not load_extension: that one first tries to import a module that
    # does not exist (feedgen.ext.media_entry), and a failed import is not cached: ~0.4 ms a feed.
    fg.register_extension("media", MediaExtension, MediaEntryExtension, atom=True, rss=True)
    if fmt == "rss":
        fg.register_extension("dc", DcExtension, DcEntryExtension, atom=False, rss=True)
    fg.id(x(head.id))
    fg.title(x(head.title))
    fg.subtitle(x(head.subtitle))  # RSS's <description> too
    fg.updated(_utc(head.updated))
    fg.lastBuildDate(_utc(head.updated))
    fg.author({"name": x(head.author)})
    feed_type = "application/atom+xml" if fmt == "atom" else "application/rss+xml"
    fg.link(href=x(head.self_url), rel="self", type=feed_type)
    fg.link(href=x(head.home), rel="alternate", type="text/html")
    # No uri: the project has no public address to point at.
    fg.generator("feedmaker", version=__version__) if fmt == "atom" else \
        fg.generator(f"feedmaker {__version__}")
    if head.language:
        fg.language(x(head.language))
    return fg


def _serialize(fmt: str, fg: FeedGenerator) -> bytes:
    if fmt == "atom":
        return bytes(fg.atom_str(pretty=True))
    with _RSS_LOCALE:
        data: Any = fg.rss_str(pretty=True)
    return bytes(data)


def feed_bytes(fmt: str, head: Head, entries: Iterable[bytes]) -> bytes:
    """feedgen's feed of `head` with the entries' bytes (from `entry_bytes`) in it."""
    empty = _serialize(fmt, _generator(fmt, head))
    close = _CLOSE[fmt]
    if not empty.endswith(close):  # feedgen's layout changed: splicing would be wrong
        raise ValueError(f"unexpected end of feedgen's {fmt} document: {empty[-40:]!r}")
    return b"".join((empty[:-len(close)], *entries, close))


# feedgen has no way to add a processing instruction: it goes in front of feedgen's document,
# right after the XML declaration, the only place the XML spec allows beside the root's siblings.
_DECLARATION = b"<?xml version='1.0' encoding='UTF-8'?>\n"


def with_stylesheet(document: bytes, href: str) -> bytes:
    """feedgen's document with `<?xml-stylesheet?>` after its XML declaration: browsers show the
    feed through that XSLT, readers skip the instruction. `href` is relative (the feed's folder
    to out_dir), so the feed works wherever out_dir is served."""
    if not document.startswith(_DECLARATION):  # feedgen's layout changed
        raise ValueError(f"unexpected start of feedgen's document: {document[:40]!r}")
    pi = f'<?xml-stylesheet type="text/xsl" href={quoteattr(href)}?>\n'.encode()
    return _DECLARATION + pi + document[len(_DECLARATION):]


def whole_feed(fmt: str, head: Head,
               entries: Sequence[tuple[Article, Sequence[str], datetime, datetime]]) -> bytes:
    """The feed as feedgen writes it in one piece: every entry added to one FeedGenerator."""
    fg = _generator(fmt, head)
    for a, categories, published, updated in entries:
        fg.add_entry(_entry(fmt, a, categories, published, updated), order="append")
    return _serialize(fmt, fg)
