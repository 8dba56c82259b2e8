"""The article's headline: each title source of a page, site names stripped, checked against the others.

A page names its headline in several places (JSON-LD headline, og:title, <h1>, <title>), and
each is sometimes something else: the site's name, a section front's title, a description in
JSON-LD, the site's logo in an <h1>. A title that the page repeats elsewhere is trusted first;
`parse.FALLBACKS` tries the `seen_*` sources in order, then the plain ones.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from . import jsonld
from .metadata import PageMeta
from .sanitize import clean_text

# Between a headline and a site or section name: " | ", " - ", " – ", " :: ", "·"...
_SEPARATOR = re.compile(r"\s+(?:[|–—·•»:@-]|::)\s+|\s*(?:[|•]|::)\s*|:\s+")
# Separators that never occur inside a headline: "Headline | Section" is that headline.
_BAR = re.compile(r"\s*(?:[|•]|::)\s*|\s+[·»]\s+")
# A separator left dangling at either end ("Headline :: Site ::").
_DANGLING = re.compile(r"^\s*(?:[|•]|::)\s*|\s*(?:[|•]|::)\s*$")
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"',
                         "«": '"', "»": '"', "\u200b": None, "\u2060": None, "\xad": None})
_NOT_ALNUM = re.compile(r"\W+")
# <h1>s worth comparing: the article's first, then the page's first few (some pages put the
# site's logo or "Log in" in the first <h1>).
_H1_CSS = "article h1, main h1, h1"
_MAX_H1 = 4
_MAX_NAME = 30
_WWW = re.compile(r"^www\d*\.")  # "www1.wdr.de" is wdr.de


def norm(text: str) -> str:
    """Comparable form: NFC, typographic quotes plain, invisible characters gone, casefolded,
    whitespace (and space before punctuation, "Titel : Text") collapsed."""
    text = unicodedata.normalize("NFC", text).translate(_QUOTES).casefold()
    return re.sub(r"\s+(?=[:;,.!?])", "", " ".join(text.split()))


def _alnum(text: str) -> str:
    return _NOT_ALNUM.sub("", text.casefold())


def site_names(m: PageMeta) -> set[str]:
    """The site's names as comparable keys: og:site_name and friends, the JSON-LD publisher,
    and the host without "www." ("golem.de") and as its main label ("golem")."""
    cached = m.cache.get("site_names")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    raw = [m.first("og:site_name"), m.first("application-name"), m.first("apple-mobile-web-app-title"),
           jsonld.text(m.ld.get("publisher"))]
    # Some pages fill application-name with the headline: a site's name is short.
    names = {key for n in raw if n and len(key := _alnum(n)) <= _MAX_NAME}
    host = _WWW.sub("", (urlsplit(m.url).hostname or "").lower())
    if host:
        names.add(_alnum(host))
        labels = host.split(".")
        if len(labels) >= 2:
            names.add(_alnum(labels[-2] if len(labels[-2]) > 3 or len(labels) < 3 else labels[-3]))
    names.discard("")
    m.cache["site_names"] = names
    return names


def is_site_name(text: str, m: PageMeta) -> bool:
    """Whether `text` is the site's own name ("STERN.de", "Deutsche Welle (www.dw.com)")."""
    return _is_site(re.sub(r"\(.*?\)", "", text), site_names(m))


def _is_site(part: str, names: set[str]) -> bool:
    key = _alnum(part)
    if not key:
        return False
    # "Mirror Online" for mirror.co.uk, "BILD.de" for bild.de, "News - SRF" for "SRF"; but a
    # headline that merely names the site ("How we designed Dropbox's ATF") is no site name.
    return any(key == n or (len(n) >= 3 and n in key and len(key) <= 2 * len(n) + 8)
               or (len(key) >= 4 and key in n and 2 * len(key) >= len(n)) for n in names)


def strip_site_name(title: str, m: PageMeta) -> str:
    """"Headline | Site" -> "Headline", "Site: Headline" -> "Headline"; more than one site or
    section part is dropped from the end ("Headline | Sport | BILD.de" -> "Headline | Sport"
    stays for the cross-check to settle) while something is left."""
    title = _DANGLING.sub("", clean_text(title))
    names = site_names(m)
    if not names:
        return title
    while True:
        seps = list(_SEPARATOR.finditer(title))
        if not seps:
            return title
        last, first = seps[-1], seps[0]
        if _is_site(title[last.end():], names) and title[:last.start()].strip():
            title = title[:last.start()].strip()
        elif _is_site(title[:first.start()], names) and title[first.end():].strip():
            title = title[first.end():].strip()
        else:
            return title


