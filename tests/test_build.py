"""The Prefect flow end to end on the seeds: files, types, datapackage, atomic failure."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from flows import schema

ARROW_TYPES = {"string": "string", "integer": "int64", "number": "double",
               "date": "date32[day]", "datetime": "timestamp[ms]",
               "list": "list<element: string>"}


def test_summary(seed_build):
    _, summary = seed_build
    assert summary.files_read == 5
    assert summary.releases == 5
    assert summary.quarantined == {}
    assert summary.flags == {"date_conflict": 1, "date_year_missing": 1, "title_missing": 2}
    assert summary.valid and summary.published and summary.version == "1.0.0"


def test_frictionless_validates_the_package(seed_build):
    from frictionless import Package

    out, _ = seed_build
    report = Package(str(out / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    desc = json.loads((out / "datapackage.json").read_text())
    assert desc["name"] == "kazakhstan-diplomatic-releases"
    assert desc["licenses"][0]["name"] == "CC-BY-4.0"
    assert desc["version"] and desc["created"] and desc["sources"]
    assert {r["path"] for r in desc["resources"]} == {
        f"{t}.{ext}" for t in schema.tables() for ext in ("csv", "parquet")}


def test_parquet_types_follow_the_schemas(seed_build):
    out, _ = seed_build
    for table in schema.tables():
        arrow = pq.read_schema(out / f"{table}.parquet")
        for f in schema.load(table)["fields"]:
            assert str(arrow.field(f["name"]).type) == ARROW_TYPES[f["type"]], (table, f["name"])


def test_pandas_and_duckdb_read_every_table(seed_build):
    out, _ = seed_build
    df = pd.read_parquet(out / "releases.parquet")
    assert len(df) == 5
    assert list(df.columns) == schema.field_names("releases")
    assert df.loc[df.source_file.str.startswith("000"), "release_date"].iloc[0].isoformat() \
        == "2018-01-17"
    con = duckdb.connect()
    rows = con.execute(
        f"DESCRIBE SELECT * FROM read_parquet('{out / 'releases.parquet'}')").fetchall()
    types = {r[0]: r[1] for r in rows}
    assert types["release_date"] == "DATE"
    assert types["created_at"] == "TIMESTAMP"  # DuckDB reads Parquet ms timestamps as TIMESTAMP
    assert types["countries"] == "VARCHAR[]"
    assert types["word_count"] == "BIGINT"
    n = con.execute(f"SELECT count(*) FROM read_parquet('{out / 'quarantine.parquet'}')")
    assert n.fetchone()[0] == 0
    # the CSV holds the same rows, lists joined with |
    csv = pd.read_csv(out / "releases.csv", keep_default_na=False)
    assert sorted(csv.release_id) == sorted(df.release_id)
    assert "KAZ|LTU" in set(csv.countries)


def test_rebuild_is_byte_identical_and_unchanged(seed_build, tmp_path):
    from flows.pipeline import build_dataset

    out, _ = seed_build
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.iterdir()
              if p.is_file()}
    other = tmp_path / "again"
    build_dataset(raw_dir=str(Path(__file__).parent.parent / "raw"), out_dir=str(other))
    for table in schema.tables():
        for ext in ("parquet", "csv"):
            name = f"{table}.{ext}"
            assert hashlib.sha256((other / name).read_bytes()).hexdigest() == before[name]
    # building into the same folder again publishes nothing new
    summary = build_dataset(raw_dir=str(Path(__file__).parent.parent / "raw"), out_dir=str(out))
    assert summary.valid and not summary.published and summary.version == "1.0.0"
    assert before["datapackage.json"] == hashlib.sha256(
        (out / "datapackage.json").read_bytes()).hexdigest()


def test_failed_expectation_leaves_output_untouched(seed_build, monkeypatch, capsys):
    from flows import cli
    from flows.extract import release

    out, _ = seed_build
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    real = release.extract_release

    def broken(doc):
        row = real(doc)
        row["dateline_country"] = "Lithuania"  # not an ISO3 code
        return row

    monkeypatch.setattr("flows.stages.extract_release", broken)
    code = cli.main(["build", "--raw", str(Path(__file__).parent.parent / "raw"),
                     "--out", str(out), "--quiet", "--no-cache"])
    printed = capsys.readouterr().out
    assert code == 1
    assert "validation:          FAILED" in printed
    assert "expect_column_values_to_match_regex(dateline_country)" in printed
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    rejected = out.with_name("output.rejected") / "validation" / "summary.json"
    assert json.loads(rejected.read_text())["success"] is False


@pytest.mark.parametrize("table", ["releases", "quarantine"])
def test_validation_report_written(seed_build, table):
    out, _ = seed_build
    summary = json.loads((out / "validation" / "summary.json").read_text())
    assert summary["success"] is True
    assert any(r["batch"] == table for r in summary["results"])
    assert (out / "validation" / "data_docs" / "index.html").exists()
