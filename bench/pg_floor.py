"""How fast can a search page on PostgreSQL be, whatever the project does on top? The floor of
the design the PostgreSQL backend is built on (GIN-indexed ``tsvector``, ``ts_rank_cd``, facet
counts from SQL), measured on the 100,000-record catalogue that ``bench/scale.py --backend
postgresql --keep`` leaves behind, beside this project's own search page, in one run.

Each query of the scale mix (:func:`bench.scale.query_mix`) is asked in its simplest form:
every word required (the Tantivy form; the smallest set of records any reading of the query
finds), no typo or layout repair, no word forms beyond the stem. Four floors, each a real
statement on the real table:

* ``count``: only how many records it finds (``count(*)`` over the GIN match), the least a
  page saying «найдено N» must do;
* ``codes``: that count and every found record's facet codes read (not yet grouped), the
  least any facet count reads;
* ``facets``: the project's statement (:func:`index.pg.found.answer`) with that count, the
  facet counts (OR within, AND across, own selection excluded) and no ranking;
* ``ranked``: the same and one ``ts_rank_cd`` per found record over its short fields, the
  cheapest ranking the scope names;

and ``postgresql``: this project's search page (the full query language, repairs, the ranking
rule of :mod:`index.ranking`, 10 hits with snippets). Plain and with the scale benchmark's
3 filters (each filter facet's most common value); queries interleaved across the five, as in
:func:`bench.scale.measure_queries`.

Run: ``python -m bench.pg_floor`` (after ``python -m bench.scale --sizes 100000 --backend
postgresql --keep``; the kept server is started and stopped). Writes
``bench/results/pg-floor-<size>.json`` and prints p50/p95 per floor.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, text

from bench.scale import (
    CACHE,
    PG_SETTINGS,
    RESULTS,
    OnPostgresql,
    common_filters,
    measure_queries,
)
from catalogue.storage.base import Database
from index.analysis import analyzer
from index.pg.found import Wanted, answer
from index.pg.search import SEARCH_SETTINGS
from index.pg.sql import Condition, lexeme


def required_words(query: str) -> str:
    """The tsquery requiring every word of a Tantivy-form query (``+word +field:word``)."""
    words = [w.split(":")[-1] for w in re.findall(r"[^\s+]+", query)]
    stems = [t.text for w in words for t in analyzer()(w)]
    return " & ".join(lexeme(s) for s in stems)


def _kept(filters: dict[str, list[str]], built: Condition) -> str:
    """SQL: `` AND`` each filter (a record has one of its values)."""
    return "".join(
        f" AND {facet} && CAST({built.param(values)} AS text[])"
        for facet, values in filters.items()
    )


def _found(tsq: str) -> tuple[Condition, str]:
    """The parameters and the condition of the records the tsquery text ``tsq`` finds."""
    built = Condition()
    return built, f"tsv @@ CAST({built.param(tsq)} AS tsquery)"


def _count(conn: Connection, tsq: str, filters: dict[str, list[str]]) -> int:
    """How many found records pass the filters: the least a page saying «найдено N» does."""
    built, where = _found(tsq)
    sql = f"SELECT count(*) FROM search_docs WHERE {where}{_kept(filters, built)}"
    return int(conn.execute(text(sql), built.params).scalar_one())


def _codes(conn: Connection, tsq: str, filters: dict[str, list[str]]) -> int:
    """The same, every found record's facet codes read (:mod:`index.pg.found`): the least
    any facet count reads, summed, not grouped."""
    built, where = _found(tsq)
    sql = (
        f"SELECT count(*) FILTER (WHERE TRUE{_kept(filters, built)}) "
        f"+ 0 * coalesce(sum(cardinality(facet_codes)), 0) FROM search_docs WHERE {where}"
    )
    return int(conn.execute(text(sql), built.params).scalar_one())


def _facets(conn: Connection, tsq: str, filters: dict[str, list[str]]) -> int:
    """The project's statement (:func:`index.pg.found.answer`): the counts and facets, no
    ranking."""
    built, where = _found(tsq)
    return answer(conn, built, where, "0.0", Wanted(filters, limit=10)).kept


def _ranked(conn: Connection, tsq: str, filters: dict[str, list[str]]) -> int:
    """The same, with one ``ts_rank_cd`` per found record over its short fields."""
    built, where = _found(tsq)
    rank = f"ts_rank_cd(meta_tsv, CAST({built.param(tsq)} AS tsquery)) AS r"
    return answer(conn, built, where, "r", Wanted(filters, limit=10), columns=(rank,)).kept


Statement = Callable[[Connection, str, dict[str, list[str]]], int]
FLOORS: dict[str, Statement] = {
    "count": _count,
    "codes": _codes,
    "facets": _facets,
    "ranked": _ranked,
}


class Floor:
    """One floor (:data:`FLOORS`) as an engine of :func:`bench.scale.measure_queries`: its
    statement for a query's required words."""

    form = 2  # the Tantivy form of each query

    def __init__(self, name: str, db: Database) -> None:
        self.name, self.statement, self.db = name, FLOORS[name], db

    def search(self, query: str, filters: dict[str, list[str]]) -> int:
        tsq = required_words(query)
        if not tsq:
            return 0
        with self.db.read() as conn:
            conn.execute(text(SEARCH_SETTINGS))
            return self.statement(conn, tsq, filters)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    from bench import pgserver
    from bench.scale import on_postgresql

    folder = CACHE / str(args.size)
    kept = (folder / "pg.json", folder / "fts.sqlite", CACHE / "pg-server")
    if not all(path.exists() for path in kept):
        print(
            f"Нет сохранённой базы PostgreSQL на {args.size} записей: сначала "
            f"python -m bench.scale --sizes {args.size} --backend postgresql --keep",
            file=sys.stderr,
        )
        return 2
    server = pgserver.Server(PG_SETTINGS, folder=CACHE / "pg-server")
    try:
        pg_home, _ = on_postgresql(folder / "ws", server, keep=True)
        page = OnPostgresql(pg_home)
        engines: list[Any] = [Floor(name, page.index.store.db) for name in FLOORS]
        engines.append(page)
        filters = common_filters(folder / "fts.sqlite")  # the scale benchmark's 3 filters
        measured = measure_queries(engines, filters, args.rounds, args.repeat)
    finally:
        server.stop()
    out = RESULTS / f"pg-floor-{args.size}.json"
    out.write_text(
        json.dumps({"size": args.size, "queries": measured}, ensure_ascii=False, indent=1)
    )
    print(f"{'':12} {'plain p50':>10} {'p95':>8} {'3 filters p50':>14} {'p95':>8}")
    for engine in engines:
        got = measured[engine.name]
        print(
            f"{engine.name:12} {got['plain']['p50']:10.1f} {got['plain']['p95']:8.1f} "
            f"{got['filtered']['p50']:14.1f} {got['filtered']['p95']:8.1f}"
        )
    print(f"→ {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