def _h1s(m: PageMeta) -> list[str]:
    cached = m.cache.get("h1s")
    if cached is None:
        cached = []
        for node in m.tree.css(_H1_CSS)[:_MAX_H1]:
            text = clean_text(node.text(separator=" "))
            if text and text not in cached:
                cached.append(text)
        m.cache["h1s"] = cached
    return cached


def _title_tag(m: PageMeta) -> str:
    node = m.tree.css_first("title")
    return clean_text(node.text()) if node is not None else ""


def _raw(m: PageMeta, source: str) -> list[str]:
    """What one source says, as written."""
    if source == "og":
        return [t for k in ("og:title", "twitter:title", "dc.title") if (t := m.first(k))]
    if source == "ld":
        return [t for t in (jsonld.text(m.ld.get("headline")), m.first("headline"),
                            jsonld.text(m.ld.get("name"))) if t]
    if source == "title":
        return [t] if (t := _title_tag(m)) else []
    if source == "h1":
        return _h1s(m)
    return [t] if (t := md_title(m)) else []


# Cheapest first: when JSON-LD and og:title agree, the page's <h1>s are never looked at.
_SOURCES = ("og", "ld", "title", "h1", "md")


def _normed(m: PageMeta, source: str) -> list[str]:
    """One source's titles in comparable form, computed once per page."""
    key = f"title_normed_{source}"
    if key not in m.cache:
        m.cache[key] = [norm(t) for t in _raw(m, source)]
    return m.cache[key]  # type: ignore[no-any-return]


def _seen(m: PageMeta, source: str, title: str | None) -> str | None:
    """`title` when another source of the page holds it too (or a longer form of it)."""
    if not title:
        return None
    key = norm(title)
    for other in _SOURCES:
        if other != source and any(key in text for text in _normed(m, other)):
            return title
    return None


def _shortest_head(m: PageMeta, title: str) -> str:
    """"Headline | Section" -> "Headline" when the page also gives "Headline" on its own."""
    seps = list(_BAR.finditer(title))
    if not seps:
        return title
    others = {t for source in _SOURCES for t in _normed(m, source)}
    for sep in seps:
        head = title[:sep.start()].strip()
        if head and norm(head) in others:
            return head
    return title


# --- the sources, as parse.FALLBACKS uses them --------------------------------------------------
def _cleaned(m: PageMeta, key: str, title: str | None) -> str | None:
    """`title` without site and section names, once per page and source (the table asks twice)."""
    if key not in m.cache:
        m.cache[key] = _shortest_head(m, strip_site_name(title, m)) or None if title else None
    return m.cache[key]  # type: ignore[no-any-return]


def ld_title(m: PageMeta) -> str | None:
    """The schema.org headline: JSON-LD's, else a <meta> one (itemprop="headline", or the
    name="headline" some CMSs write beside og:title without its "-Section | Site"), else
    JSON-LD's name (which is sometimes an id)."""
    return _cleaned(m, "ld_title", jsonld.text(m.ld.get("headline")) or m.first("headline")
                    or jsonld.text(m.ld.get("name")))


def og_title(m: PageMeta) -> str | None:
    return _cleaned(m, "og_title", m.first("og:title", "twitter:title", "dc.title"))


def md_title(m: PageMeta) -> str | None:
    node = m.tree.css_first('[itemprop="headline"]:not(meta)')
    return clean_text(node.text(separator=" ")) or None if node is not None else None


def h1_title(m: PageMeta) -> str | None:
    h1s = _h1s(m)
    return h1s[0] if h1s else None


# Chinese portals title a page "标题_频道_网站" (headline_channel_site), with no spaces.
_CJK_PARTS = re.compile(r"^([^_]*[\u3400-\u9fff][^_]*)(?:_[^_]+){2,}$")


def tag_title(m: PageMeta) -> str | None:
    title = _title_tag(m)
    parts = _CJK_PARTS.match(title)
    return _cleaned(m, "tag_title", parts[1] if parts else title)


def seen_ld_title(m: PageMeta) -> str | None:
    return _seen(m, "ld", ld_title(m))


def seen_og_title(m: PageMeta) -> str | None:
    return _seen(m, "og", og_title(m))


def seen_h1_title(m: PageMeta) -> str | None:
    """The first <h1> that another source repeats (not necessarily the page's first <h1>)."""
    return next((h for h in _h1s(m) if _seen(m, "h1", h)), None)


def seen_tag_title(m: PageMeta) -> str | None:
    return _seen(m, "title", tag_title(m))
