"""Writing records: the record row, its version row and the index journal, in one transaction.

Every function takes the open write transaction (:meth:`Database.write`), so a caller can put
more rows into the same transaction (an import adds the attachment's text).
"""

from __future__ import annotations

import json

from sqlalchemy import Connection, insert, select, update

from catalogue import schema
from catalogue.records import Record, RecordT, from_dict, to_dict
from catalogue.storage.base import Database, journal, saved_in, upsert
from catalogue.storage.common import ID_PREFIX, ConflictError, NotFoundError, now
from catalogue.validation import check


def next_id(conn: Connection, kind: str) -> str:
    """A new id for a record or collection of ``kind`` (``mat-000042``)."""
    prefix = ID_PREFIX[kind]
    counters = schema.counters
    bump = (
        upsert(conn, counters)
        .values(prefix=prefix, value=1)
        .on_conflict_do_update(
            index_elements=[counters.c.prefix], set_={"value": counters.c.value + 1}
        )
        .returning(counters.c.value)
    )
    return f"{prefix}-{conn.execute(bump).scalar_one():06d}"


def add_version(conn: Connection, record: Record, data: str, by: str, action: str) -> None:
    """Keep one saved version of a record (``data``: its JSON) in ``record_versions``."""
    conn.execute(
        insert(schema.record_versions).values(
            record_id=record.id,
            version=record.version,
            data=data,
            saved_at=record.updated_at,
            saved_by=by,
            action=action,
        )
    )


def queue(conn: Connection, record_id: str, op: str) -> None:
    """Tell the search index to redo a record (``op``: ``upsert`` or ``delete``)."""
    journal(conn, dict(record_id=record_id, op=op, queued_at=now()))


def write_record(conn: Connection, record: RecordT, by: str, action: str = "") -> RecordT:
    """Insert or update ``record`` (optimistically), keep the version, queue the index.

    The record's row stays locked until the transaction ends (``FOR UPDATE``; on SQLite the
    transaction holds the whole file), so no one else saves it between the check and the write.
    """
    stamp = now()
    current = None
    if record.id:
        current = conn.execute(
            select(
                schema.records.c.version,
                schema.records.c.updated_by,
                schema.records.c.updated_at,
            )
            .where(schema.records.c.id == record.id)
            .with_for_update()
        ).first()
    if current is not None and current.version != record.version:
        raise ConflictError(
            record.id, record.version, current.version, current.updated_by, current.updated_at
        )
    if not record.id:
        record.id = next_id(conn, record.kind)
    if current is None:
        record.created_at = record.created_at or stamp
        record.created_by = record.created_by or by
    record.version = (current.version if current else 0) + 1
    record.updated_at, record.updated_by = stamp, by
    data = json.dumps(to_dict(record), ensure_ascii=False)
    values = dict(
        kind=record.kind,
        title=record.title,
        status=record.status,
        version=record.version,
        data=data,
        updated_at=stamp,
        updated_by=by,
    )
    if current is None:
        conn.execute(
            insert(schema.records).values(id=record.id, created_at=record.created_at, **values)
        )
    else:
        done = conn.execute(
            update(schema.records)
            .where(schema.records.c.id == record.id)
            .where(schema.records.c.version == current.version)
            .values(deleted_at=None, **values)
        )
        if done.rowcount != 1:  # pragma: no cover - guarded by the row lock
            raise ConflictError(record.id, record.version - 1, -1, "?", "?")
    add_version(conn, record, data, by, action or ("create" if current is None else "update"))
    queue(conn, record.id, "upsert")
    saved_in(conn, record)
    return record


def save_record(db: Database, record: RecordT, by: str, action: str = "") -> RecordT:
    """Validate and write one record in its own transaction."""
    check(record)
    with db.write() as conn:
        return write_record(conn, record, by, action)


def load_live(conn: Connection, record_id: str) -> Record:
    """The current version of a record that is not in the bin, its row locked for the rest of
    the transaction; :class:`NotFoundError` if none."""
    row = conn.execute(
        select(schema.records.c.data)
        .where(schema.records.c.id == record_id)
        .where(schema.records.c.deleted_at.is_(None))
        .with_for_update()
    ).first()
    if row is None:
        raise NotFoundError("store.not_found", id=record_id)
    return from_dict(json.loads(row.data))
