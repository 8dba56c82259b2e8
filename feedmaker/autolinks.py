"""Pick article links on a section page with no rules (pure): page furniture out, recurring cards in.

A link is taken when it passes every filter, most decisive first:
1. same host, not the section or home page, not pagination, not a furniture path (tags, authors,
   videos, legal pages...), not a file;
2. not inside page furniture: <nav>, <header>, <footer>, <aside>, <form>, ARIA landmarks for them,
   or blocks named like menus, tickers, "most read" or share bars;
3. an article-shaped URL: a dated path (/2022/11/24/...), a slug of three or more words, or a
   numeric id of four or more digits;
4. a headline-like anchor text somewhere on the page for that URL;
5. part of a pattern: its card markup repeats on the page, or its URL template (the path with the
   last segment wildcarded) recurs, or it sits under the section path.
Each filter only removes links: precision matters more than recall, since a non-article in a feed
is worse than a missed card.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .sanitize import clean_text
from .urls import absolute, canonical_url, same_host, url_path

FURNITURE_PATH = re.compile(
    r"/(tags?|topics?|keywords?|authors?|writers?|columnists?|people|profiles?|categor(y|ies)|"
    r"search|login|signin|sign-in|register|signup|subscribe|subscriptions?|newsletters?|account|"
    r"privacy(-policy)?|terms(-of-use|-of-service)?|contact(-us)?|about(-us)?|cookies?|imprint|"
    r"impressum|rss|feeds?|live|videos?|video-gallery|watch|podcasts?|audio|programs?|shows?|"
    r"photos?|galleries|gallery|page|amp|print|share|comments?|sitemap|archives?|advertise|"
    r"careers|jobs|faq|corrections|ethics)(/|$)"
    # legal and house pages whose slugs look like headlines: /terms-and-conditions, /code-of-ethics
    r"|^/(terms|privacy|cookie|advertise|advertising|work|code|corrections|editorial|contact|"
    r"about|careers|subscription)[-_][^/]*/?$|-policy/?$",
    re.I)
_FILE = re.compile(r"\.(jpe?g|png|gif|webp|svg|pdf|xml|json|rss|atom|zip|mp[34]|css|js)$", re.I)
_PAGINATION = re.compile(r"(^|&)(page|p|pg|offset|start)=\d+", re.I)
_FURNITURE_TAGS = frozenset({"nav", "aside", "form", "menu", "button"})
# <header>/<footer> are furniture as the page's banner and footer, not inside a card's <article>.
_PAGE_EDGES = frozenset({"header", "footer"})
_FURNITURE_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "menu",
                              "menubar", "search"})
# Class/id words of blocks whose links are not the section's own cards. Matched as whole
# hyphen/underscore-separated words so "navigator-story" or "menuhin" stay untouched.
_FURNITURE_NAME = re.compile(
    r"(^|[\s_-])(nav|navbar|navigation|menu|menus|submenu|breadcrumbs?|pagination|pager|"
    r"masthead|sidebar|ticker|breaking-news|most-?read|most-?popular|popular|trending|related|"
    r"recommended|share|sharing|social|cookie|consent|newsletter|sponsored|advert|widget|"
    r"site-footer|page-footer|global-footer|site-header|global-header|colophon|site-info|legal)"
    r"($|[\s_-])"
    # "footer"/"header" only as a whole class or id: "card-header" holds a card's headline.
    r"|(^|\s)(footer|header)(\s|$)", re.I)
_DATE_PATH = re.compile(r"/(19|20)\d\d/(0?[1-9]|1[0-2])(/|-)")
_NUMERIC_ID = re.compile(r"(^|[/_-])\d{4,}([/_.-]|$)")
_SLUG_WORDS = 3  # "yemen-truce-talks": three words; "about-us" or "live-tv" are two
MIN_TITLE_CHARS = 12  # headline-like: "Watch", "Comments" or "Read more" are shorter
MIN_TITLE_WORDS = 3
MIN_REPEAT = 2  # a card shape (or URL template) seen twice is a pattern, once is not


@dataclass(frozen=True, slots=True)
class Candidate:
    url: str  # canonical
    title: str
    shape: str  # the anchor's markup path with first classes: "main>section.cards>div.card>h3>a"
    template: str  # the URL path with its last segment wildcarded, e.g. "/news/politics/*"


def pick_links(tree: LexborHTMLParser, base: str, section_url: str, site_host: str,
               selector: str = "a[href]") -> list[tuple[str, str]]:
    """(canonical url, title) of the article links on a section page, in page order."""
    section_path = url_path(section_url).rstrip("/")
    found: dict[str, list[Candidate]] = {}
    for node in anchors(tree, selector):
        cand = _candidate(node, base, section_url, site_host)
        if cand is not None:
            found.setdefault(cand.url, []).append(cand)
    shapes: Counter[str] = Counter()
    for cands in found.values():  # one count per URL and shape: an image link plus a headline
        shapes.update({c.shape for c in cands} | {s for c in cands if (s := _card(c.shape))})
    templates = Counter(cands[0].template for cands in found.values())
    picked: list[tuple[str, str]] = []
    for url, cands in found.items():
        title = max((c.title for c in cands), key=len)
        if not headline_like(title):
            continue
        path = url_path(url)
        repeated = any(shapes[c.shape] >= MIN_REPEAT or shapes[_card(c.shape)] >= MIN_REPEAT
                       for c in cands)
        recurring = templates[cands[0].template] >= MIN_REPEAT + 1
        under = bool(section_path) and path.startswith(section_path + "/")
        if repeated or recurring or under:
            picked.append((url, title))
    return picked


def headline_like(title: str) -> bool:
    return len(title) >= MIN_TITLE_CHARS or len(title.split()) >= MIN_TITLE_WORDS


def article_shaped(path: str) -> bool:
    """Does a URL path look like one article's (dated, long slug, numeric id), not a listing's?"""
    if FURNITURE_PATH.search(path) or _FILE.search(path):
        return False
    segments = [s for s in path.split("/") if s]
    if not segments:
        return False
    if _DATE_PATH.search(path + "/") and len(segments) >= 3:
        return True
    last = re.sub(r"\.s?html?$|\.php$|\.aspx?$", "", segments[-1], flags=re.I)
    words = [w for w in re.split(r"[-_+]", last) if w]
    if len(words) >= _SLUG_WORDS and sum(len(w) for w in words) >= 10:
        return True
    return any(_NUMERIC_ID.search(s) for s in segments[-2:]) and len(segments) >= 2


def template_of(path: str) -> str:
    """"/news/politics/some-slug" -> "/news/politics/*"; dated paths keep no digits."""
    segments = [s for s in path.split("/") if s]
    head = [re.sub(r"\d", "0", s) for s in segments[:-1]]
    return "/" + "/".join([*head, "*"])


def _card(shape: str) -> str:
    """The card-local part of a shape ("div.card>h3>a"): a lead card in its own <section> is
    still a card like the grid's. Only when it names a class, since bare "ul>li>a" is any list."""
    local = ">".join(shape.split(">")[-3:])
    return "~" + local if "." in local else ""


