"""Coverage report: records per subject × grade (level, type, year) and the gaps, on a seeded
catalogue whose every expected cell is written down by hand."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from catalogue import reports
from catalogue.records import new
from catalogue.reports.data import BadParameter
from catalogue.workspace import Workspace

OUT = Path(__file__).resolve().parent / "output" / "reports"
A, B = "МБОУ «СОШ № 1»", "МБОУ «Гимназия № 2»"
SEED = [
    ("material", "Дроби", ["Математика"], ["5", "6"], A, 2024, "Конспект урока"),
    ("material", "Уравнения", ["Математика"], ["5"], B, 2020, "Конспект урока"),
    ("material", "Рычаг", ["Физика"], ["7"], A, 2024, "Технологическая карта урока"),
    ("media", "Учебник математики", ["Математика"], ["5"], A, 2024, "Учебник"),
    ("material", "Алгоритмы", ["Математика", "Информатика"], ["7"], B, 2022, "Презентация"),
    ("portfolio", "Портфолио", ["Математика"], ["5"], A, 2024, "Портфолио педагога"),
]


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    with Workspace.create(tmp_path_factory.mktemp("coverage") / "ws") as ws:
        records = []
        for kind, title, subjects, grades, org, year, rtype in SEED:
            extra = {"teacher": "Иванова Анна Петровна"} if kind == "portfolio" else {}
            records.append(
                new(
                    kind,
                    title=title,
                    subjects=subjects,
                    grades=grades,
                    organisation=org,
                    year=year,
                    resource_type=rtype,
                    **extra,
                )
            )
        ws.store.save_many(records, by="тест")
        yield ws


def cell(table: pd.DataFrame, subject: str, column) -> object:
    value = table.loc[subject, column]
    return None if pd.isna(value) else int(value)


@pytest.mark.parametrize(
    ("subject", "grade", "expected"),
    [
        ("Математика", "5", 3),  # Дроби, Уравнения, the textbook — not the portfolio
        ("Математика", "6", 1),
        ("Математика", "7", 1),
        ("Математика", "1", 0),
        ("Математика", "11", 0),
        ("Математика", "ДО", None),  # not taught in kindergarten
        ("Математика", "СПО", None),
        ("Физика", "7", 1),
        ("Физика", "5", 0),
        ("Физика", "4", None),
        ("Информатика", "7", 1),
        ("Литературное чтение", "4", 0),
        ("Литературное чтение", "5", None),
        ("Дошкольное образование", "ДО", 0),
    ],
)
def test_subject_by_grade(ws, subject, grade, expected):
    assert cell(reports.coverage(ws), subject, grade) == expected


def test_shape_and_names(ws):
    table = reports.coverage(ws)
    assert list(table.columns) == ["ДО", *map(str, range(1, 12)), "СПО"]
    assert table.index.name == "Предмет"
    assert len(table) == 30  # the 31 vocabulary subjects but «Управление образованием» (ДПО)
    assert "Управление образованием" not in table.index


@pytest.mark.parametrize(
    ("params", "subject", "column", "expected"),
    [
        ({"by": "level"}, "Математика", "ООО", 4),  # a record counts once per level
        ({"by": "level"}, "Математика", "НОО", 0),
        ({"by": "level"}, "Математика", "ДО", None),
        ({"by": "level"}, "Физика", "ООО", 1),
        ({"by": "type"}, "Математика", "Конспект урока", 2),
        ({"by": "type"}, "Математика", "Учебник", 1),
        ({"by": "type"}, "Физика", "Конспект урока", 0),
        ({"by": "year"}, "Математика", 2020, 1),
        ({"by": "year"}, "Математика", 2024, 2),
        ({"by": "year"}, "Информатика", 2022, 1),
        ({"organisation": A}, "Математика", "5", 2),
        ({"organisation": B}, "Математика", "7", 1),
        ({"start": "2021-01-01"}, "Математика", "5", 2),
        ({"end": "2021-12-31"}, "Математика", "5", 1),
        ({"kind": "media"}, "Математика", "5", 1),
    ],
)
def test_filters_and_dimensions(ws, params, subject, column, expected):
    assert cell(reports.coverage(ws, **params), subject, column) == expected


def test_type_and_year_columns_are_what_exists(ws):
    assert list(reports.coverage(ws, by="type").columns) == [
        "Конспект урока",
        "Технологическая карта урока",
        "Презентация",
        "Учебник",
    ]
    assert list(reports.coverage(ws, by="year").columns) == [2020, 2022, 2024]


@pytest.mark.parametrize(
    ("by", "pair", "listed"),
    [
        ("grade", ("Физика", "5"), True),
        ("grade", ("Физика", "7"), False),
        ("grade", ("Математика", "ДО"), False),
        ("grade", ("Математика", "1"), True),
        ("level", ("Математика", "СОО"), True),
        ("level", ("Физика", "ООО"), False),
    ],
)
def test_gaps(ws, by, pair, listed):
    table = reports.gaps(ws, by=by)
    assert list(table.columns) == ["Предмет", "Класс" if by == "grade" else "Уровень"]
    assert (pair in set(map(tuple, table.to_numpy()))) is listed


def test_gaps_count(ws):
    # Математика 1–4, 8–11 (8); Физика 5, 6, 8–11 (6); Информатика 5, 6, 8–11 (6)
    table = reports.gaps(ws)
    counts = table.groupby("Предмет").size()
    assert (counts["Математика"], counts["Физика"], counts["Информатика"]) == (8, 6, 6)


def test_unknown_dimension_is_explained(ws):
    with pytest.raises(BadParameter, match="by"):
        reports.coverage(ws, by="colour")


@pytest.mark.slow
@pytest.mark.parametrize("name", ["coverage", "gaps"])
def test_charts_are_png(ws, name):
    from catalogue.reports import charts  # draws with matplotlib: slow tests only

    report = reports.get(name)
    data = charts.png(report.figure(report.run(ws)))
    assert data.startswith(b"\x89PNG")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{name}-seeded.png").write_bytes(data)


@pytest.mark.slow
def test_demo_coverage_chart(demo_home):
    from catalogue.reports import charts  # draws with matplotlib: slow tests only

    with Workspace.open(demo_home) as ws:
        table = reports.coverage(ws)
        assert int(table.sum().sum()) > 0
        data = charts.png(reports.get("coverage").figure(table))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "coverage-demo.png").write_bytes(data)
    assert data.startswith(b"\x89PNG")
