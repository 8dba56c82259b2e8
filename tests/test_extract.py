"""Tables of (html, expected) for feedmaker.extract, plus the Zyte real-page quality floor."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter

import pytest
from selectolax.lexbor import LexborHTMLParser
from shared_data import SHARED, require

from feedmaker.extract import body_text, extract_body

ZYTE = SHARED / "extraction" / "zyte"

P1 = ("The city council voted on Tuesday to expand the bicycle network, adding forty kilometres "
      "of protected lanes over the next three years, officials said.")
P2 = ("Opponents argued that the plan, which costs about 12 million euros, would take space from "
      "parking and deliveries, while supporters pointed to falling accident numbers.")
P3 = ("The first lanes will open in spring, starting with the route between the station and the "
      "university, where traffic counts are highest.")


def page(article: str, extra: str = "") -> str:
    return f"""<!doctype html><html><head><title>t</title><style>p{{color:red}}</style></head>
<body><header class="site-header"><a href="/">Home</a> <a href="/news">News</a></header>
<nav><ul><li><a href="/a">World</a></li><li><a href="/b">Politics</a></li></ul></nav>
<div class="layout"><main><article><h1>Council expands bike lanes</h1>
<div class="article-body">{article}</div>{extra}</article></main>
<aside class="sidebar"><h3>Popular</h3><ul><li><a href="/x">Another story about something else
</a></li><li><a href="/y">And one more story in the sidebar list</a></li></ul></aside></div>
<footer class="site-footer"><p>© 2024 The Daily Example. All rights reserved. Contact us at
newsroom@example.com for corrections and tips.</p></footer><script>var x = 1;</script>
</body></html>"""


BASIC = f"<p>{P1}</p><p>{P2}</p><p>{P3}</p>"

# (name, html, must be in the text, must not be in the text)
CASES = [
    ("nav, sidebar, footer, script dropped", page(BASIC), [P1, P2, P3],
     ["Home", "World", "Popular", "Another story", "rights reserved", "var x", "color:red"]),
    ("share bar", page(BASIC, '<div class="share-bar"><a href="#">Share on Facebook</a>'
                             '<a href="#">Tweet this article to your followers</a></div>'),
     [P1, P3], ["Facebook", "Tweet"]),
    ("read more paragraph", page(f'<p>{P1}</p><p><strong>Read more:</strong> <a href="/z">'
                                 f'Why cities are building bike lanes</a></p><p>{P2}</p>'),
     [P1, P2], ["Read more", "Why cities"]),
    ("most read block", page(BASIC, '<section class="most-read"><h2>Most read</h2><ol>'
                                    '<li><a href="/1">Story one is about the weather today</a></li>'
                                    '<li><a href="/2">Story two is about football results</a></li>'
                                    '</ol></section>'),
     [P1], ["Most read", "Story one", "Story two"]),
    ("related block without a class", page(BASIC + '<h3>Related stories</h3><ul>'
                                           '<li><a href="/1">Trams return to the old town</a></li>'
                                           '<li><a href="/2">Parking fees rise in January</a></li>'
                                           '</ul>'),
     [P3], ["Related", "Trams return", "Parking fees"]),
    ("comments", page(BASIC, '<div id="comments"><h3>3 comments</h3><div class="comment"><p>'
                             'I think this is a terrible idea and the council should resign, '
                             'honestly.</p></div><div class="comment"><p>Great news for everyone '
                             'who cycles to work every day in all weather.</p></div></div>'),
     [P1, P3], ["terrible idea", "Great news"]),
    ("newsletter box", page(f'<p>{P1}</p><div class="newsletter-signup"><h3>Get our morning '
                            f'briefing</h3><p>Sign up for our free newsletter, delivered every '
                            f'weekday morning to your inbox.</p></div><p>{P2}</p>'),
     [P1, P2], ["newsletter", "briefing"]),
    ("cookie banner", page(BASIC) .replace("<body>", '<body><div class="cookie-consent"><p>We use '
                                           'cookies to improve your experience on our site, by '
                                           'continuing you agree.</p></div>'),
     [P1], ["cookies"]),
    ("lists and subheadings kept", page(f"<p>{P1}</p><h2>What changes</h2><ul><li>Forty kilometres "
                                        f"of new protected lanes</li><li>Lower speed limits near "
                                        f"schools</li></ul><p>{P2}</p>"),
     [P1, "What changes", "Forty kilometres of new protected lanes", "Lower speed limits", P2], []),
    ("Arabic and emoji intact", page(
        "<p>قال مسؤولون في المدينة إن المجلس وافق يوم الثلاثاء على توسيع شبكة الدراجات، "
        "وإضافة أربعين كيلومترا من المسارات المحمية خلال السنوات الثلاث المقبلة 🚲🎉.</p>"
        "<p>وقال المعارضون إن الخطة مكلفة، بينما أشار المؤيدون إلى انخفاض عدد الحوادث في "
        "الشوارع الرئيسية خلال العام الماضي 👍🏽.</p>"),
     ["وإضافة أربعين كيلومترا من المسارات المحمية", "🚲🎉", "👍🏽"], []),
    ("text in divs with br, no p", page(f"<div>{P1}<br><br>{P2}<br><br>{P3}</div>"),
     [P1, P2, P3], []),
]


@pytest.mark.parametrize("name, html, present, absent", CASES, ids=[c[0] for c in CASES])
def test_body_text(name: str, html: str, present: list[str], absent: list[str]) -> None:
    text = body_text(html)
    for want in present:
        assert want in text, f"{name}: missing {want!r} in {text!r}"
    for unwanted in absent:
        assert unwanted not in text, f"{name}: {unwanted!r} leaked into {text!r}"


def test_paragraphs_are_lines() -> None:
    assert body_text(page(BASIC)).split("\n") == [P1, P2, P3]


def test_figure_with_caption_kept_in_html() -> None:
    html = page(f'<p>{P1}</p><figure><img src="/bike.jpg" alt="A bike lane">'
                f'<figcaption>The new lane on Station Road.</figcaption></figure><p>{P2}</p>')
    body = extract_body(LexborHTMLParser(html))
    assert body is not None
    assert '<img src="/bike.jpg" alt="A bike lane">' in body
    assert "<figcaption>The new lane on Station Road.</figcaption>" in body
    assert body.index(P1) < body.index("<figure>") < body.index(P2)
    # a caption describes the picture; it is not article prose
    assert "Station Road" not in body_text(html)


def test_fragment_keeps_only_content_tags() -> None:
    body = extract_body(LexborHTMLParser(page(
        f'<p>{P1} <a href="/plan">the plan</a> <em>now</em></p><div><span>{P2}</span></div>'
        f'<h2>Next steps</h2><ol><li>{P3}</li></ol>')))
    assert body is not None
    assert '<a href="/plan">the plan</a> <em>now</em>' in body
    assert f"<p>{P2}</p>" in body  # loose wrapper text becomes a paragraph
    assert "<h2>Next steps</h2>" in body and f"<ol><li>{P3}</li></ol>" in body
    assert not re.search(r"<(div|span|article|main|h1|script|nav|footer)\b", body)


@pytest.mark.parametrize("html", [
    # a section front: nothing but links
    "<html><body><nav><a href='/'>Home</a></nav><ul>"
    + "".join(f"<li><a href='/s{i}'>Headline number {i} about the news of the day</a></li>"
              for i in range(30)) + "</ul></body></html>",
    # a 404 page
    "<html><body><header><a href='/'>Home</a></header><h1>Page not found</h1>"
    "<p>Sorry.</p><footer>© Example</footer></body></html>",
    "",
    "<html></html>",
    "just some text",
], ids=["listing", "404", "empty", "empty-html", "bare-text"])
def test_no_article(html: str) -> None:
    assert extract_body(LexborHTMLParser(html)) is None
    assert body_text(html) == ""


@pytest.mark.parametrize("html", [
    f"<html><body><div class='article'><p>{P1}<p>{P2}<div><b>{P3}",  # unclosed everything
    f"<p>{P1}</div></div></span><p>{P2}</table><li>{P3}",
    f"<body><body><p>{P1}<html><p>{P2}",
    "<div" * 50 + P1,
    "<div>" * 3000 + f"<p>{P1}</p><p>{P2}</p>",
    f"<article><p>{P1}</p><p>" + "<b>" * 5000 + f"{P2}</p></article>",
    f"<article><p>{P1}</p><div>" + "<section>" * 5000 + f"{P2}</div></article>",
])
def test_malformed_html_does_not_crash(html: str) -> None:
    text = body_text(html)
    assert isinstance(text, str)


def test_malformed_html_keeps_text() -> None:
    text = body_text(f"<html><body><div class='article'><p>{P1}<p>{P2}<div><b>{P3}")
    assert P1 in text and P2 in text


# ------------------------------------------------------------------ real pages
def _shingles(text: str) -> Counter[tuple[str, ...]]:
    # the Zyte benchmark's unit: \w+ tokens, 4-gram shingles (shorter texts: one shingle)
    toks = re.findall(r"\w+", text)
    if len(toks) < 4:
        return Counter([tuple(toks)]) if toks else Counter()
    return Counter(tuple(toks[i:i + 4]) for i in range(len(toks) - 3))


def zyte_f1(truth: dict[str, dict[str, str]], predicted: dict[str, str]) -> float:
    """F1 of mean precision and mean recall over pages, as the benchmark's evaluate.py."""
    precisions, recalls = [], []
    for key, item in truth.items():
        t, p = _shingles(item.get("articleBody") or ""), _shingles(predicted.get(key, ""))
        tp, fp, fn = sum((t & p).values()), sum((p - t).values()), sum((t - p).values())
        if fp == 0 and fn == 0:
            precisions.append(1.0) if tp else None
            recalls.append(1.0) if tp else None
            continue
        if tp + fp:
            precisions.append(tp / (tp + fp))
        if tp + fn:
            recalls.append(tp / (tp + fn))
    prec, rec = sum(precisions) / len(precisions), sum(recalls) / len(recalls)
    return 2 * prec * rec / (prec + rec)


