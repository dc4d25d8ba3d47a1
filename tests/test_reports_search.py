"""Search analytics from the search log: top queries, zero-result queries, corrected queries."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from catalogue import reports
from catalogue.workspace import Workspace

OUT = Path(__file__).resolve().parent / "output" / "reports"
LOG = [  # query, total, corrected
    ("дроби", 12, None),
    ("дроби", 12, None),
    ("Дроби ", 12, None),
    ("фотосинтез", 0, None),
    ("фотосинтез", 0, None),
    ("vfntvfnbrf", 40, "математика"),
    ("ёлка", 5, None),
    ("елка", 5, None),
    ("", 100, None),  # browsing by filters only
    ("квантовая химия", 0, None),
]


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    with Workspace.create(tmp_path_factory.mktemp("searchlog") / "ws") as ws:
        for n, (query, total, corrected) in enumerate(LOG):
            # alternate sources: the log merges one source's searches typed letter by letter
            ws.store.search_log.log(
                query,
                {"subject": ["Химия"]} if "химия" in query else {},
                total,
                12.5,
                corrected=corrected,
                source=("cli", "widget")[n % 2],
            )
        with sqlite3.connect(ws.db_path) as db:  # one search from last year
            db.execute(
                "UPDATE search_log SET at = '2025-01-05T10:00:00+00:00' "
                "WHERE query = 'квантовая химия'"
            )
        yield ws


def test_top_queries(ws):
    table = reports.top_queries(ws)
    assert list(table.columns) == [
        "Запрос",
        "Раз искали",
        "Из них без результатов",
        "Найдено в среднем",
        "Последний раз",
    ]
    got = [tuple(r[:4]) for r in table.itertuples(index=False)]
    assert got == [
        ("дроби", 3, 0, 12.0),
        ("ёлка", 2, 0, 5.0),
        ("фотосинтез", 2, 2, 0.0),
        ("vfntvfnbrf", 1, 0, 40.0),
        ("квантовая химия", 1, 1, 0.0),
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, [("фотосинтез", 2), ("квантовая химия", 1)]),
        ({"start": "2025-06-01"}, [("фотосинтез", 2)]),
        ({"end": "2025-12-31"}, [("квантовая химия", 1)]),
        ({"top": 1}, [("фотосинтез", 2)]),
    ],
)
def test_zero_results(ws, params, expected):
    table = reports.zero_results(ws, **params)
    assert [tuple(r[:2]) for r in table.itertuples(index=False)] == expected


def test_corrected(ws):
    table = reports.corrected(ws)
    assert [tuple(r[:4]) for r in table.itertuples(index=False)] == [
        ("vfntvfnbrf", "математика", 1, 40.0)
    ]


def test_empty_log(workspace):
    for name in ("search-top", "search-zero", "search-corrected"):
        assert reports.run(name, workspace).empty


@pytest.mark.slow
@pytest.mark.parametrize("name", ["search-top", "search-zero", "search-corrected"])
def test_charts(ws, name):
    from catalogue.reports import charts  # draws with matplotlib: slow tests only

    report = reports.get(name)
    data = charts.png(report.figure(report.run(ws)))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{name}-seeded.png").write_bytes(data)
    assert data.startswith(b"\x89PNG")
