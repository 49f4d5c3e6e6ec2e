"""Expectation suites generated from the Table Schemas in `schemas/`.

Types, required columns, unique keys, patterns, enums, ranges, list items and foreign keys follow
from each schema's fields; semantic rules come from its `x-expectations` list. Every rule is
`hard` (blocks publishing) or `soft` (marks the rows that break it with a quality flag).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flows import schema

# pandas dtype names as Great Expectations reports them for frames from `Table.to_pandas()`.
PANDAS_TYPE = {
    "string": "str",
    "integer": "int64",
    "number": "float64",
    "boolean": "bool",
    "date": "date",
    "datetime": "datetime64[ms]",
    "list": "object",
}


@dataclass(frozen=True)
class Rule:
    batch: str  # "releases", or "releases.countries" for the items of a list column
    type: str  # Great Expectations expectation type, snake_case
    kwargs: dict[str, Any]
    severity: str = "hard"
    flag: str | None = None
    description: str = ""
    meta: dict[str, Any] = field(default_factory=dict)


def _anchored(pattern: str) -> str:
    return f"^(?:{pattern})$"


def _field_rules(table: str, f: dict[str, Any]) -> list[Rule]:
    name, ftype, c = f["name"], f["type"], f.get("constraints", {})
    out = [Rule(table, "expect_column_values_to_be_of_type",
                {"column": name, "type_": PANDAS_TYPE[ftype]},
                description=f"{name} is of type {ftype}.")]
    if c.get("required") and ftype != "list":
        out.append(Rule(table, "expect_column_values_to_not_be_null", {"column": name},
                        description=f"{name} is never null."))
    if c.get("unique"):
        out.append(Rule(table, "expect_column_values_to_be_unique", {"column": name},
                        description=f"{name} is unique."))
    if "pattern" in c:
        out.append(Rule(table, "expect_column_values_to_match_regex",
                        {"column": name, "regex": _anchored(c["pattern"])},
                        description=f"{name} matches {c['pattern']}."))
    if "enum" in c:
        out.append(Rule(table, "expect_column_values_to_be_in_set",
                        {"column": name, "value_set": list(c["enum"])},
                        description=f"{name} is one of {', '.join(c['enum'])}."))
    if "minimum" in c or "maximum" in c:
        out.append(Rule(table, "expect_column_values_to_be_between",
                        {"column": name, "min_value": c.get("minimum"),
                         "max_value": c.get("maximum")},
                        description=f"{name} is within [{c.get('minimum')}, {c.get('maximum')}]."))
    items = f.get("x-itemConstraints", {})
    batch = f"{table}.{name}"
    if ftype == "list":
        out.append(Rule(batch, "expect_column_values_to_not_be_null", {"column": "value"},
                        description=f"Items of {name} are never null."))
    if "pattern" in items:
        out.append(Rule(batch, "expect_column_values_to_match_regex",
                        {"column": "value", "regex": _anchored(items["pattern"])},
                        description=f"Items of {name} match {items['pattern']}."))
    if "enum" in items:
        out.append(Rule(batch, "expect_column_values_to_be_in_set",
                        {"column": "value", "value_set": list(items["enum"])},
                        description=f"Items of {name} come from the vocabulary."))
    if "reference" in items:  # list items that must be keys of another table
        ref = items["reference"]
        out.append(Rule(batch, "expect_column_values_to_be_in_set",
                        {"column": "exists", "value_set": [True]},
                        description=f"Items of {name} are keys of {ref}."))
    return out


def rules(table: str, *, build_date: str) -> list[Rule]:
    """Every rule of `table`."""
    sch = schema.load(table)
    out = [Rule(table, "expect_table_columns_to_match_ordered_list",
                {"column_list": [f["name"] for f in sch["fields"]]},
                description="The columns are those of the schema, in order.")]
    for f in sch["fields"]:
        out += _field_rules(table, f)
    for fk in sch.get("foreignKeys", []):
        (col,), ref = fk["fields"], fk["reference"]
        key = f"{ref['resource']}.{ref['fields'][0]}"
        # Checked on a boolean column (see validate.run.frames): a value_set of every key
        # would be copied into each expectation's configuration.
        out.append(Rule(f"{table}.fk", "expect_column_values_to_be_in_set",
                        {"column": col, "value_set": [True]},
                        description=f"{col} refers to an existing {key}."))
    for x in sch.get("x-expectations", []):
        kwargs = {k: v for k, v in x.items()
                  if k not in ("type", "severity", "flag", "description")}
        kwargs = {k: (build_date if v == "$build_date" else v) for k, v in kwargs.items()}
        out.append(Rule(table, x["type"], kwargs, x.get("severity", "hard"), x.get("flag"),
                        x.get("description", "")))
    return out


def expectation(rule: Rule, index: int = 0) -> Any:
    """The Great Expectations object of a rule; `index` tells its result apart from equal ones."""
    import great_expectations as gx

    cls_name = "".join(p.capitalize() for p in rule.type.split("_"))
    cls = getattr(gx.expectations, cls_name)
    meta = {"rule": index, "severity": rule.severity, "description": rule.description,
            **rule.meta}
    if rule.flag:
        meta["flag"] = rule.flag
    return cls(**rule.kwargs, meta=meta)


def flag_rules_are_in_vocabulary(table: str) -> list[str]:
    """Flags named by soft rules that the vocabulary lacks (a schema error)."""
    vocab = set(schema.vocabulary("flags.csv"))
    flags = [x.get("flag") for x in schema.load(table).get("x-expectations", [])]
    return [f for f in flags if f and f not in vocab]


def describe(rule: Rule) -> str:
    col = rule.kwargs.get("column", "")
    return f"{rule.batch}: {rule.type}({col})" + (
        f" — {rule.description}" if rule.description else ""
    )
