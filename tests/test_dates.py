"""Date parsing: fast paths, day-first numbers, and never a guessed year."""

from __future__ import annotations

import datetime as dt

import pytest

from flows.dates import find_yearless, parse_date, parse_partial, parse_timestamp


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2017-09-11", dt.date(2017, 9, 11)),
        ("7.05.2019", dt.date(2019, 5, 7)),
        ("03/04/2019", dt.date(2019, 4, 3)),
        ("January 17, 2018", dt.date(2018, 1, 17)),
        ("May 7, 2019", dt.date(2019, 5, 7)),
        ("Jan. 5, 2016", dt.date(2016, 1, 5)),
        ("12 March 2021", dt.date(2021, 3, 12)),
        ("3rd of October 2022", dt.date(2022, 10, 3)),
        ("Sept 9 2020", dt.date(2020, 9, 9)),
    ],
)
def test_fast_paths(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["July 3", "3 July", "May 12", "December 1st"])
def test_no_year_is_never_this_year(text):
    assert parse_date(text) is None
    p = parse_partial(text)
    assert p is not None and p.year is None


def test_dateparser_fallback_requires_a_year():
    assert parse_date("14 марта 2019") == dt.date(2019, 3, 14)
    assert parse_date("14 марта") is None


def test_invalid_dates():
    assert parse_date("31.02.2019") is None
    assert parse_date("2019-13-01") is None
    assert parse_date("") is None


def test_timestamp():
    assert parse_timestamp("18.01.2018", "10:00") == dt.datetime(2018, 1, 18, 10, 0)
    assert parse_timestamp("18.01.2018", None) == dt.datetime(2018, 1, 18)


def test_find_yearless():
    assert find_yearless("during a July 3 meeting with") == "July 3"
    assert find_yearless("on July 3, 2019 in Astana") is None
    assert find_yearless("took place in May 2018") is None
