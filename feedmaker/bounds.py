"""A page's markup held to the sizes a browser builds, before any parser sees it: nesting depth,
attributes per element, elements per page and open formatting elements (issue 15).

Why before the parser: lexbor's tree builder is quadratic in the depth of its stack of open
elements (each start tag walks the stack for the tag's "scope") and in the attributes of one tag
(each new one is compared with every earlier one for a duplicate). 60,000 nested <ul><li> took
68 s inside LexborHTMLParser alone, 100,000 attributes on one tag 24 s. Bounding the tree after
the fact cannot help: the cost is paid while it is built. So this is one linear scan of the
markup, in the page's own text, with a model of the parser's stack:

- MAX_DEPTH (512): Blink's and WebKit's tree builders stop nesting at 512 open elements
  (`kMaximumHTMLParserDOMTreeDepth`): a deeper element becomes a sibling of the element that
  would have been its parent. Here the same: an end tag for the innermost open element is
  written before it (and that element's own end tag, later, dropped). Text and links stay where
  they were, one level up.
- MAX_ATTRIBUTES (256) per element: the first 256 are kept; later ones and repeated names among
  all of them are dropped (the HTML spec drops a repeated name too). Browsers have no such cap;
  the most seen on 541 real pages is 70 (a Yahoo banner).
- MAX_PAGE_ATTRIBUTES (250,000, counted high: every space in a tag counts) per page: later tags
  keep their element and lose their attributes. 10 MB of tags with 64 attributes each is 3 million
  attributes, 1-2.5 s inside lexbor alone. With both caps lexbor's duplicate check costs at
  most 250,000 x 256 comparisons.
- MAX_ELEMENTS (30,000) elements per page, counting those the parser re-creates (below): past
  it the rest of the page's tags are removed and its text kept (tags of <script> too). The most
  on 541 real pages is 9,888 (Wikipedia); at 50,000 the worst shapes took 2 s to parse.
- MAX_FORMATTING (6) formatting elements (<b>, <font>...) left open: the parser re-creates every
  open one inside each new paragraph ("reconstruct the active formatting elements"), so 1,000
  open <b>s would cost 1,000 elements per paragraph. Later ones are dropped, their text kept.
  Counted as the parser keeps its list: an end tag or a new <a> ends one, and of alike ones
  (same tag and attributes) three at most count, as the spec keeps three ("Noah's Ark").
  With 8, 1,000 open <b>s before 100,000 paragraphs took 1.9 s of CPU to parse (re-created
  formatting in each of the paragraphs the element cap leaves), with 6 1.1 s; a real page of
  shared/realdata leaves 5 open (4 would rewrite it).

Elements with at most 8 quoted attributes around plain text (`<a href="x">y</a>`), and void
ones, are skipped inside the regex engine when the page has no more "<" than MAX_ELEMENTS: they
leave the stack as it was; their attributes (at most 8 x 30,000) go uncounted. The scan costs
~12 ms per MB of real pages (~3.5 ms for the average 300 KB page of shared/realdata).

The model errs toward counting deeper than the parser does (it closes an element implicitly
only when the spec surely does, looking at most _LOOK elements down the stack), so a bound here
is a bound there, give or take what the parser adds on its own (<tbody> in each table, the
formatting elements it re-creates: at most MAX_FORMATTING). Text inside comments, <script>,
<style>, <title> and <textarea> is skipped the way the parser skips it, ending at the earliest
point the parser could end it. A page within every bound is returned as it came, the same
object: honest pages are not rewritten. Most are not even scanned: a page of at most QUICK_TAGS
tags, none longer than QUICK_TAG_CHARS unless of at most MAX_ATTRIBUTES attributes (a long
value: a data: URI, JSON; all counted in C), cannot make lexbor slow whatever its nesting,
and the scan would have cost honest pages as much again as the rest of their parse (real
pages 0.56x as fast with it on every page, 0.97x with this gate). What the gate lets
through unscanned: attributes spread over many tags each under QUICK_TAG_CHARS (700 tags of
2,500 attributes, 10 MB: ~7 s inside lexbor). Such a page is stopped by the worker pool's
parse budget, then parsed again with the scan forced (`scan=True`): parsed late, never stalling.
"""

from __future__ import annotations

import functools
import re
from typing import AnyStr

__all__ = ["MAX_ATTRIBUTES", "MAX_DEPTH", "MAX_ELEMENTS", "MAX_FORMATTING", "MAX_PAGE_ATTRIBUTES",
           "bound_markup"]

