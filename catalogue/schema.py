"""The schema of the catalogue (SQLAlchemy 2 Core, the same on SQLite and PostgreSQL) and its
migrations.

The schema version is kept in ``PRAGMA user_version`` on SQLite and in the one-row table
``imk_schema`` on PostgreSQL. :data:`MIGRATIONS` is an ordered list of functions; migration *n*
(1-based) brings a database from version *n-1* to *n*. A database from a newer program is
refused rather than touched.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    Column,
    Connection,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    insert,
    inspect,
    select,
    text,
)

from catalogue.storage.common import SCHEMA_VERSION

metadata = MetaData()

records = Table(
    "records",
    metadata,
    Column("id", String, primary_key=True),
    Column("kind", String, nullable=False),
    Column("title", Text, nullable=False),
    Column("status", String, nullable=False),
    Column("version", Integer, nullable=False),
    Column("data", Text, nullable=False),  # JSON of records.to_dict
    Column("created_at", String, nullable=False),
    Column("updated_at", String, nullable=False),
    Column("updated_by", String, nullable=False),
    Column("deleted_at", String),  # not null: in the bin
    Index("ix_records_kind", "kind"),
)

record_versions = Table(
    "record_versions",
    metadata,
    Column("record_id", String, nullable=False),
    Column("version", Integer, nullable=False),
    Column("data", Text, nullable=False),
    Column("saved_at", String, nullable=False),
    Column("saved_by", String, nullable=False),
    Column("action", String, nullable=False),  # create | update | delete | restore
    Index("ix_versions_record", "record_id", "version", unique=True),
)

blobs = Table(
    "blobs",
    metadata,
    Column("sha256", String, primary_key=True),
    Column("size", Integer, nullable=False),
    Column("media_type", String, nullable=False),
    Column("text", Text, nullable=False, default=""),
    Column("text_status", String, nullable=False),  # ok | empty | unsupported | error
    Column("message", Text, nullable=False, default=""),
    Column("added_at", String, nullable=False),
)

index_journal = Table(
    "index_journal",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("record_id", String, nullable=False),
    Column("op", String, nullable=False),  # upsert | delete
    Column("queued_at", String, nullable=False),
)

collections = Table(
    "collections",
    metadata,
    Column("id", String, primary_key=True),
    Column("name", String, nullable=False, unique=True),
    Column("version", Integer, nullable=False),
    Column("data", Text, nullable=False),
    Column("updated_at", String, nullable=False),
)

counters = Table(
    "counters",
    metadata,
    Column("prefix", String, primary_key=True),
    Column("value", Integer, nullable=False),
)

search_log = Table(
    "search_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String, nullable=False),
    Column("query", Text, nullable=False),
    Column("filters", Text, nullable=False),  # JSON: facet -> values
    Column("total", Integer, nullable=False),
    Column("elapsed_ms", Float, nullable=False),
    Column("corrected", Text),  # the query actually searched, when search changed it
    Column("source", String, nullable=False),  # cli | widget | api
)

near_duplicates = Table(
    "near_duplicates",
    metadata,
    Column("first_id", String, nullable=False),  # the record already in the catalogue
    Column("second_id", String, nullable=False),  # the record the import added
    Column("score", Float, nullable=False),  # estimated word-shingle similarity, 0..1
    Column("reason", String, nullable=False),  # text | title
    Column("status", String, nullable=False),  # open | dismissed | merged
    Column("found_at", String, nullable=False),
    Column("decided_by", String, nullable=False, default=""),
    Index("ix_near_duplicates_pair", "first_id", "second_id", unique=True),
)

# -- textbooks: changes of the federal list, schools' lists and a methodist's choices -----------

list_changes = Table(
    "list_changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String, nullable=False),
    Column("file", Text, nullable=False),
    Column("record_id", String, nullable=False),
    Column("change", String, nullable=False),  # added | excluded | date_changed | updated
    Column("old", String, nullable=False, default=""),
    Column("new", String, nullable=False, default=""),
)

school_lists = Table(
    "school_lists",
    metadata,
    Column("school", String, primary_key=True),
    Column("file", Text, nullable=False),
    Column("imported_at", String, nullable=False),
    Column("imported_by", String, nullable=False),
    Column("rows", Text, nullable=False),  # JSON list of textbooks.schools.SchoolRow
)

textbook_choices = Table(
    "textbook_choices",
    metadata,
    Column("school", String, nullable=False),
    Column("row_key", Text, nullable=False),  # the row's authors, title and grades, folded
    Column("record_id", String, nullable=False),  # "" : the methodist says it is not in the list
    Column("decided_by", String, nullable=False),
    Column("decided_at", String, nullable=False),
    Index("ix_textbook_choices", "school", "row_key", unique=True),
)

V1_TABLES = ("records", "record_versions", "blobs", "index_journal", "collections", "counters")


def _v1_initial(conn: Connection) -> None:
    metadata.create_all(conn, tables=[metadata.tables[name] for name in V1_TABLES])


def _v2_search_log(conn: Connection) -> None:
    search_log.create(conn)


def _v3_near_duplicates(conn: Connection) -> None:
    near_duplicates.create(conn, checkfirst=True)


def _v4_textbooks(conn: Connection) -> None:
    for table in (list_changes, school_lists, textbook_choices):
        table.create(conn, checkfirst=True)


# The search tables of a PostgreSQL catalogue (``index/pg/``): one row per searchable record
# (a weighted ``russian`` tsvector, GIN-indexed, the facet values as arrays, what a hit shows),
# the words of the catalogue for typo repair (pg_trgm trigram index) and the index's state.
# The extension is created once per database, in ``public`` when that schema exists, so that
# dropping one catalogue's schema never drops another's trigram index.
PG_SEARCH_TABLES = """
CREATE TABLE IF NOT EXISTS search_docs (
    id text PRIMARY KEY,
    version integer NOT NULL,
    title text NOT NULL,
    authors text NOT NULL,
    annotation text NOT NULL,
    kind text[] NOT NULL,
    subject text[] NOT NULL,
    grade text[] NOT NULL,
    level text[] NOT NULL,
    resource_type text[] NOT NULL,
    organisation text[] NOT NULL,
    year text[] NOT NULL,
    status text[] NOT NULL,
    title_sort text NOT NULL,
    date_sort text NOT NULL,
    sources jsonb NOT NULL,
    hashes text[] NOT NULL,
    content_words integer NOT NULL,
    tsv tsvector NOT NULL,
    authors_tsv tsvector NOT NULL,
    keywords_tsv tsvector NOT NULL,
    annotation_tsv tsvector NOT NULL,
    org_tsv tsvector NOT NULL
);
CREATE INDEX IF NOT EXISTS search_docs_tsv ON search_docs USING gin (tsv);
CREATE INDEX IF NOT EXISTS search_docs_authors ON search_docs USING gin (authors_tsv);
CREATE INDEX IF NOT EXISTS search_docs_keywords ON search_docs USING gin (keywords_tsv);
CREATE INDEX IF NOT EXISTS search_docs_annotation ON search_docs USING gin (annotation_tsv);
CREATE INDEX IF NOT EXISTS search_docs_org ON search_docs USING gin (org_tsv);
CREATE INDEX IF NOT EXISTS search_docs_subject ON search_docs USING gin (subject);
CREATE INDEX IF NOT EXISTS search_docs_grade ON search_docs USING gin (grade);
CREATE INDEX IF NOT EXISTS search_docs_date ON search_docs (date_sort);
CREATE TABLE IF NOT EXISTS search_terms (term text PRIMARY KEY);
CREATE INDEX IF NOT EXISTS search_terms_prefix ON search_terms (term text_pattern_ops);
CREATE INDEX IF NOT EXISTS search_terms_trgm ON search_terms USING gin (term {trgm}.gin_trgm_ops);
CREATE TABLE IF NOT EXISTS search_state (version integer NOT NULL)
"""


def trigram_schema(conn: Connection) -> str:
    """The schema holding the pg_trgm extension (created there first when missing)."""
    found = conn.execute(
        text("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'")
    ).scalar()
    if found is None:
        public = conn.execute(text("SELECT 1 FROM pg_namespace WHERE nspname = 'public'")).scalar()
        where = " SCHEMA public" if public else ""
        conn.execute(text(f"CREATE EXTENSION IF NOT EXISTS pg_trgm{where}"))
        return trigram_schema(conn)
    return str(found)


def _postgresql_script(conn: Connection, script: Callable[[], str]) -> None:
    """Run ``script()`` statement by statement on PostgreSQL; nothing on SQLite."""
    if conn.dialect.name != "postgresql":
        return
    for statement in script().split(";"):
        conn.execute(text(statement))


def _v5_pg_search(conn: Connection) -> None:
    """PostgreSQL only: the search tables (SQLite catalogues search with Whoosh)."""
    _postgresql_script(conn, lambda: PG_SEARCH_TABLES.format(trgm=trigram_schema(conn)))


# A search ranks a first cut of the records it finds by their short fields alone (``meta_tsv``:
# title, authors, keywords, file names, annotation, vocabulary words — never the attachments'
# long text, which only the cut's records have read), kept in the row itself (a search reads
# it for every record found), and finds words limited to those fields there; every facet
# array is GIN-indexed (a grade or a filter never scans the table); the record count and the
# attachments' total word count are kept in ``search_state`` rather than recounted per search.
PG_SEARCH_CUT = """
ALTER TABLE search_docs ADD COLUMN IF NOT EXISTS meta_tsv tsvector NOT NULL DEFAULT ''::tsvector;
ALTER TABLE search_docs ALTER COLUMN meta_tsv SET STORAGE MAIN;
CREATE INDEX IF NOT EXISTS search_docs_meta ON search_docs USING gin (meta_tsv);
CREATE INDEX IF NOT EXISTS search_docs_kind ON search_docs USING gin (kind);
CREATE INDEX IF NOT EXISTS search_docs_level ON search_docs USING gin (level);
CREATE INDEX IF NOT EXISTS search_docs_resource_type ON search_docs USING gin (resource_type);
CREATE INDEX IF NOT EXISTS search_docs_organisation ON search_docs USING gin (organisation);
CREATE INDEX IF NOT EXISTS search_docs_year ON search_docs USING gin (year);
CREATE INDEX IF NOT EXISTS search_docs_status ON search_docs USING gin (status);
ALTER TABLE search_state ADD COLUMN IF NOT EXISTS records bigint NOT NULL DEFAULT 0;
ALTER TABLE search_state ADD COLUMN IF NOT EXISTS words bigint NOT NULL DEFAULT 0
"""


def _v6_pg_search_cut(conn: Connection) -> None:
    """PostgreSQL only: the short fields' own tsvector and the cached record statistics."""
    _postgresql_script(conn, lambda: PG_SEARCH_CUT)


