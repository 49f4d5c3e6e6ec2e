"""Precision and recall of entity extraction against the hand-written gold sets.

Run `python -m tests.entity_eval` for the table the README reports.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from flows import stages
from flows.extract.names import ascii_fold
from flows.reference import rows

ROOT = Path(__file__).resolve().parent.parent
CORPORA = {"seeds": (ROOT / "raw", ROOT / "tests/gold/seeds.json"),
           "extra": (ROOT / "tests/corpus/extra", ROOT / "tests/gold/extra.json")}
TYPES = ["countries", "organizations", "persons", "places", "quotes", "amounts"]


def build(raw: Path) -> dict[str, dict]:
    """Every table of a corpus, extracted by the pure stages (no Prefect)."""
    items = stages.extract_batch(stages.normalise_batch(stages.discover(raw)))
    releases, _ = stages.deduplicate(items)
    tables = stages.entity_tables(releases)
    tables["releases"] = releases
    return tables


def _fold(s: str) -> str:
    return " ".join(ascii_fold(s).casefold().replace("’", "'").split())


def match_persons(gold_persons: list[dict], pred_ids: list[str],
                  persons: dict[str, dict]) -> dict[str, str]:
    """Gold person id -> predicted person id: a gold person is found when a predicted person
    of the same release shares one of its spellings."""
    to_pred: dict[str, str] = {}
    for gp in gold_persons:
        forms = {_fold(a) for a in [gp["name"], *gp["aliases"]]}
        for pid in pred_ids:
            if forms & {_fold(a) for a in [persons[pid]["name"], *persons[pid]["aliases"]]}:
                to_pred[gp["id"]] = pid
                break
    return to_pred


class Score:
    def __init__(self) -> None:
        self.tp = Counter()
        self.fp = Counter()
        self.fn = Counter()
        self.misses: list[str] = []

    def add(self, kind: str, gold: list, pred: list, where: str) -> None:
        g, p = Counter(gold), Counter(pred)
        tp = sum((g & p).values())
        self.tp[kind] += tp
        self.fp[kind] += sum(p.values()) - tp
        self.fn[kind] += sum(g.values()) - tp
        for x in (g - p):
            self.misses.append(f"{where} {kind} missed {x}")
        for x in (p - g):
            self.misses.append(f"{where} {kind} spurious {x}")

    def pr(self, kind: str) -> tuple[float, float]:
        tp, fp, fn = self.tp[kind], self.fp[kind], self.fn[kind]
        return (tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0)

    def table(self) -> str:
        lines = ["| type | gold | found | precision | recall |", "|---|---|---|---|---|"]
        for k in TYPES:
            p, r = self.pr(k)
            lines.append(f"| {k} | {self.tp[k] + self.fn[k]} | {self.tp[k] + self.fp[k]} | "
                         f"{p:.2f} | {r:.2f} |")
        return "\n".join(lines)


def evaluate(corpus: str, score: Score | None = None) -> Score:
    raw, gold_path = CORPORA[corpus]
    gold = {k: v for k, v in json.loads(gold_path.read_text()).items() if not k.startswith("_")}
    tables = build(raw)
    place_name = {r["place_id"]: r["name"] for r in rows("places.csv")}
    persons = {p["person_id"]: p for p in tables["persons"]}
    score = score or Score()
    for rel in tables["releases"]:
        g = gold.get(Path(rel["source_file"]).name)
        if g is None:
            continue
        rid, where = rel["release_id"], f"{corpus}/{rel['source_file']}"
        score.add("countries", g["countries"], rel["countries"], where)
        score.add("organizations", g["organizations"], rel["organizations"], where)
        places = {place_name[m["entity_id"]] for m in tables["mentions"]
                  if m["release_id"] == rid and m["entity_type"] == "place"}
        score.add("places", sorted(set(g["places"])), sorted(places), where)
        to_pred = match_persons(g["persons"], rel["persons"], persons)
        score.add("persons", [to_pred.get(gp["id"], "?" + gp["id"]) for gp in g["persons"]],
                  rel["persons"], where)
        pred_q = [(q["text"][:25], q["person_id"]) for q in tables["quotes"]
                  if q["release_id"] == rid]
        gold_q = [(q["starts"][:25], to_pred.get(q["speaker"]) if q["speaker"] else None)
                  for q in g["quotes"]]
        score.add("quotes", gold_q, pred_q, where)
        score.add("amounts", [(float(a["value"]), a["currency"]) for a in g["amounts"]],
                  [(float(a["value"]), a["currency"]) for a in tables["amounts"]
                   if a["release_id"] == rid], where)
    return score


if __name__ == "__main__":
    import sys

    for corpus in ("seeds", "extra"):
        s = evaluate(corpus)
        print(f"\n{corpus}\n{s.table()}")
        if "-v" in sys.argv:
            print("\n".join(s.misses))
