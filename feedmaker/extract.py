"""Generic article body extraction: a parsed page in, its main text as an HTML fragment out."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from feedmaker import extract_scripts
from feedmaker.extract_hints import (
    JUNK_ROLES,
    JUNK_TAGS,
    NEGATIVE,
    NEVER_ARTICLE,
    POSITIVE,
    SOFT_JUNK,
    STRONG_NEGATIVE,
)
from feedmaker.extract_render import link_density, render

__all__ = ["body_text", "extract_body"]

# A paragraph shorter than this is a label, a byline or a button, not evidence of prose.
MIN_PARAGRAPH_CHARS = 25
# Below this much text the "body" we found is a stub (a 404 notice, a teaser): no body.
MIN_BODY_CHARS = 60
# Below this much visible text, the page's <noscript> and data scripts are searched as well.
FALLBACK_BELOW_CHARS = 500
# The main run of paragraphs is protected from pruning only when it is this long: a few short
# paragraphs in a cookie notice or a teaser grid are no article.
MIN_CORE_CHARS = 400
# A negative-named node holding at least this share of the page's paragraph text is a
# layout wrapper that happens to carry a bad word ("content has-sidebar"), not boilerplate.
WRAPPER_SHARE = 0.4
# ... and for strong negatives (comments, related) it must hold nearly all of it.
STRONG_WRAPPER_SHARE = 0.75
# Soft-junk tags (form/header/footer/aside) survive only when they hold at least this share.
SOFT_JUNK_SHARE = 0.5
# A sibling of the best container joins it when it scores at least this fraction of it
# (readability's value): articles split into several sibling blocks around ads.
SIBLING_SHARE = 0.2
# A block shaped like the best one (same tag and class) joins it at this fraction of its
# score: chunked article bodies have pieces of very different lengths.
CHUNK_SHARE = 0.1
# Readability's alternative-ancestor step: among the best few blocks, this many scoring within
# this share of the best, all under one ancestor, make that ancestor the article.
ALTERNATIVE_SHARE = 0.75
ALTERNATIVES_SEEN = 4
ALTERNATIVES_NEEDED = 3


# Kept in the fragment whatever their class says ("figure gallery-image", "figcaption caption"):
# the renderer already keeps captions out of the plain text.
_NAME_EXEMPT = frozenset({"figure", "figcaption", "img", "picture"})


def _p_text_len(node: LexborNode) -> int:
    return sum(len(p.text(strip=True)) for p in node.css("p"))


@lru_cache(maxsize=1 << 15)
def _name_kind(name: str) -> int:
    """0: neutral, 1: boilerplate name, 2: strong boilerplate name, 3: strong but also positive.

    Cached: class strings repeat within a page and across a site's pages, and the regexes are
    the costliest part of pruning.
    """
    name = name.lower()
    if not NEGATIVE.search(name):
        return 0
    if not STRONG_NEGATIVE.search(name):
        return 1
    return 3 if POSITIVE.search(name) else 2


def _core(body: LexborNode) -> tuple[LexborNode | None, int]:
    """The parent of the most paragraph text (the article's own container, whatever its class
    or visibility says), and all paragraph text of the page."""
    sums: dict[int, list[Any]] = {}
    total = 0
    for p in body.css("p"):
        n = len(p.text(strip=True))
        total += n
        parent = p.parent
        if parent is None or not n:
            continue
        entry = sums.get(parent.mem_id)
        if entry is None:
            sums[parent.mem_id] = [parent, n]
        else:
            entry[1] += n
    for core, text in sorted(sums.values(), key=lambda entry: -entry[1])[:3]:
        if text < MIN_CORE_CHARS:
            break
        if not _under_never_article(core):
            return core, total
    return None, total


def _classes_of(core: LexborNode) -> set[tuple[str, str]]:
    """(tag, class) of the core, its ancestors and its paragraphs."""
    found = set()
    cur: LexborNode | None = core
    while cur is not None and cur.tag not in ("body", "html"):
        if cls := cur.attrs.get("class"):
            found.add((cur.tag or "", cls))
        cur = cur.parent
    for child in core.iter(include_text=False):
        if child.tag == "p" and (cls := child.attrs.get("class")):
            found.add(("p", cls))
    return found


def _under_never_article(node: LexborNode) -> bool:
    """Inside a comment thread, a cookie banner, a sign-up box or a dialog: the page's longest
    run of paragraphs can be one of those, and then it is no article."""
    cur: LexborNode | None = node
    while cur is not None and cur.tag not in ("body", "html"):
        name = f"{cur.attrs.get('class') or ''} {cur.id or ''}"
        if name.strip() and NEVER_ARTICLE.search(name):
            return True
        cur = cur.parent
    return False


def _prune(body: LexborNode) -> None:
    """Remove boilerplate subtrees named or marked as such, keeping big layout wrappers and
    whatever holds the page's main run of paragraphs (see _core)."""
    core, p_total = _core(body)
    p_total = p_total or 1
    text_total = len(body.text(strip=True)) or 1
    # A wrapper named "sidebar-grid", "commentary" or "node--promoted", a tab panel or a
    # streamed-in hidden <div> around the article is layout, not boilerplate: the core and its
    # ancestors are never removed, nor the paragraphs right in it ("user-text-lg" is a font).
    protected: set[int] = set()
    cur = core
    while cur is not None:
        protected.add(cur.mem_id)
        cur = cur.parent
    # ... nor blocks built like them: the other chunks of an article split between ads
    # ("sidebar-grid__content" twice), and paragraphs classed like the core's own.
    alike = _classes_of(core) if core is not None else set()

    def holds(node: LexborNode, share: float) -> bool:
        # Does node hold this share of the page's paragraph text, or of all its text (for
        # pages without <p>)? The all-text length bounds the paragraph length, which spares
        # the paragraph count for the many small nodes.
        n = len(node.text(strip=True))
        if n >= share * text_total:
            return True
        return n >= share * p_total and _p_text_len(node) >= share * p_total

    doomed: list[LexborNode] = []
    doomed_ids: set[int] = set()
    # Named nodes inside a doomed one go with it, whatever they are: not weighed (on real
    # pages four in five of the named nodes `holds` would read are inside one already).
    gone: set[int] = set()

    def doom(node: LexborNode) -> None:
        if node.mem_id not in doomed_ids and node.mem_id not in protected:
            doomed.append(node)
            doomed_ids.add(node.mem_id)
            gone.update(inner.mem_id for inner in node.css("[class], [id]"))

    # (protected nodes are skipped before `holds`, which walks their whole text)
    for node in body.css(SOFT_JUNK):
        if node.mem_id not in protected and not holds(node, SOFT_JUNK_SHARE):
            doom(node)
    for node in body.css('[hidden], [role], [style*="none" i]'):
        attrs = node.attributes
        style = (attrs.get("style") or "").replace(" ", "").lower()
        if ("hidden" in attrs or (attrs.get("role") or "").lower() in JUNK_ROLES
                or "display:none" in style):
            doom(node)
    for node in body.css("[class], [id]"):
        if node.mem_id in gone or node.mem_id in doomed_ids:
            continue
        cls = node.attrs.get("class") or ""
        kind = _name_kind(f"{cls} {node.id or ''}")
        if (kind == 0 or node.tag in _NAME_EXEMPT or node.mem_id in protected
                or (cls and (node.tag, cls) in alike)):
            continue
        if not holds(node, STRONG_WRAPPER_SHARE if kind == 2 else WRAPPER_SHARE):
            doom(node)
    # Decompose frees a subtree, so only the outermost doomed nodes are removed, and all
    # ancestry checks happen before the first removal.
    under_doomed: dict[int, bool] = {}  # memo: node id -> has a doomed ancestor-or-self
    outermost = []
    for node in doomed:
        chain = []
        parent = node.parent
        found = False
        while parent is not None:
            pid = parent.mem_id
            if pid in doomed_ids or under_doomed.get(pid):
                found = True
                break
            if pid in under_doomed:
                break
            chain.append(pid)
            parent = parent.parent
        for pid in chain:
            under_doomed[pid] = found
        if not found:
            outermost.append(node)
    for node in outermost:
        node.decompose()