def test_zyte_pages_f1() -> None:
    truth = json.loads(require(ZYTE / "ground-truth.json").read_text(encoding="utf8"))
    predicted = {}
    for key in truth:
        with gzip.open(ZYTE / "html" / f"{key}.html.gz", "rt", encoding="utf8") as f:
            predicted[key] = body_text(f.read())
    assert len(truth) == 181
    assert zyte_f1(truth, predicted) >= 0.97


# ------------------------------------------------------------------ kinds of real pages
LONG = " ".join([P1, P2, P3])
ARTICLE_PS = f"<p>{P1}</p><p>{P2}</p><p>{P3}</p><p>{P1} {P3}</p>"


def bare(body: str, head: str = "") -> str:
    return f"<html><head><title>t</title>{head}</head><body>{body}</body></html>"


WRAPPER_CASES = [
    # a wrapper named with a boilerplate word around the whole article, among other blocks
    ("commentary", f'<div class="commentary"><h1>Op-ed</h1>{ARTICLE_PS}</div>'),
    ("node--promoted", f'<div class="node node--promoted"><article>{ARTICLE_PS}</article></div>'),
    ("sidebar grid", f'<main class="container js-social-anchor-start"><div class="sidebar-grid__content">'
                     f'{ARTICLE_PS}</div><aside class="sidebar">Popular now</aside></main>'),
    ("tab panel", f'<div role="tablist" class="tab-content"><div class="tab-pane">{ARTICLE_PS}</div></div>'),
    ("streamed hidden div", f'<div id="root">Loading…</div><div hidden id="S:1">{ARTICLE_PS}</div>'),
    # one wrapper per paragraph, several levels deep, as some page builders write it
    ("one wrapper per paragraph", '<div class="page"><div class="col"><article><div class="story">' + "".join(
        f'<div class="sc-a"><div class="sc-b"><div><div><p>{p}</p></div></div></div></div>'
        for p in (P1, P2, P3, P1.replace("council", "mayor"))) + "</div></article></div></div>"),
    # paragraph classes with a weak boilerplate word ("user-text-lg" is a font size)
    ("paragraph classes", "<article><div>" + "".join(
        f'<p class="text-18 user-text-lg:text-22">{p}</p>' for p in (P1, P2, P3)) + "</div></article>"),
]


