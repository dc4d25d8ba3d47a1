"""Professional-development report: course hours in the last three years against the norm."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from catalogue import reports
from catalogue.records import Course, new
from catalogue.workspace import Workspace

OUT = Path(__file__).resolve().parent / "output" / "reports"
A, B = "МБОУ «СОШ № 1»", "МБОУ «Гимназия № 2»"
TODAY = dt.date(2026, 6, 1)  # window: 2024, 2025, 2026
SEED = {  # teacher -> organisation, subject, [(year, hours)]
    "Антонова": (A, "Математика", [(2024, 36), (2025, 36)]),
    "Белова": (A, "Физика", [(2023, 72), (2026, 16)]),
    "Воронова": (B, "Математика", []),
    "Громова": (B, "История", [(2026, 108)]),
    "Дёмина": (B, "История", [(2021, 144)]),
}


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    with Workspace.create(tmp_path_factory.mktemp("development") / "ws") as ws:
        ws.store.save_many(
            [
                new(
                    "portfolio",
                    title=f"Портфолио: {name}",
                    teacher=name,
                    organisation=org,
                    subjects=[subject],
                    position="учитель",
                    contacts="+7 900 000-00-00",
                    birth_date="1979-09-09",
                    courses=[Course(f"Курс {year}", hours, "ИРО", year) for year, hours in courses],
                )
                for name, (org, subject, courses) in SEED.items()
            ],
            by="тест",
        )
        yield ws


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {},
            [
                ("Воронова", 0, 72, "нет"),
                ("Дёмина", 0, 72, "нет"),
                ("Белова", 16, 56, "нет"),
                ("Антонова", 72, 0, "да"),
                ("Громова", 108, 0, "да"),
            ],
        ),
        (
            {"norm": 16},
            [
                ("Воронова", 0, 16, "нет"),
                ("Дёмина", 0, 16, "нет"),
                ("Антонова", 72, 0, "да"),
                ("Белова", 16, 0, "да"),
                ("Громова", 108, 0, "да"),
            ],
        ),
        ({"organisation": A}, [("Белова", 16, 56, "нет"), ("Антонова", 72, 0, "да")]),
        ({"subject": "История"}, [("Дёмина", 0, 72, "нет"), ("Громова", 108, 0, "да")]),
        (
            {"today": dt.date(2023, 12, 31)},
            [  # window 2021–2023
                ("Антонова", 0, 72, "нет"),
                ("Воронова", 0, 72, "нет"),
                ("Громова", 0, 72, "нет"),
                ("Белова", 72, 0, "да"),
                ("Дёмина", 144, 0, "да"),
            ],
        ),
    ],
)
def test_per_teacher(ws, params, expected):
    table = reports.development(ws, **{"today": TODAY, **params})
    got = [
        (r["Педагог"], r["Часов за 3 года"], r["Не хватает, ч"], r["Норма выполнена"])
        for r in table.to_dict("records")
    ]
    assert got == expected


def test_by_organisation(ws):
    table = reports.by_organisation(ws, today=TODAY)
    assert table.index.name == "Организация"
    assert table.reset_index().to_dict("records") == [
        {
            "Организация": B,
            "Педагогов": 3,
            "Выполнили норму": 1,
            "Доля, %": 33.3,
            "Среднее, ч": 36.0,
        },
        {
            "Организация": A,
            "Педагогов": 2,
            "Выполнили норму": 1,
            "Доля, %": 50.0,
            "Среднее, ч": 44.0,
        },
    ]


@pytest.mark.parametrize("name", sorted(reports.REPORTS))
def test_no_report_shows_contacts_or_birth_dates(ws, name):
    table = reports.run(name, ws, today=TODAY)
    text = table.reset_index().to_csv()
    assert "+7 900" not in text and "1979-09-09" not in text


@pytest.mark.slow
@pytest.mark.parametrize("name", ["development", "development-orgs"])
def test_charts(ws, name):
    from catalogue.reports import charts  # draws with matplotlib: slow tests only

    report = reports.get(name)
    data = charts.png(report.figure(report.run(ws, today=TODAY)))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{name}-seeded.png").write_bytes(data)
    assert data.startswith(b"\x89PNG")
