"""Coverage: how many materials and media items the bank holds per subject and grade (or level,
resource type, year), and which taught cells are empty.

Every vocabulary subject is a row. For grades and levels, a cell where the subject is not taught
(``levels`` in ``vocab/subjects.toml``, ``grades`` in ``vocab/levels.toml``) is empty (NA)
unless records exist there anyway; a taught cell with no records is 0 — a gap.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from catalogue import vocabularies
from catalogue.reports.data import BadParameter, as_date, labelled, load
from catalogue.workspace import Workspace

DIMENSIONS = ("grade", "level", "type", "year")
_FIELD = {"grade": "grades", "level": "levels", "type": "resource_type", "year": "year"}


def taught() -> dict[str, dict[str, set[str]]]:
    """For each subject, the levels and grades where it is taught."""
    grades_of = {t.name: set(t.extra.get("grades", [])) for t in vocabularies.get("levels")}
    out = {}
    for term in vocabularies.get("subjects"):
        levels = set(term.extra.get("levels", []))
        out[term.name] = {
            "level": levels,
            "grade": set().union(*(grades_of.get(lv, set()) for lv in levels)),
        }
    return out


def _selected(
    ws: Workspace,
    organisation: str | None,
    start: dt.date | str | None,
    end: dt.date | str | None,
    kind: str | None,
) -> pd.DataFrame:
    df = load(ws).records
    keep = pd.Series(True, index=df.index)
    if organisation:
        keep &= df.organisation == organisation
    if kind:
        keep &= df.kind == kind
    first, last = as_date(start), as_date(end)
    if first:
        keep &= df.year.fillna(0) >= first.year
    if last:
        keep &= df.year.fillna(9999) <= last.year
    return df[keep]


def _counts(df: pd.DataFrame, by: str) -> pd.Series:
    pairs = df[["subjects", _FIELD[by]]].explode("subjects")
    if by in ("grade", "level"):
        pairs = pairs.explode(_FIELD[by])
    pairs = pairs.dropna()
    pairs = pairs[pairs[_FIELD[by]] != ""]
    return pairs.groupby(["subjects", _FIELD[by]]).size()


def _columns(by: str, counts: pd.Series) -> list[Any]:
    if by == "grade":
        return vocabularies.get("grades").codes()
    if by == "level":
        return vocabularies.get("levels").codes()
    found = sorted(set(counts.index.get_level_values(1))) if len(counts) else []
    if by == "type":
        order = vocabularies.get("resource_types").codes()
        return [c for c in order if c in found] + [c for c in found if c not in order]
    return [int(y) for y in found]


def coverage(
    ws: Workspace,
    by: str = "grade",
    organisation: str | None = None,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
    kind: str | None = None,
) -> pd.DataFrame:
    """Records per subject (rows) and ``by`` (columns: grade, level, type or year).

    Counts materials and media items (``kind`` narrows to one); a record counts once in each
    of its subject × grade pairs. ``start``/``end`` bound the record's year.
    Cells where the subject is not taught are missing (NA); 0 is a gap.
    """
    if by not in DIMENSIONS:
        raise BadParameter("by", by)
    counts = _counts(_selected(ws, organisation, start, end, kind), by)
    columns = _columns(by, counts)
    where = taught()
    rows = []
    for subject in (t.name for t in vocabularies.get("subjects")):
        if by == "grade" and not where[subject]["grade"]:
            continue
        row = {}
        for c in columns:
            n = int(counts.get((subject, c), 0))
            open_cell = by not in ("grade", "level") or c in where[subject][by]
            row[c] = n if n or open_cell else None
        rows.append(pd.Series(row, name=subject, dtype="Int64"))
    table = pd.DataFrame(rows, columns=columns).astype("Int64")
    table.index.name = "subject"
    return labelled(table, index=True)


def gaps(
    ws: Workspace,
    by: str = "grade",
    organisation: str | None = None,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
    kind: str | None = None,
) -> pd.DataFrame:
    """The empty cells of :func:`coverage` (``by``: grade or level): subject, grade, 0."""
    if by not in ("grade", "level"):
        raise BadParameter("by", by)
    table = coverage(ws, by, organisation, start, end, kind)
    cells = table.stack(future_stack=True)
    empty = [(subject, str(cell)) for (subject, cell), n in cells.items() if pd.notna(n) and n == 0]
    df = pd.DataFrame(empty, columns=["subject", by])
    return labelled(df)
