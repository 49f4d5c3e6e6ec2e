"""Validate, write into a staging folder, and swap it in: all or nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import time
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from flows import config, memory, schema
from flows.checksums import file_sha256
from flows.publish import atomic, package, version
from flows.publish.tables import TableWriter, arrow_table
from flows.validate.run import Outcome, Validation, keys


def with_flags(table: pa.Table, by_row: dict[int, set[str]]) -> pa.Table:
    """`table` with soft flags added to the `flags` lists of some rows (kept sorted)."""
    if not by_row:
        return table
    i = table.schema.get_field_index("flags")
    flags = table.column(i).to_pylist()
    for row, extra in by_row.items():
        flags[row] = sorted(set(flags[row]) | extra)
    return table.set_column(i, table.schema.field(i), pa.array(flags, table.schema.field(i).type))


@dataclass
class Staged:
    """What `stage` wrote: the validation outcome, and the flags of the releases written."""

    outcome: Outcome
    flag_counts: dict[str, int] = field(default_factory=dict)


def stage(whole: dict[str, list[dict[str, Any]]], buckets: Iterable[dict[str, pa.Table]],
          staging: Path, *, build_date: dt.date, ids: dict[str, set[str]] | None = None,
          checks: dict[str, list[str]] | None = None) -> Staged:
    """Validate and write every table into `staging`, with the validation report.

    `whole` holds the tables built whole (quarantine, persons, organizations), `buckets` the
    per-release tables bucket by bucket (`flows.assemble`), each sorted; one bucket is in memory
    at a time. Each is validated, its soft flags applied, and appended to the table files, whose
    bytes do not depend on the buckets (`TableWriter` cuts row groups by row count). `ids` are
    the keys of the whole dataset for foreign keys. The caller publishes (`commit`) only when
    `outcome.success`."""
    names = schema.tables()
    validation = Validation(names, build_date=build_date, report_dir=staging / "validation")
    writers = {name: TableWriter(name, staging) for name in names}
    counts: Counter = Counter()

    def write(tables: dict[str, pa.Table]) -> None:
        flags = validation.run(tables, ids)
        tables = {name: with_flags(t, flags.get(name, {})) for name, t in tables.items()}
        if "releases" in tables:
            counts.update(tables["releases"].column("flags").combine_chunks().flatten()
                          .to_pylist())
        # Arrow and Parquet release the GIL while they encode: tables side by side.
        with ThreadPoolExecutor(max_workers=config.WORKERS) as pool:
            for fut in [pool.submit(writers[n].write_arrow, t) for n, t in tables.items()]:
                fut.result()

    try:
        write({name: arrow_table(name, rows) for name, rows in whole.items()})
        _test_pause("tables", staging)
        for bucket in buckets:
            write(bucket)
            del bucket
            memory.release_free_memory()  # the next bucket starts from the same footprint
    finally:
        for w in writers.values():
            w.close()
    return Staged(validation.finish(checks), dict(sorted(counts.items())))


def publish_tables(tables: dict[str, list[dict[str, Any]]], staging: Path, out_dir: Path, *,
                   build_date: dt.date, created: str,
                   checks: dict[str, list[str]] | None = None) -> tuple[Staged, str | None]:
    """Validate and publish tables held in memory, whole (one bucket): (staged, version or None
    when validation failed). The build streams instead (`flows.pipeline`)."""
    bucket = {n: arrow_table(n, rows) for n, rows in tables.items() if n in BUCKET_TABLES}
    whole = {n: rows for n, rows in tables.items() if n not in BUCKET_TABLES}
    ids = keys({**bucket, **{n: arrow_table(n, rows) for n, rows in whole.items()}})
    staged = stage(whole, [bucket], staging, build_date=build_date, ids=ids, checks=checks)
    if not staged.outcome.success:
        reject(staging, out_dir)
        return staged, None
    release_ids = set(bucket["releases"].column("release_id").to_pylist())
    return staged, commit(staging, out_dir, created=created, release_ids=release_ids)[0]


BUCKET_TABLES = ("releases", "mentions", "quotes", "amounts", "interactions")


def reject(staging: Path, out_dir: Path) -> Path:
    """Keep a failed build's report beside the output, leaving the output untouched."""
    rejected = out_dir.with_name(f"{out_dir.name}.rejected")
    shutil.rmtree(rejected, ignore_errors=True)
    for p in staging.iterdir():  # the tables written before validation failed: not kept
        if p.is_file():
            p.unlink()
    staging.rename(rejected)
    return rejected / "validation"


def content_fingerprint(out_dir: Path) -> str:
    """Hash of every published table file: equal fingerprints, equal data."""
    h = hashlib.sha256()
    for name in schema.tables():
        for ext in ("parquet", "csv"):
            h.update(f"{name}.{ext}:{file_sha256(out_dir / f'{name}.{ext}')}\n".encode())
    return h.hexdigest()


# Test-only hook (tests/test_hostile.py kills a build mid-publish): with the environment
# variable set to "tables" (after the first table is written) or "swap" (staging complete, just
# before the swap), the publish touches `<staging>/.paused` and sleeps. Never set it otherwise.
TEST_PAUSE_ENV = "KZDIPLO_TEST_PAUSE_IN_PUBLISH"


def _test_pause(point: str, staging: Path) -> None:
    if os.environ.get(TEST_PAUSE_ENV) == point:
        (staging / ".paused").touch()
        time.sleep(float(os.environ.get(f"{TEST_PAUSE_ENV}_SECONDS", "120")))


def commit(staging: Path, out_dir: Path, *, created: str, release_ids: set[str],
           root_package: Path | None = None) -> tuple[str, bool]:
    """Write datapackage.json into `staging`, whose tables `stage` wrote and validated, and
    swap it in for `out_dir`.

    Returns (version, changed). A build whose tables equal the published ones changes nothing:
    the version and `created` stay, and the staging folder is dropped.
    """
    content = content_fingerprint(staging)
    prev = version.read_previous(out_dir)
    new_version, changed = version.bump(
        prev, content=content, release_ids=release_ids)
    if not changed:
        shutil.rmtree(staging, ignore_errors=True)
        return new_version, False
    extra = {
        "x-content": content,
        "x-contract": version.contract(),
        "x-validation": {"success": True, "report": "validation/index.html",
                         "summary": "validation/summary.json"},
    }
    desc = package.descriptor(staging, version=new_version, created=created, extra=extra)
    package.write(staging / "datapackage.json", desc)
    _test_pause("swap", staging)
    atomic.swap_in(staging, out_dir)
    if root_package is not None:
        prefix = out_dir.relative_to(root_package.parent.resolve()).as_posix() + "/"
        extra["x-validation"] = {"success": True, "report": f"{prefix}validation/index.html",
                                 "summary": f"{prefix}validation/summary.json"}
        root = package.descriptor(out_dir, version=new_version, created=created, prefix=prefix,
                                  extra=extra)
        atomic.replace_file(root_package, (json.dumps(root, indent=2, ensure_ascii=False)
                                           + "\n").encode("utf-8"))
    return new_version, True
