"""Field values from a page's metadata: JSON-LD, OpenGraph/article meta, microdata, markup heuristics.

Each function takes a `PageMeta` (built once per page) and returns a raw value or None; parse.py
orders them per field, most reliable first. Nothing here raises on odd markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from . import jsonld
from .language import normal_language
from .sanitize import clean_text


@dataclass
class PageMeta:
    tree: LexborHTMLParser
    ld: dict[str, Any] = field(default_factory=dict)  # the page's Article-like JSON-LD object
    meta: dict[str, list[str]] = field(default_factory=dict)  # lowercased property/name -> contents
    canonical: str | None = None  # the first <link rel="canonical"> href
    url: str = ""  # the page's own URL
    html: str | bytes = ""  # the page as fetched, for the last-resort date search
    cache: dict[str, Any] = field(default_factory=dict)  # values sources share, computed once

    @classmethod
    def of(cls, tree: LexborHTMLParser, url: str = "", html: str | bytes = "") -> PageMeta:
        # One walk of the document for all three: each whole-page CSS query costs ~20 µs on a
        # 100 KB page whatever it finds (the first on a page ~30 µs more, setting up lexbor's
        # selector engine); a selector list of three costs less than three separate queries.
        meta: dict[str, list[str]] = {}
        scripts: list[LexborNode] = []
        canonical = None
        for node in tree.css(_META_NODES):
            if node.tag == "script":
                scripts.append(node)
                continue
            attrs = node.attributes
            if node.tag == "link":
                canonical = canonical or attrs.get("href")
                continue
            key = attrs.get("property") or attrs.get("name") or attrs.get("itemprop")
            content = attrs.get("content")
            if key and content and content.strip():
                meta.setdefault(key.strip().lower(), []).append(content.strip())
        ld = jsonld.article(jsonld.blocks([n.text(deep=True) for n in scripts])) if scripts else {}
        return cls(tree, ld, meta, canonical, url, html)

    def first(self, *keys: str) -> str | None:
        for key in keys:
            values = self.meta.get(key)
            if values:
                return values[0]
        return None


_META_NODES = ('meta[content], script[type="application/ld+json"], '
               'link[rel~="canonical"][href]')


_ld_text = jsonld.text
# --- JSON-LD ----------------------------------------------------------------------------------
def ld_body(m: PageMeta) -> str | None:
    """articleBody, one line per paragraph."""
    raw = jsonld.first(m.ld.get("articleBody"), ("@value",), str)
    if not raw:
        return None
    lines = [line for part in raw.splitlines() if (line := clean_text(part))]
    return "\n".join(lines) or None


def ld_description(m: PageMeta) -> str | None:
    return _ld_text(m.ld.get("description"))


def ld_published(m: PageMeta) -> str | None:
    return _ld_text(m.ld.get("datePublished") or m.ld.get("dateCreated"))


def ld_modified(m: PageMeta) -> str | None:
    return _ld_text(m.ld.get("dateModified"))


def ld_image(m: PageMeta) -> str | None:
    return jsonld.url(m.ld.get("image") or m.ld.get("thumbnailUrl"))


# --- OpenGraph, article:, twitter:, Dublin Core and plain meta --------------------------------
def og_description(m: PageMeta) -> str | None:
    return m.first("og:description", "twitter:description", "description", "dc.description")


def og_published(m: PageMeta) -> str | None:
    return m.first("article:published_time", "og:published_time", "datepublished", "pubdate",
                   "publishdate", "date", "dc.date", "dc.date.issued", "sailthru.date",
                   "parsely-pub-date", "publication_date")


def og_modified(m: PageMeta) -> str | None:
    return m.first("article:modified_time", "og:updated_time", "datemodified", "last-modified")


def og_image(m: PageMeta) -> str | None:
    return m.first("og:image:secure_url", "og:image", "og:image:url", "twitter:image",
                   "twitter:image:src")


# --- microdata and markup heuristics -----------------------------------------------------------
def _node_text(m: PageMeta, css: str) -> str | None:
    node = m.tree.css_first(css)
    return clean_text(node.text(separator=" ")) or None if node else None


def language(m: PageMeta) -> str | None:
    """The page's language as a BCP 47 tag: <html lang>, else JSON-LD inLanguage, else
    og:locale ("pt_BR" -> "pt-BR")."""
    if "language" not in m.cache:
        m.cache["language"] = _language(m)
    return m.cache["language"]  # type: ignore[no-any-return]


def _language(m: PageMeta) -> str | None:
    root = m.tree.css_first("html")
    for raw in (root.attributes.get("lang") if root is not None else None,
                _ld_text(m.ld.get("inLanguage")), m.first("og:locale", "language", "dc.language")):
        tag = normal_language(raw or "")
        if tag:
            return tag
    return None



_DATE_KEY = re.compile(r"date|time|modified|published", re.I)


def date_hints(m: PageMeta) -> list[str]:
    """Every machine-readable date the page gives (JSON-LD, meta, <time>), for telling which
    zone its zone-less dates are in."""
    found = [v for key in ("datePublished", "dateModified", "dateCreated")
             if isinstance(v := m.ld.get(key), str)]
    found += [v for key, values in m.meta.items() if _DATE_KEY.search(key) for v in values[:2]]
    found += [t for node in m.tree.css("time[datetime]")[:3] if (t := node.attributes.get("datetime"))]
    return found


def md_published(m: PageMeta) -> str | None:
    node = m.tree.css_first('[itemprop="datePublished"]')
    if node:
        return node.attributes.get("content") or node.attributes.get("datetime") or node.text()
    return None


def time_published(m: PageMeta) -> str | None:
    node = m.tree.css_first("article time[datetime], time[datetime]")
    return node.attributes.get("datetime") if node else None


_DATE_LIKE = re.compile(r"\d{4}|\d{1,2}:\d{2}")
_DATE_CSS = (".published, .date, .post-date, .entry-date, .article-date, .publish-date, .dateline, "
             "[class*=publish], [class*=date], [class*=Date]")
# A date inside a link or a teaser's heading is another article's.
_TEASER = frozenset({"a", "h2", "h3", "h4", "h5", "h6", "nav", "aside", "footer"})


def visible_date(m: PageMeta) -> str | None:
    """The first date-looking element's text: many sites show the date with no markup for it."""
    for node in m.tree.css(_DATE_CSS)[:8]:
        text = clean_text(node.text(separator=" "))
        if text and len(text) < 80 and _DATE_LIKE.search(text) and not _in_teaser(node):
            return text
    return None


