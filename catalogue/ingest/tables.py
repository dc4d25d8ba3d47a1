"""Spreadsheets that are lists of records (XLSX, XLS, CSV, TSV): one row → one record.

Column headers are recognised in Russian and English (:data:`HEADERS`); ``mapping``
(``{"Заголовок столбца": "field"}``) overrides or adds columns. :func:`preview` is a dry run: a
pandas DataFrame with the parsed values and the problems of every row. :func:`import_table`
validates every row, reports each bad row by number and field, and saves the good rows in one
transaction. A table with publisher/ISBN/format columns holds media records, else materials.

Tables are untrusted files: :func:`load` runs in the worker process (time and memory limits),
refuses a table with more rows or columns than the limits (``[import] max_rows``,
``max_columns``) and decodes CSV line by line — a line in another encoding is read in its own and
flagged, a garbled line (mojibake) fails its row and is never stored.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, cast

from catalogue.extract import Limits
from catalogue.extract.safety import ExtractError, check_ooxml_container, check_zip
from catalogue.extract.text import decode_lines, garbled
from catalogue.extract.worker import Worker, check_size
from catalogue.i18n import t
from catalogue.ingest.duplicates import title_key
from catalogue.ingest.report import DUPLICATE, FAILED, FLAGGED, IMPORTED, ImportReport
from catalogue.ingest.values import parse_grades, parse_people, parse_year
from catalogue.records import Record, new
from catalogue.validation import field_label, normalise, validate
from catalogue.vocabularies import fold

if TYPE_CHECKING:
    import pandas as pd

    from catalogue.workspace import Workspace

TABLE_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".tsv")
HEADERS: dict[str, tuple[str, ...]] = {
    "title": ("название", "наименование", "заголовок", "title", "name", "тема"),
    "authors": ("авторы", "автор", "автор(ы)", "authors", "author", "составитель", "фио автора"),
    "subjects": ("предмет", "предметы", "учебный предмет", "subject", "subjects", "дисциплина"),
    "grades": ("класс", "классы", "grade", "grades", "класс(ы)"),
    "year": ("год", "год издания", "year", "дата"),
    "resource_type": ("тип", "тип ресурса", "вид материала", "type", "resource type"),
    "annotation": ("аннотация", "описание", "annotation", "description", "abstract"),
    "organisation": (
        "организация",
        "школа",
        "оо",
        "образовательная организация",
        "organisation",
        "organization",
        "school",
    ),
    "publisher": ("издательство", "издатель", "publisher"),
    "isbn": ("isbn",),
    "format": ("формат", "носитель", "format"),
    "keywords": ("ключевые слова", "keywords", "теги", "tags"),
    "levels": ("уровень", "уровень образования", "level"),
    "place": ("место издания", "город", "place"),
    "pages": ("страниц", "количество страниц", "pages"),
    "links": ("ссылка", "url", "link", "links"),
}
LIST_FIELDS = {"subjects", "keywords", "levels", "links"}
MEDIA_FIELDS = {"publisher", "isbn", "format", "place", "pages"}


def is_table(path: Path) -> bool:
    """Whether the file's format can hold a list of records."""
    return path.suffix.lower() in TABLE_SUFFIXES


@dataclass
class Sheet:
    """The first sheet of a table as strings, with what went wrong reading some of its rows.

    ``failed``: row number → why the row could not be read (it is reported, never stored);
    ``flagged``: row number → a note for a row read in an unusual way (kept, reported).
    """

    rows: list[list[str]]
    failed: dict[int, str] = field(default_factory=dict)
    flagged: dict[int, str] = field(default_factory=dict)


def load(path: Path, limits: Limits) -> Sheet:
    """The first sheet of the table at ``path`` within ``limits`` (rows, columns, archive size).

    Runs in the worker process (:meth:`catalogue.extract.worker.Worker.call`): raises
    :class:`ExtractError` for a table beyond the limits; any other exception means a broken file.
    """
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        return _load_text(path, suffix, limits)
    data = path.read_bytes()
    if suffix != ".xls":
        try:
            check_ooxml_container(data)
        except ExtractError as exc:
            if exc.key != "old_format":
                raise
            suffix = ".xls"  # an old-format workbook renamed
    if suffix == ".xls":
        import xlrd

        first = xlrd.open_workbook(file_contents=data, on_demand=True).sheet_by_index(0)
        _check_rows(first.nrows, limits)
        return Sheet(_bounded((first.row_values(n) for n in range(first.nrows)), limits))
    import openpyxl
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    check_zip(data, limits)
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        worksheet = book.worksheets[0]
        cast(ReadOnlyWorksheet, worksheet).reset_dimensions()  # rows are counted while read
        return Sheet(_bounded(worksheet.iter_rows(values_only=True), limits))
    finally:
        book.close()


