"""Relevance over the real corpus: our search beside SQLite FTS5, same documents, same run.

    python -m bench.relevance [--corpus ../shared/corpus/real] [--home DIR] [--json OUT]

Imports the corpus with ``imk import`` into a fresh workspace (or uses ``--home``), puts the
same records and extracted texts into an FTS5 table (``unicode61 remove_diacritics 2``, bm25
with the same field weights; all words required, any word when that finds nothing), then runs
the judged queries of ``bench/relevance_judgments.toml`` against both. Reports nDCG@10 and MRR
per query type and overall, the share of typo/layout queries with their target in the top 3,
the federal-list textbook queries (target in the top 3) and latency medians.
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
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.search_latency import build_fts
from catalogue.workspace import Workspace
from index.engine import CatalogueIndex

HERE = Path(__file__).resolve().parent
JUDGMENTS = HERE / "relevance_judgments.toml"
DEFAULT_CORPUS = HERE.parent.parent / "shared" / "corpus" / "real"
K = 10


def ndcg(grades: list[int], ideal: list[int], k: int = K) -> float:
    """nDCG@k of the graded relevance of a ranking against the ideal grades."""

    def dcg(values):
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(values[:k]))

    best = dcg(sorted(ideal, reverse=True))
    return dcg(grades) / best if best else 0.0


def reciprocal_rank(grades: list[int]) -> float:
    """1/rank of the first relevant (grade ≥ 2) result."""
    return next((1 / (i + 1) for i, g in enumerate(grades) if g >= 2), 0.0)


def files_of(sources: list[list[str]], by_name: dict[str, str]) -> list[str]:
    """Corpus paths of ranked hits (first source each), each file counted once."""
    seen, out = set(), []
    for names in sources:
        path = next((by_name[n] for n in names if n in by_name), None)
        if path and path not in seen:
            seen.add(path)
            out.append(path)
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--home", type=Path, help="a workspace that already holds the corpus")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

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

    by_name = {Path(p).name: p for p in manifest}
    sources_of = {r.id: r.sources for r in ws.store.iter_records()}
    judgments = tomllib.loads(JUDGMENTS.read_text(encoding="utf-8"))

    rows: list[dict[str, Any]] = []
    times: dict[str, list[float]] = {"ours": [], "fts5": []}
    for item in judgments["query"]:
        q, relevant = item["q"], item["relevant"]
        start = time.perf_counter()
        result = index.search(q, page_size=30)
        times["ours"].append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        fts_ids = fts_ranking(con, q)
        times["fts5"].append((time.perf_counter() - start) * 1000)
        ours = files_of([h.sources for h in result.hits], by_name)
        peer = files_of([sources_of.get(i, []) for i in fts_ids], by_name)
        ideal = list(relevant.values())
        row = {"q": q, "type": item["type"], "corrected": result.corrected}
        for name, ranked in (("ours", ours), ("fts5", peer)):
            grades = [relevant.get(f, 0) for f in ranked]
            row[name] = {
                "ndcg": ndcg(grades, ideal),
                "mrr": reciprocal_rank(grades),
                "top3": any(relevant.get(f, 0) == 3 for f in ranked[:3]),
            }
        rows.append(row)

    by_type = defaultdict(list)
    for row in rows:
        by_type[row["type"]].append(row)
    print("| type | queries | nDCG@10 ours | nDCG@10 FTS5 | MRR ours | MRR FTS5 | top-3 ours |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    summary = {}
    for name, group in [*sorted(by_type.items()), ("all", rows)]:

        def mean(engine, metric, group=group):
            return statistics.mean(float(r[engine][metric]) for r in group)

        summary[name] = {
            m: {e: mean(e, m) for e in ("ours", "fts5")} for m in ("ndcg", "mrr", "top3")
        }
        print(
            f"| {name} | {len(group)} | {mean('ours', 'ndcg'):.3f} | {mean('fts5', 'ndcg'):.3f}"
            f" | {mean('ours', 'mrr'):.3f} | {mean('fts5', 'mrr'):.3f}"
            f" | {mean('ours', 'top3'):.0%} |"
        )
    hard = [r for r in rows if r["type"] in ("typo", "layout")]
    top3_hard = statistics.mean(float(r["ours"]["top3"]) for r in hard) if hard else 0.0
    print(f"\ntypo + layout queries with the target in the top 3: {top3_hard:.0%}")
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
    print(f"\nlatency p50: ours {latency['ours']:.1f} ms, FTS5 {latency['fts5']:.2f} ms")
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
