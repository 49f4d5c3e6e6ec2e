"""Sums of money: "$ 527 million" -> 527000000 USD, "5 billion tenge" -> 5000000000 KZT."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SCALE = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "mln": 1e6, "mn": 1e6, "m": 1e6,
    "billion": 1e9, "bln": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "trln": 1e12, "tn": 1e12,
}
_SYMBOL = {
    "$": "USD", "us$": "USD", "usd": "USD", "€": "EUR", "eur": "EUR", "£": "GBP", "gbp": "GBP",
    "₸": "KZT", "kzt": "KZT", "₽": "RUB", "rub": "RUB", "¥": "CNY", "cny": "CNY", "chf": "CHF",
    "jpy": "JPY", "krw": "KRW", "try": "TRY", "aed": "AED",
}
_WORD = {
    "dollars": "USD", "us dollars": "USD", "u.s. dollars": "USD", "dollar": "USD",
    "euros": "EUR", "euro": "EUR", "tenge": "KZT", "roubles": "RUB", "rubles": "RUB",
    "yuan": "CNY", "pounds sterling": "GBP", "swiss francs": "CHF", "yen": "JPY",
}
_NUM = r"\d{1,3}(?:[,\s]\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?"
_SCALES = r"thousand|million|billion|trillion|mln|bln|trln|mn|bn|tn|[mkb](?![a-z])"
_BEFORE = re.compile(
    rf"(?P<cur>US\$|\$|€|£|₸|₽|¥|\b(?:USD|EUR|GBP|KZT|RUB|CNY|CHF|JPY|KRW|AED)\b)\s?"
    rf"(?P<num>{_NUM})(?:\s?(?P<scale>{_SCALES})\b)?",
    re.I,
)
_AFTER = re.compile(
    rf"\b(?P<num>{_NUM})(?:\s?(?P<scale>{_SCALES}))?\s+(?:of\s+)?"
    r"(?P<cur>US dollars|U\.S\. dollars|dollars|euros?|tenge|roubles|rubles|yuan|yen|"
    r"pounds sterling|swiss francs|USD|EUR|KZT|RUB|CNY|GBP|CHF)\b",
    re.I,
)


@dataclass(frozen=True)
class Amount:
    value: float
    currency: str
    surface: str
    start: int
    end: int


def _number(text: str) -> float | None:
    t = text.replace(" ", "")
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", t):
        t = t.replace(",", "")
    elif re.fullmatch(r"\d+,\d{1,2}", t):  # decimal comma: "3,5 billion"
        t = t.replace(",", ".")
    else:
        t = t.replace(",", "")
    try:
        return float(t)
    except ValueError:
        return None


# Cheap pre-check: most releases name no money at all.
_ANY_CURRENCY = re.compile(r"[$€£₸₽¥]|\b(?:USD|EUR|GBP|KZT|RUB|CNY|CHF|JPY|KRW|AED|dollars?|euros?|"
                           r"tenge|roubles|rubles|yuan|yen|pounds sterling|swiss francs)\b", re.I)


def find_amounts(text: str) -> list[Amount]:
    if not _ANY_CURRENCY.search(text):
        return []
    found: list[Amount] = []
    taken: list[tuple[int, int]] = []
    for pattern, table in ((_BEFORE, _SYMBOL), (_AFTER, _WORD | _SYMBOL)):
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            number = _number(m["num"])
            currency = table.get(m["cur"].lower())
            if number is None or currency is None:
                continue
            scale = _SCALE.get((m["scale"] or "").lower(), 1.0)
            value = round(number * scale, 2)
            found.append(Amount(int(value) if value.is_integer() else value, currency,
                                m[0].strip(), m.start(), m.start() + len(m[0].rstrip())))
            taken.append((m.start(), m.end()))
    return sorted(found, key=lambda a: a.start)
