"""What a link's URL alone says about the page behind it (pure): site furniture, a landing page,
an article-shaped path, its template. The picker in autolinks.py weighs these with the markup."""

from __future__ import annotations

import functools
import ipaddress
import re

from publicsuffixlist import PublicSuffixList

from .urls import host_of

FURNITURE_PATH = re.compile(
    r"/(tags?|topics?|keywords?|authors?|writers?|columnists?|people|profiles?|categor(y|ies)|"
    r"search|login|signin|sign-in|register|signup|subscribe|subscriptions?|newsletters?|account|"
    r"privacy(-policy)?|terms(-of-use|-of-service)?|contact(-us)?|about(-us)?|cookies?|imprint|"
    r"impressum|rss|feeds?|live|programs?|shows?|page|amp|print|share|comments?|sitemap|"
    r"archives?|advertise|careers|jobs|faq|corrections|ethics|"
    # a code forge's browsing pages beside its releases: /tree/v2.10.2, /commit/a1b2c3d
    r"tree|blob|blame|raw|commits?|compare)(/|\.(s?html?|php|aspx?|xml)$|$)"
    # legal and house pages whose slugs look like headlines: /terms-and-conditions, /code-of-ethics
    r"|^/(terms|privacy|cookie|advertise|advertising|work|code|corrections|editorial|contact|"
    r"about|careers|subscription)[-_][^/]*/?$|-policy/?$"
    # Media landing pages (/videos, /video/series/tech-support, /podcasts/) are listings; a video,
    # gallery or episode page below them (/video/watch/<slug>, /videos/1204/<slug>) is an item.
    r"|/(videos?|video-gallery|watch|podcasts?|audio|photos?|galleries|gallery)"
    r"(/(series|playlists?|channels?|categor(y|ies)|shows?|programs?)(/[^/]+)?)?/?$",
    re.I)
# A git tag named like a version is a release page, not a tag cloud's: /releases/tag/v2.10.2
_RELEASE_TAG = re.compile(r"/tags?/[^/]*\d\.\d[^/]*/?$", re.I)
_FILE = re.compile(r"\.(jpe?g|png|gif|webp|svg|ico|pdf|xml|json|rss|atom|zip|gz|mp[34]|m4a|"
                   r"css|js)$", re.I)
_PAGINATION_QUERY = re.compile(r"(^|&)(page|p|pg|offset|start)=\d+", re.I)
_PAGINATION_PATH = re.compile(r"/(page|seite|pagina|p)[-/]?\d+/?$", re.I)
# A query carrying another web address is a share button or a redirect, not an item page.
_URL_IN_QUERY = re.compile(r"(^|&)[^=&]*=(https?(:|%3a)|www\.)", re.I)
_DATE_PATH = re.compile(r"/(19|20)\d\d/(0?[1-9]|1[0-2])(/|-)")
_NUMERIC_ID = re.compile(r"(^|[/_-])\d{4,}([/_.-]|$)")
# An opaque id: letters and digits mixed, as "/episode/1oQdQ3gWA4Scx3lHq972i3" or "/p/Cx7yZ12ab".
_OPAQUE_ID = re.compile(r"(?=[A-Za-z]*\d)(?=\d*[A-Za-z])[A-Za-z0-9]{8,}")
_SLUG_WORDS = 3  # "yemen-truce-talks": three words; "about-us" or "live-tv" are two


def not_an_item(path: str, query: str, own_site: bool = True) -> str | None:
    """Why a URL is no article whatever the markup says (a tag page, a file, page 2...), or None.
    Furniture paths are judged on the site's own links only."""
    if own_site and FURNITURE_PATH.search(path) and not _RELEASE_TAG.search(path):
        return "a site page (tag, author, legal, media landing...) by its path"
    if _FILE.search(path):
        return "a file, not a page"
    if _PAGINATION_QUERY.search(query) or _PAGINATION_PATH.search(path):
        return "pagination"
    if _URL_IN_QUERY.search(query):
        return "a share or redirect link (another URL in its query)"
    return None


def article_shaped(path: str) -> bool:
    """Does a URL path look like one article's (dated, long slug, numeric id), not a listing's?"""
    if (FURNITURE_PATH.search(path) and not _RELEASE_TAG.search(path)) or _FILE.search(path):
        return False
    segments = [s for s in path.split("/") if s]
    if not segments:
        return False
    if _DATE_PATH.search(path + "/") and len(segments) >= 3:
        return True
    last = re.sub(r"\.s?html?$|\.php$|\.aspx?$", "", segments[-1], flags=re.I)
    words = [w for w in re.split(r"[-_+]", last) if w]
    if len(words) >= _SLUG_WORDS and sum(len(w) for w in words) >= 10:
        return True
    if len(segments) >= 2 and _OPAQUE_ID.fullmatch(segments[-1]):
        return True
    return any(_NUMERIC_ID.search(s) for s in segments[-2:]) and len(segments) >= 2


def template_of(path: str) -> str:
    """"/news/politics/some-slug" -> "/news/politics/*"; dated paths keep no digits."""
    segments = [s for s in path.split("/") if s]
    head = [re.sub(r"\d", "0", s) for s in segments[:-1]]
    return "/" + "/".join([*head, "*"])


def is_below(path: str, prefix: str) -> bool:
    """Is `path` strictly below the directory `prefix` ("/news/a" below "/news"; "/" holds all)?"""
    prefix = prefix.rstrip("/")
    return path.rstrip("/") != prefix and path.startswith(prefix + "/")


def same_site(url: str, host: str) -> bool:
    """Is `url` on `host`'s site: the same registrable domain (money.cnn.com and edition.cnn.com;
    not two users' github.io pages, by the Public Suffix List)? IPs and bare names: same host."""
    other = host_of(url)
    return bool(other) and site_of(other) == site_of(host.lower())


def site_of(host: str) -> str:
    """The registrable domain of a lowercase host: "uk.news.yahoo.com" -> "yahoo.com"; under a
    name the list does not know (an intranet's "wiki.corp.internal"), its last two labels."""
    return _site(host.removeprefix("www."))[0]


def public_host(host: str) -> bool:
    """Is this a domain name under a public suffix the list knows? Not an IP address,
    "localhost" or an intranet name: a listing page must not send the fetcher there."""
    return _site(host.removeprefix("www."))[1]


@functools.lru_cache(maxsize=1024)
def _site(host: str) -> tuple[str, bool]:
    try:
        ipaddress.ip_address(host.strip("[]"))
        return host, False
    except ValueError:
        pass
    known = _psl().privatesuffix(host)
    if known is not None:
        return known, True
    return ".".join(host.split(".")[-2:]), False


@functools.cache
def _psl() -> PublicSuffixList:
    # Parses the bundled list once (~50 ms), so only when first needed.
    return PublicSuffixList(accept_unknown=False)
