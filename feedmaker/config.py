"""Load feedmaker.toml into frozen dataclasses, validated once; errors name the file, key and problem."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from .dates import parse_tz
from .errors import ConfigError
from .language import normal_language
from .userregex import UserRegex, compile_user_regex

DEFAULT_USER_AGENT = "feedmaker/0.1 (+https://github.com/feedmaker/feedmaker)"
FIELDS = ("title", "content", "summary", "author", "published", "updated", "image", "tags")
_ATTR = re.compile(r"^(?P<css>.+)@(?P<attr>[A-Za-z_:][-\w:.]*)$")
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw])", re.I)
MAX_DURATION = 366 * 86400.0
MIN_DURATION = 1.0  # "0.001s" would poll a site a thousand times a second
MAX_BYTES_LIMIT = 256 * 1024 * 1024  # a page is held in memory whole: 2**63 is no limit
# Per-entry and per-poll caps, so that one page cannot multiply into gigabytes of feeds: every
# entry is copied into each of its feeds (all, its sections, one per tag) in three formats.
DEFAULT_MAX_CONTENT = 100 * 1024  # bytes of an entry's HTML; longer content is cut, with a link
DEFAULT_MAX_TAGS = 20  # tags kept per article
DEFAULT_MAX_NEW_TAGS = 200  # tags (and so tag feeds) a site may add in one poll
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
# An empty probe document: selectolax compiles (and so validates) a selector on first use.
_PROBE = LexborHTMLParser("<p></p>")


@dataclass(frozen=True, slots=True)
class Rule:
    """One CSS rule for a field: `css` picks nodes, `attr` (from "SEL@attr") takes an attribute."""

    css: str
    attr: str | None = None

    def __str__(self) -> str:
        return f"{self.css}@{self.attr}" if self.attr else self.css


@dataclass(frozen=True, slots=True)
class LinkRules:
    selector: str = "a[href]"
    include: UserRegex | None = None
    exclude: tuple[UserRegex, ...] = ()


@dataclass(frozen=True, slots=True)
class SiteConfig:
    key: str
    name: str
    url: str
    sections: Mapping[str, str]  # feed title -> absolute URL of the section page
    timezone: tzinfo
    interval: float = 900.0
    max_items: int = 50
    pages: int = 1
    links: LinkRules = field(default_factory=LinkRules)
    article: Mapping[str, Rule] = field(default_factory=dict)
    remove: tuple[str, ...] = ()
    refetch_after: float | None = None  # seconds; a known article older than this is re-checked
    allowed_hosts: tuple[str, ...] = ()  # other hosts redirects and articles may lead to
    # Fetch even when the site's names resolve to loopback/private addresses (fetch: PublicOnly).
    allow_private: bool = False
    user_agent: str | None = None
    language: str | None = None  # BCP 47; else each feed takes its articles' language

    @property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()


@dataclass(frozen=True, slots=True)
class Config:
    path: Path
    out_dir: Path
    state: Path
    public_url: str
    user_agent: str
    sites: Mapping[str, SiteConfig]
    timeout: float = 30.0
    max_bytes: int = 10 * 1024 * 1024
    per_host: int = 2
    max_content: int = DEFAULT_MAX_CONTENT
    max_tags: int = DEFAULT_MAX_TAGS
    max_new_tags: int = DEFAULT_MAX_NEW_TAGS
    parse_budget: float = 2.0  # seconds of CPU a page may take to parse before it is skipped
    # The browser pages (feedmaker/web): /new and saving are off unless `admin` (or `run
    # --admin`); `admin_token` is asked for there (else one is made at start-up and printed).
    # `allow_private` lets previews fetch loopback/private addresses (a homelab).
    admin: bool = False
    admin_token: str | None = None
    allow_private: bool = False
    # state = "postgresql://...": the shared store of `feedmaker worker` and `serve` (docs/scale.md);
    # `state` then keeps its default file name, which nothing opens.
    state_url: str | None = None


def parse_duration(value: object) -> float:
    """'90s', '15m', '1h30m', '2d' or a number of seconds -> seconds (> 0)."""
    if isinstance(value, bool):
        raise ValueError("expected a duration like '15m'")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        text = value.strip()
        parts = _DURATION.findall(text)
        if not parts or _DURATION.sub("", text).strip():
            raise ValueError(f"bad duration {value!r} (expected e.g. '90s', '15m', '1h', '1d')")
        seconds = sum(float(n) * _UNITS[u.lower()] for n, u in parts)
    else:
        raise ValueError(f"expected a duration like '15m', not {type(value).__name__}")
    if not seconds > 0:  # also refuses NaN
        raise ValueError(f"duration must be positive, got {value!r}")
    if seconds < MIN_DURATION:
        raise ValueError(f"duration {value!r} is shorter than a second")
    if seconds > MAX_DURATION:
        raise ValueError(f"duration {value!r} is longer than a year")
    return seconds


def parse_rule(text: str) -> Rule:
    """'SEL' or 'SEL@attr' -> Rule; raises ValueError for an invalid selector."""
    text = text.strip()
    m = _ATTR.match(text)
    css, attr = (m["css"].strip(), m["attr"]) if m else (text, None)
    check_selector(css)
    return Rule(css, attr)


def check_selector(css: str) -> None:
    try:
        _PROBE.css(css)
    except Exception as exc:  # selectolax raises its own error type for unparsable CSS
        raise ValueError(f"bad selector {css!r}") from exc


class _Reader:
    """Type-checked access to one TOML table, remembering its dotted path for errors."""

    def __init__(self, file: Path, table: Mapping[str, Any], path: str) -> None:
        self.file, self.table, self.path = file, table, path
        self.seen: set[str] = set()

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def error(self, name: str, problem: str) -> ConfigError:
        return ConfigError(str(self.file), self.key(name), problem)

    def get(self, name: str, kind: type | tuple[type, ...], default: Any = None,
            required: bool = False) -> Any:
        self.seen.add(name)
        if name not in self.table:
            if required:
                raise self.error(name, "is required")
            return default
        value = self.table[name]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
            want = " or ".join(k.__name__ for k in kinds)
            raise self.error(name, f"expected {want}, got {type(value).__name__} {value!r}")
        return value

    def sub(self, name: str) -> _Reader:
        return _Reader(self.file, self.get(name, dict, {}), self.key(name))

    def finish(self) -> None:
        unknown = sorted(set(self.table) - self.seen)
        if unknown:
            raise self.error(unknown[0], "unknown key")


def load_config(path: str | Path) -> Config:
    """Read and validate a config file. Relative paths in it are relative to its directory."""
    file = Path(path)
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(str(file), "", "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(file), "", f"cannot read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(file), "", f"not valid TOML: {exc}") from exc
    return config_from_dict(raw, file)


def config_from_dict(raw: Mapping[str, Any], file: Path) -> Config:
    top = _Reader(file, raw, "")
    base = file.resolve().parent
    out_dir = base / top.get("out_dir", str, "feeds")
    state_setting = top.get("state", str, "feedmaker.sqlite")
    state_url = state_setting if state_setting.startswith(("postgresql://", "postgres://")) else None
    state = base / ("feedmaker.sqlite" if state_url else state_setting)
    public_url = top.get("public_url", str, "http://localhost:8080/")
    if urlsplit(public_url).scheme not in ("http", "https"):
        raise top.error("public_url", f"expected an http(s) URL, got {public_url!r}")
    if not public_url.endswith("/"):
        public_url += "/"
    user_agent = _user_agent(top, DEFAULT_USER_AGENT) or DEFAULT_USER_AGENT
    timeout = _duration(top, "timeout", 30.0)
    max_bytes = _bounded(top, "max_bytes", 10 * 1024 * 1024, 1024, MAX_BYTES_LIMIT)
    per_host = _bounded(top, "per_host", 2, 1, 8)
    max_content = _bounded(top, "max_content", DEFAULT_MAX_CONTENT, 1024, MAX_BYTES_LIMIT)
    max_tags = _bounded(top, "max_tags", DEFAULT_MAX_TAGS, 0, 1000)
    max_new_tags = _bounded(top, "max_new_tags", DEFAULT_MAX_NEW_TAGS, 0, 100_000)
    parse_budget = _duration(top, "parse_budget", 2.0)
    if parse_budget > 600:
        raise top.error("parse_budget", "must be at most 10 minutes")
    _check_out_dir(top, out_dir, state, file)
    admin = top.get("admin", bool, False)
    admin_token = top.get("admin_token", str, None)
    if admin_token is not None and not re.fullmatch(r"[\x21-\x7e]{16,256}", admin_token):
        raise top.error("admin_token", "must be 16 to 256 printable ASCII characters, no spaces")
    allow_private = top.get("allow_private", bool, False)
    sites_table = top.sub("sites")
    sites = {key: _site(sites_table.sub(key), key) for key in sites_table.table}
    sites_table.seen.update(sites)
    if not sites:
        raise top.error("sites", "no site configured (add a [sites.NAME] table)")
    top.finish()
    return Config(file, out_dir, state, public_url, user_agent, sites, timeout, max_bytes,
                  per_host, max_content, max_tags, max_new_tags, parse_budget, admin, admin_token,
                  allow_private, state_url)


def _bounded(r: _Reader, name: str, default: int, low: int, high: int) -> int:
    value: int = r.get(name, int, default)
    if not low <= value <= high:
        raise r.error(name, f"must be between {low:,} and {high:,}, got {value:,}")
    return value


def _check_out_dir(r: _Reader, out_dir: Path, state: Path, file: Path) -> None:
    """out_dir is served to anyone: it must not hold the state file, its lock or the config
    (out_dir = "." would serve them), nor be the root of the filesystem."""
    served = out_dir.resolve()
    if served == Path(served.anchor):
        raise r.error("out_dir", f"{out_dir} is the root of the filesystem: everything in it "
                                 "would be served")
    private = {"the state file": state, "the lock file": state.with_name(state.name + ".lock"),
               "the config file": file}
    for what, path in private.items():
        where = path.resolve()
        if where == served or served in where.parents:
            raise r.error("out_dir", f"{out_dir} holds {what} ({path}), which would be served to "
                                     "anyone: choose a folder of its own, e.g. out_dir = \"feeds\"")


SITE_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def _site(r: _Reader, key: str) -> SiteConfig:
    if not SITE_KEY.match(key):
        raise ConfigError(str(r.file), r.path,
                          "site names must be lowercase letters, digits, '-' or '_' "
                          "(they become directory names)")
    url = r.get("url", str, required=True)
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
        raise r.error("url", f"expected an absolute http(s) URL, got {url!r}")
    try:
        tz = parse_tz(r.get("timezone", str, "UTC"))
    except ValueError as exc:
        raise r.error("timezone", str(exc)) from None
    max_items = r.get("max_items", int, 50)
    if not 1 <= max_items <= 10000:
        raise r.error("max_items", "must be between 1 and 10000")
    pages = r.get("pages", int, 1)
    if not 1 <= pages <= 50:
        raise r.error("pages", "must be between 1 and 50")
    sections = _sections(r.sub("sections"), url)
    links = _links(r.sub("links"))
    rules, remove = _article(r.sub("article"))
    refetch = _duration(r, "refetch_after", None)
    hosts = r.get("allowed_hosts", list, [])
    for i, host in enumerate(hosts):
        if not isinstance(host, str) or not re.fullmatch(r"[A-Za-z0-9.-]+", host):
            raise r.error(f"allowed_hosts[{i}]", f"expected a host name like 'cdn.example.com', got {host!r}")
    hosts = tuple(h.lower() for h in hosts)
    user_agent = _user_agent(r, None)
    allow_private = r.get("allow_private", bool, False)
    language = r.get("language", str, None)
    if language is not None and normal_language(language) is None:
        raise r.error("language", f"expected a language tag like 'en' or 'pt-BR', got {language!r}")
    site = SiteConfig(
        key=key, name=r.get("name", str, key), url=url, sections=sections, timezone=tz,
        interval=_duration(r, "interval", 900.0), max_items=max_items, pages=pages,
        links=links, article=rules, remove=remove, refetch_after=refetch,
        allowed_hosts=hosts, allow_private=allow_private, user_agent=user_agent,
        language=normal_language(language) if language is not None else None,
    )
    r.finish()
    return site


def _user_agent(r: _Reader, default: str | None) -> str | None:
    value = r.get("user_agent", str, default)
    if value is None:
        return None
    value = value.strip()
    # It goes into an HTTP header: printable ASCII only.
    if not all(" " <= c <= "~" for c in value):
        raise r.error("user_agent", f"must be printable ASCII (it is sent as an HTTP header): {value!r}")
    return str(value)


def _duration(r: _Reader, name: str, default: float | None) -> Any:
    value = r.get(name, (str, int, float), None)
    if value is None:
        return default
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise r.error(name, str(exc)) from None


def _sections(r: _Reader, site_url: str) -> dict[str, str]:
    from urllib.parse import urljoin

    sections: dict[str, str] = {}
    for title in r.table:
        where = r.get(title, str, required=True).strip()
        absolute = urljoin(site_url, where)
        if urlsplit(absolute).scheme not in ("http", "https") or not where:
            raise r.error(title, f"expected a path or http(s) URL, got {where!r}")
        if not title.strip():
            raise r.error(title, "a section needs a title")
        sections[title.strip()] = absolute
    if not sections:
        raise ConfigError(str(r.file), r.path, "no sections: add at least one 'Title = \"/path\"'")
    return sections


def _links(r: _Reader) -> LinkRules:
    selector = r.get("selector", str, "a[href]")
    try:
        check_selector(selector)
    except ValueError as exc:
        raise r.error("selector", str(exc)) from None
    include = _regex(r, "include", r.get("include", str, None))
    excludes = r.get("exclude", (list, str), [])
    if isinstance(excludes, str):
        excludes = [excludes]
    exclude = tuple(_regex(r, f"exclude[{i}]", p) for i, p in enumerate(excludes))
    r.finish()
    return LinkRules(selector, include, tuple(p for p in exclude if p is not None))


def _regex(r: _Reader, name: str, pattern: object) -> UserRegex | None:
    if pattern is None:
        return None
    if not isinstance(pattern, str):
        raise r.error(name, f"expected a regex string, got {pattern!r}")
    try:
        return compile_user_regex(pattern)
    except ValueError as exc:
        raise r.error(name, str(exc)) from None


def _article(r: _Reader) -> tuple[dict[str, Rule], tuple[str, ...]]:
    rules: dict[str, Rule] = {}
    for name in FIELDS:
        text = r.get(name, str, None)
        if text is None or not text.strip():
            continue
        try:
            rules[name] = parse_rule(text)
        except ValueError as exc:
            raise r.error(name, str(exc)) from None
    remove = r.get("remove", (list, str), [])
    if isinstance(remove, str):
        remove = [remove]
    for i, css in enumerate(remove):
        if not isinstance(css, str):
            raise r.error(f"remove[{i}]", f"expected a selector string, got {css!r}")
        try:
            check_selector(css)
        except ValueError as exc:
            raise r.error(f"remove[{i}]", str(exc)) from None
    r.finish()
    return rules, tuple(remove)
