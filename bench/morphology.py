"""Snowball stemming against pymorphy3 lemmatisation: speed and relevance, same corpus, same run.

    python -m bench.morphology --home DIR   # a workspace holding the imported real corpus

Speed: Cyrillic tokens per second over the corpus's extracted text, without and with a cache.
Relevance: the index is rebuilt with each word reduced either by the Snowball Russian stemmer
(what the product uses) or to its most probable pymorphy3 lemma, and the judged queries of
``bench/relevance_judgments.toml`` are run against each (nDCG@10, MRR). The lemma variant is
installed by swapping the stemming function in this process only.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import tempfile
import time
import tomllib
from functools import lru_cache
from pathlib import Path

import pymorphy3
import Stemmer

import index.analysis
import index.spelling
from bench.relevance import (
    DEFAULT_CORPUS,
    JUDGMENTS,
    files_of,
    ndcg,
    reciprocal_rank,
    table_files,
)
from catalogue.workspace import Workspace
from index.engine import CatalogueIndex

MORPH = pymorphy3.MorphAnalyzer()
SNOWBALL = Stemmer.Stemmer("russian")
PRODUCT_STEM = index.analysis.stem


def lemma(word: str) -> str:
    """The most probable pymorphy3 normal form, ё folded on the output."""
    return MORPH.parse(word)[0].normal_form.replace("ё", "е")


def snowball(word: str) -> str:
    return SNOWBALL.stemWord(word)


def speed(tokens: list[str]) -> dict[str, float]:
    """Tokens per second of each reducer, uncached and with an LRU cache."""
    out = {}
    for name, fn in (("snowball", snowball), ("pymorphy3", lemma)):
        start = time.perf_counter()
        for token in tokens:
            fn(token)
        out[f"{name} uncached"] = len(tokens) / (time.perf_counter() - start)
        cached = lru_cache(maxsize=200_000)(fn)
        start = time.perf_counter()
        for token in tokens:
            cached(token)
        out[f"{name} cached"] = len(tokens) / (time.perf_counter() - start)
    return out


def relevance(home: Path, corpus: Path) -> dict[str, float]:
    """nDCG@10 and MRR of the judged queries against the index at ``home``."""
    ws = Workspace.open(home)
    CatalogueIndex.build(ws)
    index = CatalogueIndex.open(ws)
    manifest = [
        line.split("\t")[0]
        for line in (corpus / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]
    ]
    by_name = {Path(p).name: p for p in manifest}
    judged = tomllib.loads(JUDGMENTS.read_text(encoding="utf-8"))["query"]
    tables = table_files(ws, by_name)
    ndcgs, mrrs, times = [], [], []
    for item in judged:
        start = time.perf_counter()
        hits = index.search(item["q"], page_size=30).hits
        times.append((time.perf_counter() - start) * 1000)
        ranked = files_of([(h.id, h.sources) for h in hits], by_name, tables)
        grades = [item["relevant"].get(f, 0) for f in ranked]
        ndcgs.append(ndcg(grades, list(item["relevant"].values())))
        mrrs.append(reciprocal_rank(grades))
    index.close()
    ws.close()
    return {
        "ndcg": statistics.mean(ndcgs),
        "mrr": statistics.mean(mrrs),
        "latency_ms": statistics.median(times),
    }


def use(reducer) -> None:
    """Make the index's analysis reduce Cyrillic words with ``reducer`` in this process."""

    @lru_cache(maxsize=200_000)
    def stem(word: str) -> str:
        return reducer(word) if index.analysis.CYRILLIC.search(word) else PRODUCT_STEM(word)

    index.analysis.stem = stem
    index.analysis.STEMS.clear()  # the analyzer asks its stem dictionary first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args(argv)

    ws = Workspace.open(args.home)
    text = "\n".join(
        ws.store.texts(
            a.sha256 for r in ws.store.iter_records(kind="material") for a in r.attachments
        ).values()
    )
    ws.close()
    tokens = re.findall(r"[а-яё]+", text.lower())[:300_000]
    print(f"tokens: {len(tokens)}")
    for name, rate in speed(tokens).items():
        print(f"  {name}: {rate / 1000:.0f} k tokens/s")

    copy = Path(tempfile.mkdtemp(prefix="imk-morph-")) / "ws"
    shutil.copytree(args.home, copy)
    print("\n| analysis | nDCG@10 | MRR | latency p50, ms |")
    print("|---|---:|---:|---:|")
    for name, reducer in (("Snowball stems", snowball), ("pymorphy3 lemmas", lemma)):
        use(reducer)
        figures = relevance(copy, args.corpus)
        print(
            f"| {name} | {figures['ndcg']:.3f} | {figures['mrr']:.3f} "
            f"| {figures['latency_ms']:.1f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
