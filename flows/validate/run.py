"""Run the generated suites with Great Expectations; write Data Docs and a JSON summary."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from flows import schema
from flows.publish.tables import arrow_table
from flows.validate.suites import Rule, describe, expectation, rules


def _event_lag_days(df: pd.DataFrame, frames: dict[str, pd.DataFrame]) -> pd.Series:
    """Days from a held interaction to its release's date (null when either is unknown)."""
    releases = frames.get("releases")
    if releases is None or not len(releases):
        return pd.Series([None] * len(df), index=df.index, dtype="float64")
    dates = dict(zip(releases["release_id"], pd.to_datetime(releases["release_date"]),
                     strict=True))
    lag = (df["release_id"].map(dates) - pd.to_datetime(df["event_date"])).dt.days
    return lag.where(df["status"] == "held")


# Columns computed for validation only, never published: fn(table frame, all table frames).
DERIVED = {
    "interactions": {"event_lag_days": _event_lag_days},
    "quarantine": {
        # a duplicate must name the release it duplicates; other rows must not
        "duplicate_named": lambda df, frames: (df["reason"] == "duplicate")
        == df["duplicate_of"].notna(),
    },
    "releases": {
        "created_lag_days": lambda df, frames: (
            pd.to_datetime(df["created_at"]).dt.normalize()
            - pd.to_datetime(df["release_date"])
        ).dt.days,
    },
}
# Checks run before validation and reported with it (see `validate(checks=...)`).
CHECKS = {
    "corrections": "Every line of raw/corrections.csv names a release and a correctable column "
                   "and holds a value of the column's type.",
    "accounting": "Every raw file is in exactly one of releases and quarantine.",
}


@dataclass
class Outcome:
    success: bool
    failed: list[str] = field(default_factory=list)  # hard failures, described
    warnings: list[str] = field(default_factory=list)  # soft failures, described
    flags: dict[str, dict[int, set[str]]] = field(default_factory=dict)  # table -> row -> flags
    summary: dict[str, Any] = field(default_factory=dict)
    # the tables as Arrow tables, soft flags applied: what publishing writes (publisher.check)
    arrows: dict[str, Any] = field(default_factory=dict, repr=False)


def frames(tables: dict[str, list[dict[str, Any]]],
           arrows: dict[str, pa.Table] | None = None) -> dict[str, pd.DataFrame]:
    """The batches to validate: each table, its list columns' items (with whether each item is
    a key of the table it refers to), its derived columns, its foreign keys resolved. `arrows`
    holds the tables as Arrow tables (`arrow_table`), when they have been built already."""
    ids = _ids(tables)
    out: dict[str, pd.DataFrame] = {}
    for name, rows in tables.items():
        arrow = arrows[name] if arrows and name in arrows else arrow_table(name, rows)
        df = arrow.to_pandas()
        out[name] = df
        sch = schema.load(name)
        for f in sch["fields"]:
            if f["type"] == "list":
                items = [(i, v) for i, vs in enumerate(df[f["name"]]) for v in vs]
                frame = pd.DataFrame(items, columns=["row", "value"])
                if ref := f.get("x-itemConstraints", {}).get("reference"):
                    frame["exists"] = frame["value"].isin(ids.get(ref, set()))
                out[f"{name}.{f['name']}"] = frame
        if sch.get("foreignKeys"):
            fk = pd.DataFrame(index=df.index)
            for key in sch["foreignKeys"]:
                (col,), ref = key["fields"], key["reference"]
                known = ids.get(f"{ref['resource']}.{ref['fields'][0]}", set())
                fk[col] = df[col].map(lambda v, k=known: None if v is None or v != v else v in k)
            out[f"{name}.fk"] = fk
    for name in tables:
        if name in DERIVED:
            df = out[name]
            derived = pd.DataFrame(index=df.index)
            for col, fn in DERIVED[name].items():
                derived[col] = fn(df, out) if len(df) else pd.Series(dtype="float64")
            out[f"{name}.derived"] = derived
    return out