def _paragraph_weight(node: LexborNode, text: str) -> float:
    n = len(text)
    if n < MIN_PARAGRAPH_CHARS:
        return 0.0
    ld = link_density(node, n) if node.css_first("a") else 0.0
    if ld > 0.5:
        return 0.0
    # readability's unit: one point per paragraph, one per comma, one per 100 chars up to 3
    return (1 + text.count(",") + min(n / 100, 3)) * (1 - ld)


_BLOCKS = ("div, p, section, article, ul, ol, table, h1, h2, h3, h4, h5, h6, blockquote, pre, li, "
           "figure")


def _candidates(body: LexborNode) -> dict[int, list[Any]]:
    """Score each paragraph's parent (fully) and grandparent (half): readability's scheme."""
    scores: dict[int, list[Any]] = {}
    # (block, its text, the first node credited): a paragraph credits its parent
    blocks = [(p, p.text(strip=True), p.parent) for p in body.css("p, pre, td, blockquote")]
    # Blog engines and WYSIWYG editors write "<div><span>text</span></div>" or loose
    # "text<br><br>text" in a wrapper instead of <p>: a div with no block inside is a
    # paragraph, and a wrapper's own loose text is one that credits the wrapper itself.
    for div in body.css("div, section, article, main, span, font"):
        own = div.text(deep=False, strip=True)
        if len(own) >= MIN_PARAGRAPH_CHARS:
            inline = div.tag in ("span", "font")
            blocks.append((div, own, div.parent if inline else div))
        elif div.tag == "div" and div.css_first(_BLOCKS) is None:
            blocks.append((div, div.text(strip=True), div.parent))
    for block, text, node in blocks:
        w = _paragraph_weight(block, text)
        if not w:
            continue
        for share in (1.0, 0.5, 0.25):
            if node is None or node.tag in ("html", None):
                break
            entry = scores.get(node.mem_id)
            if entry is None:
                entry = scores[node.mem_id] = [node, 0.0]
            entry[1] += w * share
            node = node.parent
    return scores


