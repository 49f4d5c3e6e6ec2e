"""Human corrections: `raw/corrections.csv`, applied to the releases after deduplication.

The file is maintained by people (the pipeline never writes raw/) and versioned with the data.
Header: `release_id,column,value,reason,author,date`. One line sets one column of one release:

- `release_id`: the 16-hex id of a published release (not of a quarantined duplicate);
- `column`: a column of `releases`, other than the keys and the derived ones (`NOT_CORRECTABLE`);
- `value`: as in the CSV files: ISO dates (`2018-09-11`) and timestamps
  (`2018-09-11T10:00:00`), lists joined with `|`, an empty value is null;
- `reason`, `author`, `date` (ISO date of the correction): required, for the audit trail.

A corrected row gets the flag `corrected`. Correcting `release_date` sets `date_source` to
`correction` and drops the flags that described the missing or contradictory date evidence
(`date_missing`, `date_year_missing`, `date_conflict`); the soft checks of validation still run
on the corrected date. Correcting `release_date` or `dateline_place` makes the build extract the
release's interactions again (`flows.stages.corrected_interactions`): their "today" dates and
dateline places follow.
Any problem (unknown release or column, a value that does not parse for the column's type or
breaks its constraints, two lines for the same release and column, a malformed line) is reported
with its line number and makes validation fail: nothing is published until the file is fixed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flows import schema

FILE = "corrections.csv"
HEADER = ["release_id", "column", "value", "reason", "author", "date"]
NOT_CORRECTABLE = {"release_id", "source_file", "body", "word_count", "flags", "encoding"}
DATE_FLAGS = {"date_missing", "date_year_missing", "date_conflict"}
_ID = re.compile(r"[0-9a-f]{16}")


@dataclass(frozen=True)
class Correction:
    line: int  # line number in the file (the header is line 1)
    release_id: str
    column: str
    value: Any  # parsed for the column's type
    reason: str
    author: str
    date: dt.date


def parse_value(text: str, field: dict[str, Any]) -> Any:
    """A CSV cell as a value of `field`'s type; ValueError when it does not parse or fit."""
    if text == "":
        if field.get("constraints", {}).get("required") and field["type"] != "list":
            raise ValueError(f"{field['name']} is required and cannot be empty")
        return [] if field["type"] == "list" else None
    ftype = field["type"]
    if ftype == "date":
        value: Any = dt.date.fromisoformat(text)
        if len(text) != 10:
            raise ValueError(f"{text!r} is not an ISO date (YYYY-MM-DD)")
    elif ftype == "datetime":
        value = dt.datetime.fromisoformat(text)
        if value.tzinfo is not None:
            raise ValueError("timestamps are local time as printed, without a time zone")
    elif ftype == "integer":
        value = int(text)
    elif ftype == "list":
        value = sorted(set(text.split("|")))
        if "" in value:
            raise ValueError(f"{text!r} has an empty list item")
    else:
        value = text
    c = field.get("constraints", {})
    items = field.get("x-itemConstraints", {})
    checks = [(x, items) for x in value] if ftype == "list" else [(value, c)]
    for v, rules in checks:
        if "enum" in rules and v not in rules["enum"]:
            raise ValueError(f"{v!r} is not one of {', '.join(rules['enum'])}")
        if "pattern" in rules and not re.fullmatch(rules["pattern"], str(v)):
            raise ValueError(f"{v!r} does not match the pattern {rules['pattern']}")
    return value


