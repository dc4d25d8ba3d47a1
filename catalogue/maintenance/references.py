"""Which attachment files the catalogue needs: every hash any saved version of a record names.

Versions of deleted records count too: the bin and the history can bring them back.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from catalogue.store import Store

_NAMED = {
    "sqlite": text(
        "SELECT DISTINCT json_extract(a.value, '$.sha256') AS sha256 "
        "FROM record_versions AS v, json_each(v.data, '$.attachments') AS a"
    ),
    "postgresql": text(
        "SELECT DISTINCT a.value ->> 'sha256' AS sha256 FROM record_versions AS v, "
        "json_array_elements(v.data::json -> 'attachments') AS a(value)"
    ),
}


def named_hashes(conn: Connection) -> set[str]:
    """Every attachment hash any saved record version names (within ``conn``'s snapshot)."""
    return {row.sha256 for row in conn.execute(_NAMED[conn.dialect.name]) if row.sha256}


def referenced(store: Store, candidates: set[str]) -> set[str]:
    """Those of ``candidates`` that some saved record version names."""
    if not candidates:
        return set()
    with store.db.read() as conn:
        return candidates & named_hashes(conn)
