"""Attestation calendar and eligibility (приказ № 196) on the edge cases: a category awarded
on 31 August vs 1 September 2023, expiry exactly N months away, teachers without a category."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from catalogue import reports
from catalogue.records import new
from catalogue.reports.data import add_months
from catalogue.workspace import Workspace

OUT = Path(__file__).resolve().parent / "output" / "reports"
ORG = "МБОУ «СОШ № 1»"
TEACHERS = {  # teacher -> (category, awarded)
    "Авдеева (высшая 31.08.2023)": ("Высшая", "2023-08-31"),
    "Борисова (высшая 01.09.2023)": ("Высшая", "2023-09-01"),
    "Власова (СЗД ровно 6 мес.)": ("Соответствие занимаемой должности", "2023-09-01"),
    "Глебова (СЗД 6 мес. + 1 день)": ("Соответствие занимаемой должности", "2023-09-02"),
    "Дмитриева (без категории)": ("Без категории", ""),
    "Егорова (первая истекла)": ("Первая", "2023-01-15"),
    "Жукова (методист)": ("Педагог-методист", "2024-02-01"),
    "Зайцева (первая без даты)": ("Первая", ""),
    "Ильина (первая 2024-02-15)": ("Первая", "2024-02-15"),
    "Климова (первая 2024-06-01)": ("Первая", "2024-06-01"),
    "Ларина (первая 2025-01-01)": ("Первая", "2025-01-01"),
    "Миронова (высшая 2024-10-10)": ("Высшая", "2024-10-10"),
    "Никитина (высшая истекла)": ("Высшая", "2019-01-01"),
    "Орлова (СЗД 2024-01-10)": ("Соответствие занимаемой должности", "2024-01-10"),
    "Павлова (наставник)": ("Педагог-наставник", "2025-03-03"),
    "Сергеева (первая 2020-05-05)": ("Первая", "2020-05-05"),
}


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    with Workspace.create(tmp_path_factory.mktemp("attestation") / "ws") as ws:
        ws.store.save_many(
            [
                new(
                    "portfolio",
                    title=f"Портфолио: {name}",
                    teacher=name,
                    organisation=ORG,
                    position="учитель",
                    category=category,
                    category_assigned=assigned,
                    contacts="secret@example.org",
                    birth_date="1980-01-01",
                )
                for name, (category, assigned) in TEACHERS.items()
            ],
            by="тест",
        )
        yield ws


CALENDAR_DAY = dt.date(2028, 3, 1)  # horizon of 6 months: 2028-09-01


def calendar_rows(ws, **params) -> dict:
    table = reports.calendar(ws, today=CALENDAR_DAY, months=6, **params)
    return {row["Педагог"]: row for row in table.to_dict("records")}


@pytest.mark.parametrize(
    ("teacher", "expires", "days", "state"),
    [
        ("Авдеева (высшая 31.08.2023)", dt.date(2028, 8, 31), 183, "истекает"),
        ("Власова (СЗД ровно 6 мес.)", dt.date(2028, 9, 1), 184, "истекает"),  # inclusive
        ("Егорова (первая истекла)", dt.date(2028, 1, 15), None, "срок истёк 15.01.2028"),
        ("Никитина (высшая истекла)", dt.date(2024, 1, 1), None, "срок истёк 01.01.2024"),
        ("Зайцева (первая без даты)", None, None, "дата присвоения не указана"),
    ],
)
def test_listed_in_the_calendar(ws, teacher, expires, days, state):
    row = calendar_rows(ws)[teacher]
    assert row["Действует до"] == expires
    assert (
        None
        if row["Дней осталось"] is None or str(row["Дней осталось"]) == "<NA>"
        else int(row["Дней осталось"])
    ) == days
    assert row["Состояние"] == state


@pytest.mark.parametrize(
    "teacher",
    [
        "Борисова (высшая 01.09.2023)",  # awarded after the reform: no expiry
        "Глебова (СЗД 6 мес. + 1 день)",  # one day beyond the horizon
        "Дмитриева (без категории)",  # nothing to expire
        "Жукова (методист)",
        "Павлова (наставник)",
        "Миронова (высшая 2024-10-10)",
    ],
)
def test_not_in_the_calendar(ws, teacher):
    assert teacher not in calendar_rows(ws)


def test_calendar_without_expired_and_order(ws):
    assert "Егорова (первая истекла)" not in calendar_rows(ws, include_expired=False)
    # what is coming (soonest first), then the missing dates, then what has expired (most
    # recent first): no negative countdown anywhere
    assert list(calendar_rows(ws)) == [
        "Авдеева (высшая 31.08.2023)",
        "Власова (СЗД ровно 6 мес.)",
        "Зайцева (первая без даты)",
        "Егорова (первая истекла)",
        "Сергеева (первая 2020-05-05)",
        "Никитина (высшая истекла)",
    ]
    assert all(
        pd.isna(row["Дней осталось"]) or row["Дней осталось"] >= 0
        for row in calendar_rows(ws).values()
    )


def test_a_longer_horizon_takes_the_next_day(ws):
    table = reports.calendar(ws, today=CALENDAR_DAY, months=7)
    assert "Глебова (СЗД 6 мес. + 1 день)" in set(table["Педагог"])


ELIGIBLE_DAY = dt.date(2026, 3, 1)  # horizon of 6 months: 2026-09-01


@pytest.mark.parametrize(
    ("teacher", "target", "since", "now"),
    [
        ("Дмитриева (без категории)", "Первая", ELIGIBLE_DAY, "да"),
        ("Орлова (СЗД 2024-01-10)", "Первая", ELIGIBLE_DAY, "да"),
        ("Ильина (первая 2024-02-15)", "Высшая", ELIGIBLE_DAY, "да"),  # two years passed
        ("Климова (первая 2024-06-01)", "Высшая", dt.date(2026, 6, 1), "нет"),
        (
            "Миронова (высшая 2024-10-10)",
            "Педагог-методист / Педагог-наставник",
            ELIGIBLE_DAY,
            "да",
        ),
        ("Никитина (высшая истекла)", "Высшая", ELIGIBLE_DAY, "да"),
        ("Сергеева (первая 2020-05-05)", "Первая", ELIGIBLE_DAY, "да"),  # expired 2025-05-05
        ("Зайцева (первая без даты)", "Высшая", ELIGIBLE_DAY, "да"),
        ("Егорова (первая истекла)", "Высшая", ELIGIBLE_DAY, "да"),  # valid until 2028
        ("Авдеева (высшая 31.08.2023)", "Педагог-методист / Педагог-наставник", ELIGIBLE_DAY, "да"),
    ],
)
def test_eligible(ws, teacher, target, since, now):
    table = reports.eligibility(ws, today=ELIGIBLE_DAY, months=6)
    row = next(r for r in table.to_dict("records") if r["Педагог"] == teacher)
    assert (row["Может претендовать на"], row["Заявление можно подать с"], row["Уже можно"]) == (
        target,
        since,
        now,
    )


@pytest.mark.parametrize(
    "teacher",
    [
        "Ларина (первая 2025-01-01)",  # высшая only from 2027-01-01, beyond the horizon
        "Жукова (методист)",
        "Павлова (наставник)",
    ],
)
def test_not_eligible(ws, teacher):
    table = reports.eligibility(ws, today=ELIGIBLE_DAY, months=6)
    assert teacher not in set(table["Педагог"])


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2027, 8, 31), 6, dt.date(2028, 2, 29)),
        (dt.date(2028, 8, 31), 6, dt.date(2029, 2, 28)),
        (dt.date(2026, 11, 15), 3, dt.date(2027, 2, 15)),
        (dt.date(2026, 5, 10), 0, dt.date(2026, 5, 10)),
        (dt.date(2026, 12, 31), 12, dt.date(2027, 12, 31)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.slow
@pytest.mark.parametrize("name", ["attestation", "eligibility"])
def test_no_personal_data_and_charts(ws, name):
    from catalogue.reports import charts  # draws with matplotlib: slow tests only

    report = reports.get(name)
    table = report.run(ws, today=CALENDAR_DAY)
    text = table.to_csv()
    assert "secret@example.org" not in text and "1980-01-01" not in text
    data = charts.png(report.figure(table))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{name}-seeded.png").write_bytes(data)
    assert data.startswith(b"\x89PNG")
