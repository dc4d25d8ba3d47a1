"""Using the ``imk`` command line wrongly: every usage error in the user's language with exit
status 1, help in the language asked for (whatever was imported before), ``imk show`` readable
in both languages, and the search and output bounds a methodist runs into."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from catalogue import i18n
from imk.cli import COMMANDS, build_cli

CLI = build_cli()
IMK = Path(sys.executable).parent / "imk"
ENGLISH_CLICK = ("Usage:", "Error:", "Invalid value", "No such option", "Missing argument", "Try ")


def imk(*args: str, home: Path | None = None):
    prefix = ["--home", str(home)] if home else []
    return CliRunner().invoke(CLI, [*prefix, *args], catch_exceptions=False)


def words(text: str) -> str:
    return " ".join(text.split())


def leaf_commands() -> list[tuple[str, ...]]:
    """Every command that checks its options (groups' subcommands included; ``imk lab``
    hands unknown options to JupyterLab)."""
    found = []
    for name in COMMANDS:
        command = CLI.get_command(click.Context(CLI), name)
        if isinstance(command, click.Group):
            found += [(name, sub) for sub in command.list_commands(click.Context(command))]
        elif not command.context_settings.get("ignore_unknown_options"):
            found.append((name,))
    return found


@pytest.mark.parametrize("path", leaf_commands(), ids=" ".join)
@pytest.mark.parametrize("lang", ["ru", "en"])
def test_an_unknown_option_is_explained_in_the_language_with_status_1(path, lang, tmp_path):
    result = imk("--lang", lang, *path, "--no-such-option", home=tmp_path)
    assert result.exit_code == 1
    expected = i18n.catalog(lang)["click.no_such_option"].format(name="--no-such-option")
    assert expected in result.stderr
    if lang == "ru":
        assert not [w for w in ENGLISH_CLICK if w in result.stderr], result.stderr
        assert f"Справка: imk {' '.join(path)} --help" in result.stderr


@pytest.mark.parametrize(
    ("args", "ru", "en"),
    [
        (
            ("report", "--format", "pdf"),
            "«pdf» — такого значения нет; можно: 'csv', 'xlsx', 'html'",
            "“pdf” is not one of 'csv', 'xlsx', 'html'",
        ),
        (("show",), "Не указан аргумент 'RECORD_ID'", "Missing argument 'RECORD_ID'"),
        (("search", "--limit", "-1", "x"), "-1 — вне допустимых пределов", "not in the range"),
        (("search", "--limit", "много", "x"), "«много» — не число", "“много” is not a number"),
        (("search", "--page", "0", "x"), "0 — вне допустимых пределов", "not in the range"),
        (("search", "--sort"), "Параметру «--sort» нужно значение", "“--sort” requires a value"),
        (("no-such-command",), "Нет команды «no-such-command»", "No such command"),
        (("index", "rebuild", "extra"), "Лишний аргумент: extra", "Unexpected extra argument"),
        (
            ("report", "coverage", "--format", "csv", "-o", "/nonexistent/dir/x.csv"),
            "папки «/nonexistent/dir» нет",
            "folder “/nonexistent/dir” does not exist",
        ),
        (
            ("collection", "export", "x", "--format", "bibtex", "-o", "/nonexistent/dir/x.bib"),
            "папки «/nonexistent/dir» нет",
            "folder “/nonexistent/dir” does not exist",
        ),
    ],
)
@pytest.mark.parametrize("lang", ["ru", "en"])
def test_usage_errors(args, ru, en, lang, tmp_path):
    result = imk("--lang", lang, *args, home=tmp_path)
    assert result.exit_code == 1
    assert (ru if lang == "ru" else en) in words(result.stderr)
    assert "Traceback" not in result.output
    assert not Path("/nonexistent").exists()


@pytest.mark.parametrize("path", [(), ("search",), ("report",), ("index", "check")], ids=str)
def test_help_comes_in_the_language_asked_for(path):
    russian = words(imk(*path, "--help").output)
    english = words(imk("--lang", "en", *path, "--help").output)
    assert "Как вызывать:" in russian and "Параметры" in russian
    assert "Usage:" in english and "Options:" in english
    assert "Показать эту справку и выйти." in russian
    assert "Show this message and exit." in english
    assert not re.search("[а-яё]{4,}", english.replace("Математика", "")), english  # data: Russian


@pytest.mark.subprocess
def test_the_program_speaks_english_when_asked(tmp_path):
    env = {**os.environ, "IMK_HOME": str(tmp_path)}
    for args in (["--lang", "en", "--help"], ["--lang", "en", "search", "--help"]):
        out = subprocess.run([IMK, *args], capture_output=True, text=True, env=env, check=True)
        assert "Usage: imk" in out.stdout and "Search records" in words(out.stdout)
    bad = subprocess.run(
        [IMK, "--lang", "en", "report", "--format", "pdf"], capture_output=True, text=True, env=env
    )
    assert bad.returncode == 1 and "Error: Invalid value for '--format'" in bad.stderr


@pytest.mark.parametrize(
    ("lang", "labels", "absent"),
    [
        ("ru", ["Статус: ", "Создано: ", "Экспертные заключения:", "Файлы:"], ["created_at"]),
        ("en", ["Status: ", "Created: ", "Expert reviews:", "Files:"], ["Создано"]),
    ],
)
def test_show_is_readable(demo_home, lang, labels, absent):
    from catalogue.workspace import Workspace

    with Workspace.open(demo_home) as ws:
        record = next(r for r in ws.store.iter_records("material") if r.reviews and r.attachments)
    out = imk("--lang", lang, "show", record.id, home=demo_home).stdout
    assert all(label in out for label in labels), out
    assert not [a for a in absent if a in out]
    assert "{'" not in out and "[{" not in out and "+00:00" not in out
    assert re.search(r"\d\d[.-]\d\d[.-]\d{2,4}", out)
    assert record.reviews[0].reviewer in out and record.attachments[0].name in out


def test_a_page_after_the_last_is_explained(demo_home):
    result = imk("search", "дроби", "--page", "999", home=demo_home)
    assert result.exit_code == 1
    assert "Страницы 999 нет" in result.stderr and "–" not in result.stderr


def test_a_pasted_page_is_not_echoed_whole(demo_home):
    query = "ъъъщщщ" * 1700  # 10,200 characters that find nothing
    result = imk("search", query, home=demo_home)
    assert result.exit_code == 0
    assert len(result.stderr) < 200 and "…" in result.stderr
