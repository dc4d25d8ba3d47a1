"""Search latency and indexing time: our Whoosh index beside SQLite FTS5, same data and run.

    python -m bench.search_latency [--scale 1.0] [--seed 2026] [--repeat 7] [--home DIR]

Builds the demo catalogue (or uses ``--home``), builds both indexes from the same records and
texts, then runs the same queries against both: a full search page (10 hits with snippets) plus
the counts of all eight facets. FTS5 is the peer: ``unicode61 remove_diacritics 2`` tokenizer,
no stemming, bm25 ranking, facet counts by GROUP BY over the matching rows. Reports medians per
query, p50/p95 over queries and the ratio Whoosh/FTS5. The machine is shared and noisy: compare
ratios, not absolute numbers.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

from catalogue import demo
from catalogue.workspace import Workspace
from index.documents import document
from index.engine import CatalogueIndex
from index.schema import FACETS

T = TypeVar("T")

QUERIES = [
    "дроби 5 класс",
    "дроби",
    "ёлка",
    "технологическая карта английский",
    "родительское собрание",
    "рабочая программа физика",
    "контрольная работа",
    "фотосинтез",
    "функциональная грамотность",
    "урок",
    "математика",
    "презентация история",
    "сценарий праздника",
    "ОГЭ",
    "методические рекомендации",
    "проектная деятельность",
    "дошкольники речь",
    "учебник",
    "курсы повышения квалификации",
    "безопасность",
]


def build_fts(ws: Workspace, path: Path) -> float:
    """Put the same documents the Whoosh index gets into an FTS5 table; return seconds."""
    start = time.perf_counter()
    con = sqlite3.connect(path)
    con.executescript(
        """
        CREATE VIRTUAL TABLE docs USING fts5(
            id UNINDEXED, title, authors, keywords, annotation, meta, content,
            tokenize = 'unicode61 remove_diacritics 2');
        CREATE TABLE facets(rowid INTEGER, facet TEXT, value TEXT);
        """
    )
    for n, record in enumerate(ws.store.iter_records(), 1):
        doc = document(record, ws.store.text_of(record))
        con.execute(
            "INSERT INTO docs(rowid, id, title, authors, keywords, annotation, meta, content)"
            " VALUES (?,?,?,?,?,?,?,?)",
            (
                n,
                doc["id"],
                doc["title"],
                doc["authors"],
                doc["keywords"],
                doc["annotation"],
                doc["meta"],
                doc["content"],
            ),
        )
        for facet in FACETS:
            for value in str(doc[facet]).split(","):
                if value:
                    con.execute("INSERT INTO facets VALUES (?,?,?)", (n, facet, value))
    con.execute("CREATE INDEX ix_facets ON facets(rowid)")
    con.commit()
    con.close()
    return time.perf_counter() - start


def fts_search(con: sqlite3.Connection, query: str) -> int:
    """A results page with snippets plus all facet counts, the FTS5 way; return the total."""
    words = re.findall(r"\w+", query)
    match = " ".join(f'"{w}"' for w in words)
    con.execute(
        "SELECT id, title, snippet(docs, 6, '<mark>', '</mark>', '…', 20) FROM docs"
        " WHERE docs MATCH ? ORDER BY bm25(docs, 0, 4.0, 2.5, 2.5, 1.5, 1.2, 1.0) LIMIT 10",
        (match,),
    ).fetchall()
    total = con.execute("SELECT count(*) FROM docs WHERE docs MATCH ?", (match,)).fetchone()[0]
    con.execute(
        "SELECT facet, value, count(*) FROM facets WHERE rowid IN"
        " (SELECT rowid FROM docs WHERE docs MATCH ?) GROUP BY facet, value",
        (match,),
    ).fetchall()
    return total


def timed(fn: Callable[[], T], repeat: int) -> tuple[float, T]:
    """Median milliseconds of ``repeat`` calls (after one warm-up) and the last result."""
    result = fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), result


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--home", type=Path, help="use this workspace instead of a fresh demo")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="imk-bench-"))
    if args.home:
        ws = Workspace.open(args.home)
    else:
        ws = Workspace.create(tmp / "ws")
        start = time.perf_counter()
        stats = demo.build(ws, seed=args.seed, scale=args.scale)
        print(
            f"demo: {stats.records} records, {stats.files} files, "
            f"{time.perf_counter() - start:.1f} s",
            file=sys.stderr,
        )
    start = time.perf_counter()
    CatalogueIndex.build(ws)
    whoosh_build = time.perf_counter() - start
    fts_build = build_fts(ws, tmp / "fts.sqlite")
    index = CatalogueIndex.open(ws)
    con = sqlite3.connect(tmp / "fts.sqlite")

    print(f"records: {ws.store.count()}; index size {index.size_bytes() / 1e6:.1f} MB")
    print(
        f"build: whoosh {whoosh_build:.2f} s, fts5 {fts_build:.2f} s, "
        f"ratio {whoosh_build / fts_build:.2f}"
    )
    print()
    print("| query | whoosh ms | fts5 ms | ratio | whoosh hits | fts5 hits |")
    print("|---|---:|---:|---:|---:|---:|")
    ours, peers = [], []
    for query in QUERIES:
        w_ms, result = timed(partial(index.search, query), args.repeat)
        f_ms, total = timed(partial(fts_search, con, query), args.repeat)
        ours.append(w_ms)
        peers.append(f_ms)
        print(
            f"| {query} | {w_ms:.1f} | {f_ms:.1f} | {w_ms / max(f_ms, 0.001):.1f} "
            f"| {result.total} | {total} |"
        )
    print()
    for name, q in (("p50", 0.5), ("p95", 0.95)):
        w, f = percentile(ours, q), percentile(peers, q)
        print(f"{name}: whoosh {w:.1f} ms, fts5 {f:.1f} ms, ratio {w / max(f, 0.001):.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
