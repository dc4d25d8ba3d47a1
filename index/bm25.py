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
span objects for every posting), then checked for all of them at once. A common word's
postings and positions come from the arrays saved beside its segment
(:mod:`index.posting_arrays`), a rarer word's from Whoosh's blocks. It reads Whoosh 3's
segment internals (the version is pinned in ``pyproject.toml``);
``tests/test_search_scoring.py`` checks its scores against Whoosh's own.
The catalogue's searcher (:class:`CatalogueSearcher`) averages the file-name field's length over
the records that have a file.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import reduce
from itertools import chain
from typing import Any, TypeGuard, cast

import numpy as np
import numpy.typing as npt
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.formats import Positions
from whoosh.matching.wrappers import FilterMatcher
from whoosh.scoring import BM25F
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from index import posting_arrays

# Fields only records with files have: their average length is over the records that have one.
FILE_FIELDS = frozenset({"filename"})
_ROW_SHIFT = 32  # a word's place packs the record's row above its position
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
            postings = _postings(reader, term.fieldname, text)
            if postings is None:
                continue
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
        read: dict[tuple[str, bytes], _Postings | None] = {}
        for phrase in phrases:
            field = searcher.schema[phrase.fieldname]
            words = [field.to_bytes(word) for word in phrase.words]
            postings = []
            for word in words:
                key = (phrase.fieldname, word)
                if key not in read:
                    read[key] = _postings(reader, phrase.fieldname, word)
                if (known := read[key]) is None:
                    break
                postings.append(known)
            if len(postings) < len(words):
                continue
            common = reduce(_both, [p.ids for p in postings])
            if chosen is not None:
                common = _both(common, chosen - offset)
            if not common.size:
                continue
            where = [np.searchsorted(p.ids, common) for p in postings]
            places = [
                _places(reader, phrase.fieldname, word, p, at, common)
                for word, p, at in zip(words, postings, where, strict=True)
            ]
            kept = _in_sequence(places, phrase.slop, common.size)
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
            if (postings := _postings(reader, term.fieldname, text)) is not None:
                found.update((postings.ids + offset).tolist())
    return found


def _both(a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The document numbers in both ascending arrays of distinct numbers."""
    return np.intersect1d(a, b, assume_unique=True)


def _in_sequence(
    places: list[npt.NDArray[np.int64]], slop: int, size: int
) -> npt.NDArray[np.bool_]:
    """Which of ``size`` records hold the words in order, each at most ``slop`` positions after
    the one before (Whoosh's ``SpanNear2``: ordered, ``mindist`` 1); ``places`` holds each
    word's (record row, position) pairs as :func:`_places` packs them (ascending)."""
    first, *rest = places
    reached = first
    for later in rest:
        after = reached + 1 if slop == 1 else np.unique(reached[:, None] + np.arange(1, slop + 1))
        reached = later[_within(later, after)]
        if not reached.size:
            break
    kept = np.zeros(size, dtype=np.bool_)
    kept[reached >> _ROW_SHIFT] = True
    return kept


def _within(values: npt.NDArray[np.int64], ordered: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """Which of ``values`` are in the ascending array ``ordered`` (a binary search each:
    ``numpy.isin`` sorts both arrays)."""
    if not ordered.size:
        return np.zeros(values.size, dtype=np.bool_)
    at = np.minimum(np.searchsorted(ordered, values), ordered.size - 1)
    found: npt.NDArray[np.bool_] = ordered[at] == values
    return found


def _places(
    reader: Any,
    fieldname: str,
    text: bytes,
    postings: _Postings,
    at: npt.NDArray[np.int64],
    docs: npt.NDArray[np.int64],
) -> npt.NDArray[np.int64]:
    """A word's positions in the records ``docs`` (its postings ``at`` of ``postings``), each
    packed with the record's row in ``docs`` as ``row << 32 | position``: from the saved
    arrays, or decoded from Whoosh's blocks for a rarer word."""
    if postings.positions is None or postings.starts is None or postings.counts is None:
        found = [
            posting_arrays.decode_positions(value)
            for value in _values_at(reader, fieldname, text, docs)
        ]
        counts = np.fromiter(map(len, found), dtype=np.int64, count=len(found))
        where = np.fromiter(chain.from_iterable(found), dtype=np.int64, count=int(counts.sum()))
    else:
        counts = postings.counts[at]
        firsts = postings.starts[at]
        total = int(counts.sum())
        offsets = np.arange(total, dtype=np.int64) + np.repeat(
            firsts - (np.cumsum(counts) - counts), counts
        )
        where = postings.positions()[offsets].astype(np.int64)
    rows = np.repeat(np.arange(len(docs), dtype=np.int64), counts)
    packed: npt.NDArray[np.int64] = (rows << _ROW_SHIFT) | where
    return packed


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
    """A term's live postings in one segment: document numbers (ascending) and term
    frequencies; for a word saved beside its segment, each posting's first position in
    ``positions()`` (read when called) and how many it has."""

    ids: npt.NDArray[np.int64]
    tf: npt.NDArray[np.float64]
    starts: npt.NDArray[np.int64] | None = None
    counts: npt.NDArray[np.int64] | None = None
    positions: Callable[[], npt.NDArray[np.int32]] | None = None


def _postings(reader: Any, fieldname: str, text: bytes) -> _Postings | None:
    """A term's live postings in one segment (None when the segment does not have it): a
    common word's from the arrays saved beside the segment (:mod:`index.posting_arrays`), a
    rarer one's from Whoosh's blocks."""
    saved = posting_arrays.of(reader)
    found = saved.get(fieldname, text) if saved is not None else None
    if found is None:
        if (saved is not None and saved.complete(fieldname)) or (fieldname, text) not in reader:
            return None
        block, _ = posting_arrays.read(reader, fieldname, text)
        postings = _Postings(block["doc"].astype(np.int64), block["tf"].astype(np.float64))
    else:
        postings = _Postings(found.ids, found.tf, found.starts, found.counts, found.positions)
    if not reader.has_deletions():
        return postings
    live = ~np.isin(postings.ids, np.fromiter(reader.deleted_docs_set, dtype=np.int64))
    return _Postings(
        postings.ids[live],
        postings.tf[live],
        None if postings.starts is None else postings.starts[live],
        None if postings.counts is None else postings.counts[live],
        postings.positions,
    )


def _values_at(reader: Any, fieldname: str, text: bytes, docs: npt.NDArray[np.int64]) -> list[Any]:
    """A term's posting values (the encoded positions) in the records ``docs`` (ascending,
    each holding the term) of one segment: only the blocks holding them are read."""
    matcher = reader.postings(fieldname, text)
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    wanted = docs.tolist()
    out: list[Any] = []
    while matcher.is_active() and len(out) < len(wanted):
        if matcher._maxid >= wanted[len(out)]:  # the block holds the next record wanted
            matcher._read_ids()
            matcher._read_values()
            at = {doc: n for n, doc in enumerate(matcher._ids)}
            while len(out) < len(wanted) and wanted[len(out)] <= matcher._maxid:
                out.append(matcher._values[at[wanted[len(out)]]])
        matcher._next_block()
    return out


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
