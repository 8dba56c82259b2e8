"""`feedmaker init URL`: draft a site block from one page: sections from its menus, the link
rule from the automatic picks, selectors only for fields the metadata leaves empty, all tried on
a few articles and reported as fill rates in the block's comments.
"""

from __future__ import annotations

import asyncio
import json
import re
import tomllib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from .autolinks import FURNITURE_PATH, Decision, article_shaped, decide
from .config import (
    DEFAULT_USER_AGENT,
    FIELDS,
    SITE_KEY,
    LinkRules,
    SiteConfig,
    config_from_dict,
    parse_rule,
)
from .errors import ConfigError, FeedmakerError, ParseError
from .fetch import Fetcher
from .links import Link, parse_listing
from .model import Parsed
from .output import write_if_changed
from .parse import parse_article
from .sanitize import clean_text
from .urls import absolute, canonical_url, same_host, url_path

if TYPE_CHECKING:
    from aiohttp.abc import AbstractResolver  # the test seam: any host name to 127.0.0.1

MAX_SECTIONS = 12
MIN_SECTION_LINKS = 3  # a menu entry whose page lists fewer article links is not a section
GOOD_FILL = 0.8  # a field the metadata fills on 80% of articles needs no selector
# Selectors tried, in order, for a field the metadata leaves empty too often.
CANDIDATES: dict[str, tuple[str, ...]] = {
    "title": ("h1", "article h1", ".headline", ".title"),
    "author": (".author a", ".author", ".byline a", ".byline", "a[rel~=author]", "[class*=author]"),
    "published": ("time@datetime", "[itemprop=datePublished]@content", ".date", ".published",
                  "[class*=date]"),
    "image": ("article figure img@src", "figure img@src", "article img@src", "main img@src"),
    "tags": (".tags a", ".post-tags a", ".article-tags a", "a[rel~=tag]", "[class*=tag] a",
             ".keywords a"),
    "summary": (".article-summary", ".standfirst", ".summary", ".dek", ".lede", "[class*=summary]"),
    "content": (".article-body", ".entry-content", ".post-content", "article .content",
                "[itemprop=articleBody]", "article"),
}
_MENU = "nav a[href], header a[href], [role=navigation] a[href], [class*=menu] a[href]"


@dataclass
class FieldFill:
    filled: int
    total: int
    sources: Counter[str] = field(default_factory=Counter)

    def describe(self) -> str:
        sources = ", ".join(f"{k} {v}" for k, v in self.sources.most_common()) or "nothing"
        return f"{self.filled}/{self.total} from {sources}"


@dataclass
class Proposal:
    key: str
    name: str
    url: str
    sections: dict[str, tuple[str, int]]  # title -> (path, article links found there)
    include: str | None  # the link rule's URL regex, drawn from the picked links
    rules: dict[str, str]  # field -> selector, only where the metadata falls short
    fills: dict[str, FieldFill]  # field -> fill rate with the proposed rules
    articles: list[str]  # the articles tried
    timezone: tuple[str, str] = ("UTC", "")  # (zone, how it was found)

    def toml(self) -> str:
        return render_block(self)


async def propose_site(url: str, *, key: str | None = None, sample: int = 10,
                       resolver: AbstractResolver | None = None,
                       user_agent: str = DEFAULT_USER_AGENT) -> Proposal:
    """Fetch `url`, its menu's section pages and `sample` articles; propose a site block."""
    if key is not None and not SITE_KEY.match(key):
        raise ConfigError("--name", "", f"{key!r}: site names are lowercase letters, digits, '-' "
                          "or '_' (they become directory names)")
    host = (urlsplit(url).hostname or "").lower()
    async with Fetcher(user_agent, resolver=resolver) as fetcher:
        home = await fetcher.get(url)
        tree = LexborHTMLParser(home.text)
        menu = menu_links(tree, home.url, host)
        pages = await asyncio.gather(*(_listing(fetcher, u, host) for _, u in menu))
        sections: dict[str, tuple[str, int]] = {}
        listed: list[list[Link]] = []
        for (title, link), links in zip(menu, pages, strict=True):
            if len(links) >= MIN_SECTION_LINKS and len(sections) < MAX_SECTIONS:
                sections[title] = (url_path(link), len(links))
                listed.append(links)
        if not sections:  # a site with no usable menu: the page itself is the one section
            decisions = decide(tree, home.url, home.url, host)
            own = [Link(d.url, d.title) for d in decisions if d.taken]
            if not own:  # a block with no article link would fail on its first build
                raise ParseError(home.url, nothing_found(decisions, len(menu)))
            sections, listed = {"Latest": (url_path(home.url) or "/", len(own))}, [own]
        targets = _round_robin(listed, sample)
        texts = await asyncio.gather(*(_page(fetcher, u) for u in targets))
    site = SiteConfig(key or site_key(host), _site_name(tree, host), url, {}, UTC)
    docs = [(u, t) for u, t in zip(targets, texts, strict=True) if t]
    parsed = [_parse(t, u, site) for u, t in docs]
    fills = fill_rates(parsed)
    rules = {name: css for name in fills if fills[name].filled < GOOD_FILL * len(docs)
             if (css := best_selector(name, docs, site, fills[name].filled))}
    if rules:
        ruled = SiteConfig(site.key, site.name, url, {}, UTC,
                           article={n: parse_rule(c) for n, c in rules.items()})
        fills = fill_rates([_parse(t, u, ruled) for u, t in docs])
    include = url_regex([url_path(link.url) for links in listed for link in links])
    return Proposal(site.key, site.name, url, sections, include, rules, fills, [u for u, _ in docs],
                    guess_zone([t for _, t in docs]))


