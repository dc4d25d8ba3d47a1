"""Schools' textbook lists: the forms schools send (headers, merged cells, NBSP, «5-9»), row
validation with Russian messages naming row and field, reading under the import limits, the
``imk textbooks`` commands, and a methodist's choice remembered for the school's next import."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from catalogue.extract.safety import Limits
from catalogue.extract.worker import Refused
from catalogue.ingest.tables import read
from catalogue.textbooks.generator import load_truth
from catalogue.textbooks.schools import find_header, header_field, parse
from catalogue.textbooks.storage import TextbookTables
from catalogue.workspace import Workspace
from imk.cli import build_cli

CLI = build_cli()
HEADER = [
    "№ п/п",
    "Класс",
    "Предмет",
    "Автор(ы)",
    "Наименование учебника",
    "Издательство",
    "Год издания",
    "Количество экземпляров",
    "Количество обучающихся",
]


def imk(home: Path, *args: str):
    return CliRunner().invoke(CLI, ["--home", str(home), *args], catch_exceptions=False)


def write(path: Path, rows: list[list[object]], merges: tuple[str, ...] = ()) -> Path:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    for cells in merges:
        book.active.merge_cells(cells)
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Класс", "grades"),
        ("Кл.", "grades"),
        ("Учебный предмет", "subject"),
        ("Автор(ы)", "authors"),
        ("Авторский коллектив", "authors"),
        ("Наименование учебника", "title"),
        ("Название", "title"),
        ("Издательство", "publisher"),
        ("Год издания", "year"),
        ("Кол-во экз.", "copies"),
        ("Количество экземпляров", "copies"),
        ("Количество обучающихся", "pupils"),
        ("Кол-во учащихся", "pupils"),
        ("Количество\u00a0обучающихся", "pupils"),
        ("№ в ФПУ", "list_number"),
        ("№ п/п", ""),
    ],
)
def test_header_names(header, field):
    assert header_field(header) == field


def test_two_row_header_with_merged_cells_is_read_as_one():
    rows = [
        ["Список учебников МБОУ «СОШ № 1» на 2026/2027 учебный год"],
        ["№", "Класс", "Предмет", "Учебник", "", "", "", "Количество", ""],
        [
            "",
            "",
            "",
            "автор(ы)",
            "наименование",
            "издательство",
            "год издания",
            "экземпляров",
            "обучающихся",
        ],
    ]
    start, columns = find_header(rows)
    assert start == 3
    assert columns == {
        "grades": 1,
        "subject": 2,
        "authors": 3,
        "title": 4,
        "publisher": 5,
        "year": 6,
        "copies": 7,
        "pupils": 8,
    }


@pytest.mark.parametrize(
    ("cell", "grades"),
    [
        ("5", ["5"]),
        ("5 класс", ["5"]),
        ("5-9", ["5", "6", "7", "8", "9"]),
        ("5–9", ["5", "6", "7", "8", "9"]),
        ("5,6,7", ["5", "6", "7"]),
        ("10\u00a0-\u00a011", ["10", "11"]),
    ],
)
def test_grades_as_schools_write_them(cell, grades):
    rows, problems = parse(
        [HEADER, ["1", cell, "Физика", "Пёрышкин А.В.", "Физика", "", "", "", ""]]
    )
    assert problems == [] and rows[0].grades == grades


def test_bad_rows_get_messages_naming_row_and_field():
    rows, problems = parse(
        [
            HEADER,
            [
                "1",
                "5",
                "Математика",
                "Виленкин Н.Я.",
                "Математика",
                "Просвещение",
                "2023",
                "30",
                "28",
            ],
            ["2", "5", "Математика", "Виленкин Н.Я.", "", "Просвещение", "2023", "30", "28"],
            ["3", "пятый", "История", "Вигасин А.А.", "История", "Просвещение", "2023", "25", "25"],
            ["4", "6", "Русский язык", "Баранов М.Т.", "Русский язык", "", "2022", "много", "27"],
            ["5", "", "Литература", "Коровина В.Я.", "Литература", "", "двадцатый", "27", "27"],
        ],
        "список.xlsx",
    )
    assert [r.row for r in rows] == [2, 5, 6]
    assert rows[2].grades == ["6"]  # an empty grade repeats the row above (a merged cell)
    assert rows[1].copies is None and rows[1].pupils == 27
    assert problems == [
        "Строка 3: не заполнено поле «Наименование»; строка пропущена.",
        "Строка 4, поле «Класс»: «пятый» — не номер класса; строка пропущена.",
        "Строка 5, поле «Количество экземпляров»: «много» — не целое число; значение не учтено.",
        "Строка 6, поле «Год издания»: «двадцатый» — не целое число; значение не учтено.",
    ]


def test_a_sheet_without_the_needed_columns_is_refused():
    rows, problems = parse([["Фамилия", "Имя"], ["Иванов", "Иван"]], "люди.xlsx")
    assert rows == []
    assert problems[0].startswith("Файл «люди.xlsx»: не найдены столбцы Наименование, Класс.")


# -- reading under the limits ------------------------------------------------------------------


def test_sheet_is_read_in_the_worker(tmp_path):
    path = write(
        tmp_path / "list.xlsx", [HEADER, ["1", "5", "Математика", "Виленкин", "Математика"]]
    )
    assert read(path, Limits()).rows[1][:5] == ["1", "5", "Математика", "Виленкин", "Математика"]


def _zip_bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", "0" * 60_000_000)
    return path


@pytest.mark.parametrize(
    ("make", "limits", "message"),
    [
        (lambda p: p.write_bytes(b"not a spreadsheet at all"), Limits(), "не удалось прочитать"),
        (_zip_bomb, Limits(), "подозрительный архив"),
        (
            lambda p: write(p, [HEADER] * 200),
            Limits(max_file_mb=0.001),
            "больше предела",
        ),
        pytest.param(  # writing 20,000 rows takes seconds: not in the fast tier
            lambda p: write(p, [HEADER] * 20_000),
            Limits(timeout_s=0.05),
            "прерван",
            marks=pytest.mark.slow,
        ),
        (lambda p: write(p, [HEADER] * 300), Limits(max_rows=100), "больше 100 строк"),
    ],
    ids=["garbage", "zip-bomb", "too-large", "timeout", "too-many-rows"],
)
def test_untrusted_sheets_are_refused_with_a_message(tmp_path, make, limits, message):
    path = tmp_path / "школа.xlsx"
    make(path)
    with pytest.raises(Refused) as caught:
        read(path, limits)
    assert "«школа.xlsx»" in str(caught.value) and message in str(caught.value)


# -- the commands and a methodist's choice ------------------------------------------------------


@pytest.fixture
def textbook_copy(textbook_home, tmp_path) -> Path:
    home = tmp_path / "workspace"
    shutil.copytree(textbook_home, home)
    return home


def test_import_command_reads_matches_and_reports(textbook_copy, textbook_home):
    lists = textbook_home.parent / "lists"
    last = load_truth(lists)[-1]  # the fixture left this school's list unsent
    result = imk(textbook_copy, "textbooks", "import", str(lists / last.file), "--json")
    assert result.exit_code == 0, result.output
    (school,) = json.loads(result.stdout)["schools"]
    assert school["school"] == last.school and school["saved"] and not school["problems"]
    assert school["counts"]["rows"] == len(last.truth)
    assert school["counts"]["matched"] + school["counts"]["none"] >= len(last.truth) - 2
    plain = imk(textbook_copy, "textbooks", "import", str(lists / last.file), "--school", "Школа X")
    assert f"Школа X: {len(last.truth)} " in plain.stdout


def test_import_command_refuses_a_bad_file_with_a_message(textbook_copy, tmp_path):
    bad = tmp_path / "список.xlsx"
    bad.write_bytes(b"PK\x03\x04 broken")
    result = CliRunner().invoke(
        CLI, ["--home", str(textbook_copy), "textbooks", "import", str(bad)]
    )
    assert result.exit_code == 1
    assert "Файл «список.xlsx»: не удалось прочитать документ" in result.output
    assert "Ни один список не сохранён." in result.output


def test_import_needs_the_federal_list(workspace, textbook_home):
    lists = textbook_home.parent / "lists"
    result = CliRunner().invoke(
        CLI,
        ["--home", str(workspace.path), "textbooks", "import", str(next(lists.glob("*.xlsx")))],
    )
    assert result.exit_code == 1 and "нет федерального перечня" in result.output


def test_a_methodists_choice_is_remembered_for_the_next_import(textbook_copy, textbook_home):
    lists = textbook_home.parent / "lists"
    with Workspace.open(textbook_copy) as ws:
        tables = TextbookTables(ws.store.db)
        school_list = next(s for s in tables.lists() if s.rows)
        row = next(r for r in school_list.rows if r.alternatives)
        other = row.alternatives[-1][0]
    result = imk(textbook_copy, "textbooks", "resolve", school_list.school, str(row.row), other)
    assert result.exit_code == 0 and "Выбор запомнен" in result.stdout
    file = next(s.file for s in load_truth(lists) if s.school == school_list.school)
    imk(textbook_copy, "textbooks", "import", str(lists / file), "--school", school_list.school)
    with Workspace.open(textbook_copy) as ws:
        again = TextbookTables(ws.store.db).school_list(school_list.school)
    same = next(r for r in again.rows if r.row == row.row)
    assert (same.outcome, same.record_id) == ("chosen", other)
    missing = CliRunner().invoke(
        CLI, ["--home", str(textbook_copy), "textbooks", "resolve", school_list.school, "99999"]
    )
    assert missing.exit_code == 1 and "нет строки 99999" in missing.output


def test_generate_commands_write_lists_and_truth(textbook_copy, tmp_path):
    result = imk(textbook_copy, "textbooks", "generate", str(tmp_path / "fpu"), "--federal-list")
    assert result.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "fpu").iterdir()) == ["fpu-new.xlsx", "fpu-old.xlsx"]
    result = imk(textbook_copy, "textbooks", "generate", str(tmp_path / "lists"), "--schools", "3")
    assert result.exit_code == 0 and "Списки 3 школ" in result.stdout
    truth = load_truth(tmp_path / "lists")
    assert [len(s.truth) > 20 for s in truth] == [True, True, True]
    assert {r.kind for s in truth for r in s.truth} >= {"listed", "unlisted"}
