"""Word rules shared by search, import and matching: how Russian words are compared (lower
case, «ё» read as «е») and the one Snowball stemmer per language of the process."""

from __future__ import annotations

import re
from functools import cache

import Stemmer


def fold(text: str) -> str:
    """Lower case with «ё» read as «е»: «Ёлка» and «елка» compare equal."""
    return text.lower().replace("ё", "е")


@cache
def stemmer(language: str) -> Stemmer.Stemmer:
    """The process's Snowball stemmer (PyStemmer) for ``language`` («russian», «english»)."""
    return Stemmer.Stemmer(language)


WORD = re.compile(r"[^\W_]+")
CYRILLIC = re.compile(r"[а-я]")


def russian_stems(text: str) -> list[str]:
    """The distinct words of ``text``, folded, Cyrillic ones cut to their Snowball Russian stem
    (others kept whole), in order of first appearance: what an exported page matches typed
    words against with its own copy of the stemmer."""
    russian = stemmer("russian")
    seen: dict[str, None] = {}
    for word in WORD.findall(fold(text)):
        seen.setdefault(russian.stemWord(word) if CYRILLIC.search(word) else word, None)
    return list(seen)
