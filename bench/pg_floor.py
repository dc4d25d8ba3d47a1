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
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text

from bench.scale import CACHE, FILTER_FACETS, PG_SETTINGS, RESULTS, OnPostgresql, measure_queries
from index.analysis import analyzer
from index.pg.found import Wanted, answer
from index.pg.search import SEARCH_SETTINGS
from index.pg.sql import Condition, lexeme


def required_words(query: str) -> str:
    """The tsquery requiring every word of a Tantivy-form query (``+word +field:word``)."""
    words = [w.split(":")[-1] for w in re.findall(r"[^\s+]+", query)]
    stems = [t.text for w in words for t in analyzer()(w)]
    return " & ".join(lexeme(s) for s in stems)


# The floors that only read: how many records are found (and kept), and every found record's
# facet codes (:mod:`index.pg.found`), the least any facet count reads, summed, not grouped
READS = {
    "count": "SELECT count(*)",
    "codes": "SELECT count(*) FILTER (WHERE {kept}) "
    "+ 0 * coalesce(sum(cardinality(facet_codes)), 0)",
}
FLOORS = ("count", "codes", "facets", "ranked")


class Floor:
    """One floor: a statement over ``search_docs`` for a query's required words."""

    form = 2  # the Tantivy form of each query

    def __init__(self, name: str, pg_home: Path) -> None:
        from catalogue.workspace import Workspace

        self.name = name
        self.db = Workspace.open(pg_home).store.db

    def search(self, query: str, filters: dict[str, list[str]]) -> int:
        tsq = required_words(query)
        with self.db.read() as conn:
            conn.execute(text(SEARCH_SETTINGS))
            if not tsq:
                return 0
            return self.found(conn, tsq, filters)

    def found(self, conn: Connection, tsq: str, filters: dict[str, list[str]]) -> int:
        built = Condition()
        where = f"tsv @@ CAST({built.param(tsq)} AS tsquery)"
        if self.name in READS:
            kept = "".join(
                f" AND {facet} && CAST({built.param(values)} AS text[])"
                for facet, values in filters.items()
            )
            if self.name == "count":  # the filtered records only
                where += kept
            else:  # every found record's codes, as any facet count must (and which are kept)
                kept = f"TRUE{kept}"
            sql = READS[self.name].format(kept=kept)
            return int(
                conn.execute(
                    text(f"{sql} FROM search_docs WHERE {where}"), built.params
                ).scalar_one()
            )
        wanted = Wanted(filters, limit=10)
        if self.name == "facets":
            return answer(conn, built, where, "0.0", wanted).kept
        rank = f"ts_rank_cd(meta_tsv, CAST({built.param(tsq)} AS tsquery)) AS r"
        return answer(conn, built, where, "r", wanted, columns=(rank,)).kept


def common_filters(pg_home: Path) -> dict[str, list[str]]:
    """Each filter facet's most common value, as :func:`bench.scale.common_filters` picks."""
    from catalogue.workspace import Workspace

    db = Workspace.open(pg_home).store.db
    with db.read() as conn:
        return {
            facet: [
                conn.execute(
                    text(
                        f"SELECT v FROM search_docs, unnest({facet}) v "
                        "GROUP BY v ORDER BY count(*) DESC, v LIMIT 1"
                    )
                ).scalar_one()
            ]
            for facet in FILTER_FACETS
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    from bench import pgserver
    from bench.scale import on_postgresql

    folder = CACHE / str(args.size)
    if not (folder / "pg.json").exists() or not (CACHE / "pg-server").exists():
        print(
            f"Нет сохранённой базы PostgreSQL на {args.size} записей: сначала "
            f"python -m bench.scale --sizes {args.size} --backend postgresql --keep",
            file=sys.stderr,
        )
        return 2
    server = pgserver.Server(PG_SETTINGS, folder=CACHE / "pg-server")
    try:
        pg_home, _ = on_postgresql(folder / "ws", server, keep=True)
        engines: list[Any] = [Floor(name, pg_home) for name in FLOORS]
        engines.append(OnPostgresql(pg_home))
        filters = common_filters(pg_home)
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
