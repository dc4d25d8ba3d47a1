"""Export speed: a 300-record collection of the demo catalogue to one offline HTML file.

    python -m bench.export_speed [--source /tmp/W] [--records 300] [--repeat 3]

Copies the demo workspace (``--source``, built by ``imk demo``; never written to) into a
temporary folder, creates a collection of ``--records`` records spread over the catalogue (all
kinds, portfolios through the privacy gate), exports it to HTML ``--repeat`` times and reports
the seconds of each run (the first one includes importing nbconvert and matplotlib), the median
and the file size. Acceptance: under 5 s.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from catalogue.export import export_collection
from catalogue.records import Collection, CollectionItem
from catalogue.workspace import Workspace


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=Path("/tmp/W"))
    parser.add_argument("--records", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "ws"
        shutil.copytree(args.source, home)
        with Workspace.open(home) as ws:
            ids = [r.id for r in ws.store.iter_records()]
            step = max(1, len(ids) // args.records)
            chosen = ids[::step][: args.records]
            ws.store.collections.save(
                Collection(
                    name="bench",
                    title="Замер: подборка из демо-каталога",
                    items=[CollectionItem(i, "примечание составителя") for i in chosen],
                )
            )
            seconds = []
            for n in range(args.repeat):
                start = time.perf_counter()
                path = export_collection(ws, "bench", "html", Path(tmp) / f"bench-{n}.html")
                seconds.append(time.perf_counter() - start)
            size = path.stat().st_size
            cards = path.read_text(encoding="utf-8").count('class="imk-card"')
    print(f"records in the collection: {len(chosen)}; cards in the page: {cards}")
    print("runs, s: " + ", ".join(f"{s:.2f}" for s in seconds))
    print(f"median: {statistics.median(seconds):.2f} s; first run: {seconds[0]:.2f} s (limit 5 s)")
    print(f"file size: {size / 1e6:.2f} MB ({size} bytes)")


if __name__ == "__main__":
    main()