def anchors(tree: LexborHTMLParser, selector: str) -> list[LexborNode]:
    """The links a selector picks: matched <a> elements, and the links inside other matches."""
    nodes: list[LexborNode] = []
    for node in tree.css(selector):
        nodes.extend([node] if node.tag == "a" else node.css("a[href]"))
    return nodes


def _candidate(node: LexborNode, base: str, section_url: str, host: str) -> Candidate | None:
    url = absolute(node.attributes.get("href"), base)
    if url is None or not same_host(url, host):
        return None
    url = canonical_url(url)
    query = url.partition("?")[2]
    path = url_path(url)
    if _PAGINATION.search(query) or not article_shaped(path):
        return None
    if url.rstrip("/") == canonical_url(section_url).rstrip("/"):
        return None
    shape = _shape(node)
    if shape is None:
        return None
    title = clean_text(node.text(separator=" ")) or clean_text(node.attributes.get("title"))
    if not title:
        img = node.css_first("img[alt]")
        title = clean_text(img.attributes.get("alt")) if img is not None else ""
    return Candidate(url, title, shape, template_of(path))


def in_furniture(node: LexborNode) -> bool:
    """Is this link inside page furniture (nav, header, footer, aside, ticker, most read...)?"""
    return _shape(node) is None


def _shape(node: LexborNode) -> str | None:
    """The anchor's markup path up to <body>, or None when it sits in page furniture."""
    parts: list[str] = []
    edge = False
    cur: LexborNode | None = node
    while cur is not None and cur.tag not in ("body", "html", "-document"):
        attrs = cur.attributes
        if cur.tag in _FURNITURE_TAGS or (attrs.get("role") or "").lower() in _FURNITURE_ROLES:
            return None
        if cur.tag in _PAGE_EDGES:
            edge = True
        elif cur.tag == "article":
            edge = False
        name = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
        if cur is not node and _FURNITURE_NAME.search(name):
            return None
        # Only the first class is kept: it is usually the block's base name ("card" in
        # "card card-lead"), so a lead card and grid cards share a shape while a sidebar list
        # does not. Ids (often numbered per card) and positions are dropped.
        classes = (attrs.get("class") or "").split()
        parts.append(f"{cur.tag}.{classes[0]}" if classes else str(cur.tag))
        cur = cur.parent
    return None if edge else ">".join(reversed(parts))
