"""Entities named in one release body: countries, organisations, places, people, quotes, money.

Rule-based over gazetteers compiled once per process (Aho–Corasick, `flows.extract.gazetteer`)
and a few patterns; no model is loaded. People are found where a title introduces them
("Deputy Minister of Foreign Affairs of Kazakhstan Roman Vassilenko"), where a name is followed
by a title or a speech verb, or written with an initial ("R. Vasilenko"); later short forms
("Mr. Greminger", "Vassilenko") are tied to the person already named in the same release.
People are keyed locally here (`p0`, `p1`, ...) and given dataset-wide ids by
`flows.extract.resolve`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import regex

from flows.extract import names
from flows.extract.amounts import find_amounts
from flows.extract.countries import find_countries
from flows.extract.gazetteer import Gazetteer, Hit
from flows.reference import rows

SPEECH = (r"said|says|noted|stated|stressed|emphasi[sz]ed|underlined|underscored|added|"
          r"remarked|pointed out|highlighted|told|declared|announced|explained|observed|"
          r"expressed|informed|welcomed|assured|recalled|concluded|assessed|commented|"
          r"replied|insisted|urged|affirmed|confirmed")
_SPEECH_AFTER = regex.compile(rf"^\s+(?:also\s+|then\s+|in turn\s+)?(?:{SPEECH})\b")
_SPEECH_BEFORE = regex.compile(rf"\b(?:{SPEECH})\s+$")
_CONNECT = re.compile(r"\s+(?:of|to|for|in|at|on)\s+(?:the\s+)?")
_FULL = regex.compile(names.FULL_NAME)
_INITIAL = regex.compile(rf"(?<![\p{{L}}.])({names.INITIAL_NAME})")
_TOKEN = regex.compile(names.TOKEN)
_TOKEN_OR_INITIAL = regex.compile(rf"{names.INITIAL}|{names.TOKEN}(?:[’']s)?")
_NOT_BEFORE_NAME = re.compile(r"\b(?:of|the|for|in|on|at|to|from)\s+$", re.I)
_POSSESSIVE = re.compile(r"[’']s$")
# A full stop that ends a sentence: not the one of an initial ("R. Vasilenko") or "Mr.".
# (Lookbehinds after the mark, as in interactions._SENT_END: a fast scan for [.!?].)
_SENTENCE_END = re.compile(
    r"[.!?](?<![\s(“\"][A-Z].)(?<!\bMr.)(?<!\bMs.)(?<!\bDr.)(?<!\bMrs.)(?<!\bSt.)(?=\s|$)")
# Opening and closing marks may be mixed (“...," in crawled text).
_QUOTE = re.compile(r"[“\"]([^“”\"\n]{20,2000}?)[”\"]|«([^«»\n]{20,2000}?)»")
# A place that names a document or format is not a place mention: "Helsinki Final Act".
_DOCUMENT = re.compile(r"\s(?:Final Act|Declaration|Accords?|Protocol|Charter|Principles|"
                       r"Consensus|Communiqu[eé])\b")
_ACRONYM = re.compile(r"\s\([A-Z][A-Za-z]{1,9}\)")
_EMBASSY = re.compile(r"\b(?:the|our) Embassy\b(?! of\b)")


@dataclass
class Person:
    local: str
    forms: dict[str, int] = field(default_factory=dict)  # surface -> occurrences
    roles: list[str] = field(default_factory=list)
    full: str | None = None  # fullest name ("Roman Vassilenko"); None if only short forms

    @property
    def display(self) -> str:
        return self.full or max(self.forms, key=lambda f: (len(f), f))

    def surname_key(self) -> str:
        return names.key(names.surname(self.display).rstrip("."))

    def initial(self) -> str | None:
        return names.first_initial(self.display) if len(self.display.split()) > 1 else None


@lru_cache(maxsize=1)
def _orgs() -> Gazetteer:
    forms = []
    for r in rows("organizations.csv"):
        for form in [r["name"], r["acronym"], *r["aliases"].split("|")]:
            if form.strip():
                forms.append((form.strip(), r["organization_id"]))
    return Gazetteer(forms)


@lru_cache(maxsize=1)
def org_ids() -> frozenset[str]:
    return frozenset(r["organization_id"] for r in rows("organizations.csv"))


@lru_cache(maxsize=1)
def _places() -> Gazetteer:
    forms = []
    for r in rows("places.csv"):
        for form in [r["name"], *r["aliases"].split("|")]:
            if form.strip():
                forms.append((form.strip(), r["place_id"]))
    return Gazetteer(forms)


@lru_cache(maxsize=1)
def _titles() -> Gazetteer:
    forms = []
    for r in rows("titles.csv"):
        t = r["title"]
        forms.append((t, t))
        if t[:1].isupper() and " " in t:  # "deputy foreign minister" in running text
            forms.append((t[0].lower() + t[1:], t))
    return Gazetteer(forms)


@lru_cache(maxsize=1)
def _honorifics() -> frozenset[str]:
    """Titles that are courtesy, not a role (Mr., Dr., H.E.): never recorded as roles."""
    return frozenset(r["title"] for r in rows("titles.csv") if r["kind"] == "honorific")


@lru_cache(maxsize=1)
def _not_names() -> frozenset[str]:
    """Capitalised words that follow titles but are not names (data: name_stopwords.csv)."""
    return frozenset(r["word"] for r in rows("name_stopwords.csv"))


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


class _Release:
    """The working state of one body's extraction."""

    def __init__(self, body: str, dateline_country: str | None) -> None:
        self.body = body
        self.countries = list(find_countries(body))
        self.orgs = list(_orgs().find(body))
        self.titles = list(_titles().find(body))
        self.places_all = list(_places().find(body))
        self.org_spans = [(h.start, h.end) for h in self.orgs]
        self.named_at = {h.start: h for h in [*self.places_all, *self.countries, *self.orgs]}
        self.places_set = set(self.places_all)
        self.dateline_country = dateline_country
        self.persons: list[Person] = []
        self.person_mentions: list[tuple[int, int, str, Person]] = []

    # -- people ---------------------------------------------------------------------------
    def _blocks_name(self, start: int) -> bool:
        """A country, organisation or title starts here: no name can."""
        hit = self.named_at.get(start)
        return (hit is not None and hit not in self.places_set) or any(
            t.start <= start < t.end for t in self.titles)

    def _name_at(self, pos: int) -> tuple[int, int] | None:
        """Span of a name starting at `pos` (full, initial or single surname)."""
        text = self.body
        for pattern in (_INITIAL, _FULL, _TOKEN):
            m = pattern.match(text, pos)
            if not m:
                continue
            start = m.start()
            if self._blocks_name(start):
                return None
            tokens = list(_TOKEN_OR_INITIAL.finditer(text, start, m.end()))
            end = start
            for i, tok in enumerate(tokens):
                word = tok[0]
                if i and (self._blocks_name(tok.start()) or tok.start() in self.named_at
                          or word in _not_names()):
                    break
                if p := _POSSESSIVE.search(word):  # "Nazarbayev's Address": stop at the 's
                    end = tok.end() - len(p[0])
                    break
                end = tok.end()
            surface = text[start:end]
            if pattern is _INITIAL and len(surface.replace(" ", "").split(".")[-1]) < 2:
                return None  # only initials: "U.S."
            first = surface.split()[0] if surface else ""
            if not surface or first in _not_names():
                return None
            if pattern is _FULL and len(surface.split()) == 1:
                return None
            return start, end
        return None

    def _title_end(self, title: Hit) -> int:
        """End of the role: "Minister of Foreign Affairs of the Republic of Kazakhstan"."""
        pos = title.end
        while m := _CONNECT.match(self.body, pos):
            hit = self.named_at.get(m.end())
            if hit is None and m[0].rstrip().endswith(" the"):
                # the gazetteer form may include the article: "the Republic of Korea"
                hit = self.named_at.get(m.start() + m[0].rindex("the"))
            if hit is None:
                break
            pos = hit.end
            if acronym := _ACRONYM.match(self.body, pos):  # "... Organization (CTBTO)"
                pos = acronym.end()
        return pos

    def _role_start(self, title: Hit) -> int:
        """Start of the role, with a qualifier before it: "OSCE Secretary General"."""
        before = self.body[max(0, title.start - 60): title.start]
        for h in [*self.orgs, *self.countries]:
            if h.end == title.start - 1 and before.endswith(h.surface + " "):
                return h.start
        return title.start

    def _add(self, start: int, end: int, role: str | None = None) -> None:
        surface = self.body[start:end]
        for s, e, _, _ in self.person_mentions:
            if start < e and s < end:
                return
        if _overlaps(start, end, self.org_spans):
            return
        person = self._match(surface)
        person.forms[surface] = person.forms.get(surface, 0) + 1
        if role and role not in person.roles and role not in _honorifics():
            person.roles.append(role)
        self.person_mentions.append((start, end, surface, person))

    def _match(self, surface: str) -> Person:
        """The local person a surface form belongs to, or a new one."""
        tokens = surface.split()
        is_full = len(tokens) > 1 and not tokens[0].endswith(".")
        if is_full:
            key = names.name_key(surface)
            for p in self.persons:
                if p.full and names.name_key(p.full) == key:
                    return p
            p = Person(f"p{len(self.persons)}", full=surface)
            self.persons.append(p)
            return p
        skey = names.key(tokens[-1].rstrip("."))
        initial = names.first_initial(tokens[0]) if len(tokens) > 1 else None
        candidates = [p for p in self.persons if p.surname_key() == skey
                      and (initial is None or p.initial() in (None, initial))]
        full = [p for p in candidates if p.full]
        if len(full) == 1:
            return full[0]
        if not full and len(candidates) == 1:
            return candidates[0]
        # unknown, or "Kim" when two Kims were named: it could be either, so it is neither
        p = Person(f"p{len(self.persons)}")
        self.persons.append(p)
        return p

    def find_people(self) -> None:
        text = self.body
        found: list[tuple[int, int, str | None]] = []
        for t in self.titles:
            role_end = self._title_end(t)
            m = re.match(r",?\s+", text[role_end:])
            if not m:
                continue
            span = self._name_at(role_end + m.end())
            if span:
                role = text[self._role_start(t): role_end]
                found.append((span[0], span[1], role))
        # an office named like an organisation: "OSCE High Commissioner ... Kairat Abdrakhmanov"
        for h in self.orgs:
            m = _FULL.match(text, h.end + 1) if text[h.end: h.end + 1] == " " else None
            if m and (span := self._name_at(m.start())) and len(
                    text[span[0]:span[1]].split()) > 1:
                found.append((span[0], span[1], h.surface))
        # "Roman Vassilenko, the Deputy Minister of Foreign Affairs of Kazakhstan"
        titles_at = {t.start: t for t in self.titles}
        for m in _FULL.finditer(text):
            if _NOT_BEFORE_NAME.search(text[max(0, m.start() - 6): m.start()]):
                continue  # "the Day of Fatherland Defenders, the Foreign Minister ..."
            after = re.match(r",\s+(?:the\s+)?", text[m.end():])
            if after and (t := titles_at.get(m.end() + after.end())):
                span = self._name_at(m.start())
                if span:
                    found.append((span[0], span[1], text[t.start: self._title_end(t)]))
            elif _SPEECH_AFTER.match(text[m.end():]) or _SPEECH_BEFORE.search(
                    text[max(0, m.start() - 30): m.start()]):
                span = self._name_at(m.start())
                if span and len(text[span[0]:span[1]].split()) > 1:
                    found.append((span[0], span[1], None))
        for m in _INITIAL.finditer(text):
            span = self._name_at(m.start(1))
            if span:
                found.append((span[0], span[1], None))
        # full names before their short forms, so that short forms resolve to them
        found.sort(key=lambda f: (text[f[0]:f[1]].split()[0].endswith("."),
                                  -len(text[f[0]:f[1]].split()), f[0]))
        for start, end, role in found:
            self._add(start, end, role)
        self._repeat_mentions()

    def _repeat_mentions(self) -> None:
        """Every further occurrence of a known name, its initial form or its bare surname."""
        text = self.body
        by_surname: dict[str, list[Person]] = {}
        for p in self.persons:
            by_surname.setdefault(p.surname_key(), []).append(p)
        covered = {i for s, e, _, _ in self.person_mentions for i in range(s, e)}
        for m in _TOKEN.finditer(text):
            start = m.start()
            if start in covered:
                continue
            token = m[0]
            if p := _POSSESSIVE.search(token):
                token = token[: -len(p[0])]
            people = by_surname.get(names.key(token), [])
            if len(people) != 1 or start in self.named_at or token in _not_names():
                continue
            person = people[0]
            # a first name alone is not enough: the surname must be the last token
            self.person_mentions.append((start, start + len(token), token, person))
            person.forms[token] = person.forms.get(token, 0) + 1
        self.person_mentions.sort(key=lambda m: m[0])

    # -- quotes ---------------------------------------------------------------------------
    def quotes(self) -> list[dict[str, Any]]:
        out = []
        text = self.body
        for m in _QUOTE.finditer(text):
            inner = next(g for g in m.groups() if g is not None)
            if len(inner.split()) < 5:
                continue
            closed = inner.rstrip()[-1:] in ",.!?…" or text[m.end(): m.end() + 1] in (",", ".")
            opened = re.search(r"[:,]\s*$", text[max(0, m.start() - 3): m.start()])
            if not (closed or opened):
                continue  # a title in quotes ("Bridging the Divide"), not speech
            speaker = self._speaker(m.start(), m.end())
            if speaker is None:
                continue
            surface, person = speaker
            out.append({"text": inner.strip(), "speaker_surface": surface,
                        "speaker": person.local if person else None,
                        "start": m.start(), "end": m.end()})
        return out

    def _speaker(self, qstart: int, qend: int) -> tuple[str, Person | None] | None:
        """Who said the quote at [qstart, qend): attribution after it (same or next sentence)
        or just before it ("X said: “...”")."""
        text = self.body
        after = text[qend: qend + 200]
        sentence_end = _SENTENCE_END.search(after)
        window_end = qend + (sentence_end.end() if sentence_end else len(after))
        # "..." R. Vasilenko noted.  /  "...," said Guterres.  /  the President said.
        window = text[qend:window_end]
        if not re.search(rf"\b(?:{SPEECH})\b", window):
            # attribution in the next sentence: "... peace." Guterres said.
            nxt = text[window_end: window_end + 200]
            end2 = _SENTENCE_END.search(nxt)
            window = text[window_end: window_end + (end2.end() if end2 else len(nxt))]
            base = window_end
            if not re.search(rf"\b(?:{SPEECH})\b", window) or len(window.split()) > 12:
                before = text[max(0, qstart - 160): qstart]
                if not re.search(rf"\b(?:{SPEECH})\s*(?:that\s*)?[:,]?\s*$", before):
                    return None
                window, base = before, max(0, qstart - 160)
        else:
            base = qend
        for s, e, surface, person in self.person_mentions:
            if base <= s and e <= base + len(window):
                return surface, person
        role = re.search(r"\b(?:the|The)\s+((?:[A-Z][\w-]*\s+){0,3}[A-Z][\w-]*)\s+(?:"
                         + SPEECH + r")\b", window)
        if role:
            title = role[1]
            holders = [p for p in self.persons if any(title in r or r.endswith(title)
                                                      for r in p.roles)]
            return f"the {title}", holders[0] if len(holders) == 1 else None
        # an unnamed speaker: "..., one of the members of the delegations said."
        unnamed = re.match(rf"^[\s,.;:”\"]*(.{{3,80}}?)\s+(?:{SPEECH})\b", window)
        if unnamed and base == qend:
            return unnamed[1].strip(), None
        return None

    # -- places and organisations -----------------------------------------------------------
    def places(self) -> list[Hit]:
        blocked = self.org_spans + [(s, e) for s, e, _, _ in self.person_mentions]
        return [h for h in self.places_all if not _overlaps(h.start, h.end, blocked)
                and not _DOCUMENT.match(self.body, h.end)]

    def organizations(self) -> list[Hit]:
        out = list(self.orgs)
        # "the Embassy" in a release datelined abroad: Kazakhstan's embassy in that country
        if self.dateline_country and self.dateline_country != "KAZ":
            embassy = f"embassy-kaz-{self.dateline_country.lower()}"
            if embassy in org_ids():
                for m in _EMBASSY.finditer(self.body):
                    s = m.start() + len(m[0]) - len("Embassy")
                    if not _overlaps(s, m.end(), self.org_spans):
                        out.append(Hit(s, m.end(), "Embassy", embassy))
        return sorted(out, key=lambda h: h.start)


def extract_entities(body: str, dateline_country: str | None = None) -> dict[str, Any]:
    """Mentions, local people, quotes and amounts of one release body (plain data)."""
    r = _Release(body, dateline_country)
    r.find_people()
    person_spans = [(s, e) for s, e, _, _ in r.person_mentions]
    mentions = [("country", h.value, h.surface, h.start, h.end) for h in r.countries
                if not _overlaps(h.start, h.end, person_spans)]
    mentions += [("organization", h.value, h.surface, h.start, h.end) for h in r.organizations()]
    mentions += [("place", h.value, h.surface, h.start, h.end) for h in r.places()]
    mentions += [("person", p.local, surface, s, e) for s, e, surface, p in r.person_mentions]
    mentions.sort(key=lambda m: (m[3], m[4], m[0]))
    used = {p.local for _, _, _, p in r.person_mentions}
    return {
        "mentions": mentions,
        "persons": [{"local": p.local, "full": p.full, "forms": dict(sorted(p.forms.items())),
                     "roles": p.roles} for p in r.persons if p.local in used],
        "quotes": r.quotes(),
        "amounts": [vars(a) for a in find_amounts(body)],
    }
