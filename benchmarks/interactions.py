"""Cost of interaction extraction per release, on the seeds and the hand-written corpus.

    python benchmarks/interactions.py [ROUNDS]

Prints the mean time per release of `extract_interactions`, given the entity extraction of the
same body (whose own cost `benchmarks/entities.py` measures).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flows import stages  # noqa: E402
from flows.extract.entities import extract_entities  # noqa: E402
from flows.extract.interactions import extract_interactions  # noqa: E402


def main(rounds: int = 50) -> None:
    docs = []
    for folder in (ROOT / "raw", ROOT / "tests/corpus/extra"):
        docs += [d for d in stages.normalise_batch(stages.discover(folder)) if hasattr(d, "body")]
    rows = [stages.extract_release(d) for d in docs]
    ents = [extract_entities(r["body"], r["dateline_country"]) for r in rows]
    extract_interactions("warm up: X met with Y.", ents[0])  # reference tables, once
    t = time.perf_counter()
    found = 0
    for _ in range(rounds):
        for r, e in zip(rows, ents, strict=True):
            found += len(extract_interactions(r["body"], e, release_date=r["release_date"],
                                              dateline_place=r["dateline_place"]))
    per = (time.perf_counter() - t) / (rounds * len(rows))
    words = sum(r["word_count"] for r in rows) / len(rows)
    print(f"releases: {len(rows)} (mean {words:.0f} words), rounds: {rounds}, "
          f"interactions: {found // rounds}")
    print(f"extract_interactions: {per * 1000:.2f} ms per release ({1 / per:.0f} releases/s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
