"""Tables of boilerplate hints for extract: junk tags, class/id/role name words, stock phrases."""

from __future__ import annotations

import re
from typing import Any

# Never article prose, whatever they contain: removed with their content before any scoring.
JUNK_TAGS = [
    "script", "style", "noscript", "iframe", "svg", "template", "object", "embed", "canvas",
    "button", "select", "textarea", "input", "option", "link", "meta", "nav", "dialog", "menu",
    "map", "audio", "video", "source", "track", "head",
]

# Usually boilerplate, but some sites wrap the whole page in a <form> (ASP.NET) or put the
# article in a <header>/<aside>: these are removed only when they hold little paragraph text.
SOFT_JUNK = "form, header, footer, aside"

# ARIA landmarks that are never the article.
JUNK_ROLES = frozenset({
    "navigation", "complementary", "banner", "contentinfo", "menu", "menubar", "dialog",
    "alertdialog", "search", "tablist", "toolbar", "alert", "status",
})

# class/id words that mark boilerplate. A word must start at a name boundary (start, "-", "_",
# space or a camelCase hump, since names are matched lower-cased we accept any position for the
# long, unambiguous words) so that "ad" does not hit "header" or "reading".
_NEG_ANYWHERE = (
    r"comment|disqus|share|sharing|social|related|sidebar|newsletter|subscri|signup|sign-up"
    r"|cookie|consent|gdpr|promo|advert|sponsor|outbrain|taboola|recommend|popular|trending"
    r"|mostread|most-read|breadcrumb|pagination|pager|masthead|footer|topbar|navbar"
    r"|byline|dateline|timestamp|author-bio|authorbio|copyright|disclaimer|modal|popup"
    r"|overlay|toolbar|carousel|slideshow|gallery|gallery-nav|skip-link|print-only|screen-reader"
    r"|visually-hidden|sr-only|read-more|readmore|read-next|readnext|more-stories|morestories"
    r"|tags-list|taglist|keywords|follow-us|also-read|jump-link|lightbox"
)
_NEG_WORD = (
    r"ad|ads|adv|ad-\w+|ad_\w+|banner|nav|menu|meta|tags|tag-list|rail"
    r"|aside|header|caption|captions|credit|credits|video|share|tools|utility|utilities|foot|footnote-nav"
    r"|login|user|account|search|sticky|teaser|teasers|cta|rrail|right-rail|left-rail|rightcol"
    r"|leftcol|skyscraper|dfp|gpt|mpu|outstream|newsfeed|feed"
)


def _trie(words: list[str]) -> str:
    """A regex matching exactly `words` (plain strings), factored by their shared prefixes:
    Python's engine tries a flat alternation's every word at every position of a name, and
    this is read for every class and id of every page (twice as fast on real pages' names)."""
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here

    def pattern(node: dict[str, Any]) -> str:
        alts = [re.escape(char) + pattern(rest) for char, rest in sorted(node.items()) if char]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body
    return pattern(root)


_NEG_LITERAL = [w for w in _NEG_WORD.split("|") if "\\" not in w]
_NEG_PATTERN = [w for w in _NEG_WORD.split("|") if "\\" in w]  # ad-\w+, ad_\w+
NEGATIVE = re.compile(
    rf"(?:{_trie(_NEG_ANYWHERE.split('|'))})"
    rf"|(?:^|[\s_\-])(?:{'|'.join(_NEG_PATTERN)}|{_trie(_NEG_LITERAL)})(?:$|[\s_\-\d])"
)

# Names of the article container: a negative-named node that also has one of these and holds
# a large share of the page's paragraph text is a layout wrapper ("content has-sidebar").
POSITIVE = re.compile(
    r"article|story|entry|post-?body|post-?content|post-?text|main-?content|content-?body"
    r"|body-?text|text-?body|articlebody|blog-?post|news-?text|prose|rich-?text|richtext"
    r"|(?:^|[\s_\-])(?:body|content|text|post|main|page|column|single)(?:$|[\s_\-\d])"
)
# Negative words that mark a block we drop even when it holds much of the page's text (a long
# comment thread under a short article), unless it holds most of it.
_STRONG_NEGATIVE = (
    "comment|disqus|related|newsletter|subscri|signup|cookie|consent|outbrain|taboola"
    "|recommend|mostread|most-read|popular|trending|share|sharing|social|promo|sponsor"
    "|advert|read-more|readmore|read-next|readnext|more-stories|morestories|also-read"
    "|breadcrumb|sidebar"
)
STRONG_NEGATIVE = re.compile(_trie(_STRONG_NEGATIVE.split("|")))

# Names of blocks that never hold the article, however much text they have: the page's longest
# run of paragraphs may be a long comment or a cookie notice on a short article.
NEVER_ARTICLE = re.compile(r"comment(?!ary|ator)|disqus|cookie|consent|gdpr|privacy|newsletter|subscri"
                           r"|signup|modal|popup|dialog|reply|replies|respond", re.I)

# Short blocks whose text starts like this are calls to action or link teasers, not prose.
# Only matched on blocks under BOILERPLATE_MAX_CHARS characters, so a real paragraph that
# happens to start with "Related" survives.
BOILERPLATE_TEXT = re.compile(
    r"^\W*(?:read|see|watch|listen)\s+(?:more|next|also|the full|our)\b|^\W*related\b"
    r"|^\W*(?:most|more)\s+(?:read|popular|viewed|shared|from|stories|news|on)\b"
    r"|^\W*(?:also\s+read|recommended|trending|you\s+(?:may|might)\s+(?:also\s+)?like)\b"
    r"|^\W*(?:sign\s+up|subscribe|join\s+our|get\s+our|follow\s+us|share\s+(?:this|on)|click\s+here)\b"
    r"|^\W*(?:advert(?:isement)?|sponsored|promoted|continue\s+reading|story\s+continues)\b"
    r"|^\W*(?:this\s+article\s+(?:was|is)\s+(?:originally|first)|copyright|©|all\s+rights\s+reserved)"
    r"|^\W*(?:we\s+use\s+cookies|by\s+using\s+this\s+site)",
    re.IGNORECASE,
)
BOILERPLATE_MAX_CHARS = 120
