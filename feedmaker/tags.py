"""Tags: article:tag and keyword meta, JSON-LD keywords, tag links; CMS internals left out.

Keyword fields carry more than tags: "Category: News", "NLP Entity Tokens: India", content
ids, hosts, the author's name (a byline link among the topic links). What is left is one tag
per item, split where the page joined several into one string. The site's own name stays: it
is a tag when the publisher lists it as one, unless the list also holds the bare word for news
("Asahi Shimbun, News, Newspaper": the site's words for search engines, on every page).

The keyword meta comes first, JSON-LD keywords later, unless the page's other tag lists bear
out the JSON-LD keywords and not the meta's (repeated_ld_tags).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from . import jsonld
from .metadata import PageMeta, in_furniture
from .sanitize import clean_text
from .titles import is_site_name

MAX_TAG = 60  # longer is a sentence (a teaser's text, a headline), not a tag
RULE_TAG = 200  # a site's rule chose the element: its text is kept, cut to this
_MAX_WORDS = 8
_SEPARATOR = re.compile(r"\s*[,;|]\s*")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
# CMS internals: "@handle", "post-id:1234", URLs, ids, counters, flags named like a program's
# variables ("editors_pick", "comments_enabled").
_JUNK = re.compile(r"^@|^[\w-]+:\S|://|^[^\w]*$|^\W*\d+\W*$|^[0-9a-f]{8}-[0-9a-f]{4}-"
                   r"|^[a-z0-9]+(?:_[a-z0-9]+)+$", re.I)
# "Category: News", "NLP Entity Tokens: India", "Day: Friday": labelled entries are a CMS's
# dump when a list has several; one "Star Wars: Andor" among plain tags is a tag.
_LABELLED = re.compile(r"^[^:]{1,30}:\s")
# A host among the tags is the site's own ("financialpost.com"); "Booking.com" may be a topic.
_HOST = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6}$", re.I)


# A CMS's typed tag id: "topic/misshandel & överfall", "sections/sverige".
_PATH_PREFIX = re.compile(r"^[a-z_-]{2,20}/(?=\S)")


def split_keywords(value: Any) -> list[str]:
    """"a, b; c" -> ["a", "b", "c"]; a list's items each; a CJK list joined by spaces split."""
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("name")
        if not isinstance(item, str):
            continue
        parts = _SEPARATOR.split(item)
        if len(parts) == 1 and _CJK.search(item) and " " in item.strip():
            parts = item.split()  # "深空探测 探月工程 太空": CJK words never hold spaces
        out += [clean_text(p) for p in parts]
    return [k for k in out if k]


def clean_tags(raw: list[Any], m: PageMeta | None = None) -> list[str]:
    """One entry per tag, in order, CMS internals left out. With the page (`m`: tags found by
    feedmaker, not by a site's rule) also sentence-long entries and the page's author names;
    what a site's rule selects is only cut to RULE_TAG characters."""
    authors = _authors(m) if m is not None else set()
    texts = [_PATH_PREFIX.sub("", clean_text(str(item)).lstrip("#").strip()) for item in raw]
    dump = sum(1 for t in texts if _LABELLED.match(t)) >= 2
    seen: dict[str, str] = {}
    for tag in texts:
        if m is None:
            tag = tag[:RULE_TAG]
        elif (len(tag) > MAX_TAG or len(tag.split()) > _MAX_WORDS or tag.casefold() in authors
              or (_HOST.match(tag) and is_site_name(tag, m))):
            continue
        if tag and not _JUNK.search(tag) and not (dump and _LABELLED.match(tag)):
            seen.setdefault(tag.casefold(), tag)
    if m is None:
        return list(seen.values())
    tags = [t for k, t in seen.items() if k not in _BREAKING]
    if len(tags) >= _CODES and all(_CODE.fullmatch(t) for t in tags):
        return []  # "AER, AERO, INDG08, SWASIA, ...": a wire service's subject codes
    news = [t for t in tags if t.casefold() in _NEWS]  # "Haber" is a word and Habertürk's name
    if news and any(is_site_name(t, m) for t in tags if t not in news):
        tags = [t for t in tags if t.casefold() not in _NEWS and not is_site_name(t, m)]
    return tags


# A list of only these is codes for machines, not tags for readers (a few acronyms are tags).
_CODE = re.compile(r"[A-Z][A-Z0-9]{1,7}")
_CODES = 8
# A flag on the story, not its topic: "breaking news" in the languages feedmaker meets.
_BREAKING = frozenset({"breaking", "breaking news", "eilmeldung", "última hora", "ultima ora",
                       "dernière minute", "son dakika", "速報", "ニュース速報", "突发", "快讯", "속보"})
