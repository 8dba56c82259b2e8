"""Generic article body extraction: a parsed page in, its main text as an HTML fragment out."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from feedmaker.extract_hints import (
    JUNK_ROLES,
    JUNK_TAGS,
    NEGATIVE,
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


def _prune(body: LexborNode) -> None:
    """Remove boilerplate subtrees named or marked as such, keeping big layout wrappers."""
    p_total = _p_text_len(body) or 1
    text_total = len(body.text(strip=True)) or 1

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

    def doom(node: LexborNode) -> None:
        if node.mem_id not in doomed_ids:
            doomed.append(node)
            doomed_ids.add(node.mem_id)

    for node in body.css(SOFT_JUNK):
        if not holds(node, SOFT_JUNK_SHARE):
            doom(node)
    for node in body.css('[hidden], [role], [style*="none" i]'):
        attrs = node.attributes
        style = (attrs.get("style") or "").replace(" ", "").lower()
        if ("hidden" in attrs or (attrs.get("role") or "").lower() in JUNK_ROLES
                or "display:none" in style):
            doom(node)
    for node in body.css("[class], [id]"):
        kind = _name_kind(f"{node.attrs.get('class') or ''} {node.id or ''}")
        if kind == 0 or node.tag in _NAME_EXEMPT:
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
    group = _with_siblings(best, best_score, finals)
    chunks = _chunks(best, best_score, scores, finals)
    if not chunks:
        return group
    order = {node.mem_id: i for i, node in enumerate(body.traverse())}
    return sorted(group + chunks, key=lambda node: order.get(node.mem_id, 0))


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


def _extract(tree: LexborHTMLParser) -> tuple[str, str] | None:
    body = tree.body
    if body is None:
        return None
    tree.strip_tags(JUNK_TAGS)
    _prune(body)
    nodes = _pick(body)
    if not nodes:
        return None
    html, text = render(nodes)
    if len(text) < MIN_BODY_CHARS:
        return None
    return html, text


def extract_body(tree: LexborHTMLParser) -> str | None:
    """The main text block of an article page as an HTML fragment (p, h2-h6, ul/ol/li,
    blockquote, figure/img/figcaption, a, em/strong, pre/code, table kept), or None if no
    plausible body.

    MUTATES `tree`: boilerplate is removed from it in place, so pass a tree you no longer need.
    Attributes and URLs are left as they are; sanitizing and absolutizing is a later stage.
    """
    got = _extract(tree)
    return got[0] if got else None


def body_text(html: str) -> str:
    """Plain text of extract_body(html), one paragraph per line ("" if no body).

    Figure captions are kept in the HTML but not in this text: they describe a picture, they
    are not part of the article's prose.
    """
    got = _extract(LexborHTMLParser(html))
    return got[1] if got else ""
