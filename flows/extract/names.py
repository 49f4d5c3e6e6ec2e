"""Personal names: what a name looks like in English press text, and keys that survive
transliteration ("Vassilenko"/"Vasilenko", "Tokayev"/"Tokaev", "Abdrakhmanov"/"Abdrahmanov")."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import regex

# A name token: "Roman", "Kassym-Jomart", "Friberg-Storey", "Skusevičius", "O'Brien", "McDonald".
TOKEN = r"\p{Lu}[\p{Ll}’']*\p{Ll}(?:-\p{Lu}?\p{Ll}+)*"
INITIAL = r"\p{Lu}\.(?:\s?\p{Lu}\.)?"
PARTICLE = r"(?:de|da|del|dos|van|von|der|den|bin|ibn|al|el|le|la|du|di)"
# Two to four tokens ("Kassym-Jomart Tokayev", "Helga Maria Schmid", "Ursula von der Leyen").
FULL_NAME = rf"{TOKEN}(?:\s+(?:{PARTICLE}\s+){{0,2}}{TOKEN}){{1,3}}"
INITIAL_NAME = rf"{INITIAL}\s?{TOKEN}"
FULL_NAME_RE = regex.compile(rf"^{FULL_NAME}$")
TOKEN_RE = regex.compile(rf"^{TOKEN}$")
_PARTICLE_RE = regex.compile(rf"^{PARTICLE}$")

_FOLDS = [
    ("zh", "j"), ("dj", "j"), ("kh", "h"), ("ts", "c"), ("tz", "c"), ("sch", "sh"),
    ("ayev", "aev"), ("iyev", "iev"), ("yev", "ev"), ("yeva", "eva"),
    ("ya", "ia"), ("yu", "iu"), ("ye", "e"), ("yo", "io"), ("y", "i"), ("w", "v"), ("q", "k"),
]
_DOUBLE = re.compile(r"(.)\1+")


def ascii_fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@lru_cache(maxsize=200_000)
def key(token: str) -> str:
    """Transliteration-insensitive key of one name token."""
    k = ascii_fold(token).lower().replace("’", "").replace("'", "").replace("-", "")
    for a, b in _FOLDS:
        k = k.replace(a, b)
    return _DOUBLE.sub(r"\1", k)


def name_key(name: str) -> tuple[str, ...]:
    """Key of a full name: the keys of its tokens, particles dropped."""
    return tuple(key(t) for t in name.split() if not _PARTICLE_RE.match(t))


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", ascii_fold(text).lower()).strip("-")


def surname(name: str) -> str:
    return name.split()[-1]


def first_initial(name: str) -> str:
    return ascii_fold(name.strip()[:1]).upper()
