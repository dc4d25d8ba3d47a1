"""Ranking of a multi-word query: how much of the query a record matches, and how rare its words.

A question of several words is not all-or-nothing. Every meaningful word of the query (a
synonym group or a grade phrase counts as one) is a *unit*; a record is found when it matches
enough units (all of one or two, then a share that relaxes as the query grows, as search
engines do for long queries), and its BM25F score is multiplied by the share of the query's
rarity it covers: a record matching the two rare words of a question beats one that matches the
common word three times in its title.

Rarity is a word's over the whole record (the most records any one field holds it in), not per
field: otherwise a common word is «rare» in the short title field and a title boost makes it
outweigh the words that carry the meaning.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from whoosh import query as wq
from whoosh import scoring

from index.schema import TEXT_FIELDS

COVERAGE_POWER = 2.0  # how strongly a missing word lowers the score
ALL_REQUIRED_UP_TO = 2  # units; longer queries need ⌈share × units⌉ of them
REQUIRED_SHARE = 0.6


class RecordBM25F(scoring.BM25F):
    """BM25F with one inverse document frequency per word over every text field."""

    def idf(self, searcher: Any, fieldname: str, text: str) -> float:
        """Okapi idf of ``text`` counted over records (whichever field holds it)."""
        parent = searcher.get_parent()
        if fieldname not in TEXT_FIELDS:
            return super().idf(searcher, fieldname, text)
        frequency = max(
            (parent.doc_frequency(name, text) for name in TEXT_FIELDS),
            default=0,
        )
        return rarity(frequency, parent.doc_count_all())


def rarity(frequency: int, total: int) -> float:
    """Okapi inverse document frequency (never negative) of a word ``frequency`` records hold."""
    return math.log(1 + (total - frequency + 0.5) / (frequency + 0.5))


def required_units(count: int) -> int:
    """How many of ``count`` query units a record must match to be found."""
    if count <= ALL_REQUIRED_UP_TO:
        return count
    return math.ceil(count * REQUIRED_SHARE)


def covered(
    searcher: Any, units: list[wq.Query], scored: Iterable[tuple[float | None, int]], loose: bool
) -> tuple[list[tuple[float, int]], bool]:
    """(score, docnum) of the records matching enough units (any one when ``loose``), each
    score multiplied by the share of the units' rarity the record covers, best first; and
    whether some unit matches no record at all (a word nobody has is not required)."""
    total = max(1, searcher.doc_count_all())
    docsets = [set(searcher.docs_for_query(unit)) for unit in units]
    required = 1 if loose else required_units(sum(1 for docs in docsets if docs))
    weights = [rarity(len(docs), total) if docs else 0.0 for docs in docsets]
    whole = sum(weights) or 1.0
    ranked = []
    for score, doc in scored:
        matched = [i for i, docs in enumerate(docsets) if doc in docs]
        if len(matched) < required:
            continue
        share = sum(weights[i] for i in matched) / whole
        ranked.append(((score or 0.0) * share**COVERAGE_POWER, doc))
    ranked.sort(key=lambda sd: -sd[0])
    return ranked, not all(docsets)
