"""History: what changed between two versions, and restoring an old version as a new one.

Restoring never rewrites history: the old content is saved as the newest version (action
``restore``). The workflow trail — status and reviews — stays as it is now, so a restore cannot
skip the review.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from catalogue.i18n import catalog, date_text, t
from catalogue.records import Record, to_dict
from catalogue.store import Store, StoreError
from catalogue.vocabularies import coded_label

BOOKKEEPING = ("version", "created_at", "created_by", "updated_at", "updated_by")
KEEP_ON_RESTORE = ("status", "reviews")


@dataclass(frozen=True)
class Change:
    """One field that differs between two versions."""

    field: str
    before: Any
    after: Any

    @property
    def label(self) -> str:
        return label(self.field)


def label(name: str) -> str:
    """The user-facing name of any record field."""
    for key in (f"field.{name}", f"curation_field.{name}"):
        if key in catalog("ru"):
            return t(key)
    return name


# fields stored as codes, read as labels («на экспертизе», «5 класс»): field → coded name
CODED = {"status": "status", "kind": "kind", "grades": "grade", "levels": "level"}


def display(value: Any, field: str = "") -> str:
    """A stored value of ``field`` as a person reads it (codes as labels, dates day first,
    lists joined, nested items summarised)."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if field in CODED:
        codes = value if isinstance(value, list) else [value]
        return "; ".join(coded_label(CODED[field], str(code)) for code in codes)
    if isinstance(value, bool):
        return t("curation.yes") if value else t("curation.no")
    if isinstance(value, list):
        return "; ".join(display(v) for v in value)
    if isinstance(value, dict):
        if "sha256" in value:
            return str(value.get("name", ""))
        if "verdict" in value:
            verdict = t(f"curation.verdict_{value.get('verdict') or 'none'}")
            return f"{value.get('reviewer', '')}, {date_text(value.get('date'))}: {verdict}"
        if "hours" in value:
            return f"{value.get('title', '')} ({value.get('hours', 0)} ч)"
        return ", ".join(f"{k}: {display(v)}" for k, v in value.items())
    return str(value)


def diff(before: Record, after: Record) -> list[Change]:
    """Fields whose values differ, in the record's field order (bookkeeping ignored)."""
    old, new = to_dict(before), to_dict(after)
    names = list(dict.fromkeys([*old, *new]))
    return [
        Change(name, old.get(name), new.get(name))
        for name in names
        if name not in BOOKKEEPING and old.get(name) != new.get(name)
    ]


def diff_versions(store: Store, record_id: str, older: int, newer: int) -> list[Change]:
    """What changed from version ``older`` to version ``newer`` of a record."""
    versions = {v.version: v.record for v in store.history(record_id)}
    for number in (older, newer):
        if number not in versions:
            raise StoreError("curation.no_version", id=record_id, version=number)
    return diff(versions[older], versions[newer])


def restore_version(store: Store, record_id: str, version: int, by: str) -> Record:
    """Save version ``version``'s content as the newest version (action ``restore``)."""
    history = {v.version: v.record for v in store.history(record_id)}
    if version not in history:
        raise StoreError("curation.no_version", id=record_id, version=version)
    current = store.get(record_id)  # NotFoundError for a record in the bin
    restored = history[version]
    for name in (*BOOKKEEPING, *KEEP_ON_RESTORE):
        setattr(restored, name, getattr(current, name))
    return store.curation.save_as(restored, by, "restore")
