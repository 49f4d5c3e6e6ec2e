"""Parquet and CSV files of a table, typed by its Table Schema; same rows, same bytes."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
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


def _free_text(field: dict[str, Any]) -> bool:
    c = field.get("constraints", {})
    return field["type"] == "string" and "pattern" not in c and "enum" not in c


def csv_safe(text: str) -> str:
    """Defuse spreadsheet formula injection: prefix a ' to cells that start like a formula."""
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
    sch = schema.arrow_schema(name)
    columns = {f.name: [r.get(f.name) for r in rows] for f in sch}
    return pa.table(columns, schema=sch)


class TableWriter:
    """Streams batches of rows of one table into `<name>.parquet` and `<name>.csv`."""

    def __init__(self, name: str, out_dir: Path) -> None:
        self.name = name
        self.fields = schema.load(name)["fields"]
        self.arrow = schema.arrow_schema(name)
        self.rows = 0
        self._buffer: list[dict[str, Any]] = []
        self._parquet = pq.ParquetWriter(out_dir / f"{name}.parquet", self.arrow, **PARQUET_OPTIONS)
        self._csv_file = (out_dir / f"{name}.csv").open("w", encoding="utf-8", newline="")
        self._csv_file.write(csv_row([f["name"] for f in self.fields]))

    def write(self, rows: Iterable[dict[str, Any]]) -> None:
        for r in rows:
            self._buffer.append(r)
            cells = []
            for f in self.fields:
                cell = schema.csv_cell(r.get(f["name"]), f["type"])
                cells.append(csv_safe(cell) if _free_text(f) else cell)
            self._csv_file.write(csv_row(cells))
            self.rows += 1
            if len(self._buffer) >= ROW_GROUP:
                self._flush()

    def _flush(self) -> None:
        if self._buffer:
            self._parquet.write_table(arrow_table(self.name, self._buffer))
            self._buffer = []

    def close(self) -> None:
        self._flush()
        self._parquet.close()
        self._csv_file.close()


def write_table(name: str, rows: list[dict[str, Any]], out_dir: Path) -> int:
    writer = TableWriter(name, out_dir)
    try:
        writer.write(rows)
    finally:
        writer.close()
    return writer.rows
