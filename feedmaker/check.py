"""`feedmaker check`: what the rules find on each section page and on one article, field by field."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .autolinks import Decision
from .config import Config, SiteConfig
from .errors import FeedmakerError
from .links import AUTO, Link, explain_listing, parse_listing
from .model import Parsed
from .parse import parse_article
from .rulehealth import describe
from .store import HealthRow, Store
from .urls import canonical_url

SHOWN = 5  # links listed per section unless every link is asked for

if TYPE_CHECKING:
    from aiohttp.abc import AbstractResolver  # the test seam: any host name to 127.0.0.1


@dataclass
class SectionReport:
    title: str
    url: str
    links: list[Link] = field(default_factory=list)
    next_url: str | None = None
    error: str | None = None
    # The automatic picker's reasons, link by link, when it chose the links shown.
    decisions: list[Decision] = field(default_factory=list)

    def link_lines(self, every: bool = False) -> list[str]:
        """The links found and why: the first few with the picker's signal and block, then
        what was left out, by reason, with an example; `every` lists each link instead."""
        why = {d.url: d for d in self.decisions}
        lines: list[str] = []
        for link in self.links if every else self.links[:SHOWN]:
            lines.append(f"    {link.url}  {link.title[:60]!r}")
            if (d := why.get(link.url)) is not None:
                lines.append(f"        ← {d.why}  [{short_block(d.block)}]")
            elif not self.decisions:
                lines.append("        ← the [links] rules")
        if len(self.links) > SHOWN and not every:
            lines.append(f"    … and {len(self.links) - SHOWN} more (--links lists every link)")
        left = [d for d in self.decisions if not d.taken]
        if not left:
            return lines
        lines.append(f"  left out: {len(left)} links")
        if every:
            lines += [f"    {d.url}  {d.title[:40]!r}\n        ✗ {d.why}  [{short_block(d.block)}]"
                      for d in left]
            return lines
        examples = {d.why: d for d in reversed(left)}
        for reason, n in Counter(d.why for d in left).most_common():
            d = examples[reason]
            lines.append(f"    {n:>3} {reason}; e.g. {d.url} {d.title[:30]!r} "
                         f"[{short_block(d.block)}]")
        return lines


def short_block(block: str, parts: int = 4) -> str:
    """The last few steps of a markup path: "…>section.cards>div.card>h3>a"."""
    steps = block.split(">")
    return block if len(steps) <= parts else "…>" + ">".join(steps[-parts:])


@dataclass
class CheckReport:
    site: SiteConfig
    sections: list[SectionReport]
    article_url: str | None = None
    parsed: Parsed | None = None
    article_error: str | None = None
    health: list[HealthRow] = field(default_factory=list)  # what the last builds' rules matched

    def health_lines(self) -> list[str]:
        """Rule health from the state file, one line per section and field."""
        return [f"  {r.kind} {r.name}: {describe(r)}" for r in self.health]


async def check_site(config: Config, site: SiteConfig, article_url: str | None = None, *,
                     resolver: AbstractResolver | None = None) -> CheckReport:
    from .build import make_fetcher

    reports: list[SectionReport] = []
    async with make_fetcher(config, site, resolver) as fetcher:
        for title, url in site.sections.items():
            report = SectionReport(title, url)
            reports.append(report)
            try:
                page = await fetcher.get(url, allowed_hosts=site.allowed_hosts)
                listing = parse_listing(page.html, page.url, url, site.links, site.host)
                report.links, report.next_url = list(listing.links), listing.next_url
                if listing.source == AUTO or not listing.links:
                    report.decisions = explain_listing(page.html, page.url, url, site.links,
                                                       site.host)
                if not listing.links and listing.fallback:
                    report.links = list(listing.fallback)
                    report.error = (f"the link rules matched nothing; the automatic picker finds "
                                    f"{len(listing.fallback)} (shown)")
                elif not listing.links:
                    report.error = "no article links matched"
            except FeedmakerError as exc:
                report.error = str(exc)
        target = article_url or next((r.links[0].url for r in reports if r.links), None)
        result = CheckReport(site, reports, target)
        if target:
            try:
                page = await fetcher.get(canonical_url(target), allowed_hosts=site.allowed_hosts)
                result.parsed = parse_article(page.html, page.url, site)
            except FeedmakerError as exc:
                result.article_error = str(exc)
    if config.state.exists():
        with Store(config.state) as store:
            result.health = store.rule_health(site.key)
    return result
