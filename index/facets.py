"""Facet filters and counts over arrays of document numbers.

Values of one facet combine with OR, different facets with AND, and each facet's counts are
computed without that facet's own selection (choosing «Математика» still shows how many hits
the other subjects have).

The value tables are kept per index segment: a segment never changes once written, so its
table (each facet's values, and the (document, value) pairs as two arrays) is built once from
its postings and saved beside it as ``MAIN_<segment>.facets.npz`` (Whoosh deletes the file
with its segment). A searcher's table joins its segments' tables; counting is one
``numpy.bincount`` per facet over the documents found.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh.reading import IndexReader

from catalogue import vocabularies
from index.names import FACETS

Ints = npt.NDArray[np.int32]
Mask = npt.NDArray[np.bool_]
SUFFIX = ".facets.npz"


@dataclass(frozen=True)
class Column:
    """One facet over some documents: its values and the (document, value code) pairs."""

    values: list[str]
    docs: Ints
    codes: Ints


def segment_columns(reader: IndexReader) -> dict[str, Column]:
    """Each facet's column of one segment, read from its postings (local document numbers)."""
    names = set(reader.indexed_field_names())
    out = {}
    for facet in FACETS:
        values: list[str] = []
        docs: list[Ints] = []
        if facet in names:
            for term in reader.field_terms(facet):
                if term:
                    values.append(term)
                    docs.append(np.fromiter(reader.postings(facet, term).all_ids(), np.int32))
        codes = [np.full(len(d), code, np.int32) for code, d in enumerate(docs)]
        out[facet] = Column(
            values,
            np.concatenate(docs) if docs else np.empty(0, np.int32),
            np.concatenate(codes) if codes else np.empty(0, np.int32),
        )
    return out


def _save(path: Path, columns: dict[str, Column]) -> None:
    """Every facet's columns in five arrays (fewer arrays load faster): the documents and codes
    one facet after another, the values likewise, and where each facet's part starts."""
    ordered = [columns[facet] for facet in FACETS]
    arrays: dict[str, Any] = {
        "docs": np.concatenate([c.docs for c in ordered]).astype(np.int32),
        "codes": np.concatenate([c.codes for c in ordered]).astype(np.int32),
        "bounds": np.cumsum([0, *(len(c.docs) for c in ordered)]).astype(np.int64),
        "values": np.array([v for c in ordered for v in c.values], dtype=str),
        "value_bounds": np.cumsum([0, *(len(c.values) for c in ordered)]).astype(np.int64),
    }
    spare = path.with_name(f".{path.name}.{os.getpid()}")  # Whoosh ignores dot files
    with spare.open("wb") as out:
        np.savez(out, **arrays)
    spare.replace(path)


def _load(path: Path) -> dict[str, Column] | None:
    try:
        with np.load(path, allow_pickle=False) as data:
            docs, codes, values = data["docs"], data["codes"], data["values"].tolist()
            bounds, value_bounds = data["bounds"].tolist(), data["value_bounds"].tolist()
    except (OSError, KeyError, ValueError):
        return None
    if len(bounds) != len(FACETS) + 1 or len(value_bounds) != len(FACETS) + 1:
        return None  # saved for other facets: built again
    return {
        facet: Column(
            values[value_bounds[n] : value_bounds[n + 1]],
            docs[bounds[n] : bounds[n + 1]],
            codes[bounds[n] : bounds[n + 1]],
        )
        for n, facet in enumerate(FACETS)
    }


class SegmentTables:
    """The facet columns of an index's segments, by segment id: loaded from the file saved
    beside each segment, or built and saved when it is missing."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._known: dict[str, dict[str, Column]] = {}

    def of(self, segment_id: str, reader: IndexReader) -> dict[str, Column]:
        """The columns of one segment (``reader`` reads that segment alone)."""
        if segment_id not in self._known:
            path = self.folder / f"{segment_id}{SUFFIX}"
            columns = _load(path) if path.exists() else None
            if columns is None:
                columns = segment_columns(reader)
                with contextlib.suppress(OSError):  # a read-only index still searches
                    _save(path, columns)
            self._known[segment_id] = columns
        return self._known[segment_id]

    def table(self, reader: IndexReader) -> FacetTable:
        """The facet table of everything ``reader`` reads (all its segments)."""
        leaves = [
            (segment.segment_id(), r, base)
            for r, base in reader.leaf_readers()
            if (segment := r.segment()) is not None
        ]
        live = {segment_id for segment_id, _, _ in leaves}
        for gone in set(self._known) - live:
            del self._known[gone]
        parts = [(self.of(segment_id, r), base) for segment_id, r, base in leaves]
        return FacetTable(_join(parts), reader.doc_count_all())


def _join(parts: list[tuple[dict[str, Column], int]]) -> dict[str, Column]:
    if len(parts) == 1 and parts[0][1] == 0:
        return parts[0][0]
    out = {}
    for facet in FACETS:
        code_of: dict[str, int] = {}
        docs, codes = [], []
        for columns, base in parts:
            column = columns[facet]
            for value in column.values:
                code_of.setdefault(value, len(code_of))
            if not len(column.docs):
                continue
            remap = np.array([code_of[v] for v in column.values], np.int32)
            docs.append(column.docs + base)
            codes.append(remap[column.codes])
        out[facet] = Column(
            list(code_of),
            np.concatenate(docs) if docs else np.empty(0, np.int32),
            np.concatenate(codes) if codes else np.empty(0, np.int32),
        )
    return out


class FacetTable:
    """For each facet of a searcher's documents, which documents hold which value."""

    def __init__(self, columns: dict[str, Column], size: int) -> None:
        self.columns = columns
        self.size = size  # documents, deleted ones included (document numbers < size)

    def mask(self, docs: list[int]) -> Mask:
        """The documents ``docs`` as a mask over every document number."""
        out = np.zeros(self.size, np.bool_)
        out[np.fromiter(docs, np.int64, len(docs))] = True
        return out

    def selection(self, filters: dict[str, list[str]]) -> dict[str, Mask]:
        """Each filtered facet's accepted documents (the OR of its chosen values), as masks."""
        out = {}
        for facet, chosen in filters.items():
            column = self.columns[facet]
            wanted = [code for code, value in enumerate(column.values) if value in chosen]
            accepted = np.zeros(self.size, np.bool_)
            accepted[column.docs[np.isin(column.codes, wanted)]] = True
            out[facet] = accepted
        return out

    def counts(self, matched: Mask, selected: dict[str, Mask]) -> dict[str, dict[str, Any]]:
        """Hit counts per facet value, each facet ignoring its own selection."""
        out = {}
        for facet in FACETS:
            base = matched
            for name, accepted in selected.items():
                if name != facet:
                    base = base & accepted
            column = self.columns[facet]
            found = np.bincount(column.codes[base[column.docs]], minlength=len(column.values))
            counts = {column.values[c]: int(found[c]) for c in np.flatnonzero(found)}
            if facet == "year":
                out[facet] = dict(sorted(counts.items(), reverse=True))
            else:
                out[facet] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        return out


def clean_filters(filters: dict[str, list[str]] | None) -> dict[str, list[str]]:
    """Known facets with at least one value, values as strings."""
    return {k: [str(v) for v in vs] for k, vs in (filters or {}).items() if k in FACETS and vs}


def facet_label(facet: str, value: str) -> str:
    """How a facet value is shown to people (status code → «опубликовано», grade 5 → «5 класс»)."""
    return vocabularies.coded_label(facet, value)
