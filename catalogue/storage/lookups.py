"""What a search reads from the catalogue and writes to it, as plain SQL: the index journal's
queued work, attachment texts, the search-log row.

Each function takes ``run``, which executes one statement with named parameters (``:name``)
and returns its rows: a SQLAlchemy connection's (the store, on SQLite or PostgreSQL) or a plain
``sqlite3`` one's (:mod:`catalogue.storage.sqlite_reads`, a search that loads no SQLAlchemy).
The statements and the rules around them live here once for both.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from typing import Any

from catalogue.storage.common import now

Run = Callable[[str, dict[str, Any]], Sequence[Sequence[Any]]]
COALESCE_SECONDS = 20


def pending(run: Run, limit: int | None = None) -> list[tuple[int, str, str]]:
    """Queued index work as ``(seq, record_id, op)``, oldest first."""
    sql = "SELECT seq, record_id, op FROM index_journal ORDER BY seq"
    rows = run(sql + " LIMIT :limit", {"limit": limit}) if limit else run(sql, {})
    return [(int(seq), str(record_id), str(op)) for seq, record_id, op in rows]


def texts(run: Run, hashes: Iterable[str]) -> dict[str, str]:
    """Extracted texts of the given attachments, by hash."""
    wanted = sorted(set(hashes))
    if not wanted:
        return {}
    names = {f"h{n}": sha for n, sha in enumerate(wanted)}
    marks = ", ".join(f":{name}" for name in names)
    rows = run(f"SELECT sha256, text FROM blobs WHERE sha256 IN ({marks})", names)
    return {str(sha): str(text) for sha, text in rows}


def _same_typing(last_at: str, last_query: str, query: str, stamp: str) -> bool:
    """Whether ``query`` at ``stamp`` continues the typing of a search logged at ``last_at``."""
    gap = dt.datetime.fromisoformat(stamp) - dt.datetime.fromisoformat(last_at)
    before, after = last_query.strip().lower(), query.strip().lower()
    return (
        gap.total_seconds() <= COALESCE_SECONDS
        and bool(before)
        and bool(after)
        and (after.startswith(before) or before.startswith(after))
    )


def log_search(
    run: Run,
    query: str,
    filters: dict[str, list[str]],
    total: int,
    elapsed_ms: float,
    corrected: str | None,
    source: str,
) -> None:
    """Remember one search, inside the caller's write transaction.

    Searches typed letter by letter («дро», «дроби») collapse into one row: a search from
    the same source within :data:`COALESCE_SECONDS` that extends or shortens the previous
    query replaces it.
    """
    values: dict[str, Any] = dict(
        at=now(),
        query=query,
        filters=json.dumps(filters, ensure_ascii=False),
        total=total,
        elapsed_ms=elapsed_ms,
        corrected=corrected,
        source=source,
    )
    last = run("SELECT id, at, query, source FROM search_log ORDER BY id DESC LIMIT 1", {})
    if last and last[0][3] == source and _same_typing(last[0][1], last[0][2], query, values["at"]):
        run(
            "UPDATE search_log SET at = :at, query = :query, filters = :filters, total = :total,"
            " elapsed_ms = :elapsed_ms, corrected = :corrected, source = :source WHERE id = :id",
            {**values, "id": last[0][0]},
        )
    else:
        run(
            "INSERT INTO search_log (at, query, filters, total, elapsed_ms, corrected, source)"
            " VALUES (:at, :query, :filters, :total, :elapsed_ms, :corrected, :source)",
            values,
        )


class SearchLogWriter:
    """Logs searches through ``write()``, a write transaction that gives a :data:`Run`: the
    store's (SQLAlchemy, :class:`catalogue.storage.search_log.SearchLog`) or a plain
    ``sqlite3`` one (:class:`catalogue.storage.sqlite_reads.SqliteReads`)."""

    def __init__(self, write: Callable[[], AbstractContextManager[Run]]) -> None:
        self._write = write

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
        :func:`log_search`."""
        with self._write() as run:
            log_search(run, query, filters, total, elapsed_ms, corrected, source)
