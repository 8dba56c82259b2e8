"""The served directory's front door: index.html (with autodiscovery links) and feeds.opml."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from xml.sax.saxutils import quoteattr

from .dates import rfc822

_TYPES = {"atom": "application/atom+xml", "rss": "application/rss+xml", "json": "application/feed+json"}


@dataclass(frozen=True, slots=True)
class Listed:
    """One feed as the index lists it."""

    site: str
    site_name: str
    kind: str  # "all", "section" or "tag"
    title: str
    path: str  # under out_dir without extension
    updated: datetime | None
    entries: int
    state: str = "ok"  # the site's state: ok, failing or blocked
    home: str = ""  # the page the feed mirrors: the section's, else the site's


def render_index(feeds: Sequence[Listed], public_url: str) -> bytes:
    by_site: dict[str, list[Listed]] = {}
    for f in feeds:
        by_site.setdefault(f.site, []).append(f)
    head = [f'<link rel="alternate" type="{_TYPES[fmt]}" title={quoteattr(f.title)} '
            f'href={quoteattr(public_url + f.path + "." + fmt)}>'
            for f in feeds if f.kind != "tag" for fmt in ("atom", "rss")]
    body: list[str] = []
    for items in by_site.values():
        body.append(f"<section><h2>{escape(items[0].site_name)} "
                    f"<small class=\"state {escape(items[0].state)}\">{escape(items[0].state)}</small></h2>")
        for kind, heading in (("all", "Everything"), ("section", "Sections"), ("tag", "Tags")):
            rows = [f for f in items if f.kind == kind]
            if not rows:
                continue
            body.append(f"<h3>{heading}</h3><table>")
            for f in rows:
                links = " ".join(f'<a href="{escape(f.path)}.{fmt}">{fmt.upper()}</a>'
                                 for fmt in ("atom", "rss", "json"))
                when = f.updated.strftime("%Y-%m-%d %H:%M UTC") if f.updated else "—"
                body.append(f"<tr><td>{escape(f.title)}</td><td>{links}</td>"
                            f"<td>{plural(f.entries, 'entry', 'entries')}</td><td>updated {when}</td></tr>")
            body.append("</table>")
        body.append("</section>")
    page = (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>feedmaker feeds</title>\n" + "\n".join(head) + "\n"
        "<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
        "td{padding:.1em .8em .1em 0}.state{font-size:60%;padding:.1em .4em;border-radius:.3em}"
        ".ok{background:#cfc}.failing{background:#fcc}.blocked{background:#fdb}</style>\n"
        "</head><body><nav><a href=\"status\">Status</a> · <a href=\"new\">New site</a> "
        "<small>(pages of <code>feedmaker run</code>)</small></nav><h1>Feeds</h1>\n"
        "<p>Subscribe to any feed below, or import <a href=\"feeds.opml\">feeds.opml</a> "
        "into your reader.</p>\n" + "\n".join(body) + "\n</body></html>\n"
    )
    return page.encode()


def plural(n: int, one: str, many: str) -> str:
    """"1 entry", "2 entries", "0 entries" (English: only 1 takes the singular)."""
    return f"{n:,} {one if n == 1 else many}"


def _html_attr(text: str) -> str:
    """An OPML text or title attribute: OPML 2.0 lets these carry HTML and the W3C validator
    parses them as HTML, so "Arts&Culture" (a bare "&" starting no reference) is a NotHtml
    warning. The text is HTML-escaped, then XML-escaped: readers show "Arts&Culture"."""
    return quoteattr(escape(text, quote=False))


def render_opml(feeds: Sequence[Listed], public_url: str) -> bytes:
    newest = max((f.updated for f in feeds if f.updated), default=None)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<opml version="2.0">', "<head>",
             "<title>feedmaker feeds</title>"]
    if newest:
        lines.append(f"<dateModified>{rfc822(newest)}</dateModified>")
    lines += ["</head>", "<body>"]
    by_site: dict[str, list[Listed]] = {}
    for f in feeds:
        by_site.setdefault(f.site, []).append(f)
    for items in by_site.values():
        # The site's folder gets no htmlUrl: on an outline without a type the validator calls
        # that MissingOutlineType, and a type would make it a feed or a link.
        lines.append(f"<outline text={_html_attr(items[0].site_name)}>")
        for f in items:
            home = f" htmlUrl={quoteattr(f.home)}" if f.home else ""
            lines.append(f"<outline type=\"rss\" text={_html_attr(f.title)} title={_html_attr(f.title)} "
                         f"xmlUrl={quoteattr(public_url + f.path + '.atom')}{home}/>")
        lines.append("</outline>")
    lines += ["</body>", "</opml>", ""]
    return "\n".join(lines).encode()
