"""Content-addressed cache of what normalise + extract make of each raw file.

A rebuild re-processes only the raw files whose bytes (or path) are new to the cache, or all of
them when the code or reference data that produce the per-file result changed.

- Entry key: sha256(relative path, NUL, sha256 of the raw bytes). The flow reads every raw file
  to hash it (about 1 s per 100,000 files of 5 KB); there is no size/mtime shortcut, so a file
  edited in place with its size and mtime kept is still seen.
- Version: `code_version()`, a hash of the source of `flows/normalise`, `flows/extract` (but
  `extract/resolve.py`, which works on the whole dataset after the cache),
  `flows/dates.py`, `flows/reference.py`, the settings of `flows/config.py`, the stage
  functions that call them (`stages.read_one`, `normalise_batch`, `extract_batch`), the
  reference files
  (`reference.fingerprint()`), the versions of the libraries the extraction uses, and Python's
  minor version. Entries live under `<cache>/extract-<version>/`; a new version starts empty and
  the folders of other versions are removed when it is first written.
- Storage: one pickle "segment" per processed batch (so 100,000 entries are a few hundred files)
  and `index.pkl` (entry key -> segment), replaced atomically. A segment holds exactly what
  `stages.extract_batch` returns for each file, including the private `_entities` key; beside it
  a summary file holds each file's `stages.summarise` (what a build keeps in memory for every
  file), so a rebuild reads the full results only once, bucket by bucket.
  Symbolic links and over-size files are never cached (they are cheap to re-judge).

The cache is only ever read and written by the flow's own process, so task workers (threads,
processes, or Dask workers on other machines) need no access to it.
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import os
import pickle
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from flows import config, reference, stages

FORMAT = 2  # bump when the layout of the cache changes
_LIBRARIES = ("ftfy", "dateparser", "pycountry", "pyahocorasick", "rapidfuzz", "regex")
_SOURCES = ("normalise", "extract", "dates.py", "reference.py")
# Under _SOURCES but run over the whole dataset after the cache (person resolution, rows):
# a change there must not re-extract every file.
_NOT_PER_FILE = {"extract/resolve.py"}
# Settings of flows/config.py that do not change what a file yields.
_CONFIG_IGNORED = {"BATCH_SIZE", "BUCKET_RELEASES", "DATASET_NAME", "WORKERS"}


@lru_cache(maxsize=1)
def code_version() -> str:
    """Fingerprint of everything that decides the per-file result of normalise + extract."""
    h = hashlib.sha256(f"format {FORMAT}; python {sys.version_info[:2]}\n".encode())
    for rel, f in source_files():
        h.update(rel.encode() + b"\0" + f.read_bytes())
    for fn in (stages.RawFile, stages.read_one, stages.normalise_batch, stages.extract_batch,
               stages.summarise):
        h.update(inspect.getsource(fn).encode())
    settings = {k: v for k, v in sorted(vars(config).items())
                if k.isupper() and k not in _CONFIG_IGNORED and not isinstance(v, Path)}
    h.update(repr(settings).encode())
    h.update(reference.fingerprint().encode())
    for lib in _LIBRARIES:
        try:
            h.update(f"{lib} {metadata.version(lib)}\n".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{lib} -\n".encode())
    return h.hexdigest()[:16]


def source_files() -> list[tuple[str, Path]]:
    """(path relative to flows/, path) of the source files `code_version` hashes."""
    pkg = Path(__file__).resolve().parent
    out = []
    for name in _SOURCES:
        p = pkg / name
        for f in sorted(p.rglob("*.py")) if p.is_dir() else [p]:
            rel = f.relative_to(pkg).as_posix()
            if rel not in _NOT_PER_FILE:
                out.append((rel, f))
    return out


def file_key(f: stages.RawFile, max_bytes: int = config.MAX_RAW_BYTES) -> str | None:
    """The entry key of a raw file, or None for files that are never cached."""
    if f.symlink is not None or f.size > max_bytes:
        return None
    try:
        digest = hashlib.sha256(f.path.read_bytes()).hexdigest()
    except OSError:
        return None
    return hashlib.sha256(f"{f.rel}\0{digest}".encode()).hexdigest()


def _atomic_pickle(path: Path, obj: Any) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


class ExtractCache:
    """Per-file results of normalise + extract, stored in segments under one code version."""

    def __init__(self, root: Path, version: str | None = None) -> None:
        self.root = Path(root)
        self.version = version or code_version()
        self.dir = self.root / f"extract-{self.version}"
        self.index: dict[str, str] = {}
        try:
            with (self.dir / "index.pkl").open("rb") as fh:
                self.index = pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, ValueError):
            self.index = {}
        self.hits = 0
        self.misses = 0

    def get(self, keys: list[str | None]) -> list[Any | None]:
        """The cached result for each key (None where absent); each segment is read once."""
        out: list[Any | None] = [None] * len(keys)
        for i, entry in self.iter(keys):
            out[i] = entry
        return out

    def iter(self, keys: Sequence[str | None], summaries: bool = False
             ) -> Iterator[tuple[int, Any]]:
        """(position in `keys`, cached result) for the keys in the cache, segment by segment:
        one segment's results in memory at a time. With `summaries`, the result's
        `stages.summarise` instead, read from the segment's small summary file."""
        by_segment: dict[str, list[int]] = {}
        for i, k in enumerate(keys):
            if k is not None and k in self.index:
                by_segment.setdefault(self.index[k], []).append(i)
        found = 0
        for seg, positions in by_segment.items():
            entries = self._load(f"sum-{seg[4:]}" if summaries else seg)
            if entries is None and summaries and (full := self._load(seg)) is not None:
                entries = {k: stages.summarise(v) for k, v in full.items()}
            if entries is None:
                continue  # a lost segment is only a miss
            for i in positions:
                entry = entries.get(keys[i])  # type: ignore[arg-type]
                if entry is not None:
                    found += 1
                    yield i, entry
            del entries
        self.hits += found
        self.misses += sum(k is not None for k in keys) - found

    def _load(self, name: str) -> dict[str, Any] | None:
        try:
            with (self.dir / name).open("rb") as fh:
                return pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, ValueError):
            return None

    def put(self, pairs: Iterable[tuple[str | None, Any]],
            summaries: dict[str, Any] | None = None) -> None:
        """Store one batch of (key, result) as a new segment (keys of None are skipped), with
        each result's `stages.summarise` (given by key when the caller has made them)."""
        entries = {k: v for k, v in pairs if k is not None}
        if not entries:
            return
        if not self.dir.exists():
            self.dir.mkdir(parents=True, exist_ok=True)
            self._drop_other_versions()
        name = "seg-" + hashlib.sha256("\n".join(sorted(entries)).encode()).hexdigest()[:20]
        # the summaries first: a segment without its summary file is only read in full
        _atomic_pickle(self.dir / f"sum-{name[4:]}.pkl",
                       {k: summaries[k] if summaries and k in summaries else stages.summarise(v)
                        for k, v in entries.items()})
        _atomic_pickle(self.dir / f"{name}.pkl", entries)
        for k in entries:
            self.index[k] = f"{name}.pkl"

    def save(self) -> None:
        """Write the index, and remove segments no entry refers to any more."""
        if not self.dir.exists():
            return
        _atomic_pickle(self.dir / "index.pkl", self.index)
        live = set(self.index.values())
        live |= {f"sum-{seg[4:]}" for seg in live}
        for p in [*self.dir.glob("seg-*.pkl"), *self.dir.glob("sum-*.pkl")]:
            if p.name not in live:
                p.unlink(missing_ok=True)

    def _drop_other_versions(self) -> None:
        for p in self.root.glob("extract-*"):
            if p.is_dir() and p != self.dir:
                shutil.rmtree(p, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# Whole builds: a rebuild whose inputs are those of the last published build is skipped.
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def pipeline_version() -> str:
    """Fingerprint of all the pipeline's code and schemas (dedup, validation, publish too)."""
    h = hashlib.sha256(code_version().encode())
    pkg = Path(__file__).resolve().parent
    for f in sorted(pkg.rglob("*.py")):
        h.update(f.relative_to(pkg).as_posix().encode() + b"\0" + f.read_bytes())
    for f in sorted(p for p in config.SCHEMAS.rglob("*") if p.is_file()):
        h.update(f.relative_to(config.SCHEMAS).as_posix().encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:16]


class Incremental:
    """The cache of one build: per-file keys, and the record of the last build of `out_dir`.

    `unchanged()` returns the last build's summary when nothing the build depends on changed:
    the raw files (paths and bytes), the files in raw/ that are not releases (corrections),
    the pipeline's code and schemas, the build date (validation rules use it), and the
    published tables themselves (their SHA-256 must still be the recorded ones). Then neither
    extraction nor validation nor publishing runs, and the dataset stays as it is.
    """

    def __init__(self, cache_dir: Path, raw: Path, out: Path, files: list[stages.RawFile],
                 build_date: str) -> None:
        self.store = ExtractCache(cache_dir)
        self.keys = [file_key(f) for f in files]
        self.out = out
        h = hashlib.sha256(f"{pipeline_version()}\n{build_date}\n{out}\n".encode())
        for f, k in zip(files, self.keys, strict=True):
            h.update(f"{f.rel}\0{k or (f.symlink, f.size)}\n".encode())
        for name in sorted(stages.NOT_RELEASES):
            if (raw / name).is_file():
                h.update(name.encode() + b"\0" + (raw / name).read_bytes())
        self.inputs = h.hexdigest()
        self.record_path = (Path(cache_dir) / "builds"
                            / f"{hashlib.sha256(str(out).encode()).hexdigest()[:16]}.pkl")

    def unchanged(self) -> dict[str, Any] | None:
        from flows.publish.publisher import content_fingerprint

        try:
            with self.record_path.open("rb") as fh:
                record = pickle.load(fh)
            if record["inputs"] != self.inputs:
                return None
            if content_fingerprint(self.out) != record["content"]:
                return None
        except (OSError, pickle.UnpicklingError, EOFError, KeyError, ValueError):
            return None
        return dict(record["summary"])

    def record(self, summary: dict[str, Any]) -> None:
        """Remember a successful build of `out_dir` (its published tables' fingerprint)."""
        from flows.publish.publisher import content_fingerprint

        self.record_path.parent.mkdir(parents=True, exist_ok=True)
        _atomic_pickle(self.record_path, {"inputs": self.inputs, "summary": summary,
                                          "content": content_fingerprint(self.out)})
