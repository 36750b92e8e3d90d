"""Dates as text: machine and human date strings (ISO, numeric, month words in many
languages, CJK, epochs) and URL paths to ISO 8601 days, and how two such dates compare
(the same day somewhere on Earth, day and month swapped). Pure string and date work;
cleaners/dates.py decides which of a page's dates is its published or modified date."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from .metadata_dom import clean_text
from .metadata_vocab import MONTHS

MIN_YEAR = 1995
ISO_DATE = re.compile(
    r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?(?!\d)")
_YMD = re.compile(r"(?<!\d)(\d{4})([/.])(\d{1,2})\2(\d{1,2})(?!\d)")
_CJK = re.compile(r"(\d{4})\s*[년年]\s*(\d{1,2})\s*[월月]\s*(\d{1,2})\s*[일日]?")
_WORD = r"([^\W\d_]{3,12})"
_DMY_WORD = re.compile(
    r"(?<!\d)(\d{1,2})(?:st|nd|rd|th|er|º)?\.?\s+(?:de\s+)?" + _WORD
    + r"\.?,?\s+(?:de\s+)?(\d{4})(?!\d)", re.IGNORECASE)
_MDY_WORD = re.compile(
    _WORD + r"\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?!\d)", re.IGNORECASE)
_YMD_WORD = re.compile(r"(?<!\d)(\d{4})\.?\s+" + _WORD + r"\.?\s+(\d{1,2})\.?(?![\d:])",
                       re.IGNORECASE)
NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})([./-])(\d{1,2})\2(\d{4})(?!\d)")
_URL_DATE = re.compile(
    r"/((?:19|20)\d{2})[/_-]?(0[1-9]|1[0-2])[/_-]?(0[1-9]|[12]\d|3[01])"
    r"(?:/|[_+-]|%20|\.html?|$)")
_URL_MONTH_WORD = re.compile(r"/((?:19|20)\d{2})/([^\W\d_]{3,12})/(0?[1-9]|[12]\d|3[01])/")
_URL_YMD = re.compile(r"/((?:19|20)\d{2})/(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])/")
_EPOCH = re.compile(r"^\d{10}(?:\d{3})?$")


def latest_day() -> date:
    return (datetime.now(UTC) + timedelta(days=2)).date()


def valid_day(year: int, month: int, day: int) -> date | None:
    if not MIN_YEAR <= year <= latest_day().year + 1:
        return None
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    return found if found <= latest_day() else None


def iso_of(match: re.Match[str]) -> str | None:
    year, month, day = int(match[1]), int(match[2]), int(match[3])
    found = valid_day(year, month, day)
    if found is None:
        return None
    if match[4] is None:
        return found.isoformat()
    hour, minute, second = int(match[4]), int(match[5]), int(match[6] or 0)
    if hour > 23 or minute > 59 or second > 59:
        return found.isoformat()
    tz = match[7] or ""
    if tz and tz != "Z" and ":" not in tz:
        tz = f"{tz[:3]}:{tz[3:]}"
    return f"{found.isoformat()}T{hour:02d}:{minute:02d}:{second:02d}{tz}"


def month_number(word: str) -> int | None:
    return MONTHS.get(word.lower().rstrip("."))


def parse_date(value: Any) -> str | None:
    """The first plausible date in a string (machine or human format), as ISO 8601."""
    text = clean_text(value) if isinstance(value, str) else str(value or "")
    if not text:
        return None
    if _EPOCH.match(text):
        stamp = int(text[:10])
        found = datetime.fromtimestamp(stamp, UTC).date()
        return found.isoformat() if valid_day(found.year, found.month, found.day) else None
    match = ISO_DATE.search(text)
    if match and (iso := iso_of(match)):
        return iso
    return parse_human_date(text)


def _numeric(match: re.Match[str], month_first: bool) -> date | None:
    """'13.01.2025' is day first; '01/13/2025' month first where the page is US English."""
    first, second, year = int(match[1]), int(match[3]), int(match[4])
    if first > 12 or ((match[2] == "." or not month_first) and second <= 12):
        return valid_day(year, second, first)
    return valid_day(year, first, second)


def _word_dmy(match: re.Match[str]) -> date | None:
    month = month_number(match[2])
    return valid_day(int(match[3]), month, int(match[1])) if month else None


def _word_ymd(match: re.Match[str]) -> date | None:
    month = month_number(match[2])
    return valid_day(int(match[1]), month, int(match[3])) if month else None


def _word_mdy(match: re.Match[str]) -> date | None:
    month = month_number(match[1])
    return valid_day(int(match[3]), month, int(match[2])) if month else None
_HUMAN_PATTERNS = (
    (ISO_DATE, lambda m: valid_day(int(m[1]), int(m[2]), int(m[3]))),
    (_CJK, lambda m: valid_day(int(m[1]), int(m[2]), int(m[3]))),
    (_YMD, lambda m: valid_day(int(m[1]), int(m[3]), int(m[4]))),
    (_DMY_WORD, _word_dmy),
    (_MDY_WORD, _word_mdy),
    (_YMD_WORD, _word_ymd),
)


def find_dates(text: str, month_first: bool = True) -> list[tuple[int, str]]:
    """Every plausible date written in the text, as (offset, YYYY-MM-DD), in text order.

    month_first decides "03/10/2023" (True: March 10, as in US English).
    """
    found: dict[int, str] = {}
    taken: list[tuple[int, int]] = []
    patterns = (*_HUMAN_PATTERNS, (NUMERIC_DATE, lambda m: _numeric(m, month_first)))
    for pattern, build in patterns:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(s < end and start < e for s, e in taken):
                continue
            if day := build(match):
                found[start] = day.isoformat()
                taken.append((start, end))
    return sorted(found.items())


def parse_human_date(text: str) -> str | None:
    """Dates as people write them: 'January 13, 2025', '13. Januar 2025', '2025년 1월 13일'."""
    dates = find_dates(text)
    return dates[0][1] if dates else None


def url_date(url: str) -> str | None:
    """A /2025/01/12/ (or /20250112/) date in the URL path."""
    path = url.split("?", 1)[0]
    match = _URL_YMD.search(path) or _URL_DATE.search(path)
    if not match:
        word = _URL_MONTH_WORD.search(path)
        month = month_number(word[2]) if word else None
        found = valid_day(int(word[1]), month, int(word[3])) if word and month else None
        return found.isoformat() if found else None
    found = valid_day(int(match[1]), int(match[2]), int(match[3]))
    return found.isoformat() if found else None


# local time zones span UTC-12:00 to UTC+14:00
_EARLIEST_ZONE, _LATEST_ZONE = timedelta(hours=-12), timedelta(hours=14)


def _local_days(machine: str) -> tuple[date, date] | None:
    """The first and last local day a zoned timestamp can fall on anywhere on Earth."""
    if len(machine) <= 19 or machine[10] != "T":
        return None
    try:
        instant = datetime.fromisoformat(machine.replace("Z", "+00:00"))
    except ValueError:
        return None
    if instant.tzinfo is None:
        return None
    utc = instant.astimezone(UTC).replace(tzinfo=None)
    return (utc + _EARLIEST_ZONE).date(), (utc + _LATEST_ZONE).date()


def near_day(shown: str, machine: str | None) -> bool:
    """The same day in some time zone, or the same date with day and month swapped.

    A zoned timestamp (2025-12-19T22:02:58Z) is shown as 12-19 or 12-20
    somewhere on Earth, never as 12-18; without a zone, one day either way.
    """
    if not machine:
        return False
    try:
        want, day = date.fromisoformat(machine[:10]), date.fromisoformat(shown[:10])
    except ValueError:
        return False
    span = _local_days(machine)
    if span and span[0] <= day <= span[1]:
        return True
    if span is None and abs((day - want).days) <= 1:
        return True
    return day.day <= 12 and valid_day(day.year, day.day, day.month) == want


def one_day_apart(one: str, other: str) -> bool:
    try:
        return abs((date.fromisoformat(one[:10]) - date.fromisoformat(other[:10])).days) == 1
    except ValueError:
        return False


def same_instant(one: str | None, other: str | None) -> bool:
    """Two timestamps with the same date and clock time (the CMS stamped both at once)."""
    return bool(one and other and len(one) >= 16 and one[:19] == other[:19])


def swap_by_url(found: str, url: str) -> str:
    """'03/10/2023' read month first when the URL says 2023/10/03: the URL's order wins."""
    local = url_date(url)
    if local and found[:10] != local:
        day = date.fromisoformat(found[:10])
        if day.day <= 12 and valid_day(day.year, day.day, day.month) == date.fromisoformat(local):
            return local
    return found


def swapped_day(found: str) -> str | None:
    day = date.fromisoformat(found[:10])
    swapped = valid_day(day.year, day.day, day.month) if day.day <= 12 else None
    return swapped.isoformat() if swapped else None
