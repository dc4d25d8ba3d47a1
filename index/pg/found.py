"""One statement per search attempt: the records a query finds are matched, scored by their
short fields, filtered by the facets and counted inside PostgreSQL; only the best of them (a
page, or the first cut that :mod:`index.pg.search` ranks again), how many were found and kept,
and the facet counts come back. The found records never travel to Python and back.

Facet counts follow :func:`index.search.search`: OR within a facet, AND across, each facet
counted without its own selection.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, text

from index.names import FACETS
from index.pg.sql import Condition

BASE = ("id", "title_sort", "date_sort", "content_words", *FACETS)
KEPT = ("id", "title_sort", "date_sort", *FACETS)  # what the order and the counts read
ORDERS = {
    "relevance": "score DESC, id",
    "date": "date_sort DESC, score DESC, id",
    "title": "title_sort, score DESC, id",
}
NEWEST = "date_sort DESC, id"  # a query asking for everything: newest first


@dataclass(frozen=True)
class Wanted:
    """What a search asks of the records it finds: the facet filters, the order, how many of
    the kept records come back, and whether the facets are counted."""

    filters: dict[str, list[str]]
    sort: str = "relevance"
    limit: int = 200
    counted: bool = True


@dataclass
class Answer:
    """What one statement found."""

    ranked: list[tuple[float, str]]  # (score, id) of the best kept records, in the order asked
    found: int  # records the query finds
    kept: int  # … of which pass every facet filter
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


def _ok(filters: dict[str, list[str]], built: Condition) -> dict[str, str]:
    """SQL per filtered facet: whether a record has one of the accepted values."""
    return {
        facet: f"{facet} && CAST({built.param(values)} AS text[])"
        for facet, values in filters.items()
    }


def _counts(ok: dict[str, str]) -> tuple[str, list[str]]:
    """A CTE ``facets`` and SQL per facet: its counts over ``found`` without its own filter.
    The records are grouped by each facet's whole array (a few distinct arrays) in one pass
    over ``found`` (grouping sets: three times as fast as a pass per facet), a filtered search
    beside whether a record passes the other facets' filters (``ok_<facet>``); only the groups
    are unnested."""
    others = {
        facet: " AND ".join(c for f, c in ok.items() if f != facet)
        for facet in FACETS
        if any(f != facet for f in ok)
    }
    sets = ", ".join(
        f"({facet}, ok_{facet})" if facet in others else f"({facet})" for facet in FACETS
    )
    flags = "".join(f", {sql} AS ok_{facet}" for facet, sql in others.items())
    named = ", ".join((*FACETS, *(f"ok_{facet}" for facet in others)))
    cte = (
        f"facets AS MATERIALIZED (SELECT {named}, count(*) AS n "
        f"FROM (SELECT {', '.join(FACETS)}{flags} FROM found) f "
        f"GROUP BY GROUPING SETS ({sets}))"
    )
    counts = [
        f"SELECT '{facet}' AS part, v AS value, NULL::float8 AS score, sum(n)::bigint AS n "
        f"FROM facets, unnest(facets.{facet}) AS v WHERE facets.{facet} IS NOT NULL"
        f"{f' AND ok_{facet}' if facet in others else ''} GROUP BY v"
        for facet in FACETS
    ]
    return cte, counts


def answer(
    conn: Connection,
    built: Condition,
    where: str,
    score: str,
    wanted: Wanted,
    columns: tuple[str, ...] = (),
    order: str = "",
    before: tuple[str, ...] = (),
) -> Answer:
    """Run the statement: ``where`` finds the records; ``columns`` are more columns of each
    (``hit``) that ``score`` reads besides :data:`BASE`; a NULL score drops a record.
    ``order`` replaces the relevance order (:data:`ORDERS`); ``before`` are CTEs (``name AS
    (…)``) that ``where`` and ``columns`` may read."""
    ok = _ok(wanted.filters, built)
    kept = " AND ".join(ok.values()) or "TRUE"
    by = ORDERS[wanted.sort] if wanted.sort != "relevance" or not order else order
    parts = [
        "SELECT 'top' AS part, id AS value, score, row_number() OVER () AS n FROM "
        f"(SELECT id, score FROM found WHERE {kept} ORDER BY {by} LIMIT {int(wanted.limit)}) t",
        # found and kept counted in one pass: the kept count rides in the score column
        f"SELECT 'found', NULL, count(*) FILTER (WHERE {kept}), count(*) FROM found",
    ]
    after = []
    if wanted.counted:
        cte, counts = _counts(ok)
        after.append(cte)
        parts += counts
    # each found record read once and scored once (OFFSET 0 keeps a subquery whole: its
    # columns computed once, not once per mention), only what the order and counts read kept
    hit = f"SELECT {', '.join((*BASE, *columns))} FROM search_docs WHERE {where} OFFSET 0"
    scored = f"SELECT {', '.join(KEPT)}, CAST({score} AS float8) AS score FROM ({hit}) hit"
    statement = (
        f"WITH {''.join(f'{cte}, ' for cte in before)}found AS MATERIALIZED "
        f"(SELECT * FROM ({scored} OFFSET 0) scored WHERE score IS NOT NULL)"
        f"{''.join(f', {cte}' for cte in after)} " + " UNION ALL ".join(parts)
    )
    top: list[tuple[int, float, str]] = []
    result = Answer([], 0, 0, {facet: {} for facet in FACETS} if wanted.counted else {})
    for r in conn.execute(text(statement), built.params):
        if r.part == "top":
            top.append((int(r.n), float(r.score), r.value))
        elif r.part == "found":
            result.found, result.kept = int(r.n), int(r.score)
        else:
            result.facets[r.part][r.value] = int(r.n)
    result.ranked = [(score, doc) for _, score, doc in sorted(top)]
    result.facets = {facet: _ordered(facet, found) for facet, found in result.facets.items()}
    return result


def _ordered(facet: str, found: dict[str, int]) -> dict[str, int]:
    """Years newest first; other values most frequent first, then by name."""
    if facet == "year":
        return dict(sorted(found.items(), reverse=True))
    return dict(sorted(found.items(), key=lambda kv: (-kv[1], kv[0])))
