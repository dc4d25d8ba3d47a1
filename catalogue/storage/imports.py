"""Imports in the store: a record and its extracted text in one transaction, near-duplicates."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import select, update

from catalogue import schema
from catalogue.records import Record, RecordT
from catalogue.storage.base import Database, insert_or_ignore
from catalogue.storage.common import NotFoundError, now
from catalogue.storage.records import write_record
from catalogue.validation import check


class Imports:
    """What the import pipeline needs beyond plain saves (``store.imports``)."""

    def __init__(self, db: Database, records: Callable[[], Iterable[Record]]) -> None:
        self.db = db
        self._records = records  # the live records, as ``store.iter_records``

    def save(self, record: RecordT, by: str, blob: dict[str, Any] | None = None) -> RecordT:
        """Save a new record and its attachment's extracted text in ONE transaction.

        ``blob`` has the :data:`schema.blobs` columns except ``added_at``; either both rows are
        written or neither (an import that fails leaves no half-written record or text).
        """
        check(record)
        with self.db.write() as conn:
            if blob is not None:
                conn.execute(insert_or_ignore(conn, schema.blobs).values(**blob, added_at=now()))
            return write_record(conn, record, by, action="import")

    def attachment_owners(self) -> dict[str, str]:
        """The first live record holding each attachment hash: ``{sha256: record_id}``."""
        owners: dict[str, str] = {}
        for record in self._records():
            for attachment in record.attachments:
                owners.setdefault(attachment.sha256, record.id)
        return owners

    def add_near_duplicates(self, pairs: Iterable[tuple[str, str, float, str]]) -> int:
        """Remember ``(first_id, second_id, score, reason)`` pairs (known pairs are kept)."""
        rows = [
            dict(
                first_id=a,
                second_id=b,
                score=round(s, 3),
                reason=r,
                status="open",
                found_at=now(),
                decided_by="",
            )
            for a, b, s, r in pairs
        ]
        if not rows:
            return 0
        with self.db.write() as conn:
            done = conn.execute(insert_or_ignore(conn, schema.near_duplicates), rows)
            return int(done.rowcount)

    def near_duplicates(self, status: str | None = "open") -> list[dict[str, Any]]:
        """Near-duplicate pairs found by imports (``status``: open, dismissed, merged or None)."""
        table = schema.near_duplicates
        query = select(table).order_by(table.c.found_at, table.c.first_id, table.c.second_id)
        if status:
            query = query.where(table.c.status == status)
        with self.db.read() as conn:
            return [row._asdict() for row in conn.execute(query)]

    def decide_near_duplicate(self, first_id: str, second_id: str, status: str, by: str) -> None:
        """Mark a pair ``dismissed`` (not duplicates) or ``merged``."""
        table = schema.near_duplicates
        with self.db.write() as conn:
            done = conn.execute(
                update(table)
                .where(table.c.first_id == first_id)
                .where(table.c.second_id == second_id)
                .values(status=status, decided_by=by)
            )
        if done.rowcount != 1:
            raise NotFoundError("ingest.pair_not_found", first=first_id, second=second_id)
