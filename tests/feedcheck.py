"""A strict checker for the feeds feedmaker writes: stricter than feedparser, aimed at what the
W3C Feed Validation Service reports as an error or a warning.

`check_feed(path)` checks one .atom, .rss or .json file and raises AssertionError listing every
problem found; `check_out_dir(out)` checks every feed under a served directory (and feeds.opml).
Used by the feed validity tests and by the fault, hostile-input and crash tests.

No Python port of the W3C validator installs from PyPI, so its rules that feedmaker's output
has run into are written here, named as the validator names them: DuplicateAtomLink (two
alternate links of one type and language), MediaGroupWithoutAlternatives (a media:group with
fewer than two media:content), NotHtml (HTML-carrying text that html5lib, the validator's own
parser, refuses in strict mode: an RSS description, content, an OPML outline's text and title),
MissingOutlineType, and an RSS author without an e-mail address.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import html5lib
from html5lib.html5parser import ParseError
from lxml import etree
from lxml import html as lxml_html

ATOM = "{http://www.w3.org/2005/Atom}"
MEDIA = "{http://search.yahoo.com/mrss/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
DC = "{http://purl.org/dc/elements/1.1/}"
JSONFEED = "https://jsonfeed.org/version/1.1"

# RFC 3339 date-time (Atom 1.0 section 3.3), upper-case T and Z as Atom asks.
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
# RFC 822 as RSS 2.0 profiles it, with a four-digit year (the W3C validator warns on two).
RFC822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d{4} \d{2}:\d{2}:\d{2} ([+-]\d{4}|GMT|UT)$")
# Characters XML 1.0 forbids even as references.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# What the W3C validator calls a security risk in content (and what feedmaker must never let in).
UNSAFE_TAGS = {"script", "style", "iframe", "object", "embed", "applet", "frame", "frameset",
               "form", "input", "button", "meta", "link", "base", "svg", "math", "template"}
URL_ATTRS = ("href", "src", "poster", "cite", "action", "longdesc", "data", "background")


class Problems(list[str]):
    def add(self, where: str, problem: str) -> None:
        self.append(f"{where}: {problem}")


def is_http_uri(value: str | None) -> bool:
    if not value or value != value.strip() or any(c.isspace() for c in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


@functools.lru_cache(maxsize=4096)
def not_html(markup: str) -> str | None:
    """The W3C validator's NotHtml: the error html5lib's strict parser raises on `markup` (a
    bare "&" that starts no reference, a "<" that starts no tag, a stray end tag...), or None."""
    try:
        html5lib.HTMLParser(strict=True).parseFragment(markup)
    except ParseError as exc:
        return str(exc)
    return None


def check_feed(path: Path) -> None:
    """Check one feed file by its extension; AssertionError lists every problem."""
    data = path.read_bytes()
    kind = path.suffix.lstrip(".")
    problems = {"atom": check_atom, "rss": check_rss, "json": check_json}[kind](data)
    assert not problems, f"{path}:\n  " + "\n  ".join(problems)


def check_out_dir(out: Path, skip: Mapping[str, Any] | None = None) -> int:
    """Check every feed under out; returns how many were checked. `skip` maps paths relative to
    out to (bytes, ...) already checked: files still holding those bytes are not checked again
    (feedparser costs ~10 ms a feed)."""
    count = 0
    for path in sorted(out.rglob("*")):
        if path.is_file() and path.suffix in (".atom", ".rss", ".json"):
            known = (skip or {}).get(str(path.relative_to(out)))
            if known is not None and known[0] == path.read_bytes():
                continue
            check_feed(path)
            count += 1
    if (opml := out / "feeds.opml").is_file():
        problems = check_opml(opml.read_bytes())
        assert not problems, f"{opml}:\n  " + "\n  ".join(problems)
    return count


# -- XML feeds ---------------------------------------------------------------------------------
def _xml(data: bytes, problems: Problems) -> etree._Element | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.add("bytes", f"not UTF-8: {exc}")
        return None
    if not re.match(r"""^<\?xml version=['"]1\.0['"] encoding=['"]UTF-8['"]\?>""", text, re.I):
        problems.add("prolog", "missing <?xml version='1.0' encoding='UTF-8'?>")
    if m := XML_FORBIDDEN.search(text):
        problems.add("text", f"character forbidden in XML: {m.group()!r}")
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True,
                                                      recover=False))
    except etree.XMLSyntaxError as exc:
        problems.add("xml", f"not well-formed: {exc}")
        return None
    parsed = feedparser.parse(data)
    if parsed.bozo:
        problems.add("feedparser", f"bozo: {parsed.get('bozo_exception')!r}")
    return root