# Every search reads the facet arrays and sort keys of each record it finds (counts, filters,
# order): they stay in the row itself. Left to the default, a wide row (its tsvectors) pushes
# them out to the TOAST table, and every value read costs three buffer reads.
PG_INLINE = (
    "kind",
    "subject",
    "grade",
    "level",
    "resource_type",
    "organisation",
    "year",
    "status",
    "title_sort",
    "date_sort",
)


def _v7_pg_inline_facets(conn: Connection) -> None:
    """PostgreSQL only: the facet arrays and sort keys kept in the row (``STORAGE MAIN``;
    rows written before keep their layout until the search table is rebuilt)."""
    main = ", ".join(f"ALTER COLUMN {column} SET STORAGE MAIN" for column in PG_INLINE)
    _postgresql_script(conn, lambda: f"ALTER TABLE search_docs {main}")


# The grades a record's text mentions («5 класс», «пятый класс»), found once when its row is
# written (index/pg): a query naming a grade reads this GIN-indexed array beside ``grade``
# instead of checking phrases in every record's attachments.
PG_GRADES_NAMED = """
ALTER TABLE search_docs ADD COLUMN IF NOT EXISTS grades_named text[] NOT NULL DEFAULT '{}';
ALTER TABLE search_docs ALTER COLUMN grades_named SET STORAGE MAIN;
CREATE INDEX IF NOT EXISTS search_docs_grades_named ON search_docs USING gin (grades_named)
"""


