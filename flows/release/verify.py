"""`kzdiplo verify ARCHIVE`: the check a user runs on a downloaded release.

1. checksums: every file listed in SHA256SUMS has that SHA-256, and every file is listed;
2. package: `frictionless validate` of datapackage.json (schemas, sizes, hashes, keys);
3. tables: every Parquet file reads, with the columns and Arrow types the package declares
   (`x-arrowSchema`), and as many rows as its CSV twin.
"""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import pyarrow.parquet as pq

from flows.checksums import file_sha256
from flows.release.common import ReleaseError, read_descriptor, unpacked


@dataclass
class Verdict:
    ok: bool = True
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def fail(self, text: str) -> None:
        self.ok = False
        self.problems.append(text)


def check_sums(root: Path, v: Verdict) -> None:
    sums = root / "SHA256SUMS"
    if not sums.is_file():
        v.fail("SHA256SUMS is missing: the download cannot be checked")
        return
    listed: set[str] = set()
    bad = 0
    for n, line in enumerate(sums.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        digest, _, name = line.partition("  ")
        name = name.lstrip("*")
        p = PurePosixPath(name)
        if len(digest) != 64 or not name or p.is_absolute() or ".." in p.parts:
            v.fail(f"SHA256SUMS line {n} is malformed: {line[:80]!r}")
            bad += 1
            continue
        listed.add(name)
        path = root / name
        if not path.is_file():
            v.fail(f"{name}: listed in SHA256SUMS but missing")
            bad += 1
        elif file_sha256(path) != digest:
            v.fail(f"{name}: checksum mismatch (damaged or altered)")
            bad += 1
    present = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    extra = sorted(present - listed - {"SHA256SUMS"})
    if not bad:
        v.lines.append(f"checksums:  OK ({len(listed)} files match SHA256SUMS)")
    for name in extra[:10]:  # not part of the release (a note, not a failure)
        v.lines.append(f"  note: {name} is not in SHA256SUMS and was not checked")


def check_package(root: Path, v: Verdict) -> None:
    from frictionless import Package

    try:
        report = Package(str(root / "datapackage.json")).validate()
    except Exception as e:  # frictionless raises its own errors on broken descriptors
        v.fail(f"datapackage.json cannot be validated: {e}")
        return
    if report.valid:
        v.lines.append(f"package:    OK (frictionless: {len(report.tasks)} resources valid)")
        return
    for row in report.flatten(["type", "note"])[:20]:
        v.fail(f"frictionless: {row[0]}: {row[1]}")
    for task in report.tasks:
        for err in task.errors[:5]:
            v.fail(f"frictionless: {task.name}: {err.type}: {err.note}")


def _csv_rows(path: Path) -> int:
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", newline="") as fh:
        return max(sum(1 for _ in csv.reader(fh)) - 1, 0)


def check_tables(root: Path, desc: dict[str, Any], v: Verdict) -> None:
    by_name = {r["name"]: r for r in desc.get("resources", [])}
    parquet = [r for r in desc.get("resources", []) if r.get("format") == "parquet"]
    if not parquet:
        v.fail("datapackage.json describes no Parquet table")
        return
    summary = []
    for r in parquet:
        table = r.get("x-sameRowsAs", r["name"])
        try:
            t = pq.read_table(root / r["path"])
        except Exception as e:  # any reader error means the file is unusable
            v.fail(f"{r['path']}: cannot be read as Parquet: {e}")
            continue
        declared = r.get("x-arrowSchema")
        if not declared:
            v.fail(f"{r['path']}: the package declares no x-arrowSchema")
            continue
        actual = {f.name: str(f.type) for f in t.schema}
        if list(actual) != list(declared):
            v.fail(f"{r['path']}: columns {list(actual)} differ from the declared "
                   f"{list(declared)}")
        for col, typ in declared.items():
            if col in actual and actual[col] != typ:
                v.fail(f"{r['path']}: column {col} is {actual[col]}, declared {typ}")
        twin = by_name.get(table)
        if twin and (root / twin["path"]).is_file():
            n = _csv_rows(root / twin["path"])
            if n != t.num_rows:
                v.fail(f"{table}: {t.num_rows} rows in Parquet but {n} in {twin['path']}")
        summary.append(f"{table} {t.num_rows}")
    if v.ok:
        v.lines.append(f"tables:     OK (declared types; rows: {', '.join(summary)})")


def verify(path: Path) -> Verdict:
    v = Verdict()
    try:
        with unpacked(Path(path)) as root:
            desc = read_descriptor(root)
            v.lines.append(f"release:    {desc.get('name', '?')} version "
                           f"{desc.get('version', '?')}, built {desc.get('created', '?')}")
            check_sums(root, v)
            check_package(root, v)
            check_tables(root, desc, v)
    except ReleaseError as e:
        v.fail(str(e))
    return v


def report_lines(path: Path, v: Verdict) -> list[str]:
    lines = [f"verifying {path}", *v.lines, *(f"  PROBLEM: {p}" for p in v.problems)]
    lines.append("VERDICT:    OK, the release is complete, intact and readable" if v.ok else
                 f"VERDICT:    FAILED ({len(v.problems)} problem(s)); do not use this copy")
    return lines
