"""What ``imk search`` loads and writes on a SQLite catalogue: plain ``sqlite3`` (no SQLAlchemy,
no pandas, no processes), its one search-log row and nothing else; the store's statements all
the same. A catalogue with queued changes is caught up, an older schema migrated, a newer one
refused, and a search never waits for a writer of the catalogue."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from catalogue import records, schema
from catalogue.i18n import t
from catalogue.workspace import Workspace

pytestmark = pytest.mark.subprocess

# Run the program as its console script does, then name the packages it loaded.
CHILD = """
import json, sys
from imk.cli import main
out, sys.argv = sys.argv[1], ["imk", *sys.argv[2:]]
try:
    main()
finally:
    with open(out, "w") as f:
        json.dump(sorted({name.split(".")[0] for name in sys.modules}), f)
"""
NEVER = {"sqlalchemy", "pandas", "psycopg", "multiprocessing", "jinja2", "matplotlib", "openpyxl"}


def search(home: Path, tmp_path: Path, *args: str, log: bool = True):
    """Run ``imk search … --json`` on ``home`` in a new process: (its run, packages loaded)."""
    loaded = tmp_path / "loaded.json"
    env = {**os.environ, "IMK_LANG": "ru", "IMK_SEARCH_LOG": "1" if log else "0"}
    run = subprocess.run(
        [sys.executable, "-c", CHILD, str(loaded), "--home", str(home), "search", *args, "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    return run, set(json.loads(loaded.read_text())) if loaded.exists() else set()


@pytest.fixture
def home(demo_home, tmp_path) -> Path:
    """A writable copy of the demo catalogue (a search writes its log row), its search log
    empty (other tests search the demo catalogue too)."""
    copy = tmp_path / "ws"
    shutil.copytree(demo_home, copy)
    with sqlite3.connect(copy / "catalogue.sqlite") as conn:
        conn.execute("DELETE FROM search_log")
    return copy


def logged(home: Path) -> list[tuple[str, str]]:
    with Workspace.open(home) as ws:
        return [(e["query"], e["source"]) for e in ws.store.search_log.entries()]


@pytest.mark.parametrize(
    ("query", "options"),
    [
        ("ёлка", ()),
        ("дроби 5 класс", ()),
        ("дроби", ("--filter", "kind=material", "--sort", "date")),
        ("mat 1", ()),
        ("", ("--page", "2")),
    ],
)
def test_a_search_loads_no_sqlalchemy_and_logs_one_row(home, tmp_path, query, options):
    run, loaded = search(home, tmp_path, query, *options)
    assert run.returncode == 0, run.stderr
    assert "total" in json.loads(run.stdout)
    assert loaded & NEVER == set()
    assert {"numpy", "whoosh"} <= loaded  # the index itself is read
    assert logged(home) == [(query, "cli")]


def test_a_misspelt_search_is_repaired_without_sqlalchemy(home, tmp_path):
    run, loaded = search(home, tmp_path, "матиматика")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["corrected"] == "математика"
    assert "pymorphy3" in loaded and loaded & NEVER == set()


def test_queued_changes_are_indexed_before_the_search(home, tmp_path):
    with Workspace.open(home) as ws:  # saved, not indexed: the journal keeps it
        ws.store.save(records.new("material", title="Гербарий луговых трав"), by="тест")
    run, loaded = search(home, tmp_path, "гербарий")
    assert run.returncode == 0, run.stderr
    assert [h["title"] for h in json.loads(run.stdout)["hits"]] == ["Гербарий луговых трав"]
    assert "sqlalchemy" in loaded  # the store read the record to index it
    with Workspace.open(home) as ws:
        assert ws.reads.pending() == []
    run, loaded = search(home, tmp_path, "гербарий")
    assert json.loads(run.stdout)["total"] == 1 and "sqlalchemy" not in loaded


def set_version(home: Path, number: int) -> None:
    with sqlite3.connect(home / "catalogue.sqlite") as conn:
        conn.execute(f"PRAGMA user_version = {number}")


def version(home: Path) -> int:
    with sqlite3.connect(home / "catalogue.sqlite") as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])


def test_an_older_schema_is_migrated_by_the_search(home, tmp_path):
    set_version(home, schema.SCHEMA_VERSION - 1)
    run, loaded = search(home, tmp_path, "ёлка")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["total"] > 0
    assert version(home) == schema.SCHEMA_VERSION and "sqlalchemy" in loaded


def test_a_newer_schema_is_refused_and_left_alone(home, tmp_path):
    set_version(home, schema.SCHEMA_VERSION + 1)
    run, _ = search(home, tmp_path, "ёлка")
    assert run.returncode == 1 and run.stdout == ""
    found, known = schema.SCHEMA_VERSION + 1, schema.SCHEMA_VERSION
    assert run.stderr.strip().endswith(t("store.newer_schema", found=found, known=known))
    assert "Traceback" not in run.stderr
    assert version(home) == schema.SCHEMA_VERSION + 1


@pytest.mark.parametrize("opened", ["reads", "store"])
def test_opening_the_catalogue_never_waits_for_a_writer(home, tmp_path, opened):
    """Another process holds the write lock (a long import, say): a search without its log
    row, and the store's schema check, read a snapshot instead of queueing behind it."""
    writer = sqlite3.connect(home / "catalogue.sqlite", isolation_level=None)
    writer.execute("PRAGMA busy_timeout=0")
    writer.execute("BEGIN IMMEDIATE")
    try:
        if opened == "reads":
            run, _ = search(home, tmp_path, "ёлка", log=False)
            assert run.returncode == 0, run.stderr
            assert json.loads(run.stdout)["total"] > 0
        else:
            with Workspace.open(home) as ws:
                assert ws.store.count() > 0
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_a_closed_workspace_reads_again(home):
    """As the store's engine does after close: the next read opens a new connection."""
    ws = Workspace.open(home)
    texts_before = ws.reads.texts(["no-such-hash"])
    ws.close()
    assert ws.reads.pending() == [] and ws.reads.texts(["no-such-hash"]) == texts_before == {}
    ws.reads.search_log.log("ёлка", {}, 3, 1.0, source="api")
    ws.close()
    assert logged(home) == [("ёлка", "api")]
