"""/new's preview: fetch the page a user gives, pick its article links, parse three of them and
draft the site block, under the daemon's rules for fetching and parsing.

The fetch is a poll's: the config's User-Agent, robots.txt, size and time caps, and the daemon's
per-host slots (`HostSlots`), so previews and polls of one host share its limit. Only http(s);
no loopback, private or link-local address (checked after DNS by the fetcher, and here for
addresses and `localhost` written in the URL, which the fetcher trusts when the config names
them) unless the config's top-level `allow_private`. Redirects stay on the host and port asked.
Parsing runs in the parser pool, within its CPU budget. At most MAX_RUNNING previews at once;
the next is told to wait rather than queued.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..config import FIELDS, SITE_KEY, Config, LinkRules, Rule, SiteConfig, check_selector, parse_rule
from ..errors import FeedmakerError
from ..fetch import Fetcher, HostSlots
from ..init import Proposal, fill_rates, guess_zone, render_block, site_key, url_regex
from ..model import Parsed
from ..urls import canonical_url, url_path
from ..userregex import compile_user_regex
from ..workers import Parsers
from .survey import LinkRow

if TYPE_CHECKING:
    from aiohttp.abc import AbstractResolver  # the test seam: any host name to 127.0.0.1

MAX_RUNNING = 3  # previews at a time: each may fetch 4 pages and parse them
SAMPLES = 3  # articles fetched and parsed per preview
DEADLINE = 30.0  # seconds for a whole preview, whatever the fetch timeout
EDITABLE = ("title", "author", "published", "summary", "image", "tags", "content")


class Busy(FeedmakerError):
    """MAX_RUNNING previews are running already."""


@dataclass(frozen=True)
class Form:
    """What the /new form sends: the page, the site key, the link rules and field selectors."""

    url: str = ""
    key: str = ""
    include: str = ""
    selector: str = ""
    fields: tuple[tuple[str, str], ...] = ()  # (field, selector) for the fields given

    @classmethod
    def of(cls, data: Mapping[str, str]) -> Form:
        def value(name: str, limit: int = 2000) -> str:
            return str(data.get(name, "")).strip()[:limit]

        return cls(value("url"), value("key", 64), value("include", 500), value("selector", 500),
                   tuple((n, v) for n in EDITABLE if (v := value(n, 500))))

    def field(self, name: str) -> str:
        return dict(self.fields).get(name, "")

    def problems(self, allow_private: bool) -> dict[str, str]:
        """Input name -> what is wrong with it, before anything is fetched."""
        found: dict[str, str] = {}
        if problem := url_problem(self.url, allow_private):
            found["url"] = problem
        if self.key and not SITE_KEY.match(self.key):
            found["key"] = "lowercase letters, digits, '-' or '_', starting with a letter or digit"
        if self.include:
            try:
                compile_user_regex(self.include)
            except ValueError as exc:
                found["include"] = str(exc)
        if self.selector:
            try:
                check_selector(self.selector)
            except ValueError as exc:
                found["selector"] = str(exc)
        for name, css in self.fields:
            try:
                parse_rule(css)
            except ValueError as exc:
                found[name] = str(exc)
        return found

    def link_rules(self) -> LinkRules:
        include = compile_user_regex(self.include) if self.include else None
        return LinkRules(self.selector or "a[href]", include)

    def article_rules(self) -> dict[str, Rule]:
        return {name: parse_rule(css) for name, css in self.fields}


def url_problem(url: str, allow_private: bool) -> str | None:
    """Why a preview may not fetch `url`, or None. Names resolved by DNS are checked by the
    fetcher; an address or `localhost` written in the URL is checked here."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".").lower()
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return "not a valid URL"
    if parts.scheme.lower() not in ("http", "https") or not host:
        return "only http:// and https:// URLs can be previewed"
    if allow_private:
        return None
    if host == "localhost" or host.endswith(".localhost"):
        return f"{host} is this machine: refused (allow_private = true in the config allows it)"
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None
    from ..transport import non_public

    if (kind := non_public(str(address))) is not None:
        return f"{host} is a {kind} address: refused (allow_private = true in the config allows it)"
    return None


@dataclass
class Sample:
    url: str
    error: str | None = None
    values: list[tuple[str, str, str]] = field(default_factory=list)  # (field, value, source)


@dataclass
class Preview:
    form: Form
    key: str = ""
    page_url: str = ""
    error: str | None = None
    problems: dict[str, str] = field(default_factory=dict)
    links: list[LinkRow] = field(default_factory=list)
    source: str = ""  # how the links were picked: rules or automatic
    samples: list[Sample] = field(default_factory=list)
    block: str = ""
    seconds: float = 0.0

    @property
    def taken(self) -> int:
        return sum(1 for r in self.links if r.taken)


