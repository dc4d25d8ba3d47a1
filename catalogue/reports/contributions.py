"""Contributions: materials and media items added to the bank, by organisation or author, per
year, quarter or month of their creation date (``created_at``)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from catalogue.reports.data import BadParameter, has, labelled, load, within
from catalogue.workspace import Workspace

FREQUENCIES = ("year", "quarter", "month")


def _period(day: dt.date, freq: str) -> str:
    if freq == "year":
        return str(day.year)
    if freq == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def contributions(
    ws: Workspace,
    by: str = "organisation",
    freq: str = "year",
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
    organisation: str | None = None,
    subject: str | None = None,
    top: int | None = None,
) -> pd.DataFrame:
    """Records created per ``by`` (organisation | author) and period (``freq``), with a total.

    Rows are ordered by the total, largest first (``top`` keeps the first N); a record with
    several authors counts once for each. Records without a creation date are left out.
    """
    if by not in ("organisation", "author"):
        raise BadParameter("by", by)
    if freq not in FREQUENCIES:
        raise BadParameter("freq", freq)
    df = load(ws).records
    keep = within(df.created, start, end) & df.created.notna() & has(df.subjects, subject)
    if organisation:
        keep &= df.organisation == organisation
    df = df[keep]
    rows = df.explode("authors").rename(columns={"authors": "author"}) if by == "author" else df
    rows = rows[rows[by].notna() & (rows[by] != "")]
    periods = rows.created.map(lambda d: _period(d, freq))
    table = pd.crosstab(rows[by], periods) if len(rows) else pd.DataFrame()
    table = table.reindex(sorted(table.columns), axis=1)
    table.columns.name = None
    table["total"] = table.sum(axis=1)
    table = table.sort_values(["total"], ascending=False, kind="stable")
    if top:
        table = table.head(top)
    table.index.name = by
    return labelled(table.astype(int), index=True)
