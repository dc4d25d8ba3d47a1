"""Searching a PostgreSQL catalogue: the same query language, repairs, ranking rule, facets and
snippets as :mod:`index.search`, answered by SQL over ``search_docs``.

A query is parsed once by :mod:`index.query`; :mod:`index.pg.sql` translates it. A plain query
of several words is ranked by the rule of :mod:`index.ranking` (how much of the query a record
matches, how rare its words), each word's field evidence being its ``ts_rank_cd`` over the
weighted tsvector; other queries rank by ``ts_rank_cd`` itself. Facet counts come from one SQL
statement (OR within a facet, AND across, each facet without its own selection); snippets are
marked by the project's highlighter, as on Whoosh.

Ranking reads in two stages, so that a search never reads every found record's attachment
text: every record found is ranked first by its short fields (``meta_tsv``), a word its short
fields lack counted as one mention in its attachments; then the :data:`CUT` best are ranked
again with their attachments' text read (and the words standing together), the rest keeping
their first-cut order. Which records a word finds comes from the GIN index alone.
"""

from __future__ import annotations

import json
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, text
from whoosh import highlight
from whoosh import query as wq
from whoosh.qparser import AndGroup, OrGroup

from catalogue.storage.base import typed_id
from index.analysis import analyzer
from index.names import FACETS
from index.pg.rank import (
    CUT,
    Ranks,
    elsewhere_sql,
    evidence,
    exact_rows,
    first_cut,
    first_cut_score,
    indexed,
)
from index.pg.sql import (
    Condition,
    clause_condition,
    condition,
    lexeme,
    rank_query,
    tsquery,
)
from index.pg.terms import PgTerms
from index.query import Plan, plan, proximity_bonus, to_query, units
from index.ranking import (
    OTHER_SHARE,
    VARIANT_SHARE,
    Unit,
    add_proximity,
    combine,
    elsewhere,
    mean_weight,
    named,
    other_stems,
)
from index.search import (
    Hit,
    Run,
    SearchResult,
    formatter,
    fragmenter,
    logged,
    options,
    page_result,
    plain_snippet,
    repaired,
    window,
)

if TYPE_CHECKING:
    from index.pg.engine import PgIndex

HIGHLIGHTED = ("annotation", "content")
HIT_COLUMNS = ", ".join(("id", "title", "authors", "annotation", "sources", "hashes", *FACETS))
CLAUSE_BONUS = 0.1  # an optional field clause the record meets: a little more score
# A search transaction's settings. The planner cannot know that testing a tsvector reads its
# attachments' text: never scan the whole table where an index finds the rows. A disabled scan
# costs 10^10, which would make every statement compile itself with JIT (150 ms of LLVM for a
# one-row read): no JIT. The found records' bitmap and sorts fit in memory (a lossy bitmap
# rechecks, and so reads, every found record's attachments' text).
SEARCH_SETTINGS = (
    "SELECT set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true), "
    "set_config('work_mem', '64MB', true)"
)