def _ids(tables: dict[str, list[dict[str, Any]]]) -> dict[str, set[str]]:
    ids: dict[str, set[str]] = {}
    for name, rows in tables.items():
        pk = schema.load(name).get("primaryKey", [])
        if len(pk) == 1:
            ids[f"{name}.{pk[0]}"] = {r[pk[0]] for r in rows}
            ids[name] = ids[f"{name}.{pk[0]}"]
    return ids


def _row_key(table: str) -> str:
    """The column that names a row in reports: the first primary-key column."""
    sch = schema.load(table)
    return (sch.get("primaryKey") or [sch["fields"][0]["name"]])[0]


def all_rules(tables: dict[str, list[dict[str, Any]]], build_date: str) -> list[Rule]:
    out: list[Rule] = []
    seen: set[str] = set()  # a suite keeps equal expectations once, so must we
    for name in tables:
        derived = set(DERIVED.get(name, {}))
        for r in rules(name, build_date=build_date):
            if r.batch == name and r.kwargs.get("column") in derived:
                r = Rule(f"{name}.derived", r.type, r.kwargs, r.severity, r.flag, r.description)
            key = json.dumps([r.batch, r.type, r.kwargs], sort_keys=True, default=str)
            if key not in seen:
                seen.add(key)
                out.append(r)
    return out


def _context(docs_dir: Path | None) -> Any:
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
    )

    # In memory, without the throwaway docs site GX would otherwise create in /tmp each run.
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        analytics_enabled=False,
    )
    ctx = gx.get_context(mode="ephemeral", project_config=config)
    ctx.variables.progress_bars = {"globally": False, "metric_calculations": False}
    if docs_dir is not None:
        ctx.add_data_docs_site(site_name="kzdiplo", site_config={
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                              "base_directory": str(docs_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        })
    return ctx


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "tolist"):
        return value.tolist()
    return value