@pytest.mark.parametrize(("name", "body"), WRAPPER_CASES, ids=[c[0] for c in WRAPPER_CASES])
def test_wrappers_with_boilerplate_names_keep_the_article(name: str, body: str) -> None:
    # teaser cards below the article: together more paragraph text than the article has
    cards = "".join(f'<div class="card"><a href="/s{i}"><h3>Teaser {i}: another story</h3><p>A short '
                    f'summary of that other story, which the site would like you to read next.</p></a></div>'
                    for i in range(8))
    noise = ('<nav><a href="/">Home</a> <a href="/news">News</a></nav><section class="more-from">'
             f'<div class="grid">{cards}</div></section>'
             '<footer><p>© 2024 Example. All rights reserved. Contact the newsroom for tips.</p></footer>')
    text = body_text(bare(body + noise))
    for p in (P1, P2, P3):
        assert p in text, f"{name}: lost {p[:30]!r} -> {text[:200]!r}"
    assert "All rights reserved" not in text and "Teaser" not in text


def test_a_long_cookie_notice_or_comment_is_not_the_article() -> None:
    # The guard of the rule above: the longest run of paragraphs is protected only when it is
    # no comment thread or consent notice.
    notice = "".join(f"<p>We use cookies and similar technologies to {w} on this site, with partners.</p>"
                     for w in ("measure traffic", "personalise ads", "remember settings", "improve search",
                               "show videos", "share articles", "count visits"))
    comments = "".join(f'<div class="comment-body"><p>{P2} I disagree, {w}.</p><p>{P3}</p></div>'
                       for w in ("strongly", "mildly", "entirely"))
    page = bare(f'<div class="privacy-consent__inner">{notice}</div><article><p>{P1}</p><p>{P3}</p>'
                f'</article><section id="comments">{comments}</section>')
    text = body_text(page)
    assert P1 in text
    assert "cookies" not in text and "I disagree" not in text