def _bonus(node: LexborNode) -> float:
    attrs = node.attributes
    if (attrs.get("itemprop") or "").lower() == "articlebody":
        return 1.5
    name = f"{attrs.get('class') or ''} {attrs.get('id') or ''}".lower()
    bonus = 1.25 if POSITIVE.search(name) else 1.0
    return bonus * (1.1 if node.tag == "article" else 1.0)


def _pick(body: LexborNode) -> list[LexborNode] | None:
    scores = _candidates(body)
    if not scores:
        return None
    best, best_score = None, 0.0
    finals: dict[int, float] = {}
    for mem_id, (node, raw) in scores.items():
        text_len = len(node.text(strip=True))
        final = raw * _bonus(node) * (1 - link_density(node, text_len))
        finals[mem_id] = final
        if final > best_score:
            best, best_score = node, final
    if best is None:
        return None
    best = _common_ancestor(best, best_score, scores, finals)
    group = _with_siblings(best, best_score, finals)
    chunks = _chunks(best, best_score, scores, finals)
    if not chunks:
        return group
    order = {node.mem_id: i for i, node in enumerate(body.traverse())}
    return sorted(group + chunks, key=lambda node: order.get(node.mem_id, 0))


def _common_ancestor(best: LexborNode, best_score: float, scores: dict[int, list[Any]],
                     finals: dict[int, float]) -> LexborNode:
    """An article split into one wrapper per paragraph ("<div><div><p>" for each) scores many
    near-equal small blocks: when several others come close to the best, their nearest common
    ancestor with it is the article (readability's alternative-ancestors step)."""
    close = sorted((f, mem_id) for mem_id, f in finals.items()
                   if mem_id != best.mem_id and f >= ALTERNATIVE_SHARE * best_score)[-ALTERNATIVES_SEEN:]
    if len(close) < ALTERNATIVES_NEEDED:
        return best
    lists = [_ancestors(scores[mem_id][0]) for _, mem_id in close]
    parent = best.parent
    while parent is not None and parent.tag not in ("body", "html"):
        if sum(parent.mem_id in ids for ids in lists) >= ALTERNATIVES_NEEDED:
            return parent
        parent = parent.parent
    return best


