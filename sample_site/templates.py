"""Render section listings, article pages and small static pages of the sample site to HTML text."""

from __future__ import annotations

import json
from datetime import datetime
from html import escape
from typing import Any

from .furniture import author_href, page, tag_href
from .model import Catalog, Section, Story

LAZY_GIF = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
SITE_NAME = "Al Mayadeen English"


def visible_date(when: datetime, *, clock: bool = True) -> str:
    return when.strftime("%d %b %Y %H:%M" if clock else "%d %b %Y")


# -- listings --------------------------------------------------------------------------------
def _card_date(story: Story) -> str:
    if story.published is None or "nodate" in story.features:
        return ""
    return f'<span class="date">{visible_date(story.published, clock=False)}</span>'


def _card(story: Story, i: int, kind: str) -> str:
    # Some links carry ?ref=home or #comments so link de-duplication has something to do.
    href = story.path + ("?ref=home" if i % 4 == 1 else "")
    title = escape(story.title)
    if kind == "list":
        return f'<li class="card-list"><a href="{href}">{title}</a> {_card_date(story)}</li>'
    img = story.image or "/images/placeholder.png"
    extra = ""
    if story.author:
        extra += f' <a class="by" href="{author_href(story.author)}">{escape(story.author)}</a>'
    if story.tags:
        extra += f' <a class="tag" href="{tag_href(story.tags[0])}">{escape(story.tags[0])}</a>'
    if i % 4 == 3:
        extra += f' <a class="comments" href="{story.path}#comments">Comments</a>'
    if i % 5 == 2:
        extra += f' <a class="video" href="/videos/{900 + i}/watch">Watch</a>'
    summary = f'<p class="summary">{escape(story.summary)}</p>' if kind == "lead" else ""
    return (
        f'<div class="card card-{kind}"><a href="{story.path}"><img src="{img}" '
        f'alt="{title}"></a><h3><a href="{href}">{title}</a></h3>{summary}'
        f'<div class="meta">{_card_date(story)}{extra}</div></div>'
    )


def listing(cat: Catalog, section: Section, page_no: int, *, empty: bool = False) -> str | None:
    """Section page `page_no` (1-based): lead card, grid, list, pagination; None past the end."""
    stories = [] if empty else cat.listing(section.key)
    pages = cat.pages(section.key)
    if page_no < 1 or page_no > pages:
        return None
    size = cat.page_size
    chunk = stories[(page_no - 1) * size : page_no * size]
    base = (page_no - 1) * size
    parts = [f'<h1 class="section-title">{escape(section.name)}</h1>']
    if not chunk:
        parts.append('<p class="no-results">No articles found.</p>')
    if page_no == 1 and chunk:
        parts.append(f'<section class="lead">{_card(chunk[0], base, "lead")}</section>')
        chunk, base = chunk[1:], base + 1
    grid, rest = chunk[:5], chunk[5:]
    parts.append('<section class="cards">' + "".join(
        _card(s, base + i, "grid") for i, s in enumerate(grid)) + "</section>")
    parts.append('<ul class="list">' + "".join(
        _card(s, base + 5 + i, "list") for i, s in enumerate(rest)) + "</ul>")
    nav = []
    if page_no > 1:
        prev = section.path if page_no == 2 else f"{section.path}?page={page_no - 1}"
        nav.append(f'<a rel="prev" href="{prev}">Previous</a>')
    nav += [f'<a href="{section.path}?page={n}">{n}</a>' for n in range(1, pages + 1)
            if n != page_no]
    if page_no < pages:
        nav.append(f'<a rel="next" href="{section.path}?page={page_no + 1}">Next</a>')
    parts.append(f'<nav class="pagination">{" ".join(nav)}</nav>')
    parts.append(_most_read(cat, None) if not empty else "")
    title = section.name if page_no == 1 else f"{section.name} – page {page_no}"
    return page(cat, title, "\n".join(parts), links=not empty, body_class="section")


def home(cat: Catalog, *, empty: bool = False) -> str:
    """Front page: the newest four stories of each section."""
    parts = []
    for sec in cat.sections.values():
        stories = [] if empty else cat.listing(sec.key)[:4]
        cards = "".join(_card(s, i, "grid") for i, s in enumerate(stories))
        parts.append(f'<section class="home-section"><h2><a href="{sec.path}">'
                     f'{escape(sec.name)}</a></h2><div class="cards">{cards}</div></section>')
    return page(cat, "Home", "\n".join(parts), links=not empty, body_class="home")


