"""The crash harness in its small CI size: every kind of work killed with SIGKILL after it has
committed, then nothing lost, corrupt or half-written, no file without a record, the index
healed; editors conflicting with searches alongside lose no update and fail no search."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
ZERO = [
    "lost",
    "corrupt",
    "half records",
    "files without record",
    "index not healed",
    "lost updates",
    "failed searches",
]


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> str:
    home = tmp_path_factory.mktemp("crash")
    sizes = ["--kills", "4", "--processes", "3", "--edits", "8", "--searchers", "1"]
    done = subprocess.run(
        [sys.executable, "-m", "bench.crash", *sizes, "--max-delay", "1", "--home", str(home)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def figure(output: str, name: str) -> int:
    found = re.search(rf"\b{name} (\d+)", output)
    assert found, f"«{name}» is not in the output:\n{output}"
    return int(found.group(1))


@pytest.mark.parametrize("name", ZERO)
def test_nothing_is_lost_or_broken(run, name):
    assert figure(run, name) == 0


@pytest.mark.parametrize("kind", ["import", "edit", "rebuild", "export"])
def test_every_kind_of_work_was_killed(run, kind):
    assert figure(run, kind) == 1


@pytest.mark.parametrize(
    ("name", "least"), [("commits logged", 3), ("rebuilds", 1), ("saves", 24), ("searches", 1)]
)
def test_the_kills_and_races_happened_after_real_work(run, name, least):
    assert figure(run, name) >= least
