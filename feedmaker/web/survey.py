"""A new site's page as /new shows it (pure, run in a parser worker): the links the rules or the
automatic picker take, every link of the page with why it was taken or left out, and the names
a site block needs (the site's, the page's)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from ..bounds import bound_markup
from ..config import LinkRules
from ..links import AUTO, RULES, Listing, explain_listing, parse_listing
from ..sanitize import clean_text


@dataclass(frozen=True, slots=True)
class LinkRow:
    url: str
    title: str
    taken: bool
    why: str


@dataclass(frozen=True, slots=True)
class Survey:
    listing: Listing
    rows: tuple[LinkRow, ...]  # taken first, in page order, then the others
    site_name: str
    page_title: str  # the page's own part of its <title> ("Health" of "Health | Site")


def survey(html: str | bytes, page_url: str, section_url: str, rules: LinkRules,
           host: str) -> Survey:
    # Bounded once here; parse_listing and explain_listing bound it again: it comes back the
    # same (a page over the quick gate is scanned again for that, a preview only).
    html = bound_markup(html)
    listing = parse_listing(html, page_url, section_url, rules, host)
    decisions = explain_listing(html, page_url, section_url, rules, host)
    links = listing.links or listing.fallback
    taken = {link.url for link in links}
    rows: dict[str, LinkRow] = {}
    for link in links:  # the rules may take what the picker never looked at
        rows[link.url] = LinkRow(link.url, link.title, True, "matches the [links] rules")
    for d in decisions:
        if d.url in taken:
            why = d.why if listing.source == AUTO or not listing.links else \
                "matches the [links] rules"
            rows[d.url] = LinkRow(d.url, rows[d.url].title or d.title, True, why)
        elif d.url not in rows:
            why = "does not match the [links] rules" if listing.source == RULES and \
                rules.include is not None and d.taken else d.why
            rows[d.url] = LinkRow(d.url, d.title, False, why)
    ordered = [r for r in rows.values() if r.taken] + [r for r in rows.values() if not r.taken]
    tree = LexborHTMLParser(html)
    return Survey(listing, tuple(ordered), site_name(tree, host), page_title(tree))


def site_name(tree: LexborHTMLParser, host: str) -> str:
    node = tree.css_first('meta[property="og:site_name"][content]')
    if node is not None and (name := clean_text(node.attributes.get("content"))):
        return name[:100]
    parts = _title_parts(tree)
    return parts[-1][:100] if parts else host


def page_title(tree: LexborHTMLParser) -> str:
    parts = _title_parts(tree)
    return parts[0][:60] if len(parts) > 1 else ""


def _title_parts(tree: LexborHTMLParser) -> list[str]:
    node = tree.css_first("title")
    text = clean_text(node.text()) if node is not None else ""
    return [p.strip() for p in re.split(r"\s[|–—-]\s", text) if p.strip()]
