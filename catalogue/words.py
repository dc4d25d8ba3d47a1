"""Word rules shared by search, import and matching: how Russian words are compared (lower
case, «ё» read as «е») and the one Snowball stemmer per language of the process."""

from __future__ import annotations

from functools import cache

import Stemmer


def fold(text: str) -> str:
    """Lower case with «ё» read as «е»: «Ёлка» and «елка» compare equal."""
    return text.lower().replace("ё", "е")


@cache
def stemmer(language: str) -> Stemmer.Stemmer:
    """The process's Snowball stemmer (PyStemmer) for ``language`` («russian», «english»)."""
    return Stemmer.Stemmer(language)
