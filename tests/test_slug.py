"""Tables and properties for feedmaker.slug."""

from __future__ import annotations

import hashlib
import random
import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedmaker.slug import MAX_BYTES, assign_slugs, slugify


def _hash(name: str) -> str:
    return hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Cell Therapy", "cell-therapy"),
        ("  Cell   Therapy  ", "cell-therapy"),
        ("cell-therapy", "cell-therapy"),
        ("Côte d'Ivoire", "cote-d-ivoire"),
        ("AI & Ethics", "ai-ethics"),
        ("C++ / C#", "c-c"),
        ("COVID-19", "covid-19"),
        ("Straße Łódź Ærø", "strasse-lodz-aero"),
        ("İstanbul", "istanbul"),
        ("ℌello Ⅻ ①", "hello-xii-1"),
        ("snake_case_name", "snake-case-name"),
        ("الذكاء الاصطناعي", "الذكاء-الاصطناعي"),
        ("مُحَمَّد", "محمد"),
        ("北京 News", "北京-news"),
        ("한국어", "한국어"),
        ("हिन्दी", "हिन्दी"),
        ("Ελλάδα", "ελλάδα"),  # accents on non-Latin letters are spelling, not decoration
        ("Йод", "йод"),
        ("Москва", "москва"),
        ("../../etc/passwd", "etc-passwd"),
        ("a/b\\c", "a-b-c"),
        ("tab\there\x00nul", "tab-here-nul"),
        ("CON", "con-x"),
        ("con", "con-x"),
        ("Nul", "nul-x"),
        ("aux", "aux-x"),
        ("prn", "prn-x"),
        ("COM1", "com1-x"),
        ("lpt9", "lpt9-x"),
        ("LPT¹", "lpt1-x"),
        ("console", "console"),
        ("con.txt", "con-txt"),
        ("", f"tag-{_hash('')}"),
        ("...", f"tag-{_hash('...')}"),
        ("..", f"tag-{_hash('..')}"),
        (".", f"tag-{_hash('.')}"),
        ("\x00", f"tag-{_hash(chr(0))}"),
        ("😀🎉", f"tag-{_hash('😀🎉')}"),
        ("\u3164", f"tag-{_hash(chr(0x3164))}"),
        ("x" * 300, "x" * 71 + "-" + _hash("x" * 300)),
        ("word " * 30, ("word-" * 15)[:71].rstrip("-") + "-" + _hash("word " * 30)),
    ],
)
def test_slugify(name: str, expected: str) -> None:
    assert slugify(name) == expected


def test_slugify_long_names_with_a_common_prefix_differ() -> None:
    prefix = "a very long tag name " * 5
    assert slugify(prefix + "one") != slugify(prefix + "two")


def test_slugify_respects_byte_budget_for_wide_scripts() -> None:
    slug = slugify("ب" * 150)
    assert len(slug.encode("utf-8")) <= MAX_BYTES
    assert slug.endswith("-" + _hash("ب" * 150))


_ALPHABET = "abcdefghijklmnopqrstuvwxyz"


@pytest.mark.parametrize(
    ("max_len", "expected"),
    [
        (12, "abc-" + _hash(_ALPHABET)),
        (20, "abcdefghijk-" + _hash(_ALPHABET)),
        (26, _ALPHABET),
        (250, _ALPHABET),
    ],
)
def test_slugify_max_len(max_len: int, expected: str) -> None:
    assert slugify(_ALPHABET, max_len=max_len) == expected


def test_slugify_rejects_a_max_len_with_no_room_for_a_hash() -> None:
    with pytest.raises(ValueError, match="max_len"):
        slugify("anything", max_len=5)


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ([], {}),
        (["Cell Therapy"], {"Cell Therapy": "cell-therapy"}),
        (
            ["cell-therapy", "Cell Therapy", "Other"],
            {
                "Cell Therapy": "cell-therapy",
                "cell-therapy": "cell-therapy-" + _hash("cell-therapy"),
                "Other": "other",
            },
        ),
        (["A", "A", "a"], {"A": "a", "a": "a-" + _hash("a")}),
        (["CON", "con"], {"CON": "con-x", "con": "con-x-" + _hash("con")}),
    ],
)
def test_assign_slugs(names: list[str], expected: dict[str, str]) -> None:
    assert assign_slugs(names) == expected


def test_assign_slugs_never_lets_a_suffix_take_a_plain_slug() -> None:
    squatter = "cell-therapy-" + _hash("cell therapy")
    slugs = assign_slugs(["Cell Therapy", "cell therapy", squatter])
    assert slugs[squatter] == squatter
    assert len(set(slugs.values())) == 3


def test_assign_slugs_keeps_existing_assignments() -> None:
    before = assign_slugs(["cell therapy"])
    after = assign_slugs(["Cell Therapy", "cell therapy"], existing=before)
    assert after["cell therapy"] == before["cell therapy"] == "cell-therapy"
    assert after["Cell Therapy"] == "cell-therapy-" + _hash("Cell Therapy")


def test_assign_slugs_ignores_clashing_existing_assignments() -> None:
    slugs = assign_slugs(["a", "b"], existing={"a": "same", "b": "same"})
    assert slugs == {"a": "same", "b": "b"}


_SAFE_CHAR = re.compile(r"[a-z0-9-]")
_WINDOWS_RESERVED = re.compile(r"(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?", re.IGNORECASE)


def _assert_safe_file_name(slug: str, max_len: int = 80) -> None:
    assert slug
    assert slug not in {".", ".."}
    assert not slug.startswith("-") and not slug.endswith("-") and "--" not in slug
    assert len(slug) <= max_len
    assert len(slug.encode("utf-8")) <= MAX_BYTES
    assert not _WINDOWS_RESERVED.fullmatch(slug)
    assert unicodedata.is_normalized("NFC", slug)
    for ch in slug:
        if ch.isascii():
            assert _SAFE_CHAR.fullmatch(ch), repr(slug)
        else:
            assert unicodedata.category(ch)[0] in "LNM", repr(slug)
            assert ch == ch.lower(), repr(slug)


_tricky = st.sampled_from([
    "../../etc/passwd", "CON", "con", "NUL", "COM1", "LPT1", "", "\x00", "...", ".", "..", "/",
    "\\", ":", "*", "?", "\"", "<", ">", "|", " ", "-", "_", "x" * 300, "é" * 150, "😀", "İ",
    "ß", "ﷺ", "\u0301", "\u200f", "\ud800", "ℌ", "①", "\u3164",
])


@settings(max_examples=200)
@given(st.lists(_tricky | st.text(max_size=10), max_size=6).map("".join))
def test_slugify_always_gives_a_safe_file_name(name: str) -> None:
    slug = slugify(name)
    _assert_safe_file_name(slug)
    assert slugify(slug) == slug


@settings(max_examples=200)
@given(st.text(max_size=300), st.integers(min_value=12, max_value=250))
def test_slugify_any_text_any_length(name: str, max_len: int) -> None:
    _assert_safe_file_name(slugify(name, max_len=max_len), max_len)


@settings(max_examples=100)
@given(st.lists(_tricky | st.text(max_size=8), max_size=12), st.randoms(use_true_random=False))
def test_assign_slugs_is_collision_free_and_order_independent(
    names: list[str], rnd: random.Random
) -> None:
    slugs = assign_slugs(names)
    assert set(slugs) == set(names)
    assert len(set(slugs.values())) == len(slugs)
    shuffled = list(names)
    rnd.shuffle(shuffled)
    assert assign_slugs(shuffled) == slugs
    for slug in slugs.values():
        _assert_safe_file_name(slug)
