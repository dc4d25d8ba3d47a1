"""Relevance over the real corpus: our search beside SQLite FTS5 and plain Whoosh, same
documents, same run.

    python -m bench.relevance [--corpus ../shared/corpus/real] [--home DIR] [--json OUT]
                              [--backend postgresql [--database-url URL]]

Imports the corpus with ``imk import`` into a fresh workspace (or uses ``--home``), puts the
same records and extracted texts into an FTS5 table (``unicode61 remove_diacritics 2``, bm25
with the same field weights; all words required, any word when that finds nothing) and into
a plain Whoosh index (``LanguageAnalyzer("ru")`` over title and body, an ``Or`` of the analysed
query terms, BM25F defaults: the untuned baseline), then runs the judged queries of
``bench/relevance_judgments.toml`` against all three. Reports nDCG@10 and MRR per query type
(«question» — natural-language questions — separate) and overall, the share of typo/layout
queries with their target in the top 3, the federal-list textbook queries (target in the top
3) and latency medians. ``--backend postgresql`` adds a column: the same catalogue copied into
PostgreSQL (``imk copy``; a throwaway server from :mod:`bench.pgserver` unless
``--database-url`` names an empty database) and searched by its SQL backend (:mod:`index.pg`),
beside the Whoosh one in the same run. ``--pool N`` prints each query's top N of every ranker
instead (for judging).
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.analysis import LanguageAnalyzer
from whoosh.fields import ID, TEXT, Schema

from bench import pgserver
from bench.search_latency import build_fts
from catalogue.workspace import Workspace
from index.engine import CatalogueIndex

HERE = Path(__file__).resolve().parent
JUDGMENTS = HERE / "relevance_judgments.toml"
DEFAULT_CORPUS = HERE.parent.parent / "shared" / "corpus" / "real"
K = 10
ENGINES = ("ours", "fts5", "whoosh")
PG_ENGINE = "postgresql"  # the column of --backend postgresql
PLAIN_ANALYZER = LanguageAnalyzer("ru")


def ndcg(grades: list[int], ideal: list[int], k: int = K) -> float:
    """nDCG@k of the graded relevance of a ranking against the ideal grades."""

    def dcg(values):
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(values[:k]))

    best = dcg(sorted(ideal, reverse=True))
    return dcg(grades) / best if best else 0.0


def reciprocal_rank(grades: list[int]) -> float:
    """1/rank of the first relevant (grade ≥ 2) result."""
    return next((1 / (i + 1) for i, g in enumerate(grades) if g >= 2), 0.0)


def corpus_path(names: list[str], by_name: dict[str, str]) -> str:
    """The corpus path of a record's first source file that is in the corpus ('' if none)."""
    return next((by_name[n] for n in names if n in by_name), "")


def table_files(ws: Workspace, by_name: dict[str, str]) -> set[str]:
    """Corpus files that gave more than one record: tables of records (the federal list)."""
    per_file = Counter(corpus_path(r.sources, by_name) for r in ws.store.iter_records())
    return {path for path, records in per_file.items() if path and records > 1}


def files_of(
    hits: list[tuple[str, list[str]]], by_name: dict[str, str], tables: set[str]
) -> list[str]:
    """What the reader sees, hit by hit: the corpus path of a document's record, and for a
    record from a table of records (a row of the federal list) or with no corpus file its own
    ``path#id`` (judged 0 unless named). Every hit takes a place, so forty textbook rows above
    the programme a question asks for push it down as they do on the screen; a document found
    twice counts once."""
    seen, out = set(), []
    for rid, names in hits:
        path = corpus_path(names, by_name)
        key = path if path and path not in tables else f"{path}#{rid}"
        if key not in seen:
            seen.add(key)
            out.append(key)
    return out


def fts_ranking(con: sqlite3.Connection, query: str, limit: int = 30) -> list[str]:
    """Record ids FTS5 ranks first: all words, else any word."""
    words = re.findall(r"\w+", query)
    if not words:
        return []
    for joiner in (" AND ", " OR "):
        match = joiner.join(f'"{w}"' for w in words)
        rows = con.execute(
            "SELECT id FROM docs WHERE docs MATCH ?"
            " ORDER BY bm25(docs, 0, 4.0, 2.5, 2.5, 1.5, 1.2, 1.0) LIMIT ?",
            (match, limit),
        ).fetchall()
        if rows:
            return [r[0] for r in rows]
    return []


def build_plain_whoosh(ws: Workspace, path: Path) -> whoosh_index.Index:
    """The untuned peer: every record's title and extracted text, ``LanguageAnalyzer("ru")``."""
    schema = Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=PLAIN_ANALYZER),
        body=TEXT(analyzer=PLAIN_ANALYZER),
    )
    path.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(path), schema)
    writer = ix.writer()
    for record in ws.store.iter_records():
        writer.add_document(id=record.id, title=record.title, body=ws.store.text_of(record))
    writer.commit()
    return ix