# -- articles --------------------------------------------------------------------------------
def _related(cat: Catalog, story: Story, n: int) -> list[Story]:
    """The older stories after this one in its listing, then the fixed Most Read list.

    Publishing adds at the top of a listing, so an article page (and its ETag) stays the same.
    """
    listing = cat.listing(story.section)
    paths = [s.path for s in listing]
    older = listing[paths.index(story.path) + 1 :] if story.path in paths else []
    fixed = [s for s in map(cat.story, cat.most_read) if s is not None]
    picks: dict[str, Story] = {}
    for s in older[:n] + fixed:
        if s.path != story.path:
            picks.setdefault(s.path, s)
    return list(picks.values())[:n]


def _most_read(cat: Catalog, story: Story | None) -> str:
    picks = [s for s in map(cat.story, cat.most_read)
             if s is not None and (story is None or s.path != story.path)]
    items = "".join(f'<li><a href="{s.path}">{escape(s.title)}</a></li>' for s in picks)
    return f'<aside class="most-read"><h2>Most Read</h2><ol>{items}</ol></aside>'


def _figure(story: Story) -> str:
    if story.image is None or "noimg" in story.features:
        return ""
    alt = escape(story.title)
    if "lazy" in story.features:
        img = (f'<img class="lazy" src="{LAZY_GIF}" data-src="{story.image}" alt="{alt}" '
               'width="800" height="450">')
    elif "srcset" in story.features:
        stem = story.image.rsplit(".", 1)[0]
        img = (f'<img src="{story.image}" srcset="{stem}-480.jpg 480w, {stem}-800.jpg 800w, '
               f'{story.image} 1200w" sizes="(max-width: 600px) 480px, 800px" alt="{alt}">')
    else:
        img = f'<img src="{story.image}" alt="{alt}" width="800" height="450">'
    return f"<figure>{img}<figcaption>{alt} – photo: agencies</figcaption></figure>"


def _body(cat: Catalog, story: Story) -> str:
    """Story paragraphs with the junk a real page carries mixed in, for cleaners to remove."""
    paras = list(cat.body(story))
    other = _related(cat, story, 1)
    junk = {
        1: '<div class="ad"><span>Advertisement</span><script>googletag.cmd.push('
           "function(){googletag.display('ad-1');});</script></div>",
        2: (f"<p>Read: <a href='{other[0].path}'>{escape(other[0].title)}</a></p>"
            if other else ""),
        3: '<div class="share"><a href="https://www.facebook.com/sharer/sharer.php?u=x">'
           'Facebook</a> <a href="https://twitter.com/intent/tweet?url=x">X</a> '
           '<button onclick="navigator.share()">Share</button></div>',
        4: "<script>window.trackRead && trackRead('p4');</script>"
           '<p onclick="trackClick(this)">Follow our live coverage for updates as the story '
           'develops. <a href="javascript:alert(1)">Enable alerts</a>.</p>',
        5: '<iframe src="https://www.youtube.com/embed/sample" width="560" height="315" '
           'frameborder="0" allowfullscreen></iframe>',
    }
    out: list[str] = []
    for i, p in enumerate(paras):
        out.append(p)
        out.append(junk.pop(i + 1, ""))
    out += junk.values()  # short bodies still carry every kind of junk
    return '<div class="article-body">\n' + "\n".join(x for x in out if x) + "\n</div>"


def _jsonld(story: Story, origin: str) -> str:
    shapes = {"ld", "ld-graph", "ld-array"} & story.features
    if not shapes:
        return ""
    art: dict[str, Any] = {"@type": "NewsArticle", "headline": story.title,
                           "description": story.summary, "url": origin + story.path,
                           "mainEntityOfPage": origin + story.path}
    if story.published is not None and "nodate" not in story.features:
        art["datePublished"] = story.published.isoformat()
        art["dateModified"] = (story.modified or story.published).isoformat()
    if story.author:
        people = [{"@type": "Person", "name": name, "url": origin + author_href(name)}
                  for name in authors_of(story)]
        art["author"] = people[0] if len(people) == 1 else people
    if story.image and "noimg" not in story.features:
        art["image"] = {"@type": "ImageObject", "url": origin + story.image}
    art["articleSection"] = story.section.title()
    art["publisher"] = {"@type": "Organization", "name": SITE_NAME,
                        "logo": {"@type": "ImageObject", "url": origin + "/images/logo.png"}}
    data: Any
    if "ld-graph" in story.features:
        art["keywords"] = list(story.tags)
        page_node = {"@type": "WebPage", "@id": origin + story.path, "name": story.title}
        data = {"@context": "https://schema.org", "@graph": [page_node, art]}
    elif "ld-array" in story.features:
        art["keywords"] = list(story.tags)
        crumbs = {"@context": "https://schema.org", "@type": "BreadcrumbList",
                  "itemListElement": [{"@type": "ListItem", "position": 1, "name": "Home",
                                       "item": origin + "/"}]}
        data = [crumbs, {"@context": "https://schema.org", **art}]
    else:
        art["keywords"] = ", ".join(story.tags)
        data = {"@context": "https://schema.org", **art}
    text = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>\n'


