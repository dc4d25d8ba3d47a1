"""A teacher's portfolio as a page shows it: category validity, course hours, linked works,
and which fields the teacher agreed to make public."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from catalogue.attestation import expiry
from catalogue.privacy import PUBLIC_CHOICES
from catalogue.records import Portfolio, Record
from catalogue.store import NotFoundError, Store

HOURS_YEARS = 3


@dataclass(frozen=True)
class CategoryState:
    """A qualification category, when it was assigned and until when it is valid."""

    category: str
    assigned: dt.date | None
    expires: dt.date | None  # None: no expiry (or no date to compute it from)
    days_left: int | None

    @property
    def expired(self) -> bool:
        return self.days_left is not None and self.days_left < 0


def category_state(portfolio: Portfolio, today: dt.date | None = None) -> CategoryState:
    """The category with its expiry computed by :func:`catalogue.attestation.expiry`."""
    today = today or dt.date.today()
    assigned = None
    if portfolio.category_assigned:
        try:
            assigned = dt.date.fromisoformat(portfolio.category_assigned)
        except ValueError:
            assigned = None
    ends = expiry(portfolio.category, assigned)
    days = (ends - today).days if ends else None
    return CategoryState(portfolio.category, assigned, ends, days)


def recent_hours(
    portfolio: Portfolio, today: dt.date | None = None, years: int = HOURS_YEARS
) -> int:
    """Hours of courses taken in the last ``years`` calendar years (this one included)."""
    first = (today or dt.date.today()).year - years + 1
    return sum(c.hours for c in portfolio.courses if c.year and c.year >= first)


def linked_works(store: Store, portfolio: Portfolio) -> list[tuple[str, Record | None]]:
    """Each linked work's id with its record (None when it is missing or in the bin)."""
    found: list[tuple[str, Record | None]] = []
    for record_id in portfolio.works:
        try:
            found.append((record_id, store.get(record_id)))
        except NotFoundError:
            found.append((record_id, None))
    return found


def set_publicity(
    store: Store, portfolio: Portfolio, public: list[str], consent: bool, by: str
) -> Portfolio:
    """Save which fields are public and whether the teacher consented to publication."""
    unknown = [name for name in public if name not in PUBLIC_CHOICES]
    if unknown:
        raise ValueError(f"not a publishable field: {', '.join(unknown)}")
    portfolio.public_fields = [name for name in PUBLIC_CHOICES if name in public]
    portfolio.consent_to_publish = bool(consent)
    return store.curation.save_as(portfolio, by, "publicity")
