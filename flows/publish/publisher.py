"""Validate, write into a staging folder, and swap it in: all or nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import pyarrow as pa

from flows import config, schema
from flows.checksums import file_sha256
from flows.publish import atomic, package, version
from flows.publish.tables import arrow_table, write_table
from flows.validate.run import Outcome, validate


def _apply_flags(tables: dict[str, list[dict[str, Any]]], outcome: Outcome,
                 arrows: dict[str, pa.Table]) -> None:
    for table, by_row in outcome.flags.items():
        rows = tables[table]
        for i, flags in by_row.items():
            rows[i]["flags"] = sorted(set(rows[i]["flags"]) | flags)
        if by_row and table in arrows:
            arrow = arrows[table]
            i = arrow.schema.get_field_index("flags")
            arrows[table] = arrow.set_column(i, arrow.schema.field(i), pa.array(
                [r["flags"] for r in rows], arrow.schema.field(i).type))


def check(tables: dict[str, list[dict[str, Any]]], staging: Path, *,
          build_date: dt.date, checks: dict[str, list[str]] | None = None) -> Outcome:
    """Validate `tables`, apply soft flags to their rows, write the report into `staging`.

    The tables are made Arrow tables once, here: validation reads them, and `commit` writes
    them (`outcome.arrows`, with the soft flags applied)."""
    arrows = {name: arrow_table(name, rows) for name, rows in tables.items()}
    outcome = validate(tables, build_date=build_date, report_dir=staging / "validation",
                       checks=checks, arrows=arrows)
    _apply_flags(tables, outcome, arrows)
    outcome.arrows = arrows
    return outcome


def reject(staging: Path, out_dir: Path) -> Path:
    """Keep a failed build's report beside the output, leaving the output untouched."""
    rejected = out_dir.with_name(f"{out_dir.name}.rejected")
    shutil.rmtree(rejected, ignore_errors=True)
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


def commit(tables: dict[str, list[dict[str, Any]]], staging: Path, out_dir: Path, *,
           created: str, root_package: Path | None = None,
           arrows: dict[str, pa.Table] | None = None) -> tuple[str, bool]:
    """Write the tables and datapackage.json into `staging` and swap it in for `out_dir`.

    Returns (version, changed). A build whose tables equal the published ones changes nothing:
    the version and `created` stay, and the staging folder is dropped.
    """
    # Tables are written side by side: Arrow and Parquet release the GIL while they encode.
    with ThreadPoolExecutor(max_workers=config.WORKERS) as pool:
        futures = [pool.submit(write_table, name, tables[name], staging,
                               (arrows or {}).get(name)) for name in schema.tables()]
        for fut in as_completed(futures):
            fut.result()
            _test_pause("tables", staging)
    content = content_fingerprint(staging)
    prev = version.read_previous(out_dir)
    new_version, changed = version.bump(
        prev, content=content, release_ids={r["release_id"] for r in tables["releases"]})
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
