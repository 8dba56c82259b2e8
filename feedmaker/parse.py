"""Article page -> Article (pure: HTML, URL and site rules in; no network, clock or database).

Each field is filled from an ordered table of sources, most reliable first: the site's CSS rule,
then JSON-LD, then OpenGraph/article meta, then microdata and markup heuristics. The first
non-empty value that survives cleaning wins, and `Parsed.sources` says which one it was.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from . import bylines, headlines, tags, titles
from . import metadata as md
from .bounds import bound_markup
from .config import Rule, SiteConfig
from .dates import Reading, read_date
from .errors import ParseError
from .extract import extract_body
from .model import Article, Parsed
from .sanitize import (
    clean_html,
    clean_prepared,
    clean_text,
    has_text,
    html_to_text,
    prepare_node,
    truncate_text,
    xml_safe,
)
from .urls import absolute, canonical_url, same_host, url_path

MAX_TAGS = 40
MAX_AUTHORS = 20
MAX_TITLE = 1000
SUMMARY_CHARS = 400
# The visible body must hold at least this share of JSON-LD's articleBody, or that wins.
LD_BODY_SHARE = 0.5
# Blocks that are never part of an article body, even inside a configured content selector.
_JUNK_CSS = ("script, style, noscript, iframe, object, embed, form, button, nav, aside, template, "
             "svg, [role=navigation], [role=complementary], [aria-hidden=true]")
_JUNK_NAME = re.compile(
    r"(^|[\s_-])(ads?|advert\w*|share\w*|sharing|social|newsletter|subscribe|related|promo\w*|"
    r"sponsor\w*|read-?next|most-?read|read-?more|also-?read|more-?stories|comments?|outbrain|"
    r"taboola|recommend\w*|popular|trending)($|[\s_-])", re.I)
_JUNK_HEADING = re.compile(r"^\s*(read next|most read|related( articles| stories| news)?|"
                           r"you may also like|more (from|on) |recommended|trending|popular)\b", re.I)

Source = Callable[[md.PageMeta], Any]
HEURISTIC = "heuristic"
# field -> ordered (label, source) pairs tried after the site's CSS rule.
FALLBACKS: dict[str, tuple[tuple[str, Source], ...]] = {
    # The visible headline when a metadata title repeats it (headlines.py), then a title
    # another source repeats (titles.py says why), then the first there is.
    "title": (("headline", headlines.agreed_title), ("JSON-LD", titles.seen_ld_title),
              ("OpenGraph", titles.seen_og_title), ("<title>", titles.seen_tag_title),
              (HEURISTIC, titles.seen_h1_title),
              ("JSON-LD", titles.ld_title), ("OpenGraph", titles.og_title), ("microdata", titles.md_title),
              (HEURISTIC, titles.h1_title), ("<title>", titles.tag_title)),
    "author": (("JSON-LD", bylines.ld_author), ("meta", bylines.og_author), (HEURISTIC, bylines.md_author),
               ("publisher", bylines.site_author)),
    "published": (("JSON-LD", md.ld_published), ("meta", md.og_published),
                  ("microdata", md.md_published), (HEURISTIC, md.time_published),
                  (HEURISTIC, md.visible_date), ("URL", md.url_date), ("htmldate", md.found_date)),
    "updated": (("JSON-LD", md.ld_modified), ("meta", md.og_modified), ("microdata", md.md_modified)),
    "image": (("JSON-LD", md.ld_image), ("OpenGraph", md.og_image), (HEURISTIC, md.md_image)),
    # article:tag and keyword meta are the publisher's tags; JSON-LD keywords are more often
    # search-engine words (on 210 real pages with tags labelled, meta first gets 9 more right),
    # except where the page's other tag lists bear them out and not the meta (4 more).
    "tags": (("JSON-LD", tags.repeated_ld_tags), ("meta", tags.og_tags), ("rel=tag", tags.rel_tags),
             (HEURISTIC, tags.md_tags), ("JSON-LD", tags.ld_tags), ("meta", tags.mail_tags),
             ("section", tags.section_tags)),
    "summary": (("JSON-LD", md.ld_description), ("OpenGraph", md.og_description),
                (HEURISTIC, md.md_summary)),
}


def parse_article(html: str | bytes, url: str, site: SiteConfig) -> Parsed:
    """Parse one article page (bytes are read as UTF-8). Raises ParseError when no title can be
    found at all."""
    html = bound_markup(html)  # bounds.py: the parser and the walks below are quadratic in depth
    tree = LexborHTMLParser(html)
    meta = md.PageMeta.of(tree, url, html)  # before `remove` rules, which usually drop <script> (JSON-LD)
    page_url = _canonical(tree, meta, url, site)
    _remove(tree, site.remove)
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    lang = md.language(meta)
    for name in ("title", "author", "published", "updated", "image", "tags", "summary"):
        value, source = _first(name, site.article.get(name), tree, meta, url, site.timezone, lang)
        if value:
            values[name], sources[name] = value, source
    for name in ("published", "updated"):
        if name in values:
            values[name] = _zoned(values[name], meta, site.timezone, lang)
    content, sources_content = _content(tree, meta, site.article.get("content"), url, html)
    if content:
        sources["content"] = sources_content
    if "summary" not in values and content:
        values["summary"], sources["summary"] = truncate_text(html_to_text(content), SUMMARY_CHARS), \
            "content"
    if "image" not in values and content:
        img = LexborHTMLParser(content).css_first("img[src]")
        if img is not None:
            values["image"], sources["image"] = img.attributes.get("src"), "content"
    title = values.get("title")
    if not title:
        raise ParseError(url, "no title found (no rule, JSON-LD, OpenGraph or <h1> gave one)")
    article = Article(
        url=page_url, title=title[:MAX_TITLE], authors=tuple(values.get("author", ())),
        published=values.get("published"), updated=values.get("updated"),
        summary=values.get("summary"), image=values.get("image"), content=content,
        tags=tuple(values.get("tags", ())), language=lang,
    )
    return Parsed(article, sources)


def _canonical(tree: LexborHTMLParser, meta: md.PageMeta, url: str, site: SiteConfig) -> str:
    """The canonical form of the page's own canonical URL when it is plausible: same site, and
    not the home page or a section page (some sites point every page's canonical there, which
    would merge articles); else of `url`."""
    listings = _listing_urls((site.url, *site.sections.values()))
    for href in (meta.canonical, meta.first("og:url")):
        cand = absolute(href, url)
        if cand and same_host(cand, site.host) and url_path(cand).strip("/"):
            canonical = canonical_url(cand)  # computed once: it is both the test and the answer
            if canonical.rstrip("/") not in listings:
                return canonical
    return canonical_url(url)


@functools.lru_cache(maxsize=256)
def _listing_urls(urls: tuple[str, ...]) -> frozenset[str]:
    return frozenset(canonical_url(u).rstrip("/") for u in urls)


def _first(name: str, rule: Rule | None, tree: LexborHTMLParser, meta: md.PageMeta, url: str,
           tz: tzinfo, lang: str | None) -> tuple[Any, str]:
    if rule is not None:
        value = _clean(name, _by_rule(name, rule, tree), url, tz, lang)
        if value:
            return value, f"selector {rule}"
    for label, source in FALLBACKS.get(name, ()):
        try:
            raw = source(meta)
        except (AttributeError, TypeError, ValueError):  # odd markup in one source never stops others
            continue
        value = _clean(name, raw, url, tz, lang)
        if value:
            return value, label
    return None, ""


def _zoned(reading: Reading, meta: md.PageMeta, tz: tzinfo, lang: str | None) -> datetime:
    """The date in the offset the page gave. A date written without one ("2023-04-28 18:11")
    takes the offset of another date on the page that shows the same wall-clock time with one
    ("2023-04-28T18:11:01+02:00" in a meta tag): the page saying which zone it meant beats the
    site's configured zone, which is only a default."""
    if reading.zoned:
        return reading.when
    wall = reading.when.replace(tzinfo=None, second=0, microsecond=0)
    for raw in md.date_hints(meta):
        other = read_date(raw, tz, language=lang)
        if other and other.zoned and other.when.replace(tzinfo=None, second=0, microsecond=0) == wall:
            return reading.when.replace(tzinfo=other.when.tzinfo)
    return reading.when