def _attempt(
    conn: Connection,
    index: PgIndex,
    stats: tuple[int, float],
    text_: str,
    loose: bool = False,
    optional_clauses: bool = False,
) -> tuple[Plan, Run]:
    """Search ``text_`` once (see :func:`index.search._attempt`); ``stats`` are the number of
    records and their attachments' average word count."""
    total, average = stats
    the_plan = plan(text_)
    parts = units(the_plan, index.schema)
    if len(parts) < 2:
        group = OrGroup.factory(0.9) if loose else AndGroup
        q = to_query(replace(the_plan, clauses=[]), index.schema, group)
        optional = optional_clauses or loose
        return the_plan, Run(q, _ranked(conn, q, the_plan.clauses, optional, average))
    built = Condition()
    columns, exact, conditions = ["content_words"], [], []
    for n, unit in enumerate(parts):
        where = condition(unit.query, built)
        ranks = Ranks() if unit.fact else Ranks.of(rank_query(unit.query), built)
        columns.append(f"{indexed(where)} AS m{n}")
        forms = [] if unit.fact else _other_forms(conn, unit.query)
        if forms:  # «подготовить» also finds «подготовке», at a lower weight
            other = " | ".join(lexeme(f) for f in forms)
            where = f"({where} OR tsv @@ CAST({built.param(other)} AS tsquery))"
            ranks = ranks.plus(Ranks.of(other, built), VARIANT_SHARE)
        conditions.append(where)
        columns += [f"{indexed(where)} AS f{n}", f"{ranks.meta} AS a{n}"]
        exact += [f"({where}) AS f{n}", f"{ranks.meta} AS a{n}", f"{ranks.content} AS c{n}"]
    if the_plan.clauses and optional_clauses:
        where = "(" + " OR ".join(clause_condition(c, built) for c in the_plan.clauses) + ")"
        parts.append(Unit(wq.Or(the_plan.clauses), fact=True))
        conditions.append(where)
        n = len(parts) - 1
        columns += [f"({where}) AS m{n}", f"({where}) AS f{n}", f"0.0 AS a{n}"]
        exact += [f"({where}) AS f{n}", f"0.0 AS a{n}", f"0.0 AS c{n}"]
    bonus = proximity_bonus(the_plan.text)
    bonus_text = tsquery(bonus) if bonus is not None else None
    if bonus_text:
        near = Ranks.of(bonus_text, built)
        exact += [f"{near.meta} AS near_a", f"{near.content} AS near_c"]
    exact += ["kind", "subject"]
    where = "(" + " OR ".join(conditions) + ")"
    if the_plan.clauses and not optional_clauses:
        where += "".join(f" AND {clause_condition(c, built)}" for c in the_plan.clauses)
    k = range(len(parts))
    windows = ", ".join(
        f"count(*) FILTER (WHERE f{n}) OVER () AS n{n}, bool_or(m{n}) OVER () AS o{n}" for n in k
    )
    kinds, subjects = named(parts)
    columns += ["kind", "subject"]
    score = first_cut_score(parts, total, average, loose)
    other = elsewhere_sql(kinds, subjects, built)
    score = f"CASE WHEN {other} THEN {OTHER_SHARE} ELSE 1 END * {score}"
    rows = conn.execute(
        text(
            f"WITH hit AS MATERIALIZED (SELECT id, {', '.join(columns)} FROM search_docs "
            f"WHERE {where}), counted AS (SELECT *, {windows} FROM hit), "
            f"scored AS (SELECT *, {score} AS score FROM counted) "
            f"SELECT id, score, {', '.join(f'n{n}, o{n}' for n in k)} FROM scored "
            "WHERE score IS NOT NULL ORDER BY score DESC, id"
        ),
        built.params,
    ).all()
    ranked = [(float(r[1]), r[0]) for r in rows]
    counts = [int(rows[0][2 + 2 * n]) if rows else 0 for n in k]
    # a word found only through its other forms may be a typo: the spelling repair may try it
    own = [bool(rows[0][3 + 2 * n]) if rows else True for n in k]
    head = [doc for _, doc in ranked[:CUT]]
    read = exact_rows(conn, head, exact, built)
    found: list[dict[str, float]] = [
        {
            doc: evidence(r[f"a{n}"], r[f"c{n}"], r["content_words"], average)
            for doc, r in read.items()
            if r[f"f{n}"]
        }
        for n in k
    ]
    outside = {
        doc
        for doc, r in read.items()
        if elsewhere(r["kind"] or (), r["subject"] or (), kinds, subjects)
    }
    ranked = combine(parts, found, total, loose, outside, counts) + ranked[CUT:]
    if bonus_text and ranked:
        together = {
            doc: evidence(r["near_a"], r["near_c"], r["content_words"], average)
            for doc, r in read.items()
            if r["near_a"] or r["near_c"]
        }
        ranked = add_proximity(ranked, together, mean_weight(found, total, counts), outside)
    q = wq.Or([u.query for u in parts])
    return the_plan, Run(q, ranked, unknown=not all(own))


def _other_forms(conn: Connection, q: wq.Query) -> list[str]:
    """The catalogue's :func:`index.ranking.other_stems` of a one-word unit, from the terms
    table."""
    if not isinstance(q, wq.Or):
        return []
    terms = [t for t in q.subqueries if isinstance(t, wq.Term)]
    stems = {str(t.text) for t in terms}
    if len(stems) != 1 or len(terms) < len(q.subqueries):
        return []

    def expand(prefix: str) -> list[str]:
        pattern = prefix.replace("\\", "").replace("%", "").replace("_", "") + "%"
        found = conn.execute(
            text("SELECT term FROM search_terms WHERE term LIKE :p"), {"p": pattern}
        )
        return list(found.scalars())

    def known(stem: str) -> bool:
        found = conn.execute(text("SELECT 1 FROM search_terms WHERE term = :s"), {"s": stem})
        return found.first() is not None

    return sorted(set(other_stems(stems.pop(), expand, known)))


