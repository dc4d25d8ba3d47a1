"""Textbook tables in the catalogue database: the federal list's change log, each school's
latest list (rows with their matches) and the matches a methodist chose."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from sqlalchemy import delete, insert, select

from catalogue import schema
from catalogue.storage.base import Database
from catalogue.storage.common import now
from catalogue.textbooks.schools import SchoolList, SchoolRow


class TextbookTables:
    """Reads and writes the textbook tables of one catalogue database (a part of the store,
    like ``store.collections``)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- the federal list's history -------------------------------------------------------

    def log_changes(self, file: str, changes: Iterable[tuple[str, str, str, str]]) -> None:
        """Remember ``(record_id, change, old, new)`` rows of one import of the list."""
        stamp = now()
        rows = [
            dict(at=stamp, file=file, record_id=r, change=c, old=o, new=n) for r, c, o, n in changes
        ]
        if rows:
            with self.db.write() as conn:
                conn.execute(insert(schema.list_changes), rows)

    def changes(self) -> list[dict[str, Any]]:
        """Every logged change of the federal list, oldest first."""
        table = schema.list_changes
        with self.db.read() as conn:
            return [r._asdict() for r in conn.execute(select(table).order_by(table.c.id))]

    # -- schools' lists -------------------------------------------------------------------

    def save_list(self, school_list: SchoolList, by: str) -> None:
        """Keep ``school_list`` as the school's current list (replacing an earlier one)."""
        table = schema.school_lists
        rows = json.dumps([asdict(r) for r in school_list.rows], ensure_ascii=False)
        with self.db.write() as conn:
            conn.execute(delete(table).where(table.c.school == school_list.school))
            conn.execute(
                insert(table).values(
                    school=school_list.school,
                    file=school_list.file,
                    imported_at=now(),
                    imported_by=by,
                    rows=rows,
                )
            )

    def lists(self) -> list[SchoolList]:
        """Every school's current list, by school name."""
        table = schema.school_lists
        with self.db.read() as conn:
            found = conn.execute(select(table).order_by(table.c.school)).all()
        return [
            SchoolList(
                r.school,
                r.file,
                [SchoolRow(**row) for row in json.loads(r.rows)],
                imported_at=r.imported_at,
            )
            for r in found
        ]

    def school_list(self, school: str) -> SchoolList | None:
        """The school's current list, or None when it has not sent one."""
        return next((s for s in self.lists() if s.school == school), None)

    # -- a methodist's choices ------------------------------------------------------------

    def choose(self, school: str, row_key: str, record_id: str, by: str) -> None:
        """Remember which list book (``""``: none) the school's row means."""
        table = schema.textbook_choices
        with self.db.write() as conn:
            conn.execute(
                delete(table).where(table.c.school == school).where(table.c.row_key == row_key)
            )
            conn.execute(
                insert(table).values(
                    school=school,
                    row_key=row_key,
                    record_id=record_id,
                    decided_by=by,
                    decided_at=now(),
                )
            )

    def choices(self, school: str) -> dict[str, str]:
        """The methodist's choices for one school: row key → record id."""
        table = schema.textbook_choices
        with self.db.read() as conn:
            found = conn.execute(
                select(table.c.row_key, table.c.record_id).where(table.c.school == school)
            )
            return {r.row_key: r.record_id for r in found}
