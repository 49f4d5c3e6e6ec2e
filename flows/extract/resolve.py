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


class PersonIds:
    """Who is who: the `person_id` of each person a release names, worked out again from the
    release's own persons list and the dataset-wide groups. Nothing is kept per release, so
    the memory does not grow with the corpus (a map keyed by (release, person) did: ~100 MB at
    100,000 releases)."""

    def __init__(self, ids: dict[Any, str], by_surname: dict[str, list[Any]]) -> None:
        self.ids, self.by_surname = ids, by_surname

    def group(self, p: dict[str, Any]) -> Any:
        """The group key of one person of a release's `persons` list."""
        if p["full"]:
            return ("full", *_full_key(p["full"]))
        form = max(p["forms"], key=lambda f: (len(f), f))
        initial, skey = _short_key(form)
        candidates = [gk for gk in self.by_surname.get(skey, [])
                      if initial is None or names.key(initial) == gk[1][:1]]
        return candidates[0] if len(candidates) == 1 else ("short", initial, skey)

    def of(self, persons: list[dict[str, Any]]) -> dict[str, str]:
        """local key -> person_id, for the persons of one release."""
        return {p["local"]: self.ids[self.group(p)] for p in persons}


def resolve_persons(extractions: Mapping[str, dict[str, Any]]
                    ) -> tuple[PersonIds, list[dict[str, Any]]]:
    """(who is who, persons table rows). Full names are grouped first, over every release;
    short forms then join the one full-name group of their surname (and initial), if any."""
    groups: dict[Any, _Group] = {}
    with_shorts: list[str] = []
    for rid in sorted(extractions):
        short = False
        for p in extractions[rid]["persons"]:
            if p["full"]:
                g = groups.setdefault(("full", *_full_key(p["full"])), _Group())
                g.forms.update(p["forms"])
                g.full.update({f: n for f, n in p["forms"].items()
                               if len(f.split()) > 1 and not f.split()[0].endswith(".")})
                g.roles.update(p["roles"])
                g.releases.add(rid)
            else:
                short = True
        if short:
            with_shorts.append(rid)
    by_surname: dict[str, list[Any]] = defaultdict(list)
    for gk in groups:
        by_surname[gk[2]].append(gk)
    resolver = PersonIds({}, by_surname)
    for rid in with_shorts:  # read again: nothing per release is kept between the passes
        for p in extractions[rid]["persons"]:
            if not p["full"]:
                g = groups.setdefault(resolver.group(p), _Group())
                g.forms.update(p["forms"])
                g.roles.update(p["roles"])
                g.releases.add(rid)
    taken: Counter = Counter()
    table = []
    for gk in sorted(groups, key=lambda k: (names.slug(groups[k].canonical()), str(k))):
        g = groups[gk]
        base = names.slug(g.canonical()) or "person"
        taken[base] += 1
        pid = base if taken[base] == 1 else f"{base}-{taken[base]}"
        resolver.ids[gk] = pid
        table.append({"person_id": pid, "name": g.canonical(), "aliases": sorted(g.forms),
                      "roles": sorted(g.roles), "release_count": len(g.releases)})
    return resolver, table


def release_rows(r: dict[str, Any], ex: dict[str, Any], person_id: Mapping[str, str]
                 ) -> tuple[dict[str, list[dict[str, Any]]], set[str]]:
    """The child rows of one release (mentions, quotes, amounts, interactions) and the
    organisations taking part in it; fills the release's id lists (countries, organizations,
    persons). `person_id` maps the release's local person keys (`PersonIds.of`). Mentions come
    sorted by (start, end, entity_type)."""
    rid = r["release_id"]
    mentions, quotes, amounts, interactions = [], [], [], []
    kinds: dict[str, set[str]] = defaultdict(set)
    for etype, eid, surface, start, end in ex["mentions"]:
        if etype == "person":
            eid = person_id[eid]
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
            "person_id": person_id[q["speaker"]] if q["speaker"] else None,
            "speaker_surface": q["speaker_surface"], "text": q["text"],
            "start": q["start"], "end": q["end"]})
    for i, x in enumerate(ex.get("interactions", []), start=1):
        interactions.append({
            "interaction_id": f"{rid}-{i}", "release_id": rid, "kind": x["kind"],
            "status": x["status"], "event_date": x["event_date"], "place": x["place"],
            "participants": list(dict.fromkeys(person_id[p]
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
    who, persons = resolve_persons(extractions)
    tables: dict[str, list[dict[str, Any]]] = {
        "mentions": [], "quotes": [], "amounts": [], "interactions": []}
    org_releases: Counter = Counter()
    for r in sorted(releases, key=lambda r: r["release_id"]):
        ex = extractions.get(r["release_id"], EMPTY)
        children, orgs = release_rows(r, ex, who.of(ex.get("persons", [])))
        for name, rows_ in children.items():
            tables[name] += rows_
        org_releases.update(orgs)
    return {"persons": persons, "organizations": organization_rows(org_releases), **tables}
