"""Pure URL helpers: resolve links to absolute http(s) URLs and reduce article URLs to a stable id.

Nothing here raises on bad input: `absolute` answers None for a link that is not a usable web
address, and `canonical_url` hands back malformed input stripped but otherwise unchanged.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import SplitResult, unquote_plus, urljoin, urlsplit, urlunsplit

__all__ = ["TRACKING_PARAMS", "absolute", "canonical_url", "host_of", "same_host", "url_path"]

# Query keys that only say where a click came from, never which article it is. Compared
# case-insensitively; every key starting with "utm_" is dropped as well.
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
    "ttclid", "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok",
    "ref", "ref_src", "cmpid", "ocid", "at_medium", "at_campaign", "spm", "share",
})

_WEB_SCHEMES = ("http", "https")
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Browsers drop tabs and newlines anywhere in a URL and trim C0 controls and spaces at its ends.
_INNER_JUNK = re.compile(r"[\x00-\x1f\x7f]")
_EDGE_JUNK = "".join(chr(c) for c in range(0x21)) + "\x7f"
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_HEX = frozenset("0123456789abcdefABCDEF")
# Printable ASCII that may stand unencoded in a path or query (RFC 3986 reserved + unreserved).
_PATH_OK = _UNRESERVED | frozenset("!$&'()*+,;=:@/")
_QUERY_OK = _PATH_OK | frozenset("?")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")


def absolute(href: str | None, base: str) -> str | None:
    """`href` resolved against `base`, or None unless the result is an http(s) URL with a host."""
    if not href:
        return None
    link = _INNER_JUNK.sub("", href.strip(_EDGE_JUNK)).replace(" ", "%20")
    if not link or link.startswith("#"):
        return None  # a same-page anchor is not a link to anything new
    if _scheme_of(link) in _WEB_SCHEMES or link.startswith(("\\", "/")):
        link = link.replace("\\", "/")  # browsers read "\" as "/" in web URLs
    # Most links are a plain "/path" or "https://host/path", which urljoin would hand back as
    # they are (or after the base's origin): answered without it, at a fifth of the cost. The
    # property test in tests/test_urls.py holds these paths to `_resolve` on generated links.
    if _PLAIN_PATH.fullmatch(link):
        origin = _origin(base)
        if origin is not None:
            return origin + link
    elif (plain := _PLAIN_ABSOLUTE.fullmatch(link)) is not None and _valid_port(plain[1]) \
            and _origin(base) is not None:  # urljoin would refuse a base it cannot split
        return link
    return _resolve(link, base)


def _resolve(link: str, base: str) -> str | None:
    """`absolute` for a link already stripped of junk, the general way (urljoin)."""
    try:
        joined = urljoin(base.strip(), link)
        parts = urlsplit(joined)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
        if parts.scheme.lower() not in _WEB_SCHEMES or not parts.hostname:
            return None
        if parts.hostname.strip(".") == "":
            return None
    except (ValueError, UnicodeError):
        return None
    if joined.startswith(parts.scheme):
        joined = parts.scheme.lower() + joined[len(parts.scheme):]
    return joined


# A root-relative path that urljoin keeps as it is: no "//", no dot segment (nor any "/."),
# no ";params" in the path, no empty "?" or "#" (urljoin drops those).
_PATH = r"/(?![/.])(?:[^;?#\\/]|/(?![/.]))*"
_REST = r"(?:\?[^#]+)?(?:#.+)?"
_PLAIN_PATH = re.compile(_PATH + _REST)
# The same after a lowercase web scheme and a plain ASCII host: urljoin hands it back unchanged.
# Linear time: the host is one run of host characters (the lookahead, tried once, asks for one
# that is not a dot). Written as `[.]*[^.][.]*` it was quadratic, since a link that fails at its
# end (a bare "?") retried every split of the host: 20 s for a 16,000-character link.
_PLAIN_ABSOLUTE = re.compile(
    r"https?://(?=[A-Za-z0-9.-]*[A-Za-z0-9-])[A-Za-z0-9.-]+(:[0-9]*)?" rf"(?:{_PATH})?{_REST}")


def _valid_port(port: str | None) -> bool:
    return port is None or port == ":" or (len(port) <= 6 and int(port[1:]) <= 65535)


@functools.lru_cache(maxsize=256)
def _origin(base: str) -> str | None:
    """"scheme://host[:port]" as `absolute` writes it for links on `base`'s host, or None."""
    root = _resolve("/", base)
    return root[:-1] if root is not None else None