def _ranked(
    conn: Connection, q: wq.Query, clauses: list[wq.Query], optional: bool, average: float
) -> list[tuple[float, Any]]:
    """(score, id) of the records ``q`` and the field clauses find, by their field
    :func:`evidence`, or newest first when the query asks for everything."""
    built = Condition()
    where = condition(q, built)
    ranks = Ranks.of(rank_query(q), built)
    bonus = "FALSE"
    if clauses and optional and not isinstance(q, wq.Every):
        bonus = " OR ".join(clause_condition(c, built) for c in clauses)
    elif clauses:
        where = " AND ".join([where, *(clause_condition(c, built) for c in clauses)])
    if isinstance(q, wq.Every) and not clauses:
        newest = conn.execute(
            text(f"SELECT id FROM search_docs WHERE {where} ORDER BY date_sort DESC, id"),
            built.params,
        )
        return [(0.0, r.id) for r in newest]
    rows = conn.execute(
        text(
            f"WITH hit AS MATERIALIZED (SELECT id, content_words, {ranks.meta} AS meta, "
            f"({bonus}) AS bonus FROM search_docs WHERE {where}) "
            f"SELECT id, {first_cut('meta', average)} + {CLAUSE_BONUS} * bonus::int AS score "
            "FROM hit ORDER BY score DESC, id"
        ),
        built.params,
    )
    ranked = [(float(r[1]), r[0]) for r in rows]
    head = [doc for _, doc in ranked[:CUT]]
    columns = [f"{ranks.meta} AS meta", f"{ranks.content} AS content", f"({bonus}) AS bonus"]
    exact = [
        (
            evidence(r["meta"], r["content"], r["content_words"], average)
            + CLAUSE_BONUS * r["bonus"],
            doc,
        )
        for doc, r in exact_rows(conn, head, columns, built).items()
    ]
    exact.sort(key=lambda sd: (-sd[0], sd[1]))
    return exact + ranked[CUT:]


def _by_id(conn: Connection, query: str) -> Run | None:
    record_id = typed_id(query)
    if record_id is None:
        return None
    found = conn.execute(
        text("SELECT id FROM search_docs WHERE id = :id"), {"id": record_id}
    ).scalar()
    return Run(wq.Term("id", record_id), [(1.0, found)]) if found else None


def _run(conn: Connection, index: PgIndex, query: str) -> Run:
    conn.execute(text(SEARCH_SETTINGS))
    total, average = index.statistics(conn)
    return repaired(
        lambda text_, loose=False, optional_clauses=False: _attempt(
            conn, index, (total, average), text_, loose, optional_clauses
        ),
        lambda text_: _by_id(conn, text_),
        PgTerms(conn, index.trgm),
        query,
    )


def _filtered(filters: dict[str, list[str]], built: Condition, skip: str = "") -> str:
    parts = [
        f"{facet} && CAST({built.param(values)} AS text[])"
        for facet, values in filters.items()
        if facet != skip
    ]
    return " AND ".join(parts) or "TRUE"


def _kept(
    conn: Connection, run: Run, filters: dict[str, list[str]], sort: str, counted: bool = True
) -> tuple[list[tuple[float, str]], dict[str, dict[str, int]]]:
    """(score, id) of the records found that pass every facet filter, in ``sort`` order; and
    (when ``counted``) the hit counts per facet value, each facet without its own selection.
    One statement reads the found records once for both."""
    counts: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
    listed = bool(filters) or sort != "relevance"
    if not run.ranked or not (listed or counted):
        return run.ranked, counts
    built = Condition()
    ids = built.param(run.matched)
    selects = []
    if listed:
        selects.append(
            "SELECT '' AS facet, id AS value, 0 AS n, title_sort, date_sort FROM hit "
            f"WHERE {_filtered(filters, built)}"
        )
    if counted:
        selects += [
            f"SELECT '{facet}' AS facet, v AS value, count(*) AS n, NULL::text AS title_sort, "
            f"NULL::text AS date_sort FROM hit, unnest({facet}) v "
            f"WHERE {_filtered(filters, built, skip=facet)} GROUP BY v"
            for facet in FACETS
        ]
    columns = ", ".join(("id", "title_sort", "date_sort", *FACETS))
    statement = (
        f"WITH hit AS MATERIALIZED (SELECT {columns} FROM search_docs WHERE id = ANY({ids})) "
        + " UNION ALL ".join(selects)
    )
    kept = {}
    for r in conn.execute(text(statement), built.params):
        if r.facet:
            counts[r.facet][r.value] = int(r.n)
        else:
            kept[r.value] = r
    ordered = [(score, doc) for score, doc in run.ranked if doc in kept] if listed else run.ranked
    if sort in ("date", "title"):
        column = "date_sort" if sort == "date" else "title_sort"
        ordered.sort(key=lambda sd: getattr(kept[sd[1]], column), reverse=sort == "date")
    for facet, found in counts.items():
        if facet == "year":
            counts[facet] = dict(sorted(found.items(), reverse=True))
        else:
            counts[facet] = dict(sorted(found.items(), key=lambda kv: (-kv[1], kv[0])))
    return ordered, counts


