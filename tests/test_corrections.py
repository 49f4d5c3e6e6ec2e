"""Human corrections from raw/corrections.csv: parsing, applying, and failing validation."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from flows import corrections, stages

ROOT = Path(__file__).resolve().parent.parent
HEADER = "release_id,column,value,reason,author,date\n"
# The fixes the README shows for seeds 001 and 004.
SEED_FIXES = (
    "23669724700e59b4,release_date,2018-09-11,\"<what you checked: the publisher's page gives "
    "11.09.2018>\",a.maintainer,2025-01-15\n"
    "b0c23503046fd971,release_date,2024-07-03,\"<what you checked: the meeting's date on the "
    "publisher's page>\",a.maintainer,2025-01-15\n"
)


def _raw_with(tmp_path: Path, text: str) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "raw", raw)
    (raw / "corrections.csv").write_text(text, encoding="utf-8")
    return raw


def _pure_build(raw: Path):
    items = stages.extract_batch(stages.normalise_batch(stages.discover(raw)))
    releases, quarantine = stages.deduplicate(items)
    applied, problems = stages.correct(raw, releases, quarantine)
    stages.entity_tables(releases)
    return {r["source_file"][:3]: r for r in releases}, applied, problems


def test_shipped_file_is_header_only():
    assert (ROOT / "raw" / "corrections.csv").read_text(encoding="utf-8") == HEADER
    assert corrections.load(ROOT / "raw") == ([], [])


def test_seed_fixes_apply(tmp_path):
    releases, applied, problems = _pure_build(_raw_with(tmp_path, HEADER + SEED_FIXES))
    assert problems == [] and applied == 2
    r001, r004 = releases["001"], releases["004"]
    assert r001["release_date"] == dt.date(2018, 9, 11)
    assert r001["date_source"] == "correction"
    assert "corrected" in r001["flags"] and "date_conflict" not in r001["flags"]
    assert r004["release_date"] == dt.date(2024, 7, 3)
    assert r004["date_source"] == "correction"
    assert "corrected" in r004["flags"] and "date_year_missing" not in r004["flags"]
    assert "corrected" not in releases["000"]["flags"]


def test_values_by_type():
    fields = {f["name"]: f for f in corrections.schema.load("releases")["fields"]}
    assert corrections.parse_value("", fields["title"]) is None
    assert corrections.parse_value("LTU|KAZ", fields["countries"]) == ["KAZ", "LTU"]
    assert corrections.parse_value("", fields["countries"]) == []
    assert corrections.parse_value("2018-01-18T10:00:00", fields["created_at"]) == \
        dt.datetime(2018, 1, 18, 10, 0)
    for value, field in (("18.01.2018", "release_date"), ("2018-1-8", "release_date"),
                         ("Lithuania", "dateline_country"), ("guess", "date_source"),
                         ("", "language"), ("KAZ||LTU", "countries")):
        with pytest.raises(ValueError):
            corrections.parse_value(value, fields[field])


@pytest.mark.parametrize(("line", "message"), [
    ("0000000000000000,title,X,r,a,2025-01-01", "line 2: unknown release 0000000000000000"),
    ("23669724700e59b4,headline,X,r,a,2025-01-01", "line 2: unknown column 'headline'"),
    ("23669724700e59b4,body,X,r,a,2025-01-01", "line 2: column 'body' cannot be corrected"),
    ("23669724700e59b4,release_date,11.09.2018,r,a,2025-01-01",
     "line 2: value '11.09.2018' for release_date (date) does not parse"),
    ("23669724700e59b4,title,X,,a,2025-01-01", "line 2: reason and author are required"),
    ("23669724700e59b4,title,X,r,a,yesterday", "line 2: date 'yesterday' is not an ISO date"),
    ("23669724700e59b4,title,X,r", "line 2: 4 cells, expected 6"),
    ("7075ca0c,title,X,r,a,2025-01-01", "line 2: release_id '7075ca0c' is not 16"),
])
def test_problems_name_the_line(tmp_path, line, message):
    _, _, problems = _pure_build(_raw_with(tmp_path, HEADER + line + "\n"))
    assert len(problems) == 1 and message in problems[0], problems


def test_same_release_and_column_twice():
    fixes, problems = corrections.parse(
        HEADER + "23669724700e59b4,title,A,r,a,2025-01-01\n"
        "23669724700e59b4,title,B,r,a,2025-01-02\n")
    assert len(fixes) == 1 and "line 3" in problems[0] and "line 2" in problems[0]


def test_correcting_a_quarantined_duplicate_points_to_the_kept_release():
    quarantine = [{"source_file": "b.txt", "raw_sha256": "ab" * 32, "reason": "duplicate",
                   "duplicate_of": "cd" * 8, "detail": "..."}]
    fixes, _ = corrections.parse(HEADER + f"{'ab' * 8},title,X,r,a,2025-01-01\n")
    (problem,) = corrections.apply(fixes, [], quarantine)
    assert "b.txt is quarantined (duplicate)" in problem and "cd" * 8 in problem


def test_bad_correction_fails_the_build(prefect_server, tmp_path, capsys):
    from flows import cli

    raw = _raw_with(tmp_path, HEADER + SEED_FIXES
                    + "23669724700e59b4,headline,X,typo in the column,a.maintainer,2025-01-16\n")
    out = tmp_path / "output"
    code = cli.main(["build", "--raw", str(raw), "--out", str(out), "--quiet"])
    printed = capsys.readouterr().out
    assert code == 1 and not out.exists()
    assert "corrections: corrections.csv line 4: unknown column 'headline'" in printed
    summary = json.loads((tmp_path / "output.rejected" / "validation" / "summary.json")
                         .read_text())
    check = next(r for r in summary["results"] if r["batch"] == "corrections")
    assert check["success"] is False and check["unexpected_count"] == 1


def test_good_corrections_are_published(prefect_server, tmp_path):
    import pandas as pd

    from flows.pipeline import build_dataset

    raw = _raw_with(tmp_path, HEADER + SEED_FIXES)
    summary = build_dataset(raw_dir=str(raw), out_dir=str(tmp_path / "output"))
    assert summary.valid and summary.corrections == 2
    assert "corrections:         2 applied" in "\n".join(summary.lines())
    df = pd.read_parquet(tmp_path / "output" / "releases.parquet").set_index("release_id")
    assert df.loc["b0c23503046fd971", "release_date"] == dt.date(2024, 7, 3)
    assert df.loc["23669724700e59b4", "date_source"] == "correction"


def _undated_talks(tmp_path: Path) -> Path:
    """raw/ with one release of talks held "today", with no date anywhere, in Astana."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "talks.txt").write_text(
        "Kazakh and Swiss ministers held talks\n\n"
        "ASTANA – Foreign Minister Murat Nurtleu held talks with Swiss Foreign Minister "
        "Ignazio Cassis today. The sides discussed trade.\n", encoding="utf-8")
    return raw


