"""Search analytics from the search log: what people look for, what finds nothing, and what
had to be corrected (wrong keyboard layout, typos).

Queries are compared folded (case, ё/е and extra spaces ignored); searches with an empty query
(browsing by filters only) are left out. ``start``/``end`` bound the day of the search.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from catalogue.reports.data import as_date, labelled, within
from catalogue.vocabularies import fold
from catalogue.workspace import Workspace

TOP = 20
LOG_COLUMNS = ["at", "query", "total", "corrected", "source"]


def log(
    ws: Workspace, start: dt.date | str | None = None, end: dt.date | str | None = None
) -> pd.DataFrame:
    """Logged searches with a non-empty query, with ``day`` and the folded ``key``."""
    rows = ws.store.search_log.entries(since=str(as_date(start)) if start else None)
    df = pd.DataFrame(rows, columns=LOG_COLUMNS) if rows else pd.DataFrame(columns=LOG_COLUMNS)
    df["key"] = df["query"].astype(str).map(fold)
    df["day"] = df["at"].astype(str).map(as_date)
    return df[(df.key != "") & within(df.day, start, end)]


def _summary(df: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    grouped = df.groupby(by, sort=False)
    table = pd.DataFrame(
        {
            "query": grouped["query"].first(),
            "searches": grouped.size(),
            "zero": grouped["total"].apply(lambda s: int((s == 0).sum())),
            "mean_total": grouped["total"].mean().round(1),
            "last": grouped["day"].max(),
        }
    )
    return table.reset_index()


def _ranked(table: pd.DataFrame) -> pd.DataFrame:
    """Most searched first; ties in the order of the folded query."""
    return table.sort_values(["searches", "key"], ascending=[False, True], kind="stable")


def top_queries(
    ws: Workspace,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
    top: int = TOP,
) -> pd.DataFrame:
    """The most frequent queries: times searched, of them with nothing found, mean hits."""
    df = log(ws, start, end)
    table = _ranked(_summary(df, ["key"]))[["query", "searches", "zero", "mean_total", "last"]]
    return labelled(table.head(top).reset_index(drop=True))


def zero_results(
    ws: Workspace,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
    top: int = TOP,
) -> pd.DataFrame:
    """Queries that found nothing (even after correction): what the bank lacks."""
    df = log(ws, start, end)
    df = df[df.total == 0]
    table = _ranked(_summary(df, ["key"]))[["query", "searches", "last"]]
    return labelled(table.head(top).reset_index(drop=True))


def corrected(
    ws: Workspace,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
    top: int = TOP,
) -> pd.DataFrame:
    """Queries the search had to correct, with what it searched instead."""
    df = log(ws, start, end)
    df = df[df.corrected.notna() & (df.corrected.astype(str) != "")]
    df = df[df.corrected.astype(str).map(fold) != df.key]
    df = df.assign(fix=df.corrected.astype(str))
    table = _ranked(_summary(df, ["key", "fix"])).rename(columns={"fix": "corrected"})
    table = table[["query", "corrected", "searches", "mean_total", "last"]]
    return labelled(table.head(top).reset_index(drop=True))