def canonical_url(url: str) -> str:
    """The stable id of an article URL; idempotent, and never raises.

    Lowercases scheme and host (IDNA hosts become punycode), drops the default port, the
    fragment and tracking parameters, keeps other parameters in order, normalises
    percent-encoding and dot segments, and turns an empty path into "/".
    """
    text = url.strip()
    try:
        parts = urlsplit(text)
        if not parts.scheme or not parts.netloc:
            return text
        scheme = parts.scheme.lower()
        netloc = _canonical_netloc(parts, scheme)
    except (ValueError, UnicodeError):
        return text
    if not netloc:  # a host of dots only ("http://..//x"): no URL to make stable
        return text
    path = _remove_dot_segments(_normalise_percent(parts.path, _PATH_OK)) or "/"
    if not path.startswith("/"):
        path = "/" + path
    query = "&".join(
        _normalise_percent(pair, _QUERY_OK)
        for pair in parts.query.split("&")
        if pair and not _is_tracking(pair)
    )
    return urlunsplit((scheme, netloc, path, query, ""))


def host_of(url: str) -> str:
    """The lowercased host of `url` (punycode for IDNA, no port, no trailing dot); "" if none."""
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return ""
    return _normalise_host(host) if host else ""


def same_host(url: str, host: str) -> bool:
    """Whether `url` is on `host`; case-insensitive, and "www.x" counts as the same host as "x"."""
    other = host_of(host) if "//" in host else _normalise_host(host.strip())
    mine = host_of(url)
    return bool(mine) and _strip_www(mine) == _strip_www(other)


def url_path(url: str) -> str:
    """The path of `url`, "/" when it is empty or the URL cannot be split."""
    try:
        return urlsplit(url.strip()).path or "/"
    except ValueError:
        return "/"


def _scheme_of(link: str) -> str:
    head, sep, _ = link.partition(":")
    return head.lower() if sep and _SCHEME.fullmatch(head) else ""


def _canonical_netloc(parts: SplitResult, scheme: str) -> str:
    host = parts.hostname
    if not host:
        return parts.netloc.lower()
    host = _normalise_host(host)
    if ":" in host:
        host = f"[{host}]"  # IPv6 literal
    port = parts.port  # ValueError on a bad port is handled by the caller
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    userinfo, at, _ = parts.netloc.rpartition("@")
    return f"{userinfo}@{host}" if at else host


def _normalise_host(host: str) -> str:
    host = host.lower().rstrip(".")
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host  # not valid IDNA: the lowercased form is still a stable id


def _strip_www(host: str) -> str:
    return host[4:] if host.startswith("www.") else host


def _is_tracking(pair: str) -> bool:
    key = unquote_plus(pair.partition("=")[0]).strip().lower()
    return key.startswith("utm_") or key in TRACKING_PARAMS


def _normalise_percent(text: str, allowed: frozenset[str]) -> str:
    """Uppercase %xx escapes, decode the unreserved ones, encode what may not stand bare."""
    if allowed.issuperset(text):  # the usual case, proved in C: no escapes, nothing to encode
        return text
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "%" and i + 2 < n and text[i + 1] in _HEX and text[i + 2] in _HEX:
            decoded = chr(int(text[i + 1:i + 3], 16))
            out.append(decoded if decoded in _UNRESERVED else "%" + text[i + 1:i + 3].upper())
            i += 3
            continue
        if ch in allowed:
            out.append(ch)
        else:  # includes a "%" that starts no escape, spaces and non-ASCII text
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8", "surrogatepass")))
        i += 1
    return "".join(out)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4, so "/a/./b/../c" and "/a/c" name the same article."""
    if "." not in path:
        return path
    out: list[str] = []
    segments = path.split("/")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == ".":
            if last:
                out.append("")
        elif segment == "..":
            if len(out) > 1:
                out.pop()
            if last:
                out.append("")
        else:
            out.append(segment)
    result = "/".join(out)
    if path.startswith("/") and not result.startswith("/"):
        result = "/" + result
    return result
