"""JSON-LD on a page: its blocks read leniently, the article object chosen, `@id` references resolved.

Everything here is pure and never raises on odd data: a block that does not parse, or nests
more than MAX_NESTING deep, is skipped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from .sanitize import clean_text

ARTICLE_TYPES = {"newsarticle", "article", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
                 "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "socialmediaposting",
                 "liveblogposting", "techarticle", "scholarlyarticle", "report", "webpage", "posting",
                 "discussionforumposting", "medicalwebpage", "itempage", "askpublicnewsarticle"}
# Page-level types: an article type beats these when a page has both.
_WRAPPERS = {"webpage", "itempage", "medicalwebpage"}
# XHTML pages wrap scripts in CDATA, often behind JS comments: "//<![CDATA[ ... //]]>".
_CDATA = re.compile(r"^\s*(?://\s*|/\*\s*)?<!\[CDATA\[|(?://\s*|/\*\s*)?\]\]>\s*(?:\*/)?\s*$")
_MAX_DEPTH = 6
# Blocks nested deeper are skipped whole: schema.org data is a handful of levels deep, and the
# recursive readers below must stay far from the interpreter's recursion limit.
MAX_NESTING = 64


def blocks(texts: list[str]) -> list[Any]:
    """Each block's JSON; blocks that do not parse (even after lenient cleanup) are left out."""
    out = []
    for raw in texts:
        text = raw.strip()
        if "CDATA" in text[:40]:
            text = _CDATA.sub("", text).strip()
        text = text.rstrip(";")
        if not text:
            continue
        try:
            data = json.loads(text, strict=False)
        except (ValueError, RecursionError):  # the C decoder gives up ~1,000 levels down
            continue
        # (no more brackets than levels allowed: no deeper nesting, and no walk of the block)
        if text.count("{") + text.count("[") <= MAX_NESTING or _nested_within(data, MAX_NESTING):
            out.append(data)
    return out


def _nested_within(data: Any, limit: int) -> bool:
    """Whether `data` nests at most `limit` objects and lists deep (iterative: the readers of
    a block, `first` among them, recurse, and the interpreter's stack ends at ~1,000)."""
    todo: list[tuple[Any, int]] = [(data, 0)]
    while todo:
        value, depth = todo.pop()
        if depth > limit:
            return False
        if isinstance(value, dict):
            todo.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            todo.extend((v, depth + 1) for v in value)
    return True


def walk(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every object in a block, through lists, @graph, mainEntity and mainEntityOfPage."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(data, list):
        for item in data:
            yield from walk(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        for key in ("@graph", "mainEntity", "mainEntityOfPage"):
            if key in data:
                yield from walk(data[key], depth + 1)


def types(obj: dict[str, Any]) -> set[str]:
    t = obj.get("@type")
    return {str(x).lower().rsplit("/", 1)[-1] for x in (t if isinstance(t, list) else [t]) if x}


def article(data: list[Any]) -> dict[str, Any]:
    """The page's article object, with its `@id` references (author, image, publisher...) replaced
    by the objects they name; {} when there is none.

    Among several article-like objects the first real article wins over a WebPage wrapper, and one
    with a headline or a publication date over one without (a page's JSON-LD also describes the
    site's other articles, in lists and "related" blocks, usually after the main one).
    """
    index: dict[str, dict[str, Any]] = {}
    candidates: list[dict[str, Any]] = []
    for block in data:
        for obj in walk(block):
            ident = obj.get("@id")
            if isinstance(ident, str) and len(obj) > 1:
                index.setdefault(ident, obj)
            if types(obj) & ARTICLE_TYPES:
                candidates.append(obj)
    if not candidates:
        return {}

    def rank(obj: dict[str, Any]) -> tuple[int, int]:
        wrapper = bool(types(obj) & _WRAPPERS) and not (types(obj) & (ARTICLE_TYPES - _WRAPPERS))
        dated = bool(obj.get("headline") or obj.get("datePublished"))
        return (0 if wrapper else 1, 1 if dated else 0)

    best = max(candidates, key=rank)  # max keeps the first of equals: document order
    if not index:
        return best
    return {key: _resolve(value, index, 0) for key, value in best.items()}


def _resolve(value: Any, index: dict[str, dict[str, Any]], depth: int) -> Any:
    """`{"@id": X}` -> the object whose @id is X, for references one or two levels deep."""
    if depth > 2:
        return value
    if isinstance(value, list):
        return [_resolve(v, index, depth + 1) for v in value]
    if isinstance(value, dict):
        ident = value.get("@id")
        if isinstance(ident, str) and len(value) <= 2 and ident in index and index[ident] is not value:
            return index[ident]
    return value


def text(value: Any) -> str | None:
    """The first text in a JSON-LD value (a string, an object's name or @value, a list's first)."""
    # clean_text also decodes the HTML entities some CMSs write into JSON ("zerst&ouml;ren").
    return first(value, ("name", "@value"), clean_text)


def first(value: Any, keys: tuple[str, ...], leaf: Callable[[str], str]) -> str | None:
    """The first non-empty `leaf(string)` in a JSON-LD value: the string itself, the first of
    `keys` an object has, or the first item of a list that gives one."""
    if isinstance(value, str):
        return leaf(value) or None
    if isinstance(value, dict):
        return first(next((v for k in keys if (v := value.get(k))), None), keys, leaf)
    if isinstance(value, list):
        return next((found for item in value if (found := first(item, keys, leaf))), None)
    return None


def names(value: Any) -> list[str]:
    """People named by an author/creator value: strings, objects' names, lists of either."""
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if isinstance(item, dict):
            given, family = item.get("givenName"), item.get("familyName")
            item = item.get("name") or (f"{given} {family}" if isinstance(given, str)
                                         and isinstance(family, str) else None)
            if isinstance(item, list):  # {"name": ["A", "B"]}
                out += [n for x in item if isinstance(x, str) and (n := clean_text(x))]
                continue
        if isinstance(item, str) and not item.strip().startswith(("http:", "https:")):
            name = clean_text(item)
            if name:
                out.append(name)
    return out


_FRAGMENT_ONLY = re.compile(r"#[\w-]*$")


def url(value: Any) -> str | None:
    """An image-like value's URL: the string, an object's url/contentUrl, a list's first. An
    unresolved `@id` counts only when it is not a page anchor ("…/post/#primaryimage")."""
    found = first(value, ("url", "contentUrl"), str.strip)
    if found:
        return found
    ident = first(value, ("@id",), str.strip)
    return ident if ident and not _FRAGMENT_ONLY.search(ident) else None
