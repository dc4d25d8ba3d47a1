"""BM25F scores of a word's per-field terms, a postings block at a time (numpy).

The ranking (:mod:`index.ranking`) scores every record a word matches. Whoosh does that one
posting at a time through a tree of union matchers over the word's seven field terms (several
Python calls per posting). This module computes the same sums — Whoosh's BM25F formula with
its idf, average field length, quantised field lengths and each term's boost — over whole
postings blocks and length columns. It reads Whoosh 3's segment internals (the version is
pinned in ``pyproject.toml``); ``tests/test_index.py`` checks its scores against Whoosh's own.
The catalogue's searcher (:class:`CatalogueSearcher`) averages the file-name field's length over
the records that have a file.
"""

from __future__ import annotations

import weakref
from typing import Any, cast

import numpy as np
import numpy.typing as npt
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.matching.wrappers import FilterMatcher
from whoosh.scoring import BM25F
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

# Fields only records with files have: their average length is over the records that have one.
FILE_FIELDS = frozenset({"filename"})
_BYTE_LENGTH = np.array([byte_to_length(i) for i in range(256)], dtype=np.float64)
# segment reader -> field -> each document's field length, as Whoosh's scorer sees it
_LENGTHS: weakref.WeakKeyDictionary[Any, dict[str, npt.NDArray[np.float64]]] = (
    weakref.WeakKeyDictionary()
)


def applies(searcher: Any, terms: list[wq.Term]) -> bool:
    """Whether the terms can be scored here: plain BM25F, scorable text fields."""
    weighting = searcher.weighting
    return bool(terms) and (
        type(weighting) is BM25F
        and not weighting._field_B
        and all(searcher.schema[t.fieldname].scorable for t in terms)
    )


def term_scores(searcher: Any, terms: list[wq.Term]) -> dict[int, float]:
    """{docnum: summed score} of the records any of ``terms`` is in (what their ``Or`` scores)."""
    weighting = searcher.weighting
    b, k1 = weighting.B, weighting.K1
    found: dict[int, float] = {}
    for leaf, offset in searcher.leaf_searchers():
        reader = leaf.reader()
        total = np.zeros(reader.doc_count_all(), dtype=np.float64)
        hit = np.zeros(reader.doc_count_all(), dtype=bool)
        for term in terms:
            field = searcher.schema[term.fieldname]
            text = field.to_bytes(term.text)
            if (term.fieldname, text) not in reader:
                continue
            ids, tf = _postings(reader, term.fieldname, text)
            idf = searcher.idf(term.fieldname, text)
            avgfl = searcher.avg_field_length(term.fieldname) or 1
            fl = _lengths(reader, term.fieldname)[ids]
            score = idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / avgfl)))
            total[ids] += score * term.boost if term.boost != 1.0 else score
            hit[ids] = True
        docs = np.flatnonzero(hit)
        found.update(zip((docs + offset).tolist(), total[docs].tolist(), strict=True))
    return found


def _postings(
    reader: Any, fieldname: str, text: bytes
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Document numbers and term frequencies of a term's live postings in one segment."""
    matcher = reader.postings(fieldname, text)
    deleted = None
    if isinstance(matcher, FilterMatcher):
        matcher, deleted = matcher.child, reader.deleted_docs_set
    ids: list[npt.NDArray[np.int64]] = []
    weights: list[npt.NDArray[np.float64]] = []
    while matcher.is_active():  # a block at a time (W3LeafMatcher)
        matcher._read_ids()
        matcher._read_weights()
        ids.append(np.asarray(matcher._ids, dtype=np.int64))
        weights.append(np.asarray(matcher._weights, dtype=np.float64))
        matcher._next_block()
    if not ids:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    all_ids, all_weights = np.concatenate(ids), np.concatenate(weights)
    if deleted:
        live = ~np.isin(all_ids, np.fromiter(deleted, dtype=np.int64))
        all_ids, all_weights = all_ids[live], all_weights[live]
    return all_ids, all_weights


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
