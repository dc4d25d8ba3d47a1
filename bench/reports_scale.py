"""How long each office report takes on the demo catalogue and at 50,000 records.

    python -m bench.reports_scale [--demo /tmp/W] [--scale 38] [--seed 2026] [--home DIR]
                                  [--out tests/output/reports]

The demo workspace is copied to a temporary folder (never written). The scaled catalogue is
generated with ``catalogue.demo.generator.generate(seed, scale, with_files=False)`` and saved
with ``save_many`` in batches (timed), plus a synthetic search log; ``--home`` keeps it for
reruns. For each report: the cold time (records read and flattened, then the report) and the
warm time (flattened tables cached), and the chart, saved as PNG under ``--out``.
Acceptance: each report under 2 s on the demo and under 20 s at 50,000 records.
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from catalogue import schema
from catalogue.demo.generator import generate
from catalogue.reports import REPORTS, charts, data
from catalogue.store import now
from catalogue.workspace import Workspace

BATCH = 2000
OUT = Path(__file__).resolve().parent.parent / "tests" / "output" / "reports"


def fill(ws: Workspace, seed: int, scale: float) -> None:
    """Generate and save the scaled demo catalogue and a search log."""
    started = time.perf_counter()
    records = [d.record for d in generate(seed, scale, with_files=False)]
    print(f"generated {len(records)} records in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    for first in range(0, len(records), BATCH):
        ws.store.save_many(records[first : first + BATCH], by="bench")
    seconds = time.perf_counter() - started
    print(
        f"saved {len(records)} records with save_many (batches of {BATCH}) in "
        f"{seconds:.1f} s ({len(records) / seconds:.0f} records/s)"
    )
    rng = random.Random(seed)
    words = [k for r in records[:5000] for k in r.keywords][:3000] or ["урок"]
    rows = []
    for _ in range(int(300 * scale)):
        query = rng.choice(words)
        total = 0 if rng.random() < 0.15 else rng.randint(1, 200)
        fixed = query if rng.random() < 0.05 else None
        rows.append(
            dict(
                at=now(),
                query=query,
                filters="{}",
                total=total,
                elapsed_ms=50.0,
                corrected=fixed and fixed + "ы",
                source="bench",
            )
        )
    with ws.store.db.write() as conn:
        conn.execute(insert(schema.search_log), rows)
    print(f"search log: {len(rows)} rows")


def measure(ws: Workspace, label: str, out: Path, limit: float) -> list[tuple[str, float]]:
    """Time every report cold and warm; save the charts; print a table."""
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    data._cache.clear()
    data.load(ws)
    print(
        f"\n{label}: {ws.store.count()} records; reading and flattening "
        f"{time.perf_counter() - started:.2f} s"
    )
    print(f"{'report':<18} {'cold, s':>8} {'warm, s':>8} {'rows':>6} {'chart, s':>9}  ok  png")
    figures = []
    for name, report in REPORTS.items():
        data._cache.clear()
        started = time.perf_counter()
        report.run(ws)
        cold = time.perf_counter() - started
        started = time.perf_counter()
        table = report.run(ws)
        warm = time.perf_counter() - started
        started = time.perf_counter()
        path = out / f"{name}.png"
        path.write_bytes(charts.png(report.figure(table)))
        drawn = time.perf_counter() - started
        ok = "да" if cold < limit else "НЕТ"
        print(f"{name:<18} {cold:>8.2f} {warm:>8.2f} {len(table):>6} {drawn:>9.2f}  {ok:<3} {path}")
        figures.append((name, cold))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", default="/tmp/W", help="demo workspace to copy (read only)")
    parser.add_argument("--scale", type=float, default=38.0)  # ≈50,000 records
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--home", help="keep the scaled workspace here (reused when filled)")
    parser.add_argument("--out", default=str(OUT), help="folder for the chart PNGs")
    args = parser.parse_args()
    out = Path(args.out)
    with tempfile.TemporaryDirectory(prefix="imk-reports-") as tmp:
        if Path(args.demo, "catalogue.sqlite").is_file():
            copy = Path(tmp) / "demo"
            shutil.copytree(args.demo, copy, ignore=shutil.ignore_patterns("index", "files"))
            with Workspace.open(copy) as ws:
                measure(ws, "demo", out / "demo", 2.0)
        home = Path(args.home) if args.home else Path(tmp) / "scaled"
        with Workspace.create(home) as ws:
            if not ws.store.count():
                fill(ws, args.seed, args.scale)
            measure(ws, f"scale {args.scale:g}", out / f"scale-{args.scale:g}", 20.0)


if __name__ == "__main__":
    main()
