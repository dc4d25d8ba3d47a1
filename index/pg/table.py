"""How a rebuild replaces ``search_docs`` (:meth:`index.pg.engine.PgIndex.build`): a new table
is filled inside the rebuild's transaction, indexed once it is full, and put in the old one's
place when the transaction ends. Searches read the old rows until then, and no dead row is left
behind: emptying the table and writing it again in place, as rebuilds did before, left it twice
its size on disk (100,000 records: 1.7 GB where a new table takes 0.8 GB).

The new table keeps the columns of the old (the migrations define them, :mod:`catalogue.schema`)
in another order: first what a search reads of every record it finds (:data:`READ_FIRST`), the
attachments' text last. PostgreSQL reads a row's columns in order up to the last one wanted:
reading every found record's facet codes takes a third less time so (``bench/pg_floor.py``,
p95 105 → 71 ms at 100,000 records); a search page, which ranks them too, gains little.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, text

from index.pg.found import BASE

TABLE = "search_docs"
NEXT = "search_docs_next"  # the table a rebuild fills
# What a search reads of every found record, in this order (index.pg.found, index.pg.rank),
# then the other columns, then the largest last
READ_FIRST = (*BASE, "date_sort", "title_sort", "grades_named", "meta_tsv")
READ_LAST = ("tsv",)
STORAGE = {"p": "PLAIN", "m": "MAIN", "x": "EXTENDED", "e": "EXTERNAL"}
COLUMNS = """
SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
    a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default, a.attstorage AS storage
FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = CAST(:table AS regclass) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum
"""
INDEXES = """
SELECT i.relname AS name, pg_get_indexdef(i.oid) AS definition
FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
WHERE x.indrelid = CAST(:table AS regclass) AND NOT x.indisprimary
ORDER BY i.relname
"""
# "CREATE INDEX <name> ON [schema.]search_docs USING …" of the old table's indexes
ON_TABLE = re.compile(rf"^CREATE (UNIQUE )?INDEX (\S+) ON (?:\S+\.)?{TABLE} ")


def _ordered(names: list[str]) -> list[str]:
    first = [n for n in READ_FIRST if n in names]
    last = [n for n in READ_LAST if n in names]
    return first + [n for n in names if n not in first and n not in last] + last


def start(conn: Connection) -> None:
    """Create the empty table a rebuild fills (:data:`NEXT`): the columns of ``search_docs``
    in the order of :data:`READ_FIRST`, with their types, defaults and storage, and the
    primary key (the other indexes come in :func:`finish`). It exists only inside the
    rebuild's transaction: a rebuild that fails leaves none behind."""
    found = {r.name: r for r in conn.execute(text(COLUMNS), {"table": TABLE})}
    order = _ordered(list(found))
    columns = ", ".join(
        f"{name} {found[name].type}"
        + (" NOT NULL" if found[name].not_null else "")
        + (f" DEFAULT {found[name].default}" if found[name].default is not None else "")
        for name in order
    )
    storage = ", ".join(
        f"ALTER COLUMN {name} SET STORAGE {STORAGE[found[name].storage]}" for name in order
    )
    conn.execute(text(f"CREATE TABLE {NEXT} ({columns}, PRIMARY KEY (id))"))
    conn.execute(text(f"ALTER TABLE {NEXT} {storage}"))


def finish(conn: Connection) -> None:
    """Index the filled table as ``search_docs`` is indexed, and put it in its place (the
    swap waits for the searches reading the old table; later ones read the new)."""
    indexes = conn.execute(text(INDEXES), {"table": TABLE}).all()
    conn.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
    for index in indexes:
        conn.execute(text(ON_TABLE.sub(rf"CREATE \1INDEX \2_next ON {NEXT} ", index.definition)))
    conn.execute(text(f"DROP TABLE {TABLE}"))
    conn.execute(text(f"ALTER TABLE {NEXT} RENAME TO {TABLE}"))
    conn.execute(text(f"ALTER TABLE {TABLE} RENAME CONSTRAINT {NEXT}_pkey TO {TABLE}_pkey"))
    for index in indexes:
        conn.execute(text(f"ALTER INDEX {index.name}_next RENAME TO {index.name}"))
