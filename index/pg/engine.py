"""The search index of a PostgreSQL catalogue: the ``search_docs`` table beside the records.

:meth:`index.engine.CatalogueIndex.open` returns a :class:`PgIndex` when the store is
PostgreSQL, so every caller (CLI, widgets, plugins) gets the same interface.

The table follows the store's index journal, like the Whoosh index, but here replaying and
acknowledging are one transaction: the documents written and the journal rows removed commit
together (never half-done, nothing to heal after a crash). A document needs the attachments'
extracted text, the vocabulary's labels and the privacy rule (:mod:`index.documents`), which
the store may not import, so the save itself cannot write it; instead every search first
replays what is pending (one indexed ``SELECT`` on an empty journal, a few milliseconds for a
save), so a search never reads a stale table, and a save is searchable at the next search in
any process. Replays take an advisory lock, one at a time.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.exc import OperationalError

from catalogue.records import Record
from catalogue.schema import index_journal, trigram_schema
from catalogue.store import NotFoundError, Store
from catalogue.workspace import Workspace
from index.documents import document
from index.engine import CatalogueIndex, IndexCheck, Progress, compare
from index.names import FACETS
from index.pg import table
from index.pg.sql import LABELS, grade_mentions
from index.schema import build_schema
from index.search import SearchResult

WORD = re.compile(r"\w+")
PG_INDEX_VERSION = 5  # bump when a document's row changes (its code or its vocabulary words)
SYNC_LOCK = 0x494D4B50  # "IMKP": one replay of the journal at a time
BATCH = 500  # records written per statement by a rebuild
MAX_CONTENT = 400_000  # characters of attachment text indexed (a tsvector holds at most 1 MB)


def _vector(param: str, label: str = "") -> str:
    """SQL: the ``russian`` tsvector of a parameter, «ё» folded into «е», weighted by ``label``."""
    vector = f"to_tsvector('russian', translate(:{param}, 'Ёё', 'Ее'))"
    return f"setweight({vector}, '{label}')" if label else vector


def _literal(value: str) -> str:
    """A SQL string literal inside :func:`sqlalchemy.text` (a colon is not a parameter)."""
    return "'" + value.replace("'", "''").replace(":", "\\:") + "'"


# The grades a row's text mentions: each grade's phrases checked once, when the row is written
MENTIONS = ", ".join(
    f"({_literal(grade)}, CAST({_literal(q)} AS tsquery))" for grade, q in grade_mentions().items()
)
WHOLE = " || ".join(_vector(name, label) for name, label in LABELS.items())
# Write a record's row ({table}: search_docs, or the table a rebuild fills)
UPSERT = f"""
WITH v AS MATERIALIZED (SELECT {WHOLE} AS tsv)
INSERT INTO {{table}} (id, version, title, authors, annotation, {", ".join(FACETS)},
    title_sort, date_sort, sources, hashes, content_words, tsv, meta_tsv, authors_tsv,
    keywords_tsv, annotation_tsv, org_tsv, grades_named, facet_codes)
SELECT :id, :version, :title, :authors, :annotation,
    {", ".join(f"CAST(:f_{facet} AS text[])" for facet in FACETS)},
    :title_sort, :date_sort, CAST(:sources AS jsonb), CAST(:hashes AS text[]), :content_words,
    v.tsv,
    {" || ".join(_vector(name, label) for name, label in LABELS.items() if name != "content")},
    {_vector("authors")}, {_vector("keywords")}, {_vector("annotation")}, {_vector("org_text")},
    ARRAY(SELECT m.grade FROM (VALUES {MENTIONS}) m(grade, q) WHERE v.tsv @@ m.q),
    CAST(:codes AS integer[])
