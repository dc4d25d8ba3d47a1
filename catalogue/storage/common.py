"""What every part of the store shares without a database driver: its errors, a saved
version, the clock, record ids and database URLs.

Kept apart from :mod:`catalogue.storage.base` (SQLAlchemy), so a search reading the catalogue
through :mod:`catalogue.storage.sqlite_reads` never loads SQLAlchemy.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from catalogue.errors import UserError
from catalogue.i18n import moment_text, t
from catalogue.records import Record

ID_PREFIX = {"material": "mat", "media": "med", "portfolio": "pf", "collection": "col"}
TYPED_ID = re.compile(
    rf"\s*({'|'.join(ID_PREFIX.values())})\s*[-‐–—_ ]?\s*0*(\d{{1,6}})\s*", re.IGNORECASE
)


def typed_id(text: str) -> str | None:
    """The id a typed record number stands for («MAT 40», «mat-40» → «mat-000040»); None
    when the text is not a record number."""
    match = TYPED_ID.fullmatch(text)
    return f"{match.group(1).lower()}-{int(match.group(2)):06d}" if match else None


class StoreError(UserError):
    """A store operation failed; the message is for the user."""


class NotFoundError(StoreError, KeyError):
    """No record or collection with that id or name."""


class ConflictError(StoreError):
    """Someone saved the record after it was read; nothing was written."""

    def __init__(self, record_id: str, yours: int, current: int, by: str, at: str):
        self.record_id, self.yours, self.current = record_id, yours, current
        super().__init__("store.conflict", id=record_id, yours=yours, current=current, by=by, at=at)

    def __str__(self) -> str:  # the moment in local time, as the language writes it
        at = str(self.params["at"])
        return t(self.key, **{**self.params, "at": moment_text(at) if at[:1].isdigit() else at})


@dataclass
class Version:
    """One saved version of a record."""

    version: int
    saved_at: str
    saved_by: str
    action: str
    record: Record


def now() -> str:
    """The current UTC time as an ISO string (seconds)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def sqlite_url(path: Path) -> str:
    """The database URL of a SQLite file."""
    return f"sqlite:///{path}"


def is_postgresql(url: str) -> bool:
    """Whether ``url`` names a PostgreSQL database (``postgresql://…``, ``postgres://…``)."""
    return url.split(":", 1)[0].split("+", 1)[0] in ("postgresql", "postgres")


# The schema version this program writes: one per migration (catalogue/schema.py checks that
# its MIGRATIONS are this many). Here so a reader can check a database without SQLAlchemy.
SCHEMA_VERSION = 9


def check_version(found: int) -> None:
    """Refuse a database whose schema version ``found`` is from a newer program."""
    if found > SCHEMA_VERSION:
        raise StoreError("store.newer_schema", found=found, known=SCHEMA_VERSION)
