"""Budgets that used to be asserted inside tests: how fast the demo generator and the import
limits answer.

    python -m bench.limits [--repeat 3]

Three measurements, each reported as seconds against its budget:

- generating the full-size demo catalogue (1,500 records, no file bytes): budget 10 s;
- the extraction worker giving up on a file over its time limit (0.05 s) and answering,
  killing its child process: budget 10 s;
- refusing a 2 GB (sparse) file over the size limit without reading it: budget 10 s.

The tests check what happens (the message, nothing stored); this checks how long it takes. Exit
status 1 when a median is over its budget.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import docx

from catalogue.demo import generate
from catalogue.extract import ERROR, Limits
from catalogue.extract.worker import Worker
from catalogue.ingest.pipeline import import_paths
from catalogue.workspace import Workspace

BUDGET_S = 10.0


def demo_generation(_tmp: Path) -> None:
    assert len(generate(2026, 1.0, with_files=False)) >= 1500


def worker_timeout(tmp: Path) -> None:
    big = tmp / "большой.docx"
    if not big.exists():
        document = docx.Document()
        for n in range(3000):
            document.add_paragraph(f"Абзац номер {n}: дроби, проценты и уравнения.")
        document.save(str(big))
    with Worker(Limits(timeout_s=0.05)) as worker:
        assert worker.extract(big).status == ERROR


def oversized_refusal(tmp: Path) -> None:
    huge = tmp / "огромный.pdf"
    with huge.open("wb") as fh:
        fh.truncate(2048 * 1024 * 1024)  # sparse: nothing is written
    with Workspace.create(tmp / f"ws-{time.monotonic_ns()}") as ws:
        report = import_paths(ws, [huge], limits=Limits(max_file_mb=0.5, ocr=False))
    assert report.entries[0].outcome == "failed"


CASES: dict[str, Callable[[Path], None]] = {
    "full demo catalogue, records only": demo_generation,
    "worker gives up on a slow file": worker_timeout,
    "2 GB file refused unread": oversized_refusal,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    over = False
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        for name, case in CASES.items():
            seconds = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                case(tmp)
                seconds.append(time.perf_counter() - started)
            median = statistics.median(seconds)
            over |= median > BUDGET_S
            runs = ", ".join(f"{s:.2f}" for s in seconds)
            print(f"{name}: median {median:.2f} s (runs {runs}; budget {BUDGET_S:.0f} s)")
    sys.exit(1 if over else 0)


if __name__ == "__main__":
    main()
