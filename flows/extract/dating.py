"""The release date and its provenance, from the evidence the normaliser kept.

Precedence: the dateline's date, then a byline or metadata date, then the page's created_at.
A day and month without a year never become a date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from flows.dates import MONTH, find_yearless, parse_partial, parse_timestamp
from flows.normalise.metadata import Metadata

# Sources that are the issuer's own statement of the date; more than this apart is a conflict.
_AGREE_DAYS = 3

# A past-tense report of an event with its month/year: "which took place in May 2018".
_PAST_VERB = re.compile(
    r"\b(?:took place|was held|were held|was launched|were launched|was signed|were signed|"
    r"was opened|were opened|was adopted|was established|was inaugurated|happened|occurred|"
    r"was ratified|came into force|entered into force)\b",
    re.I,
)
_PAST_TAIL = re.compile(
    rf"[^.;]{{0,40}}?\bin\s+(?:(?P<month>{MONTH})\s+)?(?P<year>(?:19|20)\d\d)\b", re.I)
_IN_YEAR = re.compile(r"\b(?:in|for|during)\s+((?:19|20)\d\d)\b", re.I)
_THIS_YEAR = re.compile(r"\bthis year\b", re.I)


@dataclass
class Dating:
    release_date: dt.date | None
    date_source: str
    created_at: dt.datetime | None
    updated_at: dt.datetime | None
    flags: set[str] = field(default_factory=set)


def _past_events_after(body: str, date: dt.date) -> bool:
    """True when the body reports as past an event later than `date`."""
    for verb in _PAST_VERB.finditer(body):
        m = _PAST_TAIL.match(body, verb.end())
        if m is None:
            continue
        month = parse_partial(f"{m['month']} 1, {m['year']}") if m["month"] else None
        start = month.to_date() if month else dt.date(int(m["year"]), 1, 1)
        if start and start > date:
            return True
    # "in the first eight months of this year ... and in 2017": this year is after 2017.
    for m in _THIS_YEAR.finditer(body):
        start = max(body.rfind(". ", 0, m.start()), body.rfind("\n", 0, m.start())) + 1
        end = body.find(". ", m.end())
        sentence = body[start: end if end >= 0 else len(body)]
        years = [int(y) for y in _IN_YEAR.findall(sentence)]
        if years and max(years) >= date.year:
            return True
    return False


def resolve(meta: Metadata, body: str) -> Dating:
    created = parse_timestamp(*meta.created_at) if meta.created_at else None
    updated = parse_timestamp(*meta.updated_at) if meta.updated_at else None
    evidence = [
        ("dateline", meta.dateline_date),
        ("byline", meta.byline_date),
        ("metadata", meta.metadata_date),
    ]
    partial = {src: parse_partial(text) for src, text in evidence if text}
    full = {src: p.to_date() for src, p in partial.items() if p and p.to_date()}
    flags: set[str] = set()
    if full:
        source = next(src for src, _ in evidence if src in full)
        date: dt.date | None = full[source]
        if (max(full.values()) - min(full.values())).days > _AGREE_DAYS:
            flags.add("date_conflict")
    elif created:
        source, date = "created_at", created.date()
    else:
        source, date = "none", None
    if date is None:
        lead = "\n".join(body.split("\n\n")[:2])
        yearless = any(p and p.year is None for p in partial.values()) or find_yearless(lead)
        flags.add("date_year_missing" if yearless else "date_missing")
    elif _past_events_after(body, date):
        flags.add("date_conflict")
    return Dating(date, source, created, updated, flags)
