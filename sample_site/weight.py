"""The heavy furniture of a generated article page, sized so the whole page hits a drawn weight.

Real news pages (the 181 Zyte pages in /work/shared/extraction/zyte) weigh 51/115/305 KB at
p10/median/p90 around only 1.0/3.2/9.8 KB of article text; the rest is inline script (median
27 KB: app state, analytics), attribute-heavy markup (menus, story cards, ~135 links) and a little
CSS. `PageWeight` adds that kind of bulk after `</main>`: outside `<article>` and `.article-body`,
no `<h1>`, no JSON-LD, and links only to other stories, sections and tag pages. Everything it
writes is ASCII, so characters count as bytes.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Sequence
from html import escape

from .furniture import tag_href
from .model import Section, Story

MIN_PAGE, MAX_PAGE = 40_000, 150_000
# Pieces are added only while they fit, so a page falls up to ~2 KB short of its drawn weight:
# drawing from 43 KB keeps every page over 40 KB.
_SHORTFALL = 3_000
SCRIPT_SHARE = 0.4  # of the padding; the rest is markup. The real pages' script:markup is ~1:2
_MIN_CARDS = 4  # every page has a related block, however long its text already is
_MAX_CARDS = 120  # more than the heaviest page needs (~1.4 KB of markup per card)
_SITE = "Al Mayadeen"

_CARD_CLASS = ("card card--related flex flex-col gap-2 overflow-hidden rounded-md bg-white "
               "shadow-sm transition-shadow duration-200 hover:shadow-lg")
_SIZES = "(max-width: 640px) 100vw, (max-width: 1024px) 50vw, 25vw"

# 24x24 outline icons, as sites inline them to save a request each.
_ICONS = (
    ("facebook", "M18 2h-3a5 5 0 0 0-5 5v3H7v4h3v8h4v-8h3l1-4h-4V7a1 1 0 0 1 1-1h3z"),
    ("x", "M4 4l11.733 16h4.267l-11.733-16zM4 20l6.768-6.768m2.46-2.46L20 4"),
    ("telegram", "M21.198 2.433a2.242 2.242 0 0 0-1.022.215l-8.609 3.33c-2.068.8-4.133 1.598-5.724 "
                 "2.21a405.15 405.15 0 0 1-2.849 1.09c-.42.147-.99.332-1.473.901-.728.968.193 "
                 "1.798.919 2.112 1.058.46 2.06.745 3.059 1.122 1.074.409 2.156.842 3.23 1.288l"
                 "-.032.034 1.218 6.098c.148.729.834 1.158 1.524.96.415-.12.775-.42.92-.83l4.006"
                 "-11.24c.246-.691-.182-1.341-.869-1.283z"),
    ("whatsapp", "M3 21l1.65-3.8a9 9 0 1 1 3.4 2.9L3 21M9 10a.5.5 0 0 0 1 0V9a.5.5 0 0 0-1 0v1a5 "
                 "5 0 0 0 5 5h1a.5.5 0 0 0 0-1h-1a.5.5 0 0 0 0 1"),
    ("email", "M3 7a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V7zm0 0l9 "
              "6l9-6"),
    ("copy", "M8 8m0 2a2 2 0 0 1 2-2h8a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2h-8a2 2 0 0 1-2-2zM16 8V6a2 "
             "2 0 0 0-2-2H6a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h2"),
)
SHARE_RAIL = (
    '<div class="share-rail sticky top-24 hidden lg:flex flex-col gap-3" role="group" '
    'aria-label="Share this story" data-module="share-rail">' + "".join(
        f'<button type="button" class="share-rail__btn share-rail__btn--{name} inline-flex '
        f'h-10 w-10 items-center justify-center rounded-full border border-gray-300" '
        f'data-share="{name}" data-gtm-click="share|{name}" aria-label="Share on {name}">'
        '<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24" '
        'fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" '
        f'stroke-linejoin="round" aria-hidden="true"><path d="{d}"/></svg></button>'
        for name, d in _ICONS) + "</div>\n"
)

_SITE_CONFIG = json.dumps({
    "name": _SITE + " English", "locale": "en-US", "dir": "ltr", "timezone": "Asia/Beirut",
    "logo": "/images/logo.png", "themeColor": "#8b0000",
    "social": {"facebook": "almayadeenenglish", "x": "mayadeenenglish",
               "telegram": "almayadeenenglish", "youtube": "@almayadeenenglish"},
    "ads": {"network": "/21712345/almayadeen_en", "lazyLoad": True, "refreshSeconds": 45,
            "slots": [{"id": f"ad-{k}", "sizes": [[300, 250], [728, 90]], "position": pos}
                      for k, pos in enumerate(("top", "inline-1", "inline-2", "rail", "bottom"))]},
    "features": {"liveTicker": True, "darkMode": False, "comments": False, "newsletter": True,
                 "paywall": False, "webPush": True, "ampLinks": True},
    "consent": {"vendor": "cmp", "version": 2, "regions": ["EU", "UK", "CA"]},
}, separators=(",", ":"))

# Minified-looking analytics, cut into statements so a page can take as many as its budget wants.
_JS_HEAD = ('!function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({"gtm.start":new Date().getTime(),'
            'event:"gtm.js"});var f=d.getElementsByTagName(s)[0],j=d.createElement(s);j.async=!0;'
            'j.src="/static/gtm.js?id="+i;f.parentNode.insertBefore(j,f)}(window,document,'
            '"script","dataLayer","GTM-5XK2P9M");')
_EVENTS = ("scroll_depth", "read_progress", "share_click", "related_click", "ad_view",
           "video_start", "newsletter_open", "push_prompt", "menu_open", "ticker_click")


def _js_statements() -> tuple[str, ...]:
    rng = random.Random(20221125)  # fixed: the same pool for every page and every run
    out = []
    for k in range(160):
        fn, ev = f"_{k:x}{rng.choice('abcdefghjkmnpqrstuvwxyz')}", rng.choice(_EVENTS)
        a, b, c = rng.randint(10, 999), rng.randint(100, 9_999), rng.choice("etnrio")
        out.append(
            f'var {fn}=function({c},t){{var n=({c}&&{c}.detail)||{{}},o=t||w.dataLayer;'
            f'return n.v>{a}&&o.push({{event:"{ev}",value:n.v|0,ts:Date.now()%{b},'
            f'id:"{ev[:3]}{k}"}}),n}};w.addEventListener("{ev}",{fn},{{passive:!0}});')
    return tuple(out)


_JS = _js_statements()


class PageWeight:
    """`weight(story, size)`: furniture HTML that brings a `size`-byte article page to a weight
    drawn from the story's seed, 40–150 KB (only the minimum furniture if it is already heavier).

    Related stories come from the catalogue as generated, so publishing never changes an old
    article page (or its ETag).
    """

    def __init__(self, stories: Iterable[Story], sections: Sequence[Section]) -> None:
        self._stories = tuple(stories)
        self._sections = {s.key: s for s in sections}
        self._drawer = _drawer(sections)
        menu = [{"key": s.key, "label": s.name, "href": s.path,
                 "children": [{"label": t, "href": tag_href(t)} for t in _drawer_tags(s)]}
                for s in sections]
        self._menu = json.dumps(menu, separators=(",", ":"))

    def __call__(self, story: Story, size: int) -> str:
        rng = random.Random(f"weight:{story.seed}")  # its own stream: the body uses story.seed
        pad = max(0, rng.randint(MIN_PAGE + _SHORTFALL, MAX_PAGE) - size)
        scripts, markup = int(pad * SCRIPT_SHARE), pad - int(pad * SCRIPT_SHARE)
        related = self._related(story, rng.randrange(max(1, len(self._stories))))
        more = _more_from(related, self._sections, markup - len(self._drawer) - len(SHARE_RAIL))
        state = self._state(story, related, int(scripts * 0.6))
        analytics = _analytics(rng.randrange(len(_JS)), scripts - len(state))
        return f"{more}{SHARE_RAIL}{self._drawer}{state}{analytics}"

    def _related(self, story: Story, start: int) -> list[Story]:
        """Other stories from a drawn start, wrapping round (repeating on a small site), as many
        as the heaviest page can use."""
        n = len(self._stories)
        ring = (self._stories[(start + k) % n] for k in range(min(n, _MAX_CARDS + 1)))
        others = [s for s in ring if s.path != story.path]
        return (others * (1 + _MAX_CARDS // len(others)))[:_MAX_CARDS] if others else []

    def _state(self, story: Story, related: list[Story], budget: int) -> str:
        """A Next.js-style `__NEXT_DATA__` blob: site config, menu tree, cards; not the body."""
        # A published story's tags may be any text, so "</" is escaped as in JSON-LD.
        target = {"section": story.section, "tags": list(story.tags)}
        page = json.dumps({"id": story.seed, "path": story.path, "section": story.section,
                           "template": "article", "adTargeting": target},
                          separators=(",", ":")).replace("</", "<\\/")
        head = (f'<script id="__NEXT_DATA__" type="application/json">{{"props":{{"pageProps":'
                f'{{"site":{_SITE_CONFIG},"menu":{self._menu},"page":{page},"related":[')
        tail = ']}},"page":"/[section]/[slug]","buildId":"b7Xq2mK9vQ","isFallback":false}</script>\n'
        cards: list[str] = []
        size = len(head) + len(tail)
        for s in related:
            card = _card_json(s, self._sections[s.section])
            if size + len(card) + 1 > budget and len(cards) >= _MIN_CARDS:
                break
            cards.append(card)
            size += len(card) + 1
        return head + ",".join(cards) + tail


def _drawer_tags(section: Section) -> list[str]:
    return [f"{section.name} {q}" for q in ("Latest", "In Depth", "Explainers")]


def _drawer(sections: Iterable[Section]) -> str:
    """The off-canvas menu: every section with its topic pages, hidden until the burger opens it."""
    groups = []
    for s in sections:
        items = "".join(
            f'<li><a class="drawer__link block px-4 py-2 text-sm" href="{tag_href(t)}">{t}</a></li>'
            for t in _drawer_tags(s))
        groups.append(
            f'<div class="drawer__group border-b border-gray-200" data-section="{s.key}">'
            f'<a class="drawer__heading block px-4 py-3 font-bold uppercase tracking-wide" '
            f'href="{s.path}" data-gtm-click="drawer|{s.key}|all">{s.name}</a>'
            f'<ul class="drawer__list">{items}</ul></div>')
    return ('<div id="drawer" class="drawer fixed inset-y-0 left-0 z-50 w-80 -translate-x-full '
            'overflow-y-auto bg-white transition-transform" aria-hidden="true" '
            f'data-module="drawer"><nav aria-label="All sections">{"".join(groups)}</nav></div>\n')


def _srcset(image: str) -> tuple[str, str]:
    stem = image.rsplit(".", 1)[0]
    return f"{stem}-400.jpg", ", ".join(f"{stem}-{w}.jpg {w}w" for w in (240, 400, 800, 1200))


def _card_html(story: Story, section: Section, k: int) -> str:
    src, srcset = _srcset(story.image or "/images/placeholder.jpg")
    title, byline = escape(story.title), escape(story.author or "Agencies")
    return (
        f'<div class="{_CARD_CLASS}" data-story-id="{story.seed}" data-section="{section.key}" '
        f'data-position="{k}" data-track="related|{k}">'
        f'<a class="card__media relative block aspect-video overflow-hidden" href="{story.path}" '
        f'tabindex="-1" aria-hidden="true" data-gtm-click="related-image|{k}">'
        f'<img class="card__img h-full w-full object-cover" loading="lazy" decoding="async" '
        f'width="400" height="225" src="{src}" srcset="{srcset}" sizes="{_SIZES}" alt="{title}">'
        f'</a><div class="card__body flex flex-col gap-1 px-3 pb-3">'
        f'<a class="card__section text-xs font-semibold uppercase tracking-wide text-red-800" '
        f'href="{section.path}">{section.name}</a><h3 class="card__title text-base font-bold '
        f'leading-snug line-clamp-3"><a href="{story.path}" data-gtm-click="related-title|{k}">'
        f'{title}</a></h3><p class="card__summary text-sm text-gray-600 line-clamp-2">'
        f'{escape(story.summary)}</p><div class="card__meta flex items-center gap-1 text-xs '
        f'text-gray-500"><span class="card__author">{byline}</span></div></div></div>'
    )


def _more_from(related: list[Story], sections: dict[str, Section], budget: int) -> str:
    """"More from Al Mayadeen": attribute-heavy cards until the markup budget is spent."""
    head = ('<section class="more-from container mx-auto my-8 px-4" data-module="related" '
            f'aria-labelledby="more-from-title"><h2 id="more-from-title" class="more-from__title '
            f'mb-4 text-2xl font-bold">More from {_SITE}</h2><div class="more-from__grid grid '
            'grid-cols-1 gap-6 sm:grid-cols-2 lg:grid-cols-4">')
    tail = "</div></section>\n"
    cards: list[str] = []
    size = len(head) + len(tail)
    for k, s in enumerate(related):
        card = _card_html(s, sections[s.section], k)
        if size + len(card) > budget and len(cards) >= _MIN_CARDS:
            break
        cards.append(card)
        size += len(card)
    return head + "".join(cards) + tail


def _card_json(story: Story, section: Section) -> str:
    src, srcset = _srcset(story.image or "/images/placeholder.jpg")
    return json.dumps({
        "id": story.seed, "title": story.title, "url": story.path, "summary": story.summary,
        "section": {"key": section.key, "label": section.name, "href": section.path},
        "image": {"src": src, "srcset": srcset, "width": 400, "height": 225, "alt": story.title},
        "author": story.author, "tags": list(story.tags[:3]),
        "publishDate": story.published.isoformat() if story.published else None,
    }, separators=(",", ":")).replace("</", "<\\/")


def _analytics(start: int, budget: int) -> str:
    """The tag-manager snippet, then event statements from `start` in the pool until `budget`."""
    parts, size = [_JS_HEAD], len("<script></script>\n") + len(_JS_HEAD)
    k = start
    while size + len(_JS[k % len(_JS)]) <= budget:
        parts.append(_JS[k % len(_JS)])
        size += len(parts[-1])
        k += 1
    return "<script>" + "".join(parts) + "</script>\n"


