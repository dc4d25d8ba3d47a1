"""The search log: what people searched for, how many hits, how long it took."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select

from catalogue import schema
from catalogue.storage import lookups
from catalogue.storage.base import Database, runner


class SearchLog(lookups.SearchLogWriter):
    """Logging searches and reading the log back (``store.search_log``)."""

    def __init__(self, db: Database) -> None:
        super().__init__(lambda: _running(db))
        self.db = db

    def entries(self, since: str | None = None) -> list[dict[str, Any]]:
        """Logged searches, oldest first (``since``: an ISO time to start from)."""
        query = select(schema.search_log).order_by(schema.search_log.c.id)
        if since:
            query = query.where(schema.search_log.c.at >= since)
        with self.db.read() as conn:
            return [
                {**row._asdict(), "filters": json.loads(row.filters)} for row in conn.execute(query)
            ]


@contextmanager
def _running(db: Database) -> Iterator[lookups.Run]:
    """A write transaction of ``db`` as a :data:`~catalogue.storage.lookups.Run`."""
    with db.write() as conn:
        yield runner(conn)
