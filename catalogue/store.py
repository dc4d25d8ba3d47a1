"""The catalogue store: records, their versions, attachment texts and the index journal.

Every save is one database transaction (SQLite or PostgreSQL) that writes the record, a row
in ``record_versions`` (so every version is kept) and a row in ``index_journal`` telling the
search index what to redo. Saves are optimistic: a record carries the version it was read
at, and a save of an outdated version raises :class:`ConflictError` instead of overwriting
someone's work.
The store is composed of parts that share its :class:`~catalogue.storage.base.Database`:
``store.collections``, ``store.curation``, ``store.imports`` and ``store.search_log``
(:mod:`catalogue.storage`); records are written by :mod:`catalogue.storage.records`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError

from catalogue import schema
from catalogue.records import Record, RecordT, from_dict, to_dict
from catalogue.storage import lookups
from catalogue.storage.base import Database, insert_or_ignore, runner, shown_url
from catalogue.storage.collections import Collections
from catalogue.storage.common import (
    SCHEMA_VERSION,
    ConflictError,
    NotFoundError,
    StoreError,
    Version,
    check_version,
    now,
    sqlite_url,
)
from catalogue.storage.curation import Curation
from catalogue.storage.imports import Imports
from catalogue.storage.records import add_version, load_live, queue, save_record, write_record
from catalogue.storage.search_log import SearchLog
from catalogue.validation import ValidationError, check

__all__ = ["ConflictError", "NotFoundError", "Store", "StoreError", "Version", "now"]


class Store:
    """Access to one catalogue database: a SQLite file (a path) or a database URL."""

    def __init__(self, where: Path | str) -> None:
        self.url = sqlite_url(where) if isinstance(where, Path) else where
        self.db = Database(self.url)
        self.after_save = self.db.after_save  # see Database.write
        self.collections = Collections(self.db)
        self.curation = Curation(self.db)
        self.imports = Imports(self.db, self.iter_records)
        self.search_log = SearchLog(self.db)
        try:
            with self.db.read() as conn:  # a write transaction only when there is work
                found = schema.current_version(conn)
            check_version(found)
            if found < SCHEMA_VERSION:
                with self.db.write() as conn:
                    check_version(schema.current_version(conn))  # another program's, meanwhile
                    schema.migrate(conn)
        except OperationalError as exc:  # e.g. the server is down or refuses the user
            self.db.close()
            problem = str(exc.orig or exc).strip().splitlines()[0]
            raise StoreError("store.unreachable", url=shown_url(self.url), problem=problem) from exc

    def close(self) -> None:
        """Release the database connections."""
        self.db.close()

    # -- records -------------------------------------------------------------------------

    def save(self, record: RecordT, by: str) -> RecordT:
        """Validate and save one record (new when it has no id); return it with its new version.

        Raises :class:`ValidationError` (nothing written) or :class:`ConflictError` when the
        record was changed since ``record.version`` was read.
        """
        return save_record(self.db, record, by)

    def save_many(self, records: Iterable[RecordT], by: str) -> list[RecordT]:
        """Validate all, then save all in one transaction: either every record is saved or none."""
        records = list(records)
        errors: list[str] = []
        for n, record in enumerate(records, 1):
            try:
                check(record)
            except ValidationError as exc:
                errors.append(f"#{n} «{record.title}»: {exc}")
        if errors:
            raise StoreError("store.invalid_many", problems="\n".join(errors))
        # rows are locked in id order, so two batches touching the same records queue instead
        # of each holding one lock the other waits for (a deadlock on PostgreSQL)
        order = sorted(range(len(records)), key=lambda n: (not records[n].id, records[n].id))
        saved: dict[int, RecordT] = {}
        with self.db.write() as conn:
            for n in order:
                saved[n] = write_record(conn, records[n], by)
        return [saved[n] for n in range(len(records))]

    def get(self, record_id: str, include_deleted: bool = False) -> Record:
        """The current version of a record; :class:`NotFoundError` if there is none."""
        query = select(schema.records.c.data).where(schema.records.c.id == record_id)
        if not include_deleted:
            query = query.where(schema.records.c.deleted_at.is_(None))
        with self.db.read() as conn:
            row = conn.execute(query).first()
        if row is None:
            raise NotFoundError("store.not_found", id=record_id)
        return from_dict(json.loads(row.data))

    def versions(self) -> dict[str, int]:
        """Current version of every live record, by id (what the index should hold)."""
        with self.db.read() as conn:
            rows = conn.execute(
                select(schema.records.c.id, schema.records.c.version).where(
                    schema.records.c.deleted_at.is_(None)
                )
            )
            return {r.id: r.version for r in rows}

    def delete(self, record_id: str, by: str) -> None:
        """Move a record to the bin (a new version; the index drops it)."""
        with self.db.write() as conn:
            record = load_live(conn, record_id)
            record.version += 1
            record.updated_at, record.updated_by = now(), by
            data = json.dumps(to_dict(record), ensure_ascii=False)
            conn.execute(
                update(schema.records)
                .where(schema.records.c.id == record_id)
                .values(
                    deleted_at=record.updated_at,
                    version=record.version,
                    data=data,
                    updated_at=record.updated_at,
                    updated_by=by,
                )
            )
            add_version(conn, record, data, by, "delete")
            queue(conn, record_id, "delete")

    def history(self, record_id: str) -> list[Version]:
        """Every saved version of a record, oldest first."""
        with self.db.read() as conn:
            rows = conn.execute(
                select(schema.record_versions)
                .where(schema.record_versions.c.record_id == record_id)
                .order_by(schema.record_versions.c.version)
            ).all()
        if not rows:
            raise NotFoundError("store.not_found", id=record_id)
        return [
            Version(r.version, r.saved_at, r.saved_by, r.action, from_dict(json.loads(r.data)))
            for r in rows
        ]

    def iter_records(
        self, kind: str | None = None, batch: int = 500, share: tuple[int, int] = (0, 1)
    ) -> Iterator[Record]:
        """All live records (optionally of one kind), ordered by id; with ``share`` (part,
        parts) only every ``parts``-th from the ``part``-th (the others are not decoded)."""
        part, parts = share
        n, last = 0, ""
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
            with self.db.read() as conn:
                rows = conn.execute(query).all()
            if not rows:
                return
            for row in rows:
                if n % parts == part:
                    yield from_dict(json.loads(row.data))
                n += 1
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
        with self.db.read() as conn:
            return conn.execute(query).scalar_one()

    # -- attachment texts ---------------------------------------------------------------

    def has_blob(self, sha256: str) -> bool:
        """Whether an attachment with this hash is known."""
        with self.db.read() as conn:
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
        with self.db.write() as conn:
            conn.execute(
                insert_or_ignore(conn, schema.blobs).values(
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
        with self.db.read() as conn:
            return lookups.texts(runner(conn), hashes)

    def text_of(self, record: Record) -> str:
        """The extracted text of all of a record's attachments."""
        texts = self.texts(a.sha256 for a in record.attachments)
        return "\n\n".join(texts.get(a.sha256, "") for a in record.attachments).strip()

    # -- index journal ------------------------------------------------------------------

    def pending(self, limit: int | None = None) -> list[tuple[int, str, str]]:
        """Queued index work as ``(seq, record_id, op)``, oldest first."""
        with self.db.read() as conn:
            return lookups.pending(runner(conn), limit)

    def acknowledge(self, upto_seq: int) -> None:
        """Forget queued index work up to and including ``upto_seq`` (it is in the index)."""
        with self.db.write() as conn:
            journal = schema.index_journal
            conn.execute(journal.delete().where(journal.c.seq <= upto_seq))

    # -- statistics ---------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        """Counts by kind and status, records with/without attachment text, attachment totals."""
        by_kind: Counter[str] = Counter()
        by_status: Counter[str] = Counter()
        with_text = 0
        hashes: set[str] = set()
        with self.db.read() as conn:
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
