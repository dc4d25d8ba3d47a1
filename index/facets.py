"""Facet filters and counts over sets of document numbers.

Values of one facet combine with OR, different facets with AND, and each facet's counts are
computed without that facet's own selection (choosing «Математика» still shows how many hits
the other subjects have). The value → documents table is built once per index generation.
"""

from __future__ import annotations

from typing import Any

from whoosh.reading import IndexReader

from catalogue import vocabularies
from index.names import FACETS


class FacetTable:
    """For each facet, the documents holding each value, for one index generation."""

    def __init__(self, reader: IndexReader, generation: int) -> None:
        self.generation = generation
        self.values: dict[str, dict[str, frozenset[int]]] = {}
        names = set(reader.indexed_field_names())
        for facet in FACETS:
            table: dict[str, frozenset[int]] = {}
            if facet in names:
                for term in reader.field_terms(facet):
                    if term:
                        table[term] = frozenset(reader.postings(facet, term).all_ids())
            self.values[facet] = table

    def selection(self, filters: dict[str, list[str]]) -> dict[str, set[int]]:
        """Each filtered facet's accepted documents (the OR of its chosen values)."""
        return {
            facet: set().union(*(self.values[facet].get(v, frozenset()) for v in chosen))
            for facet, chosen in filters.items()
        }

    def counts(self, matched: set[int], selected: dict[str, set[int]]) -> dict[str, dict[str, Any]]:
        """Hit counts per facet value, each facet ignoring its own selection."""
        out = {}
        for facet in FACETS:
            others = [docs for name, docs in selected.items() if name != facet]
            base = matched.intersection(*others) if others else matched
            counts = {v: len(docs & base) for v, docs in self.values[facet].items()}
            counts = {v: n for v, n in counts.items() if n}
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
