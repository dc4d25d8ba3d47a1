"""Searching: one scored pass over the index, then facets, sorting, paging and snippets.

When the query as typed finds nothing, the search repairs it in this order and says so in
``corrected``: the other keyboard layout («hjlbntkmcrjt» → «родительское»), then typos fixed
from the catalogue's own words («матиматика» → «математика»), then both, and finally any of the
words instead of all of them. Query syntax is described in :mod:`index.query`; it never raises.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol

from whoosh import highlight
from whoosh import query as wq
from whoosh.fields import Schema
from whoosh.qparser import AndGroup, OrGroup
from whoosh.searching import Hit as WhooshHit
from whoosh.searching import Results, Searcher

from catalogue.storage.common import typed_id
from index.facets import FacetTable, Mask, clean_filters, facet_label
from index.forms import known
from index.names import SORTS
from index.query import Plan, plan, proximity_bonus, to_query, units
from index.ranking import Unit, ranked_terms, unit_ranking
from index.spelling import TermSource, WhooshTerms, correct, layout_and_typos, layout_fix

if TYPE_CHECKING:
    from index.engine import CatalogueIndex

__all__ = ["SORTS", "Hit", "SearchResult", "facet_label", "find_ids", "search"]

MAX_QUERY = 500
SNIPPET_CHARS = 240
WINDOW_CHARS = 1200  # of an attachment's text, around the first match, for highlighting
FEW = 3  # fewer hits than this: suggest a spelling correction


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
    levels: list[str] = field(default_factory=list)
    year: int | None = None
    resource_type: str = ""
    status: str = ""


Request = tuple[str, dict[str, list[str]], str, int, int]  # query, filters, sort, page, size


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
    corrected: str | None = None  # the query actually searched, when the search changed it
    suggestion: str | None = None  # «возможно, вы имели в виду», when few hits were found
    elapsed_ms: float = 0.0

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))

    def to_json(self) -> dict[str, Any]:
        """The JSON object of ``imk search --json`` (README.md; tests/test_cli.py checks it)."""
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


@dataclass
class Run:
    results: Any  # what highlighting needs: Whoosh Results, or the query searched
    ranked: list[tuple[float, Any]]  # (score, record) of every record found, best first
    corrected: str | None = None
    suggestion: str | None = None
    unknown: bool = False  # a word of the query is in no record (worth a spelling repair)
    total: int | None = None  # records found, when ``ranked`` holds only the best of them

    @property
    def matched(self) -> list[Any]:
        return [doc for _, doc in self.ranked]

    @property
    def found(self) -> int:
        """How many records the query found."""
        return len(self.ranked) if self.total is None else self.total


def _execute(searcher: Searcher, q: wq.Query) -> Results:
    if isinstance(q, wq.Every):
        return searcher.search(q, limit=None, sortedby="date_sort", reverse=True)
    return searcher.search(q, limit=None)


def _attempt(
    searcher: Searcher,
    schema: Schema,
    table: FacetTable,
    text: str,
    loose: bool = False,
    optional_clauses: bool = False,
) -> tuple[Plan, Run]:
    """Search ``text`` once. A plain query of several words ranks by how much of it a record
    matches (:mod:`index.ranking`); ``loose`` accepts any of its words."""
    the_plan = plan(text)
    parts = units(the_plan, schema)
    if len(parts) < 2:
        group = OrGroup.factory(0.9) if loose else AndGroup
        q = to_query(the_plan, schema, group, optional_clauses)
        ranked = ranked_terms(searcher, q)
        if ranked is not None:  # one word: scored a postings block at a time
            # found only through its other forms, it may be a typo: the repair may try it
            unknown = not known(q, searcher.reader())
            return the_plan, Run(Results(searcher, q, []), ranked, unknown=unknown)
        results = _execute(searcher, q)
        return the_plan, Run(results, [(s or 0.0, d) for s, d in results.top_n])
    if the_plan.clauses and not optional_clauses:
        parts = [replace(u, query=wq.And([u.query, *the_plan.clauses])) for u in parts]
    elif the_plan.clauses:
        parts.append(Unit(wq.Or(the_plan.clauses), fact=True))
    q = wq.Or([u.query for u in parts])
    ranked, unknown = unit_ranking(searcher, table, parts, proximity_bonus(the_plan.text), loose)
    # the query itself only serves highlighting: no need to score it once more
    return the_plan, Run(Results(searcher, q, []), ranked, unknown=unknown)


def _by_id(searcher: Searcher, query: str) -> Run | None:
    """The record a query that is a record number names («mat-000040», «MAT 40»), if any."""
    record_id = typed_id(query)
    if record_id is None:
        return None
    results = searcher.search(wq.Term("id", record_id), limit=1)
    if not results.top_n:
        return None
    return Run(results, [(1.0, doc) for _, doc in results.top_n])


def _run(searcher: Searcher, schema: Schema, table: FacetTable, query: str) -> Run:
    """:func:`repaired` over the Whoosh index (``table``: the searcher's facets)."""
    return repaired(
        lambda text, loose=False, optional_clauses=False: _attempt(
            searcher, schema, table, text, loose, optional_clauses
        ),
        lambda text: _by_id(searcher, text),
        WhooshTerms(searcher.reader()),
        query,
    )


class Attempt(Protocol):
    """Search a text once (see :func:`_attempt`)."""

    def __call__(
        self, text: str, loose: bool = False, optional_clauses: bool = False
    ) -> tuple[Plan, Run]: ...


def repaired(
    attempt: Attempt, by_id: Callable[[str], Run | None], terms: TermSource, query: str
) -> Run:
    """Search as typed; a record number finds that record; when nothing is found (or a word
    is in no record), let field clauses go, then repair layout, then typos, then accept any
    of the words. The one order of repairs, whichever backend ``attempt`` searches."""
    found = by_id(query)
    if found is not None:
        return found
    the_plan, run = attempt(query)
    words = the_plan.words
    if not run.found and words and the_plan.clauses:
        # «Мерзляк математика тип:учебник» with no such textbook: his books first
        _, relaxed = attempt(query, optional_clauses=True)
        if relaxed.found:
            return relaxed
    if (run.found and not run.unknown) or not words:
        if run.found < FEW:
            run.suggestion = correct(terms, query, words)
        return run
    for repair in (layout_fix, correct, layout_and_typos):
        fixed = repair(terms, query, words)
        if fixed:
            fixed_plan, fixed_run = attempt(fixed)
            if fixed_run.found:
                fixed_run.corrected = fixed
                return fixed_run
            if len(fixed_plan.words) > 1:
                _, loose = attempt(fixed, loose=True)
                if loose.found:
                    loose.corrected = fixed
                    return loose
    if run.found:
        return run
    if len(words) > 1:
        return attempt(query, loose=True)[1]
    return run


def _order(searcher: Searcher, run: Run, final: Mask, sort: str) -> list[tuple[float, int]]:
    """(score, docnum) of the final documents (a mask over document numbers) in the
    requested order."""
    kept = final.tolist()  # a list reads faster one item at a time than the array
    ranked = [(score, doc) for score, doc in run.ranked if kept[doc]]
    if sort in ("date", "title"):
        column = searcher.reader().column_reader("date_sort" if sort == "date" else "title_sort")
        ranked.sort(key=lambda sd: column[sd[1]], reverse=sort == "date")
    return ranked


def search(
    index: CatalogueIndex,
    query: str = "",
    filters: dict[str, list[str]] | None = None,
    sort: str = "relevance",
    page: int = 1,
    page_size: int = 10,
    log: str | None = None,
) -> SearchResult:
    """Search the index.

    ``filters`` maps facet names (:data:`index.names.FACETS`) to accepted values; ``sort`` is
    ``relevance``, ``date`` (newest first) or ``title``; ``log`` names the caller (``cli``,
    ``widget``…) to record the search in the workspace's search log (when enabled there).
    """
    started = time.perf_counter()
    index.sync(wait=1.0)
    request = options(query, filters, sort, page, page_size)
    query, filters, sort, page, page_size = request
    searcher = index.searcher()
    table = index.facet_table()
    run = _run(searcher, index.ix.schema, table, query)
    selected = table.selection(filters)
    matched = table.mask(run.matched)
    final = _final(matched, selected)
    ordered = _order(searcher, run, final, sort)
    chosen = ordered[(page - 1) * page_size : page * page_size]
    hits = _hits(index, searcher, run.results, chosen)
    facets = table.counts(matched, selected)
    result = page_result(request, run, int(final.sum()), hits, facets, started)
    return logged(index, result, log)


def page_result(
    request: Request,
    run: Run,
    total: int,
    hits: list[Hit],
    facets: dict[str, dict[str, int]],
    started: float,
) -> SearchResult:
    """The page a search ``request`` (its :func:`options`) asked for, with what ``run`` found;
    ``started`` is when the search began (``time.perf_counter``)."""
    query, filters, sort, page, page_size = request
    return SearchResult(
        query=query,
        total=total,
        hits=hits,
        facets=facets,
        page=page,
        page_size=page_size,
        sort=sort,
        filters=filters,
        corrected=run.corrected,
        suggestion=run.suggestion,
        elapsed_ms=(time.perf_counter() - started) * 1000,
    )


def options(
    query: str | None,
    filters: dict[str, list[str]] | None,
    sort: str,
    page: int,
    page_size: int,
) -> Request:
    """A search's options made safe: the query cut to :data:`MAX_QUERY`, known facets, a known
    sort, pages of 1–1000 hits."""
    return (
        (query or "")[:MAX_QUERY],
        clean_filters(filters),
        sort if sort in SORTS else "relevance",
        max(1, int(page)),
        max(1, min(int(page_size), 1000)),
    )


def logged(index: CatalogueIndex, result: SearchResult, log: str | None) -> SearchResult:
    """``result``, recorded in the workspace's search log when ``log`` names the caller and
    the log is enabled."""
    if log and index.workspace.search_log_enabled():
        index.workspace.reads.search_log.log(
            result.query,
            result.filters,
            result.total,
            result.elapsed_ms,
            corrected=result.corrected,
            source=log,
        )
    return result


def find_ids(
    index: CatalogueIndex,
    query: str,
    filters: dict[str, list[str]] | None = None,
    limit: int = 1000,
) -> list[str]:
    """Ids of up to ``limit`` records the query finds, best first (no snippets, no facets)."""
    index.sync(wait=1.0)
    searcher = index.searcher()
    table = index.facet_table()
    run = _run(searcher, index.ix.schema, table, (query or "")[:MAX_QUERY])
    final = _final(table.mask(run.matched), table.selection(clean_filters(filters)))
    ordered = _order(searcher, run, final, "relevance")[:limit]
    reader = searcher.reader()
    return [reader.stored_fields(doc)["id"] for _, doc in ordered]


def _final(matched: Mask, selected: dict[str, Mask]) -> Mask:
    """The documents found that pass every facet filter."""
    for accepted in selected.values():
        matched = matched & accepted
    return matched


def _hits(
    index: CatalogueIndex, searcher: Searcher, results: Results, chosen: list[tuple[float, int]]
) -> list[Hit]:
    results.formatter, results.fragmenter = formatter(), fragmenter()
    stored = [searcher.reader().stored_fields(doc) for _, doc in chosen]
    texts = index.workspace.reads.texts(h for s in stored for h in s.get("hashes") or [])
    highlighting = not isinstance(results.q, wq.Every)
    hits = []
    for n, ((score, doc), fields) in enumerate(zip(chosen, stored, strict=True)):
        content = "\n\n".join(texts.get(h, "") for h in fields.get("hashes") or [])
        whoosh_hit = WhooshHit(results, doc, n, score)
        hits.append(
            Hit(
                id=fields["id"],
                kind=fields["kind"],
                title=fields["title"],
                score=float(score) if highlighting else 0.0,
                sources=list(fields.get("sources") or []),
                snippet=_snippet(whoosh_hit, fields, content, highlighting),
                authors=[a for a in fields.get("authors", "").split("; ") if a],
                organisation=fields.get("organisation", ""),
                subjects=_split(fields.get("subject")),
                grades=_split(fields.get("grade")),
                levels=_split(fields.get("level")),
                year=int(fields["year"]) if fields.get("year") else None,
                resource_type=fields.get("resource_type", ""),
                status=fields.get("status", ""),
            )
        )
    return hits


def formatter() -> highlight.HtmlFormatter:
    """How a snippet marks the words found: escaped text, ``<mark>`` around them."""
    return highlight.HtmlFormatter(tagname="mark", between=" … ")


def fragmenter() -> highlight.ContextFragmenter:
    """Which stretches of a text a snippet shows: around the words found."""
    return highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=60)


