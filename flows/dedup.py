"""Near-duplicate releases: MinHash over word shingles, LSH banding, exact Jaccard check.

A release republished with other crawl noise around it normalises to almost the same body. Two
bodies are near-duplicates when the Jaccard similarity of their sets of `SHINGLE_WORDS`-word
shingles (case-folded words, punctuation ignored) is at least `THRESHOLD`.

Comparing every pair is quadratic, so candidates come from locality-sensitive hashing: each body
gets a MinHash signature of `BANDS * ROWS` values, cut into `BANDS` bands of `ROWS` values; two
bodies that agree on a whole band are candidates. The chance that a pair of similarity s becomes a
candidate is 1 - (1 - s**ROWS)**BANDS: 0.998 at s = 0.8, 0.5 at s = 0.55, 0.015 at s = 0.3, so
unrelated releases are almost never compared. A candidate pair whose signatures agree on fewer
than `THRESHOLD - ESTIMATE_MARGIN` of their values (the MinHash estimate of the similarity; for a
pair at the threshold, a chance of about 2 in 100 million) is dropped without reading its bodies;
the others are checked exactly (Jaccard of the shingle sets), so no pair is grouped on an
estimate. Hashes are CRC-32 of
words and fixed multipliers from a seeded generator: the same bodies give the same groups on every
machine and in every run. Pure numpy and stdlib; about linear in the number of releases.
"""

from __future__ import annotations

import re
import zlib
from collections import defaultdict
from collections.abc import Sequence

import numpy as np

SHINGLE_WORDS = 5
THRESHOLD = 0.8
BANDS = 20
ROWS = 6
NUM_PERM = BANDS * ROWS
_SEED = 20_240_601
ESTIMATE_MARGIN = 0.2  # see likely_pairs
_CHUNK = 8192  # shingles per block when signing a long body (bounded memory)

_rng = np.random.default_rng(_SEED)
# Random odd multipliers and offsets: x -> a*x + b (mod 2**32) permutes the 32-bit values.
_A = _rng.integers(1, 2**32, size=NUM_PERM, dtype=np.uint64).astype(np.uint32) | np.uint32(1)
_B = _rng.integers(0, 2**32, size=NUM_PERM, dtype=np.uint64).astype(np.uint32)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_WORD = re.compile(r"\w+")


class _WordHashes(dict[str, int]):
    """CRC-32 of words, computed once per word (press releases repeat their vocabulary)."""

    def __missing__(self, word: str) -> int:
        value = self[word] = zlib.crc32(word.encode("utf-8", "surrogatepass"))
        return value


def shingles(body: str, k: int = SHINGLE_WORDS, cache: dict[str, int] | None = None,
             ) -> np.ndarray:
    """Sorted unique 64-bit hashes of the body's k-word shingles (one shingle if shorter)."""
    words = _WORD.findall(body.casefold())
    if not words:
        return np.zeros(0, dtype=np.uint64)
    lookup = (cache if cache is not None else _WordHashes()).__getitem__
    wh = np.fromiter(map(lookup, words), dtype=np.uint64, count=len(words))
    k = min(k, len(wh))
    n = len(wh) - k + 1
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            h = h * _MIX + wh[j: j + n]
    return np.unique(h)


def signature(sh: np.ndarray) -> np.ndarray:
    """MinHash signature (NUM_PERM uint32 values) of a set of shingle hashes."""
    sig = np.full(NUM_PERM, np.iinfo(np.uint32).max, dtype=np.uint32)
    folded = ((sh >> np.uint64(32)) ^ sh).astype(np.uint32)  # 64 -> 32 bits
    with np.errstate(over="ignore"):
        for i in range(0, len(folded), _CHUNK):
            block = folded[i: i + _CHUNK, None] * _A[None, :] + _B[None, :]
            np.minimum(sig, block.min(axis=0), out=sig)
    return sig


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    if not len(a) and not len(b):
        return 1.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)


