"""The pipeline's stages as plain functions over batches; `flows.pipeline` wraps them in Prefect.

raw/ -> discover -> normalise -> extract -> deduplicate -> validate -> publish
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flows import corrections, dedup
from flows.checksums import file_sha256
from flows.config import MAX_RAW_BYTES
from flows.extract.entities import extract_entities
from flows.extract.interactions import extract_interactions
from flows.extract.release import extract_release
from flows.extract.resolve import build_tables
from flows.normalise import Normalised, Rejected, normalise

# Files in raw/ that are not releases: maintainers' notes and the corrections table.
NOT_RELEASES = {"corrections.csv", "README.md", "README.txt"}


@dataclass(frozen=True)
class RawFile:
    path: Path
    rel: str  # relative to raw/, "/"-separated
    size: int
    symlink: str | None = None  # the link's target, for links (never followed)


def discover(raw_dir: Path) -> list[RawFile]:
    """Every candidate release under raw/, sorted by relative path; links are not followed."""
    out = []
    for dirpath, dirnames, filenames in os.walk(raw_dir, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        base = Path(dirpath)
        for name in filenames:
            if name.startswith(".") or name in NOT_RELEASES:
                continue
            p = base / name
            rel = p.relative_to(raw_dir).as_posix()
            if p.is_symlink():
                out.append(RawFile(p, rel, 0, os.readlink(p)))
            elif p.is_file():
                out.append(RawFile(p, rel, p.stat().st_size))
        for d in list(dirnames):  # a linked folder is listed, not walked
            if (base / d).is_symlink():
                dirnames.remove(d)
                rel = (base / d).relative_to(raw_dir).as_posix()
                out.append(RawFile(base / d, rel, 0, os.readlink(base / d)))
    return sorted(out, key=lambda f: f.rel)


def read_one(f: RawFile, max_bytes: int = MAX_RAW_BYTES) -> Normalised | Rejected:
    if f.symlink is not None:
        digest = hashlib.sha256(os.fsencode(f.symlink)).hexdigest()
        return Rejected(f.rel, digest, "symlink", f"This is a symbolic link to {f.symlink!r}; "
                        "links are never followed: copy the file itself into raw/.")
    if f.size > max_bytes:
        return Rejected(f.rel, file_sha256(f.path), "too_large",
                        f"The file has {f.size:,} bytes, over the limit of {max_bytes:,}: a press "
                        "release is far smaller, so check what the crawler saved.")
    return normalise(f.path.read_bytes(), f.rel)


def normalise_batch(files: list[RawFile]) -> list[Normalised | Rejected]:
    return [read_one(f) for f in files]


def extract_batch(docs: list[Normalised | Rejected]) -> list[dict[str, Any] | Rejected]:
    out: list[dict[str, Any] | Rejected] = []
    for d in docs:
        if isinstance(d, Rejected):
            out.append(d)
        else:
            row = extract_release(d)
            row["_raw_sha256"] = d.raw_sha256  # for the quarantine row, should it be a duplicate
            row["_minhash"] = dedup.body_signature(row["body"])  # near-duplicate candidates
            row["_body_key"] = body_key(row["body"])  # exact duplicates
            row["_entities"] = extract_entities(row["body"], row["dateline_country"])
            row["_entities"]["interactions"] = extract_interactions(
                row["body"], row["_entities"], release_date=row["release_date"],
                dateline_place=row["dateline_place"])
            out.append(row)
    return out


def body_key(body: str) -> str:
    """Bodies equal up to case and spacing share this key."""
    return hashlib.sha256(" ".join(body.split()).casefold().encode()).hexdigest()


def _metadata_score(row: dict[str, Any]) -> int:
    keys = ("title", "release_date", "dateline_place", "created_at", "publisher", "section")
    return sum(row.get(k) is not None for k in keys)


def deduplicate(
    items: list[dict[str, Any] | Rejected],
    near_threshold: float = dedup.THRESHOLD,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(releases, quarantine rows): duplicates and near-duplicates are kept once.

    Byte-identical files and bodies equal up to case and spacing form a group; groups whose bodies
    share at least `near_threshold` of their word shingles (`flows.dedup`: the same release
    republished with other crawl noise) are merged. Of a group the release with the most metadata
    is kept (then the first by path); the others go to quarantine with `duplicate_of`.
    """
    quarantine = [vars(r).copy() for r in items if isinstance(r, Rejected)]
    rows = [r for r in items if not isinstance(r, Rejected)]
    exact: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        exact.setdefault(r.get("_body_key") or body_key(r["body"]), []).append(r)
    groups = list(exact.values())
    near = dedup.near_duplicate_groups([g[0]["body"] for g in groups], near_threshold,
                                       [g[0].get("_minhash") for g in groups]
                                       if all("_minhash" in g[0] for g in groups) else None)
    merged_into: dict[int, int] = {}
    for members, _ in near:
        for m in members[1:]:
            merged_into[m] = members[0]
            groups[members[0]] = groups[members[0]] + groups[m]
    releases = []
    for gi, group in enumerate(groups):
        if gi in merged_into:
            continue
        group.sort(key=lambda r: (-_metadata_score(r), r["source_file"]))
        kept = group[0]
        releases.append(kept)
        for dup in group[1:]:
            twin = next(r for r in group if r["release_id"] == dup["release_id"])
            detail = _duplicate_detail(dup, kept, near_threshold)
            if twin is not dup and twin is not kept:
                detail = f"Byte-identical to {twin['source_file']}. {detail}"
            quarantine.append({
                "source_file": dup["source_file"],
                "raw_sha256": dup["_raw_sha256"],
                "reason": "duplicate",
                "detail": detail,
                "duplicate_of": kept["release_id"],
            })
    for r in releases:
        r.pop("_raw_sha256", None)
        r.pop("_minhash", None)
        r.pop("_body_key", None)
    releases.sort(key=lambda r: r["release_id"])
    quarantine.sort(key=lambda r: r["source_file"])
    return releases, quarantine