FROM v
ON CONFLICT (id) DO UPDATE SET
    {
    ", ".join(
        f"{c} = EXCLUDED.{c}"
        for c in (
            "version",
            "title",
            "authors",
            "annotation",
            *FACETS,
            "title_sort",
            "date_sort",
            "sources",
            "hashes",
            "content_words",
            "tsv",
            "meta_tsv",
            "authors_tsv",
            "keywords_tsv",
            "annotation_tsv",
            "org_tsv",
            "grades_named",
            "facet_codes",
        )
    )
}
"""
# The record count and attachment words of some rows (the cached totals follow each replay:
# the rows' figures read before it, the totals moved by the difference in one statement after)
FIGURES = (
    "count(*) AS n, coalesce(sum(content_words), 0) AS w FROM search_docs WHERE id = ANY(:ids)"
)
STATS = f"SELECT {FIGURES}"
RECOUNT = (
    "UPDATE search_state SET records = records + rows.n - :n, words = words + rows.w - :w "
    f"FROM (SELECT {FIGURES}) rows"
)
NEW_TERMS = """
INSERT INTO search_terms (term)
SELECT DISTINCT t FROM {table}, unnest(tsvector_to_array(tsv)) t
WHERE id = ANY(:ids) AND t !~ '^[0-9]'
ON CONFLICT DO NOTHING
"""


# Each facet's arrays of values get a code once; concurrent writers add missing ones in the
# same (sorted) order; a code stays until a rebuild starts the table over
ADD_CODES = """
INSERT INTO search_facet_codes (facet, key, value)
SELECT f, k, ARRAY(SELECT jsonb_array_elements_text(CAST(k AS jsonb)))
FROM unnest(CAST(:facets AS text[]), CAST(:keys AS text[])) AS n(f, k)
ON CONFLICT (facet, key) DO NOTHING
"""
FIND_CODES = """
SELECT c.facet, c.key, c.code FROM search_facet_codes c
JOIN unnest(CAST(:facets AS text[]), CAST(:keys AS text[])) AS n(f, k) ON c.facet = f AND c.key = k
"""


def _key(values: list[str]) -> str:
    return json.dumps(values, ensure_ascii=False)


def add_codes(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Give each row's parameters its facets' codes (``codes``, in :data:`FACETS` order),
    coding the arrays of values not seen before."""
    if not rows:
        return
    keyed = [[(facet, _key(r[f"f_{facet}"])) for facet in FACETS] for r in rows]
    wanted = sorted({pair for pairs in keyed for pair in pairs})
    params = {"facets": [f for f, _ in wanted], "keys": [k for _, k in wanted]}
    conn.execute(text(ADD_CODES), params)
    codes = {(f, k): code for f, k, code in conn.execute(text(FIND_CODES), params)}
    for r, pairs in zip(rows, keyed, strict=True):
        r["codes"] = [codes[pair] for pair in pairs]


def row(record: Record, content: str) -> dict[str, Any]:
    """The statement parameters of a record's ``search_docs`` row (:func:`index.documents.document`
    decides what is searchable, portfolios through the privacy rule)."""
    doc = document(record, content[:MAX_CONTENT])
    params = {
        name: doc[name]
        for name in ("id", "version", "title", "authors", "annotation", "title_sort", "date_sort")
    }
    params |= {name: doc[name] for name in LABELS}
    params["org_text"] = doc["org_text"]
    params["sources"] = json.dumps(doc["sources"], ensure_ascii=False)
    params["hashes"] = list(doc["hashes"])
    params["content_words"] = len(WORD.findall(doc["content"]))
    for facet in FACETS:
        params[f"f_{facet}"] = [v for v in str(doc[facet]).split(",") if v]
    return params


def write_rows(
    conn: Connection, store: Store, records: list[Record], into: str = table.TABLE
) -> None:
    """Write (insert or replace) the rows of ``records`` into the table ``into`` and add
    their new words."""
    if not records:
        return
    texts = store.texts(a.sha256 for r in records for a in r.attachments)
    rows = [
        row(r, "\n\n".join(texts.get(a.sha256, "") for a in r.attachments).strip()) for r in records
    ]
    add_codes(conn, rows)
    conn.execute(text(UPSERT.format(table=into)), rows)
    conn.execute(text(NEW_TERMS.format(table=into)), {"ids": [r.id for r in records]})