def parse(text: str) -> tuple[list[Correction], list[str]]:
    """(corrections, problems) from the file's text; problems name the line."""
    fields = {f["name"]: f for f in schema.load("releases")["fields"]}
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    out: list[Correction] = []
    problems: list[str] = []
    header = next(reader, None)
    if header is None:
        return out, problems
    if [h.strip() for h in header] != HEADER:
        return out, [f"{FILE} line 1: the header must be {','.join(HEADER)}, not "
                     f"{','.join(header)}"]
    seen: dict[tuple[str, str], int] = {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        where = f"{FILE} line {line}"
        if len(row) != len(HEADER):
            problems.append(f"{where}: {len(row)} cells, expected {len(HEADER)} "
                            f"({','.join(HEADER)}); quote values that hold commas")
            continue
        rid, column, value, reason, author, date = (c.strip() for c in row)
        if not _ID.fullmatch(rid):
            problems.append(f"{where}: release_id {rid!r} is not 16 lower-case hex characters")
            continue
        if column not in fields:
            problems.append(f"{where}: unknown column {column!r}; releases has "
                            f"{', '.join(sorted(set(fields) - NOT_CORRECTABLE))}")
            continue
        if column in NOT_CORRECTABLE:
            problems.append(f"{where}: column {column!r} cannot be corrected (it is a key or "
                            "derived from the raw file)")
            continue
        if not reason or not author:
            problems.append(f"{where}: reason and author are required")
            continue
        try:
            when = dt.date.fromisoformat(date)
        except ValueError:
            problems.append(f"{where}: date {date!r} is not an ISO date (YYYY-MM-DD)")
            continue
        try:
            parsed = parse_value(value, fields[column])
        except ValueError as exc:
            problems.append(f"{where}: value {value!r} for {column} ({fields[column]['type']}) "
                            f"does not parse: {exc}")
            continue
        if (rid, column) in seen:
            problems.append(f"{where}: release {rid} column {column} is already corrected on "
                            f"line {seen[(rid, column)]}; keep one line per release and column")
            continue
        seen[(rid, column)] = line
        out.append(Correction(line, rid, column, parsed, reason, author, when))
    return out, problems


def load(raw_dir: Path) -> tuple[list[Correction], list[str]]:
    """The corrections of `raw_dir/corrections.csv` (none when the file is absent)."""
    path = raw_dir / FILE
    if not path.is_file():
        return [], []
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return [], [f"{FILE}: not UTF-8 (byte {exc.start}); save it as UTF-8"]
    return parse(text)


def unknown(corrections: list[Correction], release_ids: set[str],
            quarantine: list[dict[str, Any]] | None = None) -> list[str]:
    """Problems for the corrections that name no release of `release_ids`."""
    dup_of = {q["raw_sha256"][:16]: q for q in quarantine or []}
    problems = []
    for c in corrections:
        if c.release_id in release_ids:
            continue
        q = dup_of.get(c.release_id)
        hint = (f"; {q['source_file']} is quarantined ({q['reason']})"
                + (f": correct the kept release {q['duplicate_of']} instead"
                   if q.get("duplicate_of") else "")) if q else ""
        problems.append(f"{FILE} line {c.line}: unknown release {c.release_id}{hint}")
    return problems


def apply_row(row: dict[str, Any], corrections: list[Correction]) -> None:
    """Apply the corrections of one release to its row, in place."""
    for c in corrections:
        row[c.column] = c.value
        flags = set(row["flags"]) | {"corrected"}
        if c.column == "release_date":
            row["date_source"] = "correction" if c.value is not None else "none"
            flags -= DATE_FLAGS
            if c.value is None:
                flags.add("date_missing")
        row["flags"] = sorted(flags)


def by_release(corrections: list[Correction]) -> dict[str, list[Correction]]:
    out: dict[str, list[Correction]] = {}
    for c in corrections:
        out.setdefault(c.release_id, []).append(c)
    return out


def apply(corrections: list[Correction], releases: list[dict[str, Any]],
          quarantine: list[dict[str, Any]] | None = None) -> list[str]:
    """Apply `corrections` to `releases` in place; problems for the ones that name no release."""
    fixes = by_release(corrections)
    for r in releases:
        apply_row(r, fixes.get(r["release_id"], []))
    return unknown(corrections, {r["release_id"] for r in releases}, quarantine)
