"""Bibliographic description after ГОСТ Р 7.0.100-2018.

Decisions where the standard leaves room (the golden tests fix the exact strings):

- Areas are separated by «. – » with the en dash U+2013; a period is not doubled after an
  element that already ends with one («208 с. – ISBN …»).
- A no-break space (U+00A0) goes *before* every prescribed mark (« : », « / », « ; »,
  « // », « – »), so no line of a printed list starts with a mark; inside a person's name
  («Голубева, В. В.», «В. В. Голубева»), inside abbreviations («[б. и.]», «[б. г.]», «[Б. м.]»,
  «[и др.]») and between a number and its unit («208 с.», «45 мин»).
- 1–3 authors: the first in the heading «Фамилия, И. О.», all of them after « / ». 4 and more:
  described under the title, the first three after « / » followed by «[и др.]».
- Materials of the office's schools are documents kept as files: «Текст : электронный», the
  school as publisher, «[Б. м.]» for the unknown place. Printed books: «Текст :
  непосредственный». A URL goes with «(дата обращения: ДД.ММ.ГГГГ)» before the content type.
- An article presented at an event is a part: «… – Текст : электронный // <event> : материалы.
  – [Б. м.] : [б. и.], <year>.»
"""

from __future__ import annotations

import re

from catalogue.citations.reference import Host, Reference, name_parts

NBSP = "\u00a0"
DASH = "\u2013"
SEP = f"{NBSP}{DASH} "
NO_PLACE = f"[Б.{NBSP}м.]"
NO_PUBLISHER = f"[б.{NBSP}и.]"
NO_YEAR = f"[б.{NBSP}г.]"
ET_AL = f"[и{NBSP}др.]"
MAX_HEADED = 3


def split_name(name: str) -> tuple[str, str]:
    """``("Голубева", "В. В.")`` from «Голубева Вера Викторовна», «Голубева В. В.» or
    «В. В. Голубева» (initials joined by a no-break space)."""
    surname, given = name_parts(name)
    initials = []
    for token in given:
        pieces = [p for p in token.rstrip(".").split("-") if p]
        initials.append("-".join(f"{p[0].upper()}." for p in pieces))
    return surname, NBSP.join(initials)


def heading(name: str) -> str:
    """«Голубева, В. В.» — the author in the heading."""
    surname, initials = split_name(name)
    return f"{surname},{NBSP}{initials}" if initials else surname


def inverted(name: str) -> str:
    """«В. В. Голубева» — the author after « / »."""
    surname, initials = split_name(name)
    return f"{initials}{NBSP}{surname}" if initials else surname


def _join(parts: list[str]) -> str:
    """Areas joined by «. – », not doubling a period."""
    out = ""
    for part in (p for p in parts if p):
        if out:
            out += ("" if out.endswith(".") else ".") + SEP
        out += part
    return out


def _title_area(title: str, other: str, responsibility: str) -> str:
    text = title.rstrip(".")
    if other:
        text += f"{NBSP}: {other}"
    if responsibility:
        text += f"{NBSP}/ {responsibility}"
    return text


def _publication(place: str, publisher: str, year: int | None) -> str:
    return f"{place or NO_PLACE}{NBSP}: {publisher or NO_PUBLISHER}, {year or NO_YEAR}"


def _host(host: Host) -> str:
    return _join(
        [
            _title_area(host.title, host.other_info, ""),
            _publication(host.place, host.publisher, host.year),
            host.pages,
        ]
    )


def _units(text: str) -> str:
    """No-break spaces between a number and its unit («208 с.»), after «№» and «С.»."""
    text = re.sub(r"(№|С\.) (?=\d)", rf"\1{NBSP}", text)
    return re.sub(r"(\d) (?=(с\.|мин|С\.))", rf"\1{NBSP}", text)


def format_reference(ref: Reference) -> str:
    """The ГОСТ Р 7.0.100-2018 description of one document, ending with a period."""
    authors = ref.authors
    headed = 0 < len(authors) <= MAX_HEADED
    responsibility = ", ".join(inverted(a) for a in authors[:MAX_HEADED])
    if len(authors) > MAX_HEADED:
        responsibility += f" {ET_AL}"
    title = _title_area(ref.title, ref.other_info, responsibility)
    if headed:
        head = heading(authors[0])
        title = f"{head}{'' if head.endswith('.') else '.'} {title}"
    content = f"{ref.content}{NBSP}: {ref.access}"
    url = ""
    if ref.urls and not ref.printed:
        date = ref.accessed.strftime("%d.%m.%Y") if ref.accessed else ""
        url = f"URL: {ref.urls[0]}"
        if date:
            url += f" (дата обращения: {date})"
    if ref.host is not None:
        text = _join([title, url, content]) + f"{NBSP}// " + _host(ref.host)
    else:
        text = _join(
            [
                title,
                _publication(ref.place, ref.publisher, ref.year),
                _units(ref.extent),
                f"({ref.series})" if ref.series else "",
                f"ISBN {ref.isbn}" if ref.isbn else "",
                url,
                content,
            ]
        )
    return _units(text) if text.endswith(".") else _units(text) + "."
