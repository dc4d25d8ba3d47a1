"""Spreadsheets that are lists of records (XLSX, XLS, CSV, TSV): one row → one record.

Column headers are recognised in Russian and English (:data:`HEADERS`); ``mapping``
(``{"Заголовок столбца": "field"}``) overrides or adds columns. :func:`preview` is a dry run: a
pandas DataFrame with the parsed values and the problems of every row. :func:`import_table`
validates every row, reports each bad row by number and field, and saves the good rows in one
transaction. A table with publisher/ISBN/format columns holds media records, else materials.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from catalogue.extract.text import decode
from catalogue.i18n import t
from catalogue.ingest.duplicates import title_key
from catalogue.ingest.report import DUPLICATE, FAILED, IMPORTED, ImportReport
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


def read_rows(path: Path) -> list[list[str]]:
    """Every row of the first sheet as strings (NBSP and extra spaces removed)."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        text = decode(path.read_bytes())
        delimiter = (
            "\t" if suffix == ".tsv" else (";" if text.count(";") > text.count(",") else ",")
        )
        raw: list[list[object]] = [
            list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)
        ]
    elif suffix == ".xls":
        import xlrd

        sheet = xlrd.open_workbook(str(path)).sheet_by_index(0)
        raw = [list(sheet.row_values(n)) for n in range(sheet.nrows)]
    else:
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            raw = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
        finally:
            book.close()
    return [[_cell(v) for v in row] for row in raw]


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


def parse(
    path: Path, mapping: dict[str, str] | None = None, kind: str = "auto"
) -> Iterator[tuple[int, dict[str, str], Record, list[str]]]:
    """``(row_number, values, record, problems)`` for every data row of the table."""
    rows = read_rows(path)
    header, columns = find_header(rows, mapping)
    if "title" not in columns.values():
        raise ValueError(t("ingest.no_title_column", name=path.name))
    if kind == "auto":
        kind = "media" if MEDIA_FIELDS & set(columns.values()) else "material"
    for number, row in enumerate(rows[header + 1 :], header + 2):
        if not any(row):
            continue
        values = {name: (row[c] if c < len(row) else "") for c, name in columns.items()}
        record = _record(values, kind)
        normalise(record)
        problems = [f"{field_label(e.field)}: {e.message}" for e in validate(record)]
        yield number, values, record, problems


def preview(
    path: Path | str, mapping: dict[str, str] | None = None, kind: str = "auto"
) -> pd.DataFrame:
    """Dry run: a DataFrame of what each row would become, with its problems; nothing saved."""
    import pandas as pd

    out = []
    for number, _values, record, problems in parse(Path(path), mapping, kind):
        out.append(
            {
                "row": number,
                "kind": record.kind,
                "title": record.title,
                "authors": "; ".join(record.authors),
                "subjects": "; ".join(record.subjects),
                "grades": ", ".join(record.grades),
                "year": record.year,
                "resource_type": record.resource_type,
                "problems": "; ".join(problems),
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
    mapping: dict[str, str] | None = None,
    kind: str = "auto",
) -> int:
    """Import the rows of a table; bad rows are reported, good rows saved in one transaction."""
    try:
        parsed = list(parse(path, mapping, kind))
    except ValueError as exc:
        report.add(path.name, FAILED, str(exc))
        return 0
    except Exception:
        report.add(
            path.name,
            FAILED,
            t("extract.unreadable", name=path.name, label=path.suffix.lstrip(".").upper()),
        )
        return 0
    known = {title_key(r) or r.title.lower() for r in ws.store.iter_records()}
    good = []
    for number, _values, record, problems in parsed:
        key = title_key(record) or record.title.lower()
        if problems:
            report.add(
                path.name,
                FAILED,
                t("ingest.bad_row", row=number, problems="; ".join(problems)),
                row=number,
            )
        elif key in known:
            report.add(path.name, DUPLICATE, t("ingest.row_duplicate"), row=number)
        else:
            known.add(key)
            good.append((number, record))
    saved = ws.store.save_many([r for _, r in good], by) if good else []
    for (number, _), record in zip(good, saved, strict=True):
        report.add(path.name, IMPORTED, "", row=number, record_id=record.id, kind=record.kind)
    return len(saved)