def _v8_pg_grades_named(conn: Connection) -> None:
    """PostgreSQL only: the grades a record's text mentions (filled when the search table is
    rebuilt)."""
    _postgresql_script(conn, lambda: PG_GRADES_NAMED)


# Facet counts group the records a search finds by small integers rather than by their arrays
# of text (hashing an array of strings per record cost more than finding the record): each
# facet's distinct arrays of values get a code once (``search_facet_codes``, the array kept as
# JSON text for lookups and as an array to count by), each row keeps its eight codes.
PG_FACET_CODES = """
CREATE TABLE IF NOT EXISTS search_facet_codes (
    code integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    facet text NOT NULL,
    key text NOT NULL,
    value text[] NOT NULL,
    UNIQUE (facet, key)
);
ALTER TABLE search_docs ADD COLUMN IF NOT EXISTS facet_codes integer[] NOT NULL DEFAULT '{}';
ALTER TABLE search_docs ALTER COLUMN facet_codes SET STORAGE MAIN
"""


def _v9_pg_facet_codes(conn: Connection) -> None:
    """PostgreSQL only: the facet values' codes (filled when the search table is rebuilt)."""
    _postgresql_script(conn, lambda: PG_FACET_CODES)


MIGRATIONS: list[Callable[[Connection], None]] = [
    _v1_initial,
    _v2_search_log,
    _v3_near_duplicates,
    _v4_textbooks,
    _v5_pg_search,
    _v6_pg_search_cut,
    _v7_pg_inline_facets,
    _v8_pg_grades_named,
    _v9_pg_facet_codes,
]
if len(MIGRATIONS) != SCHEMA_VERSION:  # the number a reader checks without SQLAlchemy
    raise RuntimeError(f"{len(MIGRATIONS)} migrations: set SCHEMA_VERSION in storage/common.py")


