"""The search log: what people searched for, how many hits, how long it took."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import Row, insert, select, update

from catalogue import schema
from catalogue.storage.base import Database, now

COALESCE_SECONDS = 20


def _same_typing(last: Row[Any], query: str, stamp: str) -> bool:
    """Whether ``query`` continues the typing of the logged search ``last``."""
    gap = dt.datetime.fromisoformat(stamp) - dt.datetime.fromisoformat(last.at)
    before, after = last.query.strip().lower(), query.strip().lower()
    return (
        gap.total_seconds() <= COALESCE_SECONDS
        and bool(before)
        and bool(after)
        and (after.startswith(before) or before.startswith(after))
    )


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
        """Remember one search (for reports on what people look for and do not find).

        Searches typed letter by letter («дро», «дроби») collapse into one row: a search from
        the same source within :data:`COALESCE_SECONDS` that extends or shortens the previous
        query replaces it.
        """
        log = schema.search_log
        stamp = now()
        values = dict(
            at=stamp,
            query=query,
            filters=json.dumps(filters, ensure_ascii=False),
            total=total,
            elapsed_ms=elapsed_ms,
            corrected=corrected,
            source=source,
        )
        with self.db.write() as conn:
            last = conn.execute(select(log).order_by(log.c.id.desc()).limit(1)).first()
            if last is not None and last.source == source and _same_typing(last, query, stamp):
                conn.execute(update(log).where(log.c.id == last.id).values(**values))
            else:
                conn.execute(insert(log).values(**values))

    def entries(self, since: str | None = None) -> list[dict[str, Any]]:
        """Logged searches, oldest first (``since``: an ISO time to start from)."""
        query = select(schema.search_log).order_by(schema.search_log.c.id)
        if since:
            query = query.where(schema.search_log.c.at >= since)
        with self.db.read() as conn:
            return [
                {**row._asdict(), "filters": json.loads(row.filters)} for row in conn.execute(query)
            ]
