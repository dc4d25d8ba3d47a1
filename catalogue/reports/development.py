"""Professional development: course hours per teacher over the last three years against a norm.

Courses carry only a year, so «the last three years» are the reference year and the two before
it (for 2026: 2024, 2025, 2026). The norm defaults to 72 hours per three years.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from catalogue.i18n import t
from catalogue.reports.data import as_date, has, labelled, load
from catalogue.workspace import Workspace

NORM_HOURS = 72
YEARS = 3


def _hours(
    ws: Workspace,
    today: dt.date | str | None,
    norm: int,
    organisation: str | None,
    subject: str | None,
) -> pd.DataFrame:
    frames = load(ws)
    year = (as_date(today) or dt.date.today()).year
    courses = frames.courses
    recent = courses[courses.year.between(year - YEARS + 1, year)]
    hours = recent.groupby("portfolio").hours.sum()
    teachers = frames.portfolios
    keep = has(teachers.subjects, subject)
    if organisation:
        keep &= teachers.organisation == organisation
    df = teachers.loc[keep, ["id", "teacher", "organisation", "position"]].copy()
    df["hours"] = df.id.map(hours).fillna(0).astype(int)
    df["norm"] = norm
    df["shortfall"] = (norm - df.hours).clip(lower=0)
    df["meets"] = df.hours >= norm
    return df


def development(
    ws: Workspace,
    norm: int = NORM_HOURS,
    today: dt.date | str | None = None,
    organisation: str | None = None,
    subject: str | None = None,
) -> pd.DataFrame:
    """Hours per teacher in the last three years, the norm, the shortfall and whether it is met.

    Teachers furthest below the norm come first.
    """
    df = _hours(ws, today, norm, organisation, subject)
    df = df.sort_values(["shortfall", "teacher"], ascending=[False, True], kind="stable")
    df["meets"] = df.meets.map({True: t("report.yes"), False: t("report.no")})
    return labelled(df.drop(columns="id").reset_index(drop=True))


def by_organisation(
    ws: Workspace,
    norm: int = NORM_HOURS,
    today: dt.date | str | None = None,
    organisation: str | None = None,
    subject: str | None = None,
) -> pd.DataFrame:
    """Per organisation: teachers, how many meet the norm, their share (%), mean hours."""
    df = _hours(ws, today, norm, organisation, subject)
    table = df.groupby("organisation").agg(
        teachers=("id", "size"),
        meeting=("meets", "sum"),
        mean_hours=("hours", "mean"),
    )
    table["share"] = (100 * table.meeting / table.teachers).round(1)
    table["mean_hours"] = table.mean_hours.round(1)
    table["meeting"] = table.meeting.astype(int)
    table = table[["teachers", "meeting", "share", "mean_hours"]]
    table = table.sort_values(["share"], kind="stable")
    return labelled(table, index=True)
