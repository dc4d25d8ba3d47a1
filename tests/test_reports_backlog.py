"""Review backlog: when each record entered review (from its versions) and how long it waits."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from catalogue import reports
from catalogue.records import new
from catalogue.reports.backlog import band
from catalogue.workspace import Workspace

OUT = Path(__file__).resolve().parent / "output" / "reports"
TODAY = dt.date(2026, 3, 1)


def backdate(ws: Workspace, record_id: str, version: int, day: str) -> None:
    """Pretend a version was saved on ``day`` (the store stamps the real time)."""
    with sqlite3.connect(ws.db_path) as db:
        db.execute(
            "UPDATE record_versions SET saved_at = ? WHERE record_id = ? AND version = ?",
            (f"{day}T09:00:00+00:00", record_id, version),
        )


def save(ws: Workspace, record, status: str, day: str):
    record.status = status
    record = ws.store.save(record, by="тест")
    backdate(ws, record.id, record.version, day)
    return record


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    with Workspace.create(tmp_path_factory.mktemp("backlog") / "ws") as ws:
        ids = {}
        # created straight into review (an import): its own creation date counts
        ids["created"] = save(
            ws,
            new("material", title="Сразу на экспертизу", created_at="2026-01-01T08:00:00+00:00"),
            "review",
            "2026-02-28",
        ).id
        r = save(ws, new("material", title="Черновик, потом экспертиза"), "draft", "2026-01-10")
        ids["sent"] = save(ws, r, "review", "2026-02-20").id
        r = save(
            ws,
            new(
                "material",
                title="Вернулась после доработки",
                created_at="2025-06-01T08:00:00+00:00",
            ),
            "review",
            "2025-06-01",
        )
        r = save(ws, r, "revision", "2025-07-01")
        ids["again"] = save(ws, r, "review", "2026-02-27").id
        save(ws, new("material", title="Одобрена"), "approved", "2025-01-01")
        ids["old"] = save(
            ws,
            new(
                "media",
                title="Давно ждёт",
                organisation="МБОУ «СОШ № 5»",
                created_at="2025-10-01T08:00:00+00:00",
            ),
            "review",
            "2026-01-15",
        ).id
        ids["portfolio"] = save(
            ws,
            new(
                "portfolio",
                title="Портфолио",
                teacher="Юдина Ю. Ю.",
                created_at="2026-02-01T08:00:00+00:00",
            ),
            "review",
            "2026-02-01",
        ).id
        yield ws, ids


def test_rows_oldest_first(ws):
    workspace, ids = ws
    table = reports.backlog(workspace, today=TODAY)
    got = [
        (r["Код записи"], r["На экспертизе с"], r["Дней ждёт"], r["Срок ожидания"])
        for r in table.to_dict("records")
    ]
    assert got == [
        (ids["old"], dt.date(2025, 10, 1), 151, "более 90 дней"),
        (ids["created"], dt.date(2026, 1, 1), 59, "31–90 дней"),
        (ids["portfolio"], dt.date(2026, 2, 1), 28, "8–30 дней"),
        (ids["sent"], dt.date(2026, 2, 20), 9, "8–30 дней"),
        (ids["again"], dt.date(2026, 2, 27), 2, "до 7 дней"),
    ]


def test_columns_and_kinds(ws):
    workspace, ids = ws
    table = reports.backlog(workspace, today=TODAY)
    assert list(table.columns) == [
        "Код записи",
        "Название",
        "Вид",
        "Организация",
        "На экспертизе с",
        "Дней ждёт",
        "Срок ожидания",
    ]
    kinds = dict(zip(table["Код записи"], table["Вид"], strict=True))
    assert (kinds[ids["old"]], kinds[ids["portfolio"]], kinds[ids["sent"]]) == (
        "медиатека",
        "портфолио",
        "методический материал",
    )
    assert set(
        reports.backlog(workspace, today=TODAY, organisation="МБОУ «СОШ № 5»")["Код записи"]
    ) == {ids["old"]}


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (0, "до 7 дней"),
        (7, "до 7 дней"),
        (8, "8–30 дней"),
        (30, "8–30 дней"),
        (31, "31–90 дней"),
        (90, "31–90 дней"),
        (91, "более 90 дней"),
        (4000, "более 90 дней"),
    ],
)
def test_bands(days, expected):
    assert band(days) == expected


@pytest.mark.slow
def test_chart(ws):
    from catalogue.reports import charts  # draws with matplotlib: slow tests only

    workspace, _ = ws
    report = reports.get("backlog")
    data = charts.png(report.figure(report.run(workspace, today=TODAY)))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "backlog-seeded.png").write_bytes(data)
    assert data.startswith(b"\x89PNG")
