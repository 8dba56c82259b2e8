"""Authors: bylines split into people, cleaned of roles, dates and handles; the author sources.

"Von Felix Schröder und Jörg Soldwisch, dpa" -> ["Felix Schröder", "Jörg Soldwisch", "dpa"].
A byline names people and agencies; the publisher's own name ("Deutsche Welle", "STERN.de")
is not an author while the page names a person, so each source leaves it out and the last
source of the table gives it only when nothing else does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from . import jsonld
from .metadata import PageMeta, by_class_parts, in_furniture, language
from .sanitize import clean_text
from .titles import is_site_name

MAX_NAME = 80  # longer is a sentence or a job description, not a name
_MAX_WORDS = 6
_MAX_CLAUSE = 8  # words between commas: two or three names joined by "and"

# Up to three words, then "by": "By", "Posted by", "Tech Industry by", "Reporting by", "Por".
_BY = re.compile(r"^(?:[^\s,;]+\s+){0,3}?(?:by|por|par)\b\s*:?\s*", re.I)
# Only at the start: these are also name particles ("Ursula von der Leyen", "Luigi Di Maio").
_LEAD = re.compile(r"^\s*(?:von|vom|di|door|av|af|text|texto|testo|tekst|autor(?:in)?|author|auteur)"
                   r"\b\s*:?\s+", re.I)
# Between names: "A, B and C", "A & B", "A; B"; the word for "and" in the page's language.
_AND = {"en": "and", "de": "und", "fr": "et", "es": "y", "pt": "e", "it": "e", "nl": "en",
        "da": "og", "no": "og", "nb": "og", "nn": "og", "sv": "och", "is": "og", "tr": "ve",
        "pl": "i", "cs": "a", "sk": "a", "hr": "i", "sr": "i", "sl": "in", "fi": "ja", "et": "ja",
        "ro": "și", "hu": "és", "lt": "ir", "lv": "un", "id": "dan", "ms": "dan", "sw": "na"}
# A role after a name ends it: "Steffan Rhys Deputy Content Hub Director", "신현주 기자".
_ROLE = re.compile(
    r"\b(?:staff|senior|chief|contributing|special|deputy|executive|managing|freelance)\b"
    r"|\b(?:correspondent|reporter|editor|columnist|contributor|writer|director|producer|"
    r"redakteur(?:in)?|korrespondent(?:in)?|journalist(?:in)?|mitarbeiter(?:in)?|"
    r"edited|photographs?|illustrations?|additional)\b"
    r"|(?:기자|특파원|記者|记者|编辑|特派員)", re.I)
# Degrees and suffixes after a comma: "Brenda Goodman, MA".
_CREDENTIAL = re.compile(r"^(?:ma|ms|msc|md|phd|mba|mph|rn|rd|bsc|ba|do|jd|jr|sr|esq|ii|iii)\b\.?", re.I)
# Where a byline runs on into a date, a handle, a time or a "follow" button.
_RUN_ON = re.compile(r"\s+[•|·—–-]\s*|\s*[•|·—]\s+|\s@\w|\s\d|\d{1,2}[:.]\d{2}"
                     r"|\s(?:on|am|le|el|il|den)\s+\d")
# The words left before a cut date: "Joe Wee Monday, February 6, 2017" -> "Joe Wee".
_DATE_TAIL = re.compile(r"(?:[\s,]+(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|"
                        r"aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|"
                        r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|updated|published|posted)\.?)+$", re.I)
# "Rob Ewaschuk Edited by Betsy Beyer": the editor is not the author.
_CREDIT = re.compile(r"\b(?:edited|photographs?|photos?|illustrations?|graphics|additional reporting)"
                     r"\s+by\b.*", re.I)
# Words of buttons and labels that byline-named elements also hold ("Follow", "Published").
# (Not "Read", "More" or "Home": people are called that; lower-case UI words already fail
# looks_like_name.)
_UI_WORDS = {"follow", "share", "twitter", "facebook", "instagram", "linkedin", "email", "e-mail",
             "contact", "published", "updated", "posted", "from", "news", "profile", "subscribe",
             "login", "menu", "search"}
_LIST = re.compile(r"\s*[,;]\s*")
_PAREN = re.compile(r"\(([^()]*)\)")
_WITH = re.compile(r"^\s*(?:with|avec|mit|con|com|met|med)\s+", re.I)
_URLISH = re.compile(r"https?:|www\.|\S+@\S+\.\w+|^@|\.(?:com|org|net|html?|php)\b", re.I)
_TRAILING = re.compile(r"^[\s,;:|•·—–-]+|[\s,;:|•·—–-]+$")
# Lower-case words allowed inside a name: "Michiel de Jong", "Ursula von der Leyen".
_PARTICLE = {"de", "da", "do", "dos", "das", "del", "della", "di", "du", "des", "la", "le", "van",
             "von", "der", "den", "ter", "ten", "zu", "bin", "ibn", "al", "el", "y", "e", "af", "av"}


def split_authors(text: str, language: str | None = None) -> list[str]:
    """"By Jane Roe and John Doe" -> ["Jane Roe", "John Doe"]; roles, degrees, dates, handles,
    URLs and e-mail addresses are left out."""
    text = clean_text(text)
    if not text or len(text) > 400 or text.startswith(("http:", "https:", "//")):
        return []
    # "Martin Untersinger (avec Damien Leloup et Morgane Tual)": the parentheses hold more
    # names; any other parenthesis ("(obe)", "(http://...)", "(Image: Getty)") is dropped.
    text = _PAREN.sub(lambda p: f", {_WITH.sub('', p[1])}" if _WITH.match(p[1]) else " ", text)
    text = _CREDIT.sub("", text)
    run_on = _RUN_ON.search(text)
    if run_on:  # the byline runs on into a date, a handle or a time: the rest is not names
        text = _DATE_TAIL.sub("", text[:run_on.start()])
    words = {"and", "und", *([_AND[lang]] if (lang := _primary(language)) in _AND else [])}
    conjunction = re.compile(rf"\s*(?:&|\b(?:{'|'.join(map(re.escape, sorted(words)))})\b)\s*", re.I)
    out: list[str] = []
    for clause in _LIST.split(_LEAD.sub("", _BY.sub("", text))):
        if len(clause.split()) > _MAX_CLAUSE:  # "…, professor at the faculty of …"
            continue
        for part in conjunction.split(clause):
            name = clean_name(part)
            if name and name.casefold() not in (n.casefold() for n in out):
                out.append(name)
    return out


def clean_name(part: str) -> str | None:
    """One name from a byline part, or None when the part is no name."""
    part = _TRAILING.sub("", _LEAD.sub("", _BY.sub("", part.strip())))
    role = _ROLE.search(part)
    if role:
        part = part[:role.start()]
    part = _TRAILING.sub("", " ".join(part.split()))
    if (not part or len(part) > MAX_NAME or len(part.split()) > _MAX_WORDS or _URLISH.search(part)
            or _CREDENTIAL.match(part) or not part[0].isalpha()):
        return None
    return part


def looks_like_name(name: str) -> bool:
    """A person's or agency's name as a byline shows it: a few capitalised words ("Jane Roe",
    "AFP", "Michiel de Jong"), or any short run of a script without capitals (CJK, Arabic)."""
    words = name.split()
    if not 1 <= len(words) <= 4 and not (len(words) == 5 and sum(w in _PARTICLE for w in words)):
        return False
    if any(w.casefold() in _UI_WORDS for w in words):
        return False
    cased = [w for w in words if w[0].isalpha() and w[0].lower() != w[0].upper()]
    if not cased:
        return len(name) <= 30
    if len(words) == 1:  # one word is an agency in capitals ("AFP"), not "Travel" or "Von"
        return name.isupper()
    return all(w[0].isupper() or w in _PARTICLE for w in cased)


def _primary(language: str | None) -> str:
    return (language or "").split("-")[0].lower()


def _people(m: PageMeta, values: Iterable[str], visible: bool = False) -> list[str] | None:
    """The names in these byline values that are not the site's own name ("Kelli Miller WebMD
    Health News" ends at the site's name); `visible` bylines must also look like names."""
    names: list[str] = []
    lang = language(m)
    for value in values:
        found = split_authors(value, lang)
        # "hessenschau.de, Frankfurt, Germany", "Jane Roe, professor, Site.lt": from the site's
        # name on, a byline is an address or a signature.
        site = next((i for i, name in enumerate(found) if is_site_name(name, m)), len(found))
        for name in found[:site]:
            words = name.split()
            cut = next((i for i, w in enumerate(words) if i >= 2 and is_site_name(" ".join(words[i:]), m)),
                       None)
            name = " ".join(words[:cut]) if cut else name
            if is_site_name(name, m) or name in names or (visible and not looks_like_name(name)):
                continue
            names.append(name)
    return names or None


