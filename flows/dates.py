"""Date parsing with fast paths for the formats releases use, and no guessed years.

`dateparser` fills a missing year with the current one; it is only asked about strings the fast
paths do not recognise, always with day, month and year required, and its answers are cached.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"  # noqa: E501
_ORD = r"(?:st|nd|rd|th)?"
# Regex source of one date expression (with or without a year), for use inside other patterns.
DATE = (
    rf"(?:\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}[./]\d{{1,2}}[./]\d{{4}}"
    rf"|{MONTH}\s+\d{{1,2}}{_ORD}(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}{_ORD}\s+(?:of\s+)?{MONTH}(?:,?\s+\d{{4}})?)"
)

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_NUMERIC = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4})")  # day first, as in the region
_MDY = re.compile(rf"({MONTH})\s+(\d{{1,2}}){_ORD}(?:,?\s+(\d{{4}}))?", re.I)
_DMY = re.compile(rf"(\d{{1,2}}){_ORD}\s+(?:of\s+)?({MONTH})(?:,?\s+(\d{{4}}))?", re.I)
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")


@dataclass(frozen=True)
class PartialDate:
    """A date as evidenced: `year` is None when the text gives only day and month."""

    year: int | None
    month: int
    day: int

    def to_date(self) -> dt.date | None:
        if self.year is None:
            return None
        try:
            return dt.date(self.year, self.month, self.day)
        except ValueError:
            return None


def _month(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def _build(year: str | None, month: int, day: str) -> PartialDate | None:
    d = int(day)
    if not (1 <= month <= 12 and 1 <= d <= 31):
        return None
    return PartialDate(int(year) if year else None, month, d)


@lru_cache(maxsize=65536)
def parse_partial(text: str) -> PartialDate | None:
    """Parse one date expression (the whole of `text`), keeping a missing year missing."""
    s = text.strip().strip(",.;:-–— ")
    if m := _ISO.fullmatch(s):
        return _build(m[1], int(m[2]), m[3])
    if m := _NUMERIC.fullmatch(s):
        return _build(m[3], int(m[2]), m[1])
    if m := _MDY.fullmatch(s):
        return _build(m[3], _month(m[1]), m[2])
    if m := _DMY.fullmatch(s):
        return _build(m[3], _month(m[2]), m[1])
    return _dateparser_full(s)


@lru_cache(maxsize=16384)
def _dateparser_full(s: str) -> PartialDate | None:
    if not s or len(s) > 60 or not re.search(r"\d", s):
        return None
    import dateparser  # slow import, only for the rare formats the fast paths miss

    parsed = dateparser.parse(
        s,
        languages=["en", "ru", "kk"],
        settings={
            "REQUIRE_PARTS": ["day", "month", "year"],
            "DATE_ORDER": "DMY",
            "PREFER_DATES_FROM": "past",
            "STRICT_PARSING": True,
        },
    )
    return PartialDate(parsed.year, parsed.month, parsed.day) if parsed else None


def parse_date(text: str) -> dt.date | None:
    """A full calendar date, or None (including when the year is missing)."""
    p = parse_partial(text)
    return p.to_date() if p else None


def parse_timestamp(date_text: str, time_text: str | None) -> dt.datetime | None:
    """Combine a date and an optional HH:MM[:SS] into a naive local timestamp."""
    day = parse_date(date_text)
    if day is None:
        return None
    if time_text and (m := _TIME.fullmatch(time_text.strip())):
        h, mi, sec = int(m[1]), int(m[2]), int(m[3] or 0)
        if h < 24 and mi < 60 and sec < 60:
            return dt.datetime(day.year, day.month, day.day, h, mi, sec)
    return dt.datetime(day.year, day.month, day.day)


_YEARLESS = re.compile(
    rf"\b(?:{MONTH}\s+\d{{1,2}}{_ORD}|\d{{1,2}}{_ORD}\s+(?:of\s+)?{MONTH})\b(?!,?\s+\d{{4}})", re.I
)


def find_yearless(text: str) -> str | None:
    """The first day-and-month expression in `text` that has no year, e.g. 'July 3'."""
    for m in _YEARLESS.finditer(text):
        # "May" is also a verb: require a capitalised month followed by a day number.
        if m[0][:1].isupper() or m[0][:1].isdigit():
            return m[0]
    return None
