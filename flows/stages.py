"""The pipeline's stages as plain functions over batches; `flows.pipeline` wraps them in Prefect.

raw/ -> discover -> normalise -> extract -> deduplicate -> validate -> publish
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections import Counter
from collections.abc import Callable
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


@dataclass(frozen=True, slots=True)
class RawFile:
    root: Path  # raw/: one object shared by every file of a build
    rel: str  # relative to raw/, "/"-separated
    size: int
    symlink: str | None = None  # the link's target, for links (never followed)

    @property
    def path(self) -> Path:
        # made when needed: a build holds the list of every file to its end, and with a Path
        # each it took 58 MB at 100,000 files, against 22 MB as root + rel (measured)
        return self.root / self.rel


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
                out.append(RawFile(raw_dir, rel, 0, os.readlink(p)))
            elif p.is_file():
                out.append(RawFile(raw_dir, rel, p.stat().st_size))
        for d in list(dirnames):  # a linked folder is listed, not walked
            if (base / d).is_symlink():
                dirnames.remove(d)
                rel = (base / d).relative_to(raw_dir).as_posix()
                out.append(RawFile(raw_dir, rel, 0, os.readlink(base / d)))
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


PRIVATE = ("_raw_sha256", "_minhash", "_body_key")  # extract_batch's keys for deduplication


def summarise(item: dict[str, Any] | Rejected) -> dict[str, Any]:
    """What the corpus-wide steps (deduplication, person resolution, accounting) need of one
    file's result: a few hundred bytes, without its texts. A build holds these for every file
    and reads the full results back bucket by bucket (`flows.assemble`)."""
    if isinstance(item, Rejected):
        return {"rejected": vars(item).copy()}
    return {
        "release_id": item["release_id"], "source_file": item["source_file"],
        "raw_sha256": item["_raw_sha256"], "score": _metadata_score(item),
        "body_key": item.get("_body_key") or body_key(item["body"]),
        "minhash": item.get("_minhash") or dedup.body_signature(item["body"]),
        # pickled: a tenth of the memory of the dicts (`unpack_persons` reads them)
        "persons": pickle.dumps(item.get("_entities", {}).get("persons", []),
                                protocol=pickle.HIGHEST_PROTOCOL),
    }


def unpack_persons(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The people a summarised release names (as `extract_entities` lists them)."""
    return pickle.loads(summary["persons"])  # written by summarise, never from outside


class _Bodies:
    """Bodies by index, loaded only for the releases near-duplicate grouping compares."""

    def __init__(self, bodies: dict[int, str], n: int) -> None:
        self.bodies, self.n = bodies, n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int) -> str:
        return self.bodies[i]


def plan_duplicates(
    summaries: list[dict[str, Any]],
    bodies_of: Callable[[list[int]], dict[int, str]],
    near_threshold: float = dedup.THRESHOLD,
) -> tuple[list[int], list[dict[str, Any]]]:
    """(indices of the kept releases in release_id order, quarantine rows) from `summarise`d
    files; `bodies_of(indices)` loads the bodies that must be compared.

    Byte-identical files and bodies equal up to case and spacing form a group; groups whose bodies
    share at least `near_threshold` of their word shingles (`flows.dedup`: the same release
    republished with other crawl noise) are merged with the kept one (`_stars`). Of a group the
    release with the most metadata is kept (then the first by path); the others go to quarantine
    with `duplicate_of`.
    """
    quarantine = [s["rejected"] for s in summaries if "rejected" in s]
    exact: dict[str, list[int]] = {}
    for i, s in enumerate(summaries):
        if "rejected" not in s:
            exact.setdefault(s["body_key"], []).append(i)
    groups = list(exact.values())
    sigs = [summaries[g[0]]["minhash"] for g in groups]
    compared = dedup.candidates(sigs, near_threshold)
    bodies = bodies_of(sorted(groups[g][0] for g in compared))
    near = dedup.near_duplicate_groups(
        _Bodies({g: bodies[groups[g][0]] for g in compared}, len(groups)), near_threshold, sigs)

    def file_rank(i: int) -> tuple[int, str]:  # the order in which files are kept
        return -summaries[i]["score"], summaries[i]["source_file"]

    def rank(g: int) -> tuple[int, str]:  # a group ranks as its best file
        return min(map(file_rank, groups[g]))

    merged_into: dict[int, int] = {}
    for members, sims in near:
        def similar(g: int, best: int, sims: dict[tuple[int, int], float] = sims) -> bool:
            s = sims.get((min(g, best), max(g, best)))
            if s is None:  # linked through others only: compare the two bodies themselves
                s = dedup.similarity(bodies[groups[g][0]], bodies[groups[best][0]])
            return s >= near_threshold

        for star in _stars(members, rank, similar):
            for m in star[1:]:
                merged_into[m] = star[0]
                groups[star[0]] = groups[star[0]] + groups[m]
    if near:  # near-duplicates' details compare each with the kept body
        wanted = [i for g in {*merged_into.values()} for i in groups[g] if i not in bodies]
        bodies.update(bodies_of(sorted(wanted)))
    kept_rows = []
    for gi, group in enumerate(groups):
        if gi in merged_into:
            continue
        group.sort(key=file_rank)
        kept = summaries[group[0]]
        kept_rows.append(group[0])
        for d in group[1:]:
            dup = summaries[d]
            twin = next(summaries[i] for i in group
                        if summaries[i]["release_id"] == dup["release_id"])
            detail = _duplicate_detail(dup, kept, near_threshold,
                                       (bodies.get(d), bodies.get(group[0])))
            if twin is not dup and twin is not kept:
                detail = f"Byte-identical to {twin['source_file']}. {detail}"
            quarantine.append({
                "source_file": dup["source_file"],
                "raw_sha256": dup["raw_sha256"],
                "reason": "duplicate",
                "detail": detail,
                "duplicate_of": kept["release_id"],
            })
    kept_rows.sort(key=lambda i: summaries[i]["release_id"])
    quarantine.sort(key=lambda r: r["source_file"])
    return kept_rows, quarantine


