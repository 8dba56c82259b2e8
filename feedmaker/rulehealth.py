"""Rule health: what each build's link and field rules matched, and loud warnings when one that
used to work matches nothing (the site's layout changed). Pure bookkeeping; the store keeps it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .config import FIELDS, SiteConfig
from .listing import FALLBACK, RULES, Listing
from .store import HealthRow

LINKS, FIELD = "links", "field"
# A field rule is reported only when it missed on at least this many articles of one build:
# a single article may simply lack the field (a video page with no byline).
MIN_ARTICLES = 2


@dataclass
class RuleHealth:
    """Collected during one poll of one site; `rows` and `warnings` read it out afterwards."""

    previous: Mapping[tuple[str, str], HealthRow] = field(default_factory=dict)
    sections: dict[str, HealthRow] = field(default_factory=dict)
    fields: dict[str, Counter[str]] = field(default_factory=dict)
    articles: int = 0
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, rows: Iterable[HealthRow]) -> RuleHealth:
        return cls(previous={(r.kind, r.name): r for r in rows})

    def worked_before(self, section: str) -> int:
        """How many links the section's rules matched at best in earlier builds (0: never)."""
        row = self.previous.get((LINKS, section))
        return row.ever if row is not None and row.rule is not None else 0

    def listed_before(self, section: str) -> bool:
        """Did the section give article links at the last build (by rules or automatically)?"""
        row = self.previous.get((LINKS, section))
        return row is not None and (row.total > 0 or row.ever > 0)

    def section(self, site: SiteConfig, title: str, listing: Listing, used: int) -> None:
        """Record a section's first listing page: `used` links were taken, from `listing.source`."""
        rule = _link_rule(site)
        hits = len(listing.links) if listing.source == RULES else 0
        source = listing.source if used else "none"
        self.sections[title] = HealthRow(LINKS, title, used, used, {source: used} if used else {},
                                         rule, hits)

    def fell_back(self, site: SiteConfig, title: str, listing: Listing) -> None:
        before = self.worked_before(title)
        self.warnings.append(
            f"section {title!r}: the link rule {_link_rule(site)} matched no link (it matched "
            f"{before} before: has the page layout changed?); using {len(listing.fallback)} "
            f"automatically picked links instead, fix the rule or remove it")
        self.section(site, title, Listing(listing.fallback, listing.next_url, FALLBACK),
                     len(listing.fallback))

    def article(self, sources: Mapping[str, str]) -> None:
        self.articles += 1
        for name in FIELDS:
            self.fields.setdefault(name, Counter())[sources.get(name) or "none"] += 1

    def rows(self, site: SiteConfig) -> list[HealthRow]:
        rows = list(self.sections.values())
        if not self.articles:
            return rows
        for name in FIELDS:
            counts = self.fields.get(name, Counter())
            rule = site.article.get(name)
            hits = sum(n for src, n in counts.items() if src.startswith("selector"))
            filled = self.articles - counts.get("none", 0)
            rows.append(HealthRow(FIELD, name, self.articles, filled,
                                  {k: v for k, v in counts.most_common() if k != "none"},
                                  str(rule) if rule else None, hits))
        return rows

    def field_warnings(self, site: SiteConfig) -> list[str]:
        """Configured field rules that matched none of this build's articles but used to."""
        out: list[str] = []
        for row in self.rows(site):
            if row.kind != FIELD or row.rule is None or row.rule_hits or row.total < MIN_ARTICLES:
                continue
            before = self.previous.get((FIELD, row.name))
            if before is None or before.rule != row.rule or not before.ever:
                continue
            now = ", ".join(f"{k} {v}" for k, v in row.sources.items()) or "nothing"
            out.append(f"field {row.name!r}: the rule {row.rule!r} matched none of {row.total} "
                       f"articles (it matched {before.ever} before: has the page layout changed?); "
                       f"values now from: {now}")
        return out


def _link_rule(site: SiteConfig) -> str | None:
    rules = site.links
    if rules.include is None and rules.selector == "a[href]":
        return None
    parts = [f"selector={rules.selector!r}"] if rules.selector != "a[href]" else []
    if rules.include is not None:
        parts.append(f"include={rules.include.pattern!r}")
    return " ".join(parts)


def describe(row: HealthRow) -> str:
    """"published 10/10 from JSON-LD 8, selector time@datetime 2" for `check` and `init`."""
    sources = ", ".join(f"{k} {v}" for k, v in row.sources.items()) or "nothing"
    text = f"{row.filled}/{row.total} from {sources}"
    if row.rule is not None and row.ever and not row.rule_hits:
        text += f"  ⚠ rule {row.rule} matched nothing (best before: {row.ever})"
    return text
