"""``imk collection create|add|list|export``, ``imk cite`` and ``imk portfolio-page``."""

from __future__ import annotations

import json
import shutil

import pytest
import rispy
from click.testing import CliRunner
from export_data import PRIVATE, build

from catalogue.workspace import Workspace
from imk.cli import build_cli

CLI = build_cli()


def imk(home, *args):
    return CliRunner().invoke(CLI, ["--home", str(home), *args])


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The export catalogue, built once for the module; each test works on a copy."""
    path = tmp_path_factory.mktemp("built") / "ws"
    with Workspace.create(path) as ws:
        facts = build(ws)
    return path, facts


@pytest.fixture
def home(built, tmp_path):
    path, facts = built
    shutil.copytree(path, tmp_path / "ws")
    return tmp_path / "ws", facts


def test_create_add_list(home):
    path, facts = home
    assert (
        imk(
            path,
            "collection",
            "create",
            "new",
            "--title",
            "Новая",
            "--grade",
            "5",
            "--curator",
            "Иванова А. А.",
        ).exit_code
        == 0
    )
    result = imk(path, "collection", "add", "new", *facts["ids"][:2], "--note", "смотреть")
    assert result.exit_code == 0, result.output
    again = imk(path, "collection", "add", "new", facts["ids"][0], "--json")
    assert json.loads(again.stdout) == {"name": "new", "added": [], "total": 2}
    listed = json.loads(imk(path, "collection", "list", "--json").stdout)
    assert {c["name"]: c["items"] for c in listed["collections"]} == {"new": 2, "test": 7}
    text = imk(path, "collection", "list").stdout
    assert "new\t2\tНовая" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["collection", "create", "bad name!"], "Короткое имя"),
        (["collection", "create", "test"], "уже есть"),
        (["collection", "add", "test"], "Укажите ID"),
        (["collection", "add", "test", "mat-424242"], "«mat-424242» не найдена"),
        (["collection", "add", "nothing", "mat-000001"], "Подборка «nothing» не найдена"),
        (["collection", "export", "nothing"], "Подборка «nothing» не найдена"),
        (["collection", "export", "test", "--format", "pdf"], "pdf"),
        (["cite", "mat-424242"], "не найдена"),
    ],
)
def test_errors_are_one_russian_line(home, args, message):
    result = imk(home[0], *args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("fmt", ["html", "zip", "csv", "xlsx", "ris", "bibtex"])
def test_export_json(home, tmp_path, fmt):
    out = tmp_path / f"out.{fmt}"
    result = imk(home[0], "collection", "export", "test", "--format", fmt, "-o", str(out), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["path"] == str(out) and data["size"] == out.stat().st_size > 0
    assert "выпущена" in result.stderr


@pytest.mark.parametrize(
    ("style", "check"),
    [
        ("gost", lambda text: text.startswith("Афанасьева,\u00a0М.\u00a0Ф. Сложение дробей")),
        ("ris", lambda text: rispy.loads(text)[0]["authors"] == ["Афанасьева, Мария Фёдоровна"]),
        ("bibtex", lambda text: text.startswith("@misc{mat-000001,")),
    ],
)
def test_cite(home, style, check):
    result = imk(home[0], "cite", "mat-000001", "--style", style)
    assert result.exit_code == 0
    assert check(result.stdout)


def test_cite_refuses_a_portfolio_without_consent(home):
    path, facts = home
    result = imk(path, "cite", facts["no_consent"])
    assert result.exit_code == 1 and "согласие" in result.output
    public = imk(path, "cite", facts["hidden"]).stdout
    assert all(v not in public for v in PRIVATE.values())


def test_portfolio_page(home, tmp_path):
    path, facts = home
    out = tmp_path / "page.html"
    assert imk(path, "portfolio-page", facts["hidden"], "-o", str(out)).exit_code == 0
    assert "учитель математики" in out.read_text(encoding="utf-8")
    assert imk(path, "portfolio-page", facts["no_consent"]).exit_code == 1


def test_add_by_query_uses_the_search_index(demo_home, tmp_path):
    home = tmp_path / "demo"
    shutil.copytree(demo_home, home)
    assert imk(home, "collection", "create", "fr").exit_code == 0
    result = imk(home, "collection", "add", "fr", "--query", "дроби", "--limit", "4", "--json")
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["added"]) == 4
    missing = imk(home, "collection", "add", "fr", "--query", "йцукенгшщзхъ")
    assert missing.exit_code == 1 and "ничего не найдено" in missing.output