def _snippet(q: wq.Query, annotation: str, content: str) -> str:
    """Highlighted words from the annotation, else the attachments' text, else the plain start
    (as :func:`index.search._snippet`)."""
    if not isinstance(q, wq.Every):
        terms = {str(t) for name, t in q.iter_all_terms() if name in HIGHLIGHTED}
        for part in (annotation, window(content, terms)):
            if part and terms:
                found: str = highlight.highlight(
                    part, terms, analyzer(), fragmenter(), formatter(), top=2
                )
                if found:
                    return found
    return plain_snippet(annotation, content)


def _hits(index: PgIndex, conn: Connection, run: Run, chosen: list[tuple[float, str]]) -> list[Hit]:
    if not chosen:
        return []
    rows = {
        r.id: r
        for r in conn.execute(
            text(f"SELECT {HIT_COLUMNS} FROM search_docs WHERE id = ANY(:ids)"),
            {"ids": [doc for _, doc in chosen]},
        )
    }
    texts = index.store.texts(h for r in rows.values() for h in r.hashes)
    scored = not isinstance(run.results, wq.Every)
    hits = []
    for score, doc in chosen:
        r = rows[doc]
        content = "\n\n".join(texts.get(h, "") for h in r.hashes)
        sources = r.sources if isinstance(r.sources, list) else json.loads(r.sources)
        hits.append(
            Hit(
                id=r.id,
                kind=r.kind[0] if r.kind else "",
                title=r.title,
                score=float(score) if scored else 0.0,
                sources=list(sources),
                snippet=_snippet(run.results, r.annotation, content),
                authors=[a for a in r.authors.split("; ") if a],
                organisation=r.organisation[0] if r.organisation else "",
                subjects=list(r.subject),
                grades=list(r.grade),
                levels=list(r.level),
                year=int(r.year[0]) if r.year else None,
                resource_type=r.resource_type[0] if r.resource_type else "",
                status=r.status[0] if r.status else "",
            )
        )
    return hits


def search(
    index: PgIndex,
    query: str = "",
    filters: dict[str, list[str]] | None = None,
    sort: str = "relevance",
    page: int = 1,
    page_size: int = 10,
    log: str | None = None,
) -> SearchResult:
    """Search the table; the options are those of :func:`index.search.search`."""
    started = time.perf_counter()
    index.sync(wait=1.0)
    request = options(query, filters, sort, page, page_size)
    query, filters, sort, page, page_size = request
    with index.db.read() as conn:
        run = _run(conn, index, query)
        ordered, facets = _kept(conn, run, filters, sort)
        chosen = ordered[(page - 1) * page_size : page * page_size]
        hits = _hits(index, conn, run, chosen)
    return logged(index, page_result(request, run, len(ordered), hits, facets, started), log)


def find_ids(
    index: PgIndex,
    query: str,
    filters: dict[str, list[str]] | None = None,
    limit: int = 1000,
) -> list[str]:
    """Ids of up to ``limit`` records the query finds, best first (no snippets, no facets)."""
    index.sync(wait=1.0)
    query, filters, _, _, _ = options(query, filters, "relevance", 1, 1)
    with index.db.read() as conn:
        run = _run(conn, index, query)
        ordered, _ = _kept(conn, run, filters, "relevance", counted=False)
        return [doc for _, doc in ordered[:limit]]
