"""Where a link sits in the page (pure): its block's markup path, and whether that block is page
furniture (menus, banner, footer, share bars) or a side box (sidebar, "Most read", ticker)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

_FURNITURE_TAGS = frozenset({"nav", "menu"})
_FURNITURE_ROLES = frozenset({"navigation", "banner", "contentinfo", "menu", "menubar", "search"})
# The page's banner and footer, and a form. Inside an <article>, <header>/<footer> are the card's.
_EDGE_TAGS = frozenset({"header", "footer", "form"})
_SIDE_TAGS = frozenset({"aside"})
_SIDE_ROLES = frozenset({"complementary"})
# Class/id words, matched as whole hyphen/underscore-separated words so "navigator-story" or
# "menuhin" stay untouched. Furniture never lists the section's articles...
_FURNITURE_NAME = re.compile(
    r"(^|[\s_-])(nav|navbar|navigation|menu|menus|submenu|breadcrumbs?|pagination|pager|"
    r"masthead|share|sharing|social|cookie|consent|newsletter|sponsored|promoted|advert|ads?|"
    r"site-footer|page-footer|global-footer|site-header|global-header|colophon|site-info|legal)"
    r"($|[\s_-])"
    # "footer"/"header" only as a whole class or id: "card-header" holds a card's headline.
    r"|(^|\s)(footer|header)(\s|$)", re.I)
# ...while a side box lists articles, but often other sections' (most read, related, trending).
_SIDE_NAME = re.compile(
    r"(^|[\s_-])(sidebar|rail|ticker|breaking-news|most-?read|most-?popular|popular|trending|"
    r"related|recommended|widget)($|[\s_-])", re.I)
_DIGITS = re.compile(r"\d+")
# A <header>, a <form> or a block named like furniture that holds this share of the page's text
# is the page's content in an odd wrapper: a podcast page's episode list inside <header>,
# ASP.NET's page-wide <form>, a portal's main column with id "nav-col". Not so a <nav>, a
# <footer> or an ARIA landmark, whose authors said what they are.
CONTENT_SHARE = 0.3
_FIRM = re.compile(r"^<(nav|menu|footer)>|^role=|footer|colophon|site-info|legal")


@dataclass(frozen=True, slots=True)
class Place:
    shape: str  # markup path from <body>: "main>section.cards>div.card>h3" (first class, no digits)
    furniture: str  # why the block is page furniture ("<nav>", "class 'site-footer'"), or ""
    side: str  # why it is a side box ("<aside>", "class 'most-read'"), or ""
    in_article: bool = False


_ROOT = Place("", "", "")


class Places:
    """Each element's Place, computed once per element (links share most of their ancestors)."""

    def __init__(self, tree: LexborHTMLParser) -> None:
        self._tree = tree
        self._memo: dict[int, Place] = {}
        self._page_size = -1

    def of(self, node: LexborNode | None) -> Place:
        chain: list[LexborNode] = []
        place = _ROOT
        while node is not None and node.tag not in ("body", "html", "-document"):
            known = self._memo.get(node.mem_id)
            if known is not None:
                place = known
                break
            chain.append(node)
            node = node.parent
        for element in reversed(chain):
            place = self._memo[element.mem_id] = self._child(place, element)
        return place

    def _child(self, parent: Place, node: LexborNode) -> Place:
        tag = str(node.tag)
        attrs = node.attrs
        cls, ident, role = attrs.get("class") or "", attrs.get("id") or "", attrs.get("role")
        part = _part(tag, cls)
        shape = f"{parent.shape}>{part}" if parent.shape else part
        in_article = parent.in_article or tag == "article"
        if parent.furniture:
            return Place(shape, parent.furniture, parent.side, in_article)
        role = role.lower() if role else ""
        named_furniture, named_side = _named(cls, ident) if cls or ident else ("", "")
        furniture = side = ""
        if tag in _FURNITURE_TAGS or role in _FURNITURE_ROLES:
            furniture = f"<{tag}>" if tag in _FURNITURE_TAGS else f"role={role}"
        elif tag in _EDGE_TAGS and not parent.in_article:
            furniture = f"<{tag}>"
        elif named_furniture:
            furniture = named_furniture
        elif tag in _SIDE_TAGS or role in _SIDE_ROLES:
            side = f"<{tag}>" if tag in _SIDE_TAGS else f"role={role}"
        else:
            side = named_side
        if furniture and not _FIRM.search(furniture) and self._content_sized(node):
            furniture = ""
        return Place(shape, furniture, parent.side or side, in_article)

    def _content_sized(self, node: LexborNode) -> bool:
        if self._page_size < 0:
            body = self._tree.body
            self._page_size = _text_size(body) if body is not None else 0
        least = CONTENT_SHARE * self._page_size
        # Scripts only make a block look bigger: count them out only for a block that passes.
        return len(node.text() or "") >= least and 0 < _text_size(node) >= least


@functools.lru_cache(maxsize=4096)
def _part(tag: str, cls: str) -> str:
    """"div.card" for <div class="card card-lead">: the first class (usually the block's base
    name, shared by a lead card and the grid's), digits dropped (numbered per item)."""
    first = cls.split(maxsplit=1)[0] if cls.strip() else ""
    return f"{tag}.{_DIGITS.sub('', first)}" if first else tag


@functools.lru_cache(maxsize=4096)
def _named(cls: str, ident: str) -> tuple[str, str]:
    """What a block's class and id call it: (furniture reason, side box reason)."""
    name = f"{cls} {ident}".strip()
    if m := _FURNITURE_NAME.search(name):
        return f"class {m.group().strip(' _-')!r}", ""
    if m := _SIDE_NAME.search(name):
        return "", f"class {m.group().strip(' _-')!r}"
    return "", ""


def _text_size(node: LexborNode) -> int:
    """Characters of text, scripts and styles left out."""
    return len(node.text() or "") - sum(len(s.text() or "") for s in node.css("script, style"))
