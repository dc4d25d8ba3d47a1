"""One error type for everything a user can act on: a message key, shown in the user's language;
the command line prints it and exits with status 1, never with a traceback."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from catalogue import i18n
from catalogue.curation.workflow import WorkflowError
from catalogue.errors import UserError
from catalogue.export import ExportError
from catalogue.reports.data import BadParameter
from catalogue.reports.output import ReportError
from catalogue.storage.common import ConflictError, NotFoundError, StoreError
from catalogue.validation import FieldError, ValidationError
from catalogue.workspace import NotAWorkspace
from imk.cli import build_cli

CLI = build_cli()


@pytest.mark.parametrize(
    "cls",
    [
        StoreError,
        NotFoundError,
        ConflictError,
        NotAWorkspace,
        ValidationError,
        WorkflowError,
        ExportError,
        ReportError,
        BadParameter,
    ],
)
def test_every_error_a_user_can_act_on_is_a_user_error(cls):
    assert issubclass(cls, UserError)


@pytest.mark.parametrize(
    "error, lang, expected",
    [
        (
            NotFoundError("store.not_found", id="mat-42"),
            "ru",
            "Запись «mat-42» не найдена.",
        ),
        (NotFoundError("store.not_found", id="mat-42"), "en", "Record “mat-42” not found."),
        (BadParameter("--by", "цвет"), "ru", "Параметр --by: недопустимое значение «цвет»."),
        (BadParameter("--by", "цвет"), "en", "Parameter --by: invalid value “цвет”."),
        (
            ValidationError([FieldError("title", "Первая."), FieldError("year", "Вторая.")]),
            "ru",
            "Первая.\nВторая.",
        ),
    ],
)
def test_the_message_comes_in_the_language_active_when_it_is_shown(error, lang, expected):
    i18n.set_language(lang)
    assert str(error) == expected
    assert error.key and isinstance(error.params, dict)


@pytest.mark.parametrize(
    "args, lang, expected",
    [
        (["show", "mat-999999"], "ru", "Запись «mat-999999» не найдена."),
        (["show", "mat-999999"], "en", "Record “mat-999999” not found."),
        (["collection", "export", "нет-такой"], "ru", "Подборка «нет-такой» не найдена."),
        (["report", "нет-такого"], "ru", "Нет отчёта «нет-такого»."),
        (["report", "attestation", "--today", "2026-13-45"], "ru", "Дата «2026-13-45» не"),
        (["collection", "add", "нет-такой"], "ru", "Подборка «нет-такой» не найдена."),
    ],
)
def test_the_cli_prints_the_message_and_exits_with_status_1(workspace, args, lang, expected):
    result = CliRunner().invoke(CLI, ["--lang", lang, "--home", str(workspace.path), *args])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)  # not an uncaught exception
    assert expected in result.stderr
    assert "Traceback" not in result.output
