"""Search at scale: this project beside SQLite FTS5 and Tantivy on 10,000 and 100,000 records.

    python -m bench.scale [--sizes 10000,100000] [--rounds 3] [--repeat 5] [--rebuild]
    python -m bench.scale --sizes 2000          # a quick run
    python -m bench.scale --backend postgresql  # also the catalogue searched on PostgreSQL

One command builds catalogues of the given sizes (records from the demo generator's
vocabularies; 20 % of them carry an attachment text of 1–20 pages made of the demo's
paragraphs), indexes the same documents with this project, SQLite FTS5 (``unicode61``, no
stemming, bm25) and Tantivy (its Snowball Russian stemmer), then measures in the same run:

- build: records per wall-second and per CPU-second, peak RSS, index size, the temporary
  files written beside it (the spill), each build in a process of its own;
- the query mix (the 20 queries of :mod:`bench.search_latency` plus a 4-word question, a
  phrase, a fielded query, a typo and a wrong-layout query), each plain and with 3 facet
  filters: a results page (10 hits with snippets) plus the counts of every facet; engines
  interleaved, the median of ``--repeat`` runs per query per round, ``--rounds`` rounds;
  p50/p95 over the queries (wall ms, and the CPU ms of the searching process, the figure
  to trust on a loaded machine) and the ratios to the peers;
- one save → searchable (store a changed record, find it); the cold first search of a new
  process (open + first page); ``imk search … --json`` wall time; the peak RSS of a process
  running the whole mix.

With ``--backend postgresql`` each catalogue is also copied (``imk copy``) into a throwaway
PostgreSQL server (:mod:`bench.pgserver`), its search table built (timed as the build
«postgresql») and searched by :mod:`index.pg` in the same interleaved rounds; its save →
searchable is measured too. ``--keep`` keeps that server's folder (``build/scale/pg-server``)
and each size's database, so that the next ``--keep`` run skips the copy and the table's build
while the catalogue and ``PG_INDEX_VERSION`` are unchanged. ``--no-project`` leaves this
project's Whoosh index out (its build at 100,000 records takes long on a shared machine): the
peers and PostgreSQL only.

Catalogues and peer indexes are kept under ``build/scale/<size>/`` and reused by later runs
(the project's index is rebuilt when its ``INDEX_VERSION`` changed or with ``--rebuild``).
Results: ``bench/results/scale-<sizes>.json`` (written after every step, so a stopped run
leaves what it measured) and a chart ``bench/results/scale-<sizes>.png``. The catalogue is
written in bulk, so 100,000 records take minutes, not hours.
The machine is shared: the load average is recorded with every measurement; compare ratios.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import random
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

from bench.search_latency import QUERIES

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "build" / "scale"
RESULTS = ROOT / "bench" / "results"
CATALOGUE_VERSION = 2  # bump when the generated catalogue changes
RECORDS_PER_SCALE = 1500  # the demo generator makes about this many records at scale 1
TEXT_SHARE = 0.2
PAGE_CHARS = 1800
MAX_PAGES = 20

# name -> (this project's query, FTS5 MATCH expression, Tantivy query)
EXTRA_QUERIES: dict[str, tuple[str, str, str]] = {
    "question": (
        "как организовать проектную деятельность школьников",
        '"организовать" "проектную" "деятельность" "школьников"',
        "+организовать +проектную +деятельность +школьников",
    ),
    "phrase": ('"рабочая программа"', '"рабочая программа"', '"рабочая программа"'),
    "fielded": (
        "предмет:математика контрольная",
        '"контрольная" AND meta : "математика"',
        "+контрольная +meta:математика",
    ),
    "typo": ("матиматика", '"матиматика"', "матиматика"),
    "layout": ("hjlbntkmcrjt cj,hfybt", '"hjlbntkmcrjt" "cj" "hfybt"', "+hjlbntkmcrjt +cj +hfybt"),
}
# The PostgreSQL server's memory, as an office's server would be set up (the default 128 MB
# of shared buffers holds a tenth of the 100,000-record search table)
PG_SETTINGS = {"shared_buffers": "1GB", "effective_cache_size": "4GB"}
FILTER_FACETS = ("kind", "level", "status")  # the 3 filters: each facet's most common value
TEXT_COLUMNS = ("title", "authors", "keywords", "filename", "annotation", "meta", "content")
FTS_WEIGHTS = "0, 4.0, 2.5, 2.5, 2.0, 1.5, 1.2, 1.0"


def load() -> str:
    """The machine's 1-minute load average, recorded beside every measurement."""
    return f"{os.getloadavg()[0]:.2f}"


