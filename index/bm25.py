"""BM25F scores of a word's per-field terms and of exact phrases, a postings block at a time
(numpy).

The ranking (:mod:`index.ranking`) scores every record a word matches. Whoosh does that one
posting at a time through a tree of union matchers over the word's seven field terms (several
Python calls per posting). This module computes the same sums — Whoosh's BM25F formula with
its idf, average field length, quantised field lengths and each term's boost — over whole
postings blocks and length columns. A phrase (a synonym of several words, a grade «5 класс»,
a quoted phrase) scores as Whoosh's does — its words' scores summed, times its boost, in the
records where the words stand one after another — but the records holding all its words are
found from the postings first, and only their positions are read (Whoosh builds and merges
span objects for every posting). It reads Whoosh 3's segment internals (the version is pinned
in ``pyproject.toml``); ``tests/test_search_scoring.py`` checks its scores against Whoosh's own.
The catalogue's searcher (:class:`CatalogueSearcher`) averages the file-name field's length over
the records that have a file.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial, reduce
from itertools import accumulate
from operator import add
from pickle import loads
from typing import Any, TypeGuard, cast

import numpy as np
import numpy.typing as npt
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.formats import Positions
from whoosh.matching.wrappers import FilterMatcher
from whoosh.scoring import BM25F
from whoosh.searching import Searcher
from whoosh.system import _INT_SIZE
from whoosh.util.numeric import byte_to_length

# Fields only records with files have: their average length is over the records that have one.
FILE_FIELDS = frozenset({"filename"})
_NEXT = partial(add, 1)
_BYTE_LENGTH = np.array([byte_to_length(i) for i in range(256)], dtype=np.float64)
# segment reader -> field -> each document's field length, as Whoosh's scorer sees it
_LENGTHS: weakref.WeakKeyDictionary[Any, dict[str, npt.NDArray[np.float64]]] = (
    weakref.WeakKeyDictionary()
)


def applies(searcher: Any, terms: list[wq.Term], phrases: Sequence[wq.Phrase] = ()) -> bool:
    """Whether the terms and phrases can be scored here: plain BM25F, scorable text fields
    (with Whoosh's plain word positions, for the phrases)."""
    weighting = searcher.weighting
    schema = searcher.schema
    words = [wq.Term(p.fieldname, word) for p in phrases for word in p.words]
    return bool(terms or phrases) and (
        type(weighting) is BM25F
        and not weighting._field_B
        and all(schema[t.fieldname].scorable for t in [*terms, *words])
        and all(type(schema[p.fieldname].format) is Positions for p in phrases)
    )


def exact_phrase(q: wq.Query) -> TypeGuard[wq.Phrase]:
    """Whether ``q`` is a phrase of words standing one after another."""
    return isinstance(q, wq.Phrase) and q.slop == 1 and len(q.words) > 1


def phrase(q: wq.Query) -> TypeGuard[wq.Phrase]:
    """Whether ``q`` is a phrase (of several words, in order, ``slop`` apart at most)."""
    return isinstance(q, wq.Phrase) and q.slop >= 1 and len(q.words) > 1


def term_scores(searcher: Any, terms: list[wq.Term]) -> dict[int, float]:
    """{docnum: summed score} of the records any of ``terms`` is in (what their ``Or`` scores)."""
    found: dict[int, float] = {}
    for leaf, offset in searcher.leaf_searchers():
        reader = leaf.reader()
        total = np.zeros(reader.doc_count_all(), dtype=np.float64)
        hit = np.zeros(reader.doc_count_all(), dtype=bool)
        for term in terms:
            text = searcher.schema[term.fieldname].to_bytes(term.text)
            if (term.fieldname, text) not in reader:
                continue
            postings = _postings(reader, term.fieldname, text)
            score = _scored(searcher, reader, term.fieldname, text, postings)
            total[postings.ids] += score * term.boost if term.boost != 1.0 else score
            hit[postings.ids] = True
        docs = np.flatnonzero(hit)
        found.update(zip((docs + offset).tolist(), total[docs].tolist(), strict=True))
    return found


def phrase_scores(
    searcher: Any, phrases: list[wq.Phrase], among: list[int] | None = None
) -> dict[int, float]:
    """{docnum: summed score} of the records (only those of the sorted ``among`` when given)
    any of the ``phrases`` is in (what their ``Or`` scores): in each, the phrase's words'
    scores summed, times its boost."""
    found: dict[int, float] = {}
    chosen = None if among is None else np.asarray(among, dtype=np.int64)
    for leaf, offset in searcher.leaf_searchers():
        reader = leaf.reader()
        total = np.zeros(reader.doc_count_all(), dtype=np.float64)
        hit = np.zeros(reader.doc_count_all(), dtype=bool)
        read: dict[tuple[str, bytes], _Postings] = {}
        for phrase in phrases:
            field = searcher.schema[phrase.fieldname]
            words = [field.to_bytes(word) for word in phrase.words]
            if any((phrase.fieldname, word) not in reader for word in words):
                continue
            postings = []
            for word in words:
                key = (phrase.fieldname, word)
                if key not in read:
                    read[key] = _postings(reader, phrase.fieldname, word, values=True)
                postings.append(read[key])
            common = reduce(_both, [p.ids for p in postings])
            if chosen is not None:
                common = _both(common, chosen - offset)
            if not common.size:
                continue
            where = [np.searchsorted(p.ids, common) for p in postings]
            positions = [
                [_positions(p.values[i]) for i in at.tolist()]
                for p, at in zip(postings, where, strict=True)
            ]
            kept = np.array(
                [_in_sequence(at, phrase.slop) for at in zip(*positions, strict=True)],
                dtype=bool,
            )
            if not kept.any():
                continue
            score = np.zeros(common.size, dtype=np.float64)
            for word, p, at in zip(words, postings, where, strict=True):
                score += _scored(searcher, reader, phrase.fieldname, word, p)[at]
            docs = common[kept]
            total[docs] += score[kept] * phrase.boost if phrase.boost != 1.0 else score[kept]
            hit[docs] = True
        docs = np.flatnonzero(hit)
        found.update(zip((docs + offset).tolist(), total[docs].tolist(), strict=True))
    return found


def term_docs(searcher: Any, terms: list[wq.Term]) -> set[int]:
    """The document numbers of the records any of ``terms`` is in (any field, unscored)."""
    found: set[int] = set()
    for leaf, offset in searcher.leaf_searchers():
        reader = leaf.reader()
        for term in terms:
            text = searcher.schema[term.fieldname].to_bytes(term.text)
            if (term.fieldname, text) in reader:
                found.update((_postings(reader, term.fieldname, text).ids + offset).tolist())
    return found


def _both(a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The document numbers in both ascending arrays of distinct numbers."""
    return np.intersect1d(a, b, assume_unique=True)


def _in_sequence(positions: tuple[list[int], ...], slop: int) -> bool:
    """Whether the words (each its positions in one record) stand in order, each at most
    ``slop`` positions after the one before (Whoosh's ``SpanNear2``: ordered, ``mindist`` 1)."""
    first, *rest = positions
    reached = set(first)
    for later in rest:
        if slop == 1:
            reached = set(map(_NEXT, reached)).intersection(later)
        else:
            reached = {q for q in later if any(q - gap in reached for gap in range(1, slop + 1))}
        if not reached:
            return False
    return True


def _positions(value: bytes) -> list[int]:
    """The positions a posting's value holds (Whoosh's ``Positions`` format: a count, then
    the pickled deltas)."""
    return list(accumulate(loads(value[_INT_SIZE:])))


def _scored(
    searcher: Any, reader: Any, fieldname: str, text: bytes, postings: _Postings
) -> npt.NDArray[np.float64]:
    """Whoosh's BM25F score (with the idf, without a boost) of a term at each of its
    postings."""
    weighting = searcher.weighting
    b, k1 = weighting.B, weighting.K1
    idf = searcher.idf(fieldname, text)
    avgfl = searcher.avg_field_length(fieldname) or 1
    fl = _lengths(reader, fieldname)[postings.ids]
    tf = postings.tf
    score: npt.NDArray[np.float64] = idf * (
        (tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / avgfl))
    )
    return score


@dataclass
class _Postings:
    """A term's live postings in one segment: document numbers (ascending), term frequencies
    and (when asked for) the encoded values holding the positions."""

    ids: npt.NDArray[np.int64]
    tf: npt.NDArray[np.float64]
    values: list[bytes]


def _postings(reader: Any, fieldname: str, text: bytes, values: bool = False) -> _Postings:
    """A term's live postings in one segment, its values too when ``values``."""
    matcher = reader.postings(fieldname, text)
    deleted = None
    if isinstance(matcher, FilterMatcher):
        matcher, deleted = matcher.child, reader.deleted_docs_set
    ids: list[npt.NDArray[np.int64]] = []
    weights: list[npt.NDArray[np.float64]] = []
    encoded: list[bytes] = []
    while matcher.is_active():  # a block at a time (W3LeafMatcher)
        matcher._read_ids()
        matcher._read_weights()
        ids.append(np.asarray(matcher._ids, dtype=np.int64))
        weights.append(np.asarray(matcher._weights, dtype=np.float64))
        if values:
            matcher._read_values()
            encoded.extend(matcher._values)
        matcher._next_block()
    if not ids:
        return _Postings(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64), [])
    all_ids, all_weights = np.concatenate(ids), np.concatenate(weights)
    if deleted:
        live = ~np.isin(all_ids, np.fromiter(deleted, dtype=np.int64))
        all_ids, all_weights = all_ids[live], all_weights[live]
        encoded = [v for v, keep in zip(encoded, live.tolist(), strict=False) if keep]
    return _Postings(all_ids, all_weights, encoded)


def _lengths(reader: Any, fieldname: str) -> npt.NDArray[np.float64]:
    """Each document's length of a field in one segment (Whoosh's one-byte quantisation)."""
    per_field = _LENGTHS.setdefault(reader, {})
    if fieldname not in per_field:
        codes = np.zeros(reader.doc_count_all(), dtype=np.uint8)
        column = reader._perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
        if column is not None and column._count:
            raw = column._dbfile.get(column._basepos, column._count)
            codes[: column._count] = np.frombuffer(raw, dtype=np.uint8)
        per_field[fieldname] = _BYTE_LENGTH[codes]
    return per_field[fieldname]


_AVERAGE: Any = Searcher.avg_field_length  # Whoosh's own: over all records


class CatalogueSearcher(Searcher):
    """A Whoosh searcher whose average length of a :data:`FILE_FIELDS` field is taken over the
    records that have one. Over all records, records without a file (the rows of a federal
    list of textbooks) made every file name look many times longer than average, and BM25F's
    length normalisation left a name that reads as a title («terminy_po_istorii») almost
    nothing. Whoosh's scorers and :func:`term_scores` both ask the top searcher, so they
    agree."""

    def avg_field_length(self, fieldname: str, default: float | None = None) -> float | None:
        """The average length of a field: over the records that have it for a file field."""
        me: Any = self
        if fieldname not in FILE_FIELDS or not me.schema[fieldname].scorable:
            return cast(float | None, _AVERAGE(me, fieldname, default))
        if me.has_parent():
            return cast(float | None, me.get_parent().avg_field_length(fieldname, default))
        averages: dict[str, float] = me.__dict__.setdefault("_file_averages", {})
        if fieldname not in averages:
            having = sum(
                int(np.count_nonzero(_lengths(leaf.reader(), fieldname)))
                for leaf, _ in me.leaf_searchers()
            )
            averages[fieldname] = float(me.field_length(fieldname)) / max(having, 1)
        return averages[fieldname]
