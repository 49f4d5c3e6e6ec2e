"""The Prefect flow `build_dataset`: thin tasks over batches of releases around `flows.stages`."""

from __future__ import annotations

import datetime as dt
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows import config, stages
from flows.publish import atomic
from flows.publish.publisher import check, commit, reject
from flows.validate.run import Outcome

_TASK = {"cache_policy": NO_CACHE, "persist_result": False}


@dataclass
class BuildSummary:
    raw_dir: str
    out_dir: str
    files_read: int
    releases: int
    quarantined: dict[str, int]
    flags: dict[str, int]
    valid: bool
    published: bool
    version: str | None
    report: str
    failed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        q = ", ".join(f"{k} {v}" for k, v in sorted(self.quarantined.items())) or "none"
        f = ", ".join(f"{k} {v}" for k, v in self.flags.items()) or "none"
        verdict = "PASSED" if self.valid else "FAILED"
        out = [
            f"files read:          {self.files_read} (from {self.raw_dir})",
            f"releases published:  {self.releases}",
            f"quarantined:         {sum(self.quarantined.values())} ({q})",
            f"flags:               {f}",
            f"validation:          {verdict}"
            + (f", {len(self.warnings)} soft rule(s) flagged rows" if self.warnings else ""),
            f"report:              {self.report}",
        ]
        if self.valid:
            state = "published" if self.published else "unchanged, nothing new published"
            out.append(f"dataset:             version {self.version}, {state} in {self.out_dir}")
        else:
            out.append(f"dataset:             NOT published; {self.out_dir} left as it was")
            out += [f"  failed: {x}" for x in self.failed]
        return out


def batches(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i: i + size] for i in range(0, len(items), size)]


@task(name="normalise", **_TASK)
def normalise_task(files: list[stages.RawFile]) -> list[Any]:
    return stages.normalise_batch(files)


@task(name="extract", **_TASK)
def extract_task(docs: list[Any]) -> list[Any]:
    return stages.extract_batch(docs)


@task(name="resolve-entities", **_TASK)
def entities_task(releases: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    return stages.entity_tables(releases)


@task(name="validate", **_TASK)
def validate_task(tables: dict[str, list[dict[str, Any]]], staging: Path,
                  build_date: dt.date) -> Outcome:
    return check(tables, staging, build_date=build_date)


@task(name="publish", **_TASK)
def publish_task(tables: dict[str, list[dict[str, Any]]], staging: Path, out_dir: Path,
                 created: str, root_package: Path | None) -> tuple[str, bool]:
    return commit(tables, staging, out_dir, created=created, root_package=root_package)


@flow(name="build_dataset", log_prints=False)
def build_dataset(raw_dir: str = str(config.RAW), out_dir: str = str(config.OUTPUT),
                  batch_size: int = config.BATCH_SIZE) -> BuildSummary:
    """raw/ -> normalise -> extract -> validate -> publish, in batches of releases."""
    logger = get_run_logger()
    raw, out = Path(raw_dir).resolve(), Path(out_dir).resolve()
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    files = stages.discover(raw)
    logger.info("%d raw files in %s", len(files), raw)
    normalised = normalise_task.map(batches(files, batch_size))
    extracted = extract_task.map(normalised)
    items = [item for fut in extracted for item in fut.result()]
    releases, quarantine = stages.deduplicate(items)
    tables = {"releases": releases, "quarantine": quarantine, **entities_task(releases)}
    atomic.clean_stale(out)
    staging = atomic.staging_dir(out)
    try:
        outcome = validate_task(tables, staging, now.date())
        root = config.ROOT / "datapackage.json" if out == config.OUTPUT.resolve() else None
        if outcome.success:
            version, changed = publish_task(tables, staging, out, now.isoformat(), root)
            report = out / "validation" / "index.html"
        else:
            version, changed = None, False
            report = reject(staging, out) / "index.html"
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    summary = BuildSummary(
        raw_dir=str(raw), out_dir=str(out), files_read=len(files), releases=len(releases),
        quarantined=dict(Counter(q["reason"] for q in quarantine)),
        flags=stages.flag_counts(releases), valid=outcome.success, published=changed,
        version=version, report=str(report), failed=outcome.failed, warnings=outcome.warnings,
    )
    for line in summary.lines():
        logger.info(line)
    return summary
