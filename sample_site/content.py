"""Build the hand-designed 36-story sample site (four sections) as a fresh Catalog."""

from __future__ import annotations

from datetime import datetime

from .data_articles import ANALYSIS, OPINION
from .data_news import HEALTH, POLITICS
from .drafts import POOLS, Draft
from .model import BEIRUT, Catalog, Section, Story

SECTIONS = (
    Section("health", "Health", "/news/health"),
    Section("politics", "Politics", "/news/politics"),
    Section("opinion", "Opinion", "/articles/opinion"),
    Section("analysis", "Analysis", "/articles/analysis"),
)
DRAFTS: tuple[Draft, ...] = HEALTH + POLITICS + OPINION + ANALYSIS
# Ten per page, so Health (10 own + 2 shared from Analysis) spills its two oldest onto page 2.
PAGE_SIZE = 10
ROBOTS_TXT = "User-agent: *\nDisallow: /private/\nDisallow: /news/politics/secret-\n"
TICKER = (
    "/news/politics/lebanon-parliament-fails-again-to-elect-president",
    "/news/health/new-cell-therapy-shows-promise-against-leukemia?utm_source=ticker",
    "/news/politics/yemen-truce-talks-resume-in-muscat",
    "/articles/analysis/how-the-energy-crunch-reshapes-gulf-politics?utm_source=ticker",
    "/news/health/who-warns-of-cholera-spread-across-region",
)
MOST_READ = (
    "/news/health/gaza-clinics-ration-fuel-as-generators-fail",
    "/articles/opinion/lebanon-brain-drain-is-a-slow-emergency",
    "/news/politics/sanctions-squeeze-syrian-fuel-imports",
    "/articles/analysis/water-scarcity-and-the-next-regional-conflict",
    "/news/health/clean-water-project-cuts-child-illness-in-cote-divoire",
)
EPOCH = datetime(2022, 11, 25, 0, 0, tzinfo=BEIRUT)

_EXTRAS = (
    "<h2>Background</h2>",
    "<ul><li>Fuel and power: cuts of up to 20 hours a day</li><li>Medicines: shortages of "
    "chronic-disease drugs</li><li>Staff: thousands have emigrated since 2019</li></ul>",
    "<blockquote><p>&quot;We cannot keep asking people to be patient without giving them a "
    "reason to hope.&quot;</p></blockquote>",
)


def _paragraphs(i: int, d: Draft) -> tuple[str, ...]:
    # Background paragraphs in rotation bring stories to 300–800 words; every fifth story is a
    # long read that borrows from a second pool.
    pool = POOLS[d.section]
    background = [pool[(i + k) % len(pool)] for k in range(5 + i % 2)]
    if i % 5 == 0:
        other = POOLS["opinion" if d.section == "analysis" else "analysis"]
        background += [other[(i + k) % len(other)] for k in range(5)]
    extra = _EXTRAS[i % len(_EXTRAS)]
    return (*d.paras[:2], extra, d.paras[2], *background)


def _story(i: int, d: Draft) -> Story:
    published = datetime.strptime(d.when, "%Y-%m-%d %H:%M").replace(tzinfo=BEIRUT)
    features = frozenset(d.feat.split())
    section_path = next(s.path for s in SECTIONS if s.key == d.section)
    modified = published.replace(hour=min(23, published.hour + 2)) if i % 3 == 0 else published
    return Story(
        path=f"{section_path}/{d.slug}", section=d.section, title=d.title, summary=d.summary,
        paragraphs=_paragraphs(i, d), author=d.author, published=published,
        modified=modified, tags=d.tags,
        image=None if "noimg" in features else f"/images/{d.slug[:40]}.jpg",
        features=features, source=d.source, seed=i,
    )


def _default_body(title: str) -> tuple[str, ...]:
    """Body for stories published without one: a lead line plus shared news paragraphs."""
    return (f"<p>{title}. More details will follow as the story develops.</p>",
            *POOLS["politics"][:3])


def build_catalog() -> Catalog:
    stories = [_story(i, d) for i, d in enumerate(DRAFTS)]
    listings: dict[str, list[Story]] = {s.key: [] for s in SECTIONS}
    for d, story in zip(DRAFTS, stories, strict=True):
        listings[d.section].append(story)
        if d.also:
            listings[d.also].append(story)
    # Newest first; the undated story sorts by its hidden date, like a CMS would.
    ordered = {k: [s.path for s in sorted(v, key=lambda s: s.published or EPOCH, reverse=True)]
               for k, v in listings.items()}
    return Catalog(
        SECTIONS, stories, ordered, page_size=PAGE_SIZE,
        ticker=list(TICKER), most_read=list(MOST_READ),
        body=lambda s: (), epoch=EPOCH, default_body=_default_body,
    )
