"""Ranking of a multi-word query: how much of the query a record matches, and how rare its words.

A question of several words is not all-or-nothing. Every meaningful word of the query (a
synonym group or a grade phrase counts as one) is a *unit*; a record is found when it matches
enough units (all of one or two, then a quarter of them: the share relaxes as the query grows,
as search engines do for long queries). A record's score is the sum, over the units it matches,
of the unit's rarity (how few records match it) times its saturated evidence over all fields:
a title match of a common word is worth at most that common word, so it cannot beat the rare
words that carry the meaning, and the more of the query a record covers the higher it ranks.
The words standing together (the proximity bonus) add up to one average unit, re-ranking the
best records only. A word also finds its forms that the stemmer cuts apart («подготовить» /
«подготовке», «ребенок» / «ребенка») and the noun of a «-ический» adjective («исторических» /
«истории»), and in a file name the word cut short («trud_zhiz» for «трудной жизненной»), at a
lower weight (:mod:`index.forms`); a word naming the kind of
document («рабочая программа», «тест») and an ordinal word weigh less than the topic. A kind of
document or a subject named is also a preference: a record of a kind the named document does
not fit (a textbook of the media library when a working programme is asked for; the vocabulary
says which record kinds a resource type fits), or with subjects none of which is named (a
history test when economics is asked for), keeps :data:`OTHER_SHARE` of its score. That
decides between records matching the words alike, hides none, and a record with no subject is
not held back.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
from whoosh import query as wq

from index import bm25
from index.facets import FacetTable
from index.forms import known, with_variants

SATURATION = 4.0  # field evidence at which a unit earns half its weight
FACT_SHARE = 0.5  # of its weight a grade or field the record has earns
ORDINAL_SHARE = 0.25  # of its weight an ordinal word («первое полугодие») can earn
PLACE_SHARE = 0.5  # … an ordinal beside a part of a work, side by side («первой части»)
DOCUMENT_TYPE_SHARE = 0.5  # … a word naming the kind of document («рабочая программа»)
OTHER_SHARE = 0.7  # of its score a record of another kind or subject than named keeps
PROXIMITY_SHARE = 1.0  # the words standing together are worth this many average units
PROXIMITY_DEPTH = 200  # records the proximity bonus re-ranks
ALL_REQUIRED_UP_TO = 2  # units; longer queries need ⌈share × units⌉ of them
REQUIRED_SHARE = 0.25
K = TypeVar("K", int, str)
F = TypeVar(
    "F", float, npt.NDArray[np.float64]
)  # how a record is named: a Whoosh document number, or its id


@dataclass(frozen=True)
class Unit:
    """One meaningful part of a query: a word, a synonym group, a grade or field clause."""

    query: wq.Query
    share: float = 1.0  # of its rarity the unit can earn
    fact: bool = False  # metadata (grade, field): a record that has it earns its share whole
    kinds: frozenset[str] = frozenset()  # a kind of document named: the record kinds it fits
    subjects: frozenset[str] = frozenset()  # the subjects a word names («истории»)
    where: bool = False  # an ordinal or a place in a work: it does not add to what is required


def rarity(frequency: int, total: int) -> float:
    """Okapi inverse document frequency (never negative) of a word ``frequency`` records hold."""
    return math.log(1 + (total - frequency + 0.5) / (frequency + 0.5))


def required_units(count: int) -> int:
    """How many of ``count`` query units (those some record matches, an ordinal or a place in
    a work not counted) a record must match to be found."""
    if count <= ALL_REQUIRED_UP_TO:
        return max(1, count)
    return math.ceil(count * REQUIRED_SHARE)


def unit_ranking(
    searcher: Any,
    table: FacetTable,
    units: list[Unit],
    bonus: wq.Query | None,
    loose: bool,
) -> tuple[list[tuple[float, int]], bool]:
    """(score, docnum) of the records matching enough units (any one when ``loose``), best
    first; and whether some unit matches no record at all (a word nobody has is not required).

    Each unit's evidence over all fields (its BM25F score without the idf) saturates before it
    is weighed by the unit's rarity and share (a grade or field is metadata: a record that has
    it earns a fixed share of its weight), so a title match of a common word is worth at most
    that common word; the words standing together (``bonus``) add a share of the query's
    weight. Records of a kind the named kind of document does not fit weigh a little less.
    """
    total = max(1, searcher.doc_count_all())
    reader = searcher.reader()
    scores = [
        _scores(searcher, with_variants(unit.query, reader), scored=not unit.fact) for unit in units
    ]
    weights = [rarity(len(found), total) if found else 0.0 for found in scores]
    evidence = [
        _divided(found, max(weight, 1e-9)) for found, weight in zip(scores, weights, strict=True)
    ]
    kinds, subjects = named(units)
    other: set[int] = set()
    if kinds or subjects:
        other = _elsewhere(table, set().union(*evidence), kinds, subjects)
    ranked = combine(units, evidence, total, loose, other)
    if bonus is not None and ranked:
        # the words standing together re-rank the best records only (phrases are costly)
        average = mean_weight(evidence, total)
        head = sorted(doc for _, doc in ranked[:PROXIMITY_DEPTH])
        near = _scores(searcher, bonus, head)
        ranked = add_proximity(
            ranked, {d: s / max(average, 1e-9) for d, s in near.items()}, average, other
        )
    # a word found only through its other forms may be a typo: the spelling repair may try it
    unknown = any(
        not found or not known(u.query, reader) for u, found in zip(units, scores, strict=True)
    )
    return ranked, unknown


def ranked_terms(searcher: Any, q: wq.Query) -> list[tuple[float, int]] | None:
    """(score, docnum) of every record a query of field terms and exact phrases alone (one
    word or a quoted phrase typed) matches, best first, as Whoosh's search ranks them (a word
    finds its other forms too, at a lower weight, as in a longer query); None for any other
    query."""
    scores = _block_scores(searcher, _alternatives(with_variants(q, searcher.reader())))
    if scores is None:
        return None
    docs = np.fromiter(scores, dtype=np.int64, count=len(scores))
    values = np.fromiter(scores.values(), dtype=np.float64, count=len(scores))
    order = np.lexsort((docs, -values))  # best first, then by document number
    return list(zip(values[order].tolist(), docs[order].tolist(), strict=True))


def _block_scores(searcher: Any, alternatives: Sequence[wq.Query]) -> dict[int, float] | None:
    """{docnum: score} of what the ``Or`` of ``alternatives`` matches, scored a postings block
    at a time (:mod:`index.bm25`); None unless every alternative is a field term or an exact
    phrase of scorable fields."""
    terms = [t for t in alternatives if isinstance(t, wq.Term)]
    phrases = [p for p in alternatives if bm25.exact_phrase(p)]
    if len(terms) + len(phrases) < len(alternatives):
        return None
    if not bm25.applies(searcher, terms, phrases):
        return None
    scores = bm25.term_scores(searcher, terms) if terms else {}
    if phrases:
        for doc, score in bm25.phrase_scores(searcher, phrases).items():
            scores[doc] = scores.get(doc, 0.0) + score
    return scores


def _alternatives(q: wq.Query) -> list[wq.Query]:
    """What a query sums: the alternatives of an unboosted ``Or``, else the query itself."""
    return list(q.subqueries) if isinstance(q, wq.Or) and q.boost == 1.0 else [q]


def named(units: list[Unit]) -> tuple[frozenset[str], frozenset[str]]:
    """The record kinds the kinds of document a query names fit, and the subjects it names
    (empty when none is named)."""
    return (
        frozenset().union(*(unit.kinds for unit in units)),
        frozenset().union(*(unit.subjects for unit in units)),
    )


def elsewhere(
    kinds: Iterable[str],
    subjects: Iterable[str],
    named_kinds: frozenset[str],
    named_subjects: frozenset[str],
) -> bool:
    """Whether a record of these kinds and subjects is of another kind than the kinds of
    document a query names fit, or has subjects and none of those the query names."""
    other_kind = bool(named_kinds) and named_kinds.isdisjoint(kinds)
    held = set(subjects)
    return other_kind or bool(named_subjects and held and named_subjects.isdisjoint(held))


def _elsewhere(
    table: FacetTable, docs: set[int], kinds: frozenset[str], subjects: frozenset[str]
) -> set[int]:
    """The records of ``docs`` that are :func:`elsewhere`, read from the searcher's facet
    columns (the same rule over whole arrays)."""
    other = np.zeros(table.size, np.bool_)
    if kinds:
        other |= ~_holding(table, "kind", kinds)
    if subjects:
        other |= _holding(table, "subject", None) & ~_holding(table, "subject", subjects)
    found = np.fromiter(docs, np.int64, len(docs))
    return set(found[other[found]].tolist())


def _holding(table: FacetTable, facet: str, values: frozenset[str] | None) -> npt.NDArray[np.bool_]:
    """The records holding any of ``values`` in ``facet`` (any value at all when None)."""
    column = table.columns[facet]
    codes = [code for code, value in enumerate(column.values) if values is None or value in values]
    held = np.zeros(table.size, np.bool_)
    held[column.docs[np.isin(column.codes, codes)]] = True
    return held


def combine(
    units: list[Unit],
    evidence: list[dict[K, float]],
    total: int,
    loose: bool,
    other: set[K] | frozenset[K] = frozenset(),
    counts: list[int] | None = None,
) -> list[tuple[float, K]]:
    """(score, record) of the records matching enough units (any one when ``loose``), best
    first: ``evidence[i]`` holds each record unit *i* matches with its field evidence (the
    score without the idf; unused for metadata), ``total`` is the number of records; records
    in ``other`` (:func:`elsewhere`: of another kind or subject than the query names) keep
    :data:`OTHER_SHARE` of their score; ``counts[i]``, when given, is how many records unit
    *i* matches (``evidence`` may then hold only some of them: only those are ranked)."""
    if counts is None:
        counts = [len(found) for found in evidence]
    weights = [rarity(count, total) if count else 0.0 for count in counts]
    counted = sum(1 for unit, count in zip(units, counts, strict=True) if count and not unit.where)
    required = 1 if loose else required_units(counted)
    keys = [np.array(list(found)) for found in evidence if found]
    if not keys:
        return []
    docs = np.unique(np.concatenate(keys))  # every record some unit matches, ascending
    matched = np.zeros(len(docs), dtype=np.int64)
    score = np.zeros(len(docs), dtype=np.float64)
    for unit, found, weight in zip(units, evidence, weights, strict=True):
        if not found:
            continue
        at = np.searchsorted(docs, np.array(list(found)))
        matched[at] += 1
        earned = np.zeros(len(docs), dtype=np.float64)  # the unit's share of its weight
        if unit.fact:
            earned[at] = FACT_SHARE
        else:
            earned[at] = _saturate(np.fromiter(found.values(), dtype=np.float64, count=len(found)))
        score += weight * unit.share * earned  # the units in order, as a sum would add them
    if other:
        score[_rows(docs, list(other))] *= OTHER_SHARE
    kept = np.flatnonzero(matched >= required)
    chosen = docs[kept]
    order = np.lexsort((chosen, -score[kept]))  # best first, then by record
    return list(zip(score[kept][order].tolist(), chosen[order].tolist(), strict=True))


def _divided(found: dict[int, float], by: float) -> dict[int, float]:
    """``found`` with every score divided by ``by`` (in numpy: the same quotients)."""
    scores = np.fromiter(found.values(), dtype=np.float64, count=len(found)) / by
    return dict(zip(found, scores.tolist(), strict=True))


def _rows(docs: npt.NDArray[Any], some: list[Any]) -> npt.NDArray[np.int64]:
    """Where those of ``some`` that are in the ascending ``docs`` stand in it."""
    wanted = np.array(some)
    at = np.minimum(np.searchsorted(docs, wanted), len(docs) - 1)
    rows: npt.NDArray[np.int64] = at[docs[at] == wanted]
    return rows


def mean_weight(
    evidence: list[dict[K, float]], total: int, counts: list[int] | None = None
) -> float:
    """The average rarity of the units some record matches (``counts``: how many records each
    matches, when ``evidence`` holds only some of them)."""
    if counts is None:
        counts = [len(found) for found in evidence]
    weights = [rarity(count, total) for count in counts if count]
    return sum(weights) / max(1, len(weights))


def add_proximity(
    ranked: list[tuple[float, K]],
    near: dict[K, float],
    weight: float,
    other: set[K] | frozenset[K] = frozenset(),
) -> list[tuple[float, K]]:
    """``ranked`` with the records whose words stand together (``near``: their proximity
    evidence) raised by up to :data:`PROXIMITY_SHARE` units of ``weight`` (records in
    ``other``, as in :func:`combine`, by :data:`OTHER_SHARE` of that); only the first
    :data:`PROXIMITY_DEPTH` records move."""
    head = [
        (
            score
            + PROXIMITY_SHARE
            * weight
            * _saturate(near[doc])
            * (OTHER_SHARE if doc in other else 1.0),
            doc,
        )
        if doc in near
        else (score, doc)
        for score, doc in ranked[:PROXIMITY_DEPTH]
    ]
    head.sort(key=lambda sd: (-sd[0], sd[1]))
    return head + ranked[PROXIMITY_DEPTH:]


def _scores(
    searcher: Any, q: wq.Query, among: list[int] | None = None, scored: bool = True
) -> dict[int, float]:
    """{docnum: score} of the records ``q`` matches (only those of the sorted ``among``, which
    the matcher skips to, when given); unscored (0.0) for metadata, whose score is unused.

    A word's field terms and exact phrases (a synonym of several words, a grade «5 класс»)
    are scored a block at a time (:mod:`index.bm25`), anything else by its matchers, and the
    two summed, as the ``Or`` does.

    Among a few records, each alternative of an ``Or`` skips on its own and the scores are
    summed (what the ``Or`` scores): its union matcher would read, and check the word
    positions of, every record any alternative matches."""
    if among is None and scored:
        alternatives = _alternatives(q)
        blocks = [t for t in alternatives if isinstance(t, wq.Term) or bm25.exact_phrase(t)]
        by_blocks = _block_scores(searcher, blocks) if blocks else None
        if by_blocks is not None:
            rest = [t for t in alternatives if t not in blocks]
            if rest:
                for doc, score in _scores(searcher, wq.Or(rest)).items():
                    by_blocks[doc] = by_blocks.get(doc, 0.0) + score
            return by_blocks
    if among is None and not scored:
        alternatives = _alternatives(q)
        terms = [t for t in alternatives if isinstance(t, wq.Term)]
        phrases = [p for p in alternatives if bm25.exact_phrase(p)]
        if len(terms) + len(phrases) == len(alternatives) and (
            not phrases or bm25.applies(searcher, [], phrases)
        ):  # a grade: «5» or «5 класс»
            docs = bm25.term_docs(searcher, terms)
            if phrases:
                docs.update(bm25.phrase_scores(searcher, phrases))
            return dict.fromkeys(docs, 0.0)
    if among is not None and scored and bm25.phrase(q) and bm25.applies(searcher, [], [q]):
        return bm25.phrase_scores(searcher, [q], among)
    if among is not None and isinstance(q, wq.Or) and scored:
        summed: dict[int, float] = {}
        for alternative in q.subqueries:
            for doc, score in _scores(searcher, alternative, among).items():
                summed[doc] = summed.get(doc, 0.0) + score * q.boost
        return summed
    found: dict[int, float] = {}
    context = searcher.context() if scored else searcher.boolean_context()
    for leaf, offset in searcher.leaf_searchers():
        matcher = q.matcher(leaf, context)
        if not scored:
            found.update(dict.fromkeys((doc + offset for doc in matcher.all_ids()), 0.0))
            continue
        if among is None:
            while matcher.is_active():
                found[matcher.id() + offset] = matcher.score()
                matcher.next()
            continue
        for doc in among:
            if doc < offset or not matcher.is_active():
                continue
            if matcher.id() < doc - offset:
                matcher.skip_to(doc - offset)
            if matcher.is_active() and matcher.id() == doc - offset:
                found[doc] = matcher.score()
    return found


def _saturate(evidence: F) -> F:
    return evidence / (evidence + SATURATION)