def _with_siblings(best: LexborNode, best_score: float,
                   finals: dict[int, float]) -> list[LexborNode]:
    """best, and those of its siblings that score well or are plain paragraphs, in order."""
    parent = best.parent
    if parent is None or best.tag == "body":
        return [best]
    kept = []
    sibling_floor = max(best_score * SIBLING_SHARE, 3.0)
    for sib in parent.iter(include_text=False):
        if sib.mem_id == best.mem_id or finals.get(sib.mem_id, 0.0) >= sibling_floor:
            kept.append(sib)
        elif sib.tag == "p":
            text = sib.text(strip=True)
            if len(text) > 80 and link_density(sib, len(text)) < 0.25:
                kept.append(sib)
    return kept


def _ancestors(node: LexborNode) -> set[int]:
    out = set()
    parent = node.parent
    while parent is not None:
        out.add(parent.mem_id)
        parent = parent.parent
    return out


def _chunks(best: LexborNode, best_score: float, scores: dict[int, list[Any]],
            finals: dict[int, float]) -> list[LexborNode]:
    """Other candidates built like best (same tag and class) that score well: the pieces of
    an article that the page splits into chunks between ads and inline promos."""
    cls = best.attributes.get("class")
    if not cls:
        return []  # a bare <div> is too common a shape to mean "the same kind of block"
    floor = max(best_score * CHUNK_SHARE, 3.0)
    similar = [node for mem_id, (node, _) in scores.items()
               if mem_id != best.mem_id and finals[mem_id] >= floor and node.tag == best.tag
               and node.attributes.get("class") == cls]
    if not similar:
        return []
    above = _ancestors(best)
    chunks: list[LexborNode] = []
    taken = {best.mem_id}
    for node in similar:
        up = _ancestors(node)
        if node.mem_id not in above and not (up & taken):
            chunks.append(node)
            taken.add(node.mem_id)
    return chunks


def _extract(tree: LexborHTMLParser, page: str | bytes | None = None) -> tuple[str, str] | None:
    """(HTML, text) of the body; with the page's own `page`, its <noscript> and data scripts
    too when the visible page shows almost no text. The page is parsed again for that (~3 %
    of pages): reading every page's data scripts up front, before they are stripped, cost
    more (APNews's JSON alone ~0.5 ms a page)."""
    body = tree.body
    if body is None:
        return None
    tree.strip_tags(JUNK_TAGS)
    _prune(body)
    nodes = _pick(body)
    got = render(nodes) if nodes else None
    if got is not None and len(got[1]) < MIN_BODY_CHARS:
        got = None
    if page and (got is None or len(got[1]) < FALLBACK_BELOW_CHARS):
        fragment = extract_scripts.best(extract_scripts.sources(LexborHTMLParser(page)))
        other = _extract(LexborHTMLParser(f"<body>{fragment}</body>")) if fragment else None
        if other is not None and (got is None or len(other[1]) > 2 * len(got[1])):
            return other
    return got


def extract_body(tree: LexborHTMLParser, page: str | bytes | None = None) -> str | None:
    """The main text block of an article page as an HTML fragment (p, h2-h6, ul/ol/li,
    blockquote, figure/img/figcaption, a, em/strong, pre/code, table kept), or None if no
    plausible body. Given the page the tree was parsed from, text the page ships only in
    <noscript> or in a script's data is found too.

    MUTATES `tree`: boilerplate is removed from it in place, so pass a tree you no longer need.
    Attributes and URLs are left as they are; sanitizing and absolutizing is a later stage.
    """
    got = _extract(tree, page)
    return got[0] if got else None


def body_text(html: str) -> str:
    """Plain text of extract_body(html), one paragraph per line ("" if no body).

    Figure captions are kept in the HTML but not in this text: they describe a picture, they
    are not part of the article's prose.
    """
    got = _extract(LexborHTMLParser(html), html)
    return got[1] if got else ""
