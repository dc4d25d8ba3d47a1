"""The ``imk`` command line: every command, its help, its JSON and its errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from catalogue import i18n
from catalogue.workspace import Workspace
from imk.cli import build_cli
from index.engine import CatalogueIndex

README = Path(__file__).resolve().parent.parent / "README.md"
CLI = build_cli()


def command_paths(group: click.Group = CLI, prefix: tuple[str, ...] = ()):
    """Every command of the CLI as a tuple of words, groups included (lazy ones loaded)."""
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        yield (*prefix, name)
        command = group.get_command(ctx, name)
        if isinstance(command, click.Group):
            yield from command_paths(command, (*prefix, name))


def command_at(path: tuple[str, ...]) -> click.Command:
    command: click.Command = CLI
    for word in path:
        assert isinstance(command, click.Group)
        command = command.get_command(click.Context(command), word)
    return command


ALL_COMMANDS = list(command_paths())


def imk(*args: str, home: Path | None = None):
    runner = CliRunner()
    prefix = ["--home", str(home)] if home else []
    return runner.invoke(CLI, [*prefix, *args], catch_exceptions=False)


def test_the_contract_commands_exist():
    names = {" ".join(p) for p in ALL_COMMANDS}
    assert {
        "init",
        "demo",
        "search",
        "show",
        "stats",
        "index",
        "index rebuild",
        "index check",
        "lab",
    } <= names


@pytest.mark.parametrize("path", ALL_COMMANDS, ids=" ".join)
def test_every_command_has_help(path):
    result = imk(*path, "--help")
    assert result.exit_code == 0
    help_key = command_at(path).help  # a locale key, translated when help is shown
    assert help_key in i18n.catalog("ru") and len(i18n.t(help_key)) > 15
    assert i18n.t(help_key).split(".")[0] in " ".join(result.output.split())


@pytest.mark.parametrize("path", ALL_COMMANDS, ids=" ".join)
def test_every_command_is_documented_in_the_readme(path):
    assert f"imk {' '.join(path)}" in README.read_text(encoding="utf-8")


def test_init_creates_a_workspace_once(tmp_path):
    home = tmp_path / "ws"
    first = imk("init", home=home)
    assert first.exit_code == 0 and "создана" in first.stderr
    assert Workspace.exists(home)
    again = imk("init", home=home)
    assert again.exit_code == 0 and "уже есть" in again.stderr


def test_home_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("IMK_HOME", str(tmp_path / "env-ws"))
    assert imk("init").exit_code == 0
    assert Workspace.exists(tmp_path / "env-ws")


def test_search_json_follows_the_contract(demo_home):
    result = imk("search", "дроби 5 класс", "--json", home=demo_home)
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) == {"query", "corrected", "total", "hits", "facets"}
    assert data["total"] > 0 and data["hits"]
    assert set(data["hits"][0]) == {"id", "kind", "title", "score", "sources", "snippet"}
    assert any("дроб" in hit["snippet"].lower() for hit in data["hits"])
    assert data["facets"]["subject"]


def test_yo_and_e_find_the_same(demo_home):
    yo = json.loads(imk("search", "ёлка", "--json", home=demo_home).stdout)
    e = json.loads(imk("search", "елка", "--json", home=demo_home).stdout)
    assert yo["total"] > 0
    assert [h["id"] for h in yo["hits"]] == [h["id"] for h in e["hits"]]


@pytest.mark.parametrize("query", ['"дроби 5 класс', "(дроби", "дроби)", "((", '"', "AND"])
def test_unbalanced_queries_answer_without_a_traceback(demo_home, query):
    result = imk("search", query, "--json", home=demo_home)
    assert result.exit_code == 0
    assert isinstance(json.loads(result.stdout)["hits"], list)


def test_search_table_and_filters(demo_home):
    result = imk("search", "урок", "--filter", "subject=Математика", "--limit", "3", home=demo_home)
    assert result.exit_code == 0
    assert "Найдено" in result.stderr
    assert "Математика" in result.stdout


def test_a_bad_filter_is_explained(demo_home):
    result = imk("search", "урок", "--filter", "цвет=синий", home=demo_home)
    assert result.exit_code == 1
    assert "Фильтр «цвет=синий» не понят" in result.stderr


def test_show_json_and_text(demo_home):
    data = json.loads(imk("search", "дроби", "--json", home=demo_home).stdout)
    record_id = data["hits"][0]["id"]
    shown = json.loads(imk("show", record_id, "--json", home=demo_home).stdout)
    assert shown["id"] == record_id and shown["title"] == data["hits"][0]["title"]
    text = imk("show", record_id, home=demo_home)
    assert record_id in text.stdout and "Статус" in text.stdout


@pytest.mark.parametrize("typed", ["{id}", "{ID}", "{prefix} {n}", "{prefix}-{n}"])
def test_a_record_number_is_found_however_it_is_typed(demo_home, typed):
    record_id = json.loads(imk("search", "дроби", "--json", home=demo_home).stdout)["hits"][0]["id"]
    prefix, number = record_id.split("-")
    text = typed.format(id=record_id, ID=record_id.upper(), prefix=prefix, n=int(number))
    found = json.loads(imk("search", text, "--json", home=demo_home).stdout)
    assert [hit["id"] for hit in found["hits"]] == [record_id]
    assert json.loads(imk("show", text, "--json", home=demo_home).stdout)["id"] == record_id


def test_show_of_a_missing_record_fails_clearly(demo_home):
    result = imk("show", "mat-999999", home=demo_home)
    assert result.exit_code == 1
    assert "Запись «mat-999999» не найдена" in result.stderr


def test_stats_json(demo_home):
    data = json.loads(imk("stats", "--json", home=demo_home).stdout)
    assert data["records"] == sum(data["by_kind"].values()) > 100
    assert data["index"]["documents"] == data["records"]
    assert data["with_text"] > 0


def test_stats_in_english(demo_home):
    result = imk("--lang", "en", "stats", home=demo_home)
    assert result.exit_code == 0 and result.stdout.startswith("Records:")


def test_commands_on_a_missing_workspace_say_how_to_create_it(tmp_path):
    result = imk("stats", home=tmp_path / "nowhere")
    assert result.exit_code == 1
    assert "imk --home" in result.stderr and "init" in result.stderr


def test_demo_refuses_a_catalogue_that_has_records(demo_home):
    result = imk("demo", home=demo_home)
    assert result.exit_code == 1 and "только пустой" in result.stderr


def test_index_check_and_rebuild(tmp_path, demo_home):
    home = tmp_path / "copy"
    shutil.copytree(demo_home, home)
    assert imk("index", "check", home=home).exit_code == 0
    index = CatalogueIndex(Workspace.open(home))
    with index.ix.writer() as writer:
        writer.delete_by_term("id", "mat-000001")
    index.close()
    broken = imk("index", "check", "--json", home=home)
    assert broken.exit_code == 1
    assert json.loads(broken.stdout)["missing"] == ["mat-000001"]
    rebuilt = imk("index", "rebuild", home=home)
    assert rebuilt.exit_code == 0 and "перестроен" in rebuilt.stderr
    assert imk("index", "check", home=home).exit_code == 0


@pytest.mark.subprocess
def test_the_installed_console_script(demo_home):
    """The real ``imk`` program, as a user runs it (entry points and plugins included)."""
    exe = Path(sys.executable).with_name("imk")
    result = subprocess.run(
        [str(exe), "--home", str(demo_home), "search", "ёлка", "--json"],
        capture_output=True,
        text=True,
        env={**os.environ, "IMK_LANG": "ru"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["total"] > 0
