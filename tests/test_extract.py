"""Tables of (html, expected) for feedmaker.extract, plus the Zyte real-page quality floor."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from feedmaker.extract import body_text, extract_body

ZYTE = Path(__file__).resolve().parents[2] / "shared/extraction/zyte"

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
    # no skip: CI has this folder, and a silently skipped quality floor is no floor
    assert (ZYTE / "ground-truth.json").is_file(), f"real-page benchmark missing at {ZYTE}"
    truth = json.loads((ZYTE / "ground-truth.json").read_text(encoding="utf8"))
    predicted = {}
    for key in truth:
        with gzip.open(ZYTE / "html" / f"{key}.html.gz", "rt", encoding="utf8") as f:
            predicted[key] = body_text(f.read())
    assert len(truth) == 181
    assert zyte_f1(truth, predicted) >= 0.95
