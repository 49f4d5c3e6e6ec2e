"""Pair-level precision and recall of interactions, and kind accuracy, against the gold sets.

Each interaction contributes the unordered pairs of its participants; an interaction with one
named participant and organisations taking part (a minister receiving "the delegation of the
Ministry of Foreign Affairs of Lithuania") contributes the pairs (person, organisation) for each
of its organisations. Pairs are counted as a multiset per release (talks and a signing by the same
two people are two pairs). Kind accuracy: of the pairs found, the share whose (pair, kind) is
also in the gold. Gold people are matched to extracted ones by a shared spelling, as in
`tests.entity_eval`.

Run `python -m tests.interaction_eval` for the table the README reports (`-v`: the misses).
"""

from __future__ import annotations

import json
from collections import Counter
from itertools import combinations
from pathlib import Path

from tests.entity_eval import CORPORA, build, match_persons


def pairs(participants: list[str], organizations: list[str]) -> list[tuple[str, str]]:
    if len(participants) == 1:
        return [(participants[0], "org:" + o) for o in sorted(organizations)]
    return [tuple(sorted(p)) for p in combinations(sorted(set(participants)), 2)]


class PairScore:
    def __init__(self) -> None:
        self.gold = self.found = self.tp = self.kind_tp = 0
        self.gold_n = self.found_n = 0  # interactions
        self.misses: list[str] = []

    def add(self, gold: list[tuple[str, dict]], pred: list[tuple[str, dict]], where: str) -> None:
        g = Counter(p for kind, i in gold for p in pairs(i["participants"], i["organizations"]))
        p = Counter(p for kind, i in pred for p in pairs(i["participants"], i["organizations"]))
        gk = Counter((p, kind) for kind, i in gold for p in pairs(i["participants"],
                                                                  i["organizations"]))
        pk = Counter((p, kind) for kind, i in pred for p in pairs(i["participants"],
                                                                  i["organizations"]))
        self.gold += sum(g.values())
        self.found += sum(p.values())
        self.tp += sum((g & p).values())
        self.kind_tp += sum((gk & pk).values())
        self.gold_n += len(gold)
        self.found_n += len(pred)
        self.misses += [f"{where} missed {x}" for x in (gk - pk)]
        self.misses += [f"{where} spurious {x}" for x in (pk - gk)]

    @property
    def precision(self) -> float:
        return self.tp / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 1.0

    @property
    def kind_accuracy(self) -> float:
        return self.kind_tp / self.tp if self.tp else 1.0

    def row(self, name: str) -> str:
        return (f"| {name} | {self.gold_n} | {self.found_n} | {self.gold} | {self.found} | "
                f"{self.precision:.2f} | {self.recall:.2f} | {self.kind_accuracy:.2f} |")


HEADER = ("| corpus | gold interactions | found | gold pairs | found pairs | precision | recall "
          "| kind accuracy |\n|---|---|---|---|---|---|---|---|")


def evaluate(corpus: str, tables: dict | None = None) -> tuple[PairScore, dict]:
    raw, gold_path = CORPORA[corpus]
    gold = {k: v for k, v in json.loads(gold_path.read_text()).items() if not k.startswith("_")}
    tables = tables or build(raw)
    persons = {p["person_id"]: p for p in tables["persons"]}
    score = PairScore()
    for rel in tables["releases"]:
        g = gold.get(Path(rel["source_file"]).name)
        if g is None:
            continue
        rid = rel["release_id"]
        to_pred = match_persons(g["persons"], rel["persons"], persons)
        gold_i = [(i["kind"], {"participants": [to_pred.get(p, "?" + p) for p in i["participants"]],
                               "organizations": i["organizations"]})
                  for i in g.get("interactions", [])]
        pred_i = [(i["kind"], i) for i in tables["interactions"] if i["release_id"] == rid]
        score.add(gold_i, pred_i, f"{corpus}/{rel['source_file']}")
    return score, tables


if __name__ == "__main__":
    import sys

    lines = [HEADER]
    for corpus in ("seeds", "extra"):
        s, _ = evaluate(corpus)
        lines.append(s.row(corpus))
        if "-v" in sys.argv:
            print("\n".join(s.misses))
    print("\n".join(lines))
