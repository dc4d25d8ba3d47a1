"""The store's database (SQLAlchemy): one way to read and write it, on SQLite or PostgreSQL.
Its errors, a saved version, the clock and record ids are in :mod:`catalogue.storage.common`.

:class:`Database` is the one way the store's parts reach the database, a SQLite file (the
default) or a PostgreSQL server: :meth:`Database.read` for a snapshot, :meth:`Database.write`
for a transaction. On SQLite a writer holds the file's write lock from its start
(``BEGIN IMMEDIATE``); on PostgreSQL writers run side by side and lock only the rows they
change (``SELECT … FOR UPDATE`` in :mod:`catalogue.storage.records`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Connection,
    Engine,
    Insert,
    Table,
    create_engine,
    event,
    insert,
    make_url,
    text,
)
from sqlalchemy.exc import DBAPIError

from catalogue.records import Record
from catalogue.schema import index_journal
from catalogue.storage.common import StoreError, is_postgresql
from catalogue.storage.lookups import Run

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql, sqlite


def shown_url(url: str) -> str:
    """``url`` as it may be printed: the password hidden."""
    return make_url(url).render_as_string(hide_password=True)


def _driver_url(url: str) -> str:
    """``url`` with the driver this program uses (psycopg 3 for PostgreSQL)."""
    if is_postgresql(url):
        return "postgresql+psycopg:" + url.split(":", 1)[1]
    return url


def connect_engine(url: str) -> Engine:
    """A SQLAlchemy engine on ``url``: SQLite in WAL mode with writers taking the lock up
    front, or PostgreSQL (psycopg 3) at READ COMMITTED."""
    if is_postgresql(url):
        try:
            return create_engine(
                _driver_url(url), pool_pre_ping=True, isolation_level="READ COMMITTED"
            )
        except ModuleNotFoundError as exc:
            raise StoreError("store.no_psycopg") from exc
    engine = create_engine(url)

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
_JOURNAL = "imk_journal_rows"
# PostgreSQL advisory lock taken by a write transaction just before it adds its index journal
# rows and commits: journal numbers are then handed out in commit order, so the index never
# acknowledges a number below one still uncommitted (see Database.write).
JOURNAL_LOCK = 0x494D4B4A  # "IMKJ"
# PostgreSQL gave up a transaction that collided with another (deadlock, serialization)
COLLIDED = {"40P01", "40001"}


def insert_or_ignore(conn: Connection, table: Table) -> Insert:
    """``INSERT`` that skips rows whose key is already there (on either database)."""
    return upsert(conn, table).on_conflict_do_nothing()


def upsert(conn: Connection, table: Table) -> sqlite.Insert | postgresql.Insert:
    """The database's own ``INSERT`` (SQLite's or PostgreSQL's), which has ``ON CONFLICT``
    clauses (``on_conflict_do_nothing``, ``on_conflict_do_update``)."""
    # the dialect's module is imported here: PostgreSQL's loads asyncio and its drivers' code
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(table)


def runner(conn: Connection) -> Run:
    """``conn`` as a :data:`~catalogue.storage.lookups.Run` for :mod:`catalogue.storage.lookups`."""

    def run(sql: str, params: dict[str, Any]) -> list[Any]:
        result = conn.execute(text(sql), params)
        return list(result.all()) if result.returns_rows else []

    return run


def journal(conn: Connection, row: dict[str, Any]) -> None:
    """Add an index journal row to the write transaction ``conn`` (written at its commit)."""
    conn.info.setdefault(_JOURNAL, []).append(row)


def saved_in(conn: Connection, record: Record) -> None:
    """Note that the write transaction ``conn`` saves ``record`` (see :meth:`Database.write`)."""
    conn.info.setdefault(_SAVED, []).append(record)


class Database:
    """One catalogue database: snapshots for reading, and the one way to write."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = connect_engine(url)
        self._writer = self.engine.execution_options(write=True)
        # Called with the records a write transaction saved, once it has committed (the
        # workspace then publishes their attachment files: a file appears only after the
        # record naming it exists).
        self.after_save: list[Callable[[list[Record]], None]] = []

    @property
    def is_postgresql(self) -> bool:
        """Whether this is a PostgreSQL database (else a SQLite file)."""
        return self.engine.dialect.name == "postgresql"

    def read(self) -> AbstractContextManager[Connection]:
        """A connection for reading; it never waits for a writer."""
        return self.engine.connect()

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction: all of it is saved, or nothing.

        Its index journal rows (:func:`journal`) are written last, just before the commit;
        records it saves (:func:`saved_in`) go to the ``after_save`` hooks after the commit.
        """
        try:
            with self._writer.begin() as conn:
                saved: list[Record] = []
                rows: list[dict[str, Any]] = []
                conn.info[_SAVED], conn.info[_JOURNAL] = saved, rows
                yield conn
                if rows:
                    if self.is_postgresql:
                        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({JOURNAL_LOCK})")
                    conn.execute(insert(index_journal), rows)
        except DBAPIError as exc:
            if getattr(exc.orig, "sqlstate", None) in COLLIDED:
                raise StoreError("store.collided") from exc
            raise
        if saved:
            for hook in self.after_save:
                hook(saved)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()