HTMLDATE_CHARS = 200_000
# /2024/05/01/, /2024-05-01/, /20240501/ in a URL's path: the day the article was filed.
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?=[/_.-]|$)")


def url_date(m: PageMeta) -> str | None:
    """The date in the page's URL path, when it has one (read as that day's midnight)."""
    path = m.url.split("?", 1)[0].split("#", 1)[0]
    found = _URL_DATE.search(path[path.find("/", path.find("//") + 2):] if "//" in path else path)
    return f"{found[1]}-{found[2]}-{found[3]}" if found else None


def found_date(m: PageMeta) -> str | None:
    """htmldate's publication date for a page that marks none up: it reads the URL, the
    page's scripts and its visible text the way a person would look for one. Only pages with
    no date anywhere else pay for it (it parses the page again, with lxml, ~5 ms)."""
    if not m.html:
        return None
    try:
        from htmldate import find_date
    except ImportError:
        return None
    html = m.html.decode("utf-8", "replace") if isinstance(m.html, bytes) else m.html
    try:
        # The first 200 KB: a page's date sits in its head or above the article, and lxml's
        # parse of a 2 MB page costs 40 ms (on the 20 dateless real pages, the same dates).
        found = find_date(html[:HTMLDATE_CHARS], url=m.url or None, original_date=True,
                          extensive_search=False, outputformat="%Y-%m-%dT%H:%M:%S", verbose=False)
    except Exception:  # its parser or heuristics failing on odd markup is "no date"
        return None
    return found if isinstance(found, str) else None


def _in_teaser(node: LexborNode) -> bool:
    cur = node.parent
    for _ in range(4):
        if cur is None or cur.tag in ("article", "main", "body"):
            return False
        if cur.tag in _TEASER:
            return True
        cur = cur.parent
    return False


def by_class_parts(root: Any, parts: tuple[str, ...]) -> list[Any]:
    """What lexbor's `[class*="part1"], [class*="part2"], ...` returns (the page's order, an
    element once for each part its class holds), from one case-blind selector per distinct
    word: lexbor walks the page once for each selector of a list (~85 us a walk on a real
    page), so "byline", "Byline" cost one walk, and the parts are then matched here."""
    wide = ", ".join(f'[class*="{p}" i]' for p in dict.fromkeys(p.lower() for p in parts))
    found = []
    seen: set[int] = set()  # (the wide list repeats an element too)
    for node in root.css(wide):
        if node.mem_id not in seen:
            seen.add(node.mem_id)
            names = node.attributes.get("class") or ""
            found += [node] * sum(part in names for part in parts)
    return found


_FURNITURE = ("nav", "aside", "form")


def in_furniture(node: Any, header: bool = True) -> bool:
    """Inside navigation, a sidebar, or the page's own footer or (with `header`) header; an
    article's own header and footer are fine."""
    cur = node.parent
    edges = ("header", "footer") if header else ("footer",)
    while cur is not None and cur.tag not in ("body", "html"):
        if cur.tag in _FURNITURE or (cur.tag in edges and not _inside(cur, "article")):
            return True
        cur = cur.parent
    return False


def _inside(node: Any, tag: str) -> bool:
    cur = node.parent
    while cur is not None:
        if cur.tag == tag:
            return True
        cur = cur.parent
    return False


def md_modified(m: PageMeta) -> str | None:
    node = m.tree.css_first('[itemprop="dateModified"]')
    return node.attributes.get("content") or node.attributes.get("datetime") or node.text() \
        if node else None


def md_image(m: PageMeta) -> str | None:
    """Microdata image, else the first figure's image in the article (the lead picture)."""
    for css in ('[itemprop="image"]', "article figure img, main figure img, figure img"):
        node = m.tree.css_first(css)
        if node is None:
            continue
        if node.tag not in ("img", "meta", "link", "source"):
            node = node.css_first("img") or node
        attrs = node.attributes
        for key in ("content", "href", "data-src", "data-lazy-src", "data-original", "src"):
            value = attrs.get(key)
            if value and not value.startswith("data:"):
                return value
    return None


_SUMMARY_CSS = ('[itemprop="description"]:not(meta), .article-summary, .standfirst, .article-dek, '
                ".dek, .lede, .article-lead, .summary, .subtitle, .excerpt")


def md_summary(m: PageMeta) -> str | None:
    """A visible standfirst under the headline, from microdata or the usual class names."""
    for node in m.tree.css(_SUMMARY_CSS)[:3]:
        text = clean_text(node.text(separator=" "))
        if len(text) >= 20 and not in_furniture(node):
            return text
    return None
