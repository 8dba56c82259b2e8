"""Sites without selectors: the sample site with its [links] and [article] rules removed builds the
same articles and tags; rules that stop matching fall back to the automatic path, loudly."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

from conftest import run_cli, write_config

from feedmaker.build import build
from feedmaker.config import load_config
from feedmaker.store import Store
from sample_site.server import SampleSite

NO_RULES = ("sites.sample.links", "sites.sample.article")


def _feeds(out: Path) -> dict[str, dict[str, set[str]]]:
    """feed name -> entry id -> its categories, from the JSON feeds."""
    return {str(p.relative_to(out).with_suffix("")): {
        item["id"]: set(item.get("tags", ())) for item in json.loads(p.read_text())["items"]}
        for p in sorted(out.rglob("*.json"))}


def _build(path: Path):  # type: ignore[no-untyped-def]
    return asyncio.run(build(load_config(path)))


def test_zero_config_feeds_have_the_same_articles_and_tags(site: SampleSite, tmp_path: Path) -> None:
    ruled, bare = tmp_path / "ruled", tmp_path / "bare"
    ruled.mkdir(), bare.mkdir()
    assert _build(write_config(ruled, site.url)).ok
    result = _build(write_config(bare, site.url, drop=NO_RULES))
    assert result.ok, result.sites[0].problems
    want, got = _feeds(ruled / "feeds" / "sample"), _feeds(bare / "feeds" / "sample")
    sections = {"Health", "Politics", "Opinion", "Analysis"}
    assert set(got["all"]) == set(want["all"]) and len(got["all"]) >= 30
    tag_feeds = {name for name in want if name.startswith("tags/")}
    assert {name for name in got if name.startswith("tags/")} == tag_feeds
    for name in tag_feeds:
        assert set(got[name]) == set(want[name]), name
    for url, tags in want["all"].items():
        assert got["all"][url] - sections == tags - sections, url
    # Section feeds hold exactly the section's own cards: the rules' loose include regex also
    # takes the ticker and "Most read" links, which the automatic picker leaves out.
    for key, section in site.catalog.sections.items():
        listed = {site.url.rstrip("/") + s.path for s in site.catalog.listing(key)}
        feed = f"sections/{section.name.lower()}"
        assert set(got[feed]) == listed & set(want["all"]), feed  # less robots.txt-disallowed
        assert set(got[feed]) <= set(want[feed])


# A redesign: the listing and byline classes renamed.
RELAYOUT = ((b'class="cards"', b'class="tiles"'), (b'class="list"', b'class="rows"'),
            (b'class="author"', b'class="writer"'))


def test_a_rule_that_stops_matching_falls_back_loudly(site: SampleSite, tmp_path: Path) -> None:
    config = write_config(tmp_path, site.url, replace={
        'selector = "a[href]"': 'selector = ".cards a, .list a"', 'author = ".author"':
        'author = ".author a"'})
    first = _build(config)
    assert first.ok and not first.sites[0].warnings
    with Store(tmp_path / "feedmaker.sqlite") as store:
        before = {(r.kind, r.name): r for r in store.rule_health("sample")}
    assert before["links", "Health"].rule_hits > 0 and before["links", "Health"].sources == {
        "rules": before["links", "Health"].total}
    assert before["field", "author"].rule_hits > 0
    for n in range(3):
        site.publish("health", f"Hospitals brace for a hard winter, part {n + 1}", ["Winter"])
    site.redesign(RELAYOUT)
    second = _build(config)
    result = second.sites[0]
    assert result.ok, result.problems  # loud, but not a failure: the feeds are still right
    text = "\n".join(result.warnings)
    assert "section 'Health': the link rule" in text and "has the page layout changed?" in text
    assert "field 'author'" in text
    assert result.new >= 3  # the new stories, and the lead cards the old rule never took
    feed = json.loads((tmp_path / "feeds/sample/sections/health.json").read_text())
    assert sum("Hospitals brace" in item["title"] for item in feed["items"]) == 3
    with Store(tmp_path / "feedmaker.sqlite") as store:
        after = {(r.kind, r.name): r for r in store.rule_health("sample")}
    health = after["links", "Health"]
    assert health.rule_hits == 0 and health.ever == before["links", "Health"].ever
    assert list(health.sources) == ["automatic (the rules matched nothing)"]
    shown = run_cli("-c", str(config), "check", "sample").stdout
    assert "rule health (last build):" in shown
    # Every link the build used came from the automatic picker (the Health section's cards and
    # its own stories in the Most Read box): n of n, all automatic.
    assert re.search(r"links Health: (\d+)/\1 from automatic \(the rules matched nothing\) "
                     r"\1  ⚠ rule", shown), shown
    assert "field published: " in shown


def test_a_rule_that_never_matched_is_an_error_not_a_fallback(site: SampleSite,
                                                                tmp_path: Path) -> None:
    config = write_config(tmp_path, site.url, replace={
        "include = '^/(news|articles)/[^/]+/[^/?#]+$'": "include = '^/nothing-matches/'"})
    result = _build(config).sites[0]
    assert not result.ok and not result.new
    assert any("the automatic picker finds" in p for p in result.problems)
