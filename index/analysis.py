"""Text analysis for Russian and English: one Whoosh tokenizer doing the whole chain.

Words, lower-cased, «ё» → «е», stop words out, stemmed, in a single pass: Cyrillic tokens go
to the Snowball Russian stemmer, Latin tokens to the English one (PyStemmer, the C build of
Snowball, its answers cached by word), so «дроби», «дробей», «дробями» all become «дроб».
Every class here is defined in this module (never in a notebook) because Whoosh pickles the
analyzer into the index.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from whoosh.analysis import Token, Tokenizer
from whoosh.analysis.analyzers import CompositeAnalyzer
from whoosh.lang.stopwords import stoplists

from catalogue.words import stemmer

CYRILLIC = re.compile(r"[а-яё]")
# Words kept although stop lists drop them: they carry meaning in a catalogue query.
KEEP = {"два", "три", "один", "больше", "нет"}
STOP_WORDS = frozenset((set(stoplists["ru"]) | set(stoplists["en"])) - KEEP)
TOKEN = re.compile(r"\w+")
WHOLE = re.compile(r"(?s).*")


STEMS: dict[str, str] = {}  # folded word -> stem: words repeat a lot
STEM_CACHE = 500_000


def stem(word: str) -> str:
    """The Snowball stem of a lower-case word, Russian or English by its letters."""
    found = STEMS.get(word)
    if found is None:
        if CYRILLIC.search(word):
            found = str(stemmer("russian").stemWord(word))
        elif word.isascii() and word.isalpha():
            found = str(stemmer("english").stemWord(word))
        else:
            found = word
        if len(STEMS) >= STEM_CACHE:
            STEMS.clear()
        STEMS[word] = found
    return found


TERMS: dict[str, str] = {}  # a word as written -> its term ("" for a stop word)


def term(original: str) -> str:
    """The term a word as written is indexed under: lower-cased, «ё» folded into «е»,
    stemmed; "" for a stop word. Remembered by the word as written (one lookup per token)."""
    found = TERMS.get(original)
    if found is None:
        text = original.lower()
        if "ё" in text:
            text = text.replace("ё", "е")
        found = "" if text in STOP_WORDS else stem(text)
        if len(TERMS) >= STEM_CACHE:
            TERMS.clear()
        TERMS[original] = found
    return found


def word_positions(value: str) -> dict[str, list[int]]:
    """Each term of a text and its positions: what :class:`WordTokenizer` yields for the
    index (stop words left out, positions numbered as it numbers them: from the first kept
    word's place, one after another), without a token object per word (the rebuild's
    analysis, :mod:`index.bulk`)."""
    tokens = TOKEN.findall(value)
    found = list(map(TERMS.get, tokens))
    if None in found:
        found = [
            known if known is not None else term(t) for known, t in zip(found, tokens, strict=True)
        ]
    first = next((n for n, word in enumerate(found) if word), len(found))
    out: defaultdict[str, list[int]] = defaultdict(list)
    for pos, word in enumerate(filter(None, found[first:]), first):
        out[word].append(pos)
    return out


class WordTokenizer(Tokenizer):
    """Words (``\\w+``), lower-cased, «ё» folded into «е», stop words dropped (or flagged),
    stemmed: the whole chain in one pass over the text.

    Positions skip the stop words (the next word takes the next number, as Whoosh's
    ``StopFilter`` renumbers them), so phrases match across a dropped «и» or «в».
    """

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WordTokenizer)

    def __hash__(self) -> int:
        return hash(WordTokenizer)

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        matches: Iterable[re.Match[str]] = (
            TOKEN.finditer(value) if tokenize else [WHOLE.match(value)]  # type: ignore[list-item]
        )
        terms = TERMS
        pos: int | None = None
        for n, match in enumerate(matches):
            original = match.group()
            text = terms.get(original) or term(original)
            if not text:  # a stop word
                if removestops:
                    continue
                text = original.lower().replace("ё", "е")
                token.stopped = True
                token.pos = start_pos + n
            else:
                token.stopped = False
                pos = start_pos + n if pos is None else pos + 1
                token.pos = pos
            token.text = text
            token.boost = 1.0
            if keeporiginal:
                token.original = original  # type: ignore[attr-defined]
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token


def analyzer() -> CompositeAnalyzer:
    """The analyzer used for every full-text field and for queries against them."""
    return CompositeAnalyzer(WordTokenizer())


def words(text: str) -> list[str]:
    """The analysed terms of a text (what the index would store)."""
    return [token.text for token in analyzer()(text)]