def validate(tables: dict[str, list[dict[str, Any]]], *, build_date: dt.date,
             report_dir: Path | None, checks: dict[str, list[str]] | None = None,
             arrows: dict[str, pa.Table] | None = None) -> Outcome:
    """Validate every table; soft failures become row flags, hard ones fail the outcome.

    `checks` holds the problems found before validation by checks that are not expectations
    (batch name -> problems, e.g. "corrections": lines of raw/corrections.csv that do not apply):
    each batch is reported like an expectation, and any problem is a hard failure.
    """
    import great_expectations as gx

    ctx = _context(report_dir / "data_docs" if report_dir else None)
    batches = frames(tables, arrows)
    by_batch: dict[str, list[Rule]] = defaultdict(list)
    for r in all_rules(tables, build_date.isoformat()):
        by_batch[r.batch].append(r)
    source = ctx.data_sources.add_pandas("kzdiplo")
    outcome = Outcome(success=True)
    records = []
    for batch, batch_rules in by_batch.items():
        df = batches[batch]
        # One add: adding expectations one by one re-serialises the suite each time.
        suite = ctx.suites.add(gx.ExpectationSuite(
            name=batch, expectations=[expectation(r, index=i) for i, r in enumerate(batch_rules)]))
        definition = source.add_dataframe_asset(batch).add_batch_definition_whole_dataframe(batch)
        vd = ctx.validation_definitions.add(
            gx.ValidationDefinition(name=batch, data=definition, suite=suite))
        # Data Docs are built once, after the last batch: a docs action per checkpoint rebuilt
        # the whole site each time (quadratic in batches, most of the validation's time).
        cp = ctx.checkpoints.add(gx.Checkpoint(
            name=f"check-{batch}", validation_definitions=[vd], actions=[],
            result_format={"result_format": "COMPLETE"}))
        result = next(iter(cp.run(batch_parameters={"dataframe": df}).run_results.values()))
        by_index = {res.expectation_config.meta["rule"]: res for res in result.results}
        table = batch.split(".")[0]
        keys = batches[table][_row_key(table)]
        for i, r in enumerate(batch_rules):
            res = by_index[i]
            unexpected = res.result.get("unexpected_index_list") or []
            rows = [int(i) for i in unexpected]
            if batch.endswith((".derived", ".fk")) or batch == table:
                row_keys = [str(keys.iloc[i]) for i in rows[:20]]
            else:
                row_keys = [str(keys.iloc[int(df["row"].iloc[i])]) for i in rows[:20]]
            error = res.exception_info.get("exception_message") if not res.success else None
            records.append({
                "batch": batch, "expectation": r.type, "column": r.kwargs.get("column"),
                "severity": r.severity, "flag": r.flag, "description": r.description,
                "success": bool(res.success),
                "unexpected_count": res.result.get("unexpected_count", 0 if res.success else None),
                "unexpected_rows": row_keys,
                "unexpected_values": _jsonable(res.result.get("partial_unexpected_list", [])[:10]),
                "error": error,
            })
            if res.success:
                continue
            text = describe(r) + (f" [{error}]" if error else "") + (
                f" (rows: {', '.join(row_keys[:5])})" if row_keys else "")
            if r.severity == "soft":
                outcome.warnings.append(text)
                if r.flag and table in tables and "flags" in schema.field_names(table):
                    for i in rows:
                        outcome.flags.setdefault(table, {}).setdefault(i, set()).add(r.flag)
            else:
                outcome.success = False
                outcome.failed.append(text)
    for batch, problems in (checks or {}).items():
        records.append({
            "batch": batch, "expectation": f"{batch}_check", "column": None,
            "severity": "hard", "flag": None, "description": CHECKS.get(batch, batch),
            "success": not problems, "unexpected_count": len(problems), "unexpected_rows": [],
            "unexpected_values": problems[:10], "error": None,
        })
        for problem in problems:
            outcome.success = False
            outcome.failed.append(f"{batch}: {problem}")
    if report_dir:
        ctx.build_data_docs(site_names=["kzdiplo"])
    outcome.summary = {
        "success": outcome.success,
        "build_date": build_date.isoformat(),
        "great_expectations_version": gx.__version__,
        "rows": {name: len(rows) for name, rows in tables.items()},
        "expectations": len(records),
        "hard_failures": outcome.failed,
        "soft_failures": outcome.warnings,
        "results": records,
    }
    if report_dir:
        report_dir.mkdir(parents=True, exist_ok=True)
        (report_dir / "summary.json").write_text(
            json.dumps(outcome.summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        (report_dir / "index.html").write_text(_index_html(outcome), encoding="utf-8")
    return outcome


def _index_html(outcome: Outcome) -> str:
    """A one-page verdict that links to the Great Expectations Data Docs."""
    from html import escape

    rows = "".join(
        f"<tr class='{'ok' if r['success'] else r['severity']}'><td>{escape(r['batch'])}</td>"
        f"<td>{escape(r['expectation'])}</td><td>{escape(str(r['column'] or ''))}</td>"
        f"<td>{escape(r['severity'])}</td><td>{'pass' if r['success'] else 'FAIL'}</td>"
        f"<td>{r['unexpected_count'] or ''}</td><td>{escape(r['description'])}</td></tr>"
        for r in outcome.summary["results"]
    )
    verdict = "PASSED" if outcome.success else "FAILED"
    return f"""<!doctype html><html><head><meta charset="utf-8">
<title>Validation {verdict}</title><style>
body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:3px 6px;font-size:13px}}
tr.hard td{{background:#fdd}}tr.soft td{{background:#ffe9b3}}</style></head><body>
<h1>Validation {verdict}</h1>
<p>Build date {outcome.summary['build_date']}; {outcome.summary['expectations']} expectations;
{len(outcome.failed)} hard failures; {len(outcome.warnings)} soft failures (rows flagged).
Full Great Expectations Data Docs: <a href="data_docs/index.html">data_docs/index.html</a>.
Machine-readable: <a href="summary.json">summary.json</a>.</p>
<table><tr><th>batch</th><th>expectation</th><th>column</th><th>severity</th><th>result</th>
<th>unexpected</th><th>rule</th></tr>{rows}</table></body></html>
"""
