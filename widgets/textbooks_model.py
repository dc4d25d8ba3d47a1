"""The textbook check's state and logic, with no widgets: which school is shown, its rows that
need a methodist, the alternatives for each, and the city summary that changes when a methodist
decides. The view (:mod:`widgets.textbooks_panel`) only mirrors these traits; tests drive the
model directly."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
from traitlets import HasTraits, Instance, Int, List, Unicode, observe

from catalogue.curation.identity import current_user
from catalogue.extract.safety import Limits
from catalogue.i18n import date_text, number_text, t
from catalogue.records import Media
from catalogue.reports import output
from catalogue.reports.registry import REPORTS
from catalogue.textbooks.importing import (
    Progress,
    SchoolImport,
    federal_books,
    import_school_list,
    resolve,
)
from catalogue.textbooks.schools import SchoolList, SchoolRow
from catalogue.textbooks.storage import TextbookTables
from catalogue.workspace import Workspace


def short_publisher(name: str) -> str:
    """«Акционерное общество «Издательство «Просвещение»» → «Просвещение»."""
    quoted = re.findall(r"«([^«»]+)", name)
    return quoted[-1].strip() if quoted else name


class TextbooksModel(HasTraits):
    """Schools' lists, the rows waiting for a methodist, and the reports they feed.

    ``school`` picks the school; ``pending`` lists its rows the matcher could not decide;
    ``resolve(row, record_id)`` stores a methodist's choice (remembered for the school's next
    import) and bumps ``version`` so views redraw the summary.
    """

    schools = List(Unicode())
    school = Unicode("")
    pending: List[SchoolRow] = List()  # rows of ``school`` with outcome "ambiguous"
    version = Int(0)
    message = Unicode("")
    today = Instance(dt.date)

    def __init__(self, ws: Workspace, today: dt.date | None = None, **kwargs: Any) -> None:
        self.ws = ws
        self.tables = TextbookTables(ws.store.db)
        self.books: dict[str, Media] = federal_books(ws.store)
        super().__init__(today=today or dt.date.today(), **kwargs)
        self.refresh()

    # -- reading -------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the schools' lists (after an import or a decision)."""
        self.schools = [s.school for s in self.tables.lists()]
        if self.school not in self.schools:
            self.school = self._first_pending_school()
        self._load_pending()
        self.version += 1

    def _first_pending_school(self) -> str:
        for school_list in self.tables.lists():
            if any(r.outcome == "ambiguous" for r in school_list.rows):
                return school_list.school
        return self.schools[0] if self.schools else ""

    @observe("school")
    def _school_changed(self, _change: dict[str, Any]) -> None:
        self._load_pending()

    def _load_pending(self) -> None:
        current = self.current()
        self.pending = [r for r in current.rows if r.outcome == "ambiguous"] if current else []

    def current(self) -> SchoolList | None:
        """The chosen school's current list."""
        return self.tables.school_list(self.school) if self.school else None

    def alternatives(self, row: SchoolRow) -> list[tuple[str, str]]:
        """``(label, record_id)`` choices for a row: the matcher's candidates, best first, and
        «not in the list» last."""
        out = []
        for record_id, score in row.alternatives:
            book = self.books.get(record_id)
            if book is None:
                continue
            label = t(
                "textbooks_panel.choice",
                number=book.list_number,
                appendix=t("textbooks_panel.appendix", appendix=book.list_appendix or "—"),
                term=t("textbooks_panel.until", date=date_text(book.valid_until))
                if book.valid_until
                else t("textbooks.no_term"),
                title=book.title,
                authors=", ".join(book.authors),
                publisher=short_publisher(book.publisher),
                score=number_text(score),
            )
            out.append((label, record_id))
        return [*out, (t("textbooks_panel.not_listed"), "")]

    def report(self, name: str) -> pd.DataFrame:
        """A textbook report for ``today`` (``textbooks-summary``, ``textbooks-expiring``…)."""
        return REPORTS[name].run(self.ws, today=self.today)

    def school_report(self) -> pd.DataFrame:
        """The chosen school's rows with their statuses."""
        return REPORTS["textbooks-check"].run(self.ws, today=self.today, organisation=self.school)

    # -- acting --------------------------------------------------------------------------

    def resolve(self, row: SchoolRow, record_id: str) -> None:
        """A methodist's decision for ``row`` of the chosen school (``""``: not in the list)."""
        resolve(self.ws, self.school, row, record_id, current_user(self.ws.path))
        book = self.books.get(record_id)
        self.message = t(
            "textbooks_panel.resolved",
            row=row.row,
            title=book.title if book else t("textbooks_panel.not_listed"),
        )
        self.refresh()

    def upload(
        self, name: str, content: bytes, school: str, progress: Progress | None = None
    ) -> SchoolImport:
        """Import a school's list uploaded in the notebook (read under the import limits)."""
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / Path(name).name  # messages name the file the methodist sent
            path.write_bytes(content)
            result = import_school_list(
                self.ws,
                path,
                school or Path(name).stem,
                current_user(self.ws.path),
                Limits.from_settings(self.ws.settings),
                progress=progress,
            )
        self.message = "\n".join(
            [*result.problems]
            + (
                [t("textbooks_cli.imported", school=result.school, file=name, **result.counts)]
                if result.school_list
                else [t("textbooks_cli.refused", school=result.school, file=name)]
            )
        )
        if result.school_list:
            self.school = result.school
        self.refresh()
        return result

    def save_workbook(self, path: Path | None = None) -> Path:
        """The department's workbook: the city summary and one sheet per school (XLSX)."""
        report = REPORTS["textbooks-summary"]
        table = report.run(self.ws, today=self.today)
        from catalogue.reports import charts

        result = output.Result(report, table, charts.png(report.figure(table)))
        path = path or output.default_path(self.ws, report.name, "xlsx", self.today)
        path.parent.mkdir(parents=True, exist_ok=True)
        output.save_xlsx(output.with_sheets(self.ws, result, today=self.today), path)
        self.message = t("report_panel.saved", path=path)
        return path
