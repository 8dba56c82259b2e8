"""Pick article links on a section page with no rules (pure), and say why each link was taken or not.

A listing page shows its articles as a run of blocks with the same markup: cards, list items,
table rows. The picker groups the page's links by their markup path (blocks.py) and takes:
1. every link of a *list of items* (itemlists.py): links sharing a markup path whose titles are
   headline-length, name versions, or sit beside a date or teaser, whatever their URLs look like
   (an essay table's "/vb.html", a release list's "v2.10.2", posts at "/<slug>/", a bookmark
   list's links to other sites);
2. a link in no such list that looks like an article on its own: an article-shaped URL (dated,
   long slug, numeric id) on the site, a headline, and a pattern (its card markup repeats, its
   URL template recurs, or it sits under the section's path).
Never: links in page furniture (menus, banner, footer, share bars), the section page, the site's
home, tag/author/legal/landing pages, files, pagination, share buttons, a listing page that other
links go below. Side boxes (sidebars, "Most read", tickers) count only for links under the
section's path: on a section page they list other sections' articles, on the home page the site's.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .blocks import Place, Places
from .itemlists import ItemList, Member, judge
from .sanitize import clean_text
from .urls import absolute, canonical_url, url_path
from .urlshape import (
    FURNITURE_PATH,
    article_shaped,
    not_an_item,
    public_host,
    site_of,
    template_of,
)

__all__ = ["FURNITURE_PATH", "Decision", "anchors", "article_shaped", "decide", "headline_like",
           "outside_furniture", "pick_links", "template_of"]

MIN_TITLE_CHARS = 12  # headline-like: "Watch", "Comments" or "Read more" are shorter
MIN_TITLE_WORDS = 3
MIN_REPEAT = 2  # a card shape (or URL template) seen twice is a pattern, once is not
# "/?p=123": a home page's URL with an item's id in the query (WordPress without permalinks).
_ROOT_ITEM = re.compile(r"(^|&)[^=&]+=\d+(&|$)")
_POPULAR = re.compile(r"^class '(most-?read|most-?popular|popular|trending)'$", re.I)


@dataclass(frozen=True, slots=True)
class Decision:
    """One distinct link of the page: taken as an article or not, and why."""
    url: str  # canonical
    title: str
    taken: bool
    why: str  # the signal that decided: "list of 24 items (...)", "in page furniture (<nav>)"
    block: str  # the markup path of the block it was judged in


@dataclass(slots=True)
class _Anchor:
    shape: str  # markup path including the <a>
    place: Place
    title: str
    node: LexborNode


@dataclass(slots=True)
class _Link:
    """A distinct URL of the page and every <a> pointing at it."""
    url: str
    host: str
    path: str
    own_host: bool
    own_site: bool  # the site's registrable domain: a sister host counts
    shaped: bool  # article-shaped path
    anchors: list[_Anchor] = field(default_factory=list)
    title: str = ""
    rejected: str = ""
    usable: list[_Anchor] = field(default_factory=list)  # outside furniture and foreign boxes


def pick_links(tree: LexborHTMLParser, base: str, section_url: str, site_host: str,
               selector: str = "a[href]") -> list[tuple[str, str]]:
    """(canonical url, title) of the article links on a section page, in page order."""
    return [(d.url, d.title) for d in decide(tree, base, section_url, site_host, selector,
                                             explain=False) if d.taken]


def decide(tree: LexborHTMLParser, base: str, section_url: str, site_host: str,
           selector: str = "a[href]", *, explain: bool = True) -> list[Decision]:
    """A decision for every distinct web link the selector finds, in page order. Links only in
    page furniture decide nothing else, so without `explain` they are not even looked at."""
    section = canonical_url(section_url).rstrip("/")
    section_path = url_path(section).rstrip("/")
    bare = site_host.lower().strip("[]").removeprefix("www.")
    site = (bare, site_of(bare))
    links: dict[str, _Link] = {}
    by_href: dict[str | None, _Link | None] = {}  # pages repeat hrefs: resolve each once
    places = Places(tree)
    for node in anchors(tree, selector):
        place = places.of(node.parent)
        if place.furniture and not explain:
            continue
        href = node.attributes.get("href")
        if href in by_href:
            link = by_href[href]
        else:
            url = absolute(href, base)
            link = by_href[href] = None if url is None else _link(links, canonical_url(url), site)
        if link is not None:
            link.anchors.append(_anchor(node, place))
    for link in links.values():
        content = [a for a in link.anchors if not a.place.furniture]
        link.title = max((a.title for a in content or link.anchors), key=len)
        link.rejected = _not_an_item(link, section)
        link.usable = [a for a in content if not a.place.side or _under(link, section_path)]
    _reject_listings(link for link in links.values()
                     if any(not a.place.furniture for a in link.anchors))
    decisions = _decide_all(links.values(), section_path)
    if not any(d.taken for d in decisions) and any(
            _POPULAR.search(a.place.side) for link in links.values() for a in link.anchors):
        # Nothing lists articles here but a block named "Trending" or "Most popular": that is
        # the page (/trending), not a box beside it. A sidebar, a ticker or "Related" beside an
        # empty section page still is, and gives nothing.
        for link in links.values():
            link.usable += [a for a in link.anchors if not a.place.furniture
                            and _POPULAR.search(a.place.side) and a not in link.usable]
        decisions = [d if not d.taken else Decision(d.url, d.title, True, d.why + "; the page "
                                                    "lists nothing else", d.block)
                     for d in _decide_all(links.values(), section_path)]
    return decisions


def _decide_all(links: Iterable[_Link], section_path: str) -> list[Decision]:
    links = list(links)
    lists = _lists(links)
    patterns = _patterns(links)
    return [_decide(link, lists, patterns, section_path) for link in links]


def _link(links: dict[str, _Link], url: str, site: tuple[str, str]) -> _Link:
    link = links.get(url)
    if link is None:
        # A canonical URL ("scheme://host[:port]/path?query", lowercase host) splits by hand
        # at a fraction of urlsplit's cost, three times per link.
        netloc, _, rest = url.partition("://")[2].partition("/")
        path = "/" + rest.partition("?")[0]
        host = netloc.rpartition("@")[2]
        host = host[1:].partition("]")[0] if host.startswith("[") else host.partition(":")[0]
        bare = host.removeprefix("www.")
        own_host = bare == site[0]
        link = links[url] = _Link(url, bare, path, own_host,
                                  own_host or site_of(bare) == site[1], article_shaped(path))
    return link


def _anchor(node: LexborNode, place: Place) -> _Anchor:
    classes = (node.attributes.get("class") or "").split()
    own = f"a.{classes[0]}" if classes else "a"
    title = clean_text(node.text(separator=" ")) or clean_text(node.attributes.get("title"))
    if not title:
        img = node.css_first("img[alt]")
        title = clean_text(img.attributes.get("alt")) if img is not None else ""
    return _Anchor(f"{place.shape}>{own}" if place.shape else own, place, title, node)


def _not_an_item(link: _Link, section: str) -> str:
    if link.url.rstrip("/") == section:
        return "the section page itself"
    query = link.url.partition("?")[2]
    # Another site's home, about or archive page can be an item of a bookmark list: only the
    # site's own paths say "home page", "tag page" or "legal page".
    if link.own_site and link.path == "/" and not _ROOT_ITEM.search(query):
        return "a home page"
    if not link.own_site and not public_host(link.host):
        return "on another host that is no public domain name (an IP address, an intranet name)"
    return not_an_item(link.path, query, link.own_site) or ""


def _reject_listings(links: Iterable[_Link]) -> None:
    """A page other candidates on its host sit below is their listing: /video, /blog."""
    candidates = [link for link in links if not link.rejected and link.own_host]
    parents: set[str] = set()
    for link in candidates:
        segments = link.path.strip("/").split("/")
        parents.update("/" + "/".join(segments[:i]) for i in range(1, len(segments)))
    for link in candidates:
        if link.path.rstrip("/") in parents:
            link.rejected = "a listing page: other links on this page go below it"


def _under(link: _Link, section_path: str) -> bool:
    """Below the section's path; for the home page's, anywhere on the site."""
    if not section_path:
        return link.own_site
    return link.own_host and link.path.startswith(section_path + "/") \
        and link.path.rstrip("/") != section_path


def _lists(links: Iterable[_Link]) -> dict[str, ItemList]:
    """Every run of usable links with one markup path, judged."""
    runs: dict[str, dict[str, Member]] = {}
    foreign: dict[str, bool] = {}  # runs whose every link is on another site
    for link in links:
        if link.rejected:
            continue
        for a in link.usable:
            runs.setdefault(a.shape, {}).setdefault(link.url,
                                                    Member(link.title, link.shaped, a.node))
            foreign[a.shape] = foreign.get(a.shape, True) and not link.own_site
    lists = {shape: judge(shape, list(members.values())) for shape, members in runs.items()}
    # A page listing its own site's items is not also a link list: a run of links that all go
    # elsewhere beside it is a blogroll, partners or "around the web". A bookmark list has no
    # list of its own items (and a list mixing both, a blog's posts with those it wrote
    # elsewhere, is its own).
    if any(x.is_items and not foreign[shape] for shape, x in lists.items()):
        for shape, x in lists.items():
            if x.is_items and foreign[shape]:
                lists[shape] = ItemList(shape, x.urls, "", "links to other sites only, beside "
                                        "the page's own list of items")
    return lists


def _patterns(links: Iterable[_Link]) -> tuple[Counter[str], Counter[str]]:
    """How often each card shape and each URL template occurs among the site's links (one
    count per URL)."""
    shapes: Counter[str] = Counter()
    templates: Counter[str] = Counter()
    for link in links:
        if link.rejected or not link.own_site:
            continue
        usable = [a for a in link.anchors if not a.place.furniture]
        shapes.update({a.shape for a in usable} | {s for a in usable if (s := _card(a.shape))})
        if usable and link.shaped:
            templates[template_of(link.path)] += 1
    return shapes, templates


def _decide(link: _Link, lists: dict[str, ItemList],
            patterns: tuple[Counter[str], Counter[str]], section_path: str) -> Decision:
    url, title = link.url, link.title
    content = [a for a in link.anchors if not a.place.furniture]
    if not content:
        a = link.anchors[0]
        return Decision(url, title, False, f"in page furniture ({a.place.furniture})", a.shape)
    if link.rejected:
        return Decision(url, title, False, link.rejected, content[0].shape)
    if not link.usable:
        a = content[0]
        return Decision(url, title, False, f"in a side box ({a.place.side}) and not under the "
                        "section's path", a.shape)
    # The reason shown: a list in the page body before a side box's, then the longest list.
    judged = [(lists[a.shape], a) for a in link.usable]
    best, where = max(judged, key=lambda x: (x[0].is_items, not x[1].place.side, x[0].urls))
    if best.is_items:
        return Decision(url, title, True, best.describe(), best.shape)
    why = _alone(link, patterns, section_path)
    if best.why_not and not link.own_site:
        why = best.why_not
    return Decision(url, title, why.startswith("article-shaped"), why, where.shape)


def _alone(link: _Link, patterns: tuple[Counter[str], Counter[str]], section_path: str) -> str:
    """Why a link in no list of items is taken ("article-shaped ...") or not."""
    if not link.own_site:
        return "on another site, and not in a list of items"
    if not link.shaped:
        return ("not in a list of items, and the URL is not article-shaped (dated, long slug or "
                "numeric id)")
    if not headline_like(link.title):
        return "not in a list of items, and its title is too short for a headline"
    shapes, templates = patterns
    if any(shapes[a.shape] >= MIN_REPEAT or shapes[_card(a.shape)] >= MIN_REPEAT
           for a in link.usable):
        return "article-shaped URL in a repeated card"
    template = template_of(link.path)
    if templates[template] >= MIN_REPEAT + 1:
        return f"article-shaped URL; its template {template} recurs"
    if section_path and _under(link, section_path):
        return "article-shaped URL under the section's path"
    return "a lone article-shaped link in no pattern"


def headline_like(title: str) -> bool:
    return len(title) >= MIN_TITLE_CHARS or len(title.split()) >= MIN_TITLE_WORDS


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


def outside_furniture(tree: LexborHTMLParser, nodes: list[LexborNode]) -> list[LexborNode]:
    """The links not inside page furniture or a side box (nav, footer, ticker, most read...)."""
    places = Places(tree)
    return [n for n in nodes if not ((p := places.of(n.parent)).furniture or p.side)]
