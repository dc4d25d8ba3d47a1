"""The federal list of textbooks (ФПУ, приказ Минпросвещения) as media records.

The official spreadsheet has one header row, a row of column numbers, then rows of two kinds:
section headings («Начальное общее образование (уровень образования)», «Математика (учебный
предмет)») that give the level and subject of the rows below them, and textbook rows (authors,
publisher, grades). Cells are padded with non-breaking spaces. Each textbook becomes a
:class:`Media` record: format «учебник», resource type «Учебник», title, authors (editors from
«под редакцией …» included), grades, level, subject, publisher; the row number in the list, the
companion teaching aids and the term of validity go to the annotation. A textbook already in the
catalogue (same title, authors, grades and publisher) is reported as a duplicate.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from catalogue import vocabularies
from catalogue.i18n import t
from catalogue.ingest.report import DUPLICATE, FAILED, IMPORTED, ImportReport
from catalogue.ingest.values import parse_grades, parse_people
from catalogue.records import Media, Record
from catalogue.validation import ValidationError, check

if TYPE_CHECKING:
    from catalogue.workspace import Workspace

MARKER = "федерального перечня"
_HEADING = re.compile(r"\((уровень образования|предметная область|учебный предмет)\)", re.I)
_LEVELS = [
    (re.compile(r"дошкольн", re.I), "ДО"),
    (re.compile(r"начальн\w+ общ", re.I), "НОО"),
    (re.compile(r"основн\w+ общ", re.I), "ООО"),
    (re.compile(r"средн\w+ общ", re.I), "СОО"),
    (re.compile(r"средн\w+ профессиональн", re.I), "СПО"),
]
# columns (0-based) of the official layout
CODE, TITLE, AUTHORS, PUBLISHER, AIDS, GRADES, HOLDER, VALID = 2, 3, 4, 5, 6, 7, 9, 11


def _clean(value: object) -> str:
    return " ".join(str(value or "").replace("\u00a0", " ").split())


def is_federal_list(path: Path) -> bool:
    """Whether ``path`` is an XLSX laid out like the official federal list of textbooks."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return False
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True)
    except Exception:
        return False
    try:
        for row in book.worksheets[0].iter_rows(max_row=3, values_only=True):
            if any(MARKER in _clean(c).lower() for c in row):
                return True
        return False
    finally:
        book.close()


def _subject(*candidates: str) -> str:
    """The vocabulary subject named by the first candidate that resolves."""
    subjects = vocabularies.get("subjects")
    for candidate in candidates:
        for part in (
            candidate,
            candidate.split("(")[0],
            *re.findall(r"\(([^()]*)\)", candidate),
            re.split(r"[.:;]", candidate)[0],
        ):
            part = re.sub(r"\((учебный предмет|предметная область)\)", "", part)
            part = re.sub(r"\s+и$", "", part.strip(" .:-–"))  # «Родной язык и (или) …»
            term = subjects.resolve(part) if part else None
            if term:
                return term.code
    return ""


def _key(record: Record) -> tuple[Any, ...]:
    return (
        record.title.lower(),
        tuple(record.authors),
        tuple(record.grades),
        getattr(record, "publisher", ""),
    )


def rows(path: Path) -> Iterator[tuple[int, Media | None, str]]:
    """``(row_number, record_or_None, problem)`` for every textbook row of the list."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    level, area, subject_name = "", "", ""
    try:
        for number, raw in enumerate(book.worksheets[0].iter_rows(values_only=True), 1):
            cells = [_clean(c) for c in raw] + [""] * 12
            if number <= 2 or not cells[TITLE]:
                continue
            heading = _HEADING.search(cells[TITLE])
            if not cells[AUTHORS] and not cells[GRADES] and (heading or not cells[PUBLISHER]):
                for pattern, code in _LEVELS:
                    if pattern.search(cells[TITLE]):
                        level, area, subject_name = code, "", ""
                if heading and heading.group(1).lower() == "предметная область":
                    area, subject_name = cells[TITLE], ""
                elif heading and heading.group(1).lower() == "учебный предмет":
                    subject_name = cells[TITLE]
                continue
            yield number, *_record(cells, level, area, subject_name)
    finally:
        book.close()


def _record(cells: list[str], level: str, area: str, subject_name: str) -> tuple[Media | None, str]:
    grades = parse_grades(cells[GRADES])
    if level == "СПО" and not grades:
        grades = ["СПО"]
    subject = _subject(subject_name, cells[TITLE], area)
    notes = [t("ingest.fpu_row", code=cells[CODE].rstrip("."))]
    if cells[AIDS]:
        notes.append(t("ingest.fpu_aids", aids=cells[AIDS]))
    if cells[VALID]:
        notes.append(t("ingest.fpu_valid", valid=cells[VALID]))
    record = Media(
        title=cells[TITLE],
        authors=parse_people(cells[AUTHORS]),
        grades=grades,
        levels=[level] if level in vocabularies.get("levels") else [],
        subjects=[subject] if subject else [],
        keywords=[k for k in (re.sub(r"\s*\(.*", "", subject_name),) if k and not subject],
        resource_type="Учебник",
        format="учебник",
        publisher=cells[PUBLISHER],
        annotation=" ".join(notes),
        status="draft",
        suggested={"source": "fpu"},
    )
    try:
        check(record)
    except ValidationError as exc:
        return None, "; ".join(e.message for e in exc.errors)
    return record, ""


def import_list(
    ws: Workspace,
    path: Path,
    report: ImportReport,
    by: str,
    parsed: Iterable[tuple[int, Media | None, str]] | None = None,
) -> int:
    """Import the textbooks of the list at ``path``; every row goes into ``report``.

    ``parsed``: its :func:`rows`, already read (the import reads them in the worker process).
    Good rows are saved in one transaction; returns how many records were created.
    """
    known = {_key(r) for r in ws.store.iter_records("media")}
    good: list[tuple[int, Media]] = []
    for number, record, problem in rows(path) if parsed is None else parsed:
        if record is None:
            report.add(path.name, FAILED, problem, row=number, kind="media")
        elif _key(record) in known:
            report.add(path.name, DUPLICATE, t("ingest.fpu_duplicate"), row=number, kind="media")
        else:
            known.add(_key(record))
            good.append((number, record))
    saved = ws.store.save_many([r for _, r in good], by) if good else []
    for (number, _), record in zip(good, saved, strict=True):
        report.add(path.name, IMPORTED, "", row=number, record_id=record.id, kind="media")
    return len(saved)