# The schema version on PostgreSQL (SQLite keeps it in the file header: PRAGMA user_version).
schema_version = Table("imk_schema", MetaData(), Column("version", Integer, nullable=False))
MIGRATION_LOCK = 0x494D4B53  # "IMKS": PostgreSQL advisory lock, one migrating process at a time


def current_version(conn: Connection) -> int:
    """The schema version stored in the database."""
    if conn.dialect.name == "sqlite":
        return int(conn.execute(text("PRAGMA user_version")).scalar_one())
    if not inspect(conn).has_table(schema_version.name):
        return 0
    return int(conn.execute(select(schema_version.c.version)).scalar() or 0)


def set_version(conn: Connection, number: int) -> None:
    """Record the schema version ``number`` in the database."""
    if conn.dialect.name == "sqlite":
        conn.execute(text(f"PRAGMA user_version = {number}"))
    else:
        conn.execute(delete(schema_version))
        conn.execute(insert(schema_version).values(version=number))


def migrate(conn: Connection) -> list[int]:
    """Apply pending migrations inside the caller's transaction; return the versions applied."""
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
        schema_version.create(conn, checkfirst=True)
    found = current_version(conn)
    applied = []
    for number in range(found + 1, SCHEMA_VERSION + 1):
        MIGRATIONS[number - 1](conn)
        set_version(conn, number)
        applied.append(number)
    return applied
