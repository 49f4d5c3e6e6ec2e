"""Parquet and CSV files of a table, typed by its Table Schema; same rows, same bytes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from flows import schema

# Spreadsheets run cells that start with these as formulas; such cells get a leading '.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 9,
    "use_dictionary": True,
    "write_statistics": True,
}
# Rows per Parquet row group: the layout depends only on row order, never on batch sizes.
ROW_GROUP = 20_000
# Tables whose rows carry whole texts get smaller groups: a releases row is ~6 KB, so 5,000
# rows are ~30 MB to decode at once. The writer holds up to a group of rows until the group is
# full; with 20,000 releases that was ~2 buckets of releases held through the validation of
# the next (measured: part of the peak memory that grew with the corpus).
ROW_GROUP_ROWS = {"releases": 5_000}


def row_group(name: str) -> int:
    """Rows per Parquet row group of table `name`."""
    return ROW_GROUP_ROWS.get(name, ROW_GROUP)


def _free_text(field: dict[str, Any]) -> bool:
    c = field.get("constraints", {})
    return field["type"] == "string" and "pattern" not in c and "enum" not in c


def csv_safe(text: str) -> str:
    """Defuse spreadsheet formula injection: prefix a ' to cells that start like a formula.
    (The per-cell rule; `csv_text` applies it to whole columns.)"""
    return f"'{text}" if text.startswith(FORMULA_START) else text


def _csv_field(cell: str) -> str:
    if any(c in cell for c in ',"\n\r'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def csv_row(cells: list[str]) -> str:
    """One CSV record (RFC 4180, "\n" line ends). Unlike `csv.writer` with "\n" line ends, a cell
    holding a lone carriage return is quoted too, so every reader keeps it in its cell."""
    return ",".join(map(_csv_field, cells)) + "\n"


def arrow_table(name: str, rows: list[dict[str, Any]]) -> pa.Table:
    """The rows as an Arrow table of the table's schema (missing keys are nulls, keys outside
    the schema are left out)."""
    return pa.Table.from_pylist(rows, schema=schema.arrow_schema(name))


def _csv_cells(column: pa.ChunkedArray, field: dict[str, Any]) -> pa.ChunkedArray:
    """A column as CSV cells, vectorised: what `schema.csv_cell` + `csv_safe` + `_csv_field`
    make of each value (tests/test_dedup.py checks they agree)."""
    ftype = field["type"]
    if ftype == "list":
        cells = pc.binary_join(column, "|")
    elif ftype == "datetime":  # whole seconds, no fraction, as datetime.isoformat("seconds")
        cells = pc.strftime(column.cast(pa.timestamp("s")), format="%Y-%m-%dT%H:%M:%S")
    elif ftype in ("string", "date", "integer", "boolean"):
        cells = column.cast(pa.string())  # ISO dates, true/false, plain integers
    else:  # numbers: whole ones without ".0" (the extractor's ints), others as Python prints them
        cells = pa.chunked_array([pa.array([None if v is None else schema.csv_cell(
            int(v) if float(v).is_integer() else v, ftype) for v in column.to_pylist()],
            pa.string())])
    cells = pc.fill_null(cells, "")
    if ftype in _NEVER_QUOTED:  # digits, signs, dashes, colons, points, letters only
        return cells
    if _free_text(field):
        cells = pc.if_else(pc.match_substring_regex(cells, _FORMULA_RE),
                           pc.binary_join_element_wise("'", cells, ""), cells)
    quote = pc.match_substring_regex(cells, '[,"\n\r]')
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(cells, '"', '""'), '"', "")
    return pc.if_else(quote, quoted, cells)


_FORMULA_RE = "^[" + "".join(re.escape(c) for c in FORMULA_START) + "]"
# Types whose CSV cells never hold a comma, quote or line end, nor start like a formula
# (numbers: whole ones as integers, others as Python prints them; never negative here).
_NEVER_QUOTED = {"integer", "date", "datetime", "boolean", "number"}


def csv_bytes(table: pa.Table, fields: list[dict[str, Any]]) -> bytes:
    """The CSV records (no header) of `table`, one per row, each ending in "\n", as UTF-8.
    Made in Arrow: each chunk's records are one string buffer, taken as it is."""
    if table.num_rows == 0:
        return b""
    cells = [_csv_cells(table.column(f["name"]), f) for f in fields]
    lines = pc.binary_join_element_wise(*cells, ",") if len(cells) > 1 else cells[0]
    lines = pc.binary_join_element_wise(lines, "\n", "")
    out = []
    for chunk in lines.chunks:
        if not len(chunk):
            continue
        # a chunk's records are contiguous in its data buffer, between its first and last
        # offsets (a sliced chunk starts part-way into its buffers)
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        offsets = np.frombuffer(chunk.buffers()[1], dtype=width)
        first, last = int(offsets[chunk.offset]), int(offsets[chunk.offset + len(chunk)])
        out.append(chunk.buffers()[2].slice(first, last - first))
    return b"".join(out)


def csv_text(table: pa.Table, fields: list[dict[str, Any]]) -> str:
    """`csv_bytes` as text."""
    return csv_bytes(table, fields).decode("utf-8")


class TableWriter:
    """Streams rows of one table into `<name>.parquet` and `<name>.csv`. Row groups hold
    `row_group(name)` rows whatever the sizes of the batches written: same rows, same bytes."""

    def __init__(self, name: str, out_dir: Path) -> None:
        self.name = name
        self.fields = schema.load(name)["fields"]
        self.arrow = schema.arrow_schema(name)
        self.rows = 0
        self.group = row_group(name)
        self._pending: list[pa.Table] = []  # rows not yet in a row group
        self._pending_rows = 0
        self._parquet = pq.ParquetWriter(out_dir / f"{name}.parquet", self.arrow, **PARQUET_OPTIONS)
        self._csv_file = (out_dir / f"{name}.csv").open("wb")
        self._csv_file.write(csv_row([f["name"] for f in self.fields]).encode())

    def write_arrow(self, table: pa.Table) -> None:
        """Rows already in an Arrow table of this schema (`arrow_table`)."""
        if not table.num_rows:
            return
        self._csv_file.write(csv_bytes(table, self.fields))
        self.rows += table.num_rows
        self._pending.append(table)
        self._pending_rows += table.num_rows
        if self._pending_rows >= self.group:
            self._flush(whole_groups_only=True)

    def _flush(self, whole_groups_only: bool = False) -> None:
        if not self._pending_rows:
            return
        table = pa.concat_tables(self._pending).combine_chunks()
        group = self.group
        end = table.num_rows // group * group if whole_groups_only else table.num_rows
        for start in range(0, end, group):
            self._parquet.write_table(table.slice(start, min(group, end - start)))
        rest = table.slice(end)
        self._pending = [rest] if rest.num_rows else []
        self._pending_rows = rest.num_rows

    def close(self) -> None:
        self._flush()
        self._parquet.close()
        self._csv_file.close()


def write_table(name: str, rows: list[dict[str, Any]], out_dir: Path) -> int:
    """Write a table's Parquet and CSV files from its rows in one piece (the build streams
    buckets into a `TableWriter` instead; the bytes are the same)."""
    writer = TableWriter(name, out_dir)
    try:
        writer.write_arrow(arrow_table(name, rows))
    finally:
        writer.close()
    return writer.rows
