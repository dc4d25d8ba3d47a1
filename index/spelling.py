"""Typos and keyboard layout: which query words the catalogue does not know, and what the user
probably meant — always built from the catalogue's own vocabulary (the index's terms).

The rules here read the vocabulary through a :class:`TermSource`: :class:`WhooshTerms` over a
Whoosh reader, or the PostgreSQL backend's terms table (:mod:`index.pg.terms`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, Protocol

from whoosh.reading import IndexReader

from index import analysis
from index.analysis import words as analysed
from index.layout import swap
from index.schema import TEXT_FIELDS

if TYPE_CHECKING:
    import pymorphy3

# Fields whose terms make good corrections (attachment text has its own typos).
SOURCE_FIELDS = ("title", "keywords", "meta", "annotation", "authors", "content")


class TermSource(Protocol):
    """The catalogue's words as the spelling repair reads them."""

    def frequency(self, term: str, fields: tuple[str, ...]) -> int:
        """How many records hold the analysed ``term`` in one of ``fields`` (summed by field
        where the source tells fields apart)."""

    def near(self, term: str, distance: int) -> Iterable[str]:
        """Terms of :data:`SOURCE_FIELDS` within ``distance`` edits (Damerau-Levenshtein) of
        ``term`` that start with the same letter."""


class WhooshTerms:
    """A Whoosh index reader as a :class:`TermSource`."""

    def __init__(self, reader: IndexReader) -> None:
        self.reader = reader

    def frequency(self, term: str, fields: tuple[str, ...]) -> int:
        return sum(self.reader.doc_frequency(name, term) for name in fields)

    def near(self, term: str, distance: int) -> Iterable[str]:
        found: set[str] = set()
        for name in SOURCE_FIELDS:
            found.update(self.reader.terms_within(name, term, distance, prefix=1))
        return found


def edit_distance(a: str, b: str) -> int:
    """The Damerau-Levenshtein distance (adjacent transpositions count one edit)."""
    previous, current = list(range(len(b) + 1)), [0] * (len(b) + 1)
    before: list[int] = []
    for i, x in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, y in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                current[j] = min(current[j], before[j - 2] + 1)
        before, previous = previous, current
    return previous[len(b)]


def known(reader: TermSource, term: str) -> bool:
    """Whether an analysed term occurs in any text field."""
    return reader.frequency(term, TEXT_FIELDS) > 0


def unknown_words(reader: TermSource, words: list[str]) -> list[str]:
    """The words (as typed) whose analysed form occurs nowhere in the catalogue."""
    out = []
    for word in words:
        terms = analysed(word)
        if terms and not all(known(reader, t) for t in terms):
            out.append(word)
    return out


def best_term(reader: TermSource, term: str) -> str | None:
    """The most frequent index term within one edit (two for long words) of ``term``."""
    if len(term) < 4 or term.isdigit():
        return None
    for distance in (1, 2) if len(term) >= 6 else (1,):
        candidates = {
            found: reader.frequency(found, SOURCE_FIELDS)
            for found in reader.near(term, distance)
            if not found.isdigit()
        }
        if candidates:
            return max(sorted(candidates), key=lambda term: candidates[term])
    return None


@cache
def morphology() -> pymorphy3.MorphAnalyzer:
    """The Russian dictionary (one per process: about 20 MB; loaded when a word is not in
    the index)."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


def is_dictionary_word(word: str) -> bool:
    """Whether ``word`` is a real Russian word form (then it is not a typo, even when the
    catalogue does not have it)."""
    lowered = word.lower()
    return bool(re.fullmatch(r"[а-яё-]+", lowered)) and morphology().word_is_known(lowered)


def correct_word(reader: TermSource, word: str) -> str | None:
    """A correction of one typed word in the same letter case, or None."""
    if is_dictionary_word(word):
        return None
    lowered = word.lower().replace("ё", "е")
    own = analysis.stem(lowered)
    fixed = best_term(reader, own)
    if fixed is None:
        return None
    ending = lowered[len(own) :] if lowered.startswith(own) else ""
    corrected = fixed + ending
    if word[:1].isupper():
        corrected = corrected[:1].upper() + corrected[1:]
    return corrected


def correct(reader: TermSource, text: str, words: list[str]) -> str | None:
    """``text`` with each unknown word replaced by its correction (None if nothing changed)."""
    changed = text
    for word in unknown_words(reader, words):
        fixed = correct_word(reader, word)
        if fixed:
            changed = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", fixed, changed, count=1)
    return changed if changed != text else None


def layout_and_typos(reader: TermSource, text: str, words: list[str]) -> str | None:
    """The other keyboard layout's reading of ``text`` with its typos corrected."""
    swapped = swap(text)
    if swapped is None or swapped == text:
        return None
    return correct(reader, swapped, re.findall(r"\w+", swapped))


def layout_fix(reader: TermSource, text: str, words: list[str]) -> str | None:
    """``text`` read in the other keyboard layout, when that makes every word a real one (known
    to the catalogue, or to the Russian dictionary with at least one known to the catalogue)."""
    if not words or not unknown_words(reader, words):
        return None
    swapped = swap(text)
    if swapped is None:
        return None
    swapped_words = re.findall(r"\w+", swapped)
    if not swapped_words:
        return None
    missing = unknown_words(reader, swapped_words)
    if len(missing) == len(swapped_words) or not all(map(is_dictionary_word, missing)):
        return None
    return swapped
