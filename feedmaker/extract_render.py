"""Render the chosen article nodes as (HTML fragment, plain text), dropping boilerplate inside."""

from __future__ import annotations

from html import escape

from selectolax.lexbor import LexborNode

from feedmaker.extract_hints import BOILERPLATE_MAX_CHARS, BOILERPLATE_TEXT

# Blocks we keep as such; everything else that is not inline is a transparent wrapper
# (div, section, article, ...) whose loose text becomes <p> paragraphs.
KEEP_BLOCK = frozenset({
    "p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "figure", "figcaption",
    "pre", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "dl", "dt", "dd",
})
# Blocks whose content is phrasing: nested wrappers inside them are flattened.
_LEAF_BLOCK = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "pre", "figcaption", "dt", "caption"})
KEEP_INLINE = frozenset({
    "a", "em", "strong", "b", "i", "code", "sub", "sup", "u", "s", "mark", "small", "q", "cite",
    "abbr", "time", "kbd", "samp", "var", "del", "ins",
})
# Inline tags we drop but whose text we keep.
_TRANSPARENT_INLINE = frozenset({"span", "font", "label", "picture", "bdi", "bdo", "data", "wbr"})
# The page title is rendered by the feed entry itself, not repeated in the body.
_SKIP = frozenset({"h1", "hr"})
# Captions and credits are not prose: kept in the HTML, left out of the plain text.
_NO_TEXT = frozenset({"figcaption", "caption"})
# Containers we test for being link lists ("Most read", tag clouds, related stories).
_LINKY = frozenset({"div", "section", "ul", "ol", "dl", "table", "p", "li", "span", "article"})

# A block whose text is mostly link text is navigation or a teaser list. Half is where
# link lists and prose separate cleanly; a paragraph that is one big link ("Read: <a>...")
# is a teaser, so p/li need 80% before we call them that.
LIST_LINK_DENSITY = 0.5
PARA_LINK_DENSITY = 0.8
# Real articles nest a few dozen levels; past this (broken or hostile markup) we take the text
# flat instead of recursing into Python's recursion limit.
MAX_DEPTH = 150


def link_density(node: LexborNode, text_len: int) -> float:
    if not text_len:
        return 0.0
    links = 0
    for a in node.css("a"):
        links += len(a.text(strip=True))
    return min(1.0, links / text_len)


def _attrs(node: LexborNode) -> str:
    out = ""
    for k, v in node.attributes.items():
        out += f" {k}" if v is None else f' {k}="{escape(v, quote=True)}"'
    return out


class _Renderer:
    """Walks the kept nodes; a wrapper's loose inline content is wrapped into <p>."""

    def __init__(self) -> None:
        self.html: list[str] = []
        self.text: list[str] = []
        self.open_p = False   # we opened a synthetic <p> for loose inline content
        self.in_block = 0     # depth inside kept blocks: no synthetic <p> there
        self.mute = 0         # depth inside _NO_TEXT blocks
        self.content = 0      # text nodes and images emitted: tells empty blocks apart
        self.depth = 0        # recursion depth of walk

    def close_p(self) -> None:
        if self.open_p:
            self.html.append("</p>")
            self.text.append("\n")
            self.open_p = False

    def inline_start(self) -> None:
        if not self.in_block and not self.open_p:
            self.html.append("<p>")
            self.text.append("\n")
            self.open_p = True

    def is_boilerplate(self, node: LexborNode, tag: str) -> bool:
        if tag not in _LINKY and tag[0] != "h":
            return False
        text = node.text(strip=True)
        n = len(text)
        if not n:
            return tag != "p" and not node.css_first("img")
        if n < BOILERPLATE_MAX_CHARS and BOILERPLATE_TEXT.search(text):
            return True
        if tag[0] == "h" or not node.css_first("a"):
            return False
        limit = PARA_LINK_DENSITY if tag in ("p", "li", "span") else LIST_LINK_DENSITY
        return link_density(node, n) > limit

    def walk(self, node: LexborNode) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.flat(node)
        else:
            self.walk_children(node)
        self.depth -= 1

    def flat(self, node: LexborNode) -> None:
        """Pathologically deep markup: its text as one run, without recursing further."""
        text = node.text(separator=" ")
        if text.strip():
            self.text_run(text)

    def text_run(self, text: str) -> None:
        self.inline_start()
        self.content += 1
        self.html.append(escape(text, quote=False))
        if not self.mute:
            self.text.append(text)

    def walk_children(self, node: LexborNode) -> None:
        for child in node.iter(include_text=True):
            tag = child.tag
            if tag == "-text":
                t = child.text_content or ""
                if t.strip():
                    self.text_run(t)
                elif self.open_p or self.in_block:
                    self.html.append(" ")
                    self.text.append(" ")
                continue
            if tag is None or tag[0] == "-" or tag in _SKIP:
                continue
            if tag == "br":
                if self.in_block or self.open_p:
                    self.html.append("<br>")
                    self.text.append("\n")
                continue
            if tag == "img":
                self.inline_start()
                self.content += 1
                self.html.append(f"<img{_attrs(child)}>")
                continue
            if tag in KEEP_INLINE or tag in _TRANSPARENT_INLINE:
                if tag in ("a", "span") and self.is_boilerplate(child, tag):
                    continue
                self.inline_start()
                if tag in KEEP_INLINE:
                    self.html.append(f"<{tag}{_attrs(child)}>")
                    self.walk(child)
                    self.html.append(f"</{tag}>")
                else:
                    self.walk(child)
                continue
            if self.is_boilerplate(child, tag):
                continue
            if tag in KEEP_BLOCK and not self.leaf:
                self.close_p()
                self.block(child, tag)
            else:
                # a wrapper: a paragraph break around it, unless we are inside a phrasing block
                if not self.in_block:
                    self.close_p()
                self.walk(child)
                if not self.in_block:
                    self.close_p()
                else:
                    self.text.append("\n")

    leaf = False  # inside a _LEAF_BLOCK: nested blocks are flattened into it

    def block(self, node: LexborNode, tag: str) -> None:
        start_html, start_text, start_content = len(self.html), len(self.text), self.content
        self.html.append(f"<{tag}{_attrs(node)}>")
        self.text.append("\n")
        was_leaf = self.leaf
        self.in_block += 1
        self.leaf = tag in _LEAF_BLOCK
        muted = tag in _NO_TEXT
        self.mute += muted
        self.walk(node)
        self.mute -= muted
        self.leaf = was_leaf
        self.in_block -= 1
        if self.content == start_content:
            del self.html[start_html:], self.text[start_text:]   # empty block: drop it
            return
        self.html.append(f"</{tag}>")
        self.text.append("\n")


def render(nodes: list[LexborNode]) -> tuple[str, str]:
    """The kept content of these sibling nodes, in order, as (HTML fragment, plain text)."""
    r = _Renderer()
    for node in nodes:
        tag = node.tag or ""
        if tag == "-text":
            continue
        if tag in KEEP_BLOCK:
            r.block(node, tag)
        else:
            r.walk(node)
            r.close_p()
    r.close_p()
    lines = (" ".join(line.split()) for line in "".join(r.text).split("\n"))
    return "".join(r.html), "\n".join(line for line in lines if line)

