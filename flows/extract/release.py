"""The `releases` row of one normalised release."""

from __future__ import annotations

import re
from typing import Any

from flows.extract.dating import resolve
from flows.normalise import Normalised
from flows.reference import country_forms, lookup_place

_WORD = re.compile(r"\w+(?:[’'\-.]\w+)*")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_KAZAKH = re.compile(r"[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")
_LATIN = re.compile(r"[A-Za-z]")
# "reported the Akorda press service", "according to the MFA press service"
_CREDIT = re.compile(
    r"\b(?:reported|reports|according to|informs|said)\s+(?:by\s+)?(?:the\s+)?"
    r"(?P<pub>(?:[A-Z][\w’'.-]*\s+){1,4}(?:press service|news agency|press office))\b"
)


def language(text: str) -> str:
    """ISO 639-1 code of the release's language: 'en', 'ru' or 'kk' (by script and letters)."""
    if not _CYRILLIC.search(text):
        return "en"
    cyr = len(_CYRILLIC.findall(text))
    if cyr > len(_LATIN.findall(text)):
        return "kk" if len(_KAZAKH.findall(text)) > 0.01 * cyr else "ru"
    return "en"


def _place(meta_place: str | None, region: str | None) -> tuple[str | None, str | None]:
    if not meta_place:
        return None, None
    place = lookup_place(meta_place)
    country = country_forms().get(region) if region else None
    if place:
        return place.name, place.country or country
    name = meta_place.title() if meta_place.isupper() else meta_place
    return name, country


def _publisher(doc: Normalised) -> str | None:
    if doc.meta.source:
        return doc.meta.source
    if doc.meta.agency:
        agency = doc.meta.agency
        return agency.title() if agency.isupper() and len(agency) > 4 else agency
    m = _CREDIT.search(doc.body)
    return m["pub"] if m else None


def extract_release(doc: Normalised) -> dict[str, Any]:
    dating = resolve(doc.meta, doc.body)
    place, country = _place(doc.meta.dateline_place, doc.meta.dateline_region)
    lang = language(doc.body)
    flags = set(dating.flags)
    if doc.title is None:
        flags.add("title_missing")
    if doc.repaired:
        flags.add("text_repaired")
    if lang != "en":
        flags.add("extraction_partial")
    return {
        "release_id": doc.release_id,
        "source_file": doc.source_file,
        "title": doc.title,
        "release_date": dating.release_date,
        "date_source": dating.date_source,
        "dateline_place": place,
        "dateline_country": country,
        "created_at": dating.created_at,
        "updated_at": dating.updated_at,
        "publisher": _publisher(doc),
        "section": doc.meta.section,
        "body": doc.body,
        "word_count": len(_WORD.findall(doc.body)),
        "countries": [],  # filled from the entity mentions (flows.extract.resolve)
        "organizations": [],
        "persons": [],
        "flags": sorted(flags),
        "language": lang,
        "encoding": doc.encoding,
    }
