"""What releases share: archive names, versions, unpacking, reading a package's tables."""

from __future__ import annotations

import contextlib
import json
import re
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from flows.config import DATASET_NAME

ARCHIVE_RE = re.compile(rf"^{re.escape(DATASET_NAME)}-(\d+)\.(\d+)\.(\d+)\.(zip|tar\.gz)$")


class ReleaseError(Exception):
    """A release cannot be made or read; the message says what to do."""


def archive_stem(version: str) -> str:
    return f"{DATASET_NAME}-{version}"


def parse_version(version: str) -> tuple[int, int, int]:
    major, minor, patch = (int(x) for x in version.split("."))
    return major, minor, patch


def find_previous(dist: Path, version: str) -> Path | None:
    """The newest release in `dist` older than `version` (the .zip when both forms exist)."""
    if not dist.is_dir():
        return None
    current = parse_version(version)
    found: dict[tuple[int, int, int], Path] = {}
    for p in dist.iterdir():
        m = ARCHIVE_RE.match(p.name)
        if not m:
            continue
        v = (int(m[1]), int(m[2]), int(m[3]))
        if v < current and (v not in found or m[4] == "zip"):
            found[v] = p
    return found[max(found)] if found else None


def _safe_member(name: str) -> bool:
    p = PurePosixPath(name)
    return not p.is_absolute() and ".." not in p.parts and "\\" not in name


def package_root(folder: Path) -> Path:
    """The folder holding datapackage.json: `folder` itself or its single subfolder."""
    if (folder / "datapackage.json").is_file():
        return folder
    subs = [p for p in folder.iterdir() if p.is_dir()]
    if len(subs) == 1 and (subs[0] / "datapackage.json").is_file():
        return subs[0]
    raise ReleaseError(f"{folder} holds no datapackage.json: is it a dataset release?")


@contextlib.contextmanager
def unpacked(path: Path) -> Iterator[Path]:
    """A release (.zip, .tar.gz or folder) as a folder holding datapackage.json."""
    path = Path(path)
    if path.is_dir():
        yield package_root(path)
        return
    if not path.is_file():
        raise ReleaseError(f"no such file or folder: {path}")
    with tempfile.TemporaryDirectory(prefix="kzdiplo-release-") as tmp:
        dest = Path(tmp)
        try:
            if zipfile.is_zipfile(path):
                with zipfile.ZipFile(path) as zf:
                    bad = [n for n in zf.namelist() if not _safe_member(n)]
                    if bad:
                        raise ReleaseError(f"{path.name}: unsafe member path {bad[0]!r}")
                    zf.extractall(dest)
            elif tarfile.is_tarfile(path):
                with tarfile.open(path) as tf:
                    tf.extractall(dest, filter="data")  # no links out, no absolute paths
            else:
                raise ReleaseError(f"{path.name} is neither a zip nor a tar archive")
        except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError) as e:
            raise ReleaseError(f"{path.name} cannot be unpacked: {e}") from e
        yield package_root(dest)


def read_descriptor(root: Path) -> dict[str, Any]:
    try:
        return json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ReleaseError(f"datapackage.json cannot be read: {e}") from e


def parquet_paths(desc: dict[str, Any]) -> dict[str, str]:
    """table name -> path of its Parquet file, as the package describes them."""
    return {r["x-sameRowsAs"]: r["path"] for r in desc.get("resources", [])
            if r.get("format") == "parquet" and "x-sameRowsAs" in r}


def table_schemas(desc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """table name -> its Table Schema, as the package describes it."""
    return {r["name"]: r.get("schema", {}) for r in desc.get("resources", [])
            if r.get("type") == "table"}


def read_tables(root: Path, desc: dict[str, Any]) -> dict[str, pa.Table]:
    return {name: pq.read_table(root / path) for name, path in parquet_paths(desc).items()}
