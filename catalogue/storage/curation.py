"""Curation in the store: saves that name their action, the bin and taking records out of it."""

from __future__ import annotations

import json

from sqlalchemy import select

from catalogue import schema
from catalogue.i18n import t
from catalogue.records import Record, from_dict
from catalogue.storage.base import NotFoundError
from catalogue.validation import check


class CurationMixin:
    """Named saves (status, review, restore…) and the bin."""

    def save_as(self, record: Record, by: str, action: str) -> Record:
        """Like :meth:`save`, naming the action in the history (``status``, ``review``,
        ``restore``, ``merge``…)."""
        check(record)
        with self.writer.begin() as conn:
            saved = self._write(conn, record, by, action)
        self._saved([saved])
        return saved

    def binned(self) -> list[Record]:
        """Records in the bin, most recently deleted first (``updated_by`` deleted them)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(schema.records.c.data)
                .where(schema.records.c.deleted_at.is_not(None))
                .order_by(schema.records.c.deleted_at.desc(), schema.records.c.id)
            ).all()
        return [from_dict(json.loads(r.data)) for r in rows]

    def undelete(self, record_id: str, by: str) -> Record:
        """Take a record out of the bin as a new version (action ``undelete``)."""
        with self.writer.begin() as conn:
            row = conn.execute(
                select(schema.records.c.data, schema.records.c.deleted_at).where(
                    schema.records.c.id == record_id
                )
            ).first()
            if row is None or row.deleted_at is None:
                raise NotFoundError(t("curation.not_in_bin", id=record_id))
            return self._write(conn, from_dict(json.loads(row.data)), by, "undelete")
