"""Curation in the store: saves that name their action, the bin and taking records out of it."""

from __future__ import annotations

import json

from sqlalchemy import select

from catalogue import schema
from catalogue.records import Record, RecordT, from_dict
from catalogue.storage.base import Database
from catalogue.storage.common import NotFoundError
from catalogue.storage.records import save_record, write_record


class Curation:
    """Named saves (status, review, restore…) and the bin (``store.curation``)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def save_as(self, record: RecordT, by: str, action: str) -> RecordT:
        """Like ``store.save``, naming the action in the history (``status``, ``review``,
        ``restore``, ``merge``…)."""
        return save_record(self.db, record, by, action)

    def binned(self) -> list[Record]:
        """Records in the bin, most recently deleted first (``updated_by`` deleted them)."""
        with self.db.read() as conn:
            rows = conn.execute(
                select(schema.records.c.data)
                .where(schema.records.c.deleted_at.is_not(None))
                .order_by(schema.records.c.deleted_at.desc(), schema.records.c.id)
            ).all()
        return [from_dict(json.loads(r.data)) for r in rows]

    def undelete(self, record_id: str, by: str) -> Record:
        """Take a record out of the bin as a new version (action ``undelete``)."""
        with self.db.write() as conn:
            row = conn.execute(
                select(schema.records.c.data, schema.records.c.deleted_at)
                .where(schema.records.c.id == record_id)
                .with_for_update()
            ).first()
            if row is None or row.deleted_at is None:
                raise NotFoundError("curation.not_in_bin", id=record_id)
            return write_record(conn, from_dict(json.loads(row.data)), by, "undelete")
