"""Importing a school's list: read the sheet under the limits, parse and validate its rows, match
each row to the federal list (a methodist's earlier choice for the same row wins), keep the list
as the school's current one."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from catalogue.extract.safety import Limits
from catalogue.extract.worker import Refused, Worker
from catalogue.i18n import t
from catalogue.ingest import tables
from catalogue.records import Media
from catalogue.store import Store
from catalogue.textbooks.matching import Book, Matcher, order_year
from catalogue.textbooks.schools import SchoolList, SchoolRow, parse
from catalogue.textbooks.storage import TextbookTables
from catalogue.workspace import Workspace

Progress = Callable[[int, int], None]


def federal_books(store: Store) -> dict[str, Media]:
    """Every textbook of the federal list in the catalogue (excluded ones too), by id."""
    return {r.id: r for r in store.iter_records("media") if isinstance(r, Media) and r.list_number}


def matcher_for(books: Iterable[Media]) -> Matcher:
    """A matcher over the federal list's textbooks."""
    return Matcher(
        Book.of(
            b.id,
            b.title,
            b.authors,
            b.grades,
            b.publisher,
            list_number=b.list_number,
            appendix=b.list_appendix,
            order_year=order_year(b.list_order),
            excluded=bool(b.list_excluded),
            valid_until=b.valid_until,
        )
        for b in books
    )


@dataclass
class SchoolImport:
    """What importing one school's list gave: the list (None when the file was refused) and the
    problems, each naming the file, row and field."""

    school: str
    file: str
    school_list: SchoolList | None
    problems: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """Rows by match outcome."""
        rows = self.school_list.rows if self.school_list else []
        found = {"rows": len(rows), "matched": 0, "ambiguous": 0, "none": 0, "chosen": 0}
        for row in rows:
            found[row.outcome] += 1
        return found


def match_rows(
    rows: list[SchoolRow],
    matcher: Matcher,
    choices: dict[str, str],
    progress: Progress | None = None,
) -> None:
    """Fill in each row's outcome, record, confidence and alternatives (in place)."""
    for done, row in enumerate(rows):
        if progress:
            progress(done, len(rows))
        found = matcher.match(row.query())
        row.alternatives = [(c.record_id, c.score) for c in found.alternatives]
        row.tied = list(found.tied)
        if row.key in choices:
            row.outcome, row.record_id, row.confidence = "chosen", choices[row.key], 1.0
        else:
            row.outcome, row.record_id = found.outcome, found.record_id
            row.confidence = round(found.confidence, 3)
    if progress:
        progress(len(rows), len(rows))


def import_school_list(
    ws: Workspace,
    path: Path,
    school: str,
    by: str,
    limits: Limits | None = None,
    matcher: Matcher | None = None,
    progress: Progress | None = None,
    worker: Worker | None = None,
) -> SchoolImport:
    """Read, check and match the school's list at ``path``; keep it as the school's current list.

    The sheet is read in the worker process under the import limits (``worker``, else a new
    one). Nothing is stored when the file is refused or has no textbook rows.
    """
    name = path.name
    try:
        sheet = tables.read(path, limits or Limits(), worker)
    except Refused as exc:
        return SchoolImport(school, name, None, [str(exc)])
    rows, problems = parse(sheet.rows, name)
    problems += [t("textbooks.unread_row", row=n, reason=why) for n, why in sheet.failed.items()]
    if not rows:
        return SchoolImport(school, name, None, problems)
    stored = TextbookTables(ws.store.db)
    matcher = matcher or matcher_for(federal_books(ws.store).values())
    match_rows(rows, matcher, stored.choices(school), progress)
    school_list = SchoolList(school, name, rows)
    stored.save_list(school_list, by)
    return SchoolImport(school, name, school_list, problems)


def resolve(ws: Workspace, school: str, row: SchoolRow, record_id: str, by: str) -> SchoolList:
    """A methodist's choice for a row (``""``: not in the list): remembered for the school's
    next imports and applied to its current list, which is returned."""
    tables = TextbookTables(ws.store.db)
    tables.choose(school, row.key, record_id, by)
    current = tables.school_list(school)
    if current is None:
        raise KeyError(school)
    for other in current.rows:
        if other.key == row.key:
            other.outcome, other.record_id, other.confidence = "chosen", record_id, 1.0
    tables.save_list(current, by)
    return current
