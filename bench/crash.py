"""Crash and concurrency harness: kill the catalogue at random moments, then prove nothing was lost.

``python -m bench.crash --kills N`` runs N rounds. Each round starts a child process doing one
kind of work — ``import`` (folders of new documents), ``edit`` (edits, new records with
attachments, deletions), ``rebuild`` (index rebuilds) or ``export`` (collection exports) — waits
until the child has committed something, lets it run a random moment more and kills its whole
process group with SIGKILL. The child appends every commit to a log *after* the commit returned.
Then the workspace is checked: the database passes ``PRAGMA integrity_check`` (else: corrupt);
every logged commit is in the history (else: lost); no record is half-written — its current
version matches its history, its files are present with their texts (else: half); no attachment
file is left without a record; the index is healed by the next open (no ``index.new``, index and
store agree).

The concurrency run then starts ``--processes`` editors, each making ``--edits`` edits that
append a token to the keywords of one of a few shared records (so they conflict and retry), and
``--searchers`` processes searching all the while: every token saved must be in the final records
(else: a lost update), and every search must answer (else: a failed search).
Exit status 1 when any figure that must be 0 is not.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from catalogue import records
from catalogue.maintenance.doctor import Diagnosis, check_database, check_files, integrity
from catalogue.store import ConflictError
from catalogue.workspace import Workspace
from index.engine import CatalogueIndex

KINDS = ("import", "edit", "rebuild", "export")
BY = "crash-bench"
COLLECTION = "crash-bench"
WORDS = [
    *("дроби", "сложение", "вычитание", "знаменатель", "числитель", "урок", "задача"),
    *("проверочная", "работа", "математика", "пятый", "класс", "ответ", "пример"),
    *("решение", "правило", "сравнение", "доля", "целое"),
]
HALF = ("half_records", "missing", "no_text", "damaged")  # doctor codes of a half record
ORPHAN = ("orphans", "staging", "strays")  # doctor codes of a file without a record


def _text(rng: random.Random, token: str, words: int = 60) -> str:
    body = " ".join(rng.choice(WORDS) for _ in range(words))
    return f"Методическая разработка {token}. {body.capitalize()}."


def _material(rng: random.Random, token: str, **values) -> records.Record:
    return records.new(
        "material",
        title=f"Урок {token}: {rng.choice(WORDS)}",
        subjects=["Математика"],
        grades=[str(rng.randint(5, 9))],
        keywords=[token],
        **values,
    )


# -- the workspace ---------------------------------------------------------------------------


def seed(home: Path, count: int = 30, rng_seed: int = 1) -> None:
    """A small catalogue: ``count`` materials with a text attachment each, one collection."""
    rng = random.Random(rng_seed)
    with Workspace.create(home) as ws:
        batch = []
        for n in range(count):
            token = f"seed{n}"
            record = _material(rng, token)
            record.attachments.append(ws.add_attachment(f"{token}.txt", _text(rng, token).encode()))
            batch.append(record)
        saved = ws.store.save_many(batch, by=BY)
        collection = records.Collection(name=COLLECTION, title="Проверка сбоев")
        collection.items = [records.CollectionItem(r.id, "") for r in saved[:8]]
        ws.store.collections.save(collection)
        CatalogueIndex.open(ws).close()


# -- children: the work that gets killed -----------------------------------------------------


def _logger(ws: Workspace, log: Path):
    out = log.open("a", encoding="utf-8")

    def written(saved: list[records.Record]) -> None:
        for record in saved:
            out.write(f"{record.id}\t{record.version}\n")
        out.flush()

    ws.store.after_save.append(written)
    return out


def child(kind: str, home: Path, log: Path, rng_seed: int) -> None:
    """Do ``kind`` work forever (until killed), logging every commit after it returned."""
    rng = random.Random(rng_seed)
    ws = Workspace.open(home)
    out = _logger(ws, log)
    for n in range(10**9):
        token = f"r{rng_seed}n{n}"
        if kind == "import":
            from catalogue.ingest.pipeline import import_paths

            folder = Path(tempfile.mkdtemp(prefix="crash-import-"))
            for i in range(4):
                (folder / f"{token}-{i}.txt").write_text(_text(rng, f"{token}i{i}", 200))
            import_paths(ws, [folder], by=BY)
            CatalogueIndex.open(ws).close()
        elif kind == "edit":
            _edit_once(ws, rng, token)
        elif kind == "rebuild":
            CatalogueIndex.build(ws)
            out.write(f"rebuild\t{n}\n")
            out.flush()
        else:
            from catalogue.export import export_collection

            fmt = rng.choice(("html", "zip", "csv", "xlsx"))
            export_collection(ws, COLLECTION, fmt)
            exports = len(ws.store.collections.get(COLLECTION).exports)
            out.write(f"export\t{exports}\n")
            out.flush()


def _edit_once(ws: Workspace, rng: random.Random, token: str) -> None:
    ids = sorted(ws.store.versions())
    roll = rng.random()
    if roll < 0.35 or not ids:
        record = _material(rng, token)
        record.attachments.append(ws.add_attachment(f"{token}.txt", _text(rng, token).encode()))
        ws.store.save(record, by=BY)
    elif roll < 0.4 and len(ids) > 20:
        ws.store.delete(rng.choice(ids), by=BY)
    else:
        record = ws.store.get(rng.choice(ids))
        record.keywords = [*record.keywords[-5:], token]
        ws.store.save(record, by=BY)
    if rng.random() < 0.3:
        CatalogueIndex.open(ws).close()


# -- the checks after each kill --------------------------------------------------------------


@dataclass
class CrashResult:
    """Figures of the kill rounds."""

    kills: Counter[str] = field(default_factory=Counter)
    commits: int = 0  # record saves logged by the children
    rebuilds: int = 0
    exports: int = 0
    lost: int = 0
    corrupt: int = 0
    half_items: set[str] = field(default_factory=set)  # records/files found half-written
    orphan_items: set[str] = field(default_factory=set)  # files found without a record
    unhealed: int = 0
    failed_children: int = 0  # children that stopped before the kill (a harness failure)
    problems: list[str] = field(default_factory=list)

    @property
    def half(self) -> int:
        return len(self.half_items)

    @property
    def orphans(self) -> int:
        return len(self.orphan_items)

    @property
    def ok(self) -> bool:
        return not (
            self.lost
            or self.corrupt
            or self.half
            or self.orphans
            or self.unhealed
            or self.failed_children
        )

    def line(self) -> str:
        kinds = ", ".join(f"{k} {self.kills[k]}" for k in KINDS)
        return (
            f"crash: {sum(self.kills.values())} kills ({kinds}); commits logged {self.commits}, "
            f"rebuilds {self.rebuilds}, exports {self.exports}; lost {self.lost}, "
            f"corrupt {self.corrupt}, half records {self.half}, files without record "
            f"{self.orphans}, index not healed {self.unhealed}"
        )


def _logged(log: Path) -> list[tuple[str, str]]:
    if not log.exists():
        return []
    rows = []
    for line in log.read_text(encoding="utf-8").splitlines():
        first, sep, second = line.partition("\t")
        if sep and second.strip():  # a line cut by the kill has no value yet
            rows.append((first, second.strip()))
    return rows


def verify(home: Path, logged: list[tuple[str, str]], result: CrashResult) -> None:
    """Check the workspace after a kill (see the module docstring) and count what is wrong."""
    broken = integrity(home / "catalogue.sqlite")
    if broken:
        result.corrupt += 1
        result.problems.append(f"integrity: {broken[:3]}")
        return
    with Workspace.open(home) as ws:
        saved: dict[str, set[int]] = {}
        with ws.store.db.read() as conn:
            for record_id, version in conn.exec_driver_sql(
                "SELECT record_id, version FROM record_versions"
            ):
                saved.setdefault(record_id, set()).add(version)
        exports = len(ws.store.collections.get(COLLECTION).exports)
        for first, second in logged:
            if first == "rebuild":
                continue
            if first == "export":
                if int(second) > exports:
                    result.lost += 1
                    result.problems.append(f"export {second} > {exports}")
                continue
            if int(second) not in saved.get(first, set()):
                result.lost += 1
                result.problems.append(f"lost {first} v{second}")
        found = Diagnosis()
        check_database(ws, found)
        check_files(ws, found, repair=False)
        for finding in found.findings:
            if finding.code in HALF:
                seen = result.half_items
            elif finding.code in ORPHAN:
                seen = result.orphan_items
            else:
                continue
            new = set(finding.items) - seen
            seen |= new
            if new:
                result.problems.append(f"{finding.code}: {sorted(new)[:3]}")
        index = CatalogueIndex.open(ws)
        try:
            report = index.check()
        finally:
            index.close()
        leftovers = CatalogueIndex.leftovers(ws)
        if not report.ok or leftovers:
            result.unhealed += 1
            result.problems.append(f"index: {report.__dict__} {leftovers}")
        _check_exports(ws.exports_dir, result)


def _check_exports(folder: Path, result: CrashResult) -> None:
    """An export file under its final name is complete (temporary ``.part-`` files aside)."""
    for path in folder.glob("*"):
        if path.name.startswith(".part-"):
            continue
        complete = True
        if path.suffix in (".zip", ".xlsx"):
            try:
                with zipfile.ZipFile(path) as archive:
                    complete = archive.testzip() is None
            except zipfile.BadZipFile:
                complete = False
        elif path.suffix == ".html":
            complete = path.read_text(encoding="utf-8").rstrip().endswith("</html>")
        if not complete and path.name not in result.half_items:
            result.half_items.add(path.name)
            result.problems.append(f"half-written export {path.name}")


def _spawn(args: list[str], output: int = subprocess.PIPE) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "bench.crash", *args]
    return subprocess.Popen(command, start_new_session=True, stdout=output)


def _kill(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)  # the child and its extraction worker
    proc.wait()
    if proc.stdout:
        proc.stdout.close()


def crash_rounds(
    home: Path,
    kills: int,
    rng: random.Random,
    kinds: tuple[str, ...] = KINDS,
    max_delay: float = 2.0,
    first_commit_timeout: float = 120.0,
) -> CrashResult:
    """Run ``kills`` rounds over the seeded workspace ``home`` (kinds in turn)."""
    result = CrashResult()
    logged: list[tuple[str, str]] = []
    for n in range(kills):
        kind = kinds[n % len(kinds)]
        log = home.parent / f"crash-{n}.log"
        proc = _spawn(
            ["--child", kind, "--home", str(home), "--log", str(log), "--seed", str(n)],
            subprocess.DEVNULL,
        )
        deadline = time.monotonic() + first_commit_timeout
        while not _logged(log) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(rng.uniform(0, max_delay))
        if proc.poll() is not None:
            result.failed_children += 1
            result.problems.append(f"{kind} child ended by itself (code {proc.returncode})")
        _kill(proc)
        result.kills[kind] += 1
        mine = _logged(log)
        logged += mine
        result.commits += sum(1 for first, _ in mine if first not in ("rebuild", "export"))
        result.rebuilds += sum(1 for first, _ in mine if first == "rebuild")
        result.exports += sum(1 for first, _ in mine if first == "export")
        verify(home, logged, result)
    return result


# -- concurrency -----------------------------------------------------------------------------


@dataclass
class ConcurrencyResult:
    """Figures of the concurrency run."""

    processes: int
    edits: int
    saves: int = 0
    conflicts: int = 0
    lost_updates: int = 0
    searches: int = 0
    failed_searches: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.lost_updates or self.failed_searches) and self.saves == (
            self.processes * self.edits
        )

    def line(self) -> str:
        return (
            f"concurrency: {self.processes} processes × {self.edits} edits: saves {self.saves}, "
            f"conflicts {self.conflicts}, lost updates {self.lost_updates}; searches "
            f"{self.searches}, failed searches {self.failed_searches}"
        )


def editor(home: Path, targets: list[str], edits: int, name: str) -> dict[str, Any]:
    """Append ``edits`` tokens to shared records, re-reading and retrying on conflicts."""
    rng = random.Random(name)
    saved, conflicts = [], 0
    with Workspace.open(home) as ws:
        for n in range(edits):
            token = f"{name}-{n}"
            record_id = rng.choice(targets)
            while True:
                record = ws.store.get(record_id)
                record.keywords = [*record.keywords, token]
                time.sleep(rng.uniform(0, 0.02))  # a person edits for a moment
                try:
                    ws.store.save(record, by=name)
                except ConflictError:
                    conflicts += 1
                    continue
                saved.append([record_id, token])
                break
            if n % 10 == 9:
                CatalogueIndex.open(ws).close()  # index commits race the searches
    return {"saved": saved, "conflicts": conflicts}


def searcher(home: Path, stop_file: Path) -> dict[str, Any]:
    """Search until ``stop_file`` appears; count the searches that raised."""
    rng = random.Random(os.getpid())
    done, failed, errors = 0, 0, []
    with Workspace.open(home) as ws:
        index = CatalogueIndex.open(ws)
        while not stop_file.exists():
            try:
                index.search(rng.choice(WORDS), page_size=5)
            except Exception as exc:  # every kind of failure counts
                failed += 1
                errors.append(f"{type(exc).__name__}: {exc}"[:200])
            done += 1
        index.close()
    return {"searches": done, "failed": failed, "errors": errors[:5]}


def concurrency(home: Path, processes: int, edits: int, searchers: int) -> ConcurrencyResult:
    """Editors × edits on shared records with searchers alongside (see the module docstring)."""
    result = ConcurrencyResult(processes, edits)
    with Workspace.open(home) as ws:
        made = ws.store.save_many(
            [_material(random.Random(n), f"shared{n}") for n in range(3)], by=BY
        )
    targets = [r.id for r in made]
    stop = home.parent / "concurrency.stop"
    stop.unlink(missing_ok=True)
    common = ["--home", str(home)]
    finders = [_spawn(["--search", str(stop), *common]) for _ in range(searchers)]
    editors = [
        _spawn(["--edit", ",".join(targets), "--edits", str(edits), "--name", f"p{n}", *common])
        for n in range(processes)
    ]
    tokens: list[tuple[str, str]] = []
    for proc in editors:
        out, _ = proc.communicate()
        data = json.loads(out)
        tokens += [tuple(item) for item in data["saved"]]
        result.conflicts += data["conflicts"]
    stop.touch()
    for proc in finders:
        out, _ = proc.communicate()
        data = json.loads(out)
        result.searches += data["searches"]
        result.failed_searches += data["failed"]
        result.problems += data["errors"]
    result.saves = len(tokens)
    with Workspace.open(home) as ws:
        final = {record_id: set(ws.store.get(record_id).keywords) for record_id in targets}
    for record_id, token in tokens:
        if token not in final[record_id]:
            result.lost_updates += 1
            result.problems.append(f"lost update {record_id} {token}")
    return result


# -- command line ----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.crash", description=__doc__)
    parser.add_argument("--kills", type=int, default=8, help="kill rounds (default 8)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--processes", type=int, default=4, help="concurrent editors")
    parser.add_argument("--edits", type=int, default=30, help="edits per editor")
    parser.add_argument("--searchers", type=int, default=2, help="concurrent searchers")
    parser.add_argument("--home", type=Path, help="work folder (default: a temporary one)")
    parser.add_argument("--max-delay", type=float, default=2.0, help="seconds after 1st commit")
    # internal: the processes the harness starts
    parser.add_argument("--child", choices=KINDS, help=argparse.SUPPRESS)
    parser.add_argument("--log", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--edit", help=argparse.SUPPRESS)
    parser.add_argument("--name", help=argparse.SUPPRESS)
    parser.add_argument("--search", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    os.environ.setdefault("IMK_SEARCH_LOG", "0")
    if args.child:
        child(args.child, args.home, args.log, args.seed)
        return 0
    if args.edit:
        print(json.dumps(editor(args.home, args.edit.split(","), args.edits, args.name)))
        return 0
    if args.search:
        print(json.dumps(searcher(args.home, args.search)))
        return 0
    with tempfile.TemporaryDirectory(prefix="imk-crash-") as tmp:
        base = args.home or Path(tmp)
        home = base / "workspace"
        seed(home)
        crashed = crash_rounds(home, args.kills, random.Random(args.seed), max_delay=args.max_delay)
        print(crashed.line(), flush=True)
        for problem in crashed.problems[:20]:
            print("  ", problem)
        raced = concurrency(home, args.processes, args.edits, args.searchers)
        print(raced.line(), flush=True)
        for problem in raced.problems[:20]:
            print("  ", problem)
    return 0 if crashed.ok and raced.ok else 1


if __name__ == "__main__":
    sys.exit(main())