# The bare words for news and newspaper. A tag on some sites ("News" beside "Sport"); in a list
# that also names the site itself, the site's boilerplate for search engines, the same on every
# page ("Asahi Shimbun Digital, Society, Miyazaki, Asahi Shimbun, News, Newspaper").
_NEWS = frozenset({"news", "newspaper", "nachrichten", "zeitung", "noticias", "periódico", "notícias",
                   "actualités", "nouvelles", "journal", "notizie", "nieuws", "nyheter", "nyheder",
                   "uutiset", "wiadomości", "zprávy", "haberler", "haber", "новости", "أخبار", "ニュース",
                   "新聞", "新闻", "报纸", "뉴스", "신문"})


def _authors(m: PageMeta) -> set[str]:
    """The people the page names as its authors; the site itself, named as the author by
    publishers' CMSs ("NDR"), stays a tag when the keywords list it."""
    cached = m.cache.get("author_keys")
    if cached is None:
        names = [*jsonld.names(m.ld.get("author")), *m.meta.get("author", ()),
                 *m.meta.get("article:author", ())]
        cached = m.cache["author_keys"] = {clean_text(n).casefold() for n in names
                                           if not is_site_name(n, m)}
    return cached


def _or_none(tags: list[str]) -> list[str] | None:
    return tags or None


# --- the sources, as parse.FALLBACKS uses them --------------------------------------------------
Source = Callable[[PageMeta], list[str] | None]


def _once(source: Source) -> Source:
    """A source computed once a page: repeated_ld_tags looks at the sources FALLBACKS tries after it."""
    @functools.wraps(source)
    def cached(m: PageMeta) -> list[str] | None:
        key = "tags." + source.__name__
        if key not in m.cache:
            m.cache[key] = source(m)
        return m.cache[key]  # type: ignore[no-any-return]
    return cached


# A CMS's own name for its keyword meta ("custom-keywords", "classification-tags"); names with a
# tool's prefix are that tool's ("cxenseparse:keywords", "sailthru.tags": see mail_tags).
_OWN_KEYWORDS = re.compile(r"^[a-z_-]*(?:keywords|tags)$")


@_once
def og_tags(m: PageMeta) -> list[str] | None:
    """article:tag (one meta per tag; one joined with commas split), else keyword meta (under
    any name a CMS gives it)."""
    tags = m.meta.get("article:tag", [])
    if len(tags) == 1:
        tags = split_keywords(tags[0])
    if not tags:
        tags = split_keywords(m.first("news_keywords", "keywords") or next(
            (v[0] for k, v in m.meta.items() if _OWN_KEYWORDS.match(k)), None))
    return _or_none(clean_tags(tags, m))


def section_tags(m: PageMeta) -> list[str] | None:
    """The article's section (JSON-LD articleSection, article:section): its category in a feed
    when the page names no tags at all."""
    sections = clean_tags(split_keywords(m.ld.get("articleSection") or m.first("article:section")), m)
    # "News, Society": the root of a section path is the site's news front, not a category
    if len(sections) > 1 and sections[0].casefold() in _NEWS:
        sections = sections[1:]
    return _or_none(sections)


@_once
def mail_tags(m: PageMeta) -> list[str] | None:
    """sailthru.tags, a mailing tool's interest tags: often the page's tags as slugs
    ("andy-murray"), so only when the page lists its tags nowhere else."""
    return _or_none(clean_tags(split_keywords(m.first("sailthru.tags")), m))


@_once
def ld_tags(m: PageMeta) -> list[str] | None:
    return _or_none(clean_tags(split_keywords(m.ld.get("keywords")), m))


@_once
def rel_tags(m: PageMeta) -> list[str] | None:
    """rel=tag links; links to a category (rel="category tag", a /category/ page) only when
    the page has no plain tag links: the category is the site's section, not a tag."""
    links = m.tree.css('a[rel~="tag"]')
    plain = [n for n in links if "category" not in (n.attributes.get("rel") or "").split()
             and "/category/" not in (n.attributes.get("href") or "")]
    return _or_none(clean_tags([n.text(separator=" ") for n in plain or links], m))


# Other tools' tag metas ("sailthru.tags", "dyg:tags", "cxenseparse:pmc-tag"): often slugs, so
# only witnesses of the page's tag lists, never taken as its tags themselves (but see mail_tags).
_TOOL_TAGS = re.compile(r"^[\w-]+[:.][\w-]*(?:tags?|keywords)$")
_DOTLESS = str.maketrans({"ı": "i", "ß": "ss", "ø": "o", "æ": "ae", "đ": "d", "ł": "l"})


