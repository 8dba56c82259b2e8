"""The page shell every HTML page shares: head, nav menus, breaking-news ticker, footer, banners."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from .model import Catalog

STYLE = """<style>
body{font-family:Arial,Helvetica,sans-serif;margin:0;color:#222}
.site-header{background:#8b0000;color:#fff;padding:8px 16px}
.site-header a{color:#fff;margin-right:12px;text-decoration:none}
.ticker{background:#111;color:#fff;white-space:nowrap;overflow:hidden}
.ticker a{color:#ffd700}.cards{display:grid;grid-template-columns:repeat(3,1fr);gap:16px}
.article-body p{line-height:1.6}.ad{background:#eee;text-align:center}
#cookie-banner{position:fixed;bottom:0;width:100%;background:#333;color:#fff}
</style>"""

_PROGRAMS = ("hadith-al-sa3a", "the-talk", "beyond-the-news", "open-dialogue")
_VIDEOS = ("1204/gaza-in-numbers", "1190/lebanon-power-crisis", "1177/inside-the-clinic")
_NAV_TAGS = ("Gaza", "Lebanon", "Climate Change", "Yemen", "Economy")
_SOCIAL = (
    ("Facebook", "https://www.facebook.com/almayadeenenglish"),
    ("X", "https://twitter.com/mayadeenenglish"),
    ("Telegram", "https://t.me/almayadeenenglish"),
    ("YouTube", "https://www.youtube.com/@almayadeenenglish"),
    ("Instagram", "https://www.instagram.com/almayadeenenglish"),
)


def tag_href(tag: str) -> str:
    """"/tags/Cell-Therapy"; odd characters percent-encoded like the real site does."""
    return "/tags/" + quote(tag.replace(" ", "-"), safe="-")


def author_href(name: str) -> str:
    return "/authors/" + quote(name.lower().replace(" ", "-"), safe="-")


def nav(cat: Catalog) -> str:
    sections = "".join(
        f'<li><a href="{s.path}">{escape(s.name)}</a></li>' for s in cat.sections.values()
    )
    tags = "".join(f'<li><a href="{tag_href(t)}">{escape(t)}</a></li>' for t in _NAV_TAGS)
    programs = "".join(
        f'<li><a href="/programs/{p}">{p.replace("-", " ").title()}</a></li>' for p in _PROGRAMS
    )
    videos = "".join(f'<li><a href="/videos/{v}">Video {v[:4]}</a></li>' for v in _VIDEOS)
    return (
        '<header class="site-header"><a class="logo" href="/"><img src="/images/logo.png" '
        'alt="Al Mayadeen English" width="120" height="40"></a>\n'
        f'<nav class="main-menu"><ul>{sections}<li><a href="/live">Live</a></li></ul></nav>\n'
        f'<nav class="sub-menu"><ul class="topics">{tags}</ul><ul class="programs">{programs}'
        f'</ul><ul class="videos">{videos}</ul><a href="/about-us">About us</a></nav>\n'
        '<form class="search" action="/search" method="get"><input name="q" '
        'placeholder="Search"></form></header>\n'
    )


def ticker(cat: Catalog, *, links: bool = True) -> str:
    """Breaking news; `links=False` for fault pages that must carry no article links at all."""
    if not links:
        return '<div class="ticker"><span>Breaking</span> No breaking news right now.</div>\n'
    items = []
    for target in cat.ticker:
        story = cat.story(target.split("?")[0])
        if story is not None:
            items.append(f'<li><a href="{escape(target)}">{escape(story.title)}</a></li>')
    return (
        '<div class="ticker" id="breaking-news"><span class="label">Breaking</span>'
        f'<ul>{"".join(items)}</ul></div>\n'
    )


def footer(cat: Catalog) -> str:
    social = "".join(
        f'<li><a href="{u}" target="_blank" rel="noopener">{n}</a></li>' for n, u in _SOCIAL
    )
    sections = "".join(f'<li><a href="{s.path}">{escape(s.name)}</a></li>'
                       for s in cat.sections.values())
    return (
        '<footer class="site-footer">\n'
        f'<ul class="social">{social}</ul>\n<ul class="footer-sections">{sections}</ul>\n'
        '<ul class="legal"><li><a href="/about-us">About Us</a></li>'
        '<li><a href="/contact-us">Contact Us</a></li>'
        '<li><a href="/privacy-policy">Privacy Policy</a></li>'
        '<li><a href="/terms-of-use">Terms of Use</a></li>'
        '<li><a href="/rss">RSS</a></li><li><a href="/sitemap.xml">Sitemap</a></li></ul>\n'
        '<p class="copyright">&copy; 2022 Al Mayadeen English – sample site for tests. '
        'الميادين</p>\n</footer>\n'
        '<div id="cookie-banner" class="cookie-consent">This site uses cookies to improve '
        'your experience &amp; measure traffic. <a href="/privacy-policy">Learn more</a> '
        '<button onclick="acceptCookies()">Accept</button></div>\n'
    )


SCRIPTS = (
    "<script>window.dataLayer=window.dataLayer||[];function acceptCookies(){"
    "document.getElementById('cookie-banner').remove();}</script>\n"
    '<script src="/static/app.js" defer></script>\n'
)


def page(cat: Catalog, title: str, main: str, *, head: str = "", links: bool = True,
         body_class: str = "", after_main: str = "") -> str:
    """A whole HTML document around `main`, and `after_main` between it and the footer. The
    charset meta is what the charset fault rewrites."""
    return (
        '<!DOCTYPE html>\n<html lang="en" dir="ltr">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)} | Al Mayadeen English</title>\n{head}{STYLE}\n"
        '<link rel="icon" href="/images/favicon.png">\n</head>\n'
        f'<body class="{body_class}">\n{nav(cat)}{ticker(cat, links=links)}'
        f'<main id="content">\n{main}\n</main>\n{after_main}{footer(cat)}{SCRIPTS}</body>\n'
        "</html>\n"
    )
