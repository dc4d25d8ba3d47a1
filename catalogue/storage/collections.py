"""Collections in the store: create, update (optimistically, like records), read, list."""

from __future__ import annotations

import json

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from catalogue import schema
from catalogue.records import Collection, collection_from_dict, to_dict
from catalogue.storage.base import Database
from catalogue.storage.common import ConflictError, NotFoundError, StoreError, now
from catalogue.storage.records import next_id
from catalogue.validation import ValidationError, validate_collection


class Collections:
    """Collections: what schools receive, built by the curators (``store.collections``)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def save(self, collection: Collection) -> Collection:
        """Create or update a collection (optimistic, like records)."""
        errors = validate_collection(collection)
        if errors:
            raise ValidationError(errors)
        stamp = now()
        before = (collection.id, collection.version, collection.created_at, collection.updated_at)
        try:
            return self._write(collection, stamp)
        except Exception as exc:  # nothing was written: the collection stays as it was given
            collection.id, collection.version, collection.created_at, collection.updated_at = before
            if isinstance(exc, IntegrityError):  # the same name, saved by someone meanwhile
                raise StoreError("store.collection_exists", name=collection.name) from exc
            raise

    def _write(self, collection: Collection, stamp: str) -> Collection:
        with self.db.write() as conn:
            row = None
            if collection.id:
                row = conn.execute(
                    select(schema.collections.c.version)
                    .where(schema.collections.c.id == collection.id)
                    .with_for_update()
                ).first()
            if row is None:
                taken = conn.execute(
                    select(schema.collections.c.id).where(
                        schema.collections.c.name == collection.name
                    )
                ).first()
                if taken:
                    raise StoreError("store.collection_exists", name=collection.name)
                collection.id = collection.id or next_id(conn, "collection")
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

    def get(self, name: str) -> Collection:
        """A collection by its short name or id."""
        with self.db.read() as conn:
            row = conn.execute(
                select(schema.collections.c.data).where(
                    (schema.collections.c.name == name) | (schema.collections.c.id == name)
                )
            ).first()
        if row is None:
            raise NotFoundError("store.collection_not_found", name=name)
        return collection_from_dict(json.loads(row.data))

    def all(self) -> list[Collection]:
        """All collections, by name."""
        with self.db.read() as conn:
            rows = conn.execute(
                select(schema.collections.c.data).order_by(schema.collections.c.name)
            )
            return [collection_from_dict(json.loads(r.data)) for r in rows]
