"""The check of schools' lists against the federal list: a status per row, and provision (copies
per pupil) per row, per school and per subject and grade.

Statuses, as of a day ``today``:

* ``listed`` — в перечне (действует до …, or without a term);
* ``expiring`` — its term ends before 1 September of the next school year, so it must be
  replaced for that year;
* ``expired`` — its term has ended;
* ``not_listed`` — нет в перечне (nothing in the list resembles it, it was excluded, or a
  methodist said so);
* ``unmatched`` — не сопоставлено: the matcher could not choose, a methodist has to.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

import pandas as pd

from catalogue.i18n import date_text, t
from catalogue.records import Media
from catalogue.textbooks.matching import fold
from catalogue.textbooks.schools import SchoolList, SchoolRow

# «Часть 1», «ч. 2», «ч.1», «1-я часть» (not «в 2 частях», which says how many parts there are)
_PART = re.compile(r"\bч(?:асть|\.)\s*(\d{1,2})\b|\b(\d{1,2})(?:\s*-?\s*я)?\s+часть\b")
STATUSES = ("listed", "expiring", "expired", "not_listed", "unmatched")
TO_REPLACE = ("expiring", "expired")


def next_school_year(today: dt.date) -> dt.date:
    """1 September of the next school year (a school year starts on 1 September)."""
    return dt.date(today.year + 1 if today.month >= 9 else today.year, 9, 1)


def status(record: Media | None, outcome: str, today: dt.date) -> str:
    """The status of a row matched (or not) to ``record``."""
    if outcome == "ambiguous":
        return "unmatched"
    if record is None or record.list_excluded:
        return "not_listed"
    if not record.valid_until:
        return "listed"
    until = dt.date.fromisoformat(record.valid_until)
    if until < today:
        return "expired"
    if until < next_school_year(today):
        return "expiring"
    return "listed"


def status_label(name: str, valid_until: str = "") -> str:
    """The status in the user's language («в перечне (действует до 31.08.2027)»)."""
    if name == "listed" and valid_until:
        return t("textbooks.status_listed_until", date=date_text(valid_until))
    return t(f"textbooks.status_{name}")


def part_number(title: str) -> int:
    """The part a school's row is («Математика. Часть 2» → 2); 0 for a whole book."""
    found = _PART.search(fold(title))
    return int(found.group(1) or found.group(2)) if found else 0


def _book_key(row: SchoolRow) -> str:
    """What makes rows parts of one book: the list book they were matched to, else their title
    (without the part) and authors."""
    if row.record_id:
        return row.record_id
    return f"{fold(_PART.sub('', fold(row.title)))}|{fold(row.authors)}"


def _provision(copies: float, pupils: float) -> float | None:
    return round(copies / pupils, 2) if pupils else None


def rows_frame(
    lists: Iterable[SchoolList], books: dict[str, Media], today: dt.date
) -> pd.DataFrame:
    """Every row of every school's list with its status and provision (machine column names)."""
    out = []
    for school_list in lists:
        for row in school_list.rows:
            record = books.get(row.record_id) if row.record_id else None
            state = status(record, row.outcome, today)
            out.append(
                {
                    "school": school_list.school,
                    "row": row.row,
                    "grades": ", ".join(row.grades),
                    "subject": row.subject or (record.list_subject if record else ""),
                    "authors": row.authors,
                    "title": row.title,
                    "publisher": row.publisher,
                    "book": _book_key(row),
                    "part": part_number(row.title),
                    "record_id": row.record_id,
                    "list_number": record.list_number if record else "",
                    "list_title": record.title if record else "",
                    "valid_until": record.valid_until if record else "",
                    "status": state,
                    "outcome": row.outcome,
                    "confidence": row.confidence,
                    "copies": row.copies or 0,
                    "pupils": row.pupils or 0,
                    "provision": _provision(row.copies or 0, row.pupils or 0),
                }
            )
    columns = [
        "school", "row", "grades", "subject", "authors", "title", "publisher", "book", "part",
        "record_id", "list_number", "list_title", "valid_until", "status", "outcome",
        "confidence", "copies", "pupils", "provision",
    ]  # fmt: skip
    return pd.DataFrame(out, columns=columns)


def provision(rows: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Copies, pupils, provision (copies ÷ pupils) and the shortfall, grouped ``by`` columns.

    Copies are counted in sets, per school, subject and grade(s):

    * a book in parts, listed as one row per part («Часть 1», «Часть 2»), gives as many sets as
      its scarcest part has copies — a pupil needs every part;
    * rows of different books (groups of a foreign language) add up;
    * pupils are counted once: the largest number any of the rows gives.
    """
    if rows.empty:
        return pd.DataFrame(columns=[*by, "copies", "pupils", "provision", "missing_copies"])
    book = ["school", "subject", "grades", "book"]
    per_part = rows.groupby([*book, "part"], as_index=False).agg(
        copies=("copies", "sum"), pupils=("pupils", "max")
    )
    per_book = per_part.groupby(book, as_index=False).agg(
        copies=("copies", "min"), pupils=("pupils", "max")
    )
    per_class = per_book.groupby(["school", "subject", "grades"], as_index=False).agg(
        copies=("copies", "sum"), pupils=("pupils", "max")
    )
    grouped = per_class.groupby(by, as_index=False)[["copies", "pupils"]].sum()
    grouped["provision"] = [
        _provision(c, p) for c, p in zip(grouped.copies, grouped.pupils, strict=True)
    ]
    grouped["missing_copies"] = (grouped.pupils - grouped.copies).clip(lower=0)
    return grouped