class PgIndex(CatalogueIndex):
    """The search index of a PostgreSQL catalogue, with :class:`CatalogueIndex`'s interface."""

    def __init__(self, workspace: Workspace):  # no Whoosh folder: the table is the index
        self.workspace = workspace
        self.path = workspace.index_dir
        self.db = self.store.db
        self.schema = build_schema()  # what the query parser of index.query reads
        with self.db.read() as conn:
            self.trgm = trigram_schema(conn)

    @classmethod
    def open(cls, workspace: Workspace | Any, progress: Progress | None = None) -> CatalogueIndex:
        """Open (building the table when it is empty or outdated) and replay pending changes."""
        if not isinstance(workspace, Workspace):
            workspace = Workspace.open(workspace)
        if not cls.current(workspace.store):
            cls.build(workspace, progress)
        index = cls(workspace)
        index.sync()
        return index

    @staticmethod
    def current(store: Store) -> bool:
        """Whether the table was built by this program's version of the documents."""
        with store.db.read() as conn:
            found = conn.execute(text("SELECT max(version) FROM search_state")).scalar()
        return found == PG_INDEX_VERSION

    @classmethod
    def build(cls, workspace: Workspace, progress: Progress | None = None) -> int:
        """Write every row into a new table and put it in the old one's place, in one
        transaction (searches read the old rows until it commits, :mod:`index.pg.table`);
        return the record count."""
        store = workspace.store
        total = store.count()
        done = 0
        with store.db.write() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SYNC_LOCK})
            upto = conn.execute(text("SELECT max(seq) FROM index_journal")).scalar()
            table.start(conn)
            conn.execute(text("DELETE FROM search_terms"))
            conn.execute(text("DELETE FROM search_facet_codes"))  # only the arrays in use
            batch: list[Record] = []
            for record in store.iter_records():
                batch.append(record)
                if len(batch) >= BATCH:
                    if progress:  # all done only once the table is indexed and in place
                        progress(done, total)
                    write_rows(conn, store, batch, table.NEXT)
                    done += len(batch)
                    batch = []
            write_rows(conn, store, batch, table.NEXT)
            done += len(batch)
            table.finish(conn)
            if upto is not None:
                conn.execute(index_journal.delete().where(index_journal.c.seq <= upto))
            conn.execute(text("DELETE FROM search_state"))
            conn.execute(
                text(
                    "INSERT INTO search_state (version, records, words) SELECT :v, count(*), "
                    "coalesce(sum(content_words), 0) FROM search_docs"
                ),
                {"v": PG_INDEX_VERSION},
            )
        # the planner learns the new table's statistics now, not when autovacuum comes (and
        # the words and codes the rebuild deleted are vacuumed)
        with store.db.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(
                text("VACUUM (ANALYZE) search_docs, search_terms, search_facet_codes")
            )
        if progress:
            progress(done, total)
        return done

    def rebuild(self, progress: Progress | None = None) -> int:
        """Rebuild the table from the store (see :meth:`build`)."""
        return self.build(self.workspace, progress)

    def sync(self, wait: float = 30.0) -> int:
        """Replay the store's journal into the table and acknowledge it, in one transaction;
        return how many records were redone. When another process replays for longer than
        ``wait`` seconds, the work stays queued for the next call (nothing is lost)."""
        if not self.store.pending(limit=1):
            return 0
        try:
            with self.db.write() as conn:
                conn.execute(
                    text("SELECT set_config('lock_timeout', :ms, true)"),
                    {"ms": f"{max(1, int(wait * 1000))}ms"},
                )
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SYNC_LOCK})
                return self._replay(conn)
        except OperationalError as exc:
            if "lock timeout" in str(exc):
                return 0
            raise

    def _replay(self, conn: Connection) -> int:
        pending = conn.execute(
            index_journal.select().order_by(index_journal.c.seq)
        ).all()  # read under the lock: another replay may have done them
        if not pending:
            return 0
        last_op = {r.record_id: r.op for r in pending}
        records, gone = [], []
        for record_id, op in last_op.items():
            try:
                if op == "upsert":
                    records.append(self.store.get(record_id))
                    continue
            except NotFoundError:
                pass
            gone.append(record_id)
        touched = {"ids": list(last_op)}
        before = conn.execute(text(STATS), touched).one()
        write_rows(conn, self.store, records)
        if gone:
            conn.execute(text("DELETE FROM search_docs WHERE id = ANY(:ids)"), {"ids": gone})
        conn.execute(text(RECOUNT), {**touched, "n": before[0], "w": before[1]})
        conn.execute(index_journal.delete().where(index_journal.c.seq <= pending[-1].seq))
        return len(last_op)

    def indexed_versions(self) -> dict[str, int]:
        """Version of every record in the table, by id."""
        with self.db.read() as conn:
            return {
                r.id: r.version for r in conn.execute(text("SELECT id, version FROM search_docs"))
            }

    def check(self) -> IndexCheck:
        """Compare the table with the store, record by record."""
        return compare(self.store, self.indexed_versions())

    @staticmethod
    def statistics(conn: Connection) -> tuple[int, float]:
        """The records in the table (at least 1) and their attachments' average word count,
        as kept by the build and every replay (never recounted by a search)."""
        records, words = conn.execute(text("SELECT records, words FROM search_state")).one()
        return max(1, int(records)), int(words) / max(1, int(records))

    def doc_count(self) -> int:
        """Records in the table."""
        with self.db.read() as conn:
            return int(conn.execute(text("SELECT count(*) FROM search_docs")).scalar_one())

    def size_bytes(self) -> int:
        """The search tables' size with their indexes."""
        with self.db.read() as conn:
            return int(
                conn.execute(
                    text(
                        "SELECT pg_total_relation_size('search_docs') "
                        "+ pg_total_relation_size('search_terms')"
                    )
                ).scalar_one()
            )

    def close(self) -> None:
        """Nothing to close: the table lives in the store's database (which stays open)."""

    def find_ids(
        self, query: str, filters: dict[str, list[str]] | None = None, limit: int = 1000
    ) -> list[str]:
        """Ids of up to ``limit`` records the query finds, best first (no snippets, no facets)."""
        from index.pg.search import find_ids

        return find_ids(self, query, filters=filters, limit=limit)

    def search(self, query: str = "", **options: Any) -> SearchResult:
        """Search; see :func:`index.search.search` for the options."""
        from index.pg.search import search

        return search(self, query, **options)
