"""Map a request target to the page the site serves there: status, body, type and content date."""

from __future__ import annotations

import hashlib
import struct
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from urllib.parse import parse_qs, unquote, urlsplit

from . import templates
from .content import ROBOTS_TXT
from .model import Catalog

_PLAIN_PAGES = {
    "/live": ("Live", "Live coverage from our correspondents across the region."),
    "/about-us": ("About Us", "An independent media outlet – sample imitation for tests."),
    "/contact-us": ("Contact Us", "Write to us at newsroom@example.invalid."),
    "/privacy-policy": ("Privacy Policy", "We collect as little as possible & keep it safe."),
    "/terms-of-use": ("Terms of Use", "Use of this sample site is at your own risk."),
    "/search": ("Search", "Search is not available on the sample site."),
}
_SECTIONS_OF_OTHER_PAGES = ("/tags/", "/authors/", "/videos/", "/programs/")
APP_JS = b"document.querySelectorAll('img.lazy').forEach(function(i){i.src=i.dataset.src;});\n"


@dataclass
class Page:
    status: int
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    html: str | None = None  # the text before encoding, for faults that re-encode it
    modified: datetime | None = None  # content date: the first Last-Modified of this page
    headers: dict[str, str] = field(default_factory=dict)


def _html(status: int, text: str, modified: datetime | None = None) -> Page:
    return Page(status, text.encode("utf-8"), html=text, modified=modified)


def png(name: str) -> bytes:
    """A real 16x9 PNG in a colour derived from the name, so each image differs and decodes."""
    r, g, b = hashlib.md5(name.encode()).digest()[:3]
    raw = b"".join(b"\x00" + bytes((r, g, b)) * 16 for _ in range(9))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", 16, 9, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


def _sitemap(cat: Catalog, origin: str) -> bytes:
    urls = "".join(f"<url><loc>{escape(origin + s.path)}</loc></url>" for s in cat.stories())
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
            f'schemas/sitemap/0.9">{urls}</urlset>\n').encode()


def resolve(cat: Catalog, target: str, origin: str, *, empty: bool = False) -> Page:
    """The page at `target` (path plus query). Unknown queries are ignored, like the real site."""
    parts = urlsplit(target)
    path = parts.path.rstrip("/") or "/"
    if path == "/":
        return _html(200, templates.home(cat, empty=empty), cat.epoch)
    section = cat.section_at(path)
    if section is not None:
        raw_page = parse_qs(parts.query).get("page", ["1"])[0]
        page_no = int(raw_page) if raw_page.isdigit() else 1
        text = templates.listing(cat, section, page_no, empty=empty)
        if text is None:
            return _html(404, templates.simple(cat, "Page not found", "No such page."))
        chunk = cat.listing(section.key)[(page_no - 1) * cat.page_size:][: cat.page_size]
        dates = [s.published for s in chunk if s.published and "nodate" not in s.features]
        return _html(200, text, max(dates, default=cat.epoch))
    story = cat.story(path)
    if story is not None:
        if empty:
            return _html(200, templates.simple(cat, story.title, "Nothing to see here."))
        dated = "nodate" not in story.features
        return _html(200, templates.article(cat, story, origin),
                     (story.modified or story.published) if dated else cat.epoch)
    if path == "/robots.txt":
        return Page(200, ROBOTS_TXT.encode(), "text/plain; charset=utf-8", modified=cat.epoch)
    if path == "/rss":  # the real site answers its own feed link with 403
        return Page(403, b"<html><body><h1>403 Forbidden</h1></body></html>")
    if path == "/sitemap.xml":
        return Page(200, _sitemap(cat, origin), "application/xml", modified=cat.epoch)
    if path.startswith("/images/"):
        return Page(200, png(path), "image/png", modified=cat.epoch)
    if path == "/static/app.js":
        return Page(200, APP_JS, "application/javascript", modified=cat.epoch)
    if path in _PLAIN_PAGES:
        title, text = _PLAIN_PAGES[path]
        return _html(200, templates.simple(cat, title, text), cat.epoch)
    if path.startswith(_SECTIONS_OF_OTHER_PAGES):
        name = unquote(path.rsplit("/", 1)[-1]).replace("-", " ")
        return _html(200, templates.simple(cat, name, f"Everything about {name}."), cat.epoch)
    return _html(404, templates.simple(cat, "Page not found", "The page has moved or never was."))