def test_a_corrected_release_date_reaches_the_interactions_that_fall_back_to_it(tmp_path):
    from flows.assemble import Spill, assemble
    from flows.extract.resolve import resolve_persons

    raw = _undated_talks(tmp_path)
    (entry,) = stages.extract_batch(stages.normalise_batch(stages.discover(raw)))
    rid = entry["release_id"]
    assert entry["release_date"] is None  # no date anywhere: "today" stays unknown
    (before,) = entry["_entities"]["interactions"]
    assert before["event_date"] is None and before["place"] == "Astana"
    fix = [corrections.Correction(2, rid, "release_date", dt.date(2024, 5, 14), "checked",
                                  "a.maintainer", dt.date(2025, 1, 15)),
           corrections.Correction(3, rid, "dateline_place", "Almaty", "checked",
                                  "a.maintainer", dt.date(2025, 1, 15))]
    who, _ = resolve_persons({rid: entry["_entities"]})
    spill = Spill(tmp_path / "spill", 1)
    assemble([(0, entry)], who, {rid: fix}, spill)
    spill.close()
    (bucket,) = list(spill)
    (row,) = bucket["interactions"].to_pylist()
    assert row["event_date"] == dt.date(2024, 5, 14)  # "today" of the corrected release
    assert row["place"] == "Almaty"
    assert bucket["releases"].column("release_date").to_pylist() == [dt.date(2024, 5, 14)]


def test_the_in_memory_path_applies_corrections_to_interactions_as_a_build_does(tmp_path):
    raw = _undated_talks(tmp_path)
    (entry,) = stages.extract_batch(stages.normalise_batch(stages.discover(raw)))
    (raw / "corrections.csv").write_text(
        HEADER + f"{entry['release_id']},release_date,2024-05-14,checked,a.maintainer,"
        "2025-01-15\n", encoding="utf-8")
    items = stages.extract_batch(stages.normalise_batch(stages.discover(raw)))
    releases, quarantine = stages.deduplicate(items)
    assert stages.correct(raw, releases, quarantine) == (1, [])
    (row,) = stages.entity_tables(releases)["interactions"]
    assert row["event_date"] == dt.date(2024, 5, 14)  # "today" of the corrected release
    assert releases[0]["release_date"] == dt.date(2024, 5, 14)
