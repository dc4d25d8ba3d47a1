"""A record as a bibliographic reference: the facts every citation style formats.

:func:`from_record` decides what a catalogue record is bibliographically (a printed book, an
electronic text, a video, a part of conference materials…); the style modules only format.
Portfolios must be passed through :func:`catalogue.export.privacy.publishable` first.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from catalogue.records import Media, Record

# media format -> (content type, means of access for a physical carrier) per ГОСТ Р 7.0.100
CONTENT = {
    "книга": ("Текст", "непосредственный"),
    "учебник": ("Текст", "непосредственный"),
    "видео": ("Изображение (движущееся ; двухмерное)", "видео"),
    "аудио": ("Устная речь", "аудио"),
    "ЦОР": ("Текст", "электронный"),
    "программа": ("Электронная программа", "электронная"),
}
# the same content reached over a network or as a file
ELECTRONIC = {"Текст": "электронный", "Электронная программа": "электронная"}
CARRIER_EXTENT = {
    "CD-диск": "1 CD-ROM",
    "DVD-диск": "1 DVD-видео",
    "флеш-накопитель": "1 флеш-накопитель",
}
PART_TYPES = ("Статья",)


@dataclass
class Host:
    """The document a part was published in (a collection, conference materials)."""

    title: str
    other_info: str = ""
    place: str = ""
    publisher: str = ""
    year: int | None = None
    pages: str = ""


@dataclass
class Reference:
    """What a citation needs to know about one document."""

    key: str
    title: str
    authors: list[str] = field(default_factory=list)
    other_info: str = ""
    place: str = ""
    publisher: str = ""
    year: int | None = None
    extent: str = ""
    series: str = ""
    isbn: str = ""
    content: str = "Текст"
    access: str = "электронный"
    urls: list[str] = field(default_factory=list)
    accessed: dt.date | None = None
    host: Host | None = None
    annotation: str = ""
    keywords: list[str] = field(default_factory=list)
    language: str = "ru"
    resource_type: str = ""
    format: str = ""  # media format («книга», «видео»…), empty for materials

    @property
    def printed(self) -> bool:
        return self.access == "непосредственный"


def split_title(title: str) -> tuple[str, str]:
    """``("Музыка. 8 класс", "учебник …")`` from «Музыка. 8 класс: учебник …».

    Only a colon outside quotation marks separates other title information.
    """
    depth, straight = 0, False
    for i, ch in enumerate(title):
        if ch in "«„":
            depth += 1
        elif ch in "»“" and depth:
            depth -= 1
        elif ch == '"':
            straight = not straight
        elif ch == ":" and not depth and not straight and title[i + 1 : i + 2] == " ":
            return title[:i].strip(), title[i + 1 :].strip()
    return title.strip(), ""


def name_parts(name: str) -> tuple[str, list[str]]:
    """A person's surname and given names (or initials), whichever order they were written in:
    «Голубева Вера Викторовна», «Голубева В.В.», «В. В. Голубева», «Голубева, Вера»."""
    tokens = [t for t in re.split(r"[\s,]+|(?<=\.)(?=\w)", name.strip()) if t]
    if not tokens:
        return "", []

    def is_initial(token: str) -> bool:
        return bool(re.fullmatch(r"\w\.(-\w\.)?", token))

    if is_initial(tokens[0]) and not is_initial(tokens[-1]):
        return tokens[-1], tokens[:-1]
    return tokens[0], tokens[1:]


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower().replace("ё", "е")).strip()


def _extent(record: Media) -> str:
    parts = []
    if record.pages:
        parts.append(f"{record.pages} с.")
    carrier = CARRIER_EXTENT.get(record.carrier, "")
    if record.duration_min:
        minutes = f"{record.duration_min} мин"
        parts.append(f"{carrier} ({minutes})" if carrier else minutes)
    elif carrier:
        parts.append(carrier)
    return ", ".join(parts)


def from_record(record: Record, accessed: dt.date | None = None) -> Reference:
    """The reference of a record; ``accessed`` is the «дата обращения» of its URLs (today)."""
    title, other = split_title(record.title)
    ref = Reference(
        key=record.id or "record",
        title=title,
        authors=list(record.authors),
        other_info=other,
        year=record.year,
        urls=[u for u in record.links if re.match(r"^https?://", u, re.I)],
        accessed=accessed or dt.date.today(),
        annotation=record.annotation,
        keywords=list(record.keywords),
        language=record.language or "ru",
        resource_type=record.resource_type,
    )
    if isinstance(record, Media):
        ref.format = record.format
        ref.place, ref.publisher = record.place.strip(), record.publisher.strip()
        ref.extent, ref.series, ref.isbn = _extent(record), record.series, record.isbn
        ref.content, ref.access = CONTENT.get(record.format, ("Текст", "непосредственный"))
        if record.carrier == "сетевой ресурс" or (
            ref.urls and record.carrier != "печатное издание"
        ):
            ref.access = ELECTRONIC.get(ref.content, "электронное")
        if record.format == "аудио" and "Музыка" in record.subjects:
            ref.content = "Музыка (исполнительская)"
        return ref
    # materials and portfolios: documents of the office and its schools, kept as files
    ref.publisher = record.organisation.strip()
    rtype = record.resource_type
    if rtype and not other and not _fold(title).startswith(_fold(rtype)):
        # «Конспект урока» → «конспект урока», but an abbreviation («ЦОР») stays
        ref.other_info = rtype if rtype[:2].isupper() else rtype[0].lower() + rtype[1:]
    if rtype in PART_TYPES and record.event:
        ref.other_info = ""
        ref.host = Host(title=record.event, other_info="материалы", year=record.year)
        ref.publisher = ""
    return ref
