"""A school's list of textbooks as schools send it: a spreadsheet with Russian headers (класс,
предмет, автор(ы), наименование, издательство, год издания, количество экземпляров, количество
обучающихся), maybe a title row above, maybe a two-row header with merged cells («Количество» over
«экземпляров» and «обучающихся»), non-breaking spaces, grades as «5», «5-9» or «5,6,7».

:func:`parse` turns the sheet's rows into :class:`SchoolRow` objects and a list of problems, each
naming the row and the field in the user's language. Reading the file itself happens under the
import limits (:mod:`catalogue.textbooks.bounded`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from catalogue.i18n import t
from catalogue.ingest.values import parse_grades, parse_year
from catalogue.textbooks.matching import (
    Query,
    fold,
    names_others,
    split_authors,
    surnames,
    words,
)

# header word patterns → field; the first rule a header satisfies wins (order matters)
HEADER_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), name)
    for pattern, name in (
        (r"обуча|учащ|контингент|детей", "pupils"),
        (r"экз|налич", "copies"),
        (r"фпу|перечн", "list_number"),
        (r"автор", "authors"),
        (r"издат", "publisher"),
        (r"\bгод", "year"),
        (r"класс|\bкл\b|параллел", "grades"),
        (r"предмет|дисциплин", "subject"),
        (r"наимен|назван|учебник", "title"),
    )
)
REQUIRED = ("title", "grades")
HEADER_ROWS = 12  # the header is among the first rows
_SKIP = re.compile(r"^(итого|всего)\b", re.I)


def header_field(text: str) -> str:
    """The field a column header names, or "" («Кол-во экз.» → ``copies``)."""
    folded = fold(text)
    if not folded.strip() or folded.strip() in ("№", "№ п/п", "n", "п/п"):
        return ""
    return next((name for pattern, name in HEADER_RULES if pattern.search(folded)), "")


@dataclass
class SchoolRow:
    """One textbook row of a school's list, with what matching and checking found."""

    row: int  # the row number in the spreadsheet (1-based)
    grades: list[str]
    title: str
    authors: str = ""
    subject: str = ""
    publisher: str = ""
    year: int | None = None
    copies: int | None = None
    pupils: int | None = None
    list_number: str = ""
    outcome: str = ""  # matched | ambiguous | none | chosen
    record_id: str = ""
    confidence: float = 0.0
    alternatives: list[tuple[str, float]] = field(default_factory=list)
    tied: list[str] = field(default_factory=list)  # list books the row's data cannot tell apart

    @property
    def key(self) -> str:
        """What identifies the row across imports: surnames, title words and grades, folded."""
        names = " ".join(sorted(surnames(split_authors(self.authors))))
        return f"{names}|{' '.join(words(self.title))}|{','.join(self.grades)}"

    def query(self) -> Query:
        """The row as the matcher sees it."""
        return Query(
            self.title,
            tuple(split_authors(self.authors)),
            tuple(self.grades),
            self.publisher,
            self.year,
            self.list_number,
            names_others(self.authors),
        )


@dataclass
class SchoolList:
    """A school's current list: its rows and the file they came from."""

    school: str
    file: str
    rows: list[SchoolRow]
    imported_at: str = ""


def _combined(top: list[str], below: list[str]) -> list[str]:
    """Two header rows as one: a merged top cell («Количество») spans the empty cells after it."""
    width = max(len(top), len(below))
    top, below = top + [""] * (width - len(top)), below + [""] * (width - len(below))
    out, spanning = [], ""
    for upper, lower in zip(top, below, strict=True):
        spanning = upper or (spanning if lower else "")
        out.append(f"{spanning} {lower}".strip() if lower else upper)
    return out


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for column, text in enumerate(header):
        name = header_field(text)
        if name and name not in found:
            found[name] = column
    return found


def find_header(rows: list[list[str]]) -> tuple[int, dict[str, int]]:
    """``(first_data_row_index, {field: column})``: the row (or merged pair of rows) naming the
    most fields among the first :data:`HEADER_ROWS`."""
    best: tuple[int, int, dict[str, int]] = (0, -1, {})
    for n in range(min(len(rows), HEADER_ROWS)):
        options = [(n + 1, _columns(rows[n]))]
        if n + 1 < len(rows):
            options.append((n + 2, _columns(_combined(rows[n], rows[n + 1]))))
        for start, columns in options:
            if len(columns) > best[1]:
                best = (start, len(columns), columns)
    return best[0], best[2]


def _count(value: str, row: int, name: str, problems: list[str]) -> int | None:
    if not value:
        return None
    text = value.replace(" ", "")
    if re.fullmatch(r"\d+(\.0+)?", text):
        return int(float(text))
    problems.append(
        t("textbooks.bad_number", row=row, field=t(f"textbooks.col_{name}"), value=value)
    )
    return None


def parse(rows: list[list[str]], file: str = "") -> tuple[list[SchoolRow], list[str]]:
    """The textbook rows of a school's sheet and the problems found (each names row and field).

    A row without a title or with an unreadable grade is left out with a message; an empty grade
    or subject repeats the row above (a cell merged down several rows).
    """
    start, columns = find_header(rows)
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        labels = ", ".join(t(f"textbooks.col_{name}") for name in missing)
        return [], [t("textbooks.no_header", file=file, columns=labels)]
    found: list[SchoolRow] = []
    problems: list[str] = []
    last_grades: list[str] = []
    last_subject = ""

    def cell(raw: list[str], name: str) -> str:
        column = columns.get(name)
        return raw[column].strip() if column is not None and column < len(raw) else ""

    for index in range(start, len(rows)):
        raw, number = rows[index], index + 1
        if not any(raw) or _SKIP.match(" ".join(raw).strip()):
            continue
        title, grade_text = cell(raw, "title"), cell(raw, "grades")
        filled = [c for c in raw if c.strip()]
        if len(filled) >= 4 and all(re.fullmatch(r"\d+\.?", c.strip()) for c in filled):
            continue  # a row of column numbers under the header
        if not title:
            problems.append(t("textbooks.required", row=number, field=t("textbooks.col_title")))
            continue
        grades = parse_grades(grade_text) if grade_text else last_grades
        if not grades:
            problems.append(
                t(
                    "textbooks.bad_grade",
                    row=number,
                    field=t("textbooks.col_grades"),
                    value=grade_text,
                )
            )
            continue
        last_grades = grades
        subject = cell(raw, "subject") or last_subject
        last_subject = subject
        year_text = cell(raw, "year")
        year = parse_year(year_text) if year_text else None
        if year_text and year is None:
            problems.append(
                t(
                    "textbooks.bad_number",
                    row=number,
                    field=t("textbooks.col_year"),
                    value=year_text,
                )
            )
        found.append(
            SchoolRow(
                row=number,
                grades=grades,
                title=title,
                authors=cell(raw, "authors"),
                subject=subject,
                publisher=cell(raw, "publisher"),
                year=year,
                copies=_count(cell(raw, "copies"), number, "copies", problems),
                pupils=_count(cell(raw, "pupils"), number, "pupils", problems),
                list_number=cell(raw, "list_number"),
            )
        )
    if not found and not problems:
        problems.append(t("textbooks.no_rows", file=file))
    return found, problems
