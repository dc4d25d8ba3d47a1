"""Parsing free-text cell values: grades («7 - 9», «1 дополнительный класс», «5-й класс»),
people lists («Иванов И.И., Петров П.П. и другие; под редакцией Сидорова С.С.»), years."""

from __future__ import annotations

import re

from catalogue.grades import BARE, CLASS, SUFFIX, grades_in

_PRESCHOOL = re.compile(r"дошкол|детск\w* сад", re.I)
_SPO = re.compile(r"\bСПО\b|профессионал", re.I)
_EDITOR = re.compile(r"^\s*(?:под\s+(?:общей\s+)?ред(?:акцией|\.)?|редактор\w*|ред\.)\s*", re.I)
_OTHERS = re.compile(r"\s*\bи\s+(?:другие|др\.?)\s*$", re.I)


def parse_grades(value: object) -> list[str]:
    """Grade codes of the vocabulary named by a cell: «7 - 9» → 7, 8, 9.

    «1 дополнительный класс» (the extra first year for children with disabilities) is stored as
    grade 1: it is taught with first-grade textbooks; grade 12 (evening and special schools) as
    grade 11, the last grade the vocabulary knows.
    """
    text = " ".join(str(value or "").replace("\u00a0", " ").split())
    if not text:
        return []
    if _PRESCHOOL.search(text):
        return ["ДО"]
    if _SPO.search(text):
        return ["СПО"]
    numbers = grades_in(text, (CLASS, SUFFIX, BARE))
    grades: list[str] = []
    for n in sorted(set(numbers)):
        code = str(min(n, 11)) if 1 <= n <= 12 else ""
        if code and code not in grades:
            grades.append(code)
    return grades


def _nominative(name: str) -> str:
    """«Подольского В.Е.» → «Подольский В.Е.» (editors are named in the genitive)."""
    surname, _, initials = name.partition(" ")
    for ending, replacement in (
        ("ского", "ский"),
        ("цкого", "цкий"),
        ("ской", "ская"),
        ("цкой", "цкая"),
        ("овой", "ова"),
        ("евой", "ева"),
        ("иной", "ина"),
        ("ова", "ов"),
        ("ева", "ев"),
        ("ина", "ин"),
        ("ына", "ын"),
    ):
        if surname.endswith(ending) and re.match(r"^[А-ЯЁ]\.", initials or ""):
            return f"{surname[: -len(ending)]}{replacement} {initials}".strip()
    return name


def parse_people(value: object) -> list[str]:
    """Authors and editors of a cell; «и другие» dropped, editors put in the nominative."""
    text = " ".join(str(value or "").replace("\u00a0", " ").split())
    people: list[str] = []
    for group in re.split(r"\s*;\s*", text):
        editors = bool(_EDITOR.match(group))
        group = _OTHERS.sub("", _EDITOR.sub("", group))
        for person in re.split(r"\s*,\s*", group):
            person = _OTHERS.sub("", person).strip(" .;,")
            if not person or not re.search(r"[A-Za-zА-Яа-яЁё]{2}", person):
                continue
            if re.search(r"[А-ЯЁA-Z]\.\s*[А-ЯЁA-Z]$", person):
                person += "."
            person = _nominative(person) if editors else person
            if person not in people:
                people.append(person)
    return people


def parse_year(value: object) -> int | None:
    """A year from a cell (2021, «2021 г.», 2021.0); None when there is none."""
    if isinstance(value, int | float) and 1800 <= value <= 2100:
        return int(value)
    found = re.search(r"\b(1[89]\d\d|20\d\d)\b", str(value or ""))
    return int(found.group(1)) if found else None
