"""Category expiry rules around the 1 September 2023 reform."""

from __future__ import annotations

import datetime as dt

import pytest

from catalogue.attestation import expiry


@pytest.mark.parametrize(
    ("category", "assigned", "expected"),
    [
        ("Высшая", "2023-08-31", dt.date(2028, 8, 31)),
        ("Высшая", "2023-09-01", None),
        ("Первая", "2019-12-25", dt.date(2024, 12, 25)),
        ("первая категория", "2024-02-01", None),
        ("Соответствие занимаемой должности", "2024-03-15", dt.date(2029, 3, 15)),
        ("СЗД", "2020-02-29", dt.date(2025, 2, 28)),
        ("Педагог-методист", "2025-01-10", None),
        ("Без категории", "2020-01-01", None),
        ("Высшая", "", None),
        ("Неизвестная", "2020-01-01", None),
    ],
)
def test_expiry(category, assigned, expected):
    assert expiry(category, assigned) == expected