def plain_whoosh_ranking(ix: whoosh_index.Index, query: str, limit: int = 30) -> list[str]:
    """Record ids plain Whoosh ranks first: any analysed word, title or body, BM25F defaults."""
    terms = list(dict.fromkeys(t.text for t in PLAIN_ANALYZER(query)))
    if not terms:
        return []
    q = wq.Or([wq.Term(name, t) for t in terms for name in ("title", "body")])
    with ix.searcher() as searcher:
        return [hit["id"] for hit in searcher.search(q, limit=limit)]


def import_corpus(corpus: Path, files: list[str], home: Path) -> float:
    """``imk import`` the corpus's documents (not its MANIFEST and README) into ``home``;
    return the seconds it took."""
    imk = Path(sys.executable).with_name("imk")
    start = time.perf_counter()
    subprocess.run([str(imk), "--home", str(home), "init"], check=True)
    subprocess.run(
        [str(imk), "--home", str(home), "import", *(str(corpus / f) for f in files)], check=True
    )
    return time.perf_counter() - start


def on_postgresql(ws: Workspace, home: Path, url: str | None) -> tuple[Any, CatalogueIndex]:
    """The catalogue of ``ws`` copied into PostgreSQL (``url``, else a throwaway server) and
    its search index there (:mod:`index.pg`); the server to stop, if one was started."""
    from catalogue.maintenance.copy import copy_database

    server = None
    if url is None:
        server = pgserver.Server()
        url = server.database(name="relevance")
    copy_database(ws.store.db, url)
    home.mkdir(parents=True)
    (home / "settings.toml").write_text(f'[database]\nurl = "{url}"\n', encoding="utf-8")
    pg_ws = Workspace.create(home)
    return server, CatalogueIndex.open(pg_ws)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--home", type=Path, help="a workspace that already holds the corpus")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--pool", type=int, help="print every ranker's top N per query")
    parser.add_argument("--backend", choices=("sqlite", PG_ENGINE), default="sqlite")
    parser.add_argument("--database-url", help="an empty PostgreSQL database for --backend")
    args = parser.parse_args(argv)
    if args.backend == PG_ENGINE and not args.database_url and not pgserver.available():
        print(
            "PostgreSQL (initdb, pg_ctl) is not installed: its column is left out", file=sys.stderr
        )
        args.backend = "sqlite"
    engines = (*ENGINES, PG_ENGINE) if args.backend == PG_ENGINE else ENGINES

    manifest = [
        line.split("\t")[0]
        for line in (args.corpus / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]
    ]
    tmp = Path(tempfile.mkdtemp(prefix="imk-relevance-"))
    home = args.home or tmp / "ws"
    if not args.home:
        seconds = import_corpus(args.corpus, manifest, home)
        print(f"import: {seconds:.1f} s", file=sys.stderr)
    ws = Workspace.open(home)
    index = CatalogueIndex.open(ws)
    build_fts(ws, tmp / "fts.sqlite")
    con = sqlite3.connect(tmp / "fts.sqlite")
    plain = build_plain_whoosh(ws, tmp / "plain-whoosh")
    server = None
    if args.backend == PG_ENGINE:
        server, pg_index = on_postgresql(ws, tmp / "pg", args.database_url)

    by_name = {Path(p).name: p for p in manifest}
    sources_of = {r.id: r.sources for r in ws.store.iter_records()}
    tables = table_files(ws, by_name)
    judgments = tomllib.loads(JUDGMENTS.read_text(encoding="utf-8"))

    rows: list[dict[str, Any]] = []
    times: dict[str, list[float]] = {e: [] for e in engines}
    for item in judgments["query"]:
        q, relevant = item["q"], item["relevant"]
        start = time.perf_counter()
        result = index.search(q, page_size=30)
        times["ours"].append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        fts_ids = fts_ranking(con, q)
        times["fts5"].append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        plain_ids = plain_whoosh_ranking(plain, q)
        times["whoosh"].append((time.perf_counter() - start) * 1000)
        rankings = {
            "ours": files_of([(h.id, h.sources) for h in result.hits], by_name, tables),
            "fts5": files_of([(i, sources_of.get(i, [])) for i in fts_ids], by_name, tables),
            "whoosh": files_of([(i, sources_of.get(i, [])) for i in plain_ids], by_name, tables),
        }
        if args.backend == PG_ENGINE:
            start = time.perf_counter()
            pg_result = pg_index.search(q, page_size=30)
            times[PG_ENGINE].append((time.perf_counter() - start) * 1000)
            rankings[PG_ENGINE] = files_of(
                [(h.id, h.sources) for h in pg_result.hits], by_name, tables
            )
        if args.pool:
            pooled = dict.fromkeys(f for r in rankings.values() for f in r[: args.pool])
            print(f"\n## {q}  [{item['type']}]")
            for f in pooled:
                ranks = " ".join(
                    f"{e[0]}{r.index(f) + 1 if f in r else '-':>2}" for e, r in rankings.items()
                )
                print(f"  {relevant.get(f, '?')}  {ranks}  {f}")
            continue
        ideal = list(relevant.values())
        row = {"q": q, "type": item["type"], "corrected": result.corrected}
        for name, ranked in rankings.items():
            grades = [relevant.get(f, 0) for f in ranked]
            row[name] = {
                "ndcg": ndcg(grades, ideal),
                "mrr": reciprocal_rank(grades),
                "top3": any(relevant.get(f, 0) == 3 for f in ranked[:3]),
            }
        rows.append(row)

    if args.pool:
        return 0
    by_type = defaultdict(list)
    for row in rows:
        by_type[row["type"]].append(row)
    names = {"ours": "ours", "fts5": "FTS5", "whoosh": "Whoosh", PG_ENGINE: "ours on PostgreSQL"}
    print(
        "| type | queries | "
        + " | ".join(f"nDCG@10 {names[e]}" for e in engines)
        + " | "
        + " | ".join(f"MRR {names[e]}" for e in engines)
        + " | top-3 ours |"
    )
    print("|---|---:|" + "---:|" * (2 * len(engines) + 1))
    summary = {}
    for name, group in [*sorted(by_type.items()), ("all", rows)]:

        def mean(engine, metric, group=group):
            return statistics.mean(float(r[engine][metric]) for r in group)

        summary[name] = {m: {e: mean(e, m) for e in engines} for m in ("ndcg", "mrr", "top3")}
        print(
            f"| {name} | {len(group)} | "
            + " | ".join(f"{mean(e, 'ndcg'):.3f}" for e in engines)
            + " | "
            + " | ".join(f"{mean(e, 'mrr'):.3f}" for e in engines)
            + f" | {mean('ours', 'top3'):.0%} |"
        )
    hard = [r for r in rows if r["type"] in ("typo", "layout")]
    top3_hard = statistics.mean(float(r["ours"]["top3"]) for r in hard) if hard else 0.0
    print(f"\ntypo + layout queries with the target in the top 3: {top3_hard:.0%}")
    if args.backend == PG_ENGINE:
        pg_hard = statistics.mean(float(r[PG_ENGINE]["top3"]) for r in hard) if hard else 0.0
        print(f"… on PostgreSQL: {pg_hard:.0%}")
        print("\nqueries ranked differently on PostgreSQL (nDCG@10 Whoosh → PostgreSQL):")
        for row in sorted(rows, key=lambda r: r[PG_ENGINE]["ndcg"] - r["ours"]["ndcg"])[:8]:
            print(f"  {row['ours']['ndcg']:.2f} → {row[PG_ENGINE]['ndcg']:.2f}  {row['q']!r}")
    print("\nweakest queries (ours):")
    for row in sorted(rows, key=lambda r: r["ours"]["ndcg"])[:8]:
        print(f"  {row['ours']['ndcg']:.2f}  {row['q']!r} → corrected {row['corrected']!r}")

    print("\n| textbook query | target in top 3 |")
    print("|---|---|")
    textbooks = []
    for item in judgments.get("textbook", []):
        hits = index.search(item["q"], page_size=3).hits
        ok = any(
            item["authors"].lower() in " ".join(h.authors).lower()
            and ("subject" not in item or item["subject"] in h.subjects)
            and ("grade" not in item or item["grade"] in h.grades)
            for h in hits
        )
        textbooks.append({"q": item["q"], "top3": ok})
        print(f"| {item['q']} | {'yes' if ok else 'NO'} |")

    latency = {e: statistics.median(v) for e, v in times.items()}
    print(
        f"\nlatency p50: ours {latency['ours']:.1f} ms, FTS5 {latency['fts5']:.2f} ms,"
        f" plain Whoosh {latency['whoosh']:.1f} ms"
        + (f", ours on PostgreSQL {latency[PG_ENGINE]:.1f} ms" if PG_ENGINE in latency else "")
    )
    if server is not None:
        server.stop()
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "summary": summary,
                    "rows": rows,
                    "textbooks": textbooks,
                    "latency_ms": latency,
                    "typo_layout_top3": top3_hard,
                },
                ensure_ascii=False,
                indent=2,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
