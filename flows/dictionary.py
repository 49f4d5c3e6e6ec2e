"""The column dictionary (docs/COLUMNS.md), rendered from the Table Schemas and flag vocabulary."""

from __future__ import annotations

import csv
from pathlib import Path

from flows import schema
from flows.config import ROOT, SCHEMAS

PATH = ROOT / "docs" / "COLUMNS.md"


def _type(f: dict) -> str:
    t = f["type"] + (" of string" if f["type"] == "list" else "")
    c = f.get("constraints", {})
    if not c.get("required") and f["type"] != "list":
        t += ", null"
    return t


def _rule(f: dict) -> str:
    c, items = f.get("constraints", {}), f.get("x-itemConstraints", {})
    parts = []
    if c.get("unique"):
        parts.append("unique")
    if "pattern" in c:
        parts.append(f"pattern `{c['pattern']}`")
    if "enum" in c:
        parts.append("one of " + ", ".join(f"`{v}`" for v in c["enum"]))
    if "minimum" in c:
        parts.append(f"≥ {c['minimum']}")
    if "pattern" in items:
        parts.append(f"items match `{items['pattern']}`")
    if "enum" in items:
        parts.append("items from the vocabulary below")
    return "; ".join(parts)


def render() -> str:
    lines = [
        "# Column dictionary",
        "",
        "Generated from the Table Schemas in `schemas/` by `python -m flows.dictionary`; "
        "do not edit by hand. In the CSV files list columns are joined with `|` and null is "
        "an empty cell; in Parquet lists are Arrow lists, dates `date32`, timestamps "
        "`timestamp[ms]` (whole seconds, local time as printed on the page).",
        "",
    ]
    for name in schema.tables():
        s = schema.load(name)
        keys = ", ".join(s.get("primaryKey", [])) or "none"
        lines += [f"## `{name}`", "", s.get("description", ""), "", f"Primary key: `{keys}`.", ""]
        for fk in s.get("foreignKeys", []):
            ref = fk["reference"]
            lines.append(f"Foreign key: `{', '.join(fk['fields'])}` → "
                         f"`{ref['resource']}.{', '.join(ref['fields'])}`.")
        lines += ["", "| column | type | rules | meaning |", "|---|---|---|---|"]
        for f in s["fields"]:
            meaning = f.get("description", "")
            lines.append(f"| `{f['name']}` | {_type(f)} | {_rule(f)} | {meaning} |")
        lines.append("")
    lines += ["## Quality flags (`releases.flags`)", "", "| flag | severity | when |",
              "|---|---|---|"]
    with (SCHEMAS / "flags.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            lines.append(f"| `{row['flag']}` | {row['severity']} | {row['meaning']} |")
    return "\n".join(lines) + "\n"


def write(path: Path = PATH) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(), encoding="utf-8")


if __name__ == "__main__":
    write()
