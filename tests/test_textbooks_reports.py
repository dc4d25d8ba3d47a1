"""Textbook reports on generated lists with known truth: books to replace (exactly the expired and
expiring ones), the city summary whose totals are the sums of the school sheets, provision gaps,
schools without a list, the federal list's changes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from catalogue.reports import REPORTS
from catalogue.textbooks.check import next_school_year, part_number, provision, rows_frame, status
from catalogue.textbooks.generator import load_truth
from catalogue.textbooks.importing import federal_books
from catalogue.textbooks.schools import SchoolList, SchoolRow
from catalogue.workspace import Workspace
from imk.cli import build_cli

CLI = build_cli()
TODAY = dt.date(2026, 11, 27)


def imk(home: Path, *args: str):
    return CliRunner().invoke(CLI, ["--home", str(home), "report", *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def truth(textbook_home):
    """The generated schools whose lists were imported, and the federal list's books."""
    schools = load_truth(textbook_home.parent / "lists")[:-1]
    with Workspace.open(textbook_home) as ws:
        return schools, federal_books(ws.store)


@pytest.mark.parametrize(
    ("valid_until", "excluded", "outcome", "expected"),
    [
        ("2027-09-01", "", "matched", "listed"),
        ("2027-08-31", "", "matched", "expiring"),
        ("2026-11-27", "", "matched", "expiring"),
        ("2026-11-26", "", "matched", "expired"),
        ("", "", "matched", "listed"),
        ("2030-01-01", "2026-11-01", "matched", "not_listed"),
        ("2030-01-01", "", "ambiguous", "unmatched"),
    ],
)
def test_status_of_a_row(valid_until, excluded, outcome, expected):
    from catalogue.records import Media

    book = Media(title="x", valid_until=valid_until, list_excluded=excluded)
    assert status(book, outcome, TODAY) == expected


@pytest.mark.parametrize(
    ("today", "september"),
    [("2026-11-27", "2027-09-01"), ("2027-03-01", "2027-09-01"), ("2027-09-01", "2028-09-01")],
)
def test_next_school_year(today, september):
    assert next_school_year(dt.date.fromisoformat(today)) == dt.date.fromisoformat(september)