def nothing_found(decisions: Sequence[Decision], sections_tried: int) -> str:
    """What `init` says when no page it read lists an article link, and what to try."""
    where = (f"not on this page, nor on the {sections_tried} section page(s) its menus link to"
             if sections_tried else "not on this page, and its menus link to no section page")
    if not decisions:
        seen = ("The page's HTML has no links at all: its content is probably built by "
                "JavaScript, which feedmaker does not run")
    else:
        reasons = Counter(d.why for d in decisions).most_common(3)
        seen = f"Of its {len(decisions)} links, " + "; ".join(f"{n} {why}" for why, n in reasons)
    return (f"no article links found ({where}). {seen}. Try: `feedmaker init` on a page that "
            "lists articles (a section, a blog's index or archive); or write the "
            "[sites.<name>.links] rules by hand (selector, include: see README, Configuration) "
            "and test them with `feedmaker check`. Nothing was drafted.")


# An ISO 8601 time with its UTC offset, as JSON-LD and <meta>/<time> dates carry them.
# The "T" keeps out times in visible text ("2024-06-01 10:00-12:00" is a range, not -12:00).
_ISO_OFFSET = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?([+-]\d\d):?(\d\d)\b")


def guess_zone(pages: Sequence[str]) -> tuple[str, str]:
    """The zone for dates the pages give without one, from the offsets their machine-readable
    dates carry: ("Etc/GMT-3", why) for +03:00 on most pages. An offset is not a zone (summer
    time moves it), so the note says so; no offsets, or a half-hour one, leaves UTC."""
    offsets: Counter[str] = Counter()
    for page in pages:
        seen = {f"{m[1]}:{m[2]}" for m in _ISO_OFFSET.finditer(page)}
        offsets.update(seen)
    if not offsets:
        return "UTC", "no dates with a UTC offset on the pages tried"
    offset, count = offsets.most_common(1)[0]
    hours, minutes = int(offset[:3]), int(offset[4:])
    if minutes or not -12 <= hours <= 14:
        return "UTC", f"the pages' dates say {offset}, which no Etc/ zone names: set the zone"
    if hours == 0:
        return "UTC", f"the pages' dates say {offset} ({count} of {len(pages)} pages)"
    # POSIX Etc/ names count the other way round: UTC+3 is Etc/GMT-3.
    return f"Etc/GMT{-hours:+d}", (f"the pages' dates say {offset} ({count} of {len(pages)} "
                                   "pages); name the real zone if it keeps summer time")


def menu_links(tree: LexborHTMLParser, base: str, host: str) -> list[tuple[str, str]]:
    """(title, url) of the menu entries that may be sections: same host, not furniture, not an
    article, each URL once, in menu order."""
    seen: dict[str, str] = {}
    for node in tree.css(_MENU):
        link = absolute(node.attributes.get("href"), base)
        title = clean_text(node.text(separator=" "))
        if link is None or not title or len(title) > 40 or not same_host(link, host):
            continue
        link = canonical_url(link)
        path = url_path(link)
        if path.strip("/") == "" or FURNITURE_PATH.search(path) or article_shaped(path) \
                or "?" in link or title in seen.values():
            continue
        seen.setdefault(link, title)
    return [(title, link) for link, title in seen.items()]


def url_regex(paths: Sequence[str]) -> str | None:
    """A regex for article paths: the first segments seen, then any segments, by depth."""
    shapes: dict[int, set[str]] = {}
    for path in paths:
        segments = [s for s in path.split("/") if s]
        if segments:
            shapes.setdefault(len(segments), set()).add(segments[0] if len(segments) > 1 else "")
    parts = []
    for depth, firsts in sorted(shapes.items()):
        if depth == 1:
            parts.append("[^/?#]+")
        elif len(firsts) <= 6 and all(re.fullmatch(r"[\w-]+", f) for f in firsts):
            head = "|".join(sorted(re.escape(f) for f in firsts))
            parts.append(f"({head})" + "/[^/]+" * (depth - 2) + "/[^/?#]+")
        else:
            parts.append("[^/]+" + "/[^/]+" * (depth - 2) + "/[^/?#]+")
    if not parts:
        return None
    body = parts[0] if len(parts) == 1 else "(" + "|".join(f"({p})" for p in parts) + ")"
    return f"^/{body}/?$"


