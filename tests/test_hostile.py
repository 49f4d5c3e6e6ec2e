"""Hostile raw/ built through the Prefect flow: every file accounted for, each with its outcome."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from flows import stages
from tests import hostile_corpus


@pytest.fixture(scope="module")
def hostile_build(prefect_server, tmp_path_factory):
    from flows.pipeline import build_dataset

    base = tmp_path_factory.mktemp("hostile")
    expected = hostile_corpus.build(base / "raw", base / "outside")
    out = base / "output"
    summary = build_dataset(raw_dir=str(base / "raw"), out_dir=str(out))
    releases = pd.read_parquet(out / "releases.parquet")
    quarantine = pd.read_parquet(out / "quarantine.parquet")
    return base, expected, summary, releases, quarantine


def test_build_passes_and_accounts_for_every_file(hostile_build):
    base, expected, summary, releases, quarantine = hostile_build
    assert summary.valid, summary.failed
    files = stages.discover(base / "raw")
    assert len(files) == len(expected) == summary.files_read
    # the accounting identity: files in raw/ = rows in releases + rows in quarantine
    assert summary.files_read == summary.releases + sum(summary.quarantined.values())
    assert len(releases) + len(quarantine) == len(files)
    assert sorted([*releases.source_file, *quarantine.source_file]) == sorted(expected)


def test_each_file_has_its_outcome(hostile_build):
    _, expected, _, releases, quarantine = hostile_build
    rel = releases.set_index("source_file")
    qua = quarantine.set_index("source_file")
    ids = dict(zip(releases.source_file, releases.release_id, strict=True))
    for name, exp in expected.items():
        if exp.outcome == "release":
            assert name in rel.index, (name, qua.loc[name].to_dict() if name in qua.index else None)
            row = rel.loc[name]
            body = row["body"]
            assert body.strip() and "\n\n\n" not in body, name
            if exp.encoding:
                assert row["encoding"] == exp.encoding, name
            assert row["language"] == (exp.language or "en"), name
            assert exp.flags <= set(row["flags"]), (name, row["flags"])
            for text in exp.body_has:
                assert text in body, (name, text)
            for text in exp.body_lacks:
                assert text not in body, (name, text)
            if exp.title:
                assert row["title"] == exp.title, name
        else:
            assert name in qua.index, name
            row = qua.loc[name]
            assert row["reason"] == exp.outcome, (name, row["reason"], row["detail"])
            assert len(row["detail"]) > 20, name
            if exp.detail_has:
                assert exp.detail_has in row["detail"], (name, row["detail"])
            if exp.duplicate_of:
                assert row["duplicate_of"] == ids[exp.duplicate_of], name


def test_links_are_not_followed(hostile_build):
    base, _, _, releases, _ = hostile_build
    secret_words = (base / "outside" / "secret.txt").read_text().split("\n\n")[2][:60]
    assert not releases.body.str.contains(secret_words, regex=False).any()
    assert not any("inner" in f for f in releases.source_file)


def test_dates_out_of_range_are_flagged_not_dropped(hostile_build):
    _, _, summary, releases, _ = hostile_build
    rel = releases.set_index("source_file")
    for name, year in (("dated 1985.txt", 1985), ("dated 2099.txt", 2099)):
        assert rel.loc[name]["release_date"].year == year
        assert "date_out_of_range" in rel.loc[name]["flags"]
    assert summary.flags["date_out_of_range"] == 2
    assert any("date_out_of_range" in w or "release_date" in w for w in summary.warnings)


def test_csv_defuses_formulas_parquet_keeps_text(hostile_build):
    base, _, _, releases, _ = hostile_build
    title = '=HYPERLINK("http://example.com","click")'
    assert title in set(releases.title)
    csv.field_size_limit(2**31 - 1)  # the 2 MB line is one cell
    with (base / "output" / "releases.csv").open(encoding="utf-8", newline="") as fh:
        rows = {r["source_file"]: r for r in csv.DictReader(fh)}
    assert rows["formula title.txt"]["title"] == "'" + title
    # file names are data too: the leading dash is defused in the CSV, kept in Parquet
    assert "'-leading dash.txt" in rows
    assert "-leading dash.txt" in set(releases.source_file)


def test_long_line_and_languages(hostile_build):
    _, _, _, releases, _ = hostile_build
    rel = releases.set_index("source_file")
    assert rel.loc["one 2MB line.txt"]["word_count"] > 250_000
    assert set(releases.language) == {"en", "ru", "kk"}


def test_published_package_is_valid(hostile_build):
    from frictionless import Package

    base, *_ = hostile_build
    report = Package(str(base / "output" / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_too_large_is_not_read_whole(tmp_path, monkeypatch):
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 5000)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read whole"))
    (f,) = stages.discover(tmp_path)
    out = stages.read_one(f, max_bytes=1000)
    assert out.reason == "too_large" and "5,000 bytes" in out.detail
