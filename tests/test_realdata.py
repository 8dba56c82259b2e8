"""Floors on real article pages nobody here wrote (../shared/realdata, ../shared/extraction/zyte),
with no site rules, measured with the shared scorers' own metrics (benchmarks.real)."""

from __future__ import annotations

from pathlib import Path

import pytest
from shared_data import require

from benchmarks import real

# The truth itself is wrong here: both pages show day.month.year ("06.01.2026" on a page
# crawled on 2026-01-07; "05.04.2025" beside an image path .../2025/04/05/) and the labels
# swap day and month. feedmaker's reading agrees with the page.
MISLABELLED_DATES = {"fundus/de_KlasseGegenKlasse_2026_01_07", "fundus/tr_AnadoluAjansi_2025_04_05"}


@pytest.fixture(scope="module")
def scores() -> dict[str, object]:
    require(real.REALDATA / "score_articles.py")
    return real.quality(real.records())


def _all(scores: dict[str, object], field: str) -> float:
    groups = scores["groups"]
    assert isinstance(groups, dict)
    value = groups["ALL"][field]
    assert value is not None
    return float(value[0])


def test_published_dates(scores: dict[str, object]) -> None:
    assert _all(scores, "published") >= 0.965
    assert _all(scores, "published_day") >= 0.985
    # a date read with the wrong month or year reorders a feed and nobody notices: none at all
    assert set(scores["months_off"]) <= MISLABELLED_DATES  # type: ignore[arg-type]


def test_authors_and_body(scores: dict[str, object]) -> None:
    assert _all(scores, "authors") >= 0.875
    assert _all(scores, "body_f1") >= 0.935


def test_titles_and_tags(scores: dict[str, object]) -> None:
    # Issue 12 asks 0.92 and 0.75; both are met (titles 0.922, 320 of 347 pages; tags 0.767;
    # 0.844 and 0.624 before this work). Titles: the remaining misses are pages whose visible
    # headline repeats one metadata title while the label is another (fundus's per-publisher
    # choice: og:title on some, the JSON-LD headline on others, with the same markup). Tags: on
    # 42 of the 210 labelled pages no source of the page gives the labelled set (site-wide
    # keywords, sections added by the publisher's parser, tags only in scripts); on the other 7
    # misses like markup is labelled both ways elsewhere.
    assert _all(scores, "title") >= 0.92
    assert _all(scores, "tags") >= 0.76


def test_zyte_f1() -> None:
    require(real.ZYTE / "ground-truth.json")
    assert real.zyte_f1() >= 0.97


def test_missing_shared_data_skips_here_and_fails_under_ci(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    gone = tmp_path / "shared" / "nothing"
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="is absent"):
        require(gone)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must have it"):
        require(gone)