def fill_rates(parsed: Sequence[Parsed | None]) -> dict[str, FieldFill]:
    fills = {name: FieldFill(0, len(parsed)) for name in FIELDS}
    for p in parsed:
        for name in FIELDS:
            source = p.sources.get(name) if p is not None else None
            if source:
                fills[name].filled += 1
                fills[name].sources[source] += 1
    return fills


def best_selector(name: str, docs: Sequence[tuple[str, str]], site: SiteConfig,
                  baseline: int) -> str | None:
    """The candidate selector that fills `name` on the most articles, if more than `baseline`."""
    best, best_hits = None, baseline
    for css in CANDIDATES.get(name, ()):
        rules = SiteConfig(site.key, site.name, site.url, {}, UTC, article={name: parse_rule(css)})
        hits = sum(1 for u, t in docs if (p := _parse(t, u, rules)) and
                   p.sources.get(name, "").startswith("selector"))
        if hits > best_hits:
            best, best_hits = css, hits
    return best


def render_block(p: Proposal) -> str:
    """The commented TOML block for feedmaker.toml (loads with `load_config`)."""
    width = max(len(n) for n in p.fills)
    lines = [f"# Drafted by `feedmaker init {p.url}`, tried on {len(p.articles)} article(s).",
             "# Fill rates per field (with the [article] selectors below, if any):"]
    lines += [f"#   {n:<{width}}  {f.describe()}" for n, f in p.fills.items()]
    lines += [f"[sites.{p.key}]", f"name = {_str(p.name)}", f"url = {_str(p.url)}",
              f"timezone = {_str(p.timezone[0])}  # for dates given without one: {p.timezone[1]}",
              'interval = "15m"', "", f"[sites.{p.key}.sections]"]
    lines += [f"{_str(title)} = {_str(path)}  # {n} article links"
              for title, (path, n) in p.sections.items()]
    if p.include:
        lines += ["", "# Article links are picked automatically (cards in the page body, recurring",
                  "# URL shapes). To pin them to a URL shape instead, uncomment:",
                  f"# [sites.{p.key}.links]", f"# include = '{p.include}'"]
    if p.rules:
        lines += ["", "# Selectors only for fields the page metadata does not fill:",
                  f"[sites.{p.key}.article]"]
        lines += [f"{n} = {_str(css)}  # {p.fills[n].describe()}" for n, css in p.rules.items()]
    return "\n".join(lines) + "\n"


def site_key(host: str) -> str:
    """"english.almayadeen.net" -> "english-almayadeen"; a valid config key."""
    labels = host.removeprefix("www.").split(".")
    if len(labels) > 1 and not labels[-1].isdigit():
        labels = labels[:-1]
    key = re.sub(r"[^a-z0-9_-]+", "-", "-".join(labels).lower()).strip("-_")
    return key[:64] or "site"


def _site_name(tree: LexborHTMLParser, host: str) -> str:
    node = tree.css_first('meta[property="og:site_name"][content]')
    if node is not None and clean_text(node.attributes.get("content")):
        return clean_text(node.attributes.get("content"))
    title = tree.css_first("title")
    text = clean_text(title.text()) if title is not None else ""
    parts = [p.strip() for p in re.split(r"\s[|–—-]\s", text) if p.strip()]
    return parts[-1] if parts else host


def _str(text: str) -> str:
    # A JSON string is a TOML basic string, except that TOML also forbids a raw DEL.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def append_to_config(path: Path, block: str, key: str) -> None:
    """Append a site block to a config file, atomically, and only if the result still loads:
    a duplicate site, a broken file or a bad block is refused with the file left as it was."""
    try:
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        sites = tomllib.loads(old).get("sites", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(str(path), "", f"cannot add to it: {exc}") from exc
    if key in sites:
        raise ConfigError(str(path), f"sites.{key}", "already configured (use --name for another key)")
    text = old + ("\n" if old and not old.endswith("\n\n") else "") + block
    try:
        config_from_dict(tomllib.loads(text), path)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), f"sites.{key}", f"the drafted block is not valid TOML: {exc}") from exc
    try:
        write_if_changed(path.resolve().parent, path.name, text.encode())
    except FeedmakerError as exc:
        raise ConfigError(str(path), "", str(exc)) from exc


def _round_robin(lists: Sequence[Sequence[Link]], n: int) -> list[str]:
    out: list[str] = []
    for i in range(max((len(x) for x in lists), default=0)):
        for links in lists:
            if i < len(links) and links[i].url not in out:
                out.append(links[i].url)
    return out[:n]


async def _listing(fetcher: Fetcher, url: str, host: str) -> list[Link]:
    text = await _page(fetcher, url)
    return list(parse_listing(text, url, url, LinkRules(), host).links) if text else []


async def _page(fetcher: Fetcher, url: str) -> str | None:
    try:
        return (await fetcher.get(url)).text
    except FeedmakerError:
        return None


def _parse(text: str, url: str, site: SiteConfig) -> Parsed | None:
    try:
        return parse_article(text, url, site)
    except FeedmakerError:
        return None
