"""What of a record may leave the catalogue: the one gate every export format goes through.

A portfolio is published only when the teacher's consent is recorded, and then only the fields
listed in ``public_fields``; everything else is reset to empty before any formatter sees it.
Expert reviews are internal to the office and never exported, whatever the kind.
"""

from __future__ import annotations

import copy
import dataclasses

from catalogue.i18n import t
from catalogue.records import Portfolio, Record

# portfolio fields that leave only when listed in public_fields (dates follow their category)
GATED = (
    "teacher", "position", "organisation", "category", "experience_years", "education",
    "courses", "awards", "competitions", "works", "contacts", "birth_date", "annotation",
    "attachments", "links", "keywords",
)
FOLLOWS = {"category_assigned": "category", "category_expires": "category", "authors": "teacher"}


def _default(record: Record, name: str):
    spec = next(f for f in dataclasses.fields(record) if f.name == name)
    if spec.default_factory is not dataclasses.MISSING:
        return spec.default_factory()
    return spec.default


def publishable(record: Record) -> Record | None:
    """A copy of ``record`` holding only what may be published, or None (no consent)."""
    if isinstance(record, Portfolio) and not record.consent_to_publish:
        return None
    out = copy.deepcopy(record)
    out.reviews = []
    out.created_by = out.updated_by = ""
    out.suggested = {}
    if not isinstance(out, Portfolio):
        return out
    gated = {name: name for name in GATED} | FOLLOWS
    for name, gate in gated.items():
        if not record.is_public(gate):
            setattr(out, name, _default(out, name))
    if not record.is_public("teacher"):
        out.title = t("export_page.portfolio_title")
    return out