def _stars(members: list[int], rank: Callable[[int], Any],
           similar: Callable[[int, int], bool]) -> list[list[int]]:
    """A connected group of near-duplicates, split around the releases that are kept: the
    best-ranked with every member similar to it itself, then the same over the rest. In a
    chain A ~ B ~ C where A and C differ, A keeps B and C stays a release of its own: a text is
    quarantined only as a near-duplicate of the text that is kept."""
    rest = sorted(members, key=rank)
    out = []
    while rest:
        best, *others = rest
        star = [best, *(g for g in others if similar(g, best))]
        out.append(star)
        rest = [g for g in others if g not in star]
    return out


def deduplicate(
    items: list[dict[str, Any] | Rejected],
    near_threshold: float = dedup.THRESHOLD,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(releases, quarantine rows) of results held in memory: `plan_duplicates` over them."""
    kept, quarantine = plan_duplicates(
        [summarise(x) for x in items],
        lambda ids: {i: items[i]["body"] for i in ids},  # type: ignore[index]
        near_threshold)
    releases = [items[i] for i in kept]
    for r in releases:
        for k in PRIVATE:
            r.pop(k, None)  # type: ignore[union-attr]
    return releases, quarantine  # type: ignore[return-value]


def _duplicate_detail(dup: dict[str, Any], kept: dict[str, Any], threshold: float,
                      bodies: tuple[str | None, str | None]) -> str:
    """Why `dup` is quarantined; `bodies` (dup's, kept's) are loaded for near-duplicates."""
    if dup["release_id"] == kept["release_id"]:
        return f"Byte-identical to {kept['source_file']}: delete this copy from raw/."
    if dup["body_key"] == kept["body_key"]:
        return (f"Same release text as {kept['source_file']}, which has as much or more "
                "metadata and is kept.")
    return (f"Near-duplicate of {kept['source_file']}: {dedup.similarity(*bodies):.0%} of their "
            f"{dedup.SHINGLE_WORDS}-word shingles are shared (threshold {threshold:.0%}), the same "
            "release republished with other crawl noise; the kept copy has as much or more "
            "metadata. If they are different releases, report it with both file names.")


def entity_tables(releases: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Resolve people across releases and build the entity tables (fills the releases' lists)."""
    extractions = {r["release_id"]: r.pop("_entities") for r in releases if "_entities" in r}
    return build_tables(releases, extractions)


def correct(raw_dir: Path, releases: list[dict[str, Any]],
            quarantine: list[dict[str, Any]]) -> tuple[int, list[str]]:
    """Apply raw/corrections.csv to `releases`, before `entity_tables` as in a build: (lines
    applied, problems naming file lines). A corrected date or dateline reaches the release's
    interactions too (`corrected_interactions`)."""
    fixes, problems = corrections.load(raw_dir)
    by_release = corrections.by_release(fixes)
    for r in releases:  # as `flows.assemble.assemble` does, release by release
        fix = by_release.get(r["release_id"], [])
        if "_entities" in r:
            r["_entities"] = corrected_interactions(r, r["_entities"], fix)
        corrections.apply_row(r, fix)
    ids = {r["release_id"] for r in releases}
    problems += corrections.unknown(fixes, ids, quarantine)
    return sum(c.release_id in ids for c in fixes), problems


# What interactions fall back to: the release's date ("today", "on Wednesday") and its dateline.
_INTERACTION_INPUTS = {"release_date", "dateline_place"}


def corrected_interactions(row: dict[str, Any], ex: dict[str, Any],
                            fix: list[corrections.Correction]) -> dict[str, Any]:
    """`ex` with the release's interactions extracted again when a correction changes what they
    fall back to; otherwise `ex` as it is (a correction is rare, extraction is not cheap)."""
    if "interactions" not in ex or not any(c.column in _INTERACTION_INPUTS for c in fix):
        return ex
    fixed = dict(row)
    corrections.apply_row(fixed, fix)
    return {**ex, "interactions": extract_interactions(
        row["body"], ex, release_date=fixed["release_date"],
        dateline_place=fixed["dateline_place"])}


def account(files: list[RawFile], release_files: list[str],
            quarantine: list[dict[str, Any]]) -> list[str]:
    """Problems unless every raw file is in exactly one of releases (`release_files`: their
    source files) and quarantine."""
    seen = Counter(release_files + [q["source_file"] for q in quarantine])
    problems = [f"{f} is in the tables {n} times" for f, n in sorted(seen.items()) if n > 1]
    expected = {f.rel for f in files}
    problems += [f"{f} is in neither releases nor quarantine" for f in sorted(expected - set(seen))]
    problems += [f"{f} is not a raw file" for f in sorted(set(seen) - expected)]
    return problems