def _text(el: etree._Element | None) -> str:
    return (el.text or "").strip() if el is not None else ""


def _date(where: str, value: str, pattern: re.Pattern[str], problems: Problems) -> None:
    if not pattern.match(value):
        problems.add(where, f"bad date {value!r}")
        return
    try:
        when = (datetime.fromisoformat(value.replace("Z", "+00:00")) if pattern is RFC3339
                else parsedate_to_datetime(value))
    except (TypeError, ValueError):
        problems.add(where, f"impossible date {value!r}")
        return
    if not 1990 <= when.year <= 2100:  # the validator calls others implausible
        problems.add(where, f"implausible date {value!r}")


def check_content_html(where: str, markup: str, problems: Problems) -> None:
    """Escaped HTML in content/summary: no unsafe markup, every URL absolute http(s)."""
    if not markup.strip():
        return
    try:
        root = lxml_html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError) as exc:
        problems.add(where, f"content does not parse as HTML: {exc}")
        return
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag.lower() in UNSAFE_TAGS:
            problems.add(where, f"unsafe element <{el.tag}> in content")
        for name, value in el.attrib.items():
            lname = name.lower()
            if lname.startswith("on") or lname == "style":
                problems.add(where, f"unsafe attribute {name}= on <{el.tag}>")
            if lname in URL_ATTRS:
                scheme = urlsplit(value.strip()).scheme.lower() if value.strip() else ""
                if lname == "href" and scheme == "mailto":
                    continue
                if not is_http_uri(value):
                    problems.add(where, f"non-absolute or non-http URL {name}={value!r}")
            if lname == "srcset":
                for candidate in value.split(","):
                    url = candidate.strip().split(" ")[0]
                    if url and not is_http_uri(url):
                        problems.add(where, f"non-absolute srcset URL {url!r}")


def check_atom(data: bytes) -> list[str]:
    problems = Problems()
    root = _xml(data, problems)
    if root is None:
        return problems
    if root.tag != f"{ATOM}feed":
        return [f"root is {root.tag}, not atom:feed"]
    for name in ("id", "title", "updated"):
        if not _text(root.find(f"{ATOM}{name}")):
            problems.add("feed", f"missing atom:{name}")
    if not is_http_uri(_text(root.find(f"{ATOM}id"))):
        problems.add("feed", "id is not an absolute http(s) URI")
    if (updated := _text(root.find(f"{ATOM}updated"))):
        _date("feed/updated", updated, RFC3339, problems)
    feed_author = root.find(f"{ATOM}author")
    if feed_author is not None and not _text(feed_author.find(f"{ATOM}name")):
        problems.add("feed", "author without name")
    links = root.findall(f"{ATOM}link")
    _links("feed", links, problems)
    _duplicate_alternates("feed", links, problems)
    selfs = [lk for lk in links if lk.get("rel") == "self"]
    if len(selfs) != 1:
        problems.add("feed", f"{len(selfs)} link rel=self (want 1)")
    elif selfs[0].get("type") != "application/atom+xml":
        problems.add("feed", "link rel=self without type=application/atom+xml")
    ids: set[str] = set()
    for i, entry in enumerate(root.findall(f"{ATOM}entry")):
        where = f"entry {i}"
        eid = _text(entry.find(f"{ATOM}id"))
        if not is_http_uri(eid):
            problems.add(where, f"id {eid!r} is not an absolute http(s) URI")
        if eid in ids:
            problems.add(where, f"duplicate id {eid}")
        ids.add(eid)
        if not _text(entry.find(f"{ATOM}title")):
            problems.add(where, "missing title")
        for name in ("updated", "published"):
            value = _text(entry.find(f"{ATOM}{name}"))
            if value:
                _date(f"{where}/{name}", value, RFC3339, problems)
            elif name == "updated":
                problems.add(where, "missing updated")
        if feed_author is None and entry.find(f"{ATOM}author") is None:
            problems.add(where, "no author (and the feed has none)")
        elinks = entry.findall(f"{ATOM}link")
        _links(where, elinks, problems)
        _duplicate_alternates(where, elinks, problems)
        if not any(lk.get("rel", "alternate") == "alternate" for lk in elinks):
            problems.add(where, "no link rel=alternate")
        for name in ("content", "summary"):
            el = entry.find(f"{ATOM}{name}")
            if el is not None and el.get("type") == "html":
                check_content_html(f"{where}/{name}", el.text or "", problems)
                _html(f"{where}/{name}", el.text or "", problems)
        _media(where, entry, problems)
    return problems


