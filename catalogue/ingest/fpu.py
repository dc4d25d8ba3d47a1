"""The federal list of textbooks (ФПУ, приказ Минпросвещения) as media records.

The official spreadsheet has one header row, a row of column numbers, then rows of two kinds:
section headings («Начальное общее образование (уровень образования)», «Математика (учебный
предмет)») that give the level and subject of the rows below them, and textbook rows (authors,
publisher, grades). Cells are padded with non-breaking spaces. Each textbook becomes a
:class:`Media` record: format «учебник», resource type «Учебник», title, authors (editors from
«под редакцией …» included), grades, level, subject, publisher, and the list's own fields: list
number, appendix, the subject as the list names it, the order that included the book and the
date until which it may be used; the companion teaching aids go to the annotation.

Importing a list again (or a newer one) updates the textbooks by appendix and list number: each
change is a new version of the record, books the new list no longer has are marked excluded, and
:class:`ListChanges` reports what was added, excluded and whose date changed. A book already in
the catalogue without a list number (same title, authors, grades and publisher) is taken over.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from catalogue import vocabularies
from catalogue.i18n import t
from catalogue.ingest.report import DUPLICATE, FAILED, FLAGGED, IMPORTED, ImportReport
from catalogue.ingest.values import parse_grades, parse_people
from catalogue.records import Media, Record
from catalogue.validation import LIST_NUMBER_RE, ValidationError, check

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
APPENDIX, CODE, TITLE, AUTHORS, PUBLISHER, AIDS, GRADES, HOLDER, ORDER, VALID = (
    0,
    2,
    3,
    4,
    5,
    6,
    7,
    9,
    10,
    11,
)


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


def _key(record: Record) -> tuple[str, tuple[str, ...], tuple[str, ...], str]:
    return (
        record.title.lower(),
        tuple(record.authors),
        tuple(record.grades),
        getattr(record, "publisher", ""),
    )


_MONTHS = {
    name: number
    for number, name in enumerate(
        [
            "января",
            "февраля",
            "марта",
            "апреля",
            "мая",
            "июня",
            "июля",
            "августа",
            "сентября",
            "октября",
            "ноября",
            "декабря",
        ],
        1,
    )
}
_WORDY_DATE = re.compile(r"(\d{1,2})\s+([а-яё]+)\s+(\d{4})", re.I)
_DOTTED_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_NO_TERM = re.compile(r"^(бессрочно|без ограничени\w*|не ограничен\w*|-|—|–)?$", re.I)


def parse_valid_until(value: str) -> str:
    """The ISO date of «До 25 апреля 2027 года» (or «25.04.2027»); «бессрочно» or empty: "".

    Raises ValueError when the text names no date it can read.
    """
    text = _clean(value).lower().replace("ё", "е")
    if _NO_TERM.match(text):
        return ""
    found = _WORDY_DATE.search(text)
    if found and found.group(2) in _MONTHS:
        day, month, year = int(found.group(1)), _MONTHS[found.group(2)], int(found.group(3))
    elif dotted := _DOTTED_DATE.search(text):
        day, month, year = (int(g) for g in dotted.groups())
    else:
        raise ValueError(value)
    return dt.date(year, month, day).isoformat()


def _appendix(value: str) -> str:
    found = re.search(r"(\d)", value)
    return found.group(1) if found else ""


_GENERIC = re.compile(r"иностранн|родн", re.I)  # «Иностранный язык», «Родная литература»
_LANGUAGE = re.compile(r"\bязык\b|литератур|чтени", re.I)


def _subject_name(heading: str, title: str) -> str:
    """The subject as the list names it; for a generic heading («Иностранный язык») the
    language the title names («Французский язык»)."""
    name = re.sub(r"\s*\((учебный предмет|предметная область)\)\s*", "", heading).strip()
    lead = re.split(r"[:.;(]", title)[0].strip()
    if (not name or _GENERIC.search(name)) and _LANGUAGE.search(lead) and len(lead) < 60:
        return lead
    return name


def rows(path: Path) -> Iterator[tuple[int, Media | None, str]]:
    """``(row_number, record_or_None, problem)`` for every textbook row of the list.

    A record with a problem is kept but flagged (a list number or term written with a mistake).
    """
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
    notes = [t("ingest.fpu_aids", aids=cells[AIDS])] if cells[AIDS] else []
    problems = []
    try:
        valid_until = parse_valid_until(cells[VALID])
    except ValueError:
        valid_until = ""
        problems.append(t("textbooks.bad_valid_until", value=cells[VALID]))
    number = cells[CODE] if cells[CODE].endswith(".") else cells[CODE] + "."
    if not LIST_NUMBER_RE.match(number):
        problems.append(t("textbooks.odd_list_number", value=cells[CODE]))
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
        list_number=number,
        list_appendix=_appendix(cells[APPENDIX]),
        list_subject=_subject_name(subject_name, cells[TITLE]),
        list_order=cells[ORDER],
        valid_until=valid_until,
        status="draft",
        suggested={"source": "fpu"},
    )
    try:
        check(record)
    except ValidationError as exc:
        return None, "; ".join(e.message for e in exc.errors)
    return record, " ".join(problems)


@dataclass
class ListChanges:
    """What importing a list changed: books added, excluded, whose date changed, otherwise
    updated, and how many stayed as they were."""

    added: list[str] = field(default_factory=list)  # record ids
    excluded: list[str] = field(default_factory=list)
    date_changed: list[tuple[str, str, str]] = field(default_factory=list)  # id, old, new
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0

    def counts(self) -> dict[str, int]:
        """How many books each kind of change touched."""
        return {
            "added": len(self.added),
            "excluded": len(self.excluded),
            "date_changed": len(self.date_changed),
            "updated": len(self.updated),
            "unchanged": self.unchanged,
        }

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready summary."""
        return {
            "added": self.added,
            "excluded": self.excluded,
            "date_changed": [{"id": i, "old": o, "new": n} for i, o, n in self.date_changed],
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


LIST_FIELDS = (
    "title",
    "authors",
    "grades",
    "levels",
    "subjects",
    "publisher",
    "annotation",
    "list_subject",
    "list_order",
    "valid_until",
    "list_excluded",
)


def _list_key(record: Media) -> tuple[str, str]:
    return record.list_appendix, record.list_number


def _take_over(current: Media, new: Media) -> bool:
    """Copy the list's fields of ``new`` into ``current``; whether anything changed."""
    changed = False
    for name in (*LIST_FIELDS, "list_number", "list_appendix"):
        value = getattr(new, name)
        if getattr(current, name) != value:
            setattr(current, name, value)
            changed = True
    return changed


def _current(
    by_number: dict[tuple[str, str], list[Media]], record: Media, used: set[str]
) -> Media | None:
    """The catalogue's record for the list row ``record``: same appendix and number (the same
    title first, when the list repeats a number), not yet taken by another row."""
    free = [r for r in by_number.get(_list_key(record), []) if r.id not in used]
    same = [r for r in free if r.title.lower() == record.title.lower()]
    found = same or free
    return found[0] if found else None


def import_list(
    ws: Workspace,
    path: Path,
    report: ImportReport,
    by: str,
    parsed: Iterable[tuple[int, Media | None, str]] | None = None,
) -> ListChanges:
    """Import (or re-import) the list at ``path``; every row goes into ``report``.

    ``parsed``: its :func:`rows`, already read (the import reads them in the worker process).

    Textbooks are matched by appendix and list number, then (books imported before list numbers
    were kept) by title, authors, grades and publisher. Every change is saved in one
    transaction, logged in the list's history and returned as :class:`ListChanges`.
    """
    from catalogue.textbooks.storage import TextbookTables

    media = [r for r in ws.store.iter_records("media") if isinstance(r, Media)]
    by_number: dict[tuple[str, str], list[Media]] = {}
    for r in media:
        if r.list_number:
            by_number.setdefault(_list_key(r), []).append(r)
    legacy = {_key(r): r for r in media if not r.list_number and r.format == "учебник"}
    seen: set[tuple[str, tuple[str, ...], tuple[str, ...], str]] = set()
    used: set[str] = set()
    changes = ListChanges()
    to_save: list[tuple[int, Media, str, str]] = []  # row, record, change, problem
    log: list[tuple[int, str, str]] = []  # index into to_save, old, new
    for number, record, problem in rows(path) if parsed is None else parsed:
        if record is None:
            report.add(path.name, FAILED, problem, row=number, kind="media")
            continue
        current = _current(by_number, record, used) or legacy.pop(_key(record), None)
        if current is None and _key(record) in seen:
            report.add(path.name, DUPLICATE, t("ingest.fpu_duplicate"), row=number, kind="media")
            continue
        seen.add(_key(record))
        if current is None:
            to_save.append((number, record, "added", problem))
            continue
        used.add(current.id)
        old_date, was_excluded = current.valid_until, bool(current.list_excluded)
        if not _take_over(current, record):
            changes.unchanged += 1
            continue
        if was_excluded:
            to_save.append((number, current, "added", problem))
        elif old_date != current.valid_until:
            log.append((len(to_save), old_date, current.valid_until))
            to_save.append((number, current, "date_changed", problem))
        else:
            to_save.append((number, current, "updated", problem))
    today = dt.date.today().isoformat()
    for records in by_number.values():
        for record in records:
            if record.id not in used and not record.list_excluded:
                record.list_excluded = today
                to_save.append((0, record, "excluded", ""))
    saved = ws.store.save_many([r for _, r, _, _ in to_save], by) if to_save else []
    dates = {i: (old, new) for i, old, new in log}
    history = []
    for i, ((number, _, change, problem), record) in enumerate(zip(to_save, saved, strict=True)):
        old, new = dates.get(i, ("", ""))
        history.append((record.id, change, old, new))
        if change == "date_changed":
            changes.date_changed.append((record.id, old, new))
            message = t("textbooks.change_date_changed", old=old or "—", new=new or "—")
        else:
            getattr(changes, change).append(record.id)
            message = "" if change == "added" else t(f"textbooks.change_{change}")
        message = " ".join(m for m in (message, problem) if m)
        outcome = FLAGGED if problem or change in ("excluded", "date_changed") else IMPORTED
        report.add(
            path.name, outcome, message, row=number or None, record_id=record.id, kind="media"
        )
    TextbookTables(ws.store.db).log_changes(path.name, history)
    report.notes.append(t("textbooks.changes_summary", **changes.counts()))
    return changes
