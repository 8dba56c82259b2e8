"""`feedmaker check` says why each link of a section page was taken as an article or left out."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli, write_config

from feedmaker.check import SectionReport, short_block
from feedmaker.config import LinkRules
from feedmaker.links import Link, explain_listing
from sample_site.server import SampleSite

PAGE = ("<html><body><nav><a href='/about'>About</a><a href='/contact'>Contact</a></nav><main>"
        + "".join(f"<div class='card'><h3><a href='/posts/{n}'>How we rebuilt the {n} service</a>"
                  f"</h3></div>" for n in ("queue", "billing", "upload"))
        + "<p>Read our <a href='/tags/engineering'>engineering posts</a>.</p></main>"
        "<aside><a href='/other/some-long-story-about-it'>Some long story about it</a></aside>"
        "</body></html>")


def _report() -> SectionReport:
    url = "https://eng.test/posts"
    decisions = explain_listing(PAGE, url, url, LinkRules(), "eng.test")
    links = [Link(d.url, d.title) for d in decisions if d.taken]
    return SectionReport("Posts", url, links, decisions=decisions)


def test_each_picked_link_names_its_block_and_signal() -> None:
    lines = _report().link_lines()
    assert lines[0] == "    https://eng.test/posts/queue  'How we rebuilt the queue service'"
    assert lines[1] == ("        ← list of 3 items (median title 33 chars)  "
                        "[main>div.card>h3>a]")


def test_links_left_out_are_counted_by_reason_with_an_example() -> None:
    text = "\n".join(_report().link_lines())
    assert "left out: 4 links" in text
    assert "  2 in page furniture (<nav>); e.g. https://eng.test/about 'About' [nav>a]" in text
    assert "  1 a site page (tag, author, legal, media landing...) by its path" in text
    assert "  1 in a side box (<aside>) and not under the section's path" in text


def test_every_link_on_request() -> None:
    text = "\n".join(_report().link_lines(every=True))
    assert "https://eng.test/contact  'Contact'\n        ✗ in page furniture (<nav>)  [nav>a]" in text
    assert "… and" not in text


def test_short_block() -> None:
    assert short_block("html>body>main>section.cards>div.card>h3>a") == \
        "…>section.cards>div.card>h3>a"
    assert short_block("nav>a") == "nav>a"


def test_cli_check_explains_the_automatic_picks(site: SampleSite, tmp_path: Path) -> None:
    config = write_config(tmp_path, site.url, drop=("sites.sample.links", "sites.sample.article"))
    out = run_cli("-c", str(config), "check", "sample").stdout
    health = out.split("section 'Health'")[1].split("section 'Politics'")[0]
    assert "article links (picked automatically)" in health
    assert "← list of 5 items (median title" in health and "[main>section.cards>div.card>a]" in health
    assert "left out:" in health and "in page furniture (<footer>)" in health
    # The Most Read box lists other sections' stories: not for the Health feed.
    assert "in a side box (<aside>) and not under the section's path; e.g." in health
    every = run_cli("-c", str(config), "check", "sample", "--links").stdout
    assert "/privacy-policy  'Privacy Policy'\n        ✗ in page furniture (<footer>)" in every


def test_cli_check_with_rules_says_the_rules_chose(site: SampleSite, config_path: Path) -> None:
    out = run_cli("-c", str(config_path), "check", "sample").stdout
    assert "← the [links] rules" in out and "picked automatically" not in out
