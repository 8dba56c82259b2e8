"""Article text a page ships only outside its visible markup: in <noscript>, in a script's JSON
(Next.js `__NEXT_DATA__`, `application/json` state, app-router `self.__next_f` streams).

`sources(tree)` is read before the extractor strips scripts; `best(sources)` is what the
extractor falls back to when the visible page gives (almost) no text. Pure; never raises.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from selectolax.lexbor import LexborHTMLParser

# A string is a candidate body when it is this long and holds paragraphs.
MIN_CHARS = 400
MIN_PARAGRAPHS = 2
# Scripts past this size are not searched: a 5 MB state blob costs more than it can give.
MAX_SCRIPT = 3_000_000
_PARAGRAPH = re.compile(r"<p[\s>]", re.I)
_NEXT_PUSH = re.compile(r"self\.__next_f\.push\((\[.*\])\)\s*;?\s*$", re.S)
_NOSCRIPT_TAGS = re.compile(r"^<noscript[^>]*>|</noscript>$", re.I)
_SENTENCE_END = re.compile(r"[.!?。！？](?:\s|$)")


def sources(tree: LexborHTMLParser) -> list[str]:
    """The raw texts worth searching later: noscript contents and data scripts. Only strings
    are kept, so the tree can be stripped of scripts afterwards."""
    out = []
    # Inline scripts are read whole only on pages of Next.js's app router (it loads its chunks
    # from /_next/static/): elsewhere only <noscript> and scripts typed as JSON are.
    nodes = tree.css('noscript, script[type*="json" i], script#__NEXT_DATA__, '
                     'script[src*="/_next/static/"]')
    if any(node.tag == "script" and "src" in node.attributes for node in nodes):
        nodes = tree.css("noscript, script:not([src])")
    for node in nodes:
        if node.tag == "noscript":
            # lexbor parses <noscript> content as elements: its markup is the outer HTML's.
            markup = _NOSCRIPT_TAGS.sub("", node.html or "")
            if _PARAGRAPH.search(markup):
                out.append(markup)
            continue
        kind = (node.attributes.get("type") or "").lower()
        if kind == "application/ld+json" or (kind and "json" not in kind and "javascript" not in kind):
            continue  # JSON-LD is metadata's; templates and the like are no data
        text = node.text(deep=True)
        if len(text) < MIN_CHARS or len(text) > MAX_SCRIPT:
            continue
        if "json" in kind or node.id == "__NEXT_DATA__" or text.lstrip().startswith("self.__next_f"):
            out.append(text)
    return out


def best(texts: list[str]) -> str | None:
    """The longest article-like HTML fragment (or text as paragraphs) found in `texts`."""
    found: list[str] = []
    stream: list[str] = []
    for text in texts:
        stripped = text.lstrip()
        if stripped.startswith("self.__next_f"):
            stream.append(_next_chunk(stripped))
        elif stripped.startswith(("{", "[")):
            found += _strings(_load(stripped))
        else:
            found.append(text)  # noscript markup
    if stream:  # an app-router stream is split across scripts: rows only make sense joined
        found += "".join(stream).split("\n")
    candidates = [c for c in found if _article_like(c)]
    if not candidates:
        return None
    pick = max(candidates, key=len)
    if not _PARAGRAPH.search(pick):
        return "".join(f"<p>{_escape(p)}</p>" for p in pick.split("\n") if p.strip())
    return pick[pick.find("<"):] if "<" in pick else pick  # "1a:T1f40,<p>…" -> "<p>…"


def _next_chunk(text: str) -> str:
    match = _NEXT_PUSH.match(text)
    if not match:
        return ""
    data = _load(match[1])
    return data[1] if isinstance(data, list) and len(data) > 1 and isinstance(data[1], str) else ""


def _load(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _strings(data: Any, depth: int = 0) -> Iterator[str]:
    if depth > 40:
        return
    if isinstance(data, str):
        if len(data) >= MIN_CHARS:
            yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from _strings(value, depth + 1)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value, depth + 1)


def _article_like(text: str) -> bool:
    if len(text) < MIN_CHARS:
        return False
    if len(_PARAGRAPH.findall(text)) >= MIN_PARAGRAPHS:
        return True
    # Plain prose: sentences, few markup or code characters.
    return (len(_SENTENCE_END.findall(text)) >= 5 and text.count("{") + text.count("<") < 5
            and " " in text)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
