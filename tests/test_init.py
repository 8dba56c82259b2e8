"""`feedmaker init URL` against the sample site: a block that loads, builds, and says its fill rates."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from conftest import run_cli

from feedmaker.config import load_config
from feedmaker.init import propose_site, site_key, url_regex
from sample_site.server import SampleSite


def test_proposal_for_the_sample_site(site: SampleSite, tmp_path: Path) -> None:
    proposal = asyncio.run(propose_site(site.url, key="sample", sample=6))
    assert {t: p for t, (p, _) in proposal.sections.items()} == {
        "Health": "/news/health", "Politics": "/news/politics", "Opinion": "/articles/opinion",
        "Analysis": "/articles/analysis"}
    assert proposal.include == "^/(articles|news)/[^/]+/[^/?#]+/?$"
    assert proposal.rules == {}  # the metadata fills every field on this site
    assert proposal.fills["title"].filled == proposal.fills["title"].total == len(proposal.articles)
    block = proposal.toml()
    assert "#   published  " in block and "from JSON-LD" in block
    path = tmp_path / "feedmaker.toml"
    path.write_text(block)
    config = load_config(path)
    assert config.sites["sample"].sections["Health"] == site.url + "news/health"
    # The sample site's JSON-LD dates are Beirut's winter time, +02:00.
    assert proposal.timezone[0] == "Etc/GMT-2" and 'timezone = "Etc/GMT-2"' in block
    assert str(config.sites["sample"].timezone) == "Etc/GMT-2"


def test_cli_init_write_appends_a_block_that_builds(site: SampleSite, tmp_path: Path) -> None:
    path = tmp_path / "feedmaker.toml"
    path.write_text('out_dir = "feeds"\n')
    proc = run_cli("-c", str(path), "init", site.url, "--name", "sample", "--write")
    assert proc.returncode == 0, proc.stderr
    assert "appended to" in proc.stdout and "[sites.sample.sections]" in path.read_text()
    assert run_cli("-c", str(path), "init", site.url, "--name", "sample", "--write").returncode == 2
    build = run_cli("-c", str(path), "build")
    assert build.returncode == 0, build.stderr
    assert (tmp_path / "feeds/sample/sections/health.atom").exists()


def test_cli_init_prints_without_write(site: SampleSite, tmp_path: Path) -> None:
    proc = run_cli("-c", str(tmp_path / "none.toml"), "init", site.url)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("# Drafted by `feedmaker init") and "[sites.127-0-0-1]" in proc.stdout
    assert not (tmp_path / "none.toml").exists()


@pytest.mark.parametrize(("pages", "zone"), [
    (['{"datePublished": "2022-11-20T10:00:00+03:00"}', '<time datetime="2022-11-21T09:30+0300">',
      '<meta content="2022-11-19T08:00:00-05:00">'], "Etc/GMT-3"),
    (['"2022-11-20T10:00:00-05:00"'], "Etc/GMT+5"),  # POSIX names count the other way round
    (['"2022-11-20T10:00:00+05:30"'], "UTC"),  # no Etc/ zone for a half hour
    (['"2022-11-20T10:00:00Z"', "24 Nov 2022 18:32"], "UTC"),
    (["Open 2024-06-01 10:00-12:00 at the town hall"], "UTC"),  # a time range in the text
])
def test_the_zone_is_guessed_from_the_offsets_the_pages_dates_carry(pages: list[str], zone: str) -> None:
    from feedmaker.init import guess_zone

    assert guess_zone(pages)[0] == zone


def test_helpers() -> None:
    assert site_key("www.english.almayadeen.net") == "english-almayadeen"
    assert url_regex(["/2022/11/24/a-b-c", "/2022/11/23/d-e-f"]) == "^/(2022)/[^/]+/[^/]+/[^/?#]+/?$"
    assert url_regex([]) is None


def test_cli_init_write_never_breaks_the_config(site: SampleSite, tmp_path: Path) -> None:
    path = tmp_path / "feedmaker.toml"
    original = '[sites."sample"]\nurl = "https://a.test/"\n[sites."sample".sections]\nA = "/a"\n'
    path.write_text(original)
    for args in (["--name", "sample"], ["--name", "my site"], ["--name", 'x"y'], ["--name", "a.b"]):
        proc = run_cli("-c", str(path), "init", site.url, *args, "--write")
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
        assert path.read_text() == original, args
    assert load_config(path).sites["sample"]


def test_cli_init_on_a_site_listing_no_article_says_so_and_drafts_nothing(
        site: SampleSite, tmp_path: Path) -> None:
    for pattern in ("/", "/news/*", "/articles/*"):  # every page renders without article links
        site.set_fault(pattern, "empty")
    path = tmp_path / "feedmaker.toml"
    path.write_text('out_dir = "feeds"\n')
    for args in ([], ["--write"]):
        proc = run_cli("-c", str(path), "init", site.url, *args)
        assert proc.returncode == 1, proc.stdout + proc.stderr
        assert "no article links found" in proc.stderr and "section page(s)" in proc.stderr
        assert "Try: `feedmaker init` on a page that lists articles" in proc.stderr
        assert "in page furniture" in proc.stderr  # what the links it saw were
        assert "[sites." not in proc.stdout and "Traceback" not in proc.stderr
    assert path.read_text() == 'out_dir = "feeds"\n'
