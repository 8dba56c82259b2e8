"""Is a run of links with one markup path a list of items (posts, essays, releases, episodes) or
a menu, a tag cloud, a pager? Judged on the links' titles and, when those are short, on what
each item shows beside its link (pure)."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from selectolax.lexbor import LexborNode

from .sanitize import clean_text

MIN_ITEMS = 2
# A list of items: its links' median title is this long. Menus, tag clouds, pagers, language
# and social links run 3-12 characters ("World", "Privacy Policy"); essay, post and episode
# titles, even short ones ("Haters", "Life is Short"), average well above.
LIST_TITLE_CHARS = 15
# Shorter titles ("On typing", "Air quality") make a list when each item also shows a date,
# a teaser or a reading time beside its link, which a menu entry never does.
SHORT_TITLE_CHARS = 8
ANNOTATION_CHARS = 5  # "Jul 3", "2 min", "2024-01-02"
# A release list's or a paper list's short titles: "v2.10.2", "tvOS 26.4", "arXiv:2111.01234",
# "2024-03-01" (a year alone, "2023", is an archive link, and "3" a pager's).
_NUMBERED = re.compile(r"\d+\.\d+|\b[vV]\d+\b|\b\d{4}-\d\d-\d\d\b")
# A series: titles alike but for their number ("Part 1", "Part 2"; "Folge 12"), unless a pager's.
_DIGITS = re.compile(r"\d+")
_PAGER = re.compile(r"^\W*(page|seite|p[aá]gina|pagina|страница|side|sida|strona)\W*#\W*$")
_CLIMB = 4  # levels above a link searched for its item block


@dataclass(frozen=True, slots=True)
class Member:
    """One distinct URL of the run: its best title, its shape, and one of its <a> elements."""
    title: str
    shaped: bool  # article-shaped URL
    node: LexborNode


@dataclass(frozen=True, slots=True)
class ItemList:
    shape: str
    urls: int
    why: str  # why it is a list of items, "" when it is not
    why_not: str = ""  # said of its links when something other than their titles rules it out

    @property
    def is_items(self) -> bool:
        return bool(self.why)

    def describe(self) -> str:
        return f"list of {self.urls} items ({self.why})"


def judge(shape: str, members: Sequence[Member]) -> ItemList:
    n = len(members)
    # Two links with long titles to short paths may be a pair of section links; three make a
    # list, and so do two article-shaped ones.
    least = MIN_ITEMS if 2 * sum(m.shaped for m in members) > n else MIN_ITEMS + 1
    if n < least:
        return ItemList(shape, n, "")
    median = statistics.median(len(m.title) for m in members)
    if median >= LIST_TITLE_CHARS:
        return ItemList(shape, n, f"median title {median:.0f} chars")
    numbered = sum(bool(_NUMBERED.search(m.title)) for m in members)
    if 2 * numbered >= n:
        return ItemList(shape, n, f"{numbered} titles name a version or number")
    stems = Counter(_DIGITS.sub("#", m.title).casefold() for m in members
                    if _DIGITS.search(m.title)).most_common(1)
    stem, count = stems[0] if stems else ("", 0)
    if 2 * count >= n and re.search(r"[^\W\d_]", stem) and not _PAGER.search(stem):
        return ItemList(shape, n, f"{count} titles number a series ({stem!r})")
    if median >= SHORT_TITLE_CHARS:  # only now read the items' markup
        annotated = sum(_annotated(m) for m in members)
        if 2 * annotated >= n:
            return ItemList(shape, n, f"{annotated} items show a date or teaser beside the link")
    return ItemList(shape, n, "")


def _annotated(m: Member) -> bool:
    """Does the link's item block (its largest ancestor linking nowhere else, a few levels up
    at most) hold text beside the link's own?"""
    href = m.node.attributes.get("href")
    block = m.node
    for _ in range(_CLIMB):
        parent = block.parent
        if parent is None or parent.tag in ("body", "html") or any(
                n.attributes.get("href") != href for n in parent.css("a[href]")):
            break
        block = parent
    return len(clean_text(block.text(separator=" "))) - len(m.title) >= ANNOTATION_CHARS
