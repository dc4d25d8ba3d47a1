"""Records flattened once into pandas tables that every report reads.

:func:`load` walks ``ws.store.iter_records()`` a single time and builds three frames:
``records`` (materials and media items, one row per record), ``portfolios`` (one row per
teacher portfolio, without personal data) and ``courses`` (one row per professional-development
course). The frames are kept per workspace until a record changes.
"""

from __future__ import annotations

import calendar
import datetime as dt
import weakref
from dataclasses import dataclass

import pandas as pd

from catalogue import i18n
from catalogue.errors import UserError
from catalogue.privacy import internal_view
from catalogue.records import Portfolio
from catalogue.workspace import Workspace

RECORD_COLUMNS = (
    "id",
    "kind",
    "title",
    "organisation",
    "authors",
    "subjects",
    "grades",
    "levels",
    "resource_type",
    "year",
    "status",
    "created",
)
PORTFOLIO_COLUMNS = (
    "id",
    "teacher",
    "position",
    "organisation",
    "subjects",
    "category",
    "assigned",
    "status",
)
COURSE_COLUMNS = ("portfolio", "teacher", "organisation", "title", "hours", "year")

_cache: weakref.WeakKeyDictionary[Workspace, tuple[int, Frames]] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Frames:
    """The catalogue as tables: ``records``, ``portfolios`` and ``courses``."""

    records: pd.DataFrame
    portfolios: pd.DataFrame
    courses: pd.DataFrame


def _fingerprint(ws: Workspace) -> int:
    return hash(frozenset(ws.store.versions().items()))


def _created(stamp: str) -> dt.date | None:
    return dt.date.fromisoformat(stamp[:10]) if stamp else None


def load(ws: Workspace) -> Frames:
    """The workspace's records as :class:`Frames` (re-read only after records change).

    Of a portfolio only :data:`catalogue.privacy.INTERNAL_REPORT_FIELDS` are read: contacts,
    birth dates and every other personal field never reach a report.
    """
    mark = _fingerprint(ws)
    cached = _cache.get(ws)
    if cached and cached[0] == mark:
        return cached[1]
    records, portfolios, courses = [], [], []
    for r in ws.store.iter_records():
        if isinstance(r, Portfolio):
            r = internal_view(r)
            portfolios.append(
                (
                    r.id,
                    r.teacher,
                    r.position,
                    r.organisation,
                    r.subjects,
                    r.category,
                    r.category_assigned,
                    r.status,
                )
            )
            courses += [
                (r.id, r.teacher, r.organisation, c.title, c.hours or 0, c.year) for c in r.courses
            ]
            continue
        records.append(
            (
                r.id,
                r.kind,
                r.title,
                r.organisation,
                r.authors,
                r.subjects,
                r.grades,
                r.levels,
                r.resource_type,
                r.year,
                r.status,
                _created(r.created_at),
            )
        )
    frames = Frames(
        pd.DataFrame(records, columns=list(RECORD_COLUMNS)),
        pd.DataFrame(portfolios, columns=list(PORTFOLIO_COLUMNS)),
        pd.DataFrame(courses, columns=list(COURSE_COLUMNS)),
    )
    _cache[ws] = (mark, frames)
    return frames


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later; a day the month lacks becomes its last day."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def as_date(value: dt.date | str | None) -> dt.date | None:
    """A date from a date or an ISO string (None stays None)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def has(values: pd.Series, wanted: str | None) -> pd.Series:
    """Rows whose list column contains ``wanted`` (every row when ``wanted`` is empty)."""
    if not wanted:
        return pd.Series(True, index=values.index)
    return values.map(lambda items: wanted in items)


def within(days: pd.Series, start: dt.date | str | None, end: dt.date | str | None) -> pd.Series:
    """Rows whose date lies in ``[start, end]`` (open ends allowed; missing dates fall out
    only when a bound is given)."""
    start, end = as_date(start), as_date(end)
    keep = pd.Series(True, index=days.index)
    if start:
        keep &= days.map(lambda d: d is not None and d >= start)
    if end:
        keep &= days.map(lambda d: d is not None and d <= end)
    return keep


def labelled(df: pd.DataFrame, index: bool = False) -> pd.DataFrame:
    """The table with its column (and index) names in the user's language."""
    df = df.rename(columns=col)
    if index:
        df = df.rename_axis(index=col(df.index.name) if df.index.name else None)
    return df


def col(key: str) -> str:
    """The displayed name of a report column (keys without a message stay as they are)."""
    text = i18n.catalog(i18n.language()).get(f"report_col.{key}")
    return text if text is not None else key


class BadParameter(UserError, ValueError):
    """A report parameter has a value the report does not know."""

    def __init__(self, name: str, value: object) -> None:
        self.name, self.value = name, value
        super().__init__("report.bad_value", name=name, value=value)


class BadPeriod(BadParameter):
    """The period ends before it starts."""

    def __init__(self, start: dt.date, end: dt.date) -> None:
        self.name, self.value = "end", end
        UserError.__init__(
            self, "report.bad_period", start=i18n.date_text(start), end=i18n.date_text(end)
        )


def check_period(start: dt.date | str | None, end: dt.date | str | None) -> None:
    """Refuse a period whose end comes before its start (:class:`BadPeriod`)."""
    first, last = as_date(start), as_date(end)
    if first and last and last < first:
        raise BadPeriod(first, last)