# -- the catalogue ---------------------------------------------------------------------------


def _paragraph_pool(demo: Any, pending: list[Any]) -> dict[str, list[str]]:
    """Attachment paragraphs of the demo's materials, by subject (and all of them under "")."""
    pool: dict[str, list[str]] = {"": []}
    rng = random.Random(1)
    for item in pending:
        draft = item._draft
        if draft is None:
            continue
        paragraphs = [p.lstrip("# ") for p in demo.body(draft, rng) if len(p) > 20]
        subject = draft.record.subjects[0] if draft.record.subjects else ""
        pool.setdefault(subject, []).extend(paragraphs)
        pool[""].extend(paragraphs)
    return pool


def _text(pool: dict[str, list[str]], subject: str, rng: random.Random) -> str:
    """1–20 pages of paragraphs, mostly of the record's subject."""
    own = pool.get(subject) or pool[""]
    want = rng.randint(1, MAX_PAGES) * PAGE_CHARS
    out: list[str] = []
    size = 0
    while size < want:
        paragraph = rng.choice(own if rng.random() < 0.8 else pool[""])
        out.append(paragraph)
        size += len(paragraph) + 1
    return "\n".join(out)


def _rows(records: list[Any], by: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The ``records`` and ``record_versions`` rows of new records, ids given in order."""
    from catalogue.records import to_dict
    from catalogue.storage.common import now

    stamp = now()
    rows, versions = [], []
    for record in records:
        record.version, record.created_at, record.created_by = 1, stamp, by
        record.updated_at, record.updated_by = stamp, by
        data = json.dumps(to_dict(record), ensure_ascii=False)
        rows.append(
            dict(
                id=record.id,
                kind=record.kind,
                title=record.title,
                status=record.status,
                version=1,
                data=data,
                created_at=stamp,
                updated_at=stamp,
                updated_by=by,
            )
        )
        versions.append(
            dict(record_id=record.id, version=1, data=data, saved_at=stamp, saved_by=by)
            | {"action": "create"}
        )
    return rows, versions


def make_catalogue(path: Path, size: int, seed: int) -> dict[str, Any]:
    """Generate a catalogue of ``size`` records into the workspace ``path``.

    The records are validated and written in bulk (one statement per table per 2,000
    records, one transaction): a new workspace has no index yet, so no journal rows are
    written; the first open builds the index from the records.
    """
    from sqlalchemy import insert
    from tqdm import tqdm

    from catalogue import schema
    from catalogue.demo.generator import Demo
    from catalogue.records import Attachment
    from catalogue.storage.common import ID_PREFIX, now
    from catalogue.validation import check
    from catalogue.workspace import Workspace

    started = time.perf_counter()
    shutil.rmtree(path, ignore_errors=True)
    ws = Workspace.create(path)
    scale = size / RECORDS_PER_SCALE
    pending: list[Any] = []
    while len(pending) < size:
        demo = Demo(seed, scale)
        pending = demo.prepare()
        scale *= max(1.05, 1.01 * size / max(1, len(pending)))
    pending = pending[:size]
    pool = _paragraph_pool(demo, pending)
    rng = random.Random(seed)
    texts = 0
    counters: dict[str, int] = {}
    records, blobs = [], []
    for n, item in enumerate(tqdm(pending, desc=f"catalogue {size}", unit="rec"), 1):
        record = item.record
        record.attachments = []
        if rng.random() < TEXT_SHARE:
            text = _text(pool, record.subjects[0] if record.subjects else "", rng)
            data = text.encode()
            sha = hashlib.sha256(data).hexdigest()
            blobs.append(
                dict(sha256=sha, size=len(data), media_type="text/plain", text=text)
                | dict(text_status="ok", message="", added_at=now())
            )
            name = f"material-{n}.txt"
            record.attachments.append(
                Attachment(name=name, sha256=sha, media_type="text/plain", size=len(data))
            )
            texts += 1
        check(record)
        prefix = ID_PREFIX[record.kind]
        counters[prefix] = counters.get(prefix, 0) + 1
        record.id = f"{prefix}-{counters[prefix]:06d}"
        records.append(record)
    with ws.store.db.write() as conn:
        for start in tqdm(range(0, len(records), 2000), desc="write", unit="×2000"):
            rows, versions = _rows(records[start : start + 2000], "bench")
            conn.execute(insert(schema.records), rows)
            conn.execute(insert(schema.record_versions), versions)
        unique = list({b["sha256"]: b for b in blobs}.values())
        for start in range(0, len(unique), 500):
            conn.execute(insert(schema.blobs), unique[start : start + 500])
        conn.execute(
            insert(schema.counters), [dict(prefix=p, value=v) for p, v in counters.items()]
        )
    ws.close()
    return {
        "records": size,
        "with_text": texts,
        "seconds": round(time.perf_counter() - started, 1),
    }


def documents(home: Path) -> Iterator[dict[str, Any]]:
    """The documents this project indexes, for the peers (same text, same facets)."""
    from catalogue.workspace import Workspace
    from index.documents import document

    ws = Workspace.open(home)
    batch: list[Any] = []

    def flush() -> Iterator[dict[str, Any]]:
        texts = ws.store.texts(a.sha256 for r in batch for a in r.attachments)
        for record in batch:
            text = "\n\n".join(texts.get(a.sha256, "") for a in record.attachments).strip()
            yield document(record, text)

    for record in ws.store.iter_records():
        batch.append(record)
        if len(batch) == 500:
            yield from flush()
            batch = []
    yield from flush()
    ws.close()


# -- builds (each in a process of its own) ----------------------------------------------------


class SpillWatch:
    """Peak bytes under some folders while a build runs (sampled every 0.2 s)."""

    def __init__(self, *folders: Path) -> None:
        self.folders, self.peak = folders, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _size(self) -> int:
        total = 0
        for folder in self.folders:
            for base, _, files in os.walk(folder):
                for name in files:
                    with contextlib.suppress(OSError):
                        total += os.stat(os.path.join(base, name)).st_size
        return total

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, self._size())

    def __enter__(self) -> SpillWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def folder_bytes(path: Path) -> int:
    """Bytes of the files under ``path``."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _usage() -> dict[str, float]:
    own, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return {
        "cpu_s": own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime,
        "peak_rss_mb": max(own.ru_maxrss, kids.ru_maxrss) / 1024,
    }


def _built(records: int, wall: float, size_bytes: int, spill_bytes: int = 0) -> dict[str, Any]:
    """How a build went: records, wall seconds, index size and temporary spill (MB), and the
    process's CPU seconds and peak RSS so far."""
    return {
        "records": records,
        "wall_s": wall,
        "size_mb": size_bytes / 1e6,
        "spill_mb": spill_bytes / 1e6,
        **_usage(),
    }


def build_project(home: Path) -> dict[str, Any]:
    from catalogue.workspace import Workspace
    from index.engine import CatalogueIndex

    ws = Workspace.open(home)
    tmp = home / "tmp"
    with SpillWatch(home / "index.new", tmp) as watch:
        started = time.perf_counter()
        records = CatalogueIndex.build(ws)
        wall = time.perf_counter() - started
    size = folder_bytes(ws.index_dir)
    return _built(records, wall, size, max(0, watch.peak - size))


def build_fts(home: Path, path: Path) -> dict[str, Any]:
    from index.schema import FACETS

    path.unlink(missing_ok=True)
    started = time.perf_counter()
    con = sqlite3.connect(path)
    columns = ", ".join(TEXT_COLUMNS)
    con.executescript(
        f"""
        CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, {columns},
            tokenize = 'unicode61 remove_diacritics 2');
        CREATE TABLE facets(rowid INTEGER, facet TEXT, value TEXT);
        """
    )
    n = 0
    for n, doc in enumerate(documents(home), 1):
        con.execute(
            f"INSERT INTO docs(rowid, id, {columns}) VALUES (?, ?{', ?' * len(TEXT_COLUMNS)})",
            (n, doc["id"], *(doc[c] for c in TEXT_COLUMNS)),
        )
        con.executemany(
            "INSERT INTO facets VALUES (?,?,?)",
            [(n, f, v) for f in FACETS for v in str(doc[f]).split(",") if v],
        )
    con.execute("CREATE INDEX ix_facets ON facets(rowid)")
    con.execute("CREATE INDEX ix_facet_values ON facets(facet, value)")
    con.commit()
    con.close()
    return _built(n, time.perf_counter() - started, folder_bytes(path))


def tantivy_schema() -> Any:
    import tantivy

    from index.schema import FACETS

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    for column in TEXT_COLUMNS:
        builder.add_text_field(
            column, stored=column in ("title", "annotation", "content"), tokenizer_name="ru_stem"
        )
    for facet in FACETS:
        builder.add_text_field(facet, stored=False, tokenizer_name="raw", fast=True)
    return builder.build()


def open_tantivy(path: Path) -> Any:
    import tantivy

    index = tantivy.Index(tantivy_schema(), path=str(path))
    return index


def build_tantivy(home: Path, path: Path) -> dict[str, Any]:
    import tantivy

    from index.schema import FACETS

    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    started = time.perf_counter()
    index = open_tantivy(path)
    writer = index.writer(heap_size=256_000_000, num_threads=2)
    n = 0
    for doc in documents(home):
        n += 1
        fields: dict[str, Any] = {"id": doc["id"]}
        fields.update({c: doc[c] for c in TEXT_COLUMNS})
        for facet in FACETS:
            values = [v for v in str(doc[facet]).split(",") if v]
            if values:
                fields[facet] = values
        writer.add_document(tantivy.Document(**fields))
    writer.commit()
    writer.wait_merging_threads()
    return _built(n, time.perf_counter() - started, folder_bytes(path))


# -- the three engines' search page -----------------------------------------------------------


class Project:
    """This project's search page: 10 hits with snippets and every facet's counts."""

    name = "project"
    form = 0  # which of a query's forms (project, FTS5, Tantivy) this engine reads

    def __init__(self, home: Path) -> None:
        from index.engine import CatalogueIndex

        self.index = CatalogueIndex.open(home)

    def search(self, query: str, filters: dict[str, list[str]]) -> int:
        return self.index.search(query, filters=filters).total


class OnPostgresql(Project):
    """The same search page, the catalogue on PostgreSQL (index/pg)."""

    name = "postgresql"


def on_postgresql(home: Path, server: Any, keep: bool = False) -> tuple[Path, dict[str, Any]]:
    """The catalogue of ``home`` copied into a new database of ``server``, its search table
    built: the workspace folder naming it, and the build's figures. ``keep``: a database kept
    by an earlier run for this catalogue is reused (its search table rebuilt only when
    ``PG_INDEX_VERSION`` changed), and this one is kept for the next."""
    from catalogue.maintenance.copy import copy_database
    from catalogue.workspace import Workspace
    from index.engine import CatalogueIndex
    from index.pg.engine import PG_INDEX_VERSION, PgIndex

    folder = home.parent
    stamp, saved = folder / "pg.json", folder / "build-postgresql.json"
    catalogue = json.loads((folder / "catalogue.json").read_text())["key"]
    kept = json.loads(stamp.read_text()) if keep and stamp.exists() else {}
    reused = kept.get("catalogue") == catalogue and kept.get("database") in server.databases()
    name = kept["database"] if reused else f"scale{folder.name}x{random.Random().randrange(10**6)}"
    url = server.url(name) if reused else server.database(name=name)
    pg_home = folder / "pg"
    if not reused:
        shutil.rmtree(pg_home, ignore_errors=True)
        stamp.unlink(missing_ok=True)
        saved.unlink(missing_ok=True)
    pg_home.mkdir(exist_ok=True)
    (pg_home / "settings.toml").write_text(f'[database]\nurl = "{url}"\n', encoding="utf-8")
    if not reused:
        source = Workspace.open(home)
        copy_database(source.store.db, url)
        source.close()
        ws = Workspace.create(pg_home)
        if keep:
            stamp.write_text(json.dumps({"catalogue": catalogue, "database": name}))
    else:
        ws = Workspace.open(pg_home)
    built: dict[str, Any] = json.loads(saved.read_text()) if saved.exists() else {}
    if built.get("pg_index_version") == PG_INDEX_VERSION and PgIndex.current(ws.store):
        built["reused"] = True
        return pg_home, built
    before, started, cpu = load(), time.perf_counter(), _usage()["cpu_s"]
    records = CatalogueIndex.build(ws)
    wall = time.perf_counter() - started
    index = CatalogueIndex.open(ws)
    built = _built(records, wall, index.size_bytes())
    built["cpu_s"] -= cpu  # this process's CPU for the build (the server's is not counted)
    built["load"] = [before, load()]
    built["records_per_wall_s"] = records / wall
    built["records_per_cpu_s"] = records / max(built["cpu_s"], 1e-9)
    built["pg_index_version"] = PG_INDEX_VERSION
    if keep:
        saved.write_text(json.dumps(built))
    return pg_home, built


class Fts5:
    """The FTS5 page: bm25 top 10 with snippets, the total, facet counts by GROUP BY."""

    name = "fts5"
    form = 1

    def __init__(self, path: Path) -> None:
        self.con = sqlite3.connect(path)

    def search(self, match: str, filters: dict[str, list[str]]) -> int:
        # each filter a join on the facets table, the full-text match the outer loop
        # (CROSS JOIN keeps that order: as the inner loop MATCH would run once per facet row)
        joined = "docs" + "".join(
            f" CROSS JOIN facets f{i} ON f{i}.rowid = docs.rowid"
            f" AND f{i}.facet = ? AND f{i}.value = ?"
            for i in range(len(filters))
        )
        args = [part for facet, values in filters.items() for part in (facet, values[0])]
        args.append(match)
        try:
            self.con.execute(
                "SELECT id, title, snippet(docs, 7, '<mark>', '</mark>', '…', 20)"
                f" FROM {joined} WHERE docs MATCH ? ORDER BY bm25(docs, {FTS_WEIGHTS}) LIMIT 10",
                args,
            ).fetchall()
            total: int = self.con.execute(
                f"SELECT count(*) FROM {joined} WHERE docs MATCH ?", args
            ).fetchone()[0]
            self.con.execute(
                "SELECT facet, value, count(*) FROM facets WHERE rowid IN"
                f" (SELECT docs.rowid FROM {joined} WHERE docs MATCH ?) GROUP BY facet, value",
                args,
            ).fetchall()
        except sqlite3.OperationalError:
            return 0
        return total


class Tantivy:
    """Tantivy's page: top 10 with snippets, the count, terms aggregations for the facets."""

    name = "tantivy"
    form = 2

    def __init__(self, path: Path) -> None:
        from index.schema import FACETS

        self.index = open_tantivy(path)
        self.searcher = self.index.searcher()
        self.schema = self.index.schema
        self.aggs = {f: {"terms": {"field": f, "size": 1000}} for f in FACETS}

    def search(self, text: str, filters: dict[str, list[str]]) -> int:
        import tantivy

        query = self.index.parse_query(text, list(TEXT_COLUMNS))
        if filters:
            must = [(tantivy.Occur.Must, query)]
            for facet, values in filters.items():
                term = tantivy.Query.term_query(self.schema, facet, values[0])
                must.append((tantivy.Occur.Must, term))
            query = tantivy.Query.boolean_query(must)
        result = self.searcher.search(query, limit=10, count=True)
        snippets = tantivy.SnippetGenerator.create(self.searcher, query, self.schema, "content")
        for _, address in result.hits:
            doc = self.searcher.doc(address)
            snippets.snippet_from_doc(doc).to_html()
        self.searcher.aggregate(query, self.aggs)
        return int(result.count or 0)


# -- the query mix ----------------------------------------------------------------------------


def query_mix() -> list[tuple[str, str, str, str]]:
    """(name, project query, FTS5 match, Tantivy query) of every query of the mix."""
    mix = []
    for text in QUERIES:
        words = re.findall(r"\w+", text)
        fts = " ".join(f'"{w}"' for w in words)
        tv = " ".join(f"+{w}" for w in words)
        mix.append((text, text, fts, tv))
    mix += [(name, *forms) for name, forms in EXTRA_QUERIES.items()]
    return mix


def common_filters(fts: Path) -> dict[str, list[str]]:
    """Each filter facet's most common value (the same 3 filters for every engine)."""
    con = sqlite3.connect(fts)
    out = {}
    for facet in FILTER_FACETS:
        row = con.execute(
            "SELECT value FROM facets WHERE facet = ? GROUP BY value ORDER BY count(*) DESC",
            (facet,),
        ).fetchone()
        out[facet] = [row[0]]
    con.close()
    return out


def median_ms(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Median wall and CPU milliseconds of ``repeat`` calls (CPU: this process, all threads)."""
    wall, cpu = [], []
    for _ in range(repeat):
        started, used = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure_queries(
    engines: list[Any], filters: dict[str, list[str]], rounds: int, repeat: int
) -> dict[str, Any]:
    """Per engine and variant (plain, filtered): each query's median ms and hits, p50/p95."""
    mix = query_mix()
    samples: dict[tuple[str, str, str], list[tuple[float, float]]] = {}
    hits: dict[tuple[str, str, str], int] = {}
    loads = []
    for r in range(rounds):
        loads.append(load())
        for q, (name, *forms) in enumerate(mix):
            variants: list[tuple[str, dict[str, list[str]]]] = [
                ("plain", {}),
                ("filtered", filters),
            ]
            for variant, chosen in variants:
                turn = (q + r) % len(engines)
                for engine in engines[turn:] + engines[:turn]:
                    text = forms[engine.form]
                    key = (engine.name, variant, name)
                    if r == 0:
                        hits[key] = engine.search(text, chosen)  # warm-up
                    samples.setdefault(key, []).append(
                        median_ms(partial(engine.search, text, chosen), repeat)
                    )
    out: dict[str, Any] = {"load": loads, "filters": filters}
    for engine in engines:
        for variant in ("plain", "filtered"):
            per_query = {
                name: {
                    "ms": round(statistics.median(w for w, _ in samples[key]), 2),
                    "cpu_ms": round(statistics.median(c for _, c in samples[key]), 2),
                    "hits": hits[key],
                }
                for name, *_ in mix
                for key in [(engine.name, variant, name)]
            }
            wall = [v["ms"] for v in per_query.values()]
            cpu = [v["cpu_ms"] for v in per_query.values()]
            out.setdefault(engine.name, {})[variant] = {
                "p50": round(percentile(wall, 0.5), 2),
                "p95": round(percentile(wall, 0.95), 2),
                "cpu_p50": round(percentile(cpu, 0.5), 2),
                "cpu_p95": round(percentile(cpu, 0.95), 2),
                "queries": per_query,
            }
    return out


# -- the project's own latencies --------------------------------------------------------------


def save_to_searchable(project: Project, repeat: int = 5) -> float:
    """Median ms from saving a changed record to finding it by its new word."""
    index = project.index
    store = index.store
    record_id = next(iter(store.versions()))
    samples = []
    for _ in range(repeat):
        record = store.get(record_id)
        word = f"квазар{random.Random().randrange(10**9)}"
        record.keywords = [*record.keywords[:3], word]
        started = time.perf_counter()
        store.save(record, by="bench")
        found = index.search(word).total
        samples.append((time.perf_counter() - started) * 1000)
        assert found == 1, (word, found)
    return statistics.median(samples)


def child(task: str, *args: str) -> dict[str, Any]:
    """Run ``python -m bench.scale --child task args`` and return the JSON it prints."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.scale", "--child", task, *args],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(Path(args[0]) / "tmp")} if args else None,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def cold_search(home: Path) -> dict[str, Any]:
    """In a fresh process: import, open, first search page (ms each)."""
    started = time.perf_counter()
    from index.engine import CatalogueIndex

    imported = time.perf_counter()
    index = CatalogueIndex.open(home)
    opened = time.perf_counter()
    index.search("рабочая программа")
    searched = time.perf_counter()
    return {
        "import_ms": (imported - started) * 1000,
        "open_ms": (opened - imported) * 1000,
        "first_search_ms": (searched - opened) * 1000,
        "cold_ms": (searched - imported) * 1000,
    }


def query_process(home: Path, fts: Path) -> dict[str, Any]:
    """Peak RSS of a process that opens the index and runs the whole mix, plain and filtered."""
    project = Project(home)
    filters = common_filters(fts)
    for _, text, *_ in query_mix():
        project.search(text, {})
        project.search(text, filters)
    return {"peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def cli_wall(home: Path, repeat: int = 3) -> float:
    """Median wall ms of ``imk search … --json`` in a new process."""
    imk = Path(sys.executable).parent / "imk"
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(
            [str(imk), "--home", str(home), "search", "рабочая", "программа", "--json"],
            check=True,
            capture_output=True,
        )
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


# -- one size ---------------------------------------------------------------------------------


def run_size(
    size: int, args: argparse.Namespace, emit: Callable[[dict[str, Any]], None]
) -> dict[str, Any]:
    """Build (or reuse) one size's catalogue and indexes and measure them; ``emit`` gets the
    result so far after every step, so a stopped run still leaves its figures."""
    from index.engine import CatalogueIndex

    folder = args.cache / str(size)
    home, fts, tv = folder / "ws", folder / "fts.sqlite", folder / "tantivy"
    stamp = folder / "catalogue.json"
    wanted = {"version": CATALOGUE_VERSION, "seed": args.seed, "size": size}
    if not stamp.exists() or json.loads(stamp.read_text()).get("key") != wanted:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        made = make_catalogue(home, size, args.seed)
        stamp.write_text(json.dumps({"key": wanted, **made}))
        for stale in folder.glob("build-*.json"):
            stale.unlink()
    (home / "tmp").mkdir(exist_ok=True)
    result: dict[str, Any] = {
        "size": size,
        "label": args.label,
        "catalogue": json.loads(stamp.read_text()),
    }

    builds = {}
    engines: list[tuple[str, Path, bool]] = [
        ("project", home / "index", CatalogueIndex.is_current(home / "index") and not args.rebuild),
        ("fts5", fts, fts.exists()),
        ("tantivy", tv, tv.exists()),
    ]
    for name, target, current in engines[1:] if args.prepare or not args.project else engines:
        saved = folder / f"build-{name}.json"
        if not (current and saved.exists()):
            before = load()
            built = child(f"build-{name}", str(home), str(target))
            built["load"] = [before, load()]
            built["records_per_wall_s"] = built["records"] / built["wall_s"]
            built["records_per_cpu_s"] = built["records"] / built["cpu_s"]
            saved.write_text(json.dumps(built))
            print(f"{size}: built {name}: {built}", file=sys.stderr)
        builds[name] = json.loads(saved.read_text())
        result["build"] = builds
        emit(result)
    if args.prepare:
        return result

    filters = common_filters(fts)
    project = Project(home) if args.project else None
    peers: list[Any] = [*([project] if project else []), Fts5(fts), Tantivy(tv)]
    pg = None
    if args.server is not None:
        pg_home, builds["postgresql"] = on_postgresql(home, args.server, args.keep)
        pg = OnPostgresql(pg_home)
        peers.append(pg)
    result["queries"] = measure_queries(peers, filters, args.rounds, args.repeat)
    emit(result)
    if pg is not None:
        result["save_to_searchable_ms_postgresql"] = save_to_searchable(pg)
        emit(result)
    if project is None:
        return result
    ours = result["queries"]["project"]
    if pg is not None:
        for variant in ("plain", "filtered"):
            for p in ("p50", "p95"):
                theirs = result["queries"]["postgresql"][variant][p]
                result["queries"].setdefault("ratios", {})[f"postgresql/{variant}/{p}"] = round(
                    theirs / max(ours[variant][p], 0.01), 1
                )
    for peer in ("fts5", "tantivy"):
        for variant in ("plain", "filtered"):
            theirs = result["queries"][peer][variant]
            for p in ("p50", "p95"):
                result["queries"].setdefault("ratios", {})[f"{peer}/{variant}/{p}"] = round(
                    ours[variant][p] / max(theirs[p], 0.01), 1
                )
    result["save_to_searchable_ms"] = save_to_searchable(project)
    project.index.close()
    result["save_load"] = load()
    emit(result)
    result["cold"] = child("cold", str(home))
    result["cold"]["load"] = load()
    emit(result)
    result["query_process"] = child("rss", str(home), str(fts))
    result["cli_json_ms"] = cli_wall(home)
    result["end_load"] = load()
    emit(result)
    return result


def summary(result: dict[str, Any]) -> str:
    """A few lines a person reads."""
    q = result["queries"]
    lines = [f"## {result['size']} records (load {', '.join(q['load'])})"]
    for name, built in result["build"].items():
        lines.append(
            f"build {name}: {built['records_per_wall_s']:.0f} rec/wall-s, "
            f"{built['records_per_cpu_s']:.0f} rec/CPU-s, RSS {built['peak_rss_mb']:.0f} MB, "
            f"index {built['size_mb']:.0f} MB, spill {built['spill_mb']:.0f} MB"
        )
    for variant in ("plain", "filtered"):
        parts = [
            f"{e} {q[e][variant]['p50']:.1f}/{q[e][variant]['p95']:.1f}"
            for e in ("project", "fts5", "tantivy", "postgresql")
            if e in q
        ]
        lines.append(f"{variant} p50/p95 ms: " + ", ".join(parts))
        cpu = [
            f"{e} {q[e][variant]['cpu_p50']:.1f}/{q[e][variant]['cpu_p95']:.1f}"
            for e in ("project", "fts5", "tantivy", "postgresql")
            if e in q
        ]
        lines.append(f"{variant} CPU p50/p95 ms: " + ", ".join(cpu))
    if "cold" in result:  # not in a run without this project's own index (--no-project)
        lines.append("ratios: " + ", ".join(f"{k} {v}" for k, v in q["ratios"].items()))
        cold = result["cold"]
        lines.append(
            f"save→searchable {result['save_to_searchable_ms']:.0f} ms; cold: import "
            f"{cold['import_ms']:.0f} + open {cold['open_ms']:.0f} + first search "
            f"{cold['first_search_ms']:.0f} ms; imk search --json {result['cli_json_ms']:.0f} "
            f"ms; query process RSS {result['query_process']['peak_rss_mb']:.0f} MB"
        )
    if "save_to_searchable_ms_postgresql" in result:
        lines.append(
            f"on PostgreSQL: save→searchable {result['save_to_searchable_ms_postgresql']:.0f} ms"
        )
    return "\n".join(lines)


def chart(results: list[dict[str, Any]], path: Path) -> None:
    """p50/p95 per engine and size, plain and filtered, on a log scale: wall ms above, the
    searching process's CPU ms below (the figure to trust on a loaded machine)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(11, 8), sharey="row")
    engines = [
        e for e in ("project", "fts5", "tantivy", "postgresql") if e in results[0]["queries"]
    ]
    for row, (prefix, unit) in enumerate((("", "wall ms"), ("cpu_", "CPU ms"))):
        for ax, variant in zip(axes[row], ("plain", "filtered"), strict=True):
            width = 0.13
            for i, result in enumerate(results):
                for j, engine in enumerate(engines):
                    q = result["queries"][engine][variant]
                    x = i + (j - 1) * 2 * width
                    for shift, p, alpha in ((-1, "p50", 1.0), (1, "p95", 0.45)):
                        ax.bar(
                            x + shift * width / 2,
                            q.get(prefix + p, 0),
                            width,
                            color=f"C{j}",
                            alpha=alpha,
                            label=f"{engine} {p}" if i == 0 else None,
                        )
            names = [f"{r['size']:,} records\n{r.get('label', '')}".strip() for r in results]
            ax.set_xticks(range(len(results)), names)
            ax.set_yscale("log")
            ax.set_title(f"{variant} queries, {unit} (10 hits, snippets, facet counts)")
            ax.grid(axis="y", alpha=0.3)
        axes[row][0].set_ylabel(f"{unit} per search page")
    axes[0][1].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def combine(paths: list[Path], out: Path) -> None:
    """One chart of several result files (e.g. before and after a change)."""
    results = []
    for path in paths:
        for result in json.loads(path.read_text())["sizes"]:
            result.setdefault("label", path.stem.rsplit("-", 1)[-1])
            results.append(result)
    chart(results, out)


def run_child(task: str, args: list[str]) -> None:
    paths = [Path(a) for a in args]
    tasks: dict[str, Callable[[], dict[str, Any]]] = {
        "build-project": lambda: build_project(paths[0]),
        "build-fts5": lambda: build_fts(paths[0], paths[1]),
        "build-tantivy": lambda: build_tantivy(paths[0], paths[1]),
        "cold": lambda: cold_search(paths[0]),
        "rss": lambda: query_process(paths[0], paths[1]),
    }
    print(json.dumps(tasks[task]()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the project's index")
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--prepare", action="store_true", help="only build the catalogues and the peers' indexes"
    )
    parser.add_argument("--label", default="", help="suffix of the result files")
    parser.add_argument(
        "--backend",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="postgresql: also search the catalogue copied into a throwaway PostgreSQL server",
    )
    parser.add_argument(
        "--no-project",
        dest="project",
        action="store_false",
        help="leave this project's Whoosh index out (a PostgreSQL run where its build would not "
        "finish in time): the peers and PostgreSQL only",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="postgresql: keep the server's folder (build/scale/pg-server) and each size's "
        "database for the next run; a later --keep run reuses them while the catalogue is the "
        "same (the search table rebuilt only when PG_INDEX_VERSION changed)",
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument(
        "--chart", nargs="+", type=Path, metavar="JSON", help="only chart these result files"
    )
    args = parser.parse_args(argv)
    if args.chart:
        combine(args.chart, args.out / "scale-compared.png")
        return 0
    if args.child:
        run_child(args.child[0], args.child[1:])
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    results: list[dict[str, Any]] = []
    args.out.mkdir(parents=True, exist_ok=True)
    stem = "scale-" + "-".join(str(s) for s in sizes) + (f"-{args.label}" if args.label else "")

    def emit(partial: dict[str, Any]) -> None:
        if not args.prepare:
            (args.out / f"{stem}.json").write_text(
                json.dumps(
                    {"sizes": [*results, partial], "cpus": os.cpu_count()},
                    ensure_ascii=False,
                    indent=1,
                )
            )

    args.server = None
    if args.backend == "postgresql" and not args.prepare:
        from bench import pgserver

        kept = args.cache / "pg-server" if args.keep else None
        args.server = pgserver.Server(PG_SETTINGS, folder=kept)
    for size in sizes:
        try:
            result = run_size(size, args, emit)
        except BaseException:
            if args.server is not None:
                args.server.stop()
            raise
        if args.prepare:
            continue
        print(summary(result), flush=True)
        results.append(result)
    if args.prepare:
        return 0
    chart(results, args.out / f"{stem}.png")
    print(f"results: {args.out / stem}.json / .png")
    if args.server is not None:
        args.server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