class Previewer:
    """Runs previews for the web app; `config` is called for the daemon's current config."""

    def __init__(self, config: Callable[[], Config], parsers: Parsers, slots: HostSlots, *,
                 resolver: AbstractResolver | None = None) -> None:
        self.config, self.parsers, self.slots, self.resolver = config, parsers, slots, resolver
        self.running = 0

    async def run(self, form: Form) -> Preview:
        """Raises Busy when MAX_RUNNING previews are running; any other trouble is in the
        Preview's `error` or `problems`."""
        config = self.config()
        preview = Preview(form, problems=form.problems(config.allow_private))
        if preview.problems:
            return preview
        if self.running >= MAX_RUNNING:
            raise Busy(f"{MAX_RUNNING} previews are running: try again in a few seconds")
        self.running += 1
        started = time.monotonic()
        try:
            async with asyncio.timeout(DEADLINE):
                await self._run(config, form, preview)
        except TimeoutError:
            preview.error = f"the preview took longer than {DEADLINE:g} s and was stopped"
        except FeedmakerError as exc:
            preview.error = str(exc)
        finally:
            self.running -= 1
            preview.seconds = time.monotonic() - started
        return preview

    async def _run(self, config: Config, form: Form, preview: Preview) -> None:
        host = (urlsplit(form.url).hostname or "").lower()
        async with Fetcher(config.user_agent, timeout=config.timeout, max_bytes=config.max_bytes,
                           per_host=config.per_host, resolver=self.resolver, slots=self.slots,
                           allow_private=config.allow_private) as fetcher:
            page = await fetcher.get(form.url)
            preview.page_url = page.url
            found = await self.parsers.survey(page.html, page.url, form.url, form.link_rules(), host)
            preview.links = list(found.rows)
            preview.source = found.listing.source if found.listing.links else \
                "automatic (the rules matched nothing)" if found.listing.fallback else ""
            targets = [r.url for r in preview.links if r.taken][:SAMPLES]
            site = SiteConfig(form.key or site_key(host), found.site_name, form.url, {}, UTC,
                              article=form.article_rules())
            texts = await asyncio.gather(*(self._sample(fetcher, site, u, config.allow_private)
                                           for u in targets))
        preview.samples = [s for s, _, _ in texts]
        parsed = [p for _, p, _ in texts]
        preview.key = site.key
        preview.block = block(form, site, found.page_title, len(targets), parsed,
                              [r.url for r in preview.links if r.taken],
                              [t for _, _, t in texts if t])
        if not targets:
            preview.error = "no article links found on this page: try a page that lists " \
                            "articles, or write an include rule"

    async def _sample(self, fetcher: Fetcher, site: SiteConfig, url: str, allow_private: bool
                      ) -> tuple[Sample, Parsed | None, str | None]:
        sample = Sample(url)
        if problem := url_problem(url, allow_private):  # a picked link to another host
            sample.error = problem
            return sample, None, None
        try:
            page = await fetcher.get(canonical_url(url))
            parsed = await self.parsers.article(page.html, page.url, site)
        except FeedmakerError as exc:
            sample.error = str(exc)
            return sample, None, None
        sample.values = field_values(parsed)
        return sample, parsed, page.text[:512 * 1024]


def field_values(parsed: Parsed) -> list[tuple[str, str, str]]:
    """(field, value as text, where it came from) for each field, as `check` shows them."""
    a, sources = parsed.article, parsed.sources
    rows = []
    for name in ("title", "author", "published", "updated", "summary", "image", "tags", "content"):
        value: Any = getattr(a, "authors" if name == "author" else name)
        if name in ("author", "tags"):
            value = " | ".join(value)
        elif name == "content" and value:
            text = " ".join(re.sub(r"<[^>]*>", " ", value[:4000]).split())
            value = f"{len(value):,} characters of HTML: {text[:200]}…"
        elif value is not None and not isinstance(value, str):
            value = value.isoformat()
        rows.append((name, str(value or ""), sources.get(name, "") or "not found"))
    return rows


def block(form: Form, site: SiteConfig, page_title: str, tried: int,
          parsed: list[Parsed | None], taken: list[str], texts: list[str]) -> str:
    """The site block `feedmaker init` would write for this page as the site's one section,
    with the form's rules (the fill-rate comments are from the articles tried)."""
    parts = urlsplit(form.url)
    home = f"{parts.scheme}://{parts.netloc}/"
    path = url_path(form.url) + (f"?{parts.query}" if parts.query else "")
    include = None if form.include else url_regex([url_path(u) for u in taken])
    proposal = Proposal(site.key, site.name, home, {page_title or "Latest": (path, len(taken))},
                        include, dict(form.fields), fill_rates(parsed) if parsed else
                        fill_rates([None] * tried), [u for u, p in zip(taken, parsed, strict=False) if p],
                        guess_zone(texts))
    text = render_block(proposal).replace(f"`feedmaker init {home}`",
                                          f"feedmaker's /new page from {form.url}", 1)
    if form.include or form.selector:
        from ..init import _str

        text += f"\n[sites.{site.key}.links]\n"
        if form.selector:
            text += f"selector = {_str(form.selector)}\n"
        if form.include:
            text += f"include = {_str(form.include)}\n"
    return text


__all__ = ["FIELDS", "Busy", "Form", "Preview", "Previewer", "Sample", "url_problem"]