def _slug(tag: str) -> str:
    """"Soruşturma", "sorusturma" and "Climate Change", "climate-change" compare alike."""
    text = unicodedata.normalize("NFKD", tag.casefold().translate(_DOTLESS))
    return re.sub(r"[\W_]+", "-", "".join(c for c in text if not unicodedata.combining(c))).strip("-")


def _tool_tags(m: PageMeta) -> list[str]:
    return [t for k, values in m.meta.items() if k != "article:tag" and _TOOL_TAGS.match(k)
            for v in values for t in split_keywords(v)]


def _repeated(tags: list[str], witnesses: list[Source], m: PageMeta) -> bool:
    """Whether every one of `tags` is in one of the witnesses' lists (as a slug)."""
    missing = {_slug(t) for t in tags}
    for witness in witnesses:
        missing -= {_slug(t) for t in witness(m) or ()}
        if not missing:
            return True
    return False


def repeated_ld_tags(m: PageMeta) -> list[str] | None:
    """JSON-LD keywords before the list FALLBACKS would take first (keyword meta, tag links),
    when that list holds entries the page repeats nowhere else and each JSON-LD keyword is
    repeated by another of the page's tag lists (visible tag links, a mailing tool's tags,
    another tool's tag meta). The two keyword fields are one CMS's tags for two readers; the
    one the page's other lists bear out is its tag list, the extras of the other are the
    section ("Health, Weight Loss") or words for search engines."""
    ld = ld_tags(m)
    if not ld:
        return None
    first = next(((s, found) for s in (og_tags, rel_tags, md_tags) if (found := s(m))), None)
    if first is None or {_slug(t) for t in first[1]} == {_slug(t) for t in ld}:
        return None
    chosen, tags = first
    # The keyword meta and JSON-LD keywords are one field twice: neither bears the other out.
    witnesses = [s for s in (rel_tags, md_tags, mail_tags, _tool_tags) if s is not chosen]
    if not _repeated(ld, witnesses, m):
        return None
    if chosen is not og_tags:
        witnesses += [og_tags, ld_tags]
    return None if _repeated(tags, witnesses, m) else ld


# Links to a tag or topic page, the commonest unmarked way of listing an article's tags, in
# the languages of the sites feedmaker meets ("thema", "tema", "sujet", "emne"...).
_TAG_HREF = re.compile(r"/(tags?|topics?|keywords?|subjects?|thema|themen|schlagworte?|temas?|sujets?"
                       r"|argomenti|onderwerp|emne|aihe)/[^/?#]+/?$", re.I)
# Tag lists by class: "tags", "tag-list", "taglist", "articleTags", "tag-list_tagContainer",
# "topic-list" (a <nav> itself, sometimes: its class says what it lists).
# Looked up as containers, then their links: "[class*=tags] a" makes lexbor test every link's
# ancestors against each pattern.
_TAG_LISTS = ('[class*="tags"], [class*="Tags"], [class*="tag-list"], [class*="taglist"], '
              '[class*="tagList"], [class*="topic-list"], [class*="topicList"], .keywords, .topics')
# lexbor walks the page once for each selector of a list (~85 us each): three case-blind ones
# find a superset in a third of the time, and the class names are then matched here.
_TAG_LISTS_WIDER = '[class*="tag" i], [class*="topic" i], [class*="keyword" i]'
_TAG_CLASS_PARTS = ("tags", "Tags", "tag-list", "taglist", "tagList", "topic-list", "topicList")
_TAG_CLASSES = ("keywords", "topics")
_CLASS_SPACE = re.compile(r"[ \t\n\f\r]+")


def _tag_lists(tree: Any) -> list[Any]:
    """The elements _TAG_LISTS selects, in the page's order, each once."""
    found: dict[int, Any] = {}
    for node in tree.css(_TAG_LISTS_WIDER):
        names = node.attributes.get("class") or ""
        if any(part in names for part in _TAG_CLASS_PARTS):
            found.setdefault(node.mem_id, node)
            continue
        for name in _CLASS_SPACE.split(names):
            if name in _TAG_CLASSES:
                found.setdefault(node.mem_id, node)
                break
            if name.lower() in _TAG_CLASSES:  # quirks mode: classes match case-blind
                return list({n.mem_id: n for n in tree.css(_TAG_LISTS)}.values())
    return list(found.values())


