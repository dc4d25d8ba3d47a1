"""The catalogue store: records, their versions, attachment texts and the index journal.

Every save is one SQLite transaction that writes the record, a row in ``record_versions``
(so every version is kept) and a row in ``index_journal`` telling the search index what to
redo. Saves are optimistic: a record carries the version it was read at, and a save of an
outdated version raises :class:`ConflictError` instead of overwriting someone's work.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, func, insert, select, update

from catalogue import schema
from catalogue.i18n import t
from catalogue.records import Collection, Record, collection_from_dict, from_dict, to_dict
from catalogue.validation import ValidationError, check, validate_collection

ID_PREFIX = {"material": "mat", "media": "med", "portfolio": "pf", "collection": "col"}


class StoreError(Exception):
    """A store operation failed; the message is for the user."""


class NotFoundError(StoreError, KeyError):
    """No record or collection with that id or name."""

    def __str__(self) -> str:
        return self.args[0]


class ConflictError(StoreError):
    """Someone saved the record after it was read; nothing was written."""

    def __init__(self, record_id: str, yours: int, current: int, by: str, at: str):
        self.record_id, self.yours, self.current = record_id, yours, current
        super().__init__(
            t("store.conflict", id=record_id, yours=yours, current=current, by=by, at=at)
        )


@dataclass
class Version:
    """One saved version of a record."""

    version: int
    saved_at: str
    saved_by: str
    action: str
    record: Record


COALESCE_SECONDS = 20


def _same_typing(last, query: str, stamp: str) -> bool:
    """Whether ``query`` continues the typing of the logged search ``last``."""
    gap = dt.datetime.fromisoformat(stamp) - dt.datetime.fromisoformat(last.at)
    before, after = last.query.strip().lower(), query.strip().lower()
    return gap.total_seconds() <= COALESCE_SECONDS and bool(before) and bool(after) and (
        after.startswith(before) or before.startswith(after)
    )


def now() -> str:
    """The current UTC time as an ISO string (seconds)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _connect_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # let SQLAlchemy's begin event own transactions
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # Writers take the lock up front (IMMEDIATE), so two writers queue instead of
        # deadlocking; readers use a plain snapshot and never wait for a writer (WAL).
        write = conn.get_execution_options().get("write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


class Store:
    """Access to one catalogue database file."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.engine = _connect_engine(self.path)
        self.writer = self.engine.execution_options(write=True)
        with self.writer.begin() as conn:
            found = schema.current_version(conn)
            if found > schema.SCHEMA_VERSION:
                raise StoreError(
                    t("store.newer_schema", found=found, known=schema.SCHEMA_VERSION)
                )
            schema.migrate(conn)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    # -- records -------------------------------------------------------------------------

    def _next_id(self, conn: Connection, kind: str) -> str:
        prefix = ID_PREFIX[kind]
        row = conn.execute(
            select(schema.counters.c.value).where(schema.counters.c.prefix == prefix)
        ).first()
        value = (row[0] if row else 0) + 1
        if row:
            conn.execute(
                update(schema.counters)
                .where(schema.counters.c.prefix == prefix)
                .values(value=value)
            )
        else:
            conn.execute(insert(schema.counters).values(prefix=prefix, value=value))
        return f"{prefix}-{value:06d}"

    def _write(self, conn: Connection, record: Record, by: str, action: str = "") -> Record:
        stamp = now()
        current = None
        if record.id:
            current = conn.execute(
                select(
                    schema.records.c.version,
                    schema.records.c.updated_by,
                    schema.records.c.updated_at,
                ).where(schema.records.c.id == record.id)
            ).first()
        if current is not None and current.version != record.version:
            raise ConflictError(
                record.id, record.version, current.version, current.updated_by, current.updated_at
            )
        if not record.id:
            record.id = self._next_id(conn, record.kind)
        if current is None:
            record.created_at = record.created_at or stamp
            record.created_by = record.created_by or by
        record.version = (current.version if current else 0) + 1
        record.updated_at, record.updated_by = stamp, by
        data = json.dumps(to_dict(record), ensure_ascii=False)
        values = dict(
            kind=record.kind,
            title=record.title,
            status=record.status,
            version=record.version,
            data=data,
            updated_at=stamp,
            updated_by=by,
        )
        if current is None:
            conn.execute(
                insert(schema.records).values(id=record.id, created_at=record.created_at, **values)
            )
        else:
            done = conn.execute(
                update(schema.records)
                .where(schema.records.c.id == record.id)
                .where(schema.records.c.version == current.version)
                .values(deleted_at=None, **values)
            )
            if done.rowcount != 1:  # pragma: no cover - guarded by BEGIN IMMEDIATE
                raise ConflictError(record.id, record.version - 1, -1, "?", "?")
        conn.execute(
            insert(schema.record_versions).values(
                record_id=record.id,
                version=record.version,
                data=data,
                saved_at=stamp,
                saved_by=by,
                action=action or ("create" if current is None else "update"),
            )
        )
        self._queue(conn, record.id, "upsert")
        return record

    def _queue(self, conn: Connection, record_id: str, op: str) -> None:
        conn.execute(
            insert(schema.index_journal).values(record_id=record_id, op=op, queued_at=now())
        )

    def save(self, record: Record, by: str) -> Record:
        """Validate and save one record (new when it has no id); return it with its new version.

        Raises :class:`ValidationError` (nothing written) or :class:`ConflictError` when the
        record was changed since ``record.version`` was read.
        """
        check(record)
        with self.writer.begin() as conn:
            return self._write(conn, record, by)

    def save_many(self, records: Iterable[Record], by: str) -> list[Record]:
        """Validate all, then save all in one transaction: either every record is saved or none."""
        records = list(records)
        errors = []
        for n, record in enumerate(records, 1):
            try:
                check(record)
            except ValidationError as exc:
                errors.append(f"#{n} «{record.title}»: {exc}")
        if errors:
            raise StoreError("\n".join(errors))
        with self.writer.begin() as conn:
            return [self._write(conn, record, by) for record in records]

    def get(self, record_id: str, include_deleted: bool = False) -> Record:
        """The current version of a record; :class:`NotFoundError` if there is none."""
        query = select(schema.records.c.data).where(schema.records.c.id == record_id)
        if not include_deleted:
            query = query.where(schema.records.c.deleted_at.is_(None))
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            raise NotFoundError(t("store.not_found", id=record_id))
        return from_dict(json.loads(row.data))

    def versions(self) -> dict[str, int]:
        """Current version of every live record, by id (what the index should hold)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(schema.records.c.id, schema.records.c.version).where(
                    schema.records.c.deleted_at.is_(None)
                )
            )
            return {r.id: r.version for r in rows}

    def delete(self, record_id: str, by: str) -> None:
        """Move a record to the bin (a new version; the index drops it)."""
        with self.writer.begin() as conn:
            record = self._load(conn, record_id)
            stamp = now()
            record.version += 1
            record.updated_at, record.updated_by = stamp, by
            data = json.dumps(to_dict(record), ensure_ascii=False)
            conn.execute(
                update(schema.records)
                .where(schema.records.c.id == record_id)
                .values(deleted_at=stamp, version=record.version, data=data,
                        updated_at=stamp, updated_by=by)
            )
            conn.execute(
                insert(schema.record_versions).values(
                    record_id=record_id, version=record.version, data=data,
                    saved_at=stamp, saved_by=by, action="delete",
                )
            )
            self._queue(conn, record_id, "delete")

    def _load(self, conn: Connection, record_id: str) -> Record:
        row = conn.execute(
            select(schema.records.c.data)
            .where(schema.records.c.id == record_id)
            .where(schema.records.c.deleted_at.is_(None))
        ).first()
        if row is None:
            raise NotFoundError(t("store.not_found", id=record_id))
        return from_dict(json.loads(row.data))

    def history(self, record_id: str) -> list[Version]:
        """Every saved version of a record, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(schema.record_versions)
                .where(schema.record_versions.c.record_id == record_id)
                .order_by(schema.record_versions.c.version)
            ).all()
        if not rows:
            raise NotFoundError(t("store.not_found", id=record_id))
        return [
            Version(r.version, r.saved_at, r.saved_by, r.action, from_dict(json.loads(r.data)))
            for r in rows
        ]

    def iter_records(self, kind: str | None = None, batch: int = 500) -> Iterator[Record]:
        """All live records (optionally of one kind), ordered by id."""
        last = ""
        while True:
            query = (
                select(schema.records.c.id, schema.records.c.data)
                .where(schema.records.c.deleted_at.is_(None))
                .where(schema.records.c.id > last)
                .order_by(schema.records.c.id)
                .limit(batch)
            )
            if kind:
                query = query.where(schema.records.c.kind == kind)
            with self.engine.connect() as conn:
                rows = conn.execute(query).all()
            if not rows:
                return
            for row in rows:
                yield from_dict(json.loads(row.data))
            last = rows[-1].id

    def count(self, kind: str | None = None) -> int:
        """How many live records there are (of one kind, or all)."""
        query = select(func.count()).select_from(schema.records).where(
            schema.records.c.deleted_at.is_(None)
        )
        if kind:
            query = query.where(schema.records.c.kind == kind)
        with self.engine.connect() as conn:
            return conn.execute(query).scalar_one()

    # -- attachment texts ---------------------------------------------------------------

    def has_blob(self, sha256: str) -> bool:
        """Whether an attachment with this hash is known."""
        with self.engine.connect() as conn:
            return conn.execute(
                select(schema.blobs.c.sha256).where(schema.blobs.c.sha256 == sha256)
            ).first() is not None

    def put_blob(
        self, sha256: str, size: int, media_type: str, text: str, status: str, message: str = ""
    ) -> None:
        """Remember an attachment's extracted text (once per content hash)."""
        with self.writer.begin() as conn:
            conn.execute(
                insert(schema.blobs)
                .prefix_with("OR IGNORE")
                .values(sha256=sha256, size=size, media_type=media_type, text=text,
                        text_status=status, message=message, added_at=now())
            )

    def texts(self, hashes: Iterable[str]) -> dict[str, str]:
        """Extracted texts of the given attachments, by hash."""
        hashes = list(set(hashes))
        if not hashes:
            return {}
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(schema.blobs.c.sha256, schema.blobs.c.text).where(
                    schema.blobs.c.sha256.in_(hashes)
                )
            )
            return {r.sha256: r.text for r in rows}

    def text_of(self, record: Record) -> str:
        """The extracted text of all of a record's attachments."""
        texts = self.texts(a.sha256 for a in record.attachments)
        return "\n\n".join(texts.get(a.sha256, "") for a in record.attachments).strip()

    # -- index journal ------------------------------------------------------------------

    def pending(self, limit: int | None = None) -> list[tuple[int, str, str]]:
        """Queued index work as ``(seq, record_id, op)``, oldest first."""
        query = select(schema.index_journal).order_by(schema.index_journal.c.seq)
        if limit:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            return [(r.seq, r.record_id, r.op) for r in conn.execute(query)]

    def acknowledge(self, upto_seq: int) -> None:
        """Forget queued index work up to and including ``upto_seq`` (it is in the index)."""
        with self.writer.begin() as conn:
            journal = schema.index_journal
            conn.execute(journal.delete().where(journal.c.seq <= upto_seq))

    # -- collections --------------------------------------------------------------------

    def save_collection(self, collection: Collection) -> Collection:
        """Create or update a collection (optimistic, like records)."""
        errors = validate_collection(collection)
        if errors:
            raise ValidationError(errors)
        stamp = now()
        with self.writer.begin() as conn:
            row = None
            if collection.id:
                row = conn.execute(
                    select(schema.collections.c.version).where(
                        schema.collections.c.id == collection.id
                    )
                ).first()
            if row is None:
                taken = conn.execute(
                    select(schema.collections.c.id).where(
                        schema.collections.c.name == collection.name
                    )
                ).first()
                if taken:
                    raise StoreError(t("store.collection_exists", name=collection.name))
                collection.id = collection.id or self._next_id(conn, "collection")
                collection.created_at = stamp
            elif row.version != collection.version:
                raise ConflictError(collection.id, collection.version, row.version, "?", "?")
            collection.version += 1
            collection.updated_at = stamp
            values = dict(
                name=collection.name,
                version=collection.version,
                data=json.dumps(to_dict(collection), ensure_ascii=False),
                updated_at=stamp,
            )
            if row is None:
                conn.execute(insert(schema.collections).values(id=collection.id, **values))
            else:
                conn.execute(
                    update(schema.collections)
                    .where(schema.collections.c.id == collection.id)
                    .values(**values)
                )
        return collection

    def get_collection(self, name: str) -> Collection:
        """A collection by its short name or id."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(schema.collections.c.data).where(
                    (schema.collections.c.name == name) | (schema.collections.c.id == name)
                )
            ).first()
        if row is None:
            raise NotFoundError(t("store.collection_not_found", name=name))
        return collection_from_dict(json.loads(row.data))

    def list_collections(self) -> list[Collection]:
        """All collections, by name."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(schema.collections.c.data).order_by(schema.collections.c.name)
            )
            return [collection_from_dict(json.loads(r.data)) for r in rows]

    # -- search log ---------------------------------------------------------------------

    def log_search(
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
        values = dict(at=stamp, query=query, filters=json.dumps(filters, ensure_ascii=False),
                      total=total, elapsed_ms=elapsed_ms, corrected=corrected, source=source)
        with self.writer.begin() as conn:
            last = conn.execute(select(log).order_by(log.c.id.desc()).limit(1)).first()
            if last is not None and last.source == source and _same_typing(last, query, stamp):
                conn.execute(update(log).where(log.c.id == last.id).values(**values))
            else:
                conn.execute(insert(log).values(**values))

    def search_log(self, since: str | None = None) -> list[dict]:
        """Logged searches, oldest first (``since``: an ISO time to start from)."""
        query = select(schema.search_log).order_by(schema.search_log.c.id)
        if since:
            query = query.where(schema.search_log.c.at >= since)
        with self.engine.connect() as conn:
            return [
                {**row._asdict(), "filters": json.loads(row.filters)}
                for row in conn.execute(query)
            ]

    # -- statistics ---------------------------------------------------------------------

    def stats(self) -> dict:
        """Counts by kind and status, records with/without attachment text, attachment totals."""
        by_kind: Counter[str] = Counter()
        by_status: Counter[str] = Counter()
        with_text = 0
        hashes: set[str] = set()
        with self.engine.connect() as conn:
            texts = {
                r.sha256: (r.text_status, r.size)
                for r in conn.execute(
                    select(schema.blobs.c.sha256, schema.blobs.c.text_status, schema.blobs.c.size)
                )
            }
        for record in self.iter_records():
            by_kind[record.kind] += 1
            by_status[record.status] += 1
            own = [a.sha256 for a in record.attachments]
            hashes.update(own)
            if any(texts.get(h, ("", 0))[0] == "ok" for h in own):
                with_text += 1
        total = sum(by_kind.values())
        return {
            "records": total,
            "by_kind": dict(sorted(by_kind.items())),
            "by_status": dict(sorted(by_status.items())),
            "with_text": with_text,
            "without_text": total - with_text,
            "attachments": len(hashes),
            "attachments_bytes": sum(texts.get(h, ("", 0))[1] for h in hashes),
        }

    # -- curation -----------------------------------------------------------------------

    def save_as(self, record: Record, by: str, action: str) -> Record:
        """Like :meth:`save`, naming the action in the history (``status``, ``review``,
        ``restore``, ``merge``…)."""
        check(record)
        with self.writer.begin() as conn:
            return self._write(conn, record, by, action)

    def binned(self) -> list[Record]:
        """Records in the bin, most recently deleted first (``updated_by`` deleted them)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(schema.records.c.data)
                .where(schema.records.c.deleted_at.is_not(None))
                .order_by(schema.records.c.deleted_at.desc(), schema.records.c.id)
            ).all()
        return [from_dict(json.loads(r.data)) for r in rows]

    def undelete(self, record_id: str, by: str) -> Record:
        """Take a record out of the bin as a new version (action ``undelete``)."""
        with self.writer.begin() as conn:
            row = conn.execute(
                select(schema.records.c.data, schema.records.c.deleted_at)
                .where(schema.records.c.id == record_id)
            ).first()
            if row is None or row.deleted_at is None:
                raise NotFoundError(t("curation.not_in_bin", id=record_id))
            return self._write(conn, from_dict(json.loads(row.data)), by, "undelete")

    # -- ingest: imported files and near-duplicates -----------------------------------------

    def save_imported(self, record: Record, by: str, blob: dict | None = None) -> Record:
        """Save a new record and its attachment's extracted text in ONE transaction.

        ``blob`` has the :data:`schema.blobs` columns except ``added_at``; either both rows are
        written or neither (an import that fails leaves no half-written record or text).
        """
        check(record)
        with self.writer.begin() as conn:
            if blob is not None:
                conn.execute(
                    insert(schema.blobs).prefix_with("OR IGNORE").values(**blob, added_at=now())
                )
            return self._write(conn, record, by, action="import")

    def attachment_owners(self) -> dict[str, str]:
        """The first live record holding each attachment hash: ``{sha256: record_id}``."""
        owners: dict[str, str] = {}
        for record in self.iter_records():
            for attachment in record.attachments:
                owners.setdefault(attachment.sha256, record.id)
        return owners

    def add_near_duplicates(self, pairs: Iterable[tuple[str, str, float, str]]) -> int:
        """Remember ``(first_id, second_id, score, reason)`` pairs (known pairs are kept)."""
        rows = [dict(first_id=a, second_id=b, score=round(s, 3), reason=r, status="open",
                     found_at=now(), decided_by="") for a, b, s, r in pairs]
        if not rows:
            return 0
        with self.writer.begin() as conn:
            done = conn.execute(
                insert(schema.near_duplicates).prefix_with("OR IGNORE"), rows
            )
            return done.rowcount

    def near_duplicates(self, status: str | None = "open") -> list[dict]:
        """Near-duplicate pairs found by imports (``status``: open, dismissed, merged or None)."""
        table = schema.near_duplicates
        query = select(table).order_by(table.c.found_at, table.c.first_id, table.c.second_id)
        if status:
            query = query.where(table.c.status == status)
        with self.engine.connect() as conn:
            return [row._asdict() for row in conn.execute(query)]

    def decide_near_duplicate(self, first_id: str, second_id: str, status: str, by: str) -> None:
        """Mark a pair ``dismissed`` (not duplicates) or ``merged``."""
        table = schema.near_duplicates
        with self.writer.begin() as conn:
            done = conn.execute(
                update(table)
                .where(table.c.first_id == first_id)
                .where(table.c.second_id == second_id)
                .values(status=status, decided_by=by)
            )
        if done.rowcount != 1:
            raise NotFoundError(t("ingest.pair_not_found", first=first_id, second=second_id))
