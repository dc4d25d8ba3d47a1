"""Textbook reports: each school's list checked against the federal list (status per row), books
to replace and by when, provision gaps, schools that have not sent a list, the city summary
with one sheet per school (the workbook a department sends upward) and the federal list's
history of changes."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from catalogue.i18n import t
from catalogue.reports.data import as_date, labelled, load, within
from catalogue.textbooks.check import (
    STATUSES,
    TO_REPLACE,
    next_school_year,
    provision,
    rows_frame,
    status_label,
)
from catalogue.textbooks.importing import federal_books
from catalogue.textbooks.storage import TextbookTables
from catalogue.workspace import Workspace

SCHOOL = re.compile(r"СОШ|ООШ|НОШ|школ|гимнази|лице[йя]", re.I)
CHECK_COLUMNS = [
    "school", "grades", "subject", "authors", "title", "publisher", "list_number", "list_title",
    "valid_until", "status", "copies", "pupils", "provision",
]  # fmt: skip
SUMMARY_COUNTS = ["rows", *STATUSES, "copies", "pupils"]


def _date(iso: str) -> dt.date | None:
    return dt.date.fromisoformat(iso) if iso else None


def checked_rows(
    ws: Workspace, today: dt.date | str | None = None, organisation: str | None = None
) -> pd.DataFrame:
    """Every row of every school's list with its status (machine column names)."""
    day = as_date(today) or dt.date.today()
    tables = TextbookTables(ws.store.db)
    lists = [s for s in tables.lists() if not organisation or s.school == organisation]
    return rows_frame(lists, federal_books(ws.store), day)


def _shown(rows: pd.DataFrame) -> pd.DataFrame:
    out = rows[CHECK_COLUMNS].copy()
    out["status"] = [status_label(s, v) for s, v in zip(rows.status, rows.valid_until, strict=True)]
    out["valid_until"] = out.valid_until.map(_date)
    return out


def check(
    ws: Workspace, today: dt.date | str | None = None, organisation: str | None = None
) -> pd.DataFrame:
    """Every row of the schools' lists: the list book it was matched to, its status and term,
    copies, pupils and provision (copies per pupil)."""
    return labelled(_shown(checked_rows(ws, today, organisation)))


def expiring(
    ws: Workspace, today: dt.date | str | None = None, organisation: str | None = None
) -> pd.DataFrame:
    """Books to replace: their term has ended, or ends before the next school year starts;
    «replace by» is today for the first, 1 September for the second."""
    day = as_date(today) or dt.date.today()
    rows = checked_rows(ws, day, organisation)
    rows = rows[rows.status.isin(TO_REPLACE)].copy()
    out = _shown(rows)
    out["replace_by"] = [day if s == "expired" else next_school_year(day) for s in rows.status]
    out = out.sort_values(["replace_by", "school", "list_number"], kind="stable")
    columns = ["school", "grades", "subject", "title", "list_number", "list_title"]
    columns += ["valid_until", "status", "replace_by", "copies"]
    return labelled(out[columns].reset_index(drop=True))


def provision_gaps(
    ws: Workspace,
    today: dt.date | str | None = None,
    organisation: str | None = None,
    subject: str | None = None,
) -> pd.DataFrame:
    """Subjects and grades of each school with fewer copies than pupils, largest shortfall
    first."""
    rows = checked_rows(ws, today, organisation)
    if subject:
        rows = rows[rows.subject == subject]
    grouped = provision(rows, ["school", "subject", "grades"])
    gaps = grouped[grouped.missing_copies > 0].sort_values(
        ["missing_copies", "school"], ascending=[False, True], kind="stable"
    )
    return labelled(gaps.reset_index(drop=True))


def known_schools(ws: Workspace) -> list[str]:
    """Schools the catalogue knows (organisations of records and portfolios named like one)."""
    frames = load(ws)
    names = set(frames.records.organisation) | set(frames.portfolios.organisation)
    return sorted(n for n in names if n and SCHOOL.search(n))


def missing(ws: Workspace) -> pd.DataFrame:
    """Schools that have not sent a list of textbooks."""
    sent = {s.school for s in TextbookTables(ws.store.db).lists()}
    return labelled(pd.DataFrame({"school": [s for s in known_schools(ws) if s not in sent]}))


def summary_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """Per school: rows by status, copies, pupils and provision (machine column names)."""
    out = []
    for school, part in rows.groupby("school", sort=True):
        counts = part.status.value_counts()
        out.append(
            {
                "school": school,
                "rows": len(part),
                **{s: int(counts.get(s, 0)) for s in STATUSES},
                "copies": int(part.copies.sum()),
                "pupils": int(part.pupils.sum()),
            }
        )
    return pd.DataFrame(out, columns=["school", *SUMMARY_COUNTS])


def summary(
    ws: Workspace, today: dt.date | str | None = None, organisation: str | None = None
) -> pd.DataFrame:
    """The city summary: per school the rows of its list by status, copies and pupils, and a
    last row of city totals."""
    table = summary_rows(checked_rows(ws, today, organisation))
    total = {
        "school": t("textbooks.city_total"),
        **{c: int(table[c].sum()) for c in SUMMARY_COUNTS},
    }
    table = pd.concat([table, pd.DataFrame([total])], ignore_index=True)
    table["provision"] = [
        round(c / p, 2) if p else None for c, p in zip(table.copies, table.pupils, strict=True)
    ]
    return labelled(table)


def school_sheets(
    ws: Workspace, today: dt.date | str | None = None, organisation: str | None = None
) -> list[tuple[str, pd.DataFrame]]:
    """One sheet per school for the department's workbook: the school's checked rows."""
    rows = checked_rows(ws, today, organisation)
    return [
        (str(school), labelled(_shown(part).drop(columns=["school"]).reset_index(drop=True)))
        for school, part in rows.groupby("school", sort=True)
    ]


def changes(
    ws: Workspace, start: dt.date | str | None = None, end: dt.date | str | None = None
) -> pd.DataFrame:
    """The federal list's history: each book added, excluded or given a new term, by import."""
    log = pd.DataFrame(
        TextbookTables(ws.store.db).changes(),
        columns=["id", "at", "file", "record_id", "change", "old", "new"],
    )
    log["day"] = log["at"].map(lambda s: dt.date.fromisoformat(s[:10]))
    log = log[within(log.day, start, end) & (log.change != "updated")]
    books = federal_books(ws.store)
    out = pd.DataFrame(
        {
            "day": log.day,
            "file": log.file,
            "list_number": [books[i].list_number if i in books else "" for i in log.record_id],
            "list_title": [books[i].title if i in books else i for i in log.record_id],
            "change": log.change.map(lambda c: t(f"textbooks.kind_{c}")),
            "old": log.old.map(_date),
            "new": log.new.map(_date),
        }
    )
    return labelled(out.reset_index(drop=True))
