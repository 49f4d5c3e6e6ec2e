"""Split metadata lines, boilerplate and the dateline off a release's paragraphs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from flows.dates import DATE, parse_partial
from flows.reference import country_forms, lookup_place, rows

# " date 2017-09-11 Kazakhstan and ..." - crawl metadata glued to the first paragraph.
_DATE_LINE = re.compile(r"^date\s*:?\s*(\d{4}-\d{1,2}-\d{1,2})\b\s*", re.I)
_PUBLISHED = re.compile(
    rf"^(?:published|publication date|date|posted|опубликовано|дата)\s*(?:on|at)?\s*:?\s*({DATE})"
    r"(?:,?\s*(\d{1,2}:\d{2}))?\.?$",
    re.I,
)
# "by September 12, 2018 Market", "by Aigerim Sadykova, 3 April 2020 in Politics"
_BYLINE = re.compile(
    rf"^by\s+(?:(?P<author>[^,\d]{{2,60}}?)\s*[,|]?\s+)?(?:on\s+)?(?P<date>{DATE})"
    r"\s*(?:[|,•·-]\s*)?(?:in\s+)?(?P<section>[^\d.,;:!?]{0,40}?)\s*$",
    re.I,
)
_STAMP = r"(\d{1,2}[./]\d{1,2}[./]\d{4}|\d{4}-\d{1,2}-\d{1,2})(?:,?\s*(\d{1,2}:\d{2}(?::\d{2})?))?"
_CREATED = re.compile(
    rf"^(?:created(?: at)?|published at)\s*:?\s*{_STAMP}"
    rf"(?:\s*[,;|]?\s*(?:updated(?: at)?|last updated|modified)\s*:?\s*{_STAMP})?\.?$",
    re.I,
)
_UPDATED = re.compile(rf"^(?:updated(?: at)?|last updated|modified)\s*:?\s*{_STAMP}\.?$", re.I)
_SOURCE = re.compile(r"^(?:source|источник|дереккөз)\s*:\s*(.{2,120}?)\.?$", re.I)
# News-agency tags in datelines: "NUR-SULTAN. KAZINFORM –", "TASHKENT (Kazinform) -".
_AGENCY_TAG = re.compile(r"^[A-Z][A-Za-z]+$")
_DASH = re.compile(r"\s*(?:[-–—]{1,2})\s+|\s+[-–—]{1,2}\s*")
_HEADLINE_END = re.compile(r"[.:;,]$")


@dataclass
class Metadata:
    """What the metadata lines and dateline said, as written (parsed later by extract)."""

    metadata_date: str | None = None  # "date 2017-09-11" line or "Published: ..." line
    byline_date: str | None = None
    byline_author: str | None = None
    section: str | None = None
    created_at: tuple[str, str | None] | None = None  # (date, time)
    updated_at: tuple[str, str | None] | None = None
    source: str | None = None
    dateline_place: str | None = None
    dateline_region: str | None = None
    dateline_date: str | None = None
    agency: str | None = None
    removed: list[str] = field(default_factory=list)  # boilerplate lines dropped, for audit


@lru_cache(maxsize=1)
def _boilerplate() -> list[tuple[re.Pattern[str], str]]:
    return [(re.compile(r["pattern"]), r["action"]) for r in rows("boilerplate.csv")]


def _boilerplate_action(para: str) -> str | None:
    if len(para) > 300:
        return None
    for pattern, action in _boilerplate():
        if pattern.fullmatch(para):
            return action
    return None


def is_headline(para: str) -> bool:
    """Short, unpunctuated at the end: a title or another article's teaser."""
    return len(para) <= 220 and len(para.split()) <= 30 and not _HEADLINE_END.search(para)


