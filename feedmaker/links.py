"""Pick article links and the next-page link out of a section page (pure: HTML in, links out)."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .autolinks import FURNITURE_PATH, Decision, anchors, decide, outside_furniture, pick_links
from .bounds import bound_markup
from .config import LinkRules
from .listing import AUTO, DEFAULT_SELECTOR, FALLBACK, RULES, Link, Listing
from .sanitize import clean_text
from .urls import absolute, canonical_url, same_host, url_path

__all__ = ["AUTO", "DEFAULT_SELECTOR", "FALLBACK", "RULES", "Link", "Listing", "default_include",
           "explain_listing", "parse_listing"]

# A pager's link text, not a headline that happens to start with "Next ...".
_NEXT_TEXT = re.compile(
    r"^\s*(next|older|suivant|التالي)(\s+(page|posts|articles|stories|entries))?\s*[›»→>]*\s*$"
    r"|^\s*[›»→]+\s*$", re.I)




def parse_listing(html: str | bytes, page_url: str, section_url: str, rules: LinkRules,
                  site_host: str) -> Listing:
    """Article links by the site's rules, or by the automatic picker (inside `selector`) when
    there is no include rule."""
    tree = LexborHTMLParser(bound_markup(html))  # bounds.py: the parser is quadratic in depth
    base = _base_href(tree, page_url)
    next_url = _next_page(tree, base, site_host, page_url)
    if rules.include is None:
        found = _auto(tree, base, section_url, rules, site_host, rules.selector)
        if found or rules.selector == DEFAULT_SELECTOR:
            return Listing(found, next_url, AUTO)
    else:
        found = _by_rules(tree, base, section_url, rules, site_host)
        if found:
            return Listing(found, next_url, RULES)
    fallback = _auto(tree, base, section_url, rules, site_host, DEFAULT_SELECTOR)
    return Listing((), next_url, RULES, fallback)


def explain_listing(html: str | bytes, page_url: str, section_url: str, rules: LinkRules,
                    site_host: str) -> list[Decision]:
    """Why the automatic picker takes or leaves each link of a section page, in page order
    (for `feedmaker check`): what `parse_listing` does without an include rule, or as the
    fallback when the rules match nothing."""
    tree = LexborHTMLParser(bound_markup(html))  # bounds.py: the parser is quadratic in depth
    base = _base_href(tree, page_url)
    selector = rules.selector if rules.include is None else DEFAULT_SELECTOR
    decisions = decide(tree, base, section_url, site_host, selector)
    if rules.include is None and selector != DEFAULT_SELECTOR and not any(d.taken for d in decisions):
        decisions = decide(tree, base, section_url, site_host, DEFAULT_SELECTOR)
    return [Decision(d.url, d.title, False, "excluded by the [links] exclude rule", d.block)
            if d.taken and any(p.search(url_path(d.url)) for p in rules.exclude) else d
            for d in decisions]


def _auto(tree: LexborHTMLParser, base: str, section_url: str, rules: LinkRules, host: str,
          selector: str) -> tuple[Link, ...]:
    return tuple(Link(url, title) for url, title in pick_links(tree, base, section_url, host, selector)
                 if not any(p.search(url_path(url)) for p in rules.exclude))


def _by_rules(tree: LexborHTMLParser, base: str, section_url: str, rules: LinkRules,
              site_host: str) -> tuple[Link, ...]:
    """Links matching the include/exclude rules. With the default selector (every link on the
    page), links in page furniture — tickers, "Most read", menus, footers — are left out too:
    they point at other sections' articles. Should that leave nothing, they are kept after all."""
    nodes = anchors(tree, rules.selector)
    if rules.selector == DEFAULT_SELECTOR:
        found = _matching(outside_furniture(tree, nodes), base, section_url, rules,
                          site_host)
        if found:
            return found
    return _matching(nodes, base, section_url, rules, site_host)


def _matching(nodes: list[LexborNode], base: str, section_url: str, rules: LinkRules,
              site_host: str) -> tuple[Link, ...]:
    found: dict[str, Link] = {}
    for node in nodes:
        url = absolute(node.attributes.get("href"), base)
        if url is None or not same_host(url, site_host):
            continue
        url = canonical_url(url)
        if not _wanted(url, section_url, rules):
            continue
        title = clean_text(node.text(separator=" ")) or clean_text(node.attributes.get("title"))
        old = found.get(url)
        # Cards often link an article twice (image, then headline): keep the longer text.
        if old is None or len(title) > len(old.title):
            found[url] = Link(url, title)
    return tuple(found.values())


def _wanted(url: str, section_url: str, rules: LinkRules) -> bool:
    path = url_path(url)
    if any(p.search(path) for p in rules.exclude):
        return False
    if rules.include is not None:
        return rules.include.search(path) is not None
    return default_include(path, url_path(section_url))


def default_include(path: str, section_path: str) -> bool:
    """Deeper than the section page, and not site furniture (the picker's loosest fallback)."""
    prefix = section_path.rstrip("/") + "/"
    if not path.startswith(prefix) or len(path.rstrip("/")) <= len(prefix):
        return False
    return not FURNITURE_PATH.search(path[len(prefix) - 1:])


def _base_href(tree: LexborHTMLParser, page_url: str) -> str:
    node = tree.css_first("base[href]")
    href = node.attributes.get("href") if node else None
    return absolute(href, page_url) or page_url if href else page_url


def _next_page(tree: LexborHTMLParser, base: str, host: str, page_url: str) -> str | None:
    candidates = [n.attributes.get("href") for n in tree.css("link[rel~=next][href], a[rel~=next][href]")]
    for node in tree.css("a[href]"):
        classes = (node.attributes.get("class") or "").lower().split()
        if _NEXT_TEXT.match(node.text() or "") or "next" in classes:
            candidates.append(node.attributes.get("href"))
    for href in candidates:
        url = absolute(href, base)
        if url and same_host(url, host) and canonical_url(url) != canonical_url(page_url):
            return url
    return None
