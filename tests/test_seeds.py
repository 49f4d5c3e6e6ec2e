"""Real values extracted from the five real seed releases."""

from __future__ import annotations

import datetime as dt


def test_seed_000_title_dateline_created_at(seed_releases):
    r = seed_releases["000_879523ad7d3ba391.txt"]
    assert r["title"] == "Kazakhstan’s UNSC Chairmanship discussed in Lithuania"
    assert r["release_date"] == dt.date(2018, 1, 17)
    assert r["date_source"] == "dateline"
    assert (r["dateline_place"], r["dateline_country"]) == ("Vilnius", "LTU")
    assert r["created_at"] == dt.datetime(2018, 1, 18, 10, 0)
    assert r["updated_at"] == dt.datetime(2018, 1, 18, 10, 0)
    assert r["body"].startswith('The "round table", organized by the Embassy')
    assert "Created at" not in r["body"] and "Vilnius, January 17" not in r["body"]
    assert r["flags"] == []


def test_seed_001_no_title_metadata_line_and_date_conflict(seed_releases):
    r = seed_releases["001_7075ca0c8b4d4acf.txt"]
    assert r["title"] is None
    assert r["release_date"] == dt.date(2017, 9, 11)
    assert r["date_source"] == "metadata"
    assert r["body"].startswith("Kazakhstan and Lithuania intend to continue")
    assert "date 2017" not in r["body"]
    assert r["flags"] == ["date_conflict", "title_missing"]
    assert "\n\n\n" not in r["body"]


def test_seed_002_vienna_dateline(seed_releases):
    r = seed_releases["002_6bb45686b2668b91.txt"]
    assert r["title"] == ("Kazakhstan stands ready to contribute to OSCE security and "
                          "co-operation efforts")
    assert (r["dateline_place"], r["dateline_country"]) == ("Vienna", "AUT")
    assert r["release_date"] == dt.date(2019, 5, 7)
    assert r["date_source"] == "dateline"
    # "7.05.2019" is day-first: 7 May, not 5 July
    assert r["created_at"] == dt.datetime(2019, 5, 7, 16, 30)
    assert r["body"].startswith("Kazakhstan stands ready to contribute to Organization")


def test_seed_003_navigation_byline_section_publisher(seed_releases):
    r = seed_releases["003_1935e6c797c1ede0.txt"]
    assert "Skip to Content" not in r["body"]
    assert r["title"] == "Peacekeeping role of Kazakh President distinguished in Slovenia"
    assert r["release_date"] == dt.date(2018, 9, 12)
    assert r["date_source"] == "byline"
    assert r["section"] == "Market"
    assert r["publisher"] == "Kazakhstan 2050"
    assert not r["body"].startswith("by ")
    assert "Source:" not in r["body"]


def test_seed_004_astana_dateline_without_year(seed_releases):
    r = seed_releases["004_af52a0a4b4611f5f.txt"]
    assert r["title"] is None
    assert (r["dateline_place"], r["dateline_country"]) == ("Astana", "KAZ")
    assert r["release_date"] is None
    assert r["date_source"] == "none"
    assert r["flags"] == ["date_year_missing", "title_missing"]
    assert r["body"].startswith("UN Secretary-General António Guterres emphasized")
    # the sub-heading inside the article stays in the body
    assert "UN Secretary-General visited UN Plaza in Almaty" in r["body"]


def test_word_counts_and_countries(seed_releases):
    for r in seed_releases.values():
        assert r["word_count"] > 300
        assert "KAZ" in r["countries"]
    assert "LTU" in seed_releases["001_7075ca0c8b4d4acf.txt"]["countries"]
    assert "SVN" in seed_releases["003_1935e6c797c1ede0.txt"]["countries"]
