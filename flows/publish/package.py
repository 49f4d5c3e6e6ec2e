"""The Frictionless `datapackage.json` describing a build's tables."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flows import __version__, schema
from flows.checksums import file_sha256

PARQUET_MEDIATYPE = "application/vnd.apache.parquet"


def _arrow_types(name: str) -> dict[str, str]:
    return {f.name: str(f.type) for f in schema.arrow_schema(name)}


def resources(out_dir: Path, prefix: str = "") -> list[dict[str, Any]]:
    """A tabular CSV resource and a Parquet file resource per table.

    Frictionless reads Parquet list cells as numpy arrays and rejects them as lists, so the
    Parquet files are described as files (checked by size and hash) that point at the CSV
    resource holding the same rows and schema, with their exact Arrow types alongside.
    """
    out = []
    for name in schema.tables():
        meta = schema.load(name)
        csv_path, pq_path = out_dir / f"{name}.csv", out_dir / f"{name}.parquet"
        out.append({
            "name": name,
            "type": "table",
            "title": meta.get("title", name),
            "description": meta.get("description", ""),
            "path": f"{prefix}{name}.csv",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": csv_path.stat().st_size,
            "hash": f"sha256:{file_sha256(csv_path)}",
            "schema": schema.frictionless_schema(name),
        })
        out.append({
            "name": f"{name}-parquet",
            "type": "file",
            "title": f"{meta.get('title', name)} (Parquet)",
            "description": f"The rows of `{name}` as Parquet, with the same schema and typed "
                           "columns (list columns as Arrow lists, dates as date32).",
            "path": f"{prefix}{name}.parquet",
            "format": "parquet",
            "mediatype": PARQUET_MEDIATYPE,
            "bytes": pq_path.stat().st_size,
            "hash": f"sha256:{file_sha256(pq_path)}",
            "x-sameRowsAs": name,
            "x-arrowSchema": _arrow_types(name),
        })
    return out


def descriptor(out_dir: Path, *, version: str, created: str, prefix: str = "",
               extra: dict[str, Any] | None = None) -> dict[str, Any]:
    template = schema.package()
    desc = {k: v for k, v in template.items() if k != "tables"}
    desc.update({
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "version": version,
        "created": created,
        "x-pipeline": {"name": "kzdiplo", "version": __version__},
        **(extra or {}),
        "resources": resources(out_dir, prefix),
    })
    return desc


def write(path: Path, desc: dict[str, Any]) -> None:
    path.write_text(json.dumps(desc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
