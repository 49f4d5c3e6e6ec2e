"""Who met whom: the interactions one release body states, between the people it names.

Pure and rule-based (no Prefect, no model), over the output of
`flows.extract.entities.extract_entities` for the same body: person mentions keyed locally
(`p0`, `p1`, ...) and the persons with their roles. Participants stay local keys here;
`flows.extract.resolve.build_tables` maps them to dataset-wide person ids.

One interaction per sentence (or pair of sentences) that states a meeting, talks, consultations,
phone call, visit, reception, signing or forum session between named people:

- "X met (in P) with Y", "X held talks/consultations/a meeting/a telephone conversation with Y",
  "a meeting of X with Y", "... at a meeting with Y" (X named earlier in the clause);
- "X and Y held talks", "X and Y signed ...", "X and Y discussed ... by phone";
- "X was received (in P) by Y", "Y received (in P) X";
- "X paid a visit / is on a visit ... at the invitation of Y", "the visit of X ... at the
  invitation of Y", "X accepted Y's invitation to visit ...";
- "the K delegation was led by X, while the L delegation was led by Y" (kind from the
  preceding sentence: consultations, talks, ...);
- "X took part in the forum ... together with Y, Z", "X hosted the ministerial meeting with the
  participation of Y, Z", and "Y and Z attended the meeting" / "The meeting was attended by Y, Z"
  (joined to the meeting of the previous sentence, or a forum with its chair);
- a participant may be a role already named ("the Kazakh minister met with ...", "met with the
  Governor": the person of the release holding that role, mentioned before), "he/she" (the person
  named earlier in the sentence), or "the heads of state", "the ministers" (the participants of
  the previous interaction).

Not interactions: quoted speech (text in quotation marks is masked), a speech or visit with no
named counterpart, background in a "when ..." clause ("first discussed when X met Y in 1993"),
what someone said that ... . A plan ("will visit next year", "the upcoming state visit") is kept
with `status` "planned". `event_date` is a full date the sentence states, or the release's date
when it says "today" (or names the release's weekday), or the date of the previous interaction
for "on the same day"; never guessed (a visit spans days: only a stated full date).
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from functools import lru_cache
from typing import Any

from flows.dates import DATE, parse_date
from flows.extract.countries import country_codes
from flows.extract.entities import org_ids
from flows.reference import rows

KINDS = ("meeting", "talks", "consultations", "phone_call", "visit", "reception", "signing",
         "forum")
STATUSES = ("held", "planned")

# A sentence ends at . ! ? (not that of an initial, "U.S." or "Mr."), or at a line break.
# The lookbehinds follow the first mark (hence their trailing "."), so that the pattern starts
# with a character class the regex engine scans for quickly: 10x faster than leading them.
_SENT_END = re.compile(r"[.!?](?<![\s(“\"][A-Z].)(?<!\.[A-Z].)(?<!\bMr.)(?<!\bMs.)(?<!\bDr.)"
                       r"(?<!\bMrs.)(?<!\bSt.)(?<!\bNo.)[.!?]*[”\"’»]?(?=\s|$)|\n")
_QUOTED = re.compile(r"[“\"][^“”\"\n]{1,2000}?[”\"]|«[^«»\n]{1,2000}?»")
_NOUN = (r"(?:bilateral\s+|political\s+|official\s+|separate\s+)?"
         r"(?P<noun>meetings?|talks|consultations|negotiations|"
         r"(?:tele)?phone\s+(?:conversation|call|talks?))")
# "held talks", "holds a bilateral meeting", "had a telephone conversation"
_HELD = re.compile(rf"\b(?:held|holds|had|has held|have held|conducted)\s+(?:also\s+)?"
                   rf"(?:(?:a|an|the|their|today)\s+)*{_NOUN}\b")
_MET = re.compile(r"\b(?:met|meets|has met|have met|will meet|is to meet)\b")
_NOUN_WITH = re.compile(rf"\b(?:a|an|the)\s+(?:[^\s,;]+\s+){{0,3}}?{_NOUN}\b")
_WITH = re.compile(r"\bwith\b")
_BY = re.compile(r"\bby\b")
_OF = re.compile(r"\s+of\s")
_PARTICIPATION = re.compile(r"\s*the\s+participation\s+of\b")
_RECEIVED_PASSIVE = re.compile(r"\b(?:was|were|is|are|has been|have been|will be)\s+"
                               r"(?:also\s+)?received\b")
_RECEIVED_ACTIVE = re.compile(r"\b(?:received|receives|will receive)\b")
_SIGNED = re.compile(r"\b(?:signed|will sign)\b")
_PHONE_VERB = re.compile(r"\b(?:discussed|discuss|spoke|talked|exchanged views)\b")
_PHONE = re.compile(r"\b(?:by\s+(?:tele)?phone|(?:tele)?phone\s+(?:call|conversation|talks?))\b")
_TOOK_PART = re.compile(r"\b(?:took part|takes part|participated|participates)\s+in\b")
_TOGETHER = re.compile(r"\b(?:together with|along with|alongside)\b")
_HOSTED = re.compile(r"\b(?:hosted|chaired)\b")
_ATTENDED_BY = re.compile(r"\b(?:was|were)\s+(?:also\s+)?attended\s+by\b")
_ATTENDED = re.compile(r"\b(?:attended|joined)\s+the\s+(?:meeting|talks|session|ceremony)\b")
_DELEGATION = re.compile(r"\bdelegation\s+(?:was|is)\s+(?:headed|led)\s+by\b")
_VISIT = re.compile(r"\b(?:visit|visits|visited|visiting)\b")
_INVITATION = re.compile(r"\bat\s+the\s+invitation\s+of\b")
_ACCEPTED = re.compile(r"\baccepted\s+(?P<host>(?:the\s+)?[^,;]{1,80}?)['’]s?\s+invitation\s+to\s+"
                       r"visit\b")
_DURING = re.compile(r"^\W*(?:During|In the course of)\s+the\s+(?P<noun>talks|meeting|"
                     r"consultations|negotiations)\b[^,]*,\s+the\s+(?:ministers|sides|parties|"
                     r"heads of state|interlocutors|two ministers|presidents)\b")
# background and reported speech: "..., when X met Y", "X noted that ..."
_WHEN = re.compile(r"\bwhen\b", re.I)
_THAT = re.compile(r"(?<!It was )(?<!it was )\b(?:noted|said|stressed|stated|emphasi[sz]ed|"
                   r"believes?|hopes?|recalled|added|underlined|informed\s+\w+)\s+that\b")
_PLANNED = re.compile(r"\b(?:will|shall|to be held|upcoming|forthcoming|next\s+(?:year|month|"
                      r"week)|(?:is|are)\s+scheduled|plans?\s+to|intends?\s+to)\b|"
                      r"\baccepted\s+[^.]{0,60}invitation\b")
_CLAUSE_START = re.compile(r";|,\s+(?:where|when|while|whereas|but)\b")
_CLAUSE_END = re.compile(r";|,\s+(?:where|when|while|whereas|which|who|reported|said|noted|"
                         r"as well as|but)\b|\s+to\s+discuss\b|\.\s")
_PRONOUN = re.compile(r"\b(?:he|she|He|She)\s+(?:also\s+)?$")
_HEADS = (r"(?:Foreign\s+Minister|Prime\s+Minister|Head\s+of\s+State|Secretary[- ]General|"
          r"[Mm]inister|[Aa]mbassador|[Gg]overnor|[Dd]iplomat|[Pp]resident|[Ll]eader|Chairman|"
          r"[Gg]uest|[Mm]ayor|[Cc]hancellor|[Kk]ing|[Ee]nvoy)")
_ANAPHOR = re.compile(rf"\b(?:[Tt]he|[Hh]is|[Hh]er)\s+(?P<mod>(?:(?:[A-Z][\w.’'-]*|foreign|"
                      rf"deputy|first)\s+){{0,3}}?)(?P<head>{_HEADS})(?:['’]s)?(?![\w-])")
_PLURAL = re.compile(r"\b[Tt]he\s+(?:heads\s+of\s+(?:state|the\s+delegations)|two\s+(?:presidents|"
                     r"ministers|leaders|sides)|ministers|sides|parties|interlocutors|leaders|"
                     r"presidents)\b")
_SAME_DAY = re.compile(r"\b(?:the\s+same\s+day|that\s+day)\b", re.I)
_TODAY = re.compile(r"\btoday\b", re.I)
_WEEKDAY = re.compile(r"\bon\s+(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
_FULL_DATE = re.compile(DATE)
# A word every trigger above needs: a sentence without one states no interaction (a cheap
# test that spares most sentences the dozen trigger patterns).
_ANY_TRIGGER = re.compile(r"invitation|delegation|meeting|talks|consultations|negotiations|"
                          r"phone|\bmee?t|receive|sign|took part|takes part|participat|"
                          r"attended|joined", re.I)
# "Mayor of Atlanta": a role, not where it happened
_OFFICE = re.compile(r"\b(?:Mayor|Governor|Akim|University|Embassy|Consulate)(?:\s+General)?\s+"
                     r"(?:of|in)\s+$")
_KAZ_CAPITAL = re.compile(r"\b(?:in|to)\s+the\s+Kazakh\s+capital\b")
_FORUM_REF = re.compile(r"\b(?:[Ww]ithin|at|on the sidelines of)\s+the\s+forum\b")
_FOREIGN_ROLE = re.compile(r"Foreign (?:Affairs|Minister)|Ministry of Foreign", re.I)
_KIND_NOUN = re.compile(r"\b(consultations|talks|negotiations|meeting)\b", re.I)
_FORUM_WORDS = re.compile(r"\b(?:Council of|[Ss]ummit|[Ff]orum|[Mm]inisterial|[Ss]ession|"
                          r"[Cc]onference|[Cc]ongress|C5\+1)")
_NOUN_KIND = {"meeting": "meeting", "meetings": "meeting", "talks": "talks",
              "negotiations": "talks", "consultations": "consultations"}
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


@lru_cache(maxsize=1)
def _place_names() -> dict[str, str]:
    return {r["place_id"]: r["name"] for r in rows("places.csv")}


@lru_cache(maxsize=1)
def _forum_places() -> dict[str, str]:
    """Forums named after a place: bled-strategic-forum -> Bled."""
    names = {r["name"]: r["name"] for r in rows("places.csv") if r["kind"] == "city"}
    out = {}
    for r in rows("organizations.csv"):
        if r["kind"] == "forum":
            for word in r["name"].split():
                if word in names:
                    out[r["organization_id"]] = names[word]
                    break
    return out


def _noun_kind(noun: str) -> str:
    noun = " ".join(noun.lower().split())
    if "phone" in noun:
        return "phone_call"
    return _NOUN_KIND.get(noun, "talks")


def _as_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


class _Body:
    """One release's text, its sentences and its mentions."""

    def __init__(self, body: str, entities: dict[str, Any]) -> None:
        self.body = body
        masked = list(body)
        self.quoted: list[tuple[int, int]] = []
        for m in _QUOTED.finditer(body):
            self.quoted.append((m.start(), m.end()))
            masked[m.start() + 1: m.end() - 1] = " " * (m.end() - m.start() - 2)
        self.text = "".join(masked)  # quotations blanked, offsets kept
        self.sentences: list[tuple[int, int]] = []
        pos = 0
        for m in _SENT_END.finditer(self.text):
            self._add_sentence(pos, m.end())
            pos = m.end()
        self._add_sentence(pos, len(body))
        self.persons = {p["local"]: p for p in entities["persons"]}
        self.people: list[tuple[int, int, str]] = []  # (start, end, local key), outside quotes
        self.orgs: list[tuple[int, int, str]] = []
        self.places: list[tuple[int, int, str]] = []
        self.countries: list[tuple[int, int, str]] = []
        lists = {"person": self.people, "organization": self.orgs, "place": self.places,
                 "country": self.countries}
        quote_starts = [q[0] for q in self.quoted]
        for etype, eid, _, start, end in entities["mentions"]:
            i = bisect_right(quote_starts, start) - 1  # quotations do not overlap
            if i >= 0 and start < self.quoted[i][1]:
                continue
            lists[etype].append((start, end, eid))
        # one name split in two mentions ("Kim" + "Hyun-chong"): one person, the fuller one
        merged: list[tuple[int, int, str]] = []
        for m in self.people:
            if merged and merged[-1][1] + 1 == m[0] and body[merged[-1][1]] == " ":
                prev = merged.pop()
                key = prev[2] if self.persons.get(prev[2], {}).get("full") and not \
                    self.persons.get(m[2], {}).get("full") else m[2]
                m = (prev[0], m[1], key)
            merged.append(m)
        self.people = merged

    def _add_sentence(self, start: int, end: int) -> None:
        seg = self.body[start:end]
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg) - len(seg.rstrip())
        if end - trail > start + lead:
            self.sentences.append((start + lead, end - trail))

    def people_in(self, start: int, end: int, skip: list[tuple[int, int]] = ()) -> list[str]:
        out: list[str] = []
        for s, _, key in self.people:
            if start <= s < end and not any(a <= s < b for a, b in skip) and key not in out:
                out.append(key)
        return out

    def orgs_in(self, start: int, end: int) -> list[str]:
        return [o for s, _, o in self.orgs if start <= s < end]

    def roles(self, key: str) -> list[str]:
        return self.persons.get(key, {}).get("roles", [])

    def resolve(self, phrase: re.Match[str] | None, offset: int, exclude: set[str]
                ) -> str | None:
        """The person a role phrase ("the Kazakh minister", "the Governor") refers to: of those
        named before it and holding the role, the one mentioned last; None if nobody fits."""
        if phrase is None:
            return None
        pos = offset + phrase.start()
        head = " ".join(phrase["head"].lower().split())
        last: dict[str, int] = {}
        for s, _, key in self.people:
            if s < pos and key not in exclude:
                last[key] = s
        cands = list(last)
        if head in ("leader", "head of state"):
            fits = [k for k in cands if any(re.search(r"president|prime minister|chairman|king",
                                                      r, re.I) for r in self.roles(k))]
            cands = fits or cands
        elif head not in ("guest", "diplomat"):
            word = head.split()[-1].replace("-", " ")
            cands = [k for k in cands if any(word in r.lower().replace("-", " ")
                                             for r in self.roles(k))]
            wanted = country_codes(phrase["mod"])
            if wanted:
                fits = [k for k in cands if any(wanted & country_codes(r)
                                                for r in self.roles(k))]
                cands = fits or cands
        return max(cands, key=lambda k: last[k]) if cands else None