def _metadata_line(para: str, meta: Metadata) -> bool:
    """Record `para` in `meta` if it is a metadata line; True when it was one."""
    if m := _CREATED.match(para):
        meta.created_at = (m[1], m[2])
        if m[3]:
            meta.updated_at = (m[3], m[4])
        return True
    if m := _UPDATED.match(para):
        meta.updated_at = (m[1], m[2])
        return True
    if len(para) <= 120 and (m := _BYLINE.match(para)):
        meta.byline_date = m["date"]
        meta.byline_author = (m["author"] or "").strip() or None
        meta.section = (m["section"] or "").strip() or meta.section
        return True
    if m := _PUBLISHED.match(para):
        meta.metadata_date = meta.metadata_date or m[1]
        return True
    if m := _SOURCE.match(para):
        meta.source = meta.source or m[1].strip()
        return True
    return False


def _is_place(text: str) -> bool:
    return lookup_place(text) is not None or (
        text.upper() == text and sum(c.isalpha() for c in text) >= 3 and len(text) <= 30
    )


def split_dateline(para: str, meta: Metadata) -> str:
    """Remove a dateline ("VIENNA, May 7, 2019 - ", "ASTANA – ") from the first paragraph."""
    head = para[:100]
    dash = _DASH.search(head)
    if dash and dash.start() > 0:
        prefix, rest = head[: dash.start()], para[dash.end():]
    else:
        # "ALMATY, Jan. 5, 2016. The ..." - no dash, but a date closes the dateline.
        m = re.match(rf"^([^,.]{{2,40}}),\s*({DATE})\.\s+", head, re.I)
        if not m:
            return para
        prefix, rest = head[: m.end() - 1].rstrip(". "), para[m.end():]
    parts = [p.strip() for p in re.split(r"[,.]\s+|\s*\(|\)\s*|,", prefix) if p.strip()]
    if not parts or len(prefix.split()) > 10 or not _is_place(parts[0]):
        return para
    place, region, date, agency = parts[0], None, None, None
    for part in parts[1:]:
        if date is None and (parse_partial(part) or re.fullmatch(DATE, part, re.I)):
            date = part
        elif part in country_forms() or lookup_place(part):
            region = region or part
        elif _AGENCY_TAG.match(part):
            agency = agency or part
        elif re.fullmatch(r"\d{4}", part) and date:
            date = f"{date}, {part}"  # "May 7, 2019" split at its comma
        else:
            return para  # something unexpected: not a dateline
    if date is None:
        # "Jan. 5, 2016" was split at the comma: re-read the prefix after the place.
        m = re.search(DATE, prefix[len(parts[0]):], re.I)
        date = m[0] if m else None
    meta.dateline_place, meta.dateline_region = place, region
    meta.dateline_date, meta.agency = date, agency
    return rest


def split(paras: list[str]) -> tuple[str | None, list[str], Metadata]:
    """(title, body paragraphs, metadata) from a release's paragraphs."""
    meta = Metadata()
    content: list[str] = []
    teasers = False
    for para in paras:
        if m := _DATE_LINE.match(para):
            meta.metadata_date = meta.metadata_date or m[1]
            para = para[m.end():].strip()
            if not para:
                continue
        action = _boilerplate_action(para)
        if action == "breadcrumb":
            meta.section = meta.section or re.split(r"\s*[/>»|›]\s*", para)[-1].strip() or None
        if action in ("drop", "breadcrumb", "teasers"):
            meta.removed.append(para)
            teasers = action == "teasers" or (teasers and action == "drop")
            continue
        if teasers and (is_headline(para) or _PUBLISHED.match(para) or parse_partial(para)):
            meta.removed.append(para)
            continue
        teasers = False
        if _metadata_line(para, meta):
            continue
        content.append(para)
    title = None
    if len(content) > 1 and is_headline(content[0]) and split_dateline(content[0], Metadata()) == \
            content[0]:
        title = content.pop(0)
    if content:
        first = split_dateline(content[0], meta)
        if first.strip():
            content[0] = first.strip()
        else:
            content.pop(0)
    return title, content, meta