def _remove(tree: LexborHTMLParser, selectors: Sequence[str]) -> None:
    """Drop what the `remove` rules match. One query for the lot when no rule depends on its
    neighbours (":first-child", "+", "~"), which removing another rule's matches could change,
    and none holds a quote, backslash or comment that could run on into the next rule once they
    are joined: each whole-page query costs ~20 µs on a 100 KB page, whatever it finds."""
    if not selectors:
        return
    if any(c in css for css in selectors for c in ':+~"\'\\') or any("/*" in css for css in selectors):
        for css in selectors:
            for node in tree.css(css):
                node.decompose()
        return
    # Last first: a match inside another match goes before its ancestor takes it along.
    for node in reversed(tree.css(", ".join(selectors))):
        node.decompose()


def _by_rule(name: str, rule: Rule, tree: LexborHTMLParser) -> Any:
    if name in ("title", "summary", "published", "updated"):
        # One value: the first match. css_first stops there; css walks the whole page.
        node = tree.css_first(rule.css)
        if node is None:
            return None
        if name in ("published", "updated") and not rule.attr:
            return node.attributes.get("datetime") or node.attributes.get("content") or node.text()
        return _value(node, rule.attr)
    if name == "image":
        # Usually the first match has it; the rest are looked for only when it does not.
        first = tree.css_first(rule.css)
        found = _image_of(first, rule) if first is not None else None
        if found is _NEXT:
            found = next((f for n in tree.css(rule.css)[1:] if (f := _image_of(n, rule)) is not _NEXT),
                         None)
        return found
    nodes = _select_all(tree, rule.css)
    if name == "tags":
        return [_value(n, rule.attr) for n in nodes]
    # authors: every name of every match
    return [name for n in nodes for name in bylines.split_authors(_value(n, rule.attr))]


