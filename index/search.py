"""Searching the index: query parsing that never raises, facet filters and counts, paging,
sorting, and highlighted snippets.

Facet semantics: values of one facet combine with OR, different facets with AND, and each
facet's counts ignore that facet's own selection (choosing «Математика» still shows how many
hits the other subjects have).
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from whoosh import highlight
from whoosh.qparser import AndGroup, MultifieldParser, OrGroup
from whoosh.query import Every, Query

from catalogue import vocabularies
from index.schema import FACETS, FIELD_BOOSTS, TEXT_FIELDS

if TYPE_CHECKING:
    from index.engine import CatalogueIndex

SORTS = ("relevance", "date", "title")
MAX_QUERY = 500
SNIPPET_CHARS = 240
HIGHLIGHT_TEXT_LIMIT = 200_000


@dataclass
class Hit:
    """One found record, as a result list shows it."""

    id: str
    kind: str
    title: str
    score: float
    sources: list[str]
    snippet: str  # HTML: escaped text with <mark> around matched words
    authors: list[str] = field(default_factory=list)
    organisation: str = ""
    subjects: list[str] = field(default_factory=list)
    grades: list[str] = field(default_factory=list)
    year: int | None = None
    resource_type: str = ""
    status: str = ""


@dataclass
class SearchResult:
    """A page of hits with the total and the facet counts."""

    query: str
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    page: int = 1
    page_size: int = 10
    sort: str = "relevance"
    filters: dict[str, list[str]] = field(default_factory=dict)
    corrected: str | None = None
    elapsed_ms: float = 0.0

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))

    def to_json(self) -> dict[str, Any]:
        """The JSON object of the ``imk search --json`` contract (PRODUCT §6)."""
        return {
            "query": self.query,
            "corrected": self.corrected,
            "total": self.total,
            "hits": [
                {
                    "id": h.id,
                    "kind": h.kind,
                    "title": h.title,
                    "score": round(h.score, 4),
                    "sources": h.sources,
                    "snippet": h.snippet,
                }
                for h in self.hits
            ],
            "facets": self.facets,
        }

    def as_dict(self) -> dict[str, Any]:
        """Everything, including paging and each hit's metadata."""
        return {**asdict(self), "pages": self.pages}


def facet_label(facet: str, value: str) -> str:
    """How a facet value is shown to people (status code → «опубликовано», grade 5 → «5 класс»)."""
    vocab = {"kind": "kinds", "status": "statuses", "grade": "grades", "level": "levels"}.get(facet)
    if vocab is None:
        return value
    term = vocabularies.get(vocab).resolve(value)
    if term is None:
        return value
    return term.name if facet in ("kind", "status") else term.label


def plain_words(text: str) -> str:
    """The words of a query with every bit of syntax removed."""
    return " ".join(re.findall(r"\w+", text))


def parse(query: str, schema, group=AndGroup) -> Query:
    """Parse a user query; syntax the parser chokes on is searched as plain words."""
    parser = MultifieldParser(list(TEXT_FIELDS), schema, fieldboosts=FIELD_BOOSTS, group=group)
    try:
        return parser.parse(query)
    except Exception:
        return parser.parse(plain_words(query))


def _facet_docs(index: CatalogueIndex, searcher) -> dict[str, dict[str, set[int]]]:
    """For each facet, the documents holding each value (cached per index generation)."""
    generation = index.ix.latest_generation()
    if index._facet_cache and index._facet_cache[0] == generation:
        return index._facet_cache[1]
    reader = searcher.reader()
    table: dict[str, dict[str, set[int]]] = {}
    for facet in FACETS:
        values: dict[str, set[int]] = {}
        if facet in reader.indexed_field_names():
            for term in reader.field_terms(facet):
                values[term] = set(reader.postings(facet, term).all_ids())
        table[facet] = values
    index._facet_cache = (generation, table)
    return table


def _matching(searcher, q: Query) -> set[int]:
    if isinstance(q, Every):
        reader = searcher.reader()
        return {d for d in reader.all_doc_ids()}
    return set(searcher.search(q, limit=None, scored=False).docs())


