"""Dates typed and shown the Russian way (day, month, year), whatever the browser's language:
the parser, and the date box the reports panel uses instead of the browser's date picker."""

from __future__ import annotations

import datetime as dt

import pytest

from catalogue.i18n import parse_date, set_language
from widgets.date_input import DateInput

TODAY = dt.date(2026, 11, 27)


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("27.11.2026", dt.date(2026, 11, 27)),
        (" 1.9.2024 ", dt.date(2024, 9, 1)),
        ("01.09.24", dt.date(2024, 9, 1)),
        ("01.09.26", dt.date(2026, 9, 1)),
        ("15.03.85", dt.date(1985, 3, 15)),
        ("27/11/2026", dt.date(2026, 11, 27)),
        ("2026-11-27", dt.date(2026, 11, 27)),
    ],
)
def test_russian_dates_are_understood(typed, day):
    assert parse_date(typed, today=TODAY) == day


@pytest.mark.parametrize("typed", ["", "вчера", "31.02.2024", "11/27/2026", "2026-1-1", "1.9"])
def test_what_is_not_a_date_is_refused(typed):
    with pytest.raises(ValueError):
        parse_date(typed, today=TODAY)


@pytest.mark.parametrize(
    ("lang", "typed", "shown"),
    [("ru", "5.1.2026", "05.01.2026"), ("en", "2026-01-05", "2026-01-05")],
)
def test_the_date_box_shows_and_reads_dates(lang, typed, shown):
    set_language(lang)
    box = DateInput(value=dt.date(2026, 11, 27), description="С")
    assert box.text.value == ("27.11.2026" if lang == "ru" else "2026-11-27")
    seen = []
    box.observe(lambda change: seen.append(change["new"]), "value")
    box.text.value = typed
    assert box.value == dt.date(2026, 1, 5) and box.text.value == shown and seen
    box.text.value = "не дата"
    assert box.value == dt.date(2026, 1, 5) and "не дата" in box.error.value
    assert len(seen) == 1
    box.text.value = ""
    assert box.value is None and box.error.value == ""
