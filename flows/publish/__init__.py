"""Publish: validated tables in, Parquet, CSV and datapackage.json out, swapped in atomically."""