def _duplicate_detail(dup: dict[str, Any], kept: dict[str, Any], threshold: float) -> str:
    if dup["release_id"] == kept["release_id"]:
        return f"Byte-identical to {kept['source_file']}: delete this copy from raw/."
    if " ".join(dup["body"].split()).casefold() == " ".join(kept["body"].split()).casefold():
        return (f"Same release text as {kept['source_file']}, which has as much or more "
                "metadata and is kept.")
    sim = dedup.similarity(dup["body"], kept["body"])
    return (f"Near-duplicate of {kept['source_file']}: {sim:.0%} of their "
            f"{dedup.SHINGLE_WORDS}-word shingles are shared (threshold {threshold:.0%}), the same "
            "release republished with other crawl noise; the kept copy has as much or more "
            "metadata. If they are different releases, report it with both file names.")


def entity_tables(releases: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Resolve people across releases and build the entity tables (fills the releases' lists)."""
    extractions = {r["release_id"]: r.pop("_entities") for r in releases if "_entities" in r}
    return build_tables(releases, extractions)


def flag_counts(releases: list[dict[str, Any]]) -> dict[str, int]:
    return dict(sorted(Counter(f for r in releases for f in r["flags"]).items()))


def correct(raw_dir: Path, releases: list[dict[str, Any]],
            quarantine: list[dict[str, Any]]) -> tuple[int, list[str]]:
    """Apply raw/corrections.csv to `releases`: (lines applied, problems naming file lines)."""
    fixes, problems = corrections.load(raw_dir)
    problems += corrections.apply(fixes, releases, quarantine)
    ids = {r["release_id"] for r in releases}
    return sum(c.release_id in ids for c in fixes), problems


def account(files: list[RawFile], releases: list[dict[str, Any]],
            quarantine: list[dict[str, Any]]) -> list[str]:
    """Problems unless every raw file is in exactly one of releases and quarantine."""
    seen = Counter([r["source_file"] for r in releases] + [q["source_file"] for q in quarantine])
    problems = [f"{f} is in the tables {n} times" for f, n in sorted(seen.items()) if n > 1]
    expected = {f.rel for f in files}
    problems += [f"{f} is in neither releases nor quarantine" for f in sorted(expected - set(seen))]
    problems += [f"{f} is not a raw file" for f in sorted(set(seen) - expected)]
    return problems
