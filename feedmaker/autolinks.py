"""Pick article links on a section page with no rules (pure), and say why each link was taken or not.

A listing page shows its articles as a run of blocks with the same markup: cards, list items,
table rows. The picker groups the page's links by their markup path (blocks.py) and takes:
1. every link of a *list of items*: two or more links sharing a markup path, with titles of
   headline length (a menu's or a tag cloud's are short), whatever their URLs look like (an
   essay table's "/vb.html", a release list's "v2.10.2", posts at "/<slug>/", a bookmark list's
   links to other sites);
2. a link that is not in such a list but looks like an article on its own: an article-shaped URL
   (dated, long slug, numeric id) on the site's host, a headline, and a pattern (its card markup
   repeats, its URL template recurs, or it sits under the section's path).
Never: links in page furniture (menus, banner, footer, share bars), the section or home page,
tag/author/legal/landing pages, files, pagination, share buttons, a listing page that other links
go below. Side boxes (sidebars, "Most read", tickers) count only for links under the section's
path: on a section page they list other sections' articles, on the home page the site's.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .blocks import Place, Places
from .sanitize import clean_text
from .urls import absolute, canonical_url, same_host, url_path
from .urlshape import (
    FURNITURE_PATH,
    article_shaped,
    is_below,
    not_an_item,
    same_site,
    template_of,
)

__all__ = ["FURNITURE_PATH", "Decision", "anchors", "article_shaped", "decide", "headline_like",
           "outside_furniture", "pick_links", "template_of"]

MIN_TITLE_CHARS = 12  # headline-like: "Watch", "Comments" or "Read more" are shorter
MIN_TITLE_WORDS = 3
MIN_REPEAT = 2  # a card shape (or URL template) seen twice is a pattern, once is not
# A list of items: its links' median title is this long. Menus, tag clouds, pagers, language
# and social links run 3-12 characters ("World", "Privacy Policy"); essay, post and episode
# titles, even short ones ("Haters", "Life is Short"), average well above.
LIST_TITLE_CHARS = 15
# Shorter titles ("On typing", "Air quality") make a list when each item also shows a date,
# a teaser or a reading time beside its link, which a menu entry never does.
SHORT_TITLE_CHARS = 8
ANNOTATION_CHARS = 5  # "Jul 3", "2 min", "2024-01-02"
# "/?p=123": a home page's URL with an item's id in the query (WordPress without permalinks).
# A release list's or a paper list's short titles: "v2.10.2", "tvOS 26.4", "arXiv:2111.01234",
# "2024-03-01" (a year alone, "2023", is an archive link, and "3" a pager's).
_NUMBERED = re.compile(r"\d+\.\d+|\b[vV]\d+\b|\b\d{4}-\d\d-\d\d\b")
_ROOT_ITEM = re.compile(r"(^|&)[^=&]+=\d+(&|$)")


@dataclass(frozen=True, slots=True)
class Decision:
    """One distinct link of the page: taken as an article or not, and why."""
    url: str  # canonical
    title: str
    taken: bool
    why: str  # the signal that decided: "list of 24 items", "in page furniture (<nav>)"...
    block: str  # the markup path of the block it was judged in


@dataclass(slots=True)
class _Anchor:
    url: str
    title: str
    shape: str  # markup path including the <a>
    place: Place
    node: LexborNode


@dataclass(frozen=True, slots=True)
class _List:
    shape: str
    urls: int
    median_title: float
    shaped: int  # article-shaped URLs among them
    numbered: int  # titles naming a version, a dotted id or a date: "v2.10.2", "tvOS 26.4"
    annotated: int  # items whose block says more than the link: a date, a teaser, a duration

    @property
    def is_items(self) -> bool:
        # Two links with long titles to short paths may be a pair of section links; three
        # are a list, and two article-shaped ones are too.
        least = MIN_REPEAT if 2 * self.shaped > self.urls else MIN_REPEAT + 1
        return self.urls >= least and bool(self._titled())

    def _titled(self) -> str:
        if self.median_title >= LIST_TITLE_CHARS:
            return f"median title {self.median_title:.0f} chars"
        if 2 * self.numbered >= self.urls:
            return f"{self.numbered} titles name a version or number"
        if self.median_title >= SHORT_TITLE_CHARS and 2 * self.annotated >= self.urls:
            return f"{self.annotated} items with a date or teaser beside the link"
        return ""

    def describe(self) -> str:
        return f"list of {self.urls} items ({self._titled()})"


def pick_links(tree: LexborHTMLParser, base: str, section_url: str, site_host: str,
               selector: str = "a[href]") -> list[tuple[str, str]]:
    """(canonical url, title) of the article links on a section page, in page order."""
    return [(d.url, d.title) for d in decide(tree, base, section_url, site_host, selector)
            if d.taken]


def decide(tree: LexborHTMLParser, base: str, section_url: str, site_host: str,
           selector: str = "a[href]") -> list[Decision]:
    """A decision for every distinct web link the selector finds, in page order."""
    section = canonical_url(section_url).rstrip("/")
    section_path = url_path(section).rstrip("/")
    found: dict[str, list[_Anchor]] = {}
    places = Places(tree)
    for node in anchors(tree, selector):
        url = absolute(node.attributes.get("href"), base)
        if url is not None:
            url = canonical_url(url)
            found.setdefault(url, []).append(_anchor(node, url, places))
    titles = {url: max((a.title for a in group), key=len) for url, group in found.items()}
    rejected = {url: why for url in found if (why := _not_an_item(url, site_host, section))}
    paths = [url_path(u) for u in found if u not in rejected and same_host(u, site_host)]
    for url in found:  # a page other candidates sit below is their listing: /video, /blog
        if url not in rejected and same_host(url, site_host) \
                and any(is_below(p, url_path(url)) for p in paths):
            rejected[url] = "a listing page: other links on this page go below it"
    lists = _lists(found, titles, rejected, section_path, site_host)
    counts = _patterns(found, rejected, site_host)
    return [_decide(url, group, titles[url], rejected.get(url), lists, counts, section_path,
                    site_host) for url, group in found.items()]


def _anchor(node: LexborNode, url: str, places: Places) -> _Anchor:
    place = places.of(node.parent)
    classes = (node.attributes.get("class") or "").split()
    own = f"a.{classes[0]}" if classes else "a"
    title = clean_text(node.text(separator=" ")) or clean_text(node.attributes.get("title"))
    if not title:
        img = node.css_first("img[alt]")
        title = clean_text(img.attributes.get("alt")) if img is not None else ""
    return _Anchor(url, title, f"{place.shape}>{own}" if place.shape else own, place, node)


def _not_an_item(url: str, site_host: str, section: str) -> str:
    if url.rstrip("/") == section:
        return "the section page itself"
    path, query = url_path(url), url.partition("?")[2]
    # Another site's home, about or archive page can be an item of a bookmark list: only the
    # site's own paths say "home page", "tag page" or "legal page".
    own = same_site(url, site_host)
    if own and path == "/" and not _ROOT_ITEM.search(query):
        return "a home page"
    return not_an_item(path, query, own) or ""


def _usable(a: _Anchor, section_path: str, site_host: str) -> bool:
    """Outside furniture, and outside side boxes unless under the section's path."""
    if a.place.furniture:
        return False
    return not a.place.side or _under(a.url, section_path, site_host)


