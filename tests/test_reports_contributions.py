"""Contributions report: records created per organisation / author and period, hand-counted."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalogue import reports
from catalogue.records import new
from catalogue.reports.data import BadParameter
from catalogue.workspace import Workspace

OUT = Path(__file__).resolve().parent / "output" / "reports"
A, B = "МБОУ «СОШ № 1»", "МБОУ «Гимназия № 2»"
SEED = [  # kind, organisation, authors, created, subject
    ("material", A, ["Иванова А. П.", "Петров И. С."], "2023-02-10", "Математика"),
    ("material", A, ["Иванова А. П."], "2024-05-01", "Математика"),
    ("material", B, ["Петров И. С."], "2024-11-30", "Математика"),
    ("material", B, ["Сидорова Е. В."], "2024-12-01", "Физика"),
    ("media", A, [], "2022-07-07", "История"),
    ("portfolio", A, ["Иванова А. П."], "2024-03-03", "Математика"),  # not a contribution
]


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    with Workspace.create(tmp_path_factory.mktemp("contrib") / "ws") as ws:
        records = []
        for n, (kind, org, authors, created, subject) in enumerate(SEED):
            extra = {"teacher": "Иванова Анна Петровна"} if kind == "portfolio" else {}
            records.append(
                new(
                    kind,
                    title=f"Запись {n}",
                    organisation=org,
                    authors=authors,
                    subjects=[subject],
                    created_at=f"{created}T10:00:00+00:00",
                    **extra,
                )
            )
        ws.store.save_many(records, by="тест")
        yield ws


def rows(table) -> dict:
    return {name: {str(k): int(v) for k, v in row.items() if v} for name, row in table.iterrows()}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {A: {"2022": 1, "2023": 1, "2024": 1, "Всего": 3}, B: {"2024": 2, "Всего": 2}}),
        (
            {"freq": "quarter"},
            {
                A: {"2022-Q3": 1, "2023-Q1": 1, "2024-Q2": 1, "Всего": 3},
                B: {"2024-Q4": 2, "Всего": 2},
            },
        ),
        ({"freq": "month", "organisation": B}, {B: {"2024-11": 1, "2024-12": 1, "Всего": 2}}),
        ({"start": "2024-01-01"}, {B: {"2024": 2, "Всего": 2}, A: {"2024": 1, "Всего": 1}}),
        ({"end": "2023-12-31"}, {A: {"2022": 1, "2023": 1, "Всего": 2}}),
        ({"subject": "Физика"}, {B: {"2024": 1, "Всего": 1}}),
        (
            {"by": "author"},
            {
                "Иванова А. П.": {"2023": 1, "2024": 1, "Всего": 2},
                "Петров И. С.": {"2023": 1, "2024": 1, "Всего": 2},
                "Сидорова Е. В.": {"2024": 1, "Всего": 1},
            },
        ),
        ({"by": "author", "top": 1}, {"Иванова А. П.": {"2023": 1, "2024": 1, "Всего": 2}}),
    ],
)
def test_counts(ws, params, expected):
    table = reports.contributions(ws, **params)
    assert rows(table) == expected
    assert list(rows(table)) == list(expected)  # biggest first, ties alphabetical


def test_columns_are_periods_then_total(ws):
    table = reports.contributions(ws)
    assert list(table.columns) == ["2022", "2023", "2024", "Всего"]
    assert table.index.name == "Организация"
    assert reports.contributions(ws, by="author").index.name == "Автор"


def test_nothing_in_the_period(ws):
    table = reports.contributions(ws, start="2030-01-01")
    assert table.empty and list(table.columns) == ["Всего"]


@pytest.mark.parametrize(("params", "name"), [({"by": "grade"}, "by"), ({"freq": "week"}, "freq")])
def test_bad_parameters(ws, params, name):
    with pytest.raises(BadParameter, match=name):
        reports.contributions(ws, **params)


@pytest.mark.slow
def test_timeline_chart(demo_home):
    from catalogue.reports import charts  # draws with matplotlib: slow tests only

    with Workspace.open(demo_home) as ws:
        report = reports.get("contributions")
        data = charts.png(report.figure(report.run(ws)))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "contributions-demo.png").write_bytes(data)
    assert data.startswith(b"\x89PNG")