# "outer inner", two plain compound selectors (tags, classes, ids), as in ".tags a".
_DESCENDANT = re.compile(r"([\w-]*(?:[.#][\w-]+)*)\s+([\w-]+(?:[.#][\w-]+)*|[.#][\w-]+(?:[.#][\w-]+)*)")


def _select_all(tree: LexborHTMLParser, css: str) -> list[LexborNode]:
    """`tree.css(css)`, in document order. "outer inner" is looked up as the outer matches,
    then inner within each: lexbor tests every inner candidate's ancestors instead, and for
    ".tags a" that is each of the ~200 links of a page (1.7x slower)."""
    pair = _DESCENDANT.fullmatch(css.strip())
    if pair is None or not pair[1]:
        return list(tree.css(css))
    seen: set[int] = set()
    found = []
    for outer in tree.css(pair[1]):
        seen.add(outer.mem_id)  # a node is not its own descendant (node.css includes it)
        for node in outer.css(pair[2]):
            if node.mem_id not in seen:
                seen.add(node.mem_id)
                found.append(node)
    return found


_NEXT = object()  # this match gives no image: look at the next one


def _image_of(node: LexborNode, rule: Rule) -> Any:
    img = node if node.tag in ("img", "meta", "source") or rule.attr else node.css_first("img")
    if img is None:
        return _NEXT
    src = _value(img, rule.attr) if rule.attr else _img_src(img)
    if src and not src.startswith("data:"):
        return src
    return _img_src(img) if rule.attr else _NEXT


def _value(node: LexborNode, attr: str | None) -> str:
    if attr:
        return node.attributes.get(attr) or ""
    return node.text(separator=" ")


def _img_src(img: LexborNode) -> str | None:
    attrs = img.attributes
    for key in ("data-src", "data-lazy-src", "data-original", "src", "content"):
        value = attrs.get(key)
        if value and not value.startswith("data:"):
            return value
    srcset = attrs.get("srcset") or attrs.get("data-srcset")
    return srcset.split(",")[0].split()[0] if srcset and srcset.strip() else None


def _clean(name: str, raw: Any, url: str, tz: tzinfo, lang: str | None) -> Any:
    if raw is None:
        return None
    if name in ("published", "updated"):
        return read_date(raw, tz, language=lang) if isinstance(raw, str) else None
    if name == "image":
        return absolute(xml_safe(str(raw)).strip(), url)
    if name == "tags":
        return _tags(raw if isinstance(raw, list) else [raw])
    if name == "author":
        return _authors(raw if isinstance(raw, list) else bylines.split_authors(str(raw)))
    if name == "summary":
        return truncate_text(clean_text(str(raw)), SUMMARY_CHARS) or None
    return clean_text(str(raw)) or None


def _tags(raw: list[Any]) -> list[str]:
    return tags.clean_tags(raw)[:MAX_TAGS]


def _authors(raw: list[Any]) -> list[str]:
    seen: dict[str, str] = {}
    for item in raw:
        name = clean_text(str(item))[:200]
        if name and not name.startswith(("http:", "https:")) and name.casefold() not in seen:
            seen[name.casefold()] = name
    return list(seen.values())[:MAX_AUTHORS]


def _content(tree: LexborHTMLParser, meta: md.PageMeta, rule: Rule | None,
             url: str, page: str | bytes) -> tuple[str | None, str]:
    if rule is not None:
        nodes = tree.css(rule.css)
        if rule.attr:
            html = clean_html("".join(node.attributes.get(rule.attr) or "" for node in nodes), url)
        else:
            for node in nodes:
                _strip_junk(node)
            html = clean_prepared("".join(prepare_node(node, url) for node in nodes))
        if has_text(html):
            return html, f"selector {rule}"
    body = extract_body(tree, page)  # mutates the tree: every other field is already read
    html = clean_html(body, url) if body else ""
    text = md.ld_body(meta)
    # JSON-LD's articleBody when the page shows no body, or much less than it: the visible
    # text is then a teaser or a fragment between widgets the extractor could not join.
    if text and (not has_text(html) or len(html_to_text(html)) < LD_BODY_SHARE * len(text)):
        paragraphs = "".join(f"<p>{_escape(p)}</p>" for p in text.split("\n") if p.strip())
        return clean_html(paragraphs, url), "JSON-LD"
    if has_text(html):
        return html, HEURISTIC
    return None, ""


def _strip_junk(root: LexborNode) -> None:
    for node in root.css(_JUNK_CSS):
        node.decompose()
    for node in root.css("[class], [id]"):
        # Two lookups, not `node.attributes`: that builds a dict of every attribute, per call.
        name = f"{node.attrs.get('class') or ''} {node.id or ''}"
        if _JUNK_NAME.search(name):
            node.decompose()
    for heading in root.css("h2, h3, h4, h5, h6"):
        if _JUNK_HEADING.match(heading.text() or ""):
            # A "Read next" heading takes the list of links that follows it along.
            sibling = heading.next
            while sibling is not None and sibling.tag == "-text":
                sibling = sibling.next
            if sibling is not None and sibling.tag in ("ul", "ol", "div"):
                sibling.decompose()
            heading.decompose()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

