"""What of a teacher's portfolio may leave the catalogue: the one rule the search index and every
export apply.

A portfolio field leaves only when it is listed in ``public_fields``; dates follow their category
and the authors follow the teacher. Without a public name the title becomes «Портфолио педагога»
(with the organisation, when that is public). Other kinds of records have no personal data.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

from catalogue.i18n import t
from catalogue.records import Portfolio, Record, RecordT

# portfolio fields that leave only when listed in public_fields
GATED = (
    "teacher",
    "position",
    "organisation",
    "category",
    "experience_years",
    "education",
    "courses",
    "awards",
    "competitions",
    "works",
    "contacts",
    "birth_date",
    "annotation",
    "attachments",
    "links",
    "keywords",
)
# fields that leave together with another one
FOLLOWS = {"category_assigned": "category", "category_expires": "category", "authors": "teacher"}


def _default(record: Record, name: str) -> Any:
    spec = next(f for f in dataclasses.fields(record) if f.name == name)
    if spec.default_factory is not dataclasses.MISSING:
        return spec.default_factory()
    return spec.default


def public_view(record: RecordT) -> RecordT:
    """A copy of ``record`` with every portfolio field its teacher did not make public emptied
    (records of other kinds come back as they are, uncopied)."""
    if not isinstance(record, Portfolio):
        return record
    out = copy.deepcopy(record)
    for name, gate in ({name: name for name in GATED} | FOLLOWS).items():
        if not record.is_public(gate):
            setattr(out, name, _default(out, name))
    if not record.is_public("teacher"):
        where = f" ({out.organisation})" if out.organisation else ""
        out.title = t("privacy.portfolio_title") + where
    return out
