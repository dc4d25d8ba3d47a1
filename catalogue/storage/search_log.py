"""The search log: what people searched for, how many hits, how long it took."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from catalogue import schema
from catalogue.storage import lookups
from catalogue.storage.base import Database, runner


class SearchLog:
    """Logging searches and reading the log back (``store.search_log``)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def log(
        self,
        query: str,
        filters: dict[str, list[str]],
        total: int,
        elapsed_ms: float,
        corrected: str | None = None,
        source: str = "api",
    ) -> None:
        """Remember one search (for reports on what people look for and do not find); see
        :func:`catalogue.storage.lookups.log_search`."""
        with self.db.write() as conn:
            lookups.log_search(runner(conn), query, filters, total, elapsed_ms, corrected, source)

    def entries(self, since: str | None = None) -> list[dict[str, Any]]:
        """Logged searches, oldest first (``since``: an ISO time to start from)."""
        query = select(schema.search_log).order_by(schema.search_log.c.id)
        if since:
            query = query.where(schema.search_log.c.at >= since)
        with self.db.read() as conn:
            return [
                {**row._asdict(), "filters": json.loads(row.filters)} for row in conn.execute(query)
            ]