@_once
def md_tags(m: PageMeta) -> list[str] | None:
    """Microdata keywords, else the links of a tag list (named by its class, else by its label),
    else the last group of links to tag pages outside page furniture and running text."""
    node = m.tree.css_first('[itemprop="keywords"]:not(meta)')
    if node is not None:
        tags = split_keywords(node.attributes.get("content") or node.text(separator=", "))
        if tags:
            return _or_none(clean_tags(tags, m))
    nodes = []
    seen: set[int] = set()  # a list inside a list: its links once
    for box in _tag_lists(m.tree):
        if in_furniture(box):
            continue
        for link in box.css("a"):
            if link.mem_id not in seen:
                seen.add(link.mem_id)
                nodes.append(link)
    if not nodes:
        nodes = _labelled_links(m) or _topic_links(m)
    elif any(_TAG_HREF.search(n.attributes.get("href") or "") for n in nodes):
        # "Sport" (/sport/) before "World Cup 2026" (/tag/world-cup-2026/): the template puts the
        # site's section first in the article's list of tag links
        nodes = [n for n in nodes if not _SECTION_HREF.match(n.attributes.get("href") or "")]
    return _or_none(clean_tags([n.text(separator=" ") for n in nodes], m))


_SECTION_HREF = re.compile(r"(?:https?://[^/]+)?/[^/?#]+/?$")  # a section front: "/sport/"


# The label over a list of an article's tags, in the languages feedmaker meets: "Themen",
# "Ähnliche Themen", "Mehr lesen über", "Read more on these topics", "Relaterte emner"...
_TAG_LABEL = re.compile(
    r"(?:tags?|topics?|keywords|related topics|(?:read )?more (?:on|about) (?:these|this) topics?"
    r"|themen|themen (?:des|dieses|im) artikels?|(?:ähnliche|verwandte) themen"
    r"|schlagw[öo]rter|schlagworte|stichw[öo]rter"
    r"|mehr lesen über|mehr zu (?:diesen|den) themen|lesen sie mehr zu diesen themen"
    r"|sujets|thèmes|mots[- ]clés|temas|etiquetas|argomenti|onderwerpen|emner|relaterte emner"
    r"|ämnen|ämnen i artikeln|aiheet|tagi|témata|štítky)\s*:?", re.I)
_LABEL_CSS = "h2, h3, h4, h5, h6, dt, strong"
_LABEL_UP = 5  # from the label up to the box that holds its list
_LABEL_LINKS = 25  # more links than that: the box is the article or the page, not its list


def _labelled_links(m: PageMeta) -> list[Any]:
    """The links under a label that names them as the article's tags ("Themen", "Topics"):
    the label's nearest ancestor holding links, within a few levels."""
    for label in m.tree.css(_LABEL_CSS):
        if not _TAG_LABEL.fullmatch(clean_text(label.text())) or in_furniture(label):
            continue
        box = label.parent
        for _ in range(_LABEL_UP):
            if box is None:
                break
            links = box.css("a[href]")
            if links:
                if len(links) <= _LABEL_LINKS:
                    return list(links)
                break
            box = box.parent
    return []


# A link inside these is in running text or a teaser's heading, not in a list of tags.
_PROSE = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"})
# Wrappers inside a list of links: the list is the nearest ancestor that is none of these.
_WRAPPERS = frozenset({"li", "span", "strong", "em", "b", "i", "small"})


def _topic_links(m: PageMeta) -> list[Any]:
    """The last group of links to tag or topic pages outside page furniture and running text.
    A page links topics in its menus (before the article), in its sentences, and in the list
    of the article's own tags, which comes after its text."""
    groups: dict[int, list[Any]] = {}
    prose: dict[int, bool] = {}
    for link in m.tree.css("a[href]"):
        if not _TAG_HREF.search(link.attributes.get("href") or "") or in_furniture(link):
            continue
        box, text = link.parent, link.text().strip()
        # up through the link's own wrappers (<li>, a <div> holding only the link)
        while box is not None and (box.tag in _WRAPPERS or box.text().strip() == text):
            box = box.parent
        if box is None or _in_prose(box, prose):
            continue
        groups.setdefault(box.mem_id, []).append(link)
    return list(groups.values())[-1] if groups else []


_LINE = 30  # "Filed under" and the like: words around a line of links


def _in_prose(node: Any, seen: dict[int, bool]) -> bool:
    """Inside a sentence: a paragraph, heading or quote with more words than its links hold
    ("Filed under: Fire, Spain" is a line of links, not a sentence)."""
    cur = node
    for _ in range(4):
        if cur is None:
            return False
        if cur.tag in _PROSE:
            if cur.mem_id not in seen:
                links = sum(len(a.text().strip()) for a in cur.css("a"))
                seen[cur.mem_id] = len(cur.text().strip()) > 2 * links + _LINE
            return seen[cur.mem_id]
        cur = cur.parent
    return False
