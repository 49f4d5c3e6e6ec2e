"""Table Schemas in `schemas/`: the single source of Parquet types, CSV form and expectations."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json
from functools import cache, lru_cache
from typing import Any

import pyarrow as pa

from flows.config import SCHEMAS

_ARROW = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "datetime": pa.timestamp("ms"),  # the coarsest unit Parquet stores; values are whole seconds
    "list": pa.list_(pa.field("element", pa.string())),  # as Parquet names list items
}


@lru_cache(maxsize=1)
def package() -> dict[str, Any]:
    """The package template: name, licence, sources and the tables in publishing order."""
    return json.loads((SCHEMAS / "package.json").read_text(encoding="utf-8"))


def tables() -> list[str]:
    return list(package()["tables"])


def vocabulary(file: str) -> list[str]:
    with (SCHEMAS / file).open(encoding="utf-8", newline="") as fh:
        return [row[0] for i, row in enumerate(csv.reader(fh)) if i and row]


@cache
def _load(name: str) -> dict[str, Any]:
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    for f in schema["fields"]:
        items = f.get("x-itemConstraints", {})
        if "vocabulary" in items:
            items["enum"] = vocabulary(items.pop("vocabulary"))
    return schema


def load(name: str) -> dict[str, Any]:
    """The Table Schema of a table, vocabularies resolved (a copy: callers may change it)."""
    return copy.deepcopy(_load(name))


def frictionless_schema(name: str) -> dict[str, Any]:
    """The schema as published in datapackage.json: Table Schema keys only."""
    schema = load(name)
    schema.pop("x-expectations", None)
    for key in ("name", "title", "description"):
        schema.pop(key, None)
    return schema


def field_names(name: str) -> list[str]:
    return [f["name"] for f in _load(name)["fields"]]


def arrow_schema(name: str) -> pa.Schema:
    fields = []
    for f in _load(name)["fields"]:
        typ = _ARROW[f["type"]]
        required = f.get("constraints", {}).get("required", False)
        fields.append(pa.field(f["name"], typ, nullable=not required or f["type"] == "list"))
    return pa.schema(fields, metadata={"table": name})


def csv_cell(value: Any, ftype: str) -> str:
    """A value as written in the CSV files (lists joined with |, ISO dates, '' for null)."""
    if value is None:
        return ""
    if ftype == "list":
        return "|".join(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
