"""Cost of entity extraction per release, on the seeds and the hand-written corpus.

    python benchmarks/entities.py [ROUNDS]

Prints the time to build the gazetteers once (per worker process) and the mean time per
release of `extract_entities` and of the dataset-wide resolution.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flows import stages  # noqa: E402
from flows.extract import entities  # noqa: E402
from flows.extract.resolve import build_tables  # noqa: E402


def main(rounds: int = 20) -> None:
    docs = []
    for folder in (ROOT / "raw", ROOT / "tests/corpus/extra"):
        docs += [d for d in stages.normalise_batch(stages.discover(folder)) if hasattr(d, "body")]
    t = time.perf_counter()
    entities.extract_entities("warm up: the UN Security Council met in Astana.")
    warm = time.perf_counter() - t
    rows = [stages.extract_release(d) for d in docs]
    t = time.perf_counter()
    for _ in range(rounds):
        extractions = {r["release_id"]: entities.extract_entities(r["body"], r["dateline_country"])
                       for r in rows}
    per = (time.perf_counter() - t) / (rounds * len(rows))
    t = time.perf_counter()
    for _ in range(rounds):
        build_tables([dict(r) for r in rows], extractions)
    resolve = (time.perf_counter() - t) / (rounds * len(rows))
    words = sum(r["word_count"] for r in rows) / len(rows)
    print(f"releases: {len(rows)} (mean {words:.0f} words), rounds: {rounds}")
    print(f"gazetteers compiled once: {warm * 1000:.0f} ms")
    print(f"extract_entities: {per * 1000:.2f} ms per release ({1 / per:.0f} releases/s)")
    print(f"resolution + tables: {resolve * 1000:.3f} ms per release")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
