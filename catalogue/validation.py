"""Check and normalise records before they are stored.

:func:`normalise` maps synonyms to canonical vocabulary values («ИЗО» → «Изобразительное
искусство», «ОБЖ» → «Основы безопасности и защиты Родины»), derives levels from grades and
trims text. :func:`validate` returns every problem as a :class:`FieldError` with a message in
the user's language that names the field.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass

from catalogue import i18n, vocabularies
from catalogue.errors import UserError
from catalogue.i18n import t
from catalogue.records import Collection, Media, Portfolio, Record

# list field -> vocabulary; scalar field -> vocabulary
LIST_VOCABS = {
    "subjects": "subjects",
    "grades": "grades",
    "levels": "levels",
    "audience": "audiences",
}
SCALAR_VOCABS = {"resource_type": "resource_types", "status": "statuses"}
MAX_TITLE = 500
APPENDICES = ("", "1", "2")  # Приложение 1 / 2 of the federal list of textbooks
LIST_NUMBER_RE = re.compile(r"^\d+(\.\d+)*\.$")
ISBN_RE = re.compile(r"^(97[89][- ]?)?[0-9][- 0-9]{7,15}[0-9Xx]$")


@dataclass(frozen=True)
class FieldError:
    """One problem with one field."""

    field: str
    message: str

    def __str__(self) -> str:
        return self.message


class ValidationError(UserError, ValueError):
    """A record failed validation; ``errors`` lists every problem."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("validation.failed", problems="\n".join(e.message for e in errors))


def field_label(name: str) -> str:
    """The user-facing name of a field («Название» for ``title``)."""
    return t(f"field.{name}")


def _error(name: str, key: str, **values: object) -> FieldError:
    return FieldError(name, t(f"validation.{key}", field=field_label(name), **values))


def _canonical(vocab: str, value: str) -> str | None:
    term = vocabularies.get(vocab).resolve(value)
    return term.code if term else None


def normalise(record: Record) -> Record:
    """Canonicalise vocabulary values in place (unknown values are left for validate)."""
    record.title = " ".join(record.title.split())
    record.annotation = record.annotation.strip()
    record.authors = [" ".join(a.split()) for a in record.authors if a and a.strip()]
    record.keywords = [k.strip() for k in record.keywords if k and k.strip()]
    for name, vocab in LIST_VOCABS.items():
        values = []
        for value in getattr(record, name):
            value = str(value).strip()
            canonical = _canonical(vocab, value) or value
            if canonical and canonical not in values:
                values.append(canonical)
        setattr(record, name, values)
    for name, vocab in SCALAR_VOCABS.items():
        value = getattr(record, name)
        if value:
            setattr(record, name, _canonical(vocab, value) or value)
    for name in DATE_FIELDS:
        value = getattr(record, name, "")
        if value:
            with contextlib.suppress(ValueError):  # validate() names the field
                setattr(record, name, i18n.parse_date(value).isoformat())
    for level in vocabularies.levels_for_grades(record.grades):
        if level not in record.levels:
            record.levels.append(level)
    if isinstance(record, Portfolio) and record.category:
        record.category = _canonical("categories", record.category) or record.category
    if isinstance(record, Media) and record.format:
        record.format = _canonical("media_formats", record.format) or record.format
    return record


DATE_FIELDS = (
    "valid_until",
    "list_excluded",
    "category_assigned",
    "category_expires",
    "birth_date",
)
"""Dates stored as ISO; typed as «31.08.2023» too (normalise converts)."""


def _check_date(name: str, value: str) -> list[FieldError]:
    if not value:
        return []
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return [_error(name, "date", value=value)]
    return []