HIDDEN_CASES = [
    ("noscript", bare(f'<div id="app"></div><noscript><article><h1>x</h1>{ARTICLE_PS}</article></noscript>')),
    ("__NEXT_DATA__", bare('<div id="__next"><h1>Headline</h1></div><script id="__NEXT_DATA__" '
                           'type="application/json">' + json.dumps(
                               {"props": {"pageProps": {"article": {"body": ARTICLE_PS, "id": 7}}}})
                           + "</script>")),
    ("application/json state", bare('<div id="app"></div><script type="application/json">' + json.dumps(
        {"story": {"text": LONG + " " + LONG}}) + "</script>")),
    ("app-router stream", bare('<div id="app"></div><script src="/_next/static/chunks/main.js">'
                               '</script>' + "".join(
        "<script>self.__next_f.push(" + json.dumps([1, chunk]) + ")</script>"
        for chunk in ('0:["$","div",null]\n1a:T400,' + ARTICLE_PS[:200], ARTICLE_PS[200:] + "\n2:null")))),
]


@pytest.mark.parametrize(("name", "html"), HIDDEN_CASES, ids=[c[0] for c in HIDDEN_CASES])
def test_text_only_in_noscript_or_script_data(name: str, html: str) -> None:
    text = body_text(html)
    assert P1 in text and P3 in text, f"{name}: {text[:200]!r}"


def test_script_data_is_not_used_when_the_page_shows_the_article() -> None:
    html = bare(f"<article>{ARTICLE_PS}</article>" + '<script type="application/json">' + json.dumps(
        {"other": "<p>" + "Some other story entirely, told at length. " * 30 + "</p>" * 3}) + "</script>")
    text = body_text(html)
    assert P1 in text and "Some other story" not in text