def _under(url: str, section_path: str, site_host: str) -> bool:
    """Below the section's path; for the home page's, anywhere on the site."""
    if not section_path:
        return same_site(url, site_host)
    return same_host(url, site_host) and is_below(url_path(url), section_path)


def _lists(found: dict[str, list[_Anchor]], titles: dict[str, str], rejected: dict[str, str],
           section_path: str, site_host: str) -> dict[str, _List]:
    """The page's runs of links with one markup path, by that path."""
    members: dict[str, dict[str, _Anchor]] = {}
    for url, group in found.items():
        if url in rejected:
            continue
        for a in group:
            if _usable(a, section_path, site_host):
                members.setdefault(a.shape, {}).setdefault(url, a)
    lists = {}
    for shape, urls in members.items():
        median = statistics.median(len(titles[u]) for u in urls)
        numbered = sum(bool(_NUMBERED.search(titles[u])) for u in urls)
        # Only asked when the titles alone do not decide: it reads the items' markup.
        annotated = sum(_annotated(a) for a in urls.values()) if (
            SHORT_TITLE_CHARS <= median < LIST_TITLE_CHARS and 2 * numbered < len(urls)) else 0
        lists[shape] = _List(shape, len(urls), median, sum(article_shaped(url_path(u))
                                                           for u in urls), numbered, annotated)
    return lists


