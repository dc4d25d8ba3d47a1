"""``imk copy --to URL``: the whole catalogue database, history included, into another database.

Every table of :mod:`catalogue.schema` is copied row by row from one snapshot of the source
(records, every version, attachment texts, the index journal, collections, id counters, the
search log, near-duplicates, the textbook tables) into an empty target in ONE transaction: the
target ends up equal to the source, or untouched. Ids and numbering are kept, and a PostgreSQL
target's sequences continue after the copied rows. Attachment files are not in the database:
they stay in the workspace folder (``files/``, named by their SHA-256), which the target's
users share.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, func, insert, select, text

from catalogue import schema
from catalogue.storage.base import Database, shown_url
from catalogue.storage.common import StoreError
from catalogue.store import Store

Progress = Callable[[int, int], None]
BATCH = 1000
# The tables a copy refuses to overwrite: a target holding any of them is not empty.
GUARDED = ("records", "record_versions", "collections")


@dataclass
class Counts:
    """Rows copied, by table."""

    rows: dict[str, int]

    @property
    def records(self) -> int:
        return self.rows.get("records", 0)

    @property
    def versions(self) -> int:
        return self.rows.get("record_versions", 0)

    @property
    def texts(self) -> int:
        return self.rows.get("blobs", 0)


def _count(conn: Connection, table: str) -> int:
    query = select(func.count()).select_from(schema.metadata.tables[table])
    return int(conn.execute(query).scalar_one())


def _snapshot(db: Database) -> Connection:
    """A connection whose reads all see one moment of ``db``."""
    conn = db.engine.connect()
    if db.is_postgresql:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
    return conn


def _continue_sequences(conn: Connection) -> None:
    """Let a PostgreSQL target number new rows after the copied ones."""
    for table in schema.metadata.sorted_tables:
        column = table.autoincrement_column
        if column is None:
            continue
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                f"COALESCE((SELECT max({column.name}) FROM {table.name}), 0) + 1, false)"
            )
        )


def copy_database(source: Database, target_url: str, progress: Progress | None = None) -> Counts:
    """Copy every table of ``source`` into the empty database at ``target_url`` (created with
    the current schema); return the rows copied by table. A target already holding records,
    versions or collections is refused."""
    if target_url == source.url:
        raise StoreError("copy.same", url=shown_url(target_url))
    target = Store(target_url)  # migrates the target to the current schema
    try:
        with target.db.read() as conn:
            if any(_count(conn, name) for name in GUARDED):
                raise StoreError("copy.target_not_empty", url=shown_url(target_url))
        tables = schema.metadata.sorted_tables
        copied: dict[str, int] = {}
        with _snapshot(source) as src, src.begin(), target.db.write() as dst:
            total = sum(_count(src, t.name) for t in tables)
            done = 0
            for table in tables:
                dst.execute(table.delete())  # e.g. the counters a fresh target starts with
                key = list(table.primary_key.columns) or list(table.columns)
                rows = src.execute(select(table).order_by(*key))
                copied[table.name] = 0
                while batch := rows.fetchmany(BATCH):
                    dst.execute(insert(table), [row._asdict() for row in batch])
                    copied[table.name] += len(batch)
                    done += len(batch)
                    if progress:
                        progress(done, total)
            if target.db.is_postgresql:
                _continue_sequences(dst)
        return Counts(copied)
    finally:
        target.close()
