"""Spreadsheets of records (headers, mapping, dry run, row errors, one transaction), free-text
cell values, and the federal list of textbooks (real corpus)."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from catalogue.errors import UserError
from catalogue.ingest import fpu, tables
from catalogue.ingest.pipeline import import_paths
from catalogue.ingest.values import parse_grades, parse_people
from catalogue.workspace import Workspace
from imk.cli import build_cli

REAL_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "real"
FPU = REAL_CORPUS / "xlsx" / "fpu_federalnyy_perechen_dlya_zagruzki_negativnyy.xlsx"

RU_HEADER = ["Название", "Авторы", "Предмет", "Класс", "Год", "Тип", "Аннотация"]
EN_HEADER = ["Title", "Authors", "Subject", "Grade", "Year", "Type", "Annotation"]
ROWS = [
    ["Конспект урока «Дроби»", "Иванова М.П.", "математика", "5", 2023, "конспект", "Урок."],
    ["Рабочая программа по ИЗО", "Петров П.П., Сидорова С.С.", "ИЗО", "5-7", "2022 г.", "РП", ""],
    ["", "Без Названия", "История", "6", 2020, "", ""],  # no title
    ["Урок физики", "Орлов О.О.", "физика", "13", 2021, "", ""],  # no such grade
    ["Урок химии", "Сомов С.С.", "Алхимия", "8", 1700, "", ""],  # unknown subject, bad year
    ["\u00a0Сценарий праздника\u00a0", "Лебедева Л.Л.", "", "1 - 4", "", "сценарий", ""],
]


def write_xlsx(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    book.active.append(["Список материалов ГМО учителей"])  # a title row above the header
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    lines = [";".join(header)] + [";".join(str(c) for c in row) for row in rows]
    path.write_text("\n".join(lines), encoding="cp1251")
    return path


@pytest.mark.parametrize("header", [RU_HEADER, EN_HEADER], ids=["ru", "en"])
@pytest.mark.parametrize("writer", [write_xlsx, write_csv], ids=["xlsx", "csv"])
def test_good_rows_import_and_bad_rows_are_reported(workspace, tmp_path, header, writer):
    path = writer(tmp_path / f"список.{writer.__name__[6:]}", header, ROWS)
    report = import_paths(workspace, [path], as_records=True)
    assert report.counts["imported"] == 3 and report.counts["failed"] == 3
    failed = {e.row: e.message for e in report.entries if e.outcome == "failed"}
    first = 3 if writer is write_xlsx else 2  # the xlsx has a title row above the header
    assert set(failed) == {first + 2, first + 3, first + 4}
    assert "Название" in failed[first + 2]
    assert "Классы" in failed[first + 3] and "13" in failed[first + 3]
    assert "Предметы" in failed[first + 4] and "Год" in failed[first + 4]
    records = [workspace.store.get(i) for i in report.record_ids]
    assert [r.title for r in records] == [
        "Конспект урока «Дроби»",
        "Рабочая программа по ИЗО",
        "Сценарий праздника",
    ]
    assert records[1].subjects == ["Изобразительное искусство"]
    assert records[1].grades == ["5", "6", "7"] and records[1].year == 2022
    assert records[1].authors == ["Петров П.П.", "Сидорова С.С."]
    assert records[2].grades == ["1", "2", "3", "4"] and records[2].levels == ["НОО"]
    assert all(r.kind == "material" and r.status == "draft" for r in records)


def test_a_table_of_only_bad_rows_saves_nothing(workspace, tmp_path):
    path = write_xlsx(tmp_path / "плохо.xlsx", RU_HEADER, ROWS[2:5])
    report = import_paths(workspace, [path], as_records=True)
    assert report.counts["failed"] == 3 and workspace.store.count() == 0


def test_importing_a_table_twice_reports_duplicates(workspace, tmp_path):
    path = write_xlsx(tmp_path / "список.xlsx", RU_HEADER, ROWS[:2])
    import_paths(workspace, [path], as_records=True)
    again = import_paths(workspace, [path], as_records=True)
    assert again.counts["duplicate"] == 2 and workspace.store.count() == 2


def test_mapping_names_unknown_columns(workspace, tmp_path):
    path = write_xlsx(
        tmp_path / "темы.xlsx",
        ["Тема урока", "Учитель", "Параллель"],
        [["Дроби", "Иванова М.П.", "5"]],
    )
    with pytest.raises(UserError, match="не найден столбец с названием"):
        tables.preview(path)
    mapping = {"Тема урока": "title", "Учитель": "authors", "Параллель": "grades"}
    frame = tables.preview(path, mapping)
    assert frame.to_dict(orient="records")[0] | {"year": None} == {
        "row": 3,
        "kind": "material",
        "title": "Дроби",
        "authors": "Иванова М.П.",
        "subjects": "",
        "grades": "5",
        "year": None,
        "resource_type": "",
        "problems": "",
    }
    assert workspace.store.count() == 0  # a preview saves nothing


def test_media_columns_make_media_records(workspace, tmp_path):
    path = write_xlsx(
        tmp_path / "книги.xlsx",
        ["Название", "Авторы", "Издательство", "ISBN"],
        [["Математика. 5 класс", "Мерзляк А.Г.", "Просвещение", "978-5-09-087581-3"]],
    )
    [record_id] = import_paths(workspace, [path], as_records=True).record_ids
    record = workspace.store.get(record_id)
    assert record.kind == "media" and record.publisher == "Просвещение"


def test_without_records_flag_a_table_is_a_document(workspace, tmp_path):
    path = write_xlsx(tmp_path / "список.xlsx", RU_HEADER, ROWS[:2])
    report = import_paths(workspace, [path])
    [record_id] = report.record_ids
    assert "Рабочая программа по ИЗО" in workspace.store.text_of(workspace.store.get(record_id))


def test_cli_dry_run_and_mapping(tmp_path):
    home = tmp_path / "ws"
    Workspace.create(home).close()
    path = write_xlsx(tmp_path / "темы.xlsx", ["Тема урока", "Класс"], [["Дроби", "5"]])
    cli = build_cli()
    result = CliRunner().invoke(
        cli,
        [
            "--home",
            str(home),
            "import",
            str(path),
            "--dry-run",
            "--map",
            "Тема урока=title",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["preview"][str(path)][0]["title"] == "Дроби"
    bad = CliRunner().invoke(cli, ["--home", str(home), "import", str(path), "--map", "x=y"])
    assert bad.exit_code == 1 and "Неверное сопоставление «x=y»" in bad.stderr
    done = CliRunner().invoke(
        cli, ["--home", str(home), "import", str(path), "--map", "Тема урока=title"]
    )
    assert done.exit_code == 0 and "Импортировано: 1" in done.stderr


@pytest.mark.parametrize(
    ("value", "grades"),
    [
        ("7 - 9", ["7", "8", "9"]),
        ("10 – 11", ["10", "11"]),
        ("5", ["5"]),
        ("", []),
        ("1 дополнительный класс", ["1"]),
        ("1 доп. - 1", ["1"]),
        ("12", ["11"]),
        ("для 7–9 классов", ["7", "8", "9"]),
        ("5-й класс", ["5"]),
        ("V - IX", list("56789")),
        ("дошкольная группа", ["ДО"]),
        ("СПО", ["СПО"]),
    ],
)
def test_free_text_grades(value, grades):
    assert parse_grades(value) == grades


@pytest.mark.parametrize(
    ("value", "people"),
    [
        (
            "Мерзляк А.Г., Полонский В.Б.; под редакцией Подольского В.Е.",
            ["Мерзляк А.Г.", "Полонский В.Б.", "Подольский В.Е."],
        ),
        ("Горецкий В.Г., Кирюшкин В.А. и\u00a0другие", ["Горецкий В.Г.", "Кирюшкин В.А."]),
        ("Иванова М.П.; под ред. Петровой А.А.", ["Иванова М.П.", "Петрова А.А."]),
        ("Данилова\u00a0Г.И", ["Данилова Г.И."]),
    ],
)
def test_people_lists(value, people):
    assert parse_people(value) == people


# -- the federal list of textbooks (real corpus) -------------------------------------------------


@pytest.fixture(scope="module")
def fpu_import(tmp_path_factory):
    with Workspace.create(tmp_path_factory.mktemp("fpu") / "ws") as ws:
        yield ws, import_paths(ws, [FPU])


@pytest.mark.real_corpus
def test_federal_list_is_recognised():
    assert fpu.is_federal_list(FPU)
    assert not fpu.is_federal_list(REAL_CORPUS / "xlsx" / "techcards_ktp.xlsx")


@pytest.mark.real_corpus
def test_federal_list_imports_as_textbooks(fpu_import):
    ws, report = fpu_import
    saved = report.counts["imported"] + report.counts["flagged"]  # flagged: a typo in the row
    assert saved + report.counts["duplicate"] == 2161  # every textbook row; headings are not
    assert report.counts["failed"] == 0 and report.counts["imported"] >= 2000
    media = list(ws.store.iter_records("media"))
    assert len(media) == saved
    assert all(m.format == "учебник" and m.resource_type == "Учебник" for m in media)
    assert sum(1 for m in media if m.subjects) / len(media) > 0.95
    assert sum(1 for m in media if m.grades) / len(media) > 0.95
    assert all("\u00a0" not in m.title + "".join(m.authors) for m in media)


@pytest.mark.real_corpus
@pytest.mark.parametrize(
    ("title", "grades", "subject", "level", "author"),
    [
        ("Русский язык. Азбука: 1-й класс", ["1"], "Русский язык", "НОО", "Горецкий В.Г."),
        ("География: 5 - 6-е классы", ["5", "6"], "География", "ООО", "Алексеев А.И."),
        ("Физика: 7-й класс: базовый уровень", ["7"], "Физика", "ООО", "Перышкин И.М."),
    ],
)
def test_federal_list_rows(fpu_import, title, grades, subject, level, author):
    ws, _ = fpu_import
    record = next(m for m in ws.store.iter_records("media") if m.title.startswith(title))
    assert record.grades == grades and record.subjects == [subject]
    assert level in record.levels and record.authors[0] == author
    assert record.publisher == "Акционерное общество «Издательство «Просвещение»"
    assert record.list_number.startswith("1.") and record.list_appendix in ("1", "2")


@pytest.mark.real_corpus
def test_federal_list_editors_and_extra_first_grade(fpu_import):
    ws, _ = fpu_import
    media = list(ws.store.iter_records("media"))
    merzlyak = [m for m in media if "Мерзляк А.Г." in m.authors]
    assert merzlyak and any("Подольский В.Е." in m.authors for m in merzlyak)
    assert all(m.subjects == ["Математика"] for m in merzlyak)
