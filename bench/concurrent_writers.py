"""Many methodists saving at once into one PostgreSQL catalogue: no update may be lost.

``--writers`` processes each make ``--edits`` edits to records picked at random from a few
(``--records``), so they collide all the time. An edit reads the record, adds one keyword of
its own (``w3-117``) and saves; a conflict (someone saved in between) is retried on the newer
version, as the editor's «re-apply mine» does. Every few edits a writer brings the shared
search index up to date. Meanwhile a searcher process searches without pause.

Afterwards every keyword a writer saved must be in its record (else an update was lost), each
record's history must hold one version per save, every search must have succeeded, and the
index, once synced, must agree with the store.

    python -m bench.concurrent_writers                       # a throwaway server (initdb)
    python -m bench.concurrent_writers --database-url postgresql://user@host/empty_db
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from catalogue import records
from catalogue.store import ConflictError
from catalogue.workspace import ENV_DATABASE_URL, Workspace
from index.engine import CatalogueIndex

SYNC_EVERY = 10
QUERIES = ["дроби", "сложение", "урок математики", "w1", "title:дроби", "5 класс"]


def _gate(home: Path, name: str) -> None:
    """Say ``name`` is ready, then wait until every process is (the ``go`` file)."""
    (home / f"ready-{name}").touch()
    while not (home / "go").exists():
        time.sleep(0.01)


def writer(home: Path, number: int, edits: int, ids: list[str], seed: int) -> dict[str, Any]:
    """Make ``edits`` edits as writer ``number``; return the keywords saved per record."""
    rng = random.Random(seed * 1000 + number)
    saved: dict[str, list[str]] = defaultdict(list)
    conflicts = 0
    with Workspace.open(home) as ws:
        index = CatalogueIndex.open(ws)
        _gate(home, f"writer-{number}")
        for n in range(edits):
            record_id, word = rng.choice(ids), f"w{number}-{n}"
            while True:
                record = ws.store.get(record_id)
                record.keywords.append(word)
                try:
                    ws.store.save(record, by=f"Методист {number}")
                    break
                except ConflictError:
                    conflicts += 1
            saved[record_id].append(word)
            if n % SYNC_EVERY == SYNC_EVERY - 1:
                index.sync(wait=0.2)
        index.close()
    return {"saved": saved, "conflicts": conflicts}


def searcher(home: Path, stop: Path) -> dict[str, Any]:
    """Search without pause until ``stop`` exists; count searches and failures."""
    done, failures, errors = 0, 0, Counter[str]()
    with Workspace.open(home) as ws:
        index = CatalogueIndex.open(ws)
        _gate(home, "searcher")
        while not stop.exists():
            try:
                index.search(QUERIES[done % len(QUERIES)])
            except Exception as exc:  # counted and reported: a failed search is the finding
                failures += 1
                errors[type(exc).__name__] += 1
            done += 1
        index.close()
    return {"searches": done, "failures": failures, "errors": dict(errors)}


def seed_catalogue(home: Path, count: int) -> list[str]:
    """A workspace on the database with ``count`` records, indexed."""
    with Workspace.create(home) as ws:
        made = ws.store.save_many(
            [
                records.new("material", title=f"Сложение дробей, урок {n}", grades=["5"])
                for n in range(count)
            ],
            by="Автор",
        )
        CatalogueIndex.build(ws)
        return [r.id for r in made]


def _spawn(role: str, *args: object) -> subprocess.Popen[str]:
    argv = [sys.executable, "-m", "bench.concurrent_writers", "--role", role, *map(str, args)]
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _result(proc: subprocess.Popen[str]) -> dict[str, Any]:
    out, err = proc.communicate(timeout=3600)
    if proc.returncode != 0:
        raise RuntimeError(err)
    result: dict[str, Any] = json.loads(out)
    return result


def run(home: Path, writers: int, edits: int, record_count: int, seed: int = 1) -> dict[str, Any]:
    """The whole run on the workspace folder ``home`` (its database: ``IMK_DATABASE_URL``)."""
    ids = seed_catalogue(home, record_count)
    stop = home / "stop-searching"
    search = _spawn("searcher", home, stop)
    procs = [_spawn("writer", home, n, edits, ",".join(ids), seed) for n in range(writers)]
    while len(list(home.glob("ready-*"))) < writers + 1:
        if any(p.poll() is not None for p in [search, *procs]):
            break  # a process failed to start: _result reports why
        time.sleep(0.05)
    started = time.perf_counter()
    (home / "go").touch()
    results = [_result(p) for p in procs]
    elapsed = time.perf_counter() - started
    stop.touch()
    searched = _result(search)
    expected: dict[str, list[str]] = defaultdict(list)
    for result in results:
        for record_id, words in result["saved"].items():
            expected[record_id].extend(words)
    lost, wrong_versions = 0, 0
    with Workspace.open(home) as ws:
        for record_id in ids:
            record = ws.store.get(record_id)
            lost += len(set(expected[record_id]) - set(record.keywords))
            saves = len(expected[record_id])
            if record.version != saves + 1 or len(ws.store.history(record_id)) != saves + 1:
                wrong_versions += 1
        index = CatalogueIndex.open(ws)
        index.sync()
        consistent = index.check().ok
        index.close()
    total = writers * edits
    return {
        "writers": writers,
        "edits": total,
        "records": record_count,
        "conflicts_retried": sum(r["conflicts"] for r in results),
        "lost_updates": lost,
        "records_with_wrong_versions": wrong_versions,
        "seconds": round(elapsed, 1),
        "edits_per_second": round(total / elapsed, 1),
        "searches": searched["searches"],
        "search_failures": searched["failures"],
        "search_errors": searched["errors"],
        "index_consistent": consistent,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", help="an empty PostgreSQL database (else a throwaway server)"
    )
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--edits", type=int, default=500)
    parser.add_argument("--records", type=int, default=20)
    parser.add_argument("--role", choices=["writer", "searcher"], help=argparse.SUPPRESS)
    parser.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.role == "writer":
        home, number, edits, ids, seed = args.args
        print(json.dumps(writer(Path(home), int(number), int(edits), ids.split(","), int(seed))))
        return
    if args.role == "searcher":
        print(json.dumps(searcher(Path(args.args[0]), Path(args.args[1]))))
        return
    server = None
    url = args.database_url
    if not url:
        from bench.pgserver import Server

        server = Server()
        url = server.database()
    os.environ[ENV_DATABASE_URL] = url
    try:
        with tempfile.TemporaryDirectory() as tmp:
            report = run(Path(tmp) / "ws", args.writers, args.edits, args.records)
    finally:
        if server is not None:
            server.stop()
    print(json.dumps(report, ensure_ascii=False, indent=2))
    ok = report["lost_updates"] == 0 and report["search_failures"] == 0
    sys.exit(
        0 if ok and report["index_consistent"] and not report["records_with_wrong_versions"] else 1
    )


if __name__ == "__main__":
    main()