def search(
    index: CatalogueIndex,
    query: str = "",
    filters: dict[str, list[str]] | None = None,
    sort: str = "relevance",
    page: int = 1,
    page_size: int = 10,
) -> SearchResult:
    """Search the index.

    ``filters`` maps facet names (:data:`index.schema.FACETS`) to the accepted values.
    ``sort`` is ``relevance``, ``date`` (newest first) or ``title``. Never raises on the
    query text: what the parser cannot read is searched as plain words.
    """
    started = time.perf_counter()
    index.sync(wait=1.0)
    query = (query or "")[:MAX_QUERY]
    filters = clean_filters(filters)
    sort = sort if sort in SORTS else "relevance"
    page, page_size = max(1, int(page)), max(1, min(int(page_size), 200))
    has_words = bool(plain_words(query))
    with index.ix.searcher() as searcher:
        q, matched, selected, final = _select(index, searcher, query, filters)
        table = _facet_docs(index, searcher)
        facets = {}
        for facet in FACETS:
            others = [docs for name, docs in selected.items() if name != facet]
            base = matched.intersection(*others) if others else matched
            counts = {v: len(docs & base) for v, docs in table[facet].items()}
            counts = {v: n for v, n in counts.items() if n and v}
            order = (lambda kv: kv[0]) if facet == "year" else (lambda kv: -kv[1])
            facets[facet] = dict(
                sorted(counts.items(), key=order, reverse=facet == "year")
            )
        hits: list[Hit] = []
        if final:
            hits = _page(index, searcher, q, final if selected else None, sort,
                         page, page_size, has_words)
    return SearchResult(
        query=query,
        total=len(final),
        hits=hits,
        facets=facets,
        page=page,
        page_size=page_size,
        sort=sort,
        filters=filters,
        elapsed_ms=(time.perf_counter() - started) * 1000,
    )


def clean_filters(filters: dict[str, list[str]] | None) -> dict[str, list[str]]:
    """Known facets with at least one value, values as strings."""
    return {k: [str(v) for v in vs] for k, vs in (filters or {}).items() if k in FACETS and vs}


def _select(index: CatalogueIndex, searcher, query: str, filters: dict[str, list[str]]):
    """The parsed query, the documents it matches, each facet's selected documents, and the
    documents that pass both (AND of all words first; any of them if that finds nothing)."""
    q = parse(query, index.ix.schema) if plain_words(query) else Every()
    matched = _matching(searcher, q)
    if not matched and len(plain_words(query).split()) > 1:
        q = parse(query, index.ix.schema, group=OrGroup.factory(0.9))
        matched = _matching(searcher, q)
    table = _facet_docs(index, searcher)
    selected = {
        facet: set().union(*(table[facet].get(v, set()) for v in values))
        for facet, values in filters.items()
    }
    final = matched.intersection(*selected.values()) if selected else matched
    return q, matched, selected, final


def find_ids(
    index: CatalogueIndex, query: str, filters: dict[str, list[str]] | None = None,
    limit: int = 1000,
) -> list[str]:
    """Ids of up to ``limit`` records the query finds, best first (no snippets, no facets)."""
    index.sync(wait=1.0)
    with index.ix.searcher() as searcher:
        q, _, selected, final = _select(index, searcher, (query or "")[:MAX_QUERY],
                                        clean_filters(filters))
        if not final:
            return []
        options: dict[str, Any] = {"limit": limit, "filter": final if selected else None}
        if isinstance(q, Every):
            options.update(sortedby="date_sort", reverse=True)
        return [hit["id"] for hit in searcher.search(q, **options)]


def _page(index, searcher, q, allowed, sort, page, page_size, has_words) -> list[Hit]:
    options: dict[str, Any] = {"pagelen": page_size}
    if allowed is not None:
        options["filter"] = allowed
    if sort == "date" or (sort == "relevance" and isinstance(q, Every)):
        options.update(sortedby="date_sort", reverse=True)
    elif sort == "title":
        options["sortedby"] = "title_sort"
    results = searcher.search_page(q, page, **options)
    scored = "sortedby" not in options
    results.results.formatter = highlight.HtmlFormatter(tagname="mark", between=" … ")
    results.results.fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=60)
    page_hits = list(results)
    texts = index.store.texts(h for hit in page_hits for h in hit.get("hashes") or [])
    hits = []
    for hit in page_hits:
        stored = hit.fields()
        content = "\n\n".join(texts.get(h, "") for h in stored.get("hashes") or [])
        hits.append(
            Hit(
                id=stored["id"],
                kind=stored["kind"],
                title=stored["title"],
                score=float(hit.score) if scored else 0.0,
                sources=list(stored.get("sources") or []),
                snippet=_snippet(hit, stored, content, has_words),
                authors=[a for a in stored.get("authors", "").split("; ") if a],
                organisation=stored.get("organisation", ""),
                subjects=_split(stored.get("subject")),
                grades=_split(stored.get("grade")),
                year=int(stored["year"]) if stored.get("year") else None,
                resource_type=stored.get("resource_type", ""),
                status=stored.get("status", ""),
            )
        )
    return hits


def _split(value: str | None) -> list[str]:
    return [v for v in (value or "").split(",") if v]


def _snippet(hit, stored: dict, content: str, has_query: bool) -> str:
    """Highlighted words from the annotation, else the attachments' text, else the plain start."""
    if has_query:
        for name, text in (
            ("annotation", stored.get("annotation", "")),
            ("content", content[:HIGHLIGHT_TEXT_LIMIT]),
        ):
            if text:
                found = hit.highlights(name, text=text, top=2)
                if found:
                    return found
    text = " ".join((stored.get("annotation") or content).split())
    if len(text) > SNIPPET_CHARS:
        text = text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + "…"
    return highlight.htmlescape(text)