def _check_rows(count: int, limits: Limits) -> None:
    if count > limits.max_rows:
        raise ExtractError("too_many_rows", rows=count, limit=limits.max_rows)


def _bounded(raw: Iterable[Iterable[object]], limits: Limits) -> list[list[str]]:
    """Rows as cleaned strings; refuses a table longer or wider than the limits."""
    rows = []
    for number, values in enumerate(raw, 1):
        _check_rows(number, limits)
        row = [_cell(v) for v in values]
        while row and not row[-1]:
            row.pop()
        if len(row) > limits.max_columns:
            raise ExtractError(
                "too_many_columns", row=number, columns=len(row), limit=limits.max_columns
            )
        rows.append(row)
    return rows


def _load_text(path: Path, suffix: str, limits: Limits) -> Sheet:
    """CSV/TSV decoded line by line: a line in another encoding than the rest is read in its
    own and flagged; a garbled line (mojibake) fails its row instead of being stored."""
    lines = decode_lines(path.read_bytes())
    found = Counter(enc for text, enc in lines if not text.isascii())
    usual = found.most_common(1)[0][0] if found else "utf-8"
    text = "".join(line for line, _enc in lines)
    delimiter = "\t" if suffix == ".tsv" else (";" if text.count(";") > text.count(",") else ",")
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[list[str]] = []
    sheet = Sheet([])
    while True:
        first = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise ExtractError("bad_csv", row=len(rows) + 1, reason=str(exc)) from exc
        rows.append(values)
        number = len(rows)
        _check_rows(number, limits)
        for line in range(first, reader.line_num + 1):
            line_text, encoding = lines[line - 1] if line <= len(lines) else ("", usual)
            if garbled(line_text, encoding):
                sheet.failed[number] = t("ingest.garbled_line", line=line)
            elif encoding != usual and not line_text.isascii():
                sheet.flagged[number] = t(
                    "ingest.mixed_line", line=line, encoding=_LABELS[encoding], usual=_LABELS[usual]
                )
    sheet.rows = _bounded(rows, limits)
    return sheet


_LABELS = {"utf-8": "UTF-8", "cp1251": "Windows-1251", "utf-16": "UTF-16"}


def _cell(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value if value is not None else "").replace("\u00a0", " ").split())


def _lookup() -> dict[str, str]:
    return {fold(h): name for name, headers in HEADERS.items() for h in headers}


def find_header(
    rows: list[list[str]], mapping: dict[str, str] | None = None
) -> tuple[int, dict[int, str]]:
    """``(header_row_index, {column: field})`` — the first of 10 rows naming the most fields."""
    known = _lookup()
    known.update({fold(k): v for k, v in (mapping or {}).items()})
    best: tuple[int, dict[int, str]] = (-1, {})
    for n, row in enumerate(rows[:10]):
        columns: dict[int, str] = {}
        for c, header in enumerate(row):
            name = known.get(fold(re.sub(r"[*:]+$", "", header)))
            if name and name not in columns.values():
                columns[c] = name
        if len(columns) > len(best[1]):
            best = (n, columns)
    return best


def _record(values: dict[str, str], kind: str) -> Record:
    record = new(kind)
    for name, raw in values.items():
        if not raw:
            continue
        if name == "authors":
            record.authors = parse_people(raw)
        elif name == "grades":
            record.grades = parse_grades(raw) or [raw]
        elif name == "year":  # an unreadable year is kept for validation to name
            setattr(record, name, parse_year(raw) or raw)
        elif name == "pages":
            setattr(record, name, int(raw) if raw.isdigit() else raw)
        elif name in LIST_FIELDS:
            setattr(record, name, [v.strip() for v in re.split(r"[;,]", raw) if v.strip()])
        elif hasattr(record, name):
            setattr(record, name, raw)
    record.status = "draft"
    return record


