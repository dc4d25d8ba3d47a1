"""Turn a catalogue record into the Whoosh document that represents it.

Portfolios are personal data: a portfolio reaches the index only through
:func:`catalogue.privacy.public_view` (fields its teacher made public, and the few non-personal
ones); the text of its attachments only when the attachments are public.
"""

from __future__ import annotations

from typing import Any

from catalogue import vocabularies
from catalogue.privacy import may_leave, public_view
from catalogue.records import Portfolio, Record
from catalogue.vocabularies import fold
from index.filenames import filename_words


def _meta_words(record: Record) -> list[str]:
    """Searchable words for the record's vocabulary values, with their synonyms and labels."""
    words: list[str] = []
    for name, values in (
        ("subjects", record.subjects),
        ("levels", record.levels),
        ("resource_types", [record.resource_type] if record.resource_type else []),
        ("audiences", record.audience),
    ):
        vocab = vocabularies.get(name)
        for value in values:
            term = vocab.resolve(value)
            words.append(value)
            if term:
                words.extend([term.label, *term.synonyms])
    grades = vocabularies.get("grades")
    for grade in record.grades:
        words.append(grades.label(grade))
    words += [record.organisation, record.association, record.event]
    return [w for w in words if w]


def _portfolio_text(record: Portfolio) -> list[str]:
    """The searchable words of a portfolio's (already public) fields."""
    text = [
        record.position,
        record.category,
        record.education,
        record.contacts,
        record.birth_date,
        *record.awards,
        *record.competitions,
    ]
    text += [f"{c.title} {c.provider}" for c in record.courses]
    return [str(part) for part in text if part]


def document(record: Record, text: str) -> dict[str, Any]:
    """The index document of a record whose attachments' extracted text is ``text``."""
    authors, extra = record.authors, []
    if isinstance(record, Portfolio):
        if not may_leave(record, "attachments"):
            text = ""
        record = public_view(record)
        authors = [record.teacher] if record.teacher else []
        extra = _portfolio_text(record)
    year = str(record.year) if record.year else ""
    return {
        "id": record.id,
        "version": record.version,
        "title": record.title,
        "authors": "; ".join(authors),
        "keywords": ", ".join(record.keywords),
        "filename": filename_words(record.sources),
        "annotation": record.annotation,
        "meta": " · ".join(_meta_words(record)),
        "content": "\n".join([*extra, text]).strip(),
        "kind": record.kind,
        "subject": ",".join(record.subjects),
        "grade": ",".join(record.grades),
        "level": ",".join(record.levels),
        "resource_type": record.resource_type,
        "organisation": record.organisation,
        "org_text": record.organisation,
        "year": year,
        "status": record.status,
        "title_sort": fold(record.title),
        "date_sort": f"{year or '0000'}|{record.updated_at}",
        "sources": record.sources,
        "hashes": [a.sha256 for a in record.attachments] if text else [],
    }
