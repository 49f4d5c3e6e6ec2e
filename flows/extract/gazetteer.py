"""Longest-match gazetteer lookup over an Aho–Corasick automaton, built once per process."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import ahocorasick


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    surface: str
    value: str


def _word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


class Gazetteer:
    """Finds the surface forms of a {surface: value} table in text.

    Matching is case-sensitive (acronyms such as "US" must not match "us"), respects word
    boundaries, and keeps the longest of overlapping matches: "UN Security Council" is not also
    "UN".
    """

    def __init__(self, forms: Iterable[tuple[str, str]]) -> None:
        self._automaton = ahocorasick.Automaton()
        for surface, value in forms:
            if surface:
                self._automaton.add_word(surface, (len(surface), value))
        self.empty = len(self._automaton) == 0
        if not self.empty:
            self._automaton.make_automaton()

    def find(self, text: str) -> Iterator[Hit]:
        if self.empty:
            return
        candidates = []
        for end_index, (length, value) in self._automaton.iter(text):
            start, end = end_index - length + 1, end_index + 1
            if start > 0 and _word_char(text[start - 1]) and _word_char(text[start]):
                continue
            if end < len(text) and _word_char(text[end]) and _word_char(text[end - 1]):
                continue
            candidates.append((start, -length, end, value))
        candidates.sort()
        last_end = -1
        for start, _, end, value in candidates:
            if start >= last_end:
                yield Hit(start, end, text[start:end], value)
                last_end = end
