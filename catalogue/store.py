"""The catalogue store: records, their versions, attachment texts and the index journal.

Every save is one SQLite transaction that writes the record, a row in ``record_versions``
(so every version is kept) and a row in ``index_journal`` telling the search index what to
redo. Saves are optimistic: a record carries the version it was read at, and a save of an
outdated version raises :class:`ConflictError` instead of overwriting someone's work.
Collections, the search log, curation and imports live in :mod:`catalogue.storage`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from sqlalchemy import Connection, func, insert, select, update

from catalogue import schema
from catalogue.i18n import t
from catalogue.records import Record, from_dict, to_dict
from catalogue.storage.base import (
    ID_PREFIX,
    ConflictError,
    NotFoundError,
    StoreError,
    Version,
    connect_engine,
    now,
)
from catalogue.storage.collections import CollectionsMixin
from catalogue.storage.curation import CurationMixin
from catalogue.storage.imports import ImportsMixin
from catalogue.storage.search_log import SearchLogMixin
from catalogue.validation import ValidationError, check

__all__ = ["ConflictError", "NotFoundError", "Store", "StoreError", "Version", "now"]


class Store(CollectionsMixin, SearchLogMixin, CurationMixin, ImportsMixin):
    """Access to one catalogue database file."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.engine = connect_engine(self.path)
        self.writer = self.engine.execution_options(write=True)
        with self.writer.begin() as conn:
            found = schema.current_version(conn)
            if found > schema.SCHEMA_VERSION:
                raise StoreError(t("store.newer_schema", found=found, known=schema.SCHEMA_VERSION))
            schema.migrate(conn)
        # Called with the records of every committed save (the workspace publishes their
        # attachment files then: a file appears only after the record naming it exists).
        self.after_save: list[Callable[[list[Record]], None]] = []

    def _saved(self, records: list[Record]) -> None:
        for hook in self.after_save:
            hook(records)

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
            saved = self._write(conn, record, by)
        self._saved([saved])
        return saved

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
            saved = [self._write(conn, record, by) for record in records]
        self._saved(saved)
        return saved

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
                .values(
                    deleted_at=stamp,
                    version=record.version,
                    data=data,
                    updated_at=stamp,
                    updated_by=by,
                )
            )
            conn.execute(
                insert(schema.record_versions).values(
                    record_id=record_id,
                    version=record.version,
                    data=data,
                    saved_at=stamp,
                    saved_by=by,
                    action="delete",
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
        query = (
            select(func.count())
            .select_from(schema.records)
            .where(schema.records.c.deleted_at.is_(None))
        )
        if kind:
            query = query.where(schema.records.c.kind == kind)
        with self.engine.connect() as conn:
            return conn.execute(query).scalar_one()

    # -- attachment texts ---------------------------------------------------------------

    def has_blob(self, sha256: str) -> bool:
        """Whether an attachment with this hash is known."""
        with self.engine.connect() as conn:
            return (
                conn.execute(
                    select(schema.blobs.c.sha256).where(schema.blobs.c.sha256 == sha256)
                ).first()
                is not None
            )

    def put_blob(
        self, sha256: str, size: int, media_type: str, text: str, status: str, message: str = ""
    ) -> None:
        """Remember an attachment's extracted text (once per content hash)."""
        with self.writer.begin() as conn:
            conn.execute(
                insert(schema.blobs)
                .prefix_with("OR IGNORE")
                .values(
                    sha256=sha256,
                    size=size,
                    media_type=media_type,
                    text=text,
                    text_status=status,
                    message=message,
                    added_at=now(),
                )
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