def test_expiring_report_lists_exactly_the_generated_expired_and_expiring_books(
    textbook_home, truth
):
    schools, books = truth
    expected = set()
    for school in schools:
        for row in school.truth:
            book = books.get(row.record_id)
            if book and status(book, "matched", TODAY) in ("expired", "expiring"):
                expected.add((school.school, book.list_number))
    result = imk(textbook_home, "textbooks-expiring", "--today", "2026-11-27", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["rows"]
    assert expected and {(r["Школа"], r["№ в перечне"]) for r in rows} == expected
    assert len(rows) == len(expected)  # one row per school's book
    replace_by = {r["Заменить до"][:10] for r in rows}
    assert replace_by == {"2026-11-27", "2027-09-01"}  # now, or before the next school year


def test_expiring_report_as_text_names_the_statuses(textbook_home):
    result = imk(textbook_home, "textbooks-expiring", "--today", "2026-11-27")
    assert "срок истёк" in result.stdout
    assert "истекает до 1 сентября следующего учебного года" in result.stdout


def test_city_summary_totals_equal_the_sums_of_the_school_sheets(textbook_home, tmp_path, truth):
    schools, _ = truth
    path = tmp_path / "summary.xlsx"
    result = imk(textbook_home, "textbooks-summary", "--today", "2026-11-27", "--format", "xlsx",
                 "-o", str(path))  # fmt: skip
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(path)
    assert len(book.sheetnames) == 1 + len(schools)
    summary = list(book.worksheets[0].iter_rows(min_row=3, values_only=True))
    header, body = summary[0], summary[1:]
    column = {name: i for i, name in enumerate(header)}
    *per_school, total = body
    assert total[column["Школа"]] == "Итого по городу"
    counted = {
        "Строк в списке": 0, "В перечне": 0, "Истекает": 0, "Срок истёк": 0, "Нет в перечне": 0,
        "Не сопоставлено": 0, "Экземпляров": 0, "Обучающихся": 0,
    }  # fmt: skip
    labels = {
        "В перечне": "в перечне", "Истекает": "истекает до 1 сентября",
        "Срок истёк": "срок истёк", "Нет в перечне": "нет в перечне",
        "Не сопоставлено": "не сопоставлено",
    }  # fmt: skip
    for sheet in book.worksheets[1:]:
        school = sheet.cell(1, 1).value
        line = next(r for r in per_school if r[column["Школа"]] == school)
        rows = list(sheet.iter_rows(min_row=3, values_only=True))
        head, data = rows[0], rows[1:]
        at = {name: i for i, name in enumerate(head)}
        mine = {
            "Строк в списке": len(data),
            "Экземпляров": sum(r[at["Экземпляров"]] for r in data),
            "Обучающихся": sum(r[at["Обучающихся"]] for r in data),
            **{
                key: sum(1 for r in data if r[at["Статус"]].startswith(text))
                for key, text in labels.items()
            },
        }
        for key, value in mine.items():
            assert line[column[key]] == value, (school, key)
            counted[key] += value
    for key, value in counted.items():
        assert total[column[key]] == value, key
    assert total[column["Строк в списке"]] == sum(len(s.truth) for s in schools)


def test_schools_without_a_list(textbook_home, truth):
    schools, _ = truth
    unsent = load_truth(textbook_home.parent / "lists")[-1].school
    table = REPORTS["textbooks-missing"].run(Workspace.open(textbook_home))
    missing = set(table["Школа"])
    assert unsent in missing
    assert not missing & {s.school for s in schools}


def test_provision_gaps_add_up(textbook_home):
    ws = Workspace.open(textbook_home)
    gaps = REPORTS["textbooks-provision"].run(ws, today=TODAY)
    rows = REPORTS["textbooks-check"].run(ws, today=TODAY)
    assert len(gaps) and (gaps["Не хватает экземпляров"] > 0).all()
    first = gaps.iloc[0]
    same = rows[
        (rows["Школа"] == first["Школа"])
        & (rows["Предмет"] == first["Предмет"])
        & (rows["Класс"] == first["Класс"])
    ]
    assert first["Экземпляров"] == same["Экземпляров"].sum()
    assert first["Обучающихся"] == same["Обучающихся"].max()
    assert first["Обеспеченность"] == round(first["Экземпляров"] / first["Обучающихся"], 2)


def _row(n: int, title: str, copies: int, record: str = "", pupils: int = 50) -> SchoolRow:
    outcome = "matched" if record else "none"
    return SchoolRow(
        n, ["5"], title, "Виленкин Н.Я.", "Математика", copies=copies, pupils=pupils,
        record_id=record, outcome=outcome,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("rows", "copies"),
    [
        # the two parts of one list book: 48 sets, not 98 copies
        ([_row(1, "Математика. Часть 1", 50, "m5"), _row(2, "Математика. Часть 2", 48, "m5")], 48),
        # parts written other ways, the book not in the list
        ([_row(1, "Математика, ч.1", 30), _row(2, "Математика, ч. 2", 29)], 29),
        ([_row(1, "Математика. 1-я часть", 30), _row(2, "Математика. 2-я часть", 35)], 30),
        # a part listed twice (two deliveries) adds up before the scarcest part is taken
        ([_row(1, "Математика. Часть 1", 20, "m5"), _row(2, "Математика. Часть 1", 25, "m5"),
          _row(3, "Математика. Часть 2", 40, "m5")], 40),
        # a book «в 2 частях» on one row is one row
        ([_row(1, "Математика (в 2 частях)", 25, "m5")], 25),
        # two books of one subject and grade (two groups) add up; the parts of one still a set
        ([_row(1, "Математика. Часть 1", 20, "m5"), _row(2, "Математика. Часть 2", 18, "m5"),
          _row(3, "Математика", 10, "m5-other")], 28),
    ],
)  # fmt: skip
def test_provision_counts_a_book_in_parts_as_sets(rows, copies):
    frame = rows_frame([SchoolList("МБОУ «СОШ № 1»", "list.xlsx", rows)], {}, TODAY)
    found = provision(frame, ["school", "subject", "grades"])
    assert found.to_dict("records") == [
        {
            "school": "МБОУ «СОШ № 1»",
            "subject": "Математика",
            "grades": "5",
            "copies": copies,
            "pupils": 50,
            "provision": round(copies / 50, 2),
            "missing_copies": max(0, 50 - copies),
        }
    ]


@pytest.mark.parametrize(
    ("title", "part"),
    [("Математика. Часть 2", 2), ("Алгебра, ч.1", 1), ("Ч. 3", 3), ("Литература. 2-я часть", 2),
     ("Русский язык (в 2 частях)", 0), ("Русский язык: в двух частях", 0), ("Химия", 0)],
)  # fmt: skip
def test_part_numbers(title, part):
    assert part_number(title) == part


def test_list_changes_report(textbook_home):
    table = REPORTS["textbooks-changes"].run(Workspace.open(textbook_home))
    newer = table[table["Файл"] == "fpu-new.xlsx"]
    assert set(newer["Изменение"]) == {"добавлен", "исключён", "изменён срок"}
    redated = newer[newer["Изменение"] == "изменён срок"]
    assert redated["Стало"].notna().all()


@pytest.mark.parametrize(
    "name", [n for n in REPORTS if n.startswith("textbooks-")], ids=lambda n: n
)
def test_each_textbook_report_writes_html_with_its_chart(textbook_home, tmp_path, name):
    path = tmp_path / f"{name}.html"
    result = imk(textbook_home, name, "--today", "2026-11-27", "--format", "html", "-o", str(path))
    assert result.exit_code == 0, result.output
    page = path.read_text(encoding="utf-8")
    assert REPORTS[name].title in page and "data:image/png;base64" in page