def candidate_pairs(signatures: Sequence[np.ndarray], min_agreement: float | None = None
                    ) -> set[tuple[int, int]]:
    """Pairs (i, j), i < j, whose signatures agree on at least one band; with `min_agreement`,
    only those whose signatures also agree on at least that share of their values."""
    pairs: set[tuple[int, int]] = set()
    if len(signatures) < 2:
        return pairs
    sigs = np.stack(signatures)
    for band in range(BANDS):
        # one row per body: its band's values as one opaque item, so equal bands sort together
        block = np.ascontiguousarray(sigs[:, band * ROWS:(band + 1) * ROWS])
        keys = block.view(np.dtype((np.void, block.dtype.itemsize * ROWS))).ravel()
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        starts = np.concatenate(([0], np.flatnonzero(ordered[1:] != ordered[:-1]) + 1))
        ends = np.append(starts[1:], len(order))
        for a, z in zip(starts[ends - starts > 1].tolist(), ends[ends - starts > 1].tolist(),
                        strict=True):  # only the buckets of two or more bodies
            members = np.sort(order[a:z])
            sub = sigs[members]
            for x in range(len(members) - 1):
                later = members[x + 1:]
                if min_agreement is not None:
                    later = later[(sub[x + 1:] == sub[x]).mean(axis=1) >= min_agreement]
                pairs.update((int(members[x]), int(y)) for y in later)
    return pairs


def likely_pairs(signatures: Sequence[np.ndarray], threshold: float) -> set[tuple[int, int]]:
    """The candidate pairs worth an exact check: the share of equal MinHash values estimates
    the Jaccard similarity (standard error at most 0.046 with 120 values), so pairs whose
    estimate is `ESTIMATE_MARGIN` below the threshold (over 4 standard errors) are not read."""
    return candidate_pairs(signatures, max(0.0, threshold - ESTIMATE_MARGIN))


def body_signature(body: str) -> bytes:
    """The MinHash signature of a body, as bytes: computed where the body is extracted (in
    parallel, and cached with it), so that grouping needs only the signatures."""
    return signature(shingles(body)).tobytes()


def candidates(signatures: Sequence[bytes], threshold: float = THRESHOLD) -> set[int]:
    """Indices of the bodies (by their `body_signature`) that LSH pairs with another: the only
    ones near-duplicate grouping reads."""
    pairs = likely_pairs([np.frombuffer(x, dtype=np.uint32) for x in signatures], threshold)
    return {i for pair in pairs for i in pair}


def near_duplicate_groups(bodies: Sequence[str], threshold: float = THRESHOLD,
                          signatures: Sequence[bytes] | None = None,
                          ) -> list[tuple[list[int], dict[tuple[int, int], float]]]:
    """Groups (of two or more indices into `bodies`) of near-duplicates, with the checked
    similarity of each linked pair. A group is a connected component of pairs at or above
    `threshold`; groups and their members are in index order. `signatures` (`body_signature`
    of each body) saves computing them; shingle sets are made only for candidate pairs."""
    cache = _WordHashes()
    if signatures is None:
        sigs = [signature(shingles(b, cache=cache)) for b in bodies]
    else:
        sigs = [np.frombuffer(x, dtype=np.uint32) for x in signatures]
    sets: dict[int, np.ndarray] = {}

    def shingle_set(i: int) -> np.ndarray:
        if i not in sets:
            sets[i] = shingles(bodies[i], cache=cache)
        return sets[i]

    parent = list(range(len(bodies)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    sims: dict[tuple[int, int], float] = {}
    for i, j in sorted(likely_pairs(sigs, threshold)):
        a, b = shingle_set(i), shingle_set(j)
        if not len(a) or not len(b):
            continue
        s = jaccard(a, b)
        if s >= threshold:
            sims[(i, j)] = s
            ri, rj = find(i), find(j)
            if ri != rj:
                parent[max(ri, rj)] = min(ri, rj)
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(bodies)):
        members[find(i)].append(i)
    out = []
    for root in sorted(members):
        group = members[root]
        if len(group) > 1:
            inside = set(group)
            out.append((group, {p: s for p, s in sims.items() if p[0] in inside}))
    return out


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of two bodies' shingle sets."""
    return jaccard(shingles(a), shingles(b))
