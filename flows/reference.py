"""Reference lists (places, countries, demonyms, organisations, titles) loaded from data files.

They live under `schemas/reference/` as CSV so that maintainers extend them without touching code;
each is read once per process.
"""

from __future__ import annotations

import csv
import hashlib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flows.config import REFERENCE


def _rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(encoding="utf-8", newline="") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def fold(text: str) -> str:
    """Case- and accent-insensitive key: 'NUR-SULTAN' and 'Nur-Sultan' fold alike."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_ = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(ascii_.replace("’", "'").casefold().split())


@dataclass(frozen=True)
class Place:
    place_id: str
    name: str
    country: str | None
    kind: str


@lru_cache(maxsize=1)
def places() -> dict[str, Place]:
    """Folded name or alias -> place."""
    out: dict[str, Place] = {}
    for row in _rows("places.csv"):
        place = Place(row["place_id"], row["name"], row["country"] or None, row["kind"])
        for form in [row["name"], *filter(None, row["aliases"].split("|"))]:
            out.setdefault(fold(form), place)
    return out


def lookup_place(surface: str) -> Place | None:
    return places().get(fold(surface))


@lru_cache(maxsize=1)
def country_forms() -> dict[str, str]:
    """Surface form of a country (names, short names, demonyms) -> ISO 3166-1 alpha-3."""
    import pycountry

    out: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            if value := getattr(c, attr, None):
                out.setdefault(value, c.alpha_3)
    for file in ("country_names.csv", "demonyms.csv"):
        for row in _rows(file):
            out[row["form"]] = row["country"]
    return out


def files() -> list[Path]:
    return sorted(p for p in REFERENCE.iterdir() if p.suffix == ".csv")


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """Hash of every reference file: part of the cache key of extracted records."""
    h = hashlib.sha256()
    for p in files():
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def rows(name: str) -> list[dict[str, str]]:
    return _rows(name)