# --- the sources, as parse.FALLBACKS uses them --------------------------------------------------
def ld_author(m: PageMeta) -> list[str] | None:
    return _people(m, jsonld.names(m.ld.get("author")))


_META_KEYS = ("article:author", "og:article:author", "author", "dc.creator", "byl", "parsely-author",
              "sailthru.author")


def og_author(m: PageMeta) -> list[str] | None:
    for key in _META_KEYS:
        names = _people(m, m.meta.get(key, ()))
        if names:
            return names
    return None


# Byline markup: microdata and rel=author first, then the usual class names; class-name
# matches catch "article__author", "authorname", "pb-byline", "metaInfoAuthorList" and such.
_BYLINE_CSS = ('[itemprop="author"] [itemprop="name"], [itemprop="author"], a[rel~="author"], '
               '.byline a, .author a, .byline, .author-name')
_BYLINE_LIKE = ("byline", "Byline", "author", "Author")  # as [class*=...] selectors, in one walk
_NOT_BYLINE = re.compile(r"comment|avatar|bio|image|photo|img|related|more|box|follow|social|share",
                         re.I)


def md_author(m: PageMeta) -> list[str] | None:
    """The first visible byline that reads as names: microdata, rel=author, .byline, then
    elements named byline/author that are not comment authors, author boxes or furniture."""
    for nodes in (lambda: m.tree.css(_BYLINE_CSS), lambda: by_class_parts(m.tree, _BYLINE_LIKE)):
        for node in nodes()[:12]:
            name = f"{node.attrs.get('class') or ''} {node.id or ''}"
            # A byline often sits in the page's header, beside the headline: only nav, aside,
            # form and footer are furniture here.
            if (_NOT_BYLINE.search(name) or node.css_first("script, style")
                    or in_furniture(node, header=False)):
                continue
            text = clean_text(node.text(separator=" "))
            if 2 <= len(text) <= 200:
                names = _people(m, [text], visible=True)
                if names:
                    return names
    return None


def site_author(m: PageMeta) -> list[str] | None:
    """The publisher as the author, when the page names nobody else."""
    for value in (*jsonld.names(m.ld.get("author")), *(v for k in _META_KEYS for v in m.meta.get(k, ()))):
        names = split_authors(value, language(m))
        if names:
            return names
    return None
