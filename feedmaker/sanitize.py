"""Pure HTML/text cleaning: article HTML → markup safe for feed readers, and HTML → plain text.

Output never holds characters XML 1.0 forbids, so it can go into any feed format as is.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import nh3
from selectolax.lexbor import LexborHTMLParser, LexborNode

from feedmaker.urls import absolute

__all__ = ["clean_html", "clean_text", "has_text", "html_to_text", "truncate_text", "xml_safe"]

_ALLOWED_TAGS = frozenset({
    "p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre",
    "code", "em", "strong", "b", "i", "u", "s", "sub", "sup", "a", "img", "figure",
    "figcaption", "picture", "source", "table", "thead", "tbody", "tr", "th", "td", "caption",
    "hr", "dl", "dt", "dd", "span", "div", "abbr", "cite", "q", "small", "mark", "time",
})
_ALLOWED_ATTRIBUTES = {
    # dir/lang keep right-to-left text (Arabic, Hebrew) readable in feed readers.
    "*": {"dir", "lang"},
    "a": {"href", "title"},
    "img": {"src", "srcset", "alt", "title", "width", "height"},
    "source": {"srcset", "media", "type"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "time": {"datetime"},
    "abbr": {"title"},
}
# Tags removed with everything inside them: code, styling, embeds and their fallback text.
# (<noscript> is settled before nh3 runs: see _resolve_noscript.)
_DROP_WITH_CONTENT = frozenset({
    "script", "style", "template", "noscript", "iframe", "object", "embed", "noembed",
    "noframes", "svg", "math", "textarea", "select", "title", "head",
})
_DROP_SELECTOR = ", ".join(sorted(_DROP_WITH_CONTENT))
# Built once: nh3 compiles the policy, and every article goes through the same one.
_CLEANER = nh3.Cleaner(
    tags=set(_ALLOWED_TAGS),
    clean_content_tags=set(_DROP_WITH_CONTENT),
    attributes={tag: set(names) for tag, names in _ALLOWED_ATTRIBUTES.items()},
    url_schemes={"http", "https", "mailto"},
    strip_comments=True,
)

_LAZY_SRC = ("data-src", "data-lazy-src", "data-original", "data-lazy", "data-url")
_LAZY_SRCSET = ("data-srcset", "data-lazy-srcset")
# File names sites use for the 1x1 stand-in shown until the lazy loader swaps the real image in.
_PLACEHOLDER = re.compile(
    r"(?:^|/)(?:1x1|blank|spacer|pixel|transparent|empty|placeholder|lazy|loading|grey|gray)"
    r"[\w.-]*\.(?:gif|png|svg|webp)(?:$|[?#])",
    re.IGNORECASE,
)
# Wrappers that say nothing once what they wrapped is gone (<td> stays: it shapes its table).
_EMPTY_WRAPPER = re.compile(
    r'<(p|div|span|figure|picture|figcaption|a|strong|em|b|i|u|s|small|mark|blockquote|li|q|cite)'
    r'(?:\s(?:[^>"]|"[^"]*")*)?>\s*</\1>'
)
_CONTROLS = re.compile("[\x7f-\x9f]")  # feeds drop them too (feedgen_adapter: HTML calls them errors)
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_C0_FORBIDDEN = bytes(range(0x09)) + b"\x0b\x0c" + bytes(range(0x0e, 0x20))
_TAG_LIKE = re.compile(r"<[A-Za-z!/?]")
_TEXT_RUN = re.compile(r"(?:^|>)([^<>]+)")  # text between tags, not the tags themselves
_BLOCKS = (
    "address, article, aside, blockquote, dd, div, dl, dt, figcaption, figure, footer, form, "
    "h1, h2, h3, h4, h5, h6, header, hr, li, main, nav, ol, p, pre, section, table, tr, ul"
)
_CELLS = "td, th"
# A srcset descriptor is a width ("300w"), a density ("2x") or, rarely, a height ("200h").
_DESCRIPTOR = re.compile(r"(\d+(?:\.\d+)?)[wxh]")
_BREAK = "\ue000"


def clean_html(fragment: str, base_url: str) -> str:
    """`fragment` with absolute URLs, lazy images made real, and only safe tags and attributes."""
    if not fragment or not fragment.strip():
        return ""
    return clean_prepared(_prepare(xml_safe(fragment), base_url))


def prepare_node(node: LexborNode, base_url: str) -> str:
    """The inner HTML of a node of a parsed page, prepared as `clean_html` prepares a fragment
    (URLs resolved, lazy images made real), in place: serializing the node and parsing the
    text again would cost a parse per article. Finish with `clean_prepared`. Mutates `node`."""
    _fix_urls(node, base_url)
    return node.inner_html or ""


def clean_prepared(prepared: str) -> str:
    """Prepared HTML with only safe tags and attributes left."""
    if not prepared.strip():
        return ""
    return _drop_empty_wrappers(xml_safe(_CLEANER.clean(xml_safe(prepared)))).strip()


def clean_text(text: str | None) -> str:
    """Plain text: entities decoded, tags dropped, whitespace collapsed, XML-safe, stripped."""
    if not text:
        return ""
    plain = _visible(text).text(deep=True) if _TAG_LIKE.search(text) else html.unescape(text)
    plain = xml_safe(plain)
    if not (plain.isascii() and "\x7f" not in plain):  # DEL and C1 controls: no text needs them
        plain = _CONTROLS.sub("", plain)
    return " ".join(plain.split())


def html_to_text(fragment: str) -> str:
    """The text of an HTML fragment, one line per block element, inner whitespace collapsed."""
    if not fragment:
        return ""
    # Source newlines are just spaces in HTML, so block breaks travel as a private-use mark.
    tree = _visible(fragment.replace(_BREAK, ""))
    for node in tree.css("br"):
        node.replace_with(_BREAK)
    for node in tree.css(_BLOCKS):
        node.insert_before(_BREAK)
        node.insert_after(_BREAK)
    for node in tree.css(_CELLS):
        node.insert_after(" ")
    lines = (" ".join(line.split()) for line in xml_safe(tree.text(deep=True)).split(_BREAK))
    return "\n".join(line for line in lines if line)


def has_text(cleaned: str) -> bool:
    """Whether markup from `clean_html` shows any text: what `html_to_text(cleaned).strip()` says,
    but it stops at the first word instead of laying out a whole 100 KB body."""
    # clean_html has dropped scripts, styles and comments: every text run is shown text.
    return any(html.unescape(run[1]).replace(_BREAK, "").strip() for run in _TEXT_RUN.finditer(cleaned))


def truncate_text(text: str, limit: int = 300) -> str:
    """`text` cut to at most `limit` characters at a word boundary, ending with "…" if cut."""
    if len(text) <= limit:
        return text
    if limit <= 1:
        return "…"[:max(limit, 0)]
    head = text[:limit - 1]
    space = head.rfind(" ")
    # Cutting mid-word beats throwing away more than half the room (one 200-letter URL).
    if space > (limit - 1) // 2:
        head = head[:space]
    return head.rstrip(" \t\n,;:.-–—") + "…"


def xml_safe(s: str) -> str:
    """`s` without the characters XML 1.0 forbids: C0 controls but tab/LF/CR, surrogates, FFFE/F."""
    return s if _clean_utf8(s) is not None else _XML_FORBIDDEN.sub("", s)


def is_xml_safe(s: str) -> bool:
    """True if XML allows every character of `s` (nearly every string): proved in C."""
    return _clean_utf8(s) is not None


def xml_bytes(s: str) -> bytes:
    """`xml_safe(s)` in UTF-8, encoding a clean string (nearly every one) only once."""
    encoded = _clean_utf8(s)
    return encoded if encoded is not None else _XML_FORBIDDEN.sub("", s).encode()


def _clean_utf8(s: str) -> bytes | None:
    """`s` in UTF-8 if XML allows every character of it, else None."""
    # Nearly every string is clean, and proving it in C (strict UTF-8 encoding fails on lone
    # surrogates; bytes.translate finds C0 controls) is 3-8x cheaper than a regex pass over a
    # 100 KB article body. The regex then only runs on strings that need it.
    try:
        encoded = s.encode()
    except UnicodeEncodeError:
        return None
    if len(encoded.translate(None, _C0_FORBIDDEN)) != len(encoded) or "\ufffe" in s or "\uffff" in s:
        return None
    return encoded


def _visible(markup: str) -> LexborHTMLParser:
    """`markup` parsed as a fragment (as a <div>'s content), without script, style and the like."""
    tree = LexborHTMLParser(markup, is_fragment=True)
    for node in tree.css(_DROP_SELECTOR):
        node.decompose()
    return tree


def _prepare(fragment: str, base_url: str) -> str:
    """Resolve URLs and promote lazy images with lexbor, before nh3 decides what may stay."""
    # As a fragment, so a leading <noscript> or <style> is not hoisted into a <head>.
    tree = LexborHTMLParser(fragment, is_fragment=True)
    _fix_urls(tree, base_url)
    return tree.html or ""


def _fix_urls(root: LexborHTMLParser | LexborNode, base_url: str) -> None:
    # A node's css() includes the node itself, but only what is inside it is content: a content
    # rule matching an <a href="javascript:..."> must not unwrap (and so empty) the match.
    skip = root.mem_id if isinstance(root, LexborNode) else None

    def inside(css: str) -> list[LexborNode]:
        return [node for node in root.css(css) if node.mem_id != skip]

    for link in inside("a[href]"):
        _fix_link(link, base_url)
    for image in inside("img"):
        _fix_image(image, base_url)
    for fallback in inside("noscript"):
        _resolve_noscript(fallback)
    for source in inside("source"):
        srcset = _resolve_srcset(_first(source, _LAZY_SRCSET) or source.attrs.get("srcset"),
                                 base_url)
        if srcset:
            source.attrs["srcset"] = srcset
        else:
            source.decompose()


def _fix_link(link: LexborNode, base_url: str) -> None:
    href = (link.attrs.get("href") or "").strip()
    if href.lower().startswith("mailto:"):
        return
    resolved = absolute(href, base_url)
    if resolved:
        link.attrs["href"] = resolved
    else:  # javascript:, a bare "#", junk: keep the words, lose the link
        link.unwrap()


def _fix_image(image: LexborNode, base_url: str) -> None:
    attrs = image.attrs
    src = attrs.get("src")
    if _is_placeholder(src):
        src = _first(image, _LAZY_SRC)
    srcset = _first(image, _LAZY_SRCSET) or attrs.get("srcset")
    resolved_set = _resolve_srcset(srcset, base_url)
    resolved = absolute(src, base_url) if src and not _is_placeholder(src) else None
    if not resolved and resolved_set:
        resolved = _largest_candidate(resolved_set)  # readers that ignore srcset still get one
    if not resolved:
        image.decompose()
        return
    attrs["src"] = resolved
    if resolved_set:
        attrs["srcset"] = resolved_set
    elif "srcset" in attrs:
        del attrs["srcset"]


def _resolve_noscript(fallback: LexborNode) -> None:
    """Keep a <noscript> image only where no lazy image before it survived: never both.

    Other <noscript> content is "please enable JavaScript" boilerplate and goes.
    """
    before = fallback.prev
    while before is not None and before.tag == "-text" and not (before.text() or "").strip():
        before = before.prev
    covered = before is not None and before.tag in {"img", "picture"}
    if covered or fallback.css_first("img") is None:
        fallback.decompose()
    else:
        fallback.unwrap()


def _first(node: LexborNode, names: tuple[str, ...]) -> str | None:
    for name in names:
        value = node.attrs.get(name)
        if value and value.strip() and not _is_placeholder(value):
            return value.strip()
    return None


def _is_placeholder(src: str | None) -> bool:
    if not src or not src.strip():
        return True
    src = src.strip()
    return src[:5].lower() == "data:" or bool(_PLACEHOLDER.search(src))


def _srcset_candidates(srcset: str) -> Iterator[tuple[str, str]]:
    """(url, descriptor) pairs; a URL may itself hold commas, as CDN resize URLs often do."""
    i, n = 0, len(srcset)
    while i < n:
        while i < n and (srcset[i].isspace() or srcset[i] == ","):
            i += 1
        start = i
        while i < n and not srcset[i].isspace():
            i += 1
        url = srcset[start:i]
        descriptor = ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            end = srcset.find(",", i)
            end = n if end == -1 else end
            descriptor = " ".join(srcset[i:end].split())
            i = end + 1
        if url:
            yield url, descriptor


def _resolve_srcset(srcset: str | None, base_url: str) -> str:
    if not srcset:
        return ""
    parts = []
    for url, descriptor in _srcset_candidates(srcset):
        resolved = absolute(url, base_url) if not _is_placeholder(url) else None
        if resolved:
            valid = _DESCRIPTOR.fullmatch(descriptor)  # anything else is junk: drop it
            parts.append(f"{resolved} {descriptor}" if valid else resolved)
    return ", ".join(parts)


def _largest_candidate(srcset: str) -> str:
    def size(candidate: tuple[str, str]) -> float:
        number = _DESCRIPTOR.fullmatch(candidate[1])
        return float(number[1]) if number else 1.0

    return max(_srcset_candidates(srcset), key=size)[0]


def _drop_empty_wrappers(markup: str) -> str:
    for _ in range(8):  # each pass peels one layer of nesting; real markup rarely nests deeper
        stripped = _EMPTY_WRAPPER.sub("", markup)
        if stripped == markup:
            break
        markup = stripped
    return markup
