"""Shared pieces of the store: its errors, a saved version, the clock and the database file.

:class:`Database` is the one way the store's parts reach SQLite: :meth:`Database.read` for a
snapshot, :meth:`Database.write` for a transaction that holds the write lock from its start.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event

from catalogue.errors import UserError
from catalogue.i18n import moment_text, t
from catalogue.records import Record

ID_PREFIX = {"material": "mat", "media": "med", "portfolio": "pf", "collection": "col"}
TYPED_ID = re.compile(
    rf"\s*({'|'.join(ID_PREFIX.values())})\s*[-‐–—_ ]?\s*0*(\d{{1,6}})\s*", re.IGNORECASE
)


def typed_id(text: str) -> str | None:
    """The id a typed record number stands for («MAT 40», «mat-40» → «mat-000040»); None
    when the text is not a record number."""
    match = TYPED_ID.fullmatch(text)
    return f"{match.group(1).lower()}-{int(match.group(2)):06d}" if match else None


class StoreError(UserError):
    """A store operation failed; the message is for the user."""


class NotFoundError(StoreError, KeyError):
    """No record or collection with that id or name."""


class ConflictError(StoreError):
    """Someone saved the record after it was read; nothing was written."""

    def __init__(self, record_id: str, yours: int, current: int, by: str, at: str):
        self.record_id, self.yours, self.current = record_id, yours, current
        super().__init__("store.conflict", id=record_id, yours=yours, current=current, by=by, at=at)

    def __str__(self) -> str:  # the moment in local time, as the language writes it
        at = str(self.params["at"])
        return t(self.key, **{**self.params, "at": moment_text(at) if at[:1].isdigit() else at})


@dataclass
class Version:
    """One saved version of a record."""

    version: int
    saved_at: str
    saved_by: str
    action: str
    record: Record


def now() -> str:
    """The current UTC time as an ISO string (seconds)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def connect_engine(path: Path) -> Engine:
    """A SQLAlchemy engine on the SQLite file in WAL mode, writers taking the lock up front."""
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # let SQLAlchemy's begin event own transactions
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers take the lock up front (IMMEDIATE), so two writers queue instead of
        # deadlocking; readers use a plain snapshot and never wait for a writer (WAL).
        write = conn.get_execution_options().get("write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


_SAVED = "imk_saved_records"


def saved_in(conn: Connection, record: Record) -> None:
    """Note that the write transaction ``conn`` saves ``record`` (see :meth:`Database.write`)."""
    conn.info.setdefault(_SAVED, []).append(record)


class Database:
    """One catalogue file: snapshots for reading, and the one way to write."""

    def __init__(self, path: Path) -> None:
        self.engine = connect_engine(path)
        self._writer = self.engine.execution_options(write=True)
        # Called with the records a write transaction saved, once it has committed (the
        # workspace then publishes their attachment files: a file appears only after the
        # record naming it exists).
        self.after_save: list[Callable[[list[Record]], None]] = []

    def read(self) -> AbstractContextManager[Connection]:
        """A connection for reading; it never waits for a writer (WAL)."""
        return self.engine.connect()

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A transaction holding the write lock from its start: all of it is saved, or nothing.

        Records it saves (:func:`saved_in`) go to the ``after_save`` hooks after the commit.
        """
        with self._writer.begin() as conn:
            saved: list[Record] = []
            conn.info[_SAVED] = saved
            yield conn
        if saved:
            for hook in self.after_save:
                hook(saved)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()
