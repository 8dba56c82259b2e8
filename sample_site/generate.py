"""Generate a big, deterministic sample site: N stories over 12 sections, bodies made on request.

Article pages are composed like real news pages: a few KB of text in 40–150 KB of page, the
rest furniture (`weight.PageWeight`).
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta
from itertools import product

from .model import BEIRUT, Catalog, Section, Story, slugify
from .weight import PageWeight

SECTIONS = tuple(
    Section(key, key.title(), f"/{kind}/{key}")
    for kind, key in (
        ("news", "health"), ("news", "politics"), ("news", "economy"), ("news", "world"),
        ("news", "lebanon"), ("news", "palestine"), ("news", "technology"), ("news", "sports"),
        ("news", "culture"), ("articles", "opinion"), ("articles", "analysis"),
        ("articles", "features"),
    )
)
PAGE_SIZE = 20
EPOCH = datetime(2022, 11, 25, 0, 0, tzinfo=BEIRUT)

_PLACES = ("Beirut", "Gaza", "Sanaa", "Baghdad", "Damascus", "Tehran", "Cairo", "Amman",
           "Tunis", "Algiers", "Rabat", "Khartoum", "Abidjan", "Caracas", "Havana", "Muscat",
           "Doha", "Ankara", "Riyadh", "Nairobi")
_TOPICS = ("Economy", "Elections", "Climate Change", "Cancer", "WHO", "Energy", "Water",
           "Sanctions", "Migration", "Education", "Health", "Oil", "Gas", "Trade", "Media",
           "Human Rights", "Agriculture", "Tourism", "Football", "Cinema", "Music", "Startups",
           "AI & Ethics", "Refugees", "Diplomacy")
_QUALIFIERS = ("Policy", "Crisis", "Reform", "Summit", "Protests", "Budget", "Talks",
               "Report", "Aid", "Strike", "Research", "Market", "Law", "Festival", "Outbreak",
               "Investment", "Infrastructure", "Security", "Prices")
# 25 plain topics + 475 "<place|topic> <qualifier>" pairs = a fixed 500-tag vocabulary.
TAGS: tuple[str, ...] = (_TOPICS + tuple(
    f"{a} {b}" for a, b in product(_PLACES + _TOPICS, _QUALIFIERS)))[:500]

_AUTHORS = ("Rania Haddad", "Karim Nassar", "Lina Mansour", "Omar Khoury", "Maya Saleh",
            "Youssef Darwish", "Nadia Fares", "Hassan Azar", "Sara Idris", "Ali Kassem",
            "Dana Mroue", "Tarek Zein", "Hiba Rizk", "Fadi Abboud", "Zeina Ghosn")
_SUBJECTS = ("Officials", "Doctors", "Farmers", "Lawmakers", "Researchers", "Workers",
             "Students", "Ministers", "Residents", "Engineers", "Activists", "Traders")
_VERBS = ("warn of", "debate", "push for", "reject", "welcome", "prepare for", "count the cost of",
          "protest against", "race to fix", "question")
_OBJECTS = ("rising prices", "new rules", "fuel shortages", "the water crisis", "power cuts",
            "budget cuts", "a new trade deal", "hospital closures", "heat records",
            "school reforms", "the election delay", "port congestion")
_FILLER = (
    "the government said on Monday that new measures would take effect next month while "
    "critics argued the plan did little to address the underlying causes of the crisis and "
    "residents described long queues rising prices and frequent power cuts across the city "
    "analysts expect further talks between the parties in the coming weeks as pressure grows "
    "from international lenders regional partners and local communities to reach agreement on "
    "budget reform energy supply water management public health education and infrastructure"
)
_WORDS = tuple(_FILLER.split())
_FLAVOURS = ("", "", "", " – as one official put it", " &amp; more", " (صمود)", " 🌍",
             ' &quot;in good faith&quot;')


def _story(i: int, seed: int, when: datetime) -> Story:
    rng = random.Random(seed * 1_000_003 + i)
    section = rng.choice(SECTIONS)
    place = rng.choice(_PLACES)
    title = f"{rng.choice(_SUBJECTS)} in {place} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}"
    features = {rng.choice(("ld", "ld", "ld", "ld-graph", "ld-array", "none", "none", "none"))}
    features |= {"og"} if rng.random() < 0.5 else set()
    features |= {"time"} if rng.random() < 0.5 else set()
    features |= {rng.choice(("plain", "plain", "lazy", "srcset"))}
    path = f"{section.path}/{slugify(title)}-{i}"
    return Story(
        path=path, section=section.key, title=title,
        summary=f"{title}, according to sources who spoke to our correspondent in {place}.",
        paragraphs=None, author=rng.choice((*_AUTHORS, None)), published=when,
        modified=when, tags=tuple(rng.sample(TAGS, rng.randint(2, 6))),
        image=f"/images/gen-{seed}-{i}.jpg", features=frozenset(features - {"none", "plain"}),
        seed=seed * 1_000_003 + i,
    )


def body(story: Story) -> tuple[str, ...]:
    """News-length text, as real articles run: lognormal around 3.2 KB (sigma 0.9, so p10/p90
    ≈ 1.0/10 KB like the 181 Zyte news pages), kept within 0.8–20 KB.

    Its own random stream: `_story` drew the section from `Random(story.seed)`, whose first
    draw would otherwise set the length too, and every story of a section would run alike.
    """
    rng = random.Random(f"body:{story.seed}")
    target = round(rng.lognormvariate(math.log(3_200), 0.9))
    return _paragraphs(rng, min(20_000, max(800, target)))


def long_body(story: Story) -> tuple[str, ...]:
    """33–137 KB of text, 10–40× a real article's: the stress variant `benchmarks.site` serves.

    Byte for byte the bodies this module made before, so old benchmark figures compare; that
    keeps their flaw too: the length comes from the section's draw (health ~38 KB, features
    ~128 KB median).
    """
    rng = random.Random(story.seed)
    return _paragraphs(rng, rng.randint(33_000, 136_000))


def _paragraphs(rng: random.Random, target: int) -> tuple[str, ...]:
    """Paragraphs, with an <h2> and a <ul> now and then, until `target` bytes of HTML."""
    paras: list[str] = []
    size = 0
    while size < target:
        words = rng.choices(_WORDS, k=rng.randint(40, 120))
        text = " ".join(words).capitalize() + rng.choice(_FLAVOURS) + "."
        if len(paras) % 9 == 4:
            para = f"<h2>{' '.join(words[:5]).title()}</h2>"
        elif len(paras) % 13 == 7:
            para = "<ul>" + "".join(f"<li>{w} {v}</li>" for w, v in zip(words, words[5:10],
                                                                             strict=False)) + "</ul>"
        else:
            para = f"<p>{text}</p>"
        paras.append(para)
        size += len(para.encode())
    return tuple(paras)


def build_big_catalog(n: int, *, seed: int = 0) -> Catalog:
    """Stories 0..n-1, newest first, 10–90 minutes apart; same n and seed, same site."""
    clock = random.Random(seed)
    when, stories = EPOCH, []
    for i in range(n):
        when -= timedelta(minutes=clock.randint(10, 90))
        stories.append(_story(i, seed, when))
    listings: dict[str, list[str]] = {s.key: [] for s in SECTIONS}
    for story in stories:
        listings[story.section].append(story.path)
    first = [s.path for s in stories[:5]]
    return Catalog(SECTIONS, stories, listings, page_size=PAGE_SIZE, ticker=first,
                   most_read=first, body=body, epoch=EPOCH, weight=PageWeight(stories, SECTIONS))
