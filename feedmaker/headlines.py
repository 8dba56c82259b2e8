"""The headline a reader sees, taken when the page's metadata names the same one.

A page's metadata titles (JSON-LD headline, og:title, twitter:title, <title>) are written for
search engines and sharing, and often differ from the headline over the article: a shorter
social title, an SEO rewording, a "Headline | Section | Site" <title>. A visible heading that
one of them repeats (up to site and section names, punctuation and spacing) is the article's
headline as its readers see it, and it beats every metadata title alone.

Visible headings are the page's first few <h1>s, its microdata headline, then its first few
<h2>s (pages whose <h1> is the site's logo or a section's name put the headline in an <h2>).
Not headings: an <h1> inside a breadcrumb or navigation (where some CMSs put the SEO title),
and a site's logo (a heading that is only a link home). A heading no metadata title repeats is
never taken here, so a "Related" or "Log in" cannot win.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from selectolax.lexbor import LexborNode

from . import jsonld
from .metadata import PageMeta
from .sanitize import clean_text
from .titles import strip_site_name

_MAX_H1 = 4
_MAX_H2 = 6
# A permalink mark a documentation generator puts after a heading's text ("Title ¶").
_MARK = re.compile(r"\s*[¶§#🔗]\s*$")
# Between a headline and a site or section name in a <title> ("Headline | Section | Site";
# "标题_频道_网站" on Chinese sites).
_SEPARATOR = re.compile(r"\s+[|–—·•»/-]\s+|\s*(?:[|•]|::|--)\s*|_(?=\S)")
_NOT_ALNUM = re.compile(r"\W+")
_WORD = re.compile(r"\w+")
# A metadata title's own kicker: "Kicker: Headline".
_KICKER = re.compile(r"^[^:]{2,60}:\s+(?=\S)")
# Hrefs of a link to the site's home page: a heading that is one is the site's logo.
_HOME = re.compile(r"^(?:\.?/|(?:\.?/)?index\.\w+|https?://[^/]+/?)$", re.I)
_FURNITURE = frozenset({"nav", "aside", "form", "footer"})
_BREADCRUMB = re.compile(r"breadcrumb", re.I)
_MAX_UP = 12  # ancestors looked at for a breadcrumb: deeper than any real one


def key(text: str) -> str:
    """Letters and digits only, casefolded: "Title : text" and "Title: text" are one title."""
    return _NOT_ALNUM.sub("", text.casefold())


def _in_furniture(node: LexborNode) -> bool:
    """Inside navigation, a breadcrumb, a sidebar, a form or a footer."""
    cur = node.parent
    for _ in range(_MAX_UP):
        if cur is None or cur.tag in ("body", "html"):
            return False
        if cur.tag in _FURNITURE or cur.attributes.get("role") == "navigation" \
                or _BREADCRUMB.search(cur.attributes.get("class") or ""):
            return True
        cur = cur.parent
    return False


def _forms(node: LexborNode) -> tuple[str, ...]:
    """A heading's text, and its text without a kicker: an element of its own that opens the
    heading ("<span>Olympics</span> Germany beats France"), the label over a headline that the
    page's metadata titles give with or without it. () for the site's logo (a heading whose
    text all sits in a link home)."""
    text = _MARK.sub("", clean_text(node.text(separator=" ")))
    if not text:
        return ()
    link = node.css_first("a[href]")
    if link is not None and _HOME.match((link.attributes.get("href") or "").strip()) \
            and key(clean_text(link.text(separator=" "))) == key(text):
        return ()
    first = next((c for c in node.iter() if c.text().strip()), None)
    if first is not None:
        kicker = clean_text(first.text(separator=" "))
        rest = text[len(kicker):].strip() if text.startswith(kicker) else ""
        if key(rest):
            return (rest, text)
    return (text,)


def headings(m: PageMeta) -> Iterator[tuple[str, ...]]:
    """The visible headline candidates, each as `_forms`, in the order they are trusted; read
    one at a time (on most pages the first is the one)."""
    # One query for the three kinds (each whole-page query costs ~20 µs on a big page).
    h1s: list[LexborNode] = []
    h2s: list[LexborNode] = []
    micro: list[LexborNode] = []
    for node in m.tree.css('h1, h2, [itemprop="headline"]:not(meta)'):
        if node.tag == "h1":
            h1s.append(node)
        elif node.attributes.get("itemprop") == "headline":
            micro.append(node)
        else:
            h2s.append(node)
    seen: list[tuple[str, ...]] = []
    for node in [*h1s[:_MAX_H1], *micro[:1], *h2s[:_MAX_H2]]:
        if _in_furniture(node):
            continue
        forms = _forms(node)
        if forms and forms not in seen:
            seen.append(forms)
            yield forms


def meta_titles(m: PageMeta) -> list[str]:
    """What the page's metadata calls its title, as written (site names still in)."""
    found = [t for k in ("og:title", "twitter:title", "dc.title") for t in m.meta.get(k, ())[:1]]
    found += [t for k in ("headline",) if (t := jsonld.text(m.ld.get(k)))]
    # A <meta> headline (itemprop="headline", or name="headline" beside og:title).
    found += m.meta.get("headline", [])[:1]
    node = m.tree.css_first("title")
    if node is not None and (t := clean_text(node.text())):
        found.append(t)
    return found


