"""Review backlog: records waiting for expertise (status «на экспертизе») and for how long.

A record entered review at the first version of its latest unbroken run of ``review`` versions
(:meth:`Store.history`); when that run starts with the record's first version (it was created or
imported for review), its ``created_at`` is used, so imported records keep their real age.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from catalogue import vocabularies
from catalogue.i18n import t
from catalogue.reports.data import as_date, has, labelled, load
from catalogue.workspace import Workspace

REVIEW = "review"
BANDS = ((7, "week"), (30, "month"), (90, "quarter"))


def entered_review(ws: Workspace, record_id: str) -> dt.date | None:
    """The day a record (now in review) last entered review."""
    versions = ws.store.history(record_id)
    first = None
    for version in reversed(versions):
        if version.record.status != REVIEW:
            break
        first = version
    if first is None:
        return None
    stamp = first.record.created_at if first.version == 1 else first.saved_at
    return as_date(stamp or first.saved_at)


def band(days: int) -> str:
    """The age band of a waiting time in days («до 7 дней» … «более 90 дней»)."""
    for limit, key in BANDS:
        if days <= limit:
            return t(f"report.band_{key}")
    return t("report.band_older")


def band_order() -> list[str]:
    """Age bands, youngest first."""
    return [t(f"report.band_{key}") for _, key in BANDS] + [t("report.band_older")]


def backlog(
    ws: Workspace,
    today: dt.date | str | None = None,
    organisation: str | None = None,
    subject: str | None = None,
) -> pd.DataFrame:
    """Records in review, oldest first: id, title, kind, organisation, since when, days, band."""
    today = as_date(today) or dt.date.today()
    frames = load(ws)
    records = frames.records[["id", "kind", "title", "organisation", "subjects", "status"]]
    teachers = frames.portfolios.rename(columns={"teacher": "title"})
    teachers = teachers.assign(kind="portfolio")[records.columns]
    df = pd.concat([records, teachers], ignore_index=True)
    keep = (df.status == REVIEW) & has(df.subjects, subject)
    if organisation:
        keep &= df.organisation == organisation
    df = df[keep].copy()
    kinds = vocabularies.get("kinds")
    df["kind"] = df.kind.map(kinds.label)
    df["since"] = df.id.map(lambda rid: entered_review(ws, rid))
    df["days"] = df.since.map(lambda d: (today - d).days if d else None).astype("Int64")
    df["band"] = df.days.map(lambda d: band(int(d)) if pd.notna(d) else "")
    df = df.sort_values(["days", "id"], ascending=[False, True], kind="stable")
    df = df[["id", "title", "kind", "organisation", "since", "days", "band"]]
    return labelled(df.reset_index(drop=True))
