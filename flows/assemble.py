"""The rows of the per-release tables, assembled release by release and parked by bucket.

A build never holds every release's text and child rows at once. After the corpus-wide
decisions (which files are duplicates, who is who) are taken on compact summaries, the full
results are read back from the extraction store one segment at a time; each kept release becomes
its rows in `releases`, `mentions`, `quotes`, `amounts` and `interactions`, which go to the
bucket of its `release_id` (Arrow IPC files on disk). Buckets are ranges of release ids, so
validating and publishing them one after another, each sorted, writes every table in
`release_id` order with one bucket in memory at a time (`flows.publish.publisher.stage`).

The number of buckets follows the corpus (`config.BUCKET_RELEASES` releases each); the
published bytes do not depend on it (tests/test_scale.py builds with several and compares).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc

from flows import config, corrections, schema
from flows.extract.resolve import (
    EMPTY,
    PersonIds,
    organization_rows,
    release_rows,
    resolve_persons,
)
from flows.publish.tables import arrow_table
from flows.stages import PRIVATE, corrected_interactions, unpack_persons

TABLES = ("releases", "mentions", "quotes", "amounts", "interactions")
_FLUSH_ROWS = 2_000  # rows of one table (all buckets) buffered before they go to disk


def bucket_count(releases: int, per_bucket: int | None = None) -> int:
    return max(1, math.ceil(releases / (per_bucket or config.BUCKET_RELEASES)))


def bucket_of(release_id: str, buckets: int) -> int:
    """The bucket of a release: ids are hex digests, so equal ranges hold about equal shares."""
    return (int(release_id[:8], 16) * buckets) >> 32


class Spill:
    """Rows of the per-release tables, by bucket of release id, in Arrow IPC files."""

    def __init__(self, folder: Path, buckets: int) -> None:
        self.folder, self.buckets = Path(folder), buckets
        self.folder.mkdir(parents=True, exist_ok=True)
        self._rows: dict[tuple[int, str], list[dict[str, Any]]] = {}
        self._buffered: Counter = Counter()  # rows buffered per table
        self._writers: dict[tuple[int, str], ipc.RecordBatchFileWriter] = {}

    def add(self, release_id: str, tables: dict[str, list[dict[str, Any]]]) -> None:
        """Park the rows of one release (all of them in its bucket, in the given order)."""
        b = bucket_of(release_id, self.buckets)
        for name, rows in tables.items():
            if rows:
                self._rows.setdefault((b, name), []).extend(rows)
                self._buffered[name] += len(rows)
                # a cap per table over all buckets, not per bucket: the buffers would
                # otherwise grow with the number of buckets, hence with the corpus
                if self._buffered[name] >= _FLUSH_ROWS:
                    for key in [k for k in self._rows if k[1] == name]:
                        self._flush(*key)
                    self._buffered[name] = 0

    def _flush(self, b: int, name: str) -> None:
        rows = self._rows.pop((b, name), [])
        if not rows:
            return
        if (b, name) not in self._writers:
            self._writers[(b, name)] = ipc.new_file(self.folder / f"{b:05d}-{name}.arrow",
                                                   schema.arrow_schema(name))
        self._writers[(b, name)].write_table(arrow_table(name, rows))

    def close(self) -> None:
        for b, name in list(self._rows):
            self._flush(b, name)
        for w in self._writers.values():
            w.close()
        self._writers.clear()

    def bucket(self, b: int) -> dict[str, pa.Table]:
        """The tables of bucket `b`, each sorted by release id (stable: a release's rows keep
        their order)."""
        out = {}
        for name in TABLES:
            path = self.folder / f"{b:05d}-{name}.arrow"
            if path.exists():
                with pa.memory_map(str(path)) as source:
                    table = ipc.open_file(source).read_all()
                order = pc.sort_indices(table, sort_keys=[("release_id", "ascending")])
                table = table.take(order).combine_chunks()
                path.unlink()
            else:
                table = arrow_table(name, [])
            out[name] = table
        return out

    def __iter__(self) -> Iterator[dict[str, pa.Table]]:
        for b in range(self.buckets):
            yield self.bucket(b)


def assemble(entries: Iterable[tuple[int, dict[str, Any]]],
             who: PersonIds,
             fixes: dict[str, list[corrections.Correction]], spill: Spill) -> Counter:
    """Rows of the releases of `entries` ((file index, extraction result) of kept releases)
    into `spill`, with people resolved and corrections applied; returns the number of releases
    each organisation takes part in."""
    org_releases: Counter = Counter()
    for _, entry in entries:
        row = dict(entry)
        ex = row.pop("_entities", EMPTY)
        for k in PRIVATE:
            row.pop(k, None)
        fix = fixes.get(row["release_id"], [])
        ex = corrected_interactions(row, ex, fix)
        children, orgs = release_rows(row, ex, who.of(ex.get("persons", [])))
        corrections.apply_row(row, fix)
        spill.add(row["release_id"], {"releases": [row], **children})
        org_releases.update(orgs)
    return org_releases


def assemble_build(summaries: list[dict[str, Any]], kept: list[int],
                   quarantine: list[dict[str, Any]],
                   read: Callable[[list[int]], Iterable[tuple[int, dict[str, Any]]]],
                   raw_dir: Path, spill: Spill) -> Assembled:
    """Resolve people over the kept releases' summaries, check raw/corrections.csv, and park
    every per-release row in `spill` (`read(indices)` yields the full extraction results)."""
    release_ids = {summaries[i]["release_id"] for i in kept}
    who, persons = resolve_persons(_People({summaries[i]["release_id"]: summaries[i]
                                            for i in kept}))
    fixes, problems = corrections.load(raw_dir)
    problems += corrections.unknown(fixes, release_ids, quarantine)
    org_releases = assemble(read(kept), who, corrections.by_release(fixes), spill)
    spill.close()
    whole = {"quarantine": quarantine, "persons": persons,
             "organizations": organization_rows(org_releases)}
    ids = {"releases": release_ids, "releases.release_id": release_ids}
    for name, key in (("persons", "person_id"), ("organizations", "organization_id"),
                      ("quarantine", "source_file")):
        ids[name] = ids[f"{name}.{key}"] = {r[key] for r in whole[name]}
    return Assembled(whole, ids, problems, sum(c.release_id in release_ids for c in fixes))


class _People(Mapping[str, dict[str, Any]]):
    """release id -> {"persons": [...]}, unpacked from the summaries one release at a time."""

    def __init__(self, summaries: dict[str, dict[str, Any]]) -> None:
        self.summaries = summaries

    def __getitem__(self, release_id: str) -> dict[str, Any]:
        return {"persons": unpack_persons(self.summaries[release_id])}

    def __iter__(self) -> Iterator[str]:
        return iter(self.summaries)

    def __len__(self) -> int:
        return len(self.summaries)


@dataclass
class Assembled:
    whole: dict[str, list[dict[str, Any]]]  # quarantine, persons, organizations
    ids: dict[str, set[str]]  # keys of the tables others refer to
    correction_problems: list[str]
    corrected: int  # lines of raw/corrections.csv applied
