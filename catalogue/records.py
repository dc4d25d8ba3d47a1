"""The record model: materials, media items, teacher portfolios and collections.

Records are plain dataclasses. :func:`to_dict` / :func:`from_dict` turn them into the JSON
kept in the store; :mod:`catalogue.validation` checks and normalises them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T", bound="DataclassInstance")

KINDS = ("material", "media", "portfolio")


@dataclass
class Attachment:
    """A file attached to a record; the bytes live in the workspace under ``sha256``."""

    name: str
    sha256: str
    media_type: str = "application/octet-stream"
    size: int = 0


@dataclass
class Review:
    """An expert review: who, when, a score per criterion and a comment."""

    reviewer: str
    date: str
    scores: dict[str, int] = field(default_factory=dict)
    comment: str = ""
    verdict: str = ""  # "approve" | "revise" | ""


@dataclass
class Course:
    """A professional-development course in a portfolio."""

    title: str
    hours: int = 0
    provider: str = ""
    year: int | None = None


@dataclass
class Record:
    """The core every catalogue record shares (Dublin Core / LRMI in spirit)."""

    kind: ClassVar[str] = ""
    id: str = ""
    title: str = ""
    authors: list[str] = field(default_factory=list)
    organisation: str = ""
    subjects: list[str] = field(default_factory=list)
    grades: list[str] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)
    resource_type: str = ""
    keywords: list[str] = field(default_factory=list)
    annotation: str = ""
    language: str = "ru"
    year: int | None = None
    audience: list[str] = field(default_factory=list)
    association: str = ""  # городское методическое объединение (ГМО)
    event: str = ""  # конкурс, семинар, конференция
    rights: str = ""
    status: str = "draft"
    reviews: list[Review] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    suggested: dict[str, Any] = field(default_factory=dict)  # metadata suggested by import
    created_at: str = ""
    created_by: str = ""
    updated_at: str = ""
    updated_by: str = ""
    version: int = 0

    @property
    def sources(self) -> list[str]:
        """Original file names of the attachments."""
        return [a.name for a in self.attachments]


@dataclass
class Material(Record):
    """A methodical material: lesson plan, programme, recommendations, test, slides…"""

    kind: ClassVar[str] = "material"


@dataclass
class Media(Record):
    """An item of the media library: book, textbook, video, audio, digital resource, software."""

    kind: ClassVar[str] = "media"
    format: str = "книга"
    carrier: str = ""
    publisher: str = ""
    place: str = ""
    isbn: str = ""
    pages: int | None = None
    duration_min: int | None = None
    series: str = ""
    inventory_number: str = ""
    shelf: str = ""
    # a textbook of the federal list (ФПУ): where the list has it and until when it may be used
    list_number: str = ""  # «1.1.2.3.1.16.1.»
    list_appendix: str = ""  # "1" | "2" (Приложение 1 / 2)
    list_subject: str = ""  # the subject as the list names it («Французский язык»)
    list_order: str = ""  # the order that included it («От 21 сентября 2022 г. № 858»)
    valid_until: str = ""  # ISO date; empty: no term («бессрочно») or not stated
    list_excluded: str = ""  # ISO date a newer list no longer had it


@dataclass
class Portfolio(Record):
    """A teacher's portfolio: only fields named in ``public_fields`` are indexed or exported."""

    kind: ClassVar[str] = "portfolio"
    teacher: str = ""
    position: str = ""
    category: str = "Без категории"
    category_assigned: str = ""  # ISO date
    category_expires: str = ""  # ISO date, empty when the category has no expiry
    experience_years: int | None = None
    education: str = ""
    courses: list[Course] = field(default_factory=list)
    awards: list[str] = field(default_factory=list)
    competitions: list[str] = field(default_factory=list)
    works: list[str] = field(default_factory=list)  # ids of other records
    contacts: str = ""
    birth_date: str = ""
    public_fields: list[str] = field(default_factory=list)
    consent_to_publish: bool = False

    def is_public(self, name: str) -> bool:
        """Whether the teacher opened field ``name`` (whether it may leave the catalogue is
        :func:`catalogue.privacy.may_leave`)."""
        return name in self.public_fields


@dataclass
class CollectionItem:
    """One record in a collection, with the curator's note."""

    record_id: str
    note: str = ""


@dataclass
class Collection:
    """A curated, ordered set of records published for schools."""

    id: str = ""
    name: str = ""  # short unique name used on the command line
    title: str = ""
    annotation: str = ""
    schools: list[str] = field(default_factory=list)
    grades: list[str] = field(default_factory=list)
    curator: str = ""
    items: list[CollectionItem] = field(default_factory=list)
    status: str = "draft"
    exports: list[dict[str, Any]] = field(default_factory=list)
    created_at: str = ""
    updated_at: str = ""
    version: int = 0

    def add(self, record_ids: Iterable[str], note: str = "") -> list[str]:
        """Append the records not in the collection yet, in the given order and each once;
        return the ids added (the command line and the notebook builder both add this way)."""
        present = {item.record_id for item in self.items}
        added = [i for i in dict.fromkeys(record_ids) if i not in present]
        self.items += [CollectionItem(i, note) for i in added]
        return added


RECORD_TYPES: dict[str, type[Record]] = {cls.kind: cls for cls in (Material, Media, Portfolio)}
_NESTED: dict[str, type] = {
    "attachments": Attachment,
    "reviews": Review,
    "courses": Course,
    "items": CollectionItem,
}


RecordT = TypeVar("RecordT", bound=Record)
"""Any kind of record: a function typed with it returns the kind it was given."""


def to_dict(obj: Record | Collection) -> dict[str, Any]:
    """A JSON-ready dict of a record or collection (records carry their ``kind``)."""
    data = dataclasses.asdict(obj)
    if isinstance(obj, Record):
        data = {"kind": obj.kind, **data}
    return data


def _build(cls: type[T], data: dict[str, Any]) -> T:
    names = {f.name for f in dataclasses.fields(cls)}
    values = {}
    for key, value in data.items():
        if key not in names:
            continue
        if key in _NESTED and isinstance(value, list):
            value = [_build(_NESTED[key], v) if isinstance(v, dict) else v for v in value]
        values[key] = value
    return cls(**values)


def from_dict(data: dict[str, Any]) -> Record:
    """Rebuild a record from :func:`to_dict` output; unknown keys are ignored."""
    kind = data.get("kind")
    if kind not in RECORD_TYPES:
        raise ValueError(f"unknown record kind: {kind!r}")
    return _build(RECORD_TYPES[kind], data)


def collection_from_dict(data: dict[str, Any]) -> Collection:
    """Rebuild a collection from :func:`to_dict` output."""
    return _build(Collection, data)


def new(kind: str, **values: Any) -> Record:
    """A new, unsaved record of ``kind`` with the given field values."""
    if kind not in RECORD_TYPES:
        raise ValueError(f"unknown record kind: {kind!r}")
    return _build(RECORD_TYPES[kind], values)