MAX_DEPTH = 512
MAX_ATTRIBUTES = 256
MAX_ELEMENTS = 30_000
MAX_FORMATTING = 6
MAX_PAGE_ATTRIBUTES = 250_000
_LOOK = 12  # how far down the stack an implied end tag is looked for (linear, and errs deep)


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


_VOID = _names("area base basefont bgsound br col embed frame hr img input keygen link meta "
               "param source track wbr")
_RAW = _names("script style xmp iframe noembed noframes title textarea")
_FORMATTING = _names("a b big code em font i nobr s small strike strong tt u")
# Start tags that close an open <p> (the spec's "close a p element" list).
_CLOSES_P = _names("address article aside blockquote center details dialog dir div dl fieldset "
                   "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr main menu "
                   "nav ol p pre section summary table ul li dd dt listing xmp")
_HEADINGS = _names("h1 h2 h3 h4 h5 h6")
# Where the spec stops looking for an element to close implicitly (scope boundaries and the
# "special" elements of the list-item algorithm, less address/div/p).
_STOP = _names("applet caption html table td th marquee object template button ul ol dl "
               "select tr tbody thead tfoot svg math")
# start tag -> the open elements it closes implicitly when one is near the top of the stack
_CLOSES = {"li": ("li",), "dd": ("dd", "dt"), "dt": ("dd", "dt"), "option": ("option",),
           "optgroup": ("option", "optgroup"), "tr": ("tr", "td", "th"), "td": ("td", "th"),
           "th": ("td", "th"), "a": ("a",), "nobr": ("nobr",), "button": ("button",),
           "tbody": ("tbody", "thead", "tfoot", "tr", "td", "th"),
           "thead": ("tbody", "thead", "tfoot", "tr", "td", "th"),
           "tfoot": ("tbody", "thead", "tfoot", "tr", "td", "th")}

# A start or end tag as the tokenizer reads it: quotes count only in a value after "=", and an
# unclosed one is read as an unquoted value (the parser would run it to the end of the page and
# drop the tag: it then sees less markup than this scan, never more). Possessive: one pass.
_VALUE = r"""(?:"[^"]*+"|'[^']*+'|[^\t\n\f\r >]*+)"""
# One token: "<!--" (1), a bogus comment, or a tag: "/" (2), name (3), attributes (4) and ">"
# (5), or the end of the page for a tag that never ends (one pass, not one per "<" in it).
_TOKEN = re.compile(rf"<(?:(!--)|[!?]|/(?![A-Za-z])|(/?)([A-Za-z][^\t\n\f\r />]*+)"
                    rf"((?:[^>=]++|=[\t\n\f\r ]*+{_VALUE})*+)(>|\Z))")
_ATTR = re.compile(rf"[\t\n\f\r /]*+([^\t\n\f\r />][^\t\n\f\r />=]*+)"
                   rf"(?:[\t\n\f\r ]*+=[\t\n\f\r ]*+{_VALUE})?+")
_COMMENT_END = re.compile(r"--!?>")
# Start tags with a rule of their own (the rest are pushed and popped, nothing more).
_SPECIAL = _CLOSES_P | _HEADINGS | _FORMATTING | frozenset(_CLOSES) | {"plaintext"}
# Up to 8 attributes with quoted values or none: what _SKIP lets by uncounted.
_LEAF_ATTRS = r"""(?:[\t\n\f\r ]++[^\t\n\f\r "'<>/=]++(?:="[^"<>]*+"|='[^'<>]*+')?+){0,8}+[\t\n\f\r ]*+"""
_SKIP = re.compile(
    r"(?:[^<]++|<(?![A-Za-z/!?])"  # text
    rf"|<(?:{'|'.join(sorted(_VOID))})(?![^\t\n\f\r />]){_LEAF_ATTRS}/?>"  # <img ...>
    rf"|<([A-Za-z][A-Za-z0-9-]{{0,15}}+)(?![^\t\n\f\r />]){_LEAF_ATTRS}>[^<]*+</\1>"  # <a ...>x</a>
    r")*+")
_ANY_TAG = re.compile(r"<[A-Za-z/!?][^>]*+>")


def bound_markup(html: str | bytes, *, scan: bool = False) -> str | bytes:
    """`html` with its nesting, attributes and elements within the bounds above (bytes are read
    as UTF-8, as the parser reads them). The same object when it is within them already.
    `scan`: scan even a page the quick gate would let through (a page past its parse budget)."""
    if not scan and _surely_within(html):
        return html
    text = html.decode("utf-8", "replace") if isinstance(html, bytes) else html
    bounded = _Scan(text).run()
    return html if bounded is None else bounded


