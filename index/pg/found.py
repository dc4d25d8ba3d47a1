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

BASE = ("id", "content_words", "facet_codes", *FACETS)  # what every score may read
# Each facet's code in a row's ``facet_codes`` (in FACETS order), as ``found`` keeps it
CODES = tuple(f"facet_codes[{n}] AS c_{facet}" for n, facet in enumerate(FACETS, 1))
ORDERS = {
    "relevance": "score DESC, id",
    "date": "date_sort DESC, score DESC, id",
    "title": "title_sort, score DESC, id",
}
NEWEST = "date_sort DESC, id"  # a query asking for everything: newest first
# Facets of few values each (kinds, levels, statuses, years, types of resource): counted
# together from the groups of their combinations (some thousands at most)
TOGETHER = ("kind", "level", "status", "year", "resource_type")


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
    figures: list[int] = field(default_factory=list)  # the values of ``figures`` asked for


def _ok(filters: dict[str, list[str]], built: Condition) -> dict[str, str]:
    """SQL per filtered facet: whether a record has one of the accepted values (``in_<facet>``,
    computed once per record)."""
    return {
        facet: f"{facet} && CAST({built.param(values)} AS text[]) AS in_{facet}"
        for facet, values in filters.items()
    }


def _counts(filtered: list[str]) -> tuple[str, list[str]]:
    """A CTE ``facets`` and SQL per facet: its counts over ``found`` without its own filter
    (``filtered``: the facets a filter limits, ``in_<facet>`` whether a record passes it).
    One pass over ``found`` groups the records by their facets' codes (``c_<facet>``, see
    ``search_facet_codes``) in several grouping sets at once: the facets of few values
    (:data:`TOGETHER`) in one set, their combinations few (and each filter's flag beside
    them), then each other facet's code beside whether a record passes the other facets'
    filters (``ok_<facet>``); only the groups are looked up and unnested."""
    others = {
        facet: " AND ".join(f"in_{f}" for f in filtered if f != facet)
        for facet in FACETS
        if any(f != facet for f in filtered)
    }
    apart = [facet for facet in FACETS if facet not in TOGETHER]
    sets = ", ".join(
        [f"({', '.join((*(f'c_{f}' for f in TOGETHER), *(f'in_{f}' for f in filtered)))})"]
        + [f"(c_{facet}, ok_{facet})" if facet in others else f"(c_{facet})" for facet in apart]
    )
    flags = "".join(f", {others[facet]} AS ok_{facet}" for facet in apart if facet in others)
    flags += "".join(f", in_{f}" for f in filtered)
    named = ", ".join(
        (
            *(f"c_{facet}" for facet in FACETS),
            *(f"in_{f}" for f in filtered),
            *(f"ok_{facet}" for facet in apart if facet in others),
        )
    )
    cte = (
        f"facets AS MATERIALIZED (SELECT {named}, count(*) AS n "
        f"FROM (SELECT {', '.join(f'c_{facet}' for facet in FACETS)}{flags} FROM found) f "
        f"GROUP BY GROUPING SETS ({sets}))"
    )
    counts = []
    for facet in FACETS:
        if facet not in others:
            passes = ""
        elif facet in TOGETHER:
            passes = " AND " + " AND ".join(f"facets.in_{f}" for f in filtered if f != facet)
        else:
            passes = f" AND ok_{facet}"
        counts.append(
            f"SELECT '{facet}' AS part, v AS value, NULL::float8 AS score, sum(n)::bigint AS n "
            f"FROM facets JOIN search_facet_codes c ON c.code = facets.c_{facet}, "
            f"unnest(c.value) AS v WHERE TRUE{passes} GROUP BY v"
        )
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
    figures: tuple[str, ...] = (),
) -> Answer:
    """Run the statement: ``where`` finds the records; ``columns`` are more columns of each
    (``hit``) that ``score`` reads besides :data:`BASE`; a NULL score drops a record.
    ``order`` replaces the relevance order (:data:`ORDERS`); ``before`` are CTEs (``name AS
    (…)``) that ``where``, ``columns`` and ``figures`` may read; ``figures`` are SQL integers
    (counts, flags) returned beside the records. ``found`` keeps only what the order, the
    filters and the counts read: each filter tested once per record."""
    ok = _ok(wanted.filters, built)
    kept = " AND ".join(f"in_{facet}" for facet in ok) or "TRUE"
    by = ORDERS[wanted.sort] if wanted.sort != "relevance" or not order else order
    sorts = tuple(key for key in ("title_sort", "date_sort") if key in by)
    parts = [
        "SELECT 'top' AS part, id AS value, score, row_number() OVER () AS n FROM "
        f"(SELECT id, score FROM found WHERE {kept} ORDER BY {by} LIMIT {int(wanted.limit)}) t"
    ]
    # found and kept counted in one pass (the kept count rides in the score column): from the
    # facet counts' groups when there are any (each record is in one group of the first set)
    counting = f"SELECT 'found', NULL, count(*) FILTER (WHERE {kept}), count(*) FROM found"
    after = []
    counted = CODES if wanted.counted else ()
    if wanted.counted:
        cte, by_facet = _counts(list(ok))
        after.append(cte)
        counting = (
            f"SELECT 'found', NULL, coalesce(sum(n) FILTER (WHERE {kept}), 0)::float8, "
            f"coalesce(sum(n), 0)::bigint FROM facets WHERE c_{TOGETHER[0]} IS NOT NULL"
        )
        parts += by_facet
    parts.insert(1, counting)
    parts += [f"SELECT 'figure', '{n}', NULL, CAST({sql} AS int)" for n, sql in enumerate(figures)]
    # each found record read once and scored once (OFFSET 0 keeps a subquery whole: its
    # columns computed once, not once per mention), only what the order and counts read kept
    hit = f"SELECT {', '.join((*BASE, *sorts, *columns))} FROM search_docs WHERE {where} OFFSET 0"
    keep = ("id", *sorts, *counted, *ok.values())
    scored = f"SELECT {', '.join(keep)}, CAST({score} AS float8) AS score FROM ({hit}) hit"
    statement = (
        f"WITH {''.join(f'{cte}, ' for cte in before)}found AS MATERIALIZED "
        f"(SELECT * FROM ({scored} OFFSET 0) scored WHERE score IS NOT NULL)"
        f"{''.join(f', {cte}' for cte in after)} " + " UNION ALL ".join(parts)
    )
    top: list[tuple[int, float, str]] = []
    facets: dict[str, dict[str, int]] = {facet: {} for facet in FACETS} if wanted.counted else {}
    result = Answer([], 0, 0, facets, [0] * len(figures))
    for r in conn.execute(text(statement), built.params):
        if r.part == "top":
            top.append((int(r.n), float(r.score), r.value))
        elif r.part == "found":
            result.found, result.kept = int(r.n), int(r.score)
        elif r.part == "figure":
            result.figures[int(r.value)] = int(r.n)
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
