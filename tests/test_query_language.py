"""The query language: fields with Russian names, grades, operators, synonyms — never raising."""

from __future__ import annotations

import pytest
from whoosh import query as wq

from catalogue import records
from index.engine import CatalogueIndex
from index.query import grade_number, plan
from tests.conftest import make_workspace

pytestmark = pytest.mark.both_backends


def _m(title, **values):
    values.setdefault("status", "published")
    return records.new("material", title=title, **values)


FIXTURE = [
    _m(
        "Сложение дробей",
        subjects=["Математика"],
        grades=["5"],
        year=2021,
        resource_type="Конспект урока",
        authors=["Иванова Мария Петровна"],
        organisation="МБОУ «Лицей № 2»",
    ),
    _m(
        "Контрольная работа по алгебре",
        subjects=["Математика"],
        grades=["8"],
        year=2023,
        resource_type="КИМ",
        authors=["Петров Олег Ильич"],
        organisation="МБОУ «СОШ № 5»",
    ),
    _m(
        "Законы Ньютона",
        subjects=["Физика"],
        grades=["9"],
        year=2020,
        resource_type="КИМ",
        status="draft",
    ),
    _m("Подготовка к ЕГЭ по истории", subjects=["История"], grades=["11"], year=2022),
    _m(
        "Единый государственный экзамен: обществознание",
        subjects=["Обществознание"],
        grades=["11"],
        year=2024,
    ),
    _m("Безопасность на дорогах", subjects=["ОБЖ"], grades=["6"], year=2019),
    _m(
        "Научно-практическая конференция школьников",
        subjects=["Воспитательная работа"],
        grades=["7", "8", "9"],
        year=2025,
    ),
    records.new(
        "media",
        title="Физика. 7 класс",
        subjects=["Физика"],
        grades=["7"],
        year=2023,
        format="учебник",
        resource_type="Учебник",
        status="published",
    ),
]


@pytest.fixture(scope="module")
def index(tmp_path_factory, module_backend):
    ws = make_workspace(tmp_path_factory.mktemp("ql") / "ws", module_backend)
    ws.store.save_many([records.from_dict(records.to_dict(r)) for r in FIXTURE], by="тест")
    return CatalogueIndex.open(ws)


def titles(index, query):
    return {hit.title for hit in index.search(query, page_size=50).hits}


@pytest.mark.parametrize(
    ("token", "number"),
    [("5", 5), ("V", 5), ("xi", 11), ("5-й", 5), ("12", None), ("0", None), ("IVX", None)],
)
def test_grade_numbers(token, number):
    assert grade_number(token) == number


@pytest.mark.parametrize(
    ("query", "notes"),
    [
        ("дроби 5 класс", ["класс: 5"]),
        ("дроби 5-й класс", ["класс: 5"]),
        ("дроби 5-й", ["класс: 5"]),
        ("дроби V класс", ["класс: 5"]),
        ("история 5–7 классы", ["класс: 5, 6, 7"]),
        ("для 7-9 классов", ["класс: 7, 8, 9"]),
        ("контрольная работа № 2", []),
        ("Иван IV Грозный", []),
        ("предмет:матем", ["предмет: матем"]),
        ("год:2020..2023 тип:КИМ", ["год: 2020..2023", "тип: КИМ"]),
    ],
)
def test_plan_finds_grades_and_fields(query, notes):
    assert plan(query).notes == notes


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("предмет:математика", {"Сложение дробей", "Контрольная работа по алгебре"}),
        ("subject:матем", {"Сложение дробей", "Контрольная работа по алгебре"}),
        ("предмет:ОБЖ", {"Безопасность на дорогах"}),
        (
            "класс:8",
            {"Контрольная работа по алгебре", "Научно-практическая конференция школьников"},
        ),
        ("класс:9-11 предмет:физика", {"Законы Ньютона"}),
        ("grade:VII", {"Физика. 7 класс", "Научно-практическая конференция школьников"}),
        ("автор:Иванова", {"Сложение дробей"}),
        ("автор:Ивановой", {"Сложение дробей"}),
        ("тип:КИМ", {"Контрольная работа по алгебре", "Законы Ньютона"}),
        ("тип:КИМ год:2023", {"Контрольная работа по алгебре"}),
        ("год:2020..2021", {"Сложение дробей", "Законы Ньютона"}),
        (
            "год:2024..",
            {
                "Единый государственный экзамен: обществознание",
                "Научно-практическая конференция школьников",
            },
        ),
        ("школа:лицей", {"Сложение дробей"}),
        ("статус:черновик", {"Законы Ньютона"}),
        ("вид:медиатека", {"Физика. 7 класс"}),
        ("физика 7 класс", {"Физика. 7 класс"}),
        ("физика -учебник", {"Законы Ньютона"}),
        ("физика НЕ учебник", {"Законы Ньютона"}),
        ("ньютона ИЛИ дробей", {"Законы Ньютона", "Сложение дробей"}),
        ('"законы ньютона"', {"Законы Ньютона"}),
        ("ЕГЭ", {"Подготовка к ЕГЭ по истории", "Единый государственный экзамен: обществознание"}),
        (
            "единого государственного экзамена",
            {"Подготовка к ЕГЭ по истории", "Единый государственный экзамен: обществознание"},
        ),
        ("научно-практическая", {"Научно-практическая конференция школьников"}),
        ("ОБЗР", {"Безопасность на дорогах"}),
    ],
)
def test_queries(index, query, expected):
    assert titles(index, query) == expected


@pytest.mark.parametrize(
    "query",
    [
        "предмет:",
        "класс:",
        "год:abc",
        "год:..",
        'автор:"',
        "тип:нечто",
        "класс:99",
        'предмет:"основы безопасности',
        ":::",
        "-",
        "НЕ",
        "ИЛИ ИЛИ",
        "цвет:синий",
        "(((год:2020",
    ],
)
def test_odd_field_syntax_never_raises(index, query):
    result = index.search(query)
    assert result.total >= 0


def test_unknown_vocabulary_value_searches_the_words(index):
    assert titles(index, "тип:конференция") == {"Научно-практическая конференция школьников"}


def test_every_field_clause_is_required():
    the_plan = plan("предмет:физика класс:9 Ньютон")
    assert len(the_plan.clauses) == 2 and "Ньютон" in the_plan.text
    assert isinstance(the_plan.clauses[0], wq.Term)


@pytest.mark.parametrize(
    "query", ["под редакцией Ньютона", "под ред. Ньютона", "под общей редакцией Ньютона"]
)
def test_editor_role_words_are_ignored(query):
    assert plan(query).text == "Ньютона"


def test_a_loosened_search_keeps_grade_and_field_clauses_optional(index):
    # no grade-5 physics at all: the loosened search still ranks physics first
    hits = index.search("законы физики 5 класс").hits
    assert hits and hits[0].title in {"Законы Ньютона", "Физика. 7 класс"}


def test_words_standing_together_rank_first(index):
    hits = index.search("конференция школьников").hits
    assert hits[0].title == "Научно-практическая конференция школьников"


def test_words_outweigh_a_grade_nobody_has(index):
    # no grade-5 record about Newton's laws: the words win over the grade
    result = index.search("законы Ньютона 5 класс")
    assert result.hits[0].title == "Законы Ньютона" and result.corrected is None