def _split(value: str | None) -> list[str]:
    return [v for v in (value or "").split(",") if v]


def window(text: str, terms: set[str], width: int = WINDOW_CHARS) -> str:
    """The part of a long text around the first words that start with a query term.

    Highlighting re-analyses the text it is given, so a 200-page attachment is cut down to the
    stretch worth showing first (stems are word prefixes, found with one regular expression).
    """
    if len(text) <= width or not terms:
        return text[:width]
    folded = text.lower().replace("ё", "е")
    pattern = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    found = re.search(rf"(?<!\w)(?:{pattern})", folded)
    if found is None:
        return text[:width]
    start = max(0, found.start() - width // 3)
    start = text.rfind(" ", 0, start) + 1 if start else 0
    return text[start : start + width]


def _snippet(hit: WhooshHit, stored: dict[str, Any], content: str, highlighting: bool) -> str:
    """Highlighted words from the annotation, else the attachments' text, else the plain start."""
    if highlighting:
        terms = {text for name, text in hit.results.q.iter_all_terms() if name == "content"}
        for name, text in (
            ("annotation", stored.get("annotation", "")),
            ("content", window(content, terms)),
        ):
            if text:
                found: str = hit.highlights(name, text=text, top=2)
                if found:
                    return found
    return plain_snippet(stored.get("annotation") or "", content)


def plain_snippet(annotation: str, content: str) -> str:
    """The escaped start of the annotation, else of the attachments' text (no words marked)."""
    text = " ".join((annotation or content).split())
    if len(text) > SNIPPET_CHARS:
        text = text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + "…"
    return highlight.htmlescape(text)
