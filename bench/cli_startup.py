"""How fast the ``imk`` program starts: ``imk search --help`` (and ``imk --help``, which loads
every command) beside ``python -c pass``, the floor no Python program can beat.

    python -m bench.cli_startup [--runs 15]

Each command runs ``--runs`` times in a fresh process; the median wall time is printed with its
ratio to ``python -c pass`` on the same machine at the same moment. Budget: ``imk search
--help`` under 0.6 s. Exit status 1 when the median is over the budget.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

BUDGET_S = 0.6
BIN = Path(sys.executable).parent
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "imk search --help": [str(BIN / "imk"), "search", "--help"],
    "imk --help": [str(BIN / "imk"), "--help"],
}


def wall(command: list[str]) -> float:
    """Seconds one run of ``command`` takes, start to exit."""
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    medians: dict[str, float] = {}
    for name, command in COMMANDS.items():
        wall(command)  # warm the file cache (and the locale cache) once
        runs = []
        for _ in range(args.runs):  # interleaving would be fairer, but each is short
            runs.append(wall(command))
        medians[name] = statistics.median(runs)
    floor = medians["python -c pass"]
    print(f"{'command':<20} {'median, s':>10} {'× python -c pass':>18}")
    for name, seconds in medians.items():
        print(f"{name:<20} {seconds:>10.3f} {seconds / floor:>18.1f}")
    search = medians["imk search --help"]
    verdict = "ok" if search < BUDGET_S else "OVER BUDGET"
    print(f"imk search --help: {search:.3f} s against a budget of {BUDGET_S} s — {verdict}")
    return 0 if search < BUDGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