def _links(where: str, links: Iterable[etree._Element], problems: Problems) -> None:
    for lk in links:
        if not is_http_uri(lk.get("href")):
            problems.add(where, f"link href {lk.get('href')!r} is not absolute http(s)")
        if lk.get("rel") == "enclosure":
            if not lk.get("type"):
                problems.add(where, "enclosure link without type")
            if (lk.get("length") is not None and not lk.get("length", "").isdigit()) or \
                    lk.get("length") == "0":
                problems.add(where, f"enclosure length {lk.get('length')!r}")


def _duplicate_alternates(where: str, links: Iterable[etree._Element], problems: Problems) -> None:
    """DuplicateAtomLink: one alternate link per (type, hreflang); a link without rel is one."""
    seen: set[tuple[str | None, str | None]] = set()
    for lk in links:
        if lk.get("rel", "alternate") != "alternate":
            continue
        key = (lk.get("type"), lk.get("hreflang"))
        if key in seen:
            problems.add(where, f"DuplicateAtomLink: two alternate links of type {key[0]!r}")
        seen.add(key)


def _html(where: str, markup: str, problems: Problems) -> None:
    if error := not_html(markup):
        problems.add(where, f"NotHtml: {error} in {markup[:80]!r}")


def _media(where: str, parent: etree._Element, problems: Problems) -> None:
    for group in parent.iter(f"{MEDIA}group"):
        if len(group.findall(f"{MEDIA}content")) < 2:
            problems.add(where, "MediaGroupWithoutAlternatives: media:group with fewer than two "
                                "media:content")
    for el in [*parent.iter(f"{MEDIA}thumbnail"), *parent.iter(f"{MEDIA}content")]:
        if not is_http_uri(el.get("url")):
            problems.add(where, f"{el.tag} url {el.get('url')!r} is not absolute http(s)")


def check_rss(data: bytes) -> list[str]:
    problems = Problems()
    root = _xml(data, problems)
    if root is None:
        return problems
    if root.tag != "rss" or root.get("version") != "2.0":
        return [f"root is <{root.tag} version={root.get('version')!r}>, not RSS 2.0"]
    channel = root.find("channel")
    if channel is None:
        return ["no channel"]
    for name in ("title", "link", "description"):
        if not _text(channel.find(name)):
            problems.add("channel", f"missing {name}")
    if not is_http_uri(_text(channel.find("link"))):
        problems.add("channel", "link is not absolute http(s)")
    for name in ("lastBuildDate", "pubDate"):
        if value := _text(channel.find(name)):
            _date(f"channel/{name}", value, RFC822, problems)
    selfs = [lk for lk in channel.findall(f"{ATOM}link") if lk.get("rel") == "self"]
    if len(selfs) != 1:
        problems.add("channel", f"{len(selfs)} atom:link rel=self (want 1)")
    elif selfs[0].get("type") != "application/rss+xml" or not is_http_uri(selfs[0].get("href")):
        problems.add("channel", "atom:link rel=self needs an absolute href and "
                                "type=application/rss+xml")
    guids: set[str] = set()
    for i, item in enumerate(channel.findall("item")):
        where = f"item {i}"
        if not (_text(item.find("title")) or _text(item.find("description"))):
            problems.add(where, "neither title nor description")
        if not _text(item.find("title")):
            problems.add(where, "missing title")  # the validator warns
        link = _text(item.find("link"))
        if not is_http_uri(link):
            problems.add(where, f"link {link!r} is not absolute http(s)")
        guid = item.find("guid")
        value = _text(guid)
        if not value:
            problems.add(where, "missing guid")
        elif guid is not None and guid.get("isPermaLink", "true") == "true" and \
                not is_http_uri(value):
            problems.add(where, f"permalink guid {value!r} is not absolute http(s)")
        if value in guids:
            problems.add(where, f"duplicate guid {value}")
        guids.add(value)
        if value := _text(item.find("pubDate")):
            _date(f"{where}/pubDate", value, RFC822, problems)
        if item.find("author") is not None and "@" not in _text(item.find("author")):
            problems.add(where, "author must be an e-mail address (use dc:creator)")
        for enc in item.findall("enclosure"):
            if not is_http_uri(enc.get("url")):
                problems.add(where, f"enclosure url {enc.get('url')!r}")
            length = enc.get("length", "")
            if not length.isdigit() or int(length) <= 0:
                problems.add(where, f"enclosure length {length!r} (must be a positive integer)")
            if not enc.get("type"):
                problems.add(where, "enclosure without type")
        if len(item.findall("enclosure")) > 1:
            problems.add(where, "more than one enclosure")
        for el in (item.find("description"), item.find(f"{CONTENT}encoded")):
            if el is not None:
                check_content_html(f"{where}/{el.tag}", el.text or "", problems)
                _html(f"{where}/{el.tag}", el.text or "", problems)
        _media(where, item, problems)
    return problems


