"""The changelog of a release, computed from the data: what differs from the previous release.

`diff` compares two packages' tables (by primary key) and returns the machine-readable
changes.json; `entry` renders it as a CHANGELOG.md section; `merge` puts it on top of the
previous release's CHANGELOG.md.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from typing import Any

import pyarrow as pa

from flows.release.common import table_schemas

CHANGELOG_HEADER = (
    "# Changelog\n\n"
    "Every dataset release, newest first, computed by comparing its tables with the previous "
    "release's (`changes.json` holds the same, machine-readable). Versions: **major** = a "
    "published column removed or retyped, **minor** = releases added, **patch** = any other "
    "change.\n"
)
LISTED = 50  # rows listed by name in CHANGELOG.md per kind; changes.json lists all


def _jsonable(v: Any) -> Any:
    if isinstance(v, dt.date | dt.datetime):
        return v.isoformat()
    return v


def _rows(table: pa.Table) -> list[dict[str, Any]]:
    return table.to_pylist()


def _key(row: dict[str, Any], pk: list[str]) -> str:
    return json.dumps([_jsonable(row.get(k)) for k in pk], ensure_ascii=False)


def _row_json(row: dict[str, Any]) -> str:
    return json.dumps({k: _jsonable(v) for k, v in row.items()}, sort_keys=True,
                      ensure_ascii=False)


def diff_table(prev: pa.Table | None, cur: pa.Table | None, pk: list[str]) -> dict[str, Any]:
    """added/removed/changed rows of one table; `changed` maps key -> changed columns."""
    prev_rows = _rows(prev) if prev is not None else []
    cur_rows = _rows(cur) if cur is not None else []
    p_cols = prev.column_names if prev is not None else None
    c_cols = cur.column_names if cur is not None else None
    # Columns both sides have (a missing side has every column of the other).
    common = [c for c in (c_cols or p_cols or []) if p_cols is None or c in p_cols]
    usable = bool(pk) and all(k in common for k in pk)
    if not usable:  # no key to match rows by: compare them as whole rows
        p = Counter(_row_json(r) for r in prev_rows)
        c = Counter(_row_json(r) for r in cur_rows)
        return {"key": None, "added": list((c - p).elements()),
                "removed": list((p - c).elements()), "changed": {},
                "prev": {}, "cur": {}}
    p_by = {_key(r, pk): r for r in prev_rows}
    c_by = {_key(r, pk): r for r in cur_rows}
    changed = {}
    for k in sorted(set(p_by) & set(c_by)):
        cols = [col for col in common if p_by[k].get(col) != c_by[k].get(col)]
        if cols:
            changed[k] = cols
    return {"key": pk, "added": sorted(set(c_by) - set(p_by)),
            "removed": sorted(set(p_by) - set(c_by)), "changed": changed,
            "prev": p_by, "cur": c_by}


def _contract(prev_desc: dict[str, Any] | None, cur_desc: dict[str, Any]) -> dict[str, Any]:
    def types(desc: dict[str, Any] | None) -> dict[str, dict[str, str]]:
        if desc is None:
            return {}
        return {t: {f["name"]: f["type"] for f in s.get("fields", [])}
                for t, s in table_schemas(desc).items()}

    p, c = types(prev_desc), types(cur_desc)
    out: dict[str, Any] = {
        "tables_added": sorted(set(c) - set(p)) if prev_desc else [],
        "tables_removed": sorted(set(p) - set(c)),
        "columns_added": {}, "columns_removed": {}, "columns_retyped": {},
    }
    for t in sorted(set(p) & set(c)):
        if added := [col for col in c[t] if col not in p[t]]:
            out["columns_added"][t] = added
        if removed := [col for col in p[t] if col not in c[t]]:
            out["columns_removed"][t] = removed
        if retyped := {col: [p[t][col], c[t][col]] for col in c[t]
                       if col in p[t] and p[t][col] != c[t][col]}:
            out["columns_retyped"][t] = retyped
    return out


def _release_ref(row: dict[str, Any]) -> dict[str, Any]:
    return {"release_id": row.get("release_id"), "source_file": row.get("source_file"),
            "title": row.get("title"), "release_date": _jsonable(row.get("release_date"))}


def diff(prev_desc: dict[str, Any] | None, prev_tables: dict[str, pa.Table],
         cur_desc: dict[str, Any], cur_tables: dict[str, pa.Table]) -> dict[str, Any]:
    """changes.json: what this release changes relative to the previous one (None: first)."""
    cur_schemas = table_schemas(cur_desc)
    prev_schemas = table_schemas(prev_desc) if prev_desc else {}
    per_table: dict[str, dict[str, Any]] = {}
    diffs: dict[str, dict[str, Any]] = {}
    for t in list(cur_tables) + [t for t in prev_tables if t not in cur_tables]:
        pk = cur_schemas.get(t, prev_schemas.get(t, {})).get("primaryKey", [])
        pk = [pk] if isinstance(pk, str) else list(pk)
        d = diff_table(prev_tables.get(t), cur_tables.get(t), pk)
        diffs[t] = d
        per_table[t] = {
            "rows": cur_tables[t].num_rows if t in cur_tables else 0,
            "previous_rows": prev_tables[t].num_rows if t in prev_tables else 0,
            "added": len(d["added"]), "removed": len(d["removed"]), "changed": len(d["changed"]),
        }

    rel = diffs.get("releases", {"added": [], "removed": [], "changed": {}, "prev": {}, "cur": {}})
    releases = {
        "added": [_release_ref(rel["cur"][k]) for k in rel["added"]] if rel["cur"] else [],
        "removed": [_release_ref(rel["prev"][k]) for k in rel["removed"]] if rel["prev"] else [],
        "changed": [{**_release_ref(rel["cur"][k]), "columns": cols}
                    for k, cols in rel["changed"].items()],
    }
    corrections = []
    for k, row in (rel["cur"] or {}).items():
        before = (rel["prev"] or {}).get(k)
        if "corrected" in (row.get("flags") or []) and (
                before is None or "corrected" not in (before.get("flags") or [])):
            corrections.append({**_release_ref(row), "new": before is None,
                                "columns": rel["changed"].get(k, [])})
    q = diffs.get("quarantine", {"added": [], "removed": [], "changed": {}, "prev": {}, "cur": {}})

    def qref(row: dict[str, Any]) -> dict[str, Any]:
        return {"source_file": row.get("source_file"), "reason": row.get("reason"),
                "detail": row.get("detail")}

    quarantine = {
        "added": [qref(q["cur"][k]) for k in q["added"]] if q["cur"] else [],
        "removed": [qref(q["prev"][k]) for k in q["removed"]] if q["prev"] else [],
        "changed": [{**qref(q["cur"][k]), "columns": cols} for k, cols in q["changed"].items()],
    }
    return {
        "version": cur_desc.get("version"),
        "created": cur_desc.get("created"),
        "previous_version": prev_desc.get("version") if prev_desc else None,
        "previous_created": prev_desc.get("created") if prev_desc else None,
        "contract": _contract(prev_desc, cur_desc),
        "releases": releases,
        "corrections": sorted(corrections, key=lambda r: r["release_id"] or ""),
        "quarantine": quarantine,
        "tables": per_table,
    }


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 release', '2 releases'."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def _label(r: dict[str, Any]) -> str:
    title = r.get("title") or "(no title)"
    date = r.get("release_date") or "undated"
    return f"`{r['release_id']}` {title} ({date}; `{r['source_file']}`)"


def _listing(items: list[str]) -> list[str]:
    out = [f"  - {x}" for x in items[:LISTED]]
    if len(items) > LISTED:
        out.append(f"  - … and {len(items) - LISTED} more (see `changes.json`)")
    return out


def entry(changes: dict[str, Any]) -> str:
    """The CHANGELOG.md section of one release."""
    created = (changes.get("created") or "")[:10]
    lines = [f"## {changes['version']} — {created}", ""]
    prev = changes.get("previous_version")
    rel, tables = changes["releases"], changes["tables"]
    if prev is None:
        lines += ["First published release: "
                  + ", ".join(f"{t['rows']} {name}" for name, t in tables.items()) + ".", ""]
        return "\n".join(lines) + "\n"
    lines += [f"Compared with {prev} ({(changes.get('previous_created') or '')[:10]}).", ""]
    c = changes["contract"]
    contract = [f"- Table added: `{t}`" for t in c["tables_added"]]
    contract += [f"- Table removed: `{t}`" for t in c["tables_removed"]]
    for key, what in (("columns_added", "added"), ("columns_removed", "removed")):
        for t, cols in c[key].items():
            contract.append(f"- `{t}`: column(s) {what}: " + ", ".join(f"`{x}`" for x in cols))
    for t, cols in c["columns_retyped"].items():
        contract += [f"- `{t}.{col}` retyped: {a} → {b}" for col, (a, b) in cols.items()]
    if contract:
        lines += ["### Schema", "", *contract, ""]
    body = []
    if rel["added"]:
        body += [f"- **{plural(len(rel['added']), 'release')} added:**", *_listing(
            [_label(r) for r in rel["added"]])]
    if rel["removed"]:
        body += [f"- **{plural(len(rel['removed']), 'release')} removed:**", *_listing(
            [_label(r) for r in rel["removed"]])]
    if rel["changed"]:
        body += [f"- **{plural(len(rel['changed']), 'release')} changed:**", *_listing(
            [f"{_label(r)}: " + ", ".join(f"`{c}`" for c in r["columns"])
             for r in rel["changed"]])]
    if changes["corrections"]:
        body += [f"- **{plural(len(changes['corrections']), 'correction')} applied** "
                 "(flag `corrected`):",
                 *_listing([_label(r) + (": " + ", ".join(f"`{c}`" for c in r["columns"])
                                         if r["columns"] else "")
                            for r in changes["corrections"]])]
    q = changes["quarantine"]
    for kind, word in (("added", "quarantined"), ("removed", "no longer quarantined"),
                       ("changed", "quarantine entry changed")):
        if q[kind]:
            body += [f"- **{plural(len(q[kind]), 'file')} {word}:**", *_listing(
                [f"`{x['source_file']}` ({x['reason']})" for x in q[kind]])]
    if not body:
        body = ["- No release or quarantine row changed."]
    lines += ["### Releases", "", *body, "", "### Rows per table", "",
              "| table | rows | change | added | removed | changed |",
              "|---|---:|---:|---:|---:|---:|"]
    for name, t in tables.items():
        delta = t["rows"] - t["previous_rows"]
        lines.append(f"| `{name}` | {t['rows']} | {delta:+d} | {t['added']} | {t['removed']} "
                     f"| {t['changed']} |")
    return "\n".join(lines) + "\n"


def _sections(text: str) -> list[tuple[str, str]]:
    """(version, text) of each `## <version>` section of a CHANGELOG.md."""
    out: list[tuple[str, str]] = []
    for chunk in ("\n" + text).split("\n## ")[1:]:
        version = chunk.split(maxsplit=1)[0] if chunk.strip() else ""
        out.append((version, "## " + chunk.rstrip("\n") + "\n"))
    return out


def merge(new_entry: str, version: str, previous_changelog: str | None) -> str:
    """CHANGELOG.md: the header, this release's entry, then the earlier releases' entries."""
    kept = [text for v, text in _sections(previous_changelog or "") if v != version]
    return CHANGELOG_HEADER + "\n" + "\n".join([new_entry, *kept])
