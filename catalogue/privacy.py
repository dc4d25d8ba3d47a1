"""What of a record may leave the catalogue: the one rule the search index, every export, the
portfolio page and the reports apply.

Portfolios are private by default (an allow-list, not a deny-list): a portfolio field leaves
only when it is on :data:`NON_PERSONAL` (it describes the catalogue entry, not the teacher) or
when the teacher ticked it (``public_fields``) and it is one of :data:`PUBLIC_CHOICES`. A field
added to the record model later stays inside until someone adds it to one of these lists. Dates
follow their category, the authors and the title follow the teacher; without a public name the
title becomes «Портфолио педагога» (with the organisation, when that is public).

The office's own reports see a little more of every portfolio, consent or not
(:data:`INTERNAL_REPORT_FIELDS`, :func:`internal_view`); what no record of any kind ever
publishes is :data:`INTERNAL`.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterable
from typing import Any

from catalogue.i18n import t
from catalogue.records import Portfolio, Record, RecordT

# Portfolio fields about the catalogue entry, not the teacher: the index needs them to find,
# update and order a record (id, version, dates of the office's edits); the language of the
# entry and its workflow status say nothing of the person; the publicity switches themselves
# (which fields were opened, the consent) tell the exports what they may show.
NON_PERSONAL = (
    "id",
    "language",
    "status",
    "version",
    "created_at",
    "updated_at",
    "public_fields",
    "consent_to_publish",
)
# Fields a teacher may open to the public (ticked in the portfolio panel, ``public_fields``).
PUBLIC_CHOICES = (
    "teacher",
    "position",
    "organisation",
    "subjects",
    "category",
    "courses",
    "awards",
    "competitions",
    "annotation",
    "attachments",
    "education",
    "experience_years",
    "contacts",
    "birth_date",
)
# Fields that leave together with another one.
FOLLOWS = {
    "title": "teacher",
    "authors": "teacher",
    "category_assigned": "category",
    "category_expires": "category",
}
# What the office's internal reports show of every portfolio, consent or not: the attestation
# calendar (name, position, organisation, subjects, category and its dates) and the course-hours
# norm (courses) are duties of the office. Nothing else of a portfolio reaches a report.
INTERNAL_REPORT_FIELDS = (
    "id",
    "teacher",
    "position",
    "organisation",
    "subjects",
    "category",
    "category_assigned",
    "category_expires",
    "status",
    "courses",
)
# Never published, whatever the kind: expert reviews, who edited the record, import suggestions.
INTERNAL = ("reviews", "created_by", "updated_by", "suggested")


def may_leave(record: Record, name: str) -> bool:
    """Whether field ``name`` of ``record`` may leave the catalogue (index, exports, pages).

    Every field of a material or media item may (except :data:`INTERNAL` from exports); a
    portfolio field only when it is non-personal or its teacher made it public.
    """
    if not isinstance(record, Portfolio) or name in NON_PERSONAL:
        return True
    gate = FOLLOWS.get(name, name)
    return gate in PUBLIC_CHOICES and gate in record.public_fields


def _default(spec: dataclasses.Field[Any]) -> Any:
    if spec.default_factory is not dataclasses.MISSING:
        return spec.default_factory()
    return spec.default


def cleared(record: RecordT, names: Iterable[str]) -> RecordT:
    """A deep copy of ``record`` with the fields ``names`` back at their defaults."""
    gone = set(names)
    values = {
        spec.name: _default(spec) if spec.name in gone else getattr(record, spec.name)
        for spec in dataclasses.fields(record)
    }
    return dataclasses.replace(record, **copy.deepcopy(values))


def public_view(record: RecordT) -> RecordT:
    """A copy of ``record`` holding only what may leave (records of other kinds come back as
    they are, uncopied)."""
    if not isinstance(record, Portfolio):
        return record
    out = cleared(
        record, [f.name for f in dataclasses.fields(record) if not may_leave(record, f.name)]
    )
    if not may_leave(record, "title"):
        where = f" ({out.organisation})" if out.organisation else ""
        out.title = t("privacy.portfolio_title") + where
    return out


def internal_view(record: Portfolio) -> Portfolio:
    """A copy of a portfolio with only :data:`INTERNAL_REPORT_FIELDS` (for the office's
    reports)."""
    return cleared(
        record, [f.name for f in dataclasses.fields(record) if f.name not in INTERNAL_REPORT_FIELDS]
    )
