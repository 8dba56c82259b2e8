"""Tables and properties for feedmaker.dates, against a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedmaker.dates import EARLIEST, parse_date, parse_tz, read_date, rfc822, rfc3339

NOW = datetime(2023, 1, 1, 12, 0, tzinfo=UTC)
BEIRUT = ZoneInfo("Asia/Beirut")  # UTC+2 in November 2022


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0,
        micro: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # ISO 8601
        ("2022-11-24T18:32:00Z", utc(2022, 11, 24, 18, 32)),
        ("2022-11-24T18:32:00+02:00", utc(2022, 11, 24, 16, 32)),
        ("2022-11-24T18:32:00.123456789-05:00", utc(2022, 11, 24, 23, 32, 0, 123456)),
        ("2022-11-24T18:32:00", utc(2022, 11, 24, 16, 32)),
        ("2022-11-24T18:32", utc(2022, 11, 24, 16, 32)),
        ("2022-11-24", utc(2022, 11, 23, 22, 0)),
        ("20221124T183200Z", utc(2022, 11, 24, 18, 32)),
        ("2022-11-24 18:32:00", utc(2022, 11, 24, 16, 32)),
        ("2022-11-24 18:32:00 UTC", utc(2022, 11, 24, 18, 32)),
        ("  2022-11-24T18:32:00Z\n", utc(2022, 11, 24, 18, 32)),
        # RFC 822 / 1123 / 2822
        ("Thu, 24 Nov 2022 18:32:00 +0200", utc(2022, 11, 24, 16, 32)),
        ("Thu, 24 Nov 2022 18:32:00 GMT", utc(2022, 11, 24, 18, 32)),
        ("Thu, 24 Nov 2022 18:32:00 UT", utc(2022, 11, 24, 18, 32)),
        ("Thu, 24 Nov 2022 18:32:00 EST", utc(2022, 11, 24, 23, 32)),
        ("Thu, 24 Nov 2022 18:32:00 PDT", utc(2022, 11, 25, 1, 32)),
        ("Thu, 24 Nov 2022 18:32:00 -0000", utc(2022, 11, 24, 18, 32)),
        ("24 Nov 2022 18:32 GMT+2", utc(2022, 11, 24, 16, 32)),
        ("24 Nov 2022 18:32 UTC+03:00", utc(2022, 11, 24, 15, 32)),
        # human forms, read in the site's zone
        ("24 Nov 2022 18:32", utc(2022, 11, 24, 16, 32)),
        ("November 24, 2022 6:32 PM", utc(2022, 11, 24, 16, 32)),
        ("Nov 24, 2022 at 6:32pm", utc(2022, 11, 24, 16, 32)),
        ("24/11/2022", utc(2022, 11, 23, 22, 0)),
        ("05/06/2022", utc(2022, 6, 4, 21, 0)),  # ambiguous: day first
        ("11/24/2022", utc(2022, 11, 23, 22, 0)),  # unambiguous month-first still works
        ("24.11.2022 18:32", utc(2022, 11, 24, 16, 32)),
        ("2022/11/24", utc(2022, 11, 23, 22, 0)),
        # no day: a guess at the 1st would be a wrong date nobody notices
        ("November 2022", None),
        ("Articles to be expanded from February 2018", None),
        # month names of other languages are not English abbreviations: dateutil would skip
        # "Februar" and read 1 January; without the page's language they are not read at all
        ("1. Februar 2022", None),
        ("2. Juni 2021 um 10:00 Uhr", None),
        ("12. März 2021", None),
        # words around the date
        ("Published: 24 Nov 2022 18:32 | Updated 25 Nov 2022 10:00", utc(2022, 11, 24, 16, 32)),
        ("Published 24 Nov 2022 18:32 Updated 25 Nov 2022 10:00", utc(2022, 11, 24, 16, 32)),
        ("Last updated on November 24, 2022", utc(2022, 11, 23, 22, 0)),
        ("Posted 24.11.2022, 18:32 Uhr", utc(2022, 11, 24, 16, 32)),
        ("Published 2022-11-24 18:32 +0200 by Jane", utc(2022, 11, 24, 16, 32)),
        ("By Jane · 24 Nov 2022 · 5 min read", utc(2022, 11, 23, 22, 0)),
        # Arabic month names and digits
        ("24 تشرين الثاني 2022", utc(2022, 11, 23, 22, 0)),
        ("الخميس ٢٤ نوفمبر ٢٠٢٢ - ١٨:٣٢", utc(2022, 11, 24, 16, 32)),
        ("24 كانون الأول، 2022", utc(2022, 12, 23, 22, 0)),
        # unix timestamps
        ("1669307520", utc(2022, 11, 24, 16, 32)),
        ("1669307520.5", utc(2022, 11, 24, 16, 32, 0, 500000)),
        ("1669307520000", utc(2022, 11, 24, 16, 32)),
        # nothing usable
        (None, None),
        ("", None),
        ("   ", None),
        ("today", None),
        ("yesterday at 5pm", None),
        ("5", None),
        ("2022", None),
        ("Copyright 2022 Foo 5", None),
        ("Nov 24", None),
        ("24/11/22", None),
        ("2022-02-30", None),
        ("2022-13-01", None),
        ("99999999999999999999", None),
        ("166930752", None),
        ("not a date at all", None),
        # implausible
        ("1989-12-31T23:59:59Z", None),
        ("1970-01-01", None),
        ("0", None),
        ("2023-01-03T13:00:00Z", None),  # more than two days after NOW
        ("2023-01-03T11:00:00Z", utc(2023, 1, 3, 11, 0)),  # within two days
        ("9999-12-31T23:59:59", None),
        ("0001-01-01T00:00:00", None),
    ],
)
def test_parse_date(text: str | None, expected: datetime | None) -> None:
    assert parse_date(text, BEIRUT, now=NOW) == expected


# Dates in words of the page's language: right, or not at all.
@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("1. Februar 2022", "de", utc(2022, 1, 31, 22, 0)),
        ("2. Juni 2021 um 10:00 Uhr", "de-DE", utc(2021, 6, 2, 7, 0)),
        ("12. März 2021", "de", utc(2021, 3, 11, 22, 0)),
        ("Veröffentlicht am 12. März 2021, 14:33 Uhr", "de", utc(2021, 3, 12, 12, 33)),
        ("Publicado el 4 de mayo de 2022", "es", utc(2022, 5, 3, 21, 0)),
        ("lundi 4 avril 2022 à 10h30", "fr", utc(2022, 4, 4, 7, 30)),
        ("4. mai 2022 kl. 10.30", "no", utc(2022, 5, 4, 7, 30)),
        ("13 Mayıs 2022", "tr", utc(2022, 5, 12, 21, 0)),
        ("2022年5月4日 14:00", "ja", utc(2022, 5, 4, 11, 0)),
        ("2022년 5월 4일 14:00", "ko", utc(2022, 5, 4, 11, 0)),
        # still no day, a relative date, or a language without month names: nothing
        ("Februar 2022", "de", None),
        ("vor 2 Stunden", "de", None),
        ("12. März 2021", "xx", None),
        # numeric dates: month first only where that is the custom
        ("05/06/2022", "en-US", utc(2022, 5, 5, 21, 0)),
        ("05/06/2022", "en-GB", utc(2022, 6, 4, 21, 0)),
        ("05.06.2022", "de", utc(2022, 6, 4, 21, 0)),
    ],
)
def test_parse_date_in_the_page_language(text: str, language: str, expected: datetime | None) -> None:
    assert parse_date(text, BEIRUT, now=NOW, language=language) == expected


def test_read_date_keeps_the_offset_the_page_gave() -> None:
    given = read_date("2022-11-24T18:32:00+05:30", BEIRUT, now=NOW)
    assert given is not None and given.zoned
    assert given.when.utcoffset() == timedelta(hours=5, minutes=30)
    assert given.when == utc(2022, 11, 24, 13, 2)
    naive = read_date("24 Nov 2022 18:32", BEIRUT, now=NOW)
    assert naive is not None and not naive.zoned
    assert naive.when.tzinfo is BEIRUT and naive.when.hour == 18


@pytest.mark.parametrize(
    ("tz", "expected"),
    [
        (UTC, utc(2022, 11, 24, 18, 32)),
        (timezone(timedelta(hours=-5)), utc(2022, 11, 24, 23, 32)),
        (ZoneInfo("Europe/London"), utc(2022, 11, 24, 18, 32)),
        (ZoneInfo("Asia/Kolkata"), utc(2022, 11, 24, 13, 2)),
    ],
)
def test_parse_date_reads_naive_dates_in_the_site_zone(tz: tzinfo, expected: datetime) -> None:
    assert parse_date("2022-11-24 18:32", tz, now=NOW) == expected


def test_parse_date_result_is_utc() -> None:
    result = parse_date("Thu, 24 Nov 2022 18:32:00 +0200", BEIRUT, now=NOW)
    assert result is not None
    assert result.tzinfo is UTC


def test_parse_date_defaults_now_to_the_clock() -> None:
    assert parse_date("2022-11-24T18:32:00Z", UTC) == utc(2022, 11, 24, 18, 32)
    assert parse_date("2999-01-01T00:00:00Z", UTC) is None


def test_parse_date_accepts_naive_now_as_utc() -> None:
    naive_now = datetime(2023, 1, 1, 12, 0)
    assert parse_date("2023-01-03T11:00:00Z", UTC, now=naive_now) == utc(2023, 1, 3, 11)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("UTC", UTC),
        ("utc", UTC),
        ("Z", UTC),
        ("GMT", UTC),
        ("+02:00", timezone(timedelta(hours=2))),
        ("+0200", timezone(timedelta(hours=2))),
        ("-0530", timezone(-timedelta(hours=5, minutes=30))),
        ("+2", timezone(timedelta(hours=2))),
        ("UTC+03:00", timezone(timedelta(hours=3))),
        (" Asia/Beirut ", ZoneInfo("Asia/Beirut")),
        ("America/New_York", ZoneInfo("America/New_York")),
    ],
)
def test_parse_tz(value: str, expected: tzinfo) -> None:
    assert parse_tz(value) == expected


@pytest.mark.parametrize(
    "value", ["", "Mars/Olympus", "../../etc/passwd", "+25:00", "+02:75", "two", "/", "Asia/"]
)
def test_parse_tz_rejects_unknown_zones(value: str) -> None:
    with pytest.raises(ValueError, match="time zone"):
        parse_tz(value)


@pytest.mark.parametrize(
    ("dt", "iso", "rfc"),
    [
        (datetime(2022, 11, 24, 18, 32, 0, 999, tzinfo=BEIRUT),
         "2022-11-24T16:32:00Z", "Thu, 24 Nov 2022 16:32:00 +0000"),
        (utc(2022, 1, 2, 3, 4, 5), "2022-01-02T03:04:05Z", "Sun, 02 Jan 2022 03:04:05 +0000"),
        (datetime(2022, 1, 2, 3, 4, 5), "2022-01-02T03:04:05Z", "Sun, 02 Jan 2022 03:04:05 +0000"),
    ],
)
def test_formatters(dt: datetime, iso: str, rfc: str) -> None:
    assert rfc3339(dt) == iso
    assert rfc822(dt) == rfc


_date_words = st.sampled_from([
    "2022", "1999", "24", "11", "Nov", "November", "Thu,", "18:32", "18:32:00", "+0200", "GMT",
    "EST", "Z", "T", "-", "/", ".", ":", " ", "|", "Published", "updated", "PM", "at", "on",
    "2022-11-24", "T18:32", "1669307520", "0000", "9999", "كانون", "٢٠٢٢", "\x00", "\ufffe",
])


def _assert_plausible(result: datetime | None) -> None:
    if result is not None:
        assert result.tzinfo is UTC
        assert EARLIEST <= result <= NOW + timedelta(days=2)


@settings(max_examples=200)
@given(st.text(max_size=60))
def test_parse_date_never_raises_on_any_text(text: str) -> None:
    _assert_plausible(parse_date(text, BEIRUT, now=NOW))


@settings(max_examples=200)
@given(st.lists(_date_words, max_size=10).map(" ".join), st.sampled_from([UTC, BEIRUT]))
def test_parse_date_never_raises_on_date_like_text(text: str, tz: tzinfo) -> None:
    _assert_plausible(parse_date(text, tz, now=NOW))


@settings(max_examples=100)
@given(st.datetimes(min_value=datetime(1990, 1, 2), max_value=datetime(2022, 12, 30),
                    timezones=st.just(UTC)))
def test_rfc_formats_parse_back(dt: datetime) -> None:
    whole = dt.replace(microsecond=0)
    assert parse_date(rfc3339(dt), BEIRUT, now=NOW) == whole
    assert parse_date(rfc822(dt), BEIRUT, now=NOW) == whole