def _last(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    found = None
    for m in pattern.finditer(text):
        found = m
    return found


class _Extractor:
    def __init__(self, body: str, entities: dict[str, Any], release_date: dt.date | None,
                 dateline_place: str | None) -> None:
        self.b = _Body(body, entities)
        self.release_date = release_date
        self.dateline_place = dateline_place
        self.out: list[dict[str, Any]] = []
        self._sentence_of: list[int] = []  # index of the (last) sentence of each interaction

    # -- sides of a trigger -------------------------------------------------------------------
    def _clause(self, s: int, e: int, a: int, z: int) -> tuple[int, int]:
        """Start and end of the clause around the trigger [a, z) in the sentence [s, e)."""
        text = self.b.text
        start = s
        for m in _CLAUSE_START.finditer(text, s, a):
            start = m.end()
        end_m = _CLAUSE_END.search(text, z, e)
        return start, end_m.start() if end_m else e

    def _left(self, s: int, cs: int, a: int, skip: list[tuple[int, int]],
              exclude: set[str] = frozenset()) -> tuple[list[str], int | None]:
        """People before the trigger in its clause; else "he/she" (the person named earlier in
        the sentence), a role phrase, or "the ministers" (the previous interaction's people).
        Also the offset where the subject starts (for the place of visits)."""
        people = [k for k in self.b.people_in(cs, a, skip) if k not in exclude]
        if people:
            first = next(st for st, _, k in self.b.people if k == people[0] and cs <= st < a)
            return people, first
        before = self.b.text[cs:a]
        if _PRONOUN.search(before):
            earlier = self.b.people_in(s, cs, skip)
            if earlier:
                return [earlier[-1]], None
        if (m := _last(_ANAPHOR, before)) and (k := self.b.resolve(m, cs, set(exclude))):
            return [k], cs + m.start()
        if _PLURAL.search(before) and self.out:
            return list(self.out[-1]["participants"]), None
        return [], None

    def _right(self, z: int, ce: int, skip: list[tuple[int, int]],
               exclude: set[str]) -> list[str]:
        people = [k for k in self.b.people_in(z, ce, skip) if k not in exclude]
        if people:
            return people
        m = _ANAPHOR.search(self.b.text, z, ce)
        if m and (k := self.b.resolve(m, 0, exclude)):
            return [k]
        return []

    # -- interactions ----------------------------------------------------------------------
    def _skip(self, s: int, a: int) -> bool:
        """Background ("..., when X met Y") or reported speech ("X noted that Y visited")."""
        before = self.b.text[s:a]
        return bool(_WHEN.search(before) or _THAT.search(before))

    def _emit(self, si: int, kind: str, people: list[str], *, start: int, end: int,
              orgs_side: list[str] = (), planned_span: tuple[int, int] | None = None,
              place_span: tuple[int, int] | None = None, date_text: str | None = None,
              skip: list[tuple[int, int]] = ()) -> None:
        people = list(dict.fromkeys(people))
        if len(people) < 2 and not (people and orgs_side):
            return
        key = (kind, frozenset(people))
        for prev, psi in zip(self.out, self._sentence_of, strict=True):
            if (prev["kind"], frozenset(prev["participants"])) == key and psi >= si - 1:
                return
        b = self.b
        ps, pe = planned_span or (start, end)
        status = "planned" if _PLANNED.search(b.text[ps:pe]) else "held"
        self.out.append({
            "kind": kind, "status": status, "participants": people,
            "place": self._place(kind, start, end, place_span, skip),
            "event_date": self._date(kind, status, date_text or b.text[start:end]),
            **self._parties(people, start, end, orgs_side),
            "evidence": b.body[start:end], "start": start, "end": end,
        })
        self._sentence_of.append(si)

    def _parties(self, people: list[str], start: int, end: int, orgs_side: list[str]
                 ) -> dict[str, list[str]]:
        countries = {c for s, _, c in self.b.countries if start <= s < end}
        orgs = set(self.b.orgs_in(start, end)) | set(orgs_side)
        for k in people:
            for role in self.b.roles(k):
                found = country_codes(role)
                countries |= found
                if _FOREIGN_ROLE.search(role) and len(found) == 1:
                    mfa = f"mfa-{next(iter(found)).lower()}"
                    if mfa in org_ids():
                        orgs.add(mfa)
        return {"countries": sorted(countries), "organizations": sorted(orgs)}

    def _place(self, kind: str, start: int, end: int, span: tuple[int, int] | None,
               skip: list[tuple[int, int]]) -> str | None:
        if kind == "phone_call":
            return None
        names = _place_names()
        a, z = span or (start, end)
        for s, _, pid in self.b.places:
            if a <= s < z and not any(x <= s < y for x, y in skip) and not _OFFICE.search(
                    self.b.text, max(0, s - 40), s):
                return names.get(pid)
        text = self.b.text[start:end]
        if kind == "visit":
            return None  # a visit is to the place it names, not to the dateline
        if _KAZ_CAPITAL.search(text):
            return "Astana"
        if _FORUM_REF.search(text):
            forums = {o for _, _, o in self.b.orgs if o in _forum_places()}
            if len(forums) == 1:
                return _forum_places()[forums.pop()]
        if self.dateline_place and self.b.sentences and start < self.b.sentences[0][1]:
            return self.dateline_place  # the lead sentence, right after the dateline
        return None

    def _date(self, kind: str, status: str, text: str) -> dt.date | None:
        rd = self.release_date
        for m in _FULL_DATE.finditer(text):
            d = parse_date(m[0])
            if d and (status == "planned" or rd is None or d <= rd):
                return d
        if kind == "visit" or status == "planned":
            return None
        if rd and _TODAY.search(text):
            return rd
        if rd and (m := _WEEKDAY.search(text)) and _WEEKDAYS.index(m[1].lower()) == rd.weekday():
            return rd
        if _SAME_DAY.search(text) and self.out:
            return self.out[-1]["event_date"]
        return None

    def sentence(self, si: int) -> None:
        s, e = self.b.sentences[si]
        text = self.b.text
        if not _ANY_TRIGGER.search(text, s, e):
            return
        invite: list[tuple[int, int]] = []
        for m in _INVITATION.finditer(text, s, e):
            stop = re.compile(r",|\.\s|$").search(text, m.end(), e)
            invite.append((m.start(), stop.start() if stop and stop.start() < e else e))
        self._visits(si, s, e, invite)
        if _DELEGATION.search(text, s, e):
            self._delegations(si, s, e)
        if m := _DURING.match(text[s:e]):
            self._during(si, s, e, m)
        if m := (_ATTENDED_BY.search(text, s, e) or _ATTENDED.search(text, s, e)):
            self._attended(si, s, e, m)
        triggers: list[tuple[int, int, str, str]] = []  # (start, end, kind, how)
        for m in _HELD.finditer(text, s, e):
            triggers.append((m.start(), m.end(), _noun_kind(m["noun"]), "verb"))
        for m in _MET.finditer(text, s, e):
            triggers.append((m.start(), m.end(), "meeting", "verb"))
        for m in _NOUN_WITH.finditer(text, s, e):
            if not any(a <= m.start("noun") < z for a, z, _, _ in triggers):
                triggers.append((m.start(), m.end(), _noun_kind(m["noun"]), "noun"))
        for m in _RECEIVED_PASSIVE.finditer(text, s, e):
            triggers.append((m.start(), m.end(), "reception", "passive"))
        for m in _RECEIVED_ACTIVE.finditer(text, s, e):
            if not _RECEIVED_PASSIVE.search(text, max(s, m.start() - 20), m.end()):
                triggers.append((m.start(), m.end(), "reception", "active"))
        for m in _SIGNED.finditer(text, s, e):
            triggers.append((m.start(), m.end(), "signing", "verb"))
        if _PHONE.search(text, s, e):
            for m in _PHONE_VERB.finditer(text, s, e):
                triggers.append((m.start(), m.end(), "phone_call", "verb"))
        for m in _TOOK_PART.finditer(text, s, e):
            if t := _TOGETHER.search(text, m.end(), e):
                triggers.append((m.start(), t.end(), "forum", "together"))
        for a, z, kind, how in sorted(triggers):
            self._trigger(si, s, e, a, z, kind, how, invite)

    def _trigger(self, si: int, s: int, e: int, a: int, z: int, kind: str, how: str,
                 invite: list[tuple[int, int]]) -> None:
        if self._skip(s, a):
            return
        text = self.b.text
        cs, ce = self._clause(s, e, a, z)
        if how == "together":
            ce = e
        w = None
        if how in ("verb", "noun"):
            w = _WITH.search(text, z, ce)
            if w is not None:  # "held talks in Berlin with", "a meeting of X with": close by
                gap = text[z:w.start()]
                if not (len(gap.split()) <= 4 or (how == "noun" and _OF.match(gap))):
                    w = None
            if how == "noun" and w is None:
                return
            if w is not None and _PARTICIPATION.match(text, w.end()):
                kind, ce = "forum", e  # "... ministerial meeting with the participation of"
        if how == "passive":
            by = _BY.search(text, z, ce)
            if by is None:
                return
            z = by.end()
        left, _ = self._left(s, cs, a, invite)
        middle = self.b.people_in(z, w.start(), invite) if how == "noun" and w else []
        if how == "verb" and w is None and not _MET.match(text, a):
            right: list[str] = []  # "X and Y held talks / signed / discussed by phone"
        else:
            right = self._right(w.end() if w else z, ce, invite, {*left, *middle})
        if (w is not None or how == "active") and not right:
            return
        orgs_side: list[str] = []
        if how in ("passive", "active") and (not left or not right):
            orgs_side = self.b.orgs_in(cs, a) if not left else self.b.orgs_in(z, ce)
        self._emit(si, kind, [*left, *middle, *right], start=s, end=e, orgs_side=orgs_side,
                   planned_span=(cs, ce), place_span=(s, e), skip=invite)

    def _visits(self, si: int, s: int, e: int, invite: list[tuple[int, int]]) -> None:
        text = self.b.text
        for a, z in invite:
            v = _last(_VISIT, text[s:a])
            if v is None or self._skip(s, s + v.start()):
                continue
            va = s + v.start()
            hosts = self.b.people_in(a, z)
            if not hosts:
                phrase = _ANAPHOR.match(text, a + len("at the invitation of ")) or \
                    _ANAPHOR.search(text, a, z)
                host = self.b.resolve(phrase, 0, set())
                hosts = [host] if host else []
            cs, _ = self._clause(s, e, va, va)
            of = re.compile(r"\s+of\s+").match(text, s + v.end())
            visitor = self.b.people_in(of.end(), a) if of else []
            start = va
            if not visitor:
                visitor, vstart = self._left(s, cs, va, invite, set(hosts))
                start = min(va, vstart) if vstart is not None else va
            self._emit(si, "visit", [*visitor[-1:], *hosts], start=s, end=e,
                       planned_span=(max(s, min(start, va - 30)), z), place_span=(start, z),
                       skip=invite, date_text=text[start:z])
        for m in _ACCEPTED.finditer(text, s, e):
            if self._skip(s, m.start()):
                continue
            hosts = self.b.people_in(m.start("host"), m.end("host"))
            if not hosts:
                host = self.b.resolve(_ANAPHOR.search(text, m.start("host"), m.end()), 0, set())
                hosts = [host] if host else []
            visitor, _ = self._left(s, s, m.start(), [], set(hosts))
            self._emit(si, "visit", [*visitor[-1:], *hosts], start=s, end=e,
                       planned_span=(s, e), place_span=(m.end(), e))

    def _previous_sentence(self, si: int) -> tuple[int, int] | None:
        return self.b.sentences[si - 1] if si > 0 else None

    def _delegations(self, si: int, s: int, e: int) -> None:
        """"The Kazakh delegation was led by X, while the Uzbek delegation was led by Y"."""
        heads = [m.end() for m in _DELEGATION.finditer(self.b.text, s, e)]
        if len(heads) < 2:
            return
        people = [self.b.people_in(a, b)[:1] for a, b in zip(heads, [*heads[1:], e],
                                                               strict=True)]
        people = [p[0] for p in people if p]
        kind, start = "talks", s
        prev = self._previous_sentence(si)
        if prev and (m := _KIND_NOUN.search(self.b.text, *prev)):
            kind, start = _NOUN_KIND[m[1].lower()], prev[0]
        self._emit(si, kind, people, start=start, end=e)

    def _during(self, si: int, s: int, e: int, m: re.Match[str]) -> None:
        """"During the talks in Tbilisi, the ministers discussed": talks of the last people."""
        if not self.out or self._sentence_of[-1] < si - 2:
            return
        kind = _NOUN_KIND[m["noun"]]
        people = self.out[-1]["participants"]
        if any(o["kind"] == kind and set(o["participants"]) == set(people) for o in self.out):
            return
        self._emit(si, kind, list(people), start=s, end=e, place_span=(s, s + m.end()))

    def _attended(self, si: int, s: int, e: int, m: re.Match[str]) -> None:
        """"Y and Z attended the meeting" / "The meeting was attended by Y, Z": they join the
        meeting of the previous sentence, or make with its chair a forum (multilateral) or a
        meeting."""
        passive = m.re is _ATTENDED_BY
        people = (self.b.people_in(m.end(), e) if passive else self.b.people_in(s, m.start()))
        if not people or self._skip(s, m.start()):
            return
        prev = self._previous_sentence(si)
        if self.out and self._sentence_of[-1] == si - 1:
            last = self.out[-1]
            last["participants"] = list(dict.fromkeys([*last["participants"], *people]))
            start = last["start"]
            last.update(self._parties(last["participants"], start, e, []))
            last.update(evidence=self.b.body[start:e], end=e)
            self._sentence_of[-1] = si
            return
        if prev is None:
            return
        chair = self.b.people_in(*prev)
        kind = "forum" if _FORUM_WORDS.search(self.b.text, *prev) else "meeting"
        self._emit(si, kind, [*chair, *people], start=prev[0], end=e,
                   orgs_side=self.b.orgs_in(*prev))


def extract_interactions(body: str, entities: dict[str, Any], *,
                         release_date: dt.date | str | None = None,
                         dateline_place: str | None = None) -> list[dict[str, Any]]:
    """The interactions one body states, participants as the local person keys of `entities`
    (the output of `extract_entities` for the same body). Plain data, in text order:
    kind, status, participants, place, event_date, countries, organizations, evidence, start,
    end — with `body[start:end] == evidence`."""
    x = _Extractor(body, entities, _as_date(release_date), dateline_place)
    for si in range(len(x.b.sentences)):
        x.sentence(si)
    return sorted(x.out, key=lambda i: (i["start"], i["end"]))
