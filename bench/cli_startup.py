"""How fast the ``imk`` program starts: ``imk search --help`` (and ``imk --help``, which loads
every command) beside ``python -c pass``, the floor no Python program can beat; with ``--home``
also a whole search, ``imk search рабочая программа --json`` on that catalogue.

    python -m bench.cli_startup [--runs 15] [--home build/scale/10000/ws]

Each command runs ``--runs`` times in a fresh process; the median wall time and the median
CPU time (user + system: what the machine's load does not inflate) are printed with the wall
time's ratio to ``python -c pass`` on the same machine at the same moment. Budget: ``imk search
--help`` under 0.6 s. Exit status 1 when the median is over the budget.
"""

from __future__ import annotations

import argparse
import resource
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


def timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds one run of ``command`` takes, start to exit, and its CPU seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return seconds, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--home", type=Path, help="a catalogue to time a whole search on")
    args = parser.parse_args()
    commands = dict(COMMANDS)
    if args.home:
        words = [str(BIN / "imk"), "--home", str(args.home), "search", "рабочая", "программа"]
        commands["imk search --json"] = [*words, "--json"]
    medians: dict[str, tuple[float, float]] = {}
    for name, command in commands.items():
        timed(command)  # warm the file cache (and the locale cache) once
        runs = [timed(command) for _ in range(args.runs)]  # interleaving would be fairer
        medians[name] = (
            statistics.median(w for w, _ in runs),
            statistics.median(c for _, c in runs),
        )
    floor = medians["python -c pass"][0]
    print(f"{'command':<20} {'wall, s':>8} {'CPU, s':>7} {'× python -c pass':>18}")
    for name, (seconds, cpu) in medians.items():
        print(f"{name:<20} {seconds:>8.3f} {cpu:>7.3f} {seconds / floor:>18.1f}")
    search = medians["imk search --help"][0]
    verdict = "ok" if search < BUDGET_S else "OVER BUDGET"
    print(f"imk search --help: {search:.3f} s against a budget of {BUDGET_S} s — {verdict}")
    return 0 if search < BUDGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