def _annotated(a: _Anchor) -> bool:
    """Does the link's item block (its largest ancestor linking nowhere else, a few levels up
    at most) hold text beside the link's own?"""
    href = a.node.attributes.get("href")
    block: LexborNode = a.node
    for _ in range(4):
        parent = block.parent
        if parent is None or parent.tag in ("body", "html") or any(
                n.attributes.get("href") != href for n in parent.css("a[href]")):
            break
        block = parent
    return len(clean_text(block.text(separator=" "))) - len(a.title) >= ANNOTATION_CHARS


def _patterns(found: dict[str, list[_Anchor]], rejected: dict[str, str],
              site_host: str) -> tuple[Counter[str], Counter[str]]:
    """How often each card shape and each URL template occurs (one count per URL)."""
    shapes: Counter[str] = Counter()
    templates: Counter[str] = Counter()
    for url, group in found.items():
        if url in rejected or not same_site(url, site_host):
            continue
        usable = [a for a in group if not a.place.furniture]
        shapes.update({a.shape for a in usable} | {s for a in usable if (s := _card(a.shape))})
        if usable and article_shaped(url_path(url)):
            templates[template_of(url_path(url))] += 1
    return shapes, templates


def _decide(url: str, group: list[_Anchor], title: str, rejected: str | None,
            lists: dict[str, _List], counts: tuple[Counter[str], Counter[str]],
            section_path: str, site_host: str) -> Decision:
    first = group[0].shape
    if rejected:
        return Decision(url, title, False, rejected, first)
    usable = [a for a in group if _usable(a, section_path, site_host)]
    if not usable:
        a = group[0]
        why = (f"in page furniture ({a.place.furniture})" if a.place.furniture else
               f"in a side box ({a.place.side}) and not under the section's path")
        return Decision(url, title, False, why, a.shape)
    best = max((lists[a.shape] for a in usable), key=lambda x: (x.is_items, x.urls))
    if best.is_items:
        return Decision(url, title, True, best.describe(), best.shape)
    path = url_path(url)
    if not same_site(url, site_host):
        return Decision(url, title, False, "on another site, and not in a list of items",
                        best.shape)
    if not article_shaped(path):
        return Decision(url, title, False, "not in a list of items, and the URL is not "
                        "article-shaped (dated, long slug or numeric id)", best.shape)
    if not headline_like(title):
        return Decision(url, title, False, f"title too short for a headline ({title!r})",
                        best.shape)
    shapes, templates = counts
    if any(shapes[a.shape] >= MIN_REPEAT or shapes[_card(a.shape)] >= MIN_REPEAT
           for a in usable):
        return Decision(url, title, True, "article-shaped URL in a repeated card", best.shape)
    if templates[template_of(path)] >= MIN_REPEAT + 1:
        return Decision(url, title, True, f"article-shaped URL; its template {template_of(path)}"
                        " recurs", best.shape)
    if section_path and _under(url, section_path, site_host):
        return Decision(url, title, True, "article-shaped URL under the section's path",
                        best.shape)
    return Decision(url, title, False, "a lone article-shaped link in no pattern", best.shape)


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