def _meta_forms(m: PageMeta, title: str) -> dict[str, str]:
    """key -> text of a metadata title as written, without the site's name, and its head
    before the first separator ("Headline | Section | Site" -> "Headline")."""
    forms: dict[str, str] = {}
    cut = _SEPARATOR.search(title)
    for form in (title, strip_site_name(title, m), title[:cut.start()] if cut else ""):
        if form and (k := key(form)):
            forms.setdefault(k, form)
    return forms


def agreed_title(m: PageMeta) -> str | None:
    """The first visible heading that a metadata title repeats, in the metadata's wording (a
    heading's text runs its parts together: "Kicker Headline", a space before a colon); or
    og:title when it is that headline with words cut.

    A feed is read as a list of titles, the way a share card is: an og:title that only leaves
    words out of the headline ("... here's how to check" for "... here's how to check if you
    have the rare buck", "Interimstrainer X" for "MSV-Interimstrainer X") is the short form
    the publisher wrote for such lists. A reworded og:title is another title: the heading
    stays."""
    titles = list(dict.fromkeys(meta_titles(m)))  # og:title and twitter:title are often one
    found = _agreed(m, titles) if titles else None
    return _short_form(m, found) or found if found else None


def _short_form(m: PageMeta, headline: str) -> str | None:
    """og:title without the site's name when it is `headline` with words left out, keeping at
    least half of them (and 3); not one ending in "…", a title cut at a length limit."""
    og = m.first("og:title")
    if not og or og == headline:  # the commonest page: og:title is the headline
        return None
    short = strip_site_name(og, m)
    words, of = _WORD.findall(short.casefold()), _WORD.findall(headline.casefold())
    if not 3 <= len(words) < len(of) or 2 * len(words) < len(of) or short.endswith(("…", "...")):
        return None
    if of[:len(words)] == words and _looks_cut(short):
        return None
    rest = iter(of)
    # `in` on an iterator consumes it up to the match: the words in the headline's order.
    return short if all(word in rest for word in words) else None


def _looks_cut(prefix: str) -> bool:
    """A headline's first words that stop where no title ends: on a short lower-case word ("...
    Sieger und", "... the state of") or on a comma, colon or dash: cut at a length limit, without
    the "…" that would say so."""
    last = prefix.rstrip()
    if last[-1:] in ",:;-–—":
        return True
    word = _WORD.findall(last)[-1:]
    return bool(word) and len(word[0]) <= 3 and word[0].islower() and last.endswith(word[0])


def _agreed(m: PageMeta, titles: list[str]) -> str | None:
    """The first visible heading a metadata title repeats. The metadata titles are asked in
    order of trust (og:title first): when a heading's text with its kicker and without are
    both metadata titles, the first to repeat one of them says whether the kicker belongs to
    the headline."""
    forms: list[dict[str, str]] | None = None
    for head in headings(m):
        keys = [key(text) for text in head]
        if forms is None:
            # The commonest page: its first heading as a metadata title writes it. Site names
            # are stripped from the metadata titles only when it is not.
            found = next((t for t in titles if key(t) in keys), None)
            if found is not None:
                return found
            forms = [_meta_forms(m, t) for t in titles]
        found = next((f[k] for f in forms for k in keys if k in f), None)
        if found is None and len(keys) > 1:
            # A heading under a kicker of its own whose metadata title puts another before
            # the same headline ("Kicker A - Headline" over the article, "Kicker B: Headline"
            # in og:title): only when no metadata title names the heading as it is.
            found = next((tail for t in titles if (tail := _kickerless(m, t)) and key(tail) == keys[0]),
                         None)
        if found is not None:
            return found
    return None


def _kickerless(m: PageMeta, title: str) -> str:
    """A metadata title without its kicker ("Kicker: Headline | Site" -> "Headline"); "" if
    it has none."""
    kicker = _KICKER.match(title)
    return strip_site_name(title[kicker.end():], m) if kicker else ""