# Below these, whatever the nesting, lexbor and the walks after it stay fast (measured: 6,000
# nested <div>s parse in 0.07 s, 1,000 distinct open <b>s before 5,000 paragraphs in 0.01 s, one
# tag of 10,000 attributes in 0.16 s), so the scan (~12 ms per MB) is skipped: 98 % of the real
# pages of shared/realdata have fewer tags (median 1,927), and their long "tags" are scripts.
QUICK_TAGS = 6_000
QUICK_TAG_CHARS = 30_000


def _surely_within(html: str | bytes) -> bool:
    """Too few tags, and none long enough with many attributes, for any bound to matter;
    counted in C."""
    if isinstance(html, bytes):
        return html.count(b"<") <= QUICK_TAGS and _no_long_tag(html, b"<", b">", _TOKEN_B)
    return html.count("<") <= QUICK_TAGS and _no_long_tag(html, "<", ">", _TOKEN)


def _no_long_tag(html: AnyStr, lt: AnyStr, gt: AnyStr, token: re.Pattern[AnyStr],
                 step: int = QUICK_TAG_CHARS // 2) -> bool:
    """No tag of QUICK_TAG_CHARS characters with more than MAX_ATTRIBUTES attributes: such a
    tag holds a run without "<" or ">" that covers a whole window of `step` characters, windows
    starting every `step`. Each window is ruled out by two finds in C (~10 us a page, against
    ~300 us for a regex over every tag); a window with neither bracket is inside a tag only if
    its run began with "<" and a letter. Each run is looked at once, so a page of one long text
    run costs one pass. A long tag counts only with many attributes, the one cost it can add
    to the parse: real pages' long tags are mostly one long value (a data: URI, JSON in an
    attribute, an SVG path), and scanning the 10 % of pages that hold one cost as much as the
    rest of their parse. Its attributes are counted with the scan's own regexes, in C."""
    n, start = len(html), 0
    while start + step <= n:
        end = start + step
        if html.find(lt, start, end) != -1 or html.find(gt, start, end) != -1:
            start = end
            continue
        opened = max(html.rfind(lt, 0, start), html.rfind(gt, 0, start))
        name = html[opened + 1:opened + 2]
        if opened >= 0 and html[opened:opened + 1] == lt and name.isascii() and name.isalpha():
            tag = token.match(html, opened)
            if tag is None or not _few_attributes(tag[4]):
                return False
            start = max(tag.end(), end)
            continue
        ends = [i for i in (html.find(lt, end), html.find(gt, end)) if i != -1]
        if not ends:
            return True
        start = min(ends)
    return True


# A tag as the scan reads it, in bytes: the gate looks at a page before it is decoded (the
# patterns are ASCII, so a UTF-8 page's tags read the same).
_TOKEN_B = re.compile(_TOKEN.pattern.encode())


def _few_attributes(attrs: str | bytes) -> bool:
    """At most MAX_ATTRIBUTES attributes (repeats counted): the scan would leave the tag as it
    is, and lexbor's duplicate check stays small. An upper bound first, then the scan's count."""
    text = attrs.decode("latin-1") if isinstance(attrs, bytes) else attrs  # (ASCII syntax)
    if _most_attributes(text) <= MAX_ATTRIBUTES:
        return True
    return len(_ATTR.findall(text)) <= MAX_ATTRIBUTES


def _most_attributes(attrs: str) -> int:
    """At least the number of attributes in a tag's attribute text, counted in C: each one
    after the first follows a space, a slash or a quoted value's closing quote."""
    return (1 + attrs.count(" ") + attrs.count("\n") + attrs.count("\t") + attrs.count("\r")
            + attrs.count("\f") + attrs.count("/") + (attrs.count('"') + attrs.count("'")) // 2)


def _after_comment(text: str, start: int) -> int:
    """Where a comment opened at `start` ends ("-->", "--!>", or at once for "<!-->" and
    "<!--->"); 0 when it runs to the end of the page."""
    if text.startswith(">", start + 4) or text.startswith("->", start + 4):
        return text.index(">", start + 4) + 1
    close = _COMMENT_END.search(text, start + 4)
    return 0 if close is None else close.end()


@functools.cache
def _raw_end(name: str) -> re.Pattern[str]:
    return re.compile(rf"</{re.escape(name)}[\t\n\f\r />]", re.I)


class _Scan:
    """One pass over the markup; `out` collects the rewritten page once something is cut.
    The loop is written for speed (~1 µs a tag): it runs on every page, before the parser."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.stack: list[str] = []
        self.open: dict[str, int] = {}  # name -> how many on the stack
        self.dropped: dict[str, int] = {}  # name -> start tags dropped, end tags to drop
        self.formatting = 0  # entries of the parser's list of active formatting elements
        self.active: dict[str, list[str]] = {}  # name -> its entries (tag and attributes)
        self.same: dict[str, int] = {}  # entry -> how many (the list keeps 3 of each)
        self.attributes = 0  # at least the attributes seen (_most_attributes of each tag)
        self.out: list[str] = []
        self.copied = 0  # text[:copied] is in out (when rewriting)
        self.cut = False

    def run(self) -> str | None:
        text = self.text
        stack, opened, dropped = self.stack, self.open, self.dropped
        # With no more "<" than MAX_ELEMENTS, elements that open and close around plain text
        # (and void ones) are skipped inside the regex engine: they leave the stack as it was,
        # here and in the parser, and cannot pass the element cap on their own. Not while
        # formatting elements are open: their text makes the parser re-create them.
        skip = _SKIP.match if text.count("<") <= MAX_ELEMENTS else None
        pos = elements = 0
        while True:
            if skip is not None and not self.formatting:
                pos = skip(text, pos).end()  # type: ignore[union-attr]  # it matches "" too
                m = _TOKEN.match(text, pos)
            else:
                m = _TOKEN.search(text, pos)
            if m is None:
                break
            raw_name = m[3]
            if raw_name is None:  # a comment, or a bogus one ("<!x", "<?x", "</" then no letter)
                pos = _after_comment(text, m.start()) if m[1] else text.find(">", m.end()) + 1
                if pos <= 0:
                    break  # the rest of the page is a comment
                continue
            if not m[5]:
                break  # a tag that never ends: the parser drops it and everything after
            pos = m.end()
            name = raw_name.lower()
            attrs = m[4]
            if self.formatting:
                elements += self._reconstruct()
            if m[2]:  # an end tag
                if dropped and dropped.get(name):
                    dropped[name] -= 1
                    self._replace(m, "")
                    continue
                if self.formatting and name in _FORMATTING:
                    self._forget(name)  # the parser's list forgets one only here
                if opened.get(name):
                    while stack:
                        top = stack.pop()
                        opened[top] -= 1
                        if top == name:
                            break
                continue
            elements += 1
            if elements > MAX_ELEMENTS:
                self._rewrite(m.start(), "")
                self._strip_rest()
                break
            if name in _VOID or (attrs.endswith("/") and (opened.get("svg") or opened.get("math"))):
                if attrs:  # (self-closing, in SVG or MathML)
                    self._attributes_of(m, attrs, "")
                continue
            if name in _SPECIAL and self._special(name, m):  # rarer names, their own rules
                continue
            before = ""
            if len(stack) >= MAX_DEPTH:
                # As deep as it goes: the element becomes its would-be parent's next sibling.
                top = stack.pop()
                opened[top] -= 1
                dropped[top] = dropped.get(top, 0) + 1  # its own end tag, later, is dropped
                if top in _FORMATTING:
                    self._forget(top)
                before = f"</{top}>"
            stack.append(name)
            opened[name] = opened.get(name, 0) + 1
            if self.formatting:  # re-created inside it, by its text
                elements += self._reconstruct()
            if before or len(attrs) > 24 or self.attributes >= MAX_PAGE_ATTRIBUTES:
                self._attributes_of(m, attrs, before)
            elif attrs:
                self.attributes += 1  # at most 12: unseen, they cannot add up to much
            if name in _RAW and not (opened.get("svg") or opened.get("math")):
                close = _raw_end(name).search(text, pos)
                if close is None:
                    break  # the rest of the page is its text
                pos = close.start()
        if not self.cut:
            return None
        self.out.append(text[self.copied:])
        return "".join(self.out)

    def _special(self, name: str, m: re.Match[str]) -> bool:
        """Implied end tags, formatting elements, <plaintext>: True when the start tag is
        dropped."""
        self._close_implied(name)
        if name in _FORMATTING:
            if name in ("a", "nobr") and self.active.get(name):
                self._forget(name)  # a new <a> ends the last one (the adoption agency)
            entry = name + m[4]
            seen = self.same.get(entry, 0)
            if seen < 3 and self.formatting >= MAX_FORMATTING:
                self.dropped[name] = self.dropped.get(name, 0) + 1
                self._replace(m, "")
                return True
            self.same[entry] = seen + 1
            self.formatting += seen < 3  # "Noah's Ark": a fourth alike replaces the first
            self.active.setdefault(name, []).append(entry)
        if name == "plaintext":
            self._rewrite(m.start(), "<p>")  # the rest of the page is text to the parser:
            self.copied = m.end()  # a paragraph holds it, as bounded as the rest
        return False

    def _reconstruct(self) -> int:
        """What the parser does before text or a tag when formatting elements of its list are
        no longer open (a paragraph ended around them): it opens them again. Counted as if
        there was text before every tag; the number of elements opened."""
        added = 0
        for name, entries in self.active.items():
            # (the list holds at most 3 alike, and `formatting` of all, so no more than that)
            missing = min(len(entries), self.formatting) - self.open.get(name, 0)
            for _ in range(missing):
                self.stack.append(name)
            if missing > 0:
                self.open[name] = len(entries)
                added += missing
        return added

    def _forget(self, name: str) -> None:
        """The last active formatting element `name` leaves the list."""
        entries = self.active.get(name)
        if not entries:
            return
        entry = entries.pop()
        self.same[entry] -= 1
        self.formatting -= self.same[entry] < 3

    def _attributes_of(self, m: re.Match[str], attrs: str, before: str) -> None:
        """Write the tag (after `before`) with the attribute caps applied, if that changes it."""
        written = None
        if attrs and not attrs.isspace():
            slash = "/" if attrs.rstrip().endswith("/") else ""
            if self.attributes >= MAX_PAGE_ATTRIBUTES:
                written = f"<{m[3]}{slash}>"
            elif len(attrs) <= 24:
                self.attributes += 1  # at most 12: unseen, they cannot add up to much
            else:
                most = _most_attributes(attrs)
                self.attributes += most
                if len(attrs) >= 2 * MAX_ATTRIBUTES and most > MAX_ATTRIBUTES:
                    kept = self._attributes(attrs)
                    if kept is not None:
                        written = f"<{m[3]}{kept}>"
        if before or written is not None:
            self._replace(m, before + (m.group() if written is None else written))

    def _close_implied(self, name: str) -> None:
        if name in _HEADINGS and self.stack and self.stack[-1] in _HEADINGS:
            self._pop()
        if name in _CLOSES_P and self.open.get("p"):
            self._close_near(("p",))
        closes = _CLOSES.get(name)
        if closes and any(self.open.get(c) for c in closes):
            self._close_near(closes)

    def _close_near(self, names: tuple[str, ...]) -> None:
        """Pop to the nearest of `names` if it is within _LOOK of the top, with no scope
        boundary above it; else leave the stack (counting deeper than the parser, never less)."""
        for i in range(len(self.stack) - 1, max(-1, len(self.stack) - 1 - _LOOK), -1):
            node = self.stack[i]
            if node in names:
                while len(self.stack) > i:
                    self._pop()
                return
            if node in _STOP:
                return

    def _pop(self) -> str:
        node = self.stack.pop()
        self.open[node] -= 1
        return node

    def _attributes(self, attrs: str) -> str | None:
        """The attribute text with at most MAX_ATTRIBUTES, first of each name; None when it
        had no more than that."""
        seen: set[str] = set()
        kept: list[str] = []
        count = 0
        for one in _ATTR.finditer(attrs):
            if not one[1]:
                continue
            count += 1
            key = one[1].lower()
            if key not in seen and len(kept) < MAX_ATTRIBUTES:
                seen.add(key)
                kept.append(one.group())
        if count <= MAX_ATTRIBUTES:
            return None  # repeats among them cost the parser little; it drops them itself
        tail = attrs.rstrip()
        return "".join(kept) + ("/" if tail.endswith("/") else "")

    def _replace(self, tag: re.Match[str], replacement: str) -> None:
        self._rewrite(tag.start(), replacement)
        self.copied = tag.end()

    def _rewrite(self, at: int, replacement: str) -> None:
        """Copy the page up to `at`, then `replacement` (the caller moves `copied` past what it
        replaces)."""
        self.out.append(self.text[self.copied:at])
        self.out.append(replacement)
        self.copied = at
        self.cut = True

    def _strip_rest(self) -> None:
        """Past MAX_ELEMENTS: the rest of the page without its tags, in one regex pass."""
        self.out.append(_ANY_TAG.sub(" ", self.text[self.copied:]))
        self.copied = len(self.text)