# -- OPML --------------------------------------------------------------------------------------
def check_opml(data: bytes) -> list[str]:
    """feeds.opml as the W3C validator reads OPML 2.0."""
    problems = Problems()
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        return [f"xml: not well-formed: {exc}"]
    if root.tag != "opml" or root.get("version") != "2.0":
        return [f"root is <{root.tag} version={root.get('version')!r}>, not OPML 2.0"]
    if root.find("head") is None or root.find("body") is None:
        problems.add("opml", "missing head or body")
    if (modified := _text(root.find("head/dateModified"))):
        _date("head/dateModified", modified, RFC822, problems)
    for i, outline in enumerate(root.iter("outline")):
        where = f"outline {i}"
        attrs = outline.attrib
        if "text" not in attrs:
            problems.add(where, "missing text")
        for name in ("text", "title"):
            if name in attrs:
                _html(f"{where}/@{name}", attrs[name], problems)
        kind = attrs.get("type", "").lower()
        if kind == "rss":
            if "xmlUrl" not in attrs or "title" not in attrs:
                problems.add(where, "type=rss needs xmlUrl and title")
        elif len(attrs) > 1 and any(n in attrs for n in ("description", "htmlUrl", "language",
                                                         "title", "version", "xmlUrl")):
            problems.add(where, "MissingOutlineType: feed attributes without a type")
        for name in ("xmlUrl", "htmlUrl"):
            if name in attrs and not is_http_uri(attrs[name]):
                problems.add(where, f"{name} {attrs[name]!r} is not absolute http(s)")
    return problems


# -- JSON Feed ---------------------------------------------------------------------------------
def check_json(data: bytes) -> list[str]:
    problems = Problems()
    try:
        feed = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return [f"not UTF-8 JSON: {exc}"]
    if feed.get("version") != JSONFEED:
        problems.add("feed", f"version {feed.get('version')!r}")
    if not isinstance(feed.get("title"), str) or not feed["title"].strip():
        problems.add("feed", "missing title")
    for key in ("home_page_url", "feed_url"):
        if key in feed and not is_http_uri(feed[key]):
            problems.add("feed", f"{key} {feed[key]!r} is not absolute http(s)")
    items = feed.get("items")
    if not isinstance(items, list):
        return [*problems, "feed: items is not a list"]
    ids: set[str] = set()
    for i, item in enumerate(items):
        where = f"item {i}"
        iid = item.get("id")
        if not isinstance(iid, str) or not iid:
            problems.add(where, "missing string id")
        elif iid in ids:
            problems.add(where, f"duplicate id {iid}")
        ids.add(iid)
        if not (item.get("content_html") or item.get("content_text")):
            problems.add(where, "neither content_html nor content_text")
        for key in ("url", "external_url", "image", "banner_image"):
            if key in item and not is_http_uri(item[key]):
                problems.add(where, f"{key} {item[key]!r} is not absolute http(s)")
        for key in ("date_published", "date_modified"):
            if key in item:
                _date(f"{where}/{key}", item[key], RFC3339, problems)
        if "content_html" in item:
            check_content_html(f"{where}/content_html", item["content_html"], problems)
        if "tags" in item and not all(isinstance(t, str) and t for t in item["tags"]):
            problems.add(where, "tags must be non-empty strings")
    text = data.decode("utf-8", "replace")
    if m := XML_FORBIDDEN.search(text.replace("\n", "")):
        problems.add("text", f"control character {m.group()!r}")
    return problems
