"""Issue 5, streaming: per-release rows parked by bucket of release id, validated and written
one bucket at a time, with the same bytes and the same report as a build of the whole tables."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows import assemble, stages
from flows.assemble import Spill, bucket_count, bucket_of
from flows.publish import tables as tables_mod
from flows.publish.publisher import with_flags
from flows.publish.tables import TableWriter, arrow_table
from flows.validate.run import Validation, keys

RAW = Path(__file__).resolve().parent.parent / "raw"
CORPUS = Path(__file__).resolve().parent / "corpus"


def _quarantine_rows(n: int) -> list[dict]:
    return [{"source_file": f"f{i:04d}.txt", "raw_sha256": f"{i:064x}", "reason": "empty",
             "detail": f"row {i}, with a comma", "duplicate_of": None} for i in range(n)]


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=12))
def test_table_bytes_do_not_depend_on_how_rows_arrive(tmp_path_factory, monkeypatch, cuts):
    monkeypatch.setattr(tables_mod, "ROW_GROUP", 16)  # several row groups in 60 rows
    rows = _quarantine_rows(60)
    whole, parts = tmp_path_factory.mktemp("whole"), tmp_path_factory.mktemp("parts")
    tables_mod.write_table("quarantine", rows, whole)
    writer, start = TableWriter("quarantine", parts), 0
    for size in [*cuts, len(rows)]:  # the last piece takes whatever is left
        writer.write_arrow(arrow_table("quarantine", rows[start: start + size]))
        start = min(len(rows), start + size)
    writer.close()
    for ext in ("parquet", "csv"):
        name = f"quarantine.{ext}"
        assert (whole / name).read_bytes() == (parts / name).read_bytes()
    meta = pq.ParquetFile(parts / "quarantine.parquet").metadata
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [16, 16, 16, 12]


def test_buckets_are_ordered_ranges_of_release_ids():
    ids = sorted(f"{random.Random(i).getrandbits(64):016x}" for i in range(2_000))
    for n in (1, 3, 16):
        got = [bucket_of(rid, n) for rid in ids]
        assert got == sorted(got) and set(got) == set(range(n))
    assert bucket_count(0) == 1 and bucket_count(10_000, 10_000) == 1
    assert bucket_count(10_001, 10_000) == 2


def test_spill_gives_each_bucket_sorted_with_every_row(tmp_path, monkeypatch):
    monkeypatch.setattr(assemble, "_FLUSH_ROWS", 50)
    rng = random.Random(5)
    rids = [f"{rng.getrandbits(64):016x}" for _ in range(300)]
    spill = Spill(tmp_path, 4)
    for rid in rids:  # in file order, not id order
        spill.add(rid, {"amounts": [
            {"amount_id": f"{rid}-{i}", "release_id": rid, "value": float(i),
             "currency": "USD", "surface": f"${i}", "start": i, "end": i + 2}
            for i in range(1, 4)]})
        # the buffer is capped over all buckets: it does not grow with their number
        assert sum(len(rows) for rows in spill._rows.values()) < 50
    spill.close()
    seen = []
    for bucket in spill:
        assert bucket["releases"].num_rows == 0  # no release rows were parked
        seen += bucket["amounts"].column("amount_id").to_pylist()
    assert seen == [f"{rid}-{i}" for rid in sorted(rids) for i in range(1, 4)]
    assert not list(tmp_path.glob("*.arrow"))  # read buckets are removed


def test_duplicate_planning_reads_only_the_bodies_it_compares():
    items = stages.extract_batch(stages.normalise_batch(stages.discover(RAW)))
    asked: list[list[int]] = []

    def bodies_of(ids):
        asked.append(ids)
        return {i: items[i]["body"] for i in ids}

    kept, quarantine = stages.plan_duplicates([stages.summarise(x) for x in items], bodies_of)
    assert len(kept) == 5 and quarantine == []
    assert asked == [[]]  # five different releases: no pair is even a candidate


def test_validating_buckets_equals_validating_whole_tables(tmp_path):
    items = stages.extract_batch(stages.normalise_batch(stages.discover(CORPUS)))
    releases, quarantine = stages.deduplicate(items)
    tables = {"releases": releases, "quarantine": quarantine, **stages.entity_tables(releases)}
    arrows = {name: arrow_table(name, rows) for name, rows in tables.items()}
    ids = keys(arrows)
    per_release = ("releases", "mentions", "quotes", "amounts", "interactions")
    day = dt.date(2019, 6, 1)  # releases dated later get the soft flag date_out_of_range

    whole = Validation(list(tables), build_date=day, report_dir=None)
    whole_flags = whole.run(arrows)
    whole_outcome = whole.finish()

    split = Validation(list(tables), build_date=day, report_dir=None)
    split.run({n: t for n, t in arrows.items() if n not in per_release}, ids)
    flagged: dict[str, list[list[str]]] = {}
    for b in range(3):
        bucket = {}
        for name in per_release:
            t = arrows[name]
            mask = [bucket_of(r, 3) == b for r in t.column("release_id").to_pylist()]
            bucket[name] = t.filter(pa.array(mask, pa.bool_()))
        flags = split.run(bucket, ids)
        flagged.setdefault("releases", []).extend(
            with_flags(bucket["releases"], flags.get("releases", {}))
            .column("flags").to_pylist())
    split_outcome = split.finish()

    assert len(releases) > 20 and 0 < len(whole_flags["releases"]) < len(releases)
    assert flagged["releases"] == with_flags(arrows["releases"], whole_flags.get(
        "releases", {})).column("flags").to_pylist()
    assert split_outcome.summary["results"] == whole_outcome.summary["results"]
    assert split_outcome.summary["rows"] == whole_outcome.summary["rows"]
    assert (split_outcome.success, split_outcome.warnings) == (whole_outcome.success,
                                                               whole_outcome.warnings)


def test_the_flow_process_keeps_large_blocks_in_mmap():
    import sys

    from flows.memory import fix_mmap_threshold

    assert fix_mmap_threshold() or not sys.platform.startswith("linux")


def test_the_flow_process_gives_arrow_memory_back():
    from flows.memory import use_system_allocator

    before = pa.default_memory_pool()
    try:
        use_system_allocator()
        assert pa.default_memory_pool().backend_name == "system"
    finally:
        pa.set_memory_pool(before)


def test_gx_does_not_fingerprint_the_frames(monkeypatch):
    from great_expectations.execution_engine import pandas_execution_engine

    def refuse(df):
        raise AssertionError("GX hashed a whole frame")

    monkeypatch.setattr(pandas_execution_engine, "hash_pandas_dataframe", refuse)
    rows = _quarantine_rows(30)
    validation = Validation(["quarantine"], build_date=dt.date(2024, 1, 1), report_dir=None)
    validation.run({"quarantine": arrow_table("quarantine", rows)})
    outcome = validation.finish()
    assert outcome.success and outcome.summary["rows"]["quarantine"] == 30


def test_reference_frames_mark_broken_and_missing_references():
    """The frames behind the foreign-key and list-reference expectations (made in Arrow): a
    key that names nothing is False, a null key is null (not a broken reference), and each
    list item is a row with its table row."""
    from flows.validate.run import frames

    quotes = arrow_table("quotes", [
        {"quote_id": "q1", "release_id": "r1", "person_id": "p-known", "text": "a"},
        {"quote_id": "q2", "release_id": "r-gone", "person_id": None, "text": "b"},
        {"quote_id": "q3", "release_id": "r1", "person_id": "p-gone", "text": "c"}])
    interactions = arrow_table("interactions", [
        {"interaction_id": "i1", "release_id": "r1", "participants": ["p-known", "p-gone"]},
        {"interaction_id": "i2", "release_id": "r1", "participants": []},
        {"interaction_id": "i3", "release_id": "r1", "participants": ["p-known"]}])
    ids = {"releases.release_id": {"r1"}, "releases": {"r1"},
           "persons.person_id": {"p-known"}, "persons": {"p-known"}}
    got = frames({"quotes": quotes, "interactions": interactions}, ids)
    fk = got["quotes.fk"]
    assert fk["release_id"].tolist() == [True, False, True]
    assert fk["person_id"].tolist() == [True, None, False]
    items = got["interactions.participants"]
    assert items.to_dict("list") == {"row": [0, 0, 2], "value": ["p-known", "p-gone", "p-known"],
                                     "exists": [True, False, True]}


def test_validation_lets_go_of_the_frames_of_a_bucket(monkeypatch):
    """GX's batch manager keeps the last frame of each batch: a bucket's frames must not live
    on while the next bucket's are made (peak memory would grow with the buckets)."""
    import gc
    import weakref

    from flows.validate import run

    made: list[weakref.ref] = []
    frames = run.frames

    def watched(*args, **kwargs):
        out = frames(*args, **kwargs)
        made.extend(weakref.ref(df) for df in out.values())
        return out

    tables = {"persons": arrow_table("persons", [
        {"person_id": "a-b", "name": "A B", "aliases": [], "roles": [],
         "release_count": 1}])}
    validation = run.Validation(["persons"], build_date=dt.date(2025, 1, 1), report_dir=None)
    monkeypatch.setattr(run, "frames", watched)
    validation.run(tables)
    gc.collect()
    assert made and all(ref() is None for ref in made)
