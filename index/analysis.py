"""Text analysis for Russian and English, as a Whoosh chain of small filters.

``tokenizer | lowercase | ё→е | stop words | stemmer``: Cyrillic tokens go to the Snowball
Russian stemmer, Latin tokens to the English one (PyStemmer, the C build of Snowball), so
«дроби», «дробей», «дробями» all become «дроб». Every class here is defined in this module
(never in a notebook) because Whoosh pickles the analyzer into the index.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StopFilter, Token
from whoosh.analysis.analyzers import CompositeAnalyzer
from whoosh.lang.stopwords import stoplists

from catalogue.words import stemmer

CYRILLIC = re.compile(r"[а-яё]")
# Words kept although stop lists drop them: they carry meaning in a catalogue query.
KEEP = {"два", "три", "один", "больше", "нет"}
STOP_WORDS = frozenset((set(stoplists["ru"]) | set(stoplists["en"])) - KEEP)
TOKEN_PATTERN = r"\w+"


class YoFilter(Filter):
    """Fold «ё» into «е» (the stemmer does too, but unstemmed tokens need it)."""

    # whoosh's own Filter.__call__ disagrees with its base Composable.__call__
    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:  # type: ignore[override]
        for token in tokens:
            if "ё" in token.text:
                token.text = token.text.replace("ё", "е")
            yield token


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball stem of a lower-case word, Russian or English by its letters."""
    if CYRILLIC.search(word):
        return str(stemmer("russian").stemWord(word))
    if word.isascii() and word.isalpha():
        return str(stemmer("english").stemWord(word))
    return word


class StemFilter(Filter):
    """Replace each token by its Russian or English stem (cached: words repeat a lot)."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StemFilter)

    # whoosh's own Filter.__call__ disagrees with its base Composable.__call__
    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:  # type: ignore[override]
        for token in tokens:
            if not token.stopped:
                token.text = stem(token.text)
            yield token


def analyzer() -> CompositeAnalyzer:
    """The analyzer used for every full-text field and for queries against them."""
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | LowercaseFilter()
        | YoFilter()
        | StopFilter(stoplist=STOP_WORDS, minsize=1)
        | StemFilter()
    )


def words(text: str) -> list[str]:
    """The analysed terms of a text (what the index would store)."""
    return [token.text for token in analyzer()(text)]
