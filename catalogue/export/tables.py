"""Collections as tables (CSV, XLSX) through pandas: one row per published record, every cell
written through :mod:`catalogue.cells` (no formula can run)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from catalogue import cells, vocabularies
from catalogue.citations import gost
from catalogue.citations.reference import from_record
from catalogue.export.notebook import Contents
from catalogue.i18n import t
from catalogue.records import Media
from catalogue.validation import field_label


def frame(contents: Contents, today: dt.date | None = None) -> pd.DataFrame:
    """The collection's records as a table with column names in the user's language."""
    grades = vocabularies.get("grades")
    rows = []
    for n, entry in enumerate(contents.entries, 1):
        r = entry.record
        rows.append(
            {
                "№": n,
                field_label("id"): r.id,
                field_label("title"): r.title,
                field_label("authors"): "; ".join(r.authors),
                field_label("organisation"): r.organisation,
                field_label("subjects"): "; ".join(r.subjects),
                field_label("grades"): "; ".join(grades.label(g) for g in r.grades),
                field_label("resource_type"): r.resource_type,
                field_label("year"): r.year,
                field_label("annotation"): r.annotation,
                field_label("isbn"): r.isbn if isinstance(r, Media) else "",
                field_label("links"): " ".join(r.links),
                t("export_page.files"): "; ".join(r.sources),
                t("export_page.reference"): gost.format_reference(from_record(r, today)),
                t("export_page.note"): entry.note,
            }
        )
    return pd.DataFrame(rows)


def write_csv(contents: Contents, path: Path, today: dt.date | None = None) -> None:
    """CSV in UTF-8 with a byte-order mark, so Excel opens the Cyrillic correctly."""
    cells.write_csv(frame(contents, today), path)


def write_xlsx(contents: Contents, path: Path, today: dt.date | None = None) -> None:
    """An Excel workbook with one sheet named after the collection."""
    sheet = contents.collection.name[:31] or "collection"
    with cells.excel_writer(path) as writer:
        frame(contents, today).to_excel(writer, sheet_name=sheet, index=False)