def _opengraph(story: Story, origin: str) -> str:
    if "og" not in story.features:
        return ""
    url = origin + story.path
    meta = [("og:type", "article"), ("og:site_name", SITE_NAME), ("og:title", story.title),
            ("og:description", story.summary), ("og:url", url)]
    if story.image and "noimg" not in story.features:
        meta.append(("og:image", origin + story.image))
    if story.published is not None and "nodate" not in story.features:
        meta.append(("article:published_time", story.published.isoformat()))
        meta.append(("article:modified_time", (story.modified or story.published).isoformat()))
    meta += [("article:section", story.section.title())]
    meta += [("article:tag", t) for t in story.tags]
    tags = "".join(f'<meta property="{k}" content="{escape(v)}">\n' for k, v in meta)
    return (tags + f'<meta name="twitter:card" content="summary_large_image">\n'
            f'<link rel="canonical" href="{url}">\n')


def _dateline(story: Story) -> str:
    if story.published is None or "nodate" in story.features:
        return ""
    text = visible_date(story.published)
    if "time" in story.features:
        return (f'<div class="date"><time datetime="{story.published.isoformat()}">{text}'
                "</time></div>")
    return f'<div class="date"><span class="published">{text}</span></div>'


def authors_of(story: Story) -> list[str]:
    """A story's author field may name several people: "A and B"."""
    return (story.author or "").split(" and ")


def article(cat: Catalog, story: Story, origin: str) -> str:
    section = cat.sections[story.section]
    byline = ('<div class="author">' + " and ".join(
        f'<a href="{author_href(name)}">{escape(name)}</a>' for name in authors_of(story)) +
        "</div>" if story.author else "")
    tags = "".join(f'<a href="{tag_href(t)}">{escape(t)}</a> ' for t in story.tags)
    nxt = "".join(f'<li><a href="{s.path}">{escape(s.title)}</a></li>'
                  for s in _related(cat, story, 3))
    main = (
        '<article class="article">\n'
        f'<div class="breadcrumb"><a href="/">Home</a> › <a href="{section.path}">'
        f"{escape(section.name)}</a></div>\n<h1>{escape(story.title)}</h1>\n{byline}\n"
        f'<div class="source">Source: {escape(story.source)}</div>\n{_dateline(story)}\n'
        f'<div class="article-summary"><p>{escape(story.summary)}</p></div>\n'
        f"{_figure(story)}\n{_body(cat, story)}\n"
        f'<div class="tags">{tags.strip()}</div>\n</article>\n'
        f'<aside class="read-next"><h2>Read Next</h2><ul>{nxt}</ul></aside>\n'
        f"{_most_read(cat, story)}"
    )
    head = _jsonld(story, origin) + _opengraph(story, origin)
    html = page(cat, story.title, main, head=head, body_class="article-page")
    if cat.weight is None:
        return html
    # Rendered twice: the furniture is sized by the page without it (the shell costs ~30 µs).
    extra = cat.weight(story, len(html.encode()))
    return page(cat, story.title, main, head=head, body_class="article-page", after_main=extra)


# -- other pages -----------------------------------------------------------------------------
def simple(cat: Catalog, title: str, text: str) -> str:
    """Tag, author, video, program and legal pages: furniture plus a line of text."""
    return page(cat, title, f"<h1>{escape(title)}</h1>\n<p>{escape(text)}</p>")


def challenge() -> str:
    """A look-alike of a Cloudflare interstitial, as served to unwelcome bots."""
    return (
        "<!DOCTYPE html><html lang=\"en-US\"><head><title>Just a moment...</title>"
        '<meta http-equiv="refresh" content="390"><meta name="robots" content="noindex,nofollow">'
        "</head><body><div class=\"main-wrapper\"><h1>english.almayadeen.net</h1>"
        "<h2>Checking if the site connection is secure</h2><noscript>Enable JavaScript and "
        "cookies to continue</noscript><div id=\"challenge-stage\"></div></div>"
        "<script>window._cf_chl_opt={cvId:'2',cType:'managed'};</script></body></html>"
    )
