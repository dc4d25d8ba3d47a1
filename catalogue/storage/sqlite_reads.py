"""What a search needs from a SQLite catalogue, over plain ``sqlite3``: a search (``imk search``)
then loads no SQLAlchemy. The statements are those of the store
(:mod:`catalogue.storage.lookups`); the connection is set up as the store's
(:func:`catalogue.storage.base.connect_engine`): WAL, a 30 s busy timeout, writers taking the
lock up front.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from catalogue.storage import lookups
from catalogue.storage.common import SCHEMA_VERSION, check_version


class SearchReads(Protocol):
    """What a search reads and writes in the catalogue: the store, or :class:`SqliteReads`."""

    @property
    def search_log(self) -> lookups.SearchLogWriter: ...

    def pending(self, limit: int | None = None) -> list[tuple[int, str, str]]: ...

    def texts(self, hashes: Iterable[str]) -> dict[str, str]: ...


class SqliteReads:
    """The journal's queued work, attachment texts and the search log of a SQLite catalogue
    whose schema is this program's (open with :meth:`open`)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None  # opened on first use, again after close
        self._lock = threading.Lock()  # one statement sequence at a time on the connection
        self.search_log = lookups.SearchLogWriter(lambda: self._transaction(write=True))

    @classmethod
    def open(cls, path: Path) -> SqliteReads | None:
        """The reads of the SQLite file ``path``; None when it is missing or its schema is
        behind (the store then opens it and migrates). A newer schema is refused."""
        if not path.is_file():
            return None
        reads = cls(path)
        try:
            with reads._transaction() as run:
                found = int(run("PRAGMA user_version", {})[0][0])
            check_version(found)
        except BaseException:
            reads.close()
            raise
        if found < SCHEMA_VERSION:
            reads.close()
            return None
        return reads

    def close(self) -> None:
        """Close the connection (a later read opens another, as the store's engine does)."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    @contextmanager
    def _transaction(self, write: bool = False) -> Iterator[lookups.Run]:
        """A snapshot (or, with ``write``, a transaction holding the write lock from its start)."""
        with self._lock:
            if self._conn is None:
                self._conn = sqlite3.connect(
                    self.path, isolation_level=None, check_same_thread=False
                )
                self._conn.execute("PRAGMA busy_timeout=30000")
                self._conn.execute("PRAGMA synchronous=NORMAL")
            conn = self._conn

            def run(sql: str, params: dict[str, Any]) -> list[Any]:
                return conn.execute(sql, params).fetchall()

            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield run
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def pending(self, limit: int | None = None) -> list[tuple[int, str, str]]:
        """Queued index work as ``(seq, record_id, op)``, oldest first."""
        with self._transaction() as run:
            return lookups.pending(run, limit)

    def texts(self, hashes: Iterable[str]) -> dict[str, str]:
        """Extracted texts of the given attachments, by hash."""
        with self._transaction() as run:
            return lookups.texts(run, hashes)
