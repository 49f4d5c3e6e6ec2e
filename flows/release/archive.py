"""`kzdiplo release`: package output/ as dist/<name>-<version>.zip and .tar.gz.

An archive holds, at its root: datapackage.json (paths data/<table>.<ext>), data/ (every table
as Parquet and CSV), README.md (the dataset card), CHANGELOG.md and changes.json, plots/,
validation/ (report, summary, Great Expectations Data Docs), CITATION.cff and SHA256SUMS.

Reproducible: the same output/ (and previous release) gives byte-identical archives. Entries
are sorted, every entry has the same mtime (SOURCE_DATE_EPOCH, else the package's `created`),
mode 0644, owner 0:0 without names, and the gzip header has mtime 0 and no file name.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import json
import os
import re
import tarfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flows import schema
from flows.checksums import file_sha256
from flows.config import ROOT
from flows.publish import atomic
from flows.release import card, changelog
from flows.release.common import (
    ReleaseError,
    archive_stem,
    find_previous,
    parquet_paths,
    read_descriptor,
    read_tables,
    unpacked,
)

DATA = "data/"
ZIP_EPOCH = 315532800  # 1980-01-01, the earliest time a zip entry can carry


@dataclass
class Release:
    version: str
    zip_path: Path
    tar_path: Path
    previous: Path | None
    changes: dict[str, Any]
    files: dict[str, bytes]
    seconds: float


def _epoch(created: str) -> int:
    env = os.environ.get("SOURCE_DATE_EPOCH")
    if env:
        return int(env)
    try:
        when = dt.datetime.fromisoformat(created)
    except (TypeError, ValueError):
        return ZIP_EPOCH
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return int(when.timestamp())


def _check_output(output: Path, desc: dict[str, Any]) -> None:
    """output/ must be a complete build of the tables schemas/ lists, unchanged since then."""
    built = list(parquet_paths(desc))
    expected = schema.tables()
    if sorted(built) != sorted(expected):
        raise ReleaseError(
            f"{output} holds the tables {', '.join(built)} but schemas/package.json lists "
            f"{', '.join(expected)}: run `kzdiplo build` first.")
    for r in desc["resources"]:
        path = output / r["path"]
        if not path.is_file():
            raise ReleaseError(f"{path} is missing: run `kzdiplo build` first.")
        if r.get("hash") and r["hash"] != f"sha256:{file_sha256(path)}":
            raise ReleaseError(f"{path} differs from its datapackage.json hash: the output was "
                               "changed after the build; run `kzdiplo build` again.")
    if not (output / "validation" / "index.html").is_file():
        raise ReleaseError(f"{output}/validation/ is missing: run `kzdiplo build` first.")


def release_descriptor(desc: dict[str, Any]) -> dict[str, Any]:
    """The output's datapackage.json with paths into data/ and validation/ of the archive."""
    out = json.loads(json.dumps(desc))
    for r in out["resources"]:
        r["path"] = DATA + Path(r["path"]).name
    out["x-validation"] = {**out.get("x-validation", {}), "report": "validation/index.html",
                           "summary": "validation/summary.json",
                           "data_docs": "validation/data_docs/index.html"}
    return out


def _citation(version: str, created: str) -> bytes | None:
    path = ROOT / "CITATION.cff"
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^(version|date-released):.*\n", "", text).rstrip("\n") + "\n"
    text += f'version: "{version}"\ndate-released: "{created[:10]}"\n'
    return text.encode("utf-8")


def _sha256sums(files: dict[str, bytes]) -> bytes:
    return "".join(f"{hashlib.sha256(files[name]).hexdigest()}  {name}\n"
                   for name in sorted(files)).encode("utf-8")


def _previous(previous: Path | None) -> tuple[dict | None, dict, str | None]:
    if previous is None:
        return None, {}, None
    with unpacked(previous) as root:
        desc = read_descriptor(root)
        tables = read_tables(root, desc)
        log = root / "CHANGELOG.md"
        text = log.read_text(encoding="utf-8") if log.is_file() else None
    return desc, tables, text


