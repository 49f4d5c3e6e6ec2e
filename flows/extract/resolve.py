"""Dataset-wide entity tables from the per-release extractions.

People found in different releases are one person when their first and last names agree up to
transliteration (`names.key`: Vassilenko = Vasilenko, Tokayev = Tokaev). A short form ("R.
Vasilenko", "Greminger") joins the one person with that surname (and initial); when two people
share the surname it stays a person of its own: a name that could be two people stays two.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flows.extract import names
from flows.reference import rows


@dataclass
class _Group:
    forms: Counter = field(default_factory=Counter)  # every spelling, with occurrences
    full: Counter = field(default_factory=Counter)  # full-name spellings only
    roles: set[str] = field(default_factory=set)
    releases: set[str] = field(default_factory=set)

    def canonical(self) -> str:
        pool = self.full or self.forms
        return max(pool, key=lambda f: (pool[f], len(f), f))


def _full_key(full: str) -> tuple[str, str]:
    k = names.name_key(full)
    return k[0], k[-1]


def _short_key(form: str) -> tuple[str | None, str]:
    tokens = form.split()
    initial = names.first_initial(tokens[0]) if len(tokens) > 1 else None
    return initial, names.key(tokens[-1].rstrip("."))


def resolve_persons(extractions: Mapping[str, dict[str, Any]]) -> tuple[
        dict[tuple[str, str], str], list[dict[str, Any]]]:
    """({(release_id, local key): person_id}, persons table rows)."""
    groups: dict[Any, _Group] = {}
    where: dict[tuple[str, str], Any] = {}
    shorts: list[tuple[str, dict[str, Any]]] = []
    for rid in sorted(extractions):
        for p in extractions[rid]["persons"]:
            if p["full"]:
                gk = ("full", *_full_key(p["full"]))
                g = groups.setdefault(gk, _Group())
                g.forms.update(p["forms"])
                g.full.update({f: n for f, n in p["forms"].items()
                               if len(f.split()) > 1 and not f.split()[0].endswith(".")})
                g.roles.update(p["roles"])
                g.releases.add(rid)
                where[(rid, p["local"])] = gk
            else:
                shorts.append((rid, p))
    by_surname: dict[str, list[Any]] = defaultdict(list)
    for gk in groups:
        by_surname[gk[2]].append(gk)
    for rid, p in shorts:
        form = max(p["forms"], key=lambda f: (len(f), f))
        initial, skey = _short_key(form)
        candidates = [gk for gk in by_surname.get(skey, [])
                      if initial is None or names.key(initial) == gk[1][:1]]
        gk = candidates[0] if len(candidates) == 1 else ("short", initial, skey)
        g = groups.setdefault(gk, _Group())
        g.forms.update(p["forms"])
        g.roles.update(p["roles"])
        g.releases.add(rid)
        where[(rid, p["local"])] = gk
    ids: dict[Any, str] = {}
    taken: Counter = Counter()
    table = []
    for gk in sorted(groups, key=lambda k: (names.slug(groups[k].canonical()), str(k))):
        g = groups[gk]
        base = names.slug(g.canonical()) or "person"
        taken[base] += 1
        pid = base if taken[base] == 1 else f"{base}-{taken[base]}"
        ids[gk] = pid
        table.append({"person_id": pid, "name": g.canonical(), "aliases": sorted(g.forms),
                      "roles": sorted(g.roles), "release_count": len(g.releases)})
    return {k: ids[gk] for k, gk in where.items()}, table


def release_rows(r: dict[str, Any], ex: dict[str, Any], person_id: dict[tuple[str, str], str]
                 ) -> tuple[dict[str, list[dict[str, Any]]], set[str]]:
    """The child rows of one release (mentions, quotes, amounts, interactions) and the
    organisations taking part in it; fills the release's id lists (countries, organizations,
    persons). Mentions come sorted by (start, end, entity_type)."""
    rid = r["release_id"]
    mentions, quotes, amounts, interactions = [], [], [], []
    kinds: dict[str, set[str]] = defaultdict(set)
    for etype, eid, surface, start, end in ex["mentions"]:
        if etype == "person":
            eid = person_id[(rid, eid)]
        kinds[etype].add(eid)
        mentions.append({"release_id": rid, "entity_type": etype, "entity_id": eid,
                         "surface": surface, "start": start, "end": end})
    r["countries"] = sorted(kinds["country"])
    r["organizations"] = sorted(kinds["organization"])
    r["persons"] = sorted(kinds["person"])
    orgs = set(kinds["organization"])
    for i, q in enumerate(ex["quotes"], start=1):
        quotes.append({
            "quote_id": f"{rid}-{i}", "release_id": rid,
            "person_id": person_id[(rid, q["speaker"])] if q["speaker"] else None,
            "speaker_surface": q["speaker_surface"], "text": q["text"],
            "start": q["start"], "end": q["end"]})
    for i, x in enumerate(ex.get("interactions", []), start=1):
        interactions.append({
            "interaction_id": f"{rid}-{i}", "release_id": rid, "kind": x["kind"],
            "status": x["status"], "event_date": x["event_date"], "place": x["place"],
            "participants": list(dict.fromkeys(person_id[(rid, p)]
                                               for p in x["participants"])),
            "countries": x["countries"], "organizations": x["organizations"],
            "evidence": x["evidence"], "start": x["start"], "end": x["end"]})
        orgs.update(x["organizations"])  # a ministry taking part, implied by a title
    for i, a in enumerate(ex["amounts"], start=1):
        amounts.append({"amount_id": f"{rid}-{i}", "release_id": rid, "value": a["value"],
                        "currency": a["currency"], "surface": a["surface"],
                        "start": a["start"], "end": a["end"]})
    mentions.sort(key=lambda m: (m["start"], m["end"], m["entity_type"]))
    return ({"mentions": mentions, "quotes": quotes, "amounts": amounts,
             "interactions": interactions}, orgs)


def organization_rows(org_releases: dict[str, int]) -> list[dict[str, Any]]:
    """The organizations table: {organization_id: number of releases} with the reference data."""
    reference = {r["organization_id"]: r for r in rows("organizations.csv")}
    return [
        {"organization_id": oid, "name": reference[oid]["name"],
         "acronym": reference[oid]["acronym"] or None, "kind": reference[oid]["kind"] or None,
         "parent": reference[oid]["parent"] or None, "release_count": n}
        for oid, n in sorted(org_releases.items())
    ]


EMPTY = {"mentions": [], "quotes": [], "amounts": []}


def build_tables(releases: list[dict[str, Any]], extractions: dict[str, dict[str, Any]]
                 ) -> dict[str, list[dict[str, Any]]]:
    """persons, organizations, mentions, quotes, amounts and interactions, in memory; fills the
    releases' id lists. (A build streams the same functions release by release: flows.assemble.)"""
    person_id, persons = resolve_persons(extractions)
    tables: dict[str, list[dict[str, Any]]] = {
        "mentions": [], "quotes": [], "amounts": [], "interactions": []}
    org_releases: Counter = Counter()
    for r in sorted(releases, key=lambda r: r["release_id"]):
        children, orgs = release_rows(r, extractions.get(r["release_id"], EMPTY), person_id)
        for name, rows_ in children.items():
            tables[name] += rows_
        org_releases.update(orgs)
    return {"persons": persons, "organizations": organization_rows(org_releases), **tables}