class Row(NamedTuple):
    """One data row of a table: what it holds, the record it makes, and what is wrong with it."""

    number: int
    values: dict[str, str]
    record: Record
    problems: list[str]
    note: str = ""  # read in an unusual way (another encoding): kept, but flagged


def read(path: Path, limits: Limits, worker: Worker | None = None) -> Sheet:
    """Load the table at ``path`` in the worker process (``worker``, else a new one).

    Raises :class:`Refused` (a :class:`ValueError`) with a Russian message naming the file when
    the table is too large, broken, or goes beyond the limits.
    """
    check_size(path, limits)
    if worker is None:
        with Worker(limits) as own:
            return own.call(load, path, limits, name=path.name)
    return worker.call(load, path, limits, name=path.name)


def parse(
    sheet: Sheet, name: str, mapping: dict[str, str] | None = None, kind: str = "auto"
) -> Iterator[Row]:
    """Every data row of a loaded table (``name``: its file name, for messages)."""
    header, columns = find_header(sheet.rows, mapping)
    if "title" not in columns.values():
        raise ValueError(t("ingest.no_title_column", name=name))
    if kind == "auto":
        kind = "media" if MEDIA_FIELDS & set(columns.values()) else "material"
    for number, row in enumerate(sheet.rows[header + 1 :], header + 2):
        if not any(row) and number not in sheet.failed:
            continue
        values = {name: (row[c] if c < len(row) else "") for c, name in columns.items()}
        if number in sheet.failed:  # a garbled line: nothing of it may be stored
            yield Row(number, values, new(kind), [sheet.failed[number]])
            continue
        record = _record(values, kind)
        normalise(record)
        problems = [f"{field_label(e.field)}: {e.message}" for e in validate(record)]
        yield Row(number, values, record, problems, sheet.flagged.get(number, ""))


def preview(
    path: Path | str,
    mapping: dict[str, str] | None = None,
    kind: str = "auto",
    limits: Limits | None = None,
) -> pd.DataFrame:
    """Dry run: a DataFrame of what each row would become, with its problems; nothing saved."""
    import pandas as pd

    path = Path(path)
    out = []
    for row in parse(read(path, limits or Limits()), path.name, mapping, kind):
        record = row.record
        out.append(
            {
                "row": row.number,
                "kind": record.kind,
                "title": record.title,
                "authors": "; ".join(record.authors),
                "subjects": "; ".join(record.subjects),
                "grades": ", ".join(record.grades),
                "year": record.year,
                "resource_type": record.resource_type,
                "problems": "; ".join([*row.problems, row.note] if row.note else row.problems),
            }
        )
    return pd.DataFrame(
        out,
        columns=[
            "row",
            "kind",
            "title",
            "authors",
            "subjects",
            "grades",
            "year",
            "resource_type",
            "problems",
        ],
    )


def import_table(
    ws: Workspace,
    path: Path,
    report: ImportReport,
    by: str,
    worker: Worker,
    mapping: dict[str, str] | None = None,
    kind: str = "auto",
) -> int:
    """Import the rows of a table; bad rows are reported, good rows saved in one transaction.

    The file is parsed in ``worker`` under the import limits; a refused file is one report line.
    """
    try:
        parsed = list(parse(read(path, worker.limits, worker), path.name, mapping, kind))
    except ValueError as exc:  # Refused too: the message names the file
        report.add(path.name, FAILED, str(exc))
        return 0
    known = {title_key(r) or r.title.lower() for r in ws.store.iter_records()}
    good = []
    for row in parsed:
        key = title_key(row.record) or row.record.title.lower()
        if row.problems:
            message = t("ingest.bad_row", row=row.number, problems="; ".join(row.problems))
            report.add(path.name, FAILED, message, row=row.number)
        elif key in known:
            report.add(path.name, DUPLICATE, t("ingest.row_duplicate"), row=row.number)
        else:
            known.add(key)
            if row.note:
                row.record.suggested["flag"] = row.note
            good.append(row)
    saved = ws.store.save_many([row.record for row in good], by) if good else []
    for row, record in zip(good, saved, strict=True):
        outcome = FLAGGED if row.note else IMPORTED
        report.add(
            path.name, outcome, row.note, row=row.number, record_id=record.id, kind=record.kind
        )
    return len(saved)
