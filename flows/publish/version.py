"""The dataset's semantic version, decided by comparing a build with the published one.

major: the contract broke (a column of a published table was removed or retyped);
minor: releases were added; patch: anything else changed (corrections, removals, better
extraction). An unchanged build keeps the version and its `created` time: nothing is published.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from flows import schema

FIRST_VERSION = "1.0.0"


@dataclass(frozen=True)
class Previous:
    version: str
    created: str
    contract: dict[str, dict[str, str]]  # table -> column -> type
    release_ids: set[str]
    content: str  # fingerprint of the published tables


def contract() -> dict[str, dict[str, str]]:
    return {t: {f["name"]: f["type"] for f in schema.load(t)["fields"]} for t in schema.tables()}


def read_previous(out_dir: Path) -> Previous | None:
    path = out_dir / "datapackage.json"
    if not path.exists():
        return None
    try:
        desc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        ids = set(pq.read_table(out_dir / "releases.parquet", columns=["release_id"])
                  .column("release_id").to_pylist())
    except (OSError, ValueError, KeyError):
        return None
    return Previous(desc.get("version", FIRST_VERSION), desc.get("created", ""),
                    desc.get("x-contract", {}), ids, desc.get("x-content", ""))


def bump(prev: Previous | None, *, content: str, release_ids: set[str]) -> tuple[str, bool]:
    """(version, changed) for a build whose tables fingerprint to `content`."""
    if prev is None:
        return FIRST_VERSION, True
    if content == prev.content:
        return prev.version, False
    major, minor, patch = (int(x) for x in prev.version.split("."))
    now = contract()
    broke = any(
        col not in now.get(table, {}) or now[table][col] != typ
        for table, cols in prev.contract.items() for col, typ in cols.items()
    )
    if broke:
        return f"{major + 1}.0.0", True
    if release_ids - prev.release_ids:
        return f"{major}.{minor + 1}.0", True
    return f"{major}.{minor}.{patch + 1}", True
