"""Pure date helpers: any date text a news page shows → an aware datetime or None; never raises.

A date without a zone is read in the site's zone (`tz`). Dates before 1990 or more than two
days after `now` are treated as mistakes and answer None, and so is a date that names no day
("November 2022"): a wrong date reorders a feed where nobody can notice, a missing one does not.
Numbers, ISO forms and English words are read here; dates in words of other languages
("1. Februar 2022", "4 de mayo de 2023") by dateparser, imported on first use and told the
page's language.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from email.utils import format_datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

__all__ = ["EARLIEST", "Reading", "parse_date", "parse_tz", "read_date", "rfc822", "rfc3339"]

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
# Publishers schedule posts and clocks drift; beyond two days ahead a date is a parse error.
_MAX_AHEAD = timedelta(days=2)
# Long text is boilerplate, not a date; the cap also bounds dateutil's work.
_MAX_INPUT = 400

_H = 3600
# RFC 822 zone names plus common unambiguous abbreviations. "IST" and "AST" are left out on
# purpose: each names several zones, so the site's zone is the better guess.
_ZONES: dict[str, tzinfo] = {
    name: timezone(timedelta(seconds=hours * _H), name)
    for name, hours in {
        "UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "BST": 1, "WEST": 1, "CET": 1, "MET": 1,
        "CEST": 2, "MEST": 2, "EET": 2, "EEST": 3, "MSK": 3, "JST": 9, "KST": 9,
        "AEST": 10, "AEDT": 11, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7,
        "MDT": -6, "PST": -8, "PDT": -7, "AKST": -9, "AKDT": -8, "HST": -10,
    }.items()
}

_TIMESTAMP = re.compile(r"(\d{10})(?:\.\d+)?|(\d{13})")
_ISO = re.compile(
    r"(?<!\d)(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
    r"(?:\s?(Z|[+-]\d{2}(?::?\d{2})?|UTC|GMT)(?![A-Za-z]))?)?(?!\d)"
)
# An ISO-shaped day the ISO reader turned down ("2022-13-01") is wrong, not some other order.
_ISO_DAY = re.compile(r"(?<!\d)\d{4}-\d{1,2}-\d{1,2}(?!\d)")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
# English month names, whole words only: "Juni" or "Februar" must not pass for "jun"/"feb".
_MONTH_NAME = re.compile(
    r"\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?", re.IGNORECASE
)
# Words in some other language next to a year: a job for dateparser.
_WORD = re.compile(r"[^\W\d_]{2,}")
_CJK_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}\s*[年년]")
_FIRST_DIGIT = re.compile(r"\d")
_NUMERIC_DATE = re.compile(r"(?<!\d)\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}(?!\d)")
# "Published: X | Updated: Y" holds two dates; dateutil's fuzzy mode would blend them.
_SEGMENT_BREAK = re.compile(
    r"[|•·\n]|\b(?=(?:updated|modified|edited|posted|published)\b)", re.IGNORECASE
)
# "GMT+2" means UTC+2 on news sites, while dateutil reads it POSIX-style as UTC-2.
_GMT_OFFSET = re.compile(r"\b(?:GMT|UTC)\s*([+-])(\d{1,2})(?::?(\d{2}))?\b")
_OFFSET = re.compile(r"(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?")
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_ARABIC_MONTHS = {
    "كانون الثاني": "January", "شباط": "February", "آذار": "March", "نيسان": "April",
    "أيار": "May", "حزيران": "June", "تموز": "July", "آب": "August", "أيلول": "September",
    "تشرين الأول": "October", "تشرين الثاني": "November", "كانون الأول": "December",
    "يناير": "January", "فبراير": "February", "مارس": "March", "أبريل": "April",
    "ابريل": "April", "مايو": "May", "يونيو": "June", "يونيه": "June", "يوليو": "July",
    "يوليه": "July", "أغسطس": "August", "سبتمبر": "September", "أكتوبر": "October",
    "اكتوبر": "October", "نوفمبر": "November", "ديسمبر": "December",
}
_ARABIC_MONTH = re.compile("|".join(sorted(_ARABIC_MONTHS, key=len, reverse=True)))
# dateutil fills missing parts from a default: two different ones tell a date that names its
# day and month from one that does not ("February 2018" is not the 1st of February).
_DEFAULTS = (datetime(2000, 1, 1), datetime(2000, 2, 2))


class Reading(NamedTuple):
    when: datetime  # aware: in the offset the text gives, else in the site's zone
    zoned: bool  # whether the text gave its own zone or offset


def read_date(text: str | None, tz: tzinfo, *, now: datetime | None = None,
              language: str | None = None) -> Reading | None:
    """The date in `text` as the page wrote it, or None when there is no plausible one.
    `language` (a BCP 47 tag, the page's) is needed for dates in words other than English."""
    if not text or not isinstance(text, str):
        return None
    now = now or datetime.now(UTC)
    latest = (now if now.tzinfo else now.replace(tzinfo=UTC)) + _MAX_AHEAD
    prepared = _prepare(text)
    for candidate in _candidates(prepared, language):
        try:
            when = candidate if candidate.tzinfo else candidate.replace(tzinfo=tz)
            utc = when.astimezone(UTC)
        except (OverflowError, ValueError):
            continue
        if EARLIEST <= utc <= latest:
            return Reading(when, candidate.tzinfo is not None)
    return None


def parse_date(text: str | None, tz: tzinfo, *, now: datetime | None = None,
               language: str | None = None) -> datetime | None:
    """The date in `text` as an aware UTC datetime, or None when there is no plausible one."""
    reading = read_date(text, tz, now=now, language=language)
    return reading.when.astimezone(UTC) if reading else None


def parse_tz(value: str) -> tzinfo:
    """An IANA zone ("Asia/Beirut") or a fixed offset ("+02:00", "-0530", "UTC", "Z")."""
    name = value.strip()
    if name.upper() in {"UTC", "Z", "GMT", "UT"}:
        return UTC
    offset = _OFFSET.fullmatch(name)
    if offset:
        sign, hours, minutes = offset.groups()
        delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
        if delta >= timedelta(hours=24) or int(minutes or 0) >= 60:
            raise ValueError(f"time zone offset out of range: {value!r}")
        return timezone(-delta if sign == "-" else delta)
    try:
        return ZoneInfo(name)
    except Exception as exc:  # ZoneInfoNotFoundError, or ValueError/OSError for odd keys
        raise ValueError(
            f"unknown time zone {value!r}: use an IANA name like 'Asia/Beirut' "
            "or an offset like '+02:00'"
        ) from exc


def rfc3339(dt: datetime) -> str:
    """`dt` in UTC as "2022-11-24T16:32:00Z"; a naive `dt` is taken to be UTC already."""
    return _utc(dt).strftime("%Y-%m-%dT%H:%M:%SZ")


def rfc822(dt: datetime) -> str:
    """`dt` in UTC as "Thu, 24 Nov 2022 16:32:00 +0000" (English names whatever the locale)."""
    return format_datetime(_utc(dt))


def _utc(dt: datetime) -> datetime:
    aware = dt if dt.tzinfo else dt.replace(tzinfo=UTC)
    return aware.astimezone(UTC).replace(microsecond=0)


def _prepare(text: str) -> str:
    text = text[:_MAX_INPUT].translate(_DIGITS).replace("\xa0", " ").replace("،", ",")
    text = _ARABIC_MONTH.sub(lambda m: f" {_ARABIC_MONTHS[m.group(0)]} ", text)
    text = _GMT_OFFSET.sub(lambda m: f" {m[1]}{int(m[2]):02d}:{m[3] or '00'}", text)
    return text.strip()


def _candidates(text: str, language: str | None) -> Iterator[datetime]:
    """Readings of `text`, most trustworthy first: timestamp, ISO 8601, then per segment
    dateutil (numbers, English) or dateparser (words in the page's language)."""
    stamp = _TIMESTAMP.fullmatch(text)
    if stamp:
        seconds = float(stamp[0]) if stamp[1] else int(stamp[2]) / 1000
        yield datetime.fromtimestamp(seconds, UTC)
        return
    whole = _from_isoformat(text)
    if whole:
        yield whole
    for match in _ISO.finditer(text):
        iso = _from_iso_match(match)
        if iso:
            yield iso
    for segment in _SEGMENT_BREAK.split(text):
        reading = (_dateutil_reading(segment.strip(), _month_first(language))
                   or _words_reading(segment.strip(), language))
        if reading:
            yield reading


def _from_isoformat(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _from_iso_match(match: re.Match[str]) -> datetime | None:
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        naive = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                         int(second or 0), micro)
    except ValueError:
        return None
    if not zone:
        return naive
    if zone in {"Z", "UTC", "GMT"}:
        return naive.replace(tzinfo=UTC)
    sign, digits = zone[0], zone[1:].replace(":", "").ljust(4, "0")
    delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    if delta >= timedelta(hours=24):
        return None
    return naive.replace(tzinfo=timezone(-delta if sign == "-" else delta))


# Where "05/06/2022" is the 6th of May; elsewhere it is the 5th of June.
_MONTH_FIRST_REGIONS = {"US", "PH", "FM", "MH", "PW", "AS", "GU", "MP", "PR", "UM", "VI"}


def _month_first(language: str | None) -> bool:
    parts = (language or "").replace("_", "-").split("-")
    return len(parts) > 1 and parts[0].lower() == "en" and parts[1].upper() in _MONTH_FIRST_REGIONS


def _dateutil_reading(segment: str, month_first: bool = False) -> datetime | None:
    """dateutil's fuzzy reading, only where the text visibly holds a whole date.

    Fuzzy mode builds a date out of any number ("5" → the 5th of this month) and skips words
    it does not know ("1. Februar 2022" → 1 January), so the segment must show a 4-digit year
    together with an English month name or a d/m/y-style numeric date, the year dateutil
    settles on must be one written in the text, and the day and month must come from the text,
    not from the default. ISO-shaped days are left to the ISO reader: if it turned one down,
    dateutil's guess at another field order would be wrong.
    """
    years = set(_YEAR.findall(segment))
    if not years or _ISO_DAY.search(segment):
        return None
    if not (_MONTH_NAME.search(segment) or _NUMERIC_DATE.search(segment)):
        return None
    from dateutil import parser as _dateutil  # on first use: a config load needs none of it

    try:
        # A callable `tzinfos` also keeps dateutil from matching zone names against the
        # machine's local zone and from warning about names it does not know.
        first, second = (_dateutil.parse(segment, fuzzy=True, dayfirst=not month_first, default=default,
                                         tzinfos=_zone) for default in _DEFAULTS)
    except Exception:  # dateutil raises ParserError, OverflowError, TypeError... on odd text
        return None
    if (first.month, first.day) != (second.month, second.day) or str(first.year) not in years:
        return None
    return first


def _words_reading(segment: str, language: str | None) -> datetime | None:
    """dateparser's reading of a date written in words of the page's language, day, month and
    year all required; relative dates ("vor 2 Stunden") are never read: they need a clock."""
    if not language or len(segment) > 80:
        return None
    if not (_CJK_YEAR.search(segment) or (_YEAR.search(segment) and _WORD.search(segment))):
        return None
    parse = _dateparser(_dateparser_language(language))
    if parse is None:
        return None
    found: datetime | None = parse(segment)
    if found is None:  # "Veröffentlicht am 12. März 2021": try from the first number on
        start = _FIRST_DIGIT.search(segment)
        found = parse(segment[start.start():]) if start and start.start() else None
    return found


# Primary language subtags dateparser names differently.
_DATEPARSER_LANGUAGE = {"no": "nb", "iw": "he", "in": "id", "ji": "yi"}


def _dateparser_language(language: str) -> str:
    primary = language.split("-")[0].lower()
    return _DATEPARSER_LANGUAGE.get(primary, primary)


@functools.lru_cache(maxsize=64)
def _dateparser(language: str) -> Any:
    """A reader for one language, or None when dateparser lacks it (or is not installed).
    dateparser costs ~0.1 s to import and its per-language data as much again: only pages
    that write dates in words pay for it, once per process."""
    try:
        import dateparser
    except ImportError:
        return None
    settings = {"REQUIRE_PARTS": ["day", "month", "year"], "PARSERS": ["custom-formats", "absolute-time"],
                "STRICT_PARSING": True}

    def parse(text: str) -> datetime | None:
        try:
            found = dateparser.parse(text, languages=[language], settings=settings)
        except Exception:  # unknown language (ValueError), or its own bugs on odd text
            return None
        return found if isinstance(found, datetime) else None

    try:
        dateparser.parse("2000", languages=[language])
    except Exception:
        return None
    return parse


def _zone(name: str | None, offset: int | None) -> tzinfo | None:
    """dateutil's zone lookup; None leaves the result naive, to be read in the site's zone."""
    if offset is not None:
        if abs(offset) >= 24 * _H:
            return None
        return timezone(timedelta(seconds=offset))
    return _ZONES.get(name.upper()) if name else None
