"""Qualification categories and when they expire (приказ Минпросвещения России № 196 от
24.03.2023).

Categories awarded on or after 1 September 2023 have no expiry; those awarded earlier expire
five years after the award. Attestation for «соответствие занимаемой должности» is repeated every
five years whatever the date.
"""

from __future__ import annotations

import datetime as dt

from catalogue import vocabularies

REFORM_DATE = dt.date(2023, 9, 1)
TERM_YEARS = 5
ALWAYS_EXPIRES = "Соответствие занимаемой должности"
NO_CATEGORY = "Без категории"


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def expiry(category: str, assigned: dt.date | str | None) -> dt.date | None:
    """The last day a category is valid, or None when it does not expire (or is unknown)."""
    term = vocabularies.get("categories").resolve(category or "")
    if term is None or term.name == NO_CATEGORY or not assigned:
        return None
    if isinstance(assigned, str):
        assigned = dt.date.fromisoformat(assigned)
    if term.name != ALWAYS_EXPIRES and assigned >= REFORM_DATE:
        return None
    return add_years(assigned, TERM_YEARS)
