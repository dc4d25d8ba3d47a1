"""The search log: what people searched, how many hits, how long; typing collapses; a switch."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from catalogue import records
from imk.cli import build_cli
from index.engine import CatalogueIndex

pytestmark = pytest.mark.both_backends


@pytest.fixture
def index(workspace):
    workspace.store.save(
        records.new("material", title="Сложение дробей", status="published"), by="тест"
    )
    return CatalogueIndex.open(workspace)


def test_searches_are_logged_with_their_outcome(index):
    index.search("дроби", filters={"kind": ["material"]}, log="api")
    index.search("матиматика", log="cli")
    log = index.store.search_log.entries()
    assert [(e["query"], e["total"], e["source"]) for e in log] == [
        ("дроби", 1, "api"),
        ("матиматика", 0, "cli"),
    ]
    assert log[0]["filters"] == {"kind": ["material"]} and log[0]["elapsed_ms"] > 0


def test_corrections_are_logged(index):
    index.search("lhj,b", log="cli")  # «дроби» on the English layout
    assert index.store.search_log.entries()[-1]["corrected"] == "дроби"


def test_typing_letter_by_letter_is_one_entry(index):
    for partial in ("д", "дро", "дроби", "дроби 5"):
        index.search(partial, log="widget")
    index.search("ёлка", log="widget")
    assert [e["query"] for e in index.store.search_log.entries()] == ["дроби 5", "ёлка"]


def test_searches_without_a_source_are_not_logged(index):
    index.search("дроби")
    assert index.store.search_log.entries() == []


def test_the_log_can_be_switched_off_in_the_workspace(index):
    (index.workspace.path / "settings.toml").write_text("[search]\nlog = false\n")
    index.search("дроби", log="cli")
    assert index.store.search_log.entries() == []


def test_the_log_can_be_switched_off_by_environment(index, monkeypatch):
    monkeypatch.setenv("IMK_SEARCH_LOG", "0")
    index.search("дроби", log="cli")
    assert index.store.search_log.entries() == []


def test_the_command_line_logs(index):
    result = CliRunner().invoke(
        build_cli(), ["--home", str(index.workspace.path), "search", "дроби"]
    )
    assert result.exit_code == 0
    assert index.store.search_log.entries()[-1]["source"] == "cli"
