"""Adapter for ../shared/realdata/score_articles.py: `article(html, url)` over parse_article with
no site rules, the way most users run feedmaker (a site with no [article] block).

    python ../shared/realdata/score_articles.py -e benchmarks.real_articles:article
"""

from __future__ import annotations

from datetime import UTC
from typing import Any
from urllib.parse import urlsplit

from feedmaker.config import SiteConfig
from feedmaker.errors import ParseError
from feedmaker.parse import parse_article
from feedmaker.sanitize import html_to_text

_SITES: dict[str, SiteConfig] = {}


def site_for(url: str) -> SiteConfig:
    """A SiteConfig with no rules for the page's host (UTC for dates without a zone)."""
    parts = urlsplit(url or "https://example.invalid/")
    home = f"{parts.scheme or 'https'}://{parts.netloc or 'example.invalid'}/"
    site = _SITES.get(home)
    if site is None:
        site = _SITES[home] = SiteConfig(key="real", name="real", url=home, sections={}, timezone=UTC)
    return site


def article(html: str, url: str) -> dict[str, Any]:
    try:
        a = parse_article(html, url or "https://example.invalid/article", site_for(url)).article
    except ParseError:
        return {}
    return {"title": a.title, "authors": list(a.authors),
            "published": a.published.isoformat() if a.published else None,
            "tags": list(a.tags), "body_text": html_to_text(a.content) if a.content else ""}
