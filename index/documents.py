"""Turn a catalogue record into the Whoosh document that represents it.

Portfolios are personal data: only the fields a teacher marked public reach the index, and
contacts or a birth date never do unless marked public.
"""

from __future__ import annotations

from typing import Any

from catalogue import vocabularies
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


def _portfolio_parts(record: Portfolio) -> tuple[str, list[str], list[str]]:
    """Title, authors and text of a portfolio, limited to its public fields."""
    public = record.is_public
    title = record.title if public("teacher") else " ".join(
        ["Портфолио педагога", f"({record.organisation})" if record.organisation else ""]
    ).strip()
    authors = [record.teacher] if public("teacher") and record.teacher else []
    text = []
    if public("position"):
        text.append(record.position)
    if public("category"):
        text.append(record.category)
    if public("courses"):
        text += [f"{c.title} {c.provider}" for c in record.courses]
    if public("awards"):
        text += record.awards
    if public("competitions"):
        text += record.competitions
    for private in ("education", "contacts", "birth_date"):
        if public(private):
            text.append(str(getattr(record, private)))
    return title, authors, text


def document(record: Record, text: str) -> dict[str, Any]:
    """The index document of a record whose attachments' extracted text is ``text``."""
    title, authors, extra, annotation = record.title, record.authors, [], record.annotation
    if isinstance(record, Portfolio):
        title, authors, extra = _portfolio_parts(record)
        if not record.is_public("attachments"):
            text = ""
        if not record.is_public("annotation"):
            annotation = ""
    year = str(record.year) if record.year else ""
    return {
        "id": record.id,
        "version": record.version,
        "title": title,
        "authors": "; ".join(authors),
        "keywords": ", ".join(record.keywords),
        "filename": filename_words(record.sources) if not isinstance(record, Portfolio) else "",
        "annotation": annotation,
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
        "title_sort": fold(title),
        "date_sort": f"{year or '0000'}|{record.updated_at}",
        "sources": record.sources if not isinstance(record, Portfolio) else [],
        "hashes": [a.sha256 for a in record.attachments] if text else [],
    }
