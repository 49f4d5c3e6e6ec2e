"""Countries named in a text, by name, short name or demonym, as ISO 3166-1 alpha-3."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from flows.extract.gazetteer import Gazetteer, Hit
from flows.reference import country_forms

# "Georgia" is also a US state: it is the state when a US city, "US"/"USA" or "state"
# stands right beside it ("Atlanta, Georgia", "Georgia, USA", "the state of Georgia").
_US_STATE_CONTEXT = re.compile(
    r"(?:\b(?:Atlanta|Savannah|Augusta|Athens|Macon|Columbus)\s*,\s*$|\bstate of\s+$"
    r"|\bU\.?S\.?\s+state\s+(?:of\s+)?$)"
)
_US_STATE_AFTER = re.compile(
    r"^\s*(?:,\s*(?:USA|U\.S\.A?\.?|United States)\b|\s*\(U\.?S\.?\)|\s+state\b)"
)
_AMBIGUOUS = {"Georgia": (_US_STATE_CONTEXT, _US_STATE_AFTER)}


@lru_cache(maxsize=1)
def _gazetteer() -> Gazetteer:
    forms = dict(country_forms())
    # Possessive and plural forms are generated, not listed: "Kazakhstan's", "Kazakhs".
    extra = {}
    for form, code in forms.items():
        if " " not in form and form[:1].isupper():
            extra.setdefault(f"{form}’s", code)
            extra.setdefault(f"{form}'s", code)
    return Gazetteer({**extra, **forms}.items())


# Once a release places Georgia in the US ("Atlanta, Georgia"), its other bare "Georgia"s are
# the state too, unless the country is made explicit (Tbilisi, Georgian, Republic of Georgia).
_STATE_RELEASE = re.compile(r"\b(?:Atlanta|Savannah),\s*Georgia\b|\bGeorgia,\s*(?:USA|U\.S\.)")
_COUNTRY_RELEASE = re.compile(r"\bTbilisi\b|\bGeorgian\b|\bRepublic of Georgia\b")


def find_countries(text: str) -> Iterator[Hit]:
    state_release = bool(_STATE_RELEASE.search(text)) and not _COUNTRY_RELEASE.search(text)
    for hit in _gazetteer().find(text):
        if state_release and hit.surface == "Georgia":
            continue
        if text[hit.end: hit.end + 1] == "$":  # "US$ 1.2 billion" is a currency
            continue
        rule = _AMBIGUOUS.get(hit.surface)
        if rule and (rule[0].search(text[max(0, hit.start - 40): hit.start])
                     or rule[1].match(text[hit.end: hit.end + 30])):
            continue
        yield hit


@lru_cache(maxsize=16384)
def country_codes(text: str) -> frozenset[str]:
    """The codes `find_countries` finds in a short text (a role, a modifier), memoised: the same
    roles are looked up again for every interaction their holders take part in."""
    return frozenset(h.value for h in find_countries(text))
