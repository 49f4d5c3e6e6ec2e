"""Run the generated suites with Great Expectations; write Data Docs and a JSON summary."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from flows import schema
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
# Checks run before validation and reported with it (see `Validation.finish(checks)`).
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
    summary: dict[str, Any] = field(default_factory=dict)


def frames(arrows: dict[str, pa.Table], ids: dict[str, set[str]] | None = None
           ) -> dict[str, pd.DataFrame]:
    """The batches to validate: each table (as an Arrow table, `arrow_table`), its list columns'
    items (with whether each item is a key of the table it refers to), its derived columns, its
    foreign keys resolved. `ids` holds the keys of the tables others refer to, when they are not
    all in `arrows` (a build validates bucket by bucket: `Validation`)."""
    ids = {**keys(arrows), **(ids or {})}
    out: dict[str, pd.DataFrame] = {}
    known = _Known(ids)
    for name, arrow in arrows.items():
        df = arrow.to_pandas()
        out[name] = df
        sch = schema.load(name)
        for f in sch["fields"]:
            if f["type"] == "list":
                # in Arrow: a Python tuple per item was most of the time and garbage of a bucket
                lists = arrow.column(f["name"])
                items = pa.table({"row": pc.list_parent_indices(lists),
                                  "value": pc.list_flatten(lists)})
                if ref := f.get("x-itemConstraints", {}).get("reference"):
                    items = items.append_column("exists", pc.is_in(
                        items.column("value"), value_set=known(ref)))
                out[f"{name}.{f['name']}"] = items.to_pandas()
        if sch.get("foreignKeys"):
            fk = pd.DataFrame(index=df.index)
            for key in sch["foreignKeys"]:
                (col,), ref = key["fields"], key["reference"]
                values = arrow.column(col)
                found = pc.is_in(values, value_set=known(f"{ref['resource']}.{ref['fields'][0]}"))
                # null where the column is null: a missing reference is not a broken one
                fk[col] = pc.if_else(pc.is_null(values), None, found).to_pandas()
            out[f"{name}.fk"] = fk
    for name in arrows:
        if name in DERIVED:
            df = out[name]
            derived = pd.DataFrame(index=df.index)
            for col, fn in DERIVED[name].items():
                derived[col] = fn(df, out) if len(df) else pd.Series(dtype="float64")
            out[f"{name}.derived"] = derived
    return out


class _Known:
    """The keys of a referenced table as an Arrow array, made once per batch of frames."""

    def __init__(self, ids: dict[str, set[str]]) -> None:
        self.ids, self.arrays = ids, {}

    def __call__(self, ref: str) -> pa.Array:
        if ref not in self.arrays:
            self.arrays[ref] = pa.array(sorted(self.ids.get(ref, set())), pa.string())
        return self.arrays[ref]


def keys(arrows: dict[str, pa.Table]) -> dict[str, set[str]]:
    """The keys of each table with a one-column primary key ("persons.person_id" and "persons")."""
    ids: dict[str, set[str]] = {}
    for name, arrow in arrows.items():
        pk = schema.load(name).get("primaryKey", [])
        if len(pk) == 1:
            ids[f"{name}.{pk[0]}"] = set(arrow.column(pk[0]).to_pylist())
            ids[name] = ids[f"{name}.{pk[0]}"]
    return ids


def _row_key(table: str) -> str:
    """The column that names a row in reports: the first primary-key column."""
    sch = schema.load(table)
    return (sch.get("primaryKey") or [sch["fields"][0]["name"]])[0]


def all_rules(tables: Iterable[str], build_date: str) -> list[Rule]:
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
    from great_expectations.execution_engine import pandas_execution_engine

    # GX labels each batch with an MD5 of the whole frame (pickling it when a column holds
    # lists), a label nothing here reads: our batches are named by table and checked by rule.
    # It was ~11% of validation (0.9 s of a 10,000-file build; measured). Frames over this
    # many bytes are not fingerprinted, so 0 turns it off.
    pandas_execution_engine.HASH_THRESHOLD = 0

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


class Validation:
    """The suites of every table, run over the tables whole or bucket by bucket.

    `run` validates some tables (a bucket's rows) and returns their soft flags; `finish` merges
    the results of every run per expectation (counts added, the first unexpected rows kept) and
    writes the report. Buckets are ranges of release ids, and every per-release table is
    validated in the same run as its releases, so uniqueness and derived columns hold across
    buckets; foreign keys use the keys of the whole dataset (`run(ids=...)`).
    """

    def __init__(self, tables: Iterable[str], *, build_date: dt.date,
                 report_dir: Path | None) -> None:
        import great_expectations as gx

        self.gx, self.build_date, self.report_dir = gx, build_date, report_dir
        self.tables = list(tables)
        self.ctx = _context(report_dir / "data_docs" if report_dir else None)
        self.source = self.ctx.data_sources.add_pandas("kzdiplo")
        self.by_batch: dict[str, list[Rule]] = defaultdict(list)
        for r in all_rules(self.tables, build_date.isoformat()):
            self.by_batch[r.batch].append(r)
        self.checkpoints: dict[str, Any] = {}
        self.rows: Counter = Counter()
        # merged results, in suite order: (batch, rule index) -> record
        self.records: dict[tuple[str, int], dict[str, Any]] = {}

    def _checkpoint(self, batch: str) -> Any:
        if batch not in self.checkpoints:
            gx, ctx = self.gx, self.ctx
            # One add: adding expectations one by one re-serialises the suite each time.
            suite = ctx.suites.add(gx.ExpectationSuite(name=batch, expectations=[
                expectation(r, index=i) for i, r in enumerate(self.by_batch[batch])]))
            definition = (self.source.add_dataframe_asset(batch)
                          .add_batch_definition_whole_dataframe(batch))
            vd = ctx.validation_definitions.add(
                gx.ValidationDefinition(name=batch, data=definition, suite=suite))
            # Data Docs are built once, in `finish`: a docs action per checkpoint rebuilt the
            # whole site each time (quadratic in batches, most of the validation's time).
            self.checkpoints[batch] = ctx.checkpoints.add(gx.Checkpoint(
                name=f"check-{batch}", validation_definitions=[vd], actions=[],
                result_format={"result_format": "COMPLETE"}))
        return self.checkpoints[batch]

    def run(self, arrows: dict[str, pa.Table], ids: dict[str, set[str]] | None = None
            ) -> dict[str, dict[int, set[str]]]:
        """Validate these tables (Arrow tables of whole tables or of one bucket); their soft
        flags: table -> row -> flags."""
        batches = frames(arrows, ids)
        flags: dict[str, dict[int, set[str]]] = {}
        for name, arrow in arrows.items():
            self.rows[name] += arrow.num_rows
        for batch, batch_rules in self.by_batch.items():
            table = batch.split(".")[0]
            if table not in arrows:
                continue
            df = batches[batch]
            result = next(iter(self._checkpoint(batch).run(
                batch_parameters={"dataframe": df}).run_results.values()))
            by_index = {res.expectation_config.meta["rule"]: res for res in result.results}
            names = batches[table][_row_key(table)]
            for i, r in enumerate(batch_rules):
                res = by_index[i]
                rows = [int(x) for x in res.result.get("unexpected_index_list") or []]
                if batch.endswith((".derived", ".fk")) or batch == table:
                    row_keys = [str(names.iloc[x]) for x in rows[:20]]
                else:
                    row_keys = [str(names.iloc[int(df["row"].iloc[x])]) for x in rows[:20]]
                error = res.exception_info.get("exception_message") if not res.success else None
                self._merge(batch, i, r, res, row_keys, error)
                if (not res.success and r.severity == "soft" and r.flag
                        and "flags" in schema.field_names(table)):
                    for x in rows:
                        flags.setdefault(table, {}).setdefault(x, set()).add(r.flag)
        self._forget_batches()
        return flags

    def _forget_batches(self) -> None:
        """Drop the frames GX keeps after a run. Its batch manager holds the last frame of every
        batch name, so each bucket's frames (a few hundred MB at 10,000 releases) lived on while
        the next bucket's were made (measured: a build's peak memory grew with its buckets)."""
        manager = self.source.get_execution_engine().batch_manager
        manager.reset_batch_cache()
        manager.batch_data_cache.clear()

    def _merge(self, batch: str, i: int, r: Rule, res: Any, row_keys: list[str],
               error: str | None) -> None:
        count = res.result.get("unexpected_count", 0 if res.success else None)
        values = _jsonable(res.result.get("partial_unexpected_list", [])[:10])
        rec = self.records.get((batch, i))
        if rec is None:
            self.records[(batch, i)] = {
                "batch": batch, "expectation": r.type, "column": r.kwargs.get("column"),
                "severity": r.severity, "flag": r.flag, "description": r.description,
                "success": bool(res.success), "unexpected_count": count,
                "unexpected_rows": row_keys, "unexpected_values": values, "error": error,
                "_rule": r}
            return
        rec["success"] = rec["success"] and bool(res.success)
        rec["unexpected_count"] = (None if rec["unexpected_count"] is None or count is None
                                   else rec["unexpected_count"] + count)
        rec["unexpected_rows"] = (rec["unexpected_rows"] + row_keys)[:20]
        rec["unexpected_values"] = (rec["unexpected_values"] + values)[:10]
        rec["error"] = rec["error"] or error

    def finish(self, checks: dict[str, list[str]] | None = None) -> Outcome:
        """The outcome of every run, and the report (when there is a report folder).

        `checks` holds the problems found before validation by checks that are not
        expectations (batch name -> problems, e.g. "corrections": lines of raw/corrections.csv
        that do not apply): each batch is reported like an expectation, and any problem is a
        hard failure. (Soft failures were returned as row flags by `run`.)"""
        outcome = Outcome(success=True)
        records = []
        order = {batch: n for n, batch in enumerate(self.by_batch)}
        for _, rec in sorted(self.records.items(), key=lambda kv: (order[kv[0][0]], kv[0][1])):
            r = rec.pop("_rule")
            records.append(rec)
            if rec["success"]:
                continue
            row_keys, error = rec["unexpected_rows"], rec["error"]
            text = describe(r) + (f" [{error}]" if error else "") + (
                f" (rows: {', '.join(row_keys[:5])})" if row_keys else "")
            if r.severity == "soft":
                outcome.warnings.append(text)
            else:
                outcome.success = False
                outcome.failed.append(text)
        for batch, problems in (checks or {}).items():
            records.append({
                "batch": batch, "expectation": f"{batch}_check", "column": None,
                "severity": "hard", "flag": None, "description": CHECKS.get(batch, batch),
                "success": not problems, "unexpected_count": len(problems),
                "unexpected_rows": [], "unexpected_values": problems[:10], "error": None,
            })
            for problem in problems:
                outcome.success = False
                outcome.failed.append(f"{batch}: {problem}")
        report_dir = self.report_dir
        if report_dir:
            self.ctx.build_data_docs(site_names=["kzdiplo"])
        outcome.summary = {
            "success": outcome.success,
            "build_date": self.build_date.isoformat(),
            "great_expectations_version": self.gx.__version__,
            "rows": {name: self.rows[name] for name in self.tables},
            "expectations": len(records),
            "hard_failures": outcome.failed,
            "soft_failures": outcome.warnings,
            "results": records,
        }
        if report_dir:
            report_dir.mkdir(parents=True, exist_ok=True)
            (report_dir / "summary.json").write_text(
                json.dumps(outcome.summary, indent=2, ensure_ascii=False) + "\n",
                encoding="utf-8")
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