def assemble(output: Path, previous: Path | None) -> tuple[str, dict[str, bytes],
                                                            dict[str, Any]]:
    """(version, archive path -> bytes, changes) of a release of `output`."""
    output = Path(output)
    if not (output / "datapackage.json").is_file():
        raise ReleaseError(f"{output}/datapackage.json not found: run `kzdiplo build` first.")
    desc = read_descriptor(output)
    _check_output(output, desc)
    version = desc["version"]
    files: dict[str, bytes] = {}
    for r in desc["resources"]:
        files[DATA + Path(r["path"]).name] = (output / r["path"]).read_bytes()
    for p in sorted((output / "validation").rglob("*")):
        if p.is_file():
            files[p.relative_to(output).as_posix()] = p.read_bytes()
    rel_desc = release_descriptor(desc)
    files["datapackage.json"] = (json.dumps(rel_desc, indent=2, ensure_ascii=False)
                                 + "\n").encode("utf-8")

    tables = read_tables(output, desc)
    prev_desc, prev_tables, prev_log = _previous(previous)
    changes = changelog.diff(prev_desc, prev_tables, rel_desc, tables)
    files["changes.json"] = (json.dumps(changes, indent=2, ensure_ascii=False, default=str)
                             + "\n").encode("utf-8")
    files["CHANGELOG.md"] = changelog.merge(changelog.entry(changes), version,
                                            prev_log).encode("utf-8")
    the_card = card.render(rel_desc, tables, parquet_paths(rel_desc), changes=changes,
                           archive=archive_stem(version) + ".zip")
    files["README.md"] = the_card.markdown.encode("utf-8")
    files.update(the_card.plots)
    if (cff := _citation(version, desc.get("created", ""))) is not None:
        files["CITATION.cff"] = cff
    files["SHA256SUMS"] = _sha256sums(files)
    return version, files, changes


def write_zip(files: dict[str, bytes], mtime: int) -> bytes:
    stamp = time.gmtime(max(mtime, ZIP_EPOCH))[:6]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, so that the mode below is honoured
            info.external_attr = (0o100644 << 16)
            zf.writestr(info, files[name], compresslevel=9)
    return buf.getvalue()


def write_tar_gz(files: dict[str, bytes], mtime: int) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for name in sorted(files):
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(files[name]), mtime, 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tf.addfile(info, io.BytesIO(files[name]))
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def build_release(output: Path, dist: Path, previous: Path | str | None = "auto") -> Release:
    """Write the release of `output` into `dist`; `previous`: an archive, None, or "auto"
    (the newest earlier release in `dist`)."""
    started = time.perf_counter()
    output, dist = Path(output), Path(dist)
    desc = read_descriptor(output) if (output / "datapackage.json").is_file() else {}
    if previous == "auto":
        previous = find_previous(dist, desc["version"]) if desc.get("version") else None
    prev = Path(previous) if previous is not None else None
    version, files, changes = assemble(output, prev)
    mtime = _epoch(desc.get("created", ""))
    dist.mkdir(parents=True, exist_ok=True)
    stem = archive_stem(version)
    zip_path, tar_path = dist / f"{stem}.zip", dist / f"{stem}.tar.gz"
    atomic.replace_file(zip_path, write_zip(files, mtime))
    atomic.replace_file(tar_path, write_tar_gz(files, mtime))
    for p in (zip_path, tar_path):
        p.chmod(0o644)
    return Release(version, zip_path, tar_path, prev, changes, files,
                   time.perf_counter() - started)


def summary_lines(r: Release) -> list[str]:
    rel = r.changes["releases"]
    counts = ", ".join(f"{t} {v['rows']}" for t, v in r.changes["tables"].items())
    prev = (f"{r.changes['previous_version']} ({r.previous})" if r.previous
            else "none (first release)")
    return [
        f"version:   {r.version}",
        f"archives:  {r.zip_path} ({r.zip_path.stat().st_size:,} bytes)",
        f"           {r.tar_path} ({r.tar_path.stat().st_size:,} bytes)",
        f"previous:  {prev}",
        f"changes:   {changelog.plural(len(rel['added']), 'release')} added, "
        f"{len(rel['removed'])} removed, {len(rel['changed'])} changed; "
        f"{changelog.plural(len(r.changes['corrections']), 'correction')}",
        f"rows:      {counts}",
        f"files:     {len(r.files)} in each archive; check with `kzdiplo verify {r.zip_path}`",
    ]
