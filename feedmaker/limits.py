"""Caps on what one article may put into the feeds, applied before it is stored: its content
(cut at a block boundary, with a link to the rest on the site), its tags, and the new tags (so
new tag feeds) a site may add in one poll.

Every entry is copied into each of its feeds (all, its sections, one per tag) in three formats:
20 articles of 1 MB sharing 40 tags became 2.66 GB of feeds in one build, 127 times what was
downloaded. The caps keep a build to a small multiple of what it fetched.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from html import escape

from selectolax.lexbor import LexborHTMLParser

from .model import Article

__all__ = ["TagBudget", "cap_article", "cap_content"]

# The end of a block element: a cut there leaves whole paragraphs, items, quotes, figures.
_BLOCK_END = re.compile(
    r"</(?:p|div|li|ul|ol|dl|dd|blockquote|h[1-6]|figure|table|section|article|pre|aside)\s*>",
    re.I)


def cap_content(html: str, url: str, limit: int) -> str:
    """`html` if it is at most `limit` bytes of UTF-8; else its blocks up to the last one that
    ends within the limit, tags closed, and a paragraph linking to the article."""
    data = html.encode("utf-8", "surrogatepass")
    if len(data) <= limit:
        return html
    head = data[:limit].decode("utf-8", "ignore")
    end = 0
    for match in _BLOCK_END.finditer(head):
        end = match.end()
    if end == 0:  # one giant block: cut after the last whole tag
        end = head.rfind(">") + 1
    # Parsing closes whatever the cut left open.
    body = LexborHTMLParser(head[:end]).body
    kept = body.inner_html if body is not None else ""
    return (f"{kept or ''}<p><a href=\"{escape(url)}\">The article continues on the site "
            f"({len(data) // 1024:,} KB in all).</a></p>")


def cap_article(article: Article, max_content: int, max_tags: int) -> tuple[Article, list[str]]:
    """The article within the caps, and a note for each cap it hit (for the run's log)."""
    notes: list[str] = []
    changes: dict[str, object] = {}
    if article.content and len(article.content) > max_content // 4:  # cheap pre-check
        capped = cap_content(article.content, article.url, max_content)
        if capped is not article.content:
            changes["content"] = capped
            notes.append(f"content cut to {max_content:,} bytes")
    if len(article.tags) > max_tags:
        changes["tags"] = article.tags[:max_tags]
        notes.append(f"{len(article.tags)} tags, kept the first {max_tags}")
    return (article.with_(**changes) if changes else article), notes


class TagBudget:
    """How many tags no article of the site had before may still appear in this poll. A tag
    over the budget is left off the article (it may come back when the article is fetched
    again); tags the site already has are always kept."""

    def __init__(self, allowed: int, known: Callable[[Iterable[str]], set[str]],
                 key: Callable[[str], str]) -> None:
        self.left = allowed
        self._known, self._key = known, key
        self._granted: set[str] = set()
        self.dropped = 0

    def apply(self, article: Article) -> Article:
        keys = [self._key(t) for t in article.tags]
        fresh = set(keys) - self._granted
        if not fresh:
            return article
        fresh -= self._known(fresh)
        kept: list[str] = []
        for tag, key in zip(article.tags, keys, strict=True):
            if key in fresh and key not in self._granted:
                if self.left <= 0:
                    self.dropped += 1
                    continue
                self.left -= 1
                self._granted.add(key)
            kept.append(tag)
        return article if len(kept) == len(article.tags) else article.with_(tags=tuple(kept))
