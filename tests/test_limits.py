"""Values a config may not hold: user regexes that would backtrack, durations and sizes beyond
sense, and an out_dir that would serve the state, the lock or the config."""

from __future__ import annotations

from pathlib import Path

import pytest
from deadline import deadline

from feedmaker.config import load_config
from feedmaker.errors import ConfigError
from feedmaker.links import parse_listing

SITE = '[sites.x]\nurl = "https://a.test/"\n[sites.x.sections]\nA = "/news"\n'
CARELESS = r"^/(news|articles)/([\w-]+/?)+$"


def _load(tmp_path: Path, text: str) -> object:
    path = tmp_path / "c.toml"
    path.write_text(text)
    return load_config(path)


def _refused(tmp_path: Path, text: str) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        _load(tmp_path, text)
    assert str(tmp_path / "c.toml") in str(info.value)
    return info.value


def test_a_backtracking_include_rule_cannot_stall_a_listing(tmp_path: Path) -> None:
    """'([\\w-]+/?)+$' took 7.4 s on a 26-character path under Python's re, doubling with every
    character; RE2 answers at once. Forty-character paths would take hours the old way."""
    config = load_config(_write(tmp_path, f"[sites.x.links]\ninclude = '{CARELESS}'\n"))
    rules = config.sites["x"].links
    stuck = "".join(f'<a href="/news/{"a" * (30 + i)}!">Story {i}</a>' for i in range(3))
    good = '<a href="/news/one/two">A real story</a>'
    html = f"<html><body><main>{stuck}{good}</main></body></html>"
    with deadline(20, "a listing under a backtracking include rule"):
        listing = parse_listing(html, "https://a.test/news", "https://a.test/news", rules, "a.test")
    assert [link.url for link in listing.links] == ["https://a.test/news/one/two"]


def _write(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "c.toml"
    path.write_text(SITE + extra)
    return path


@pytest.mark.parametrize(("extra", "key", "problem"), [
    ("[sites.x.links]\ninclude = '^/(?!tags/)'\n", "sites.x.links.include", "lookahead"),
    ("[sites.x.links]\nexclude = ['^/(a)\\1']\n", "sites.x.links.exclude[0]", "backreferences"),
    ("[sites.x.links]\nexclude = ['[z-a]']\n", "sites.x.links.exclude[0]", "bad regex"),
])
def test_regex_features_a_linear_engine_lacks_are_refused(tmp_path: Path, extra: str, key: str,
                                                          problem: str) -> None:
    error = _refused(tmp_path, SITE + extra)
    assert error.key == key and problem in error.problem


@pytest.mark.parametrize(("top", "site", "key", "problem"), [
    ("", 'interval = "0.001s"\n', "sites.x.interval", "shorter than a second"),
    ('timeout = "0.01s"\n', "", "timeout", "shorter than a second"),
    ("max_bytes = 9223372036854775807\n", "", "max_bytes", "between"),
    ("max_content = 10\n", "", "max_content", "between"),
    ("max_tags = -1\n", "", "max_tags", "between"),
    ("max_new_tags = 1000000\n", "", "max_new_tags", "between"),
])
def test_limits_out_of_bounds_are_refused(tmp_path: Path, top: str, site: str, key: str,
                                          problem: str) -> None:
    error = _refused(tmp_path, top + SITE.replace('url = "https://a.test/"\n',
                                                  f'url = "https://a.test/"\n{site}'))
    assert error.key == key and problem in error.problem


def test_limits_are_read(tmp_path: Path) -> None:
    config = _load(tmp_path, "max_content = 2048\nmax_tags = 3\nmax_new_tags = 0\n" + SITE)
    assert (config.max_content, config.max_tags, config.max_new_tags) == (2048, 3, 0)  # type: ignore[attr-defined]


@pytest.mark.parametrize(("top", "what"), [
    ('out_dir = "."\n', "the state file"),
    ('out_dir = "/"\n', "root of the filesystem"),
    ('out_dir = "srv"\nstate = "srv/state.sqlite"\n', "the state file"),
    ('out_dir = "."\nstate = "/var/tmp/feedmaker-elsewhere.sqlite"\n', "the config file"),
])
def test_out_dir_that_would_serve_private_files_is_refused(tmp_path: Path, top: str,
                                                           what: str) -> None:
    error = _refused(tmp_path, top + SITE)
    assert error.key == "out_dir" and what in error.problem
