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
fields lack counted as one mention in its attachments, a phrase by its words in any order;
then the :data:`CUT` best are ranked again with their attachments' text read (and the words
standing together), the rest keeping their first-cut order. How many records each part of
a query finds is counted first; when every part is required, the GIN index intersects their
records and only those are read.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, text
from whoosh import highlight
from whoosh import query as wq
from whoosh.qparser import AndGroup, OrGroup

from catalogue.storage.common import typed_id
from index.analysis import analyzer
from index.forms import VARIANT_SHARE
from index.names import FACETS
from index.pg.found import NEWEST, Answer, Wanted, answer
from index.pg.parts import finding
from index.pg.rank import (
    CUT,
    Ranks,
    elsewhere_sql,
    evidence,
    exact_rows,
    first_cut,
    first_cut_score,
)
from index.pg.sql import (
    Condition,
    clause_condition,
    condition,
    lexeme,
    rank_query,
    tsquery,
)
from index.pg.terms import PgTerms, known, other_forms
from index.query import Plan, plan, proximity_bonus, to_query, units
from index.ranking import (
    OTHER_SHARE,
    Unit,
    add_proximity,
    combine,
    elsewhere,
    mean_weight,
    named,
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


@dataclass
class Found(Run):
    """A run whose ``ranked`` holds only the best records kept by the facet filters (the rest
    stayed in the database), with how many were kept and the facet counts."""

    kept: int = 0
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


def _found(
    q: wq.Query, got: Answer, ranked: list[tuple[float, Any]], unknown: bool = False
) -> Found:
    return Found(q, ranked, unknown=unknown, total=got.found, kept=got.kept, facets=got.facets)


def _attempt(
    conn: Connection,
    index: PgIndex,
    stats: tuple[int, float],
    wanted: Wanted,
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
        return the_plan, _ranked(conn, q, the_plan.clauses, optional, average, wanted)
    built = Condition()
    # each part's condition (a word also finds its other forms, at a lower weight), the
    # condition of its own form alone when it has others, and its rank on the short fields
    finds: list[str] = []
    owns: list[str | None] = []
    columns, exact = [], []
    for n, unit in enumerate(parts):
        where = condition(unit.query, built)
        ranks = Ranks() if unit.fact else Ranks.of(rank_query(unit.query), built)
        forms = [] if unit.fact else other_forms(conn, unit.query)
        owns.append(where if forms else None)
        if forms:  # «подготовить» also finds «подготовке»
            variants = " | ".join(lexeme(f) for f in forms)
            where = f"({where} OR tsv @@ CAST({built.param(variants)} AS tsquery))"
            ranks = ranks.plus(Ranks.of(variants, built), VARIANT_SHARE)
        finds.append(where)
        columns.append(f"{ranks.first} AS a{n}")
        exact += [f"({where}) AS f{n}", f"{ranks.meta} AS a{n}", f"{ranks.content} AS c{n}"]
    if the_plan.clauses and optional_clauses:
        where = "(" + " OR ".join(clause_condition(c, built) for c in the_plan.clauses) + ")"
        parts.append(Unit(wq.Or(the_plan.clauses), fact=True))
        finds.append(where)
        owns.append(None)
        m = len(parts) - 1
        columns.append(f"0.0 AS a{m}")
        exact += [f"({where}) AS f{m}", f"0.0 AS a{m}", f"0.0 AS c{m}"]
    bonus = proximity_bonus(the_plan.text)
    bonus_text = tsquery(bonus) if bonus is not None else None
    if bonus_text:
        near = Ranks.of(bonus_text, built)
        exact += [f"{near.meta} AS near_a", f"{near.content} AS near_c"]
    exact += ["kind", "subject"]
    clauses = ""
    if the_plan.clauses and not optional_clauses:
        clauses = "".join(f" AND {clause_condition(c, built)}" for c in the_plan.clauses)
    k = range(len(parts))
    found_by = finding(conn, built, parts, (finds, owns, clauses), loose, total)
    columns += [f"{flag} AS f{n}" for n, flag in enumerate(found_by.flags)]
    kinds, subjects = named(parts)
    enough = " + ".join(f"f{n}::int" for n in k)
    first = first_cut_score(parts, found_by.weights, average)
    score = f"CASE WHEN {enough} >= {found_by.needed} THEN {first} END"
    other = elsewhere_sql(kinds, subjects, built)
    score = f"CASE WHEN {other} THEN {OTHER_SHARE} ELSE 1 END * {score}"
    got = answer(
        conn,
        built,
        found_by.where,
        score,
        wanted,
        tuple(columns),
        before=tuple(found_by.before),
        figures=found_by.figures,
    )
    counts, own = found_by.settled(got.figures, owns)
    ranked = got.ranked
    q = wq.Or([u.query for u in parts])
    if wanted.sort != "relevance":
        return the_plan, _found(q, got, ranked, unknown=not all(own))
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
    return the_plan, _found(q, got, ranked, unknown=not all(own))


def _ranked(
    conn: Connection,
    q: wq.Query,
    clauses: list[wq.Query],
    optional: bool,
    average: float,
    wanted: Wanted,
) -> Found:
    """The records ``q`` and the field clauses find, by their field :func:`evidence` (one
    word finds its other forms too, at a lower weight), or newest first when the query asks
    for everything."""
    built = Condition()
    where = condition(q, built)
    ranks = Ranks.of(rank_query(q), built)
    forms = other_forms(conn, q)
    unknown = bool(forms) and not known(conn, q)  # found only through them: maybe a typo
    if forms:
        variants = " | ".join(lexeme(f) for f in forms)
        where = f"({where} OR tsv @@ CAST({built.param(variants)} AS tsquery))"
        ranks = ranks.plus(Ranks.of(variants, built), VARIANT_SHARE)
    bonus = "FALSE"
    if clauses and optional and not isinstance(q, wq.Every):
        bonus = " OR ".join(clause_condition(c, built) for c in clauses)
    elif clauses:
        where = " AND ".join([where, *(clause_condition(c, built) for c in clauses)])
    if isinstance(q, wq.Every) and not clauses:
        got = answer(conn, built, where, "0.0", wanted, order=NEWEST)
        return _found(q, got, got.ranked)
    columns = (f"{ranks.first} AS meta", f"({bonus}) AS bonus")
    score = f"{first_cut('meta', average)} + {CLAUSE_BONUS} * bonus::int"
    got = answer(conn, built, where, score, wanted, columns=columns)
    if wanted.sort != "relevance":
        return _found(q, got, got.ranked, unknown=unknown)
    head = [doc for _, doc in got.ranked[:CUT]]
    read = [f"{ranks.meta} AS meta", f"{ranks.content} AS content", f"({bonus}) AS bonus"]
    exact = [
        (
            evidence(r["meta"], r["content"], r["content_words"], average)
            + CLAUSE_BONUS * r["bonus"],
            doc,
        )
        for doc, r in exact_rows(conn, head, read, built).items()
    ]
    exact.sort(key=lambda sd: (-sd[0], sd[1]))
    return _found(q, got, exact + got.ranked[CUT:], unknown=unknown)


def _by_id(conn: Connection, wanted: Wanted, query: str) -> Run | None:
    record_id = typed_id(query)
    if record_id is None:
        return None
    built = Condition()
    got = answer(conn, built, f"id = {built.param(record_id)}", "1.0", wanted)
    return _found(wq.Term("id", record_id), got, got.ranked) if got.found else None


def _run(conn: Connection, index: PgIndex, query: str, wanted: Wanted) -> Found:
    conn.execute(text(SEARCH_SETTINGS))
    total, average = index.statistics(conn)
    run = repaired(
        lambda text_, loose=False, optional_clauses=False: _attempt(
            conn, index, (total, average), wanted, text_, loose, optional_clauses
        ),
        lambda text_: _by_id(conn, wanted, text_),
        PgTerms(conn, index.trgm),
        query,
    )
    assert isinstance(run, Found)  # every attempt above answers with one
    return run


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
    wanted = Wanted(filters, sort, limit=max(CUT, page * page_size))
    with index.db.read() as conn:
        run = _run(conn, index, query, wanted)
        chosen = run.ranked[(page - 1) * page_size : page * page_size]
        hits = _hits(index, conn, run, chosen)
    return logged(index, page_result(request, run, run.kept, hits, run.facets, started), log)


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
        run = _run(conn, index, query, Wanted(filters, limit=limit, counted=False))
        return [doc for _, doc in run.ranked[:limit]]