def validate(record: Record) -> list[FieldError]:
    """Every problem with a record; an empty list means it may be saved."""
    errors: list[FieldError] = []
    if not record.title.strip():
        errors.append(_error("title", "required"))
    elif len(record.title) > MAX_TITLE:
        errors.append(_error("title", "too_long", limit=MAX_TITLE))
    for name, vocab in LIST_VOCABS.items():
        for value in getattr(record, name):
            if value not in vocabularies.get(vocab):
                errors.append(_error(name, "unknown_value", value=value))
    for name, vocab in SCALAR_VOCABS.items():
        value = getattr(record, name)
        if value and value not in vocabularies.get(vocab):
            errors.append(_error(name, "unknown_value", value=value))
    if not record.status:
        errors.append(_error("status", "required"))
    this_year = dt.date.today().year
    if record.year is not None and (
        not isinstance(record.year, int) or not 1800 <= record.year <= this_year + 1
    ):
        errors.append(_error("year", "year", value=record.year, max=this_year + 1))
    for link in record.links:
        if not re.match(r"^https?://", link, re.I):
            errors.append(_error("links", "link", value=link))
    if isinstance(record, Media):
        errors += _validate_media(record)
    if isinstance(record, Portfolio):
        errors += _validate_portfolio(record)
    return errors


def _validate_media(record: Media) -> list[FieldError]:
    errors = []
    if record.format and record.format not in vocabularies.get("media_formats"):
        errors.append(_error("format", "unknown_value", value=record.format))
    if record.isbn and not ISBN_RE.match(record.isbn.strip()):
        errors.append(_error("isbn", "isbn", value=record.isbn))
    for name in ("pages", "duration_min"):
        value = getattr(record, name)
        if value is not None and (not isinstance(value, int) or value <= 0):
            errors.append(_error(name, "positive", value=value))
    if record.list_appendix not in APPENDICES:
        errors.append(_error("list_appendix", "unknown_value", value=record.list_appendix))
    if record.list_number and not re.fullmatch(r"[\d.]*\d[\d.]*", record.list_number):
        errors.append(_error("list_number", "list_number", value=record.list_number))
    errors += _check_date("valid_until", record.valid_until)
    errors += _check_date("list_excluded", record.list_excluded)
    return errors


def _validate_portfolio(record: Portfolio) -> list[FieldError]:
    errors = []
    if not record.teacher.strip():
        errors.append(_error("teacher", "required"))
    if record.category and record.category not in vocabularies.get("categories"):
        errors.append(_error("category", "unknown_value", value=record.category))
    errors += _check_date("category_assigned", record.category_assigned)
    errors += _check_date("category_expires", record.category_expires)
    errors += _check_date("birth_date", record.birth_date)
    for i, course in enumerate(record.courses, 1):
        if not course.title.strip():
            errors.append(_error("courses", "course_title", n=i))
        if not isinstance(course.hours, int) or course.hours < 0:
            errors.append(_error("courses", "course_hours", n=i, value=course.hours))
    return errors


COLLECTION_NAME = re.compile(r"\w[\w.-]*")  # a file and folder name: no «..», «/», «\n», « »
COLLECTION_NAME_LENGTH = 80


def collection_name(text: str) -> str:
    """A collection's short name made from what was typed (a name or a title): spaces become
    «-», other characters a file name cannot hold are dropped, «Памятка 5 класс» →
    «Памятка-5-класс»; empty when nothing usable is left."""
    name = re.sub(r"[^\w.-]+", "", re.sub(r"\s+", "-", text.strip()))
    name = re.sub(r"-{2,}", "-", name).lstrip(".-")
    return name[:COLLECTION_NAME_LENGTH].rstrip(".-")


def validate_collection(collection: Collection) -> list[FieldError]:
    """Every problem with a collection."""
    errors = []
    if not collection.name.strip():
        errors.append(_error("name", "required"))
    elif not COLLECTION_NAME.fullmatch(collection.name):
        errors.append(_error("name", "collection_name", value=repr(collection.name)[1:-1]))
    if not collection.title.strip():
        errors.append(_error("title", "required"))
    return errors


def check(record: Record) -> Record:
    """Normalise and validate; raise :class:`ValidationError` listing every problem."""
    normalise(record)
    errors = validate(record)
    if errors:
        raise ValidationError(errors)
    return record
