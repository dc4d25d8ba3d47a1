"""The textbooks panel for ``notebooks/06_textbooks.ipynb``: upload a school's list, resolve
the rows the matcher could not decide, see the school's check and the city summary change, save
the department's workbook. A thin view over :class:`widgets.textbooks_model.TextbooksModel`."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import Any

import ipywidgets as w
import pandas as pd

from catalogue.i18n import date_text, number_text, t
from catalogue.textbooks.schools import SchoolRow
from catalogue.workspace import Workspace
from widgets.progress import ProgressReporter
from widgets.search_panel import find_home
from widgets.sizing import FITS_LABEL, fits_label, label_style, shared
from widgets.textbooks_model import TextbooksModel

STYLE = """<style>
.imk-textbooks-table {max-height: 360px; overflow: auto}
.imk-textbooks-table table {border-collapse: collapse; font-size: 12px}
.imk-textbooks-panel .imk-textbooks-table th, .imk-textbooks-panel .imk-textbooks-table td {
  border: 1px solid #ddd; padding: 2px 6px; vertical-align: top; text-align: left}
.imk-textbooks-table th {background: #f3f6f9; position: sticky; top: 0}
.imk-textbooks-table td {min-width: 3em}
.imk-textbooks-row {background: #fff8e6; padding: 4px 8px; border-left: 3px solid #d9a441}
.imk-textbooks-summary .imk-textbooks-table {max-height: none}
</style>"""
WIDE = label_style()
SCHOOL_HIDDEN = ["Школа", "School", "Автор(ы)", "Author(s)", "Издательство", "Publisher"]


def _cell(value: object) -> str:
    """A cell as the methodist reads it: «31.08.2027», «0,85», «—» for nothing."""
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return "—"
    if isinstance(value, dt.date):
        return date_text(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return number_text(value)
    return str(value)


def _table(frame: pd.DataFrame) -> str:
    if frame.empty:
        return html.escape(t("report.no_data"))
    keep = not isinstance(frame.index, pd.RangeIndex)
    table = frame.astype(object).map(_cell).to_html(index=keep, escape=True, justify="left")
    return f'<div class="imk-textbooks-table">{table}</div>'


def _row_text(key: str, row: SchoolRow, *more: str) -> str:
    """«Строка 4: 7 кл.; Макарычев Ю.Н.; «Алгебра»; …» — the fields the school filled in."""
    head = t(key, row=row.row, grades=", ".join(row.grades))
    return "; ".join([head, *(m for m in (row.authors, f"«{row.title}»", *more) if m)])


def _row_html(row: SchoolRow) -> str:
    year = t("textbooks_panel.year", year=row.year) if row.year else ""
    lines = [html.escape(_row_text("textbooks_panel.row", row, row.publisher, year))]
    if len(row.tied) > 1:
        lines.append(html.escape(t("textbooks_panel.tied", n=len(row.tied))))
    return f'<div class="imk-textbooks-row">{"<br>".join(lines)}</div>'


class TextbooksPanel(w.VBox):
    """Upload → rows that need a methodist (with alternatives) → the school's check and the city
    summary; a button saves the department's workbook."""

    def __init__(self, ws: Workspace, today: dt.date | None = None, **kwargs: Any) -> None:
        self.model = TextbooksModel(ws, today=today)
        self._drawing = False
        self.upload = w.FileUpload(
            accept=".xlsx,.xls,.csv",
            multiple=False,
            description=t("textbooks_panel.upload"),
            layout=fits_label(),
        )
        self.school_name = w.Text(
            placeholder=t("textbooks_panel.school_placeholder"),
            description=t("textbooks_panel.school_name"),
            style=WIDE,
            layout=shared(width="420px"),
        )
        self.import_button = w.Button(
            description=t("textbooks_panel.import"), icon="upload", layout=fits_label()
        )
        self.progress = ProgressReporter(description=t("textbooks_cli.matching"))
        self.progress.layout.display = "none"
        self.school = w.Dropdown(
            description=t("textbooks_panel.school"), style=WIDE, layout=shared(width="720px")
        )
        self.row = w.Dropdown(description=t("textbooks_panel.pending"), style=WIDE)
        self.row.layout.width = "720px"
        self.row_info = w.HTML()
        self.choice = w.Select(rows=5, layout=w.Layout(width="100%"))  # hidden with choose_button
        self.choose_button = w.Button(
            description=t("textbooks_panel.choose"),
            button_style="primary",
            icon="check",
            layout=w.Layout(**FITS_LABEL),  # hidden when nothing waits: a layout of its own
        )
        self.workbook_button = w.Button(
            description=t("textbooks_panel.workbook"),
            icon="file-excel-o",
            layout=shared(width="auto"),
        )
        self.status = w.HTML()
        self.school_table = w.HTML()
        self.summary_table = w.HTML()
        self.expiring_table = w.HTML()
        self.import_button.on_click(lambda _b: self.import_upload())
        self.choose_button.on_click(lambda _b: self.choose())
        self.workbook_button.on_click(lambda _b: self.model.save_workbook())
        self.school.observe(self._pick_school, names="value")
        self.row.observe(lambda _c: self._show_row(), names="value")
        self.model.observe(lambda _c: self.redraw(), names="version")
        self.model.observe(lambda _c: self._show_message(), names="message")
        heading = lambda key: w.HTML(f"<h4>{html.escape(t(key))}</h4>")  # noqa: E731
        super().__init__(
            [
                w.HTML(STYLE),
                heading("textbooks_panel.upload_heading"),
                w.HBox([self.upload, self.school_name, self.import_button]),
                self.progress,
                self.status,
                heading("textbooks_panel.resolve_heading"),
                self.school,
                self.row,
                self.row_info,
                self.choice,
                self.choose_button,
                heading("textbooks_panel.school_heading"),
                self.school_table,
                heading("textbooks_panel.summary_heading"),
                self.workbook_button,
                self.summary_table,
                heading("textbooks_panel.expiring_heading"),
                self.expiring_table,
            ],
            **kwargs,
        )
        self.add_class("imk-textbooks-panel")
        for widget, name in (
            (self.summary_table, "summary"),
            (self.school_table, "school-table"),
            (self.expiring_table, "expiring"),
            (self.choice, "choice"),
            (self.choose_button, "choose"),
            (self.status, "status"),
            (self.row, "pending"),
        ):
            widget.add_class(f"imk-textbooks-{name}")
        self.redraw()

    @classmethod
    def for_workspace(cls, home: str | Path | None = None, **kwargs: Any) -> TextbooksPanel:
        """A panel on the workspace ``home`` (see :func:`widgets.search_panel.find_home`)."""
        return cls(Workspace.open(find_home(home)), **kwargs)

    # -- drawing -------------------------------------------------------------------------

    def redraw(self) -> None:
        """Mirror the model: schools, pending rows, the school's check and the summaries."""
        model = self.model
        self._drawing = True
        try:
            if list(self.school.options) != model.schools:
                self.school.options = model.schools
            self.school.value = model.school or None
        finally:
            self._drawing = False
        self.row.options = [
            (_row_text("textbooks_panel.pending_option", r), r.row) for r in model.pending
        ]
        self.row.value = model.pending[0].row if model.pending else None
        self._show_row()
        shown = model.school_report().drop(columns=SCHOOL_HIDDEN, errors="ignore")
        self.school_table.value = _table(shown) if model.school else ""
        self.summary_table.value = _table(model.report("textbooks-summary"))
        self.expiring_table.value = _table(model.report("textbooks-expiring"))

    def _pending_row(self) -> SchoolRow | None:
        return next((r for r in self.model.pending if r.row == self.row.value), None)

    def _show_row(self) -> None:
        row = self._pending_row()
        self.choose_button.disabled = row is None
        for control in (self.row, self.choice, self.choose_button):  # nothing to choose: hidden
            control.layout.display = "none" if row is None else None
        if row is None:
            text = html.escape(t("textbooks_panel.nothing_pending"))
            self.row_info.value = f'<div class="imk-textbooks-row">{text}</div>'
            self.choice.options = []
            return
        self.row_info.value = _row_html(row)
        self.choice.options = self.model.alternatives(row)
        self.choice.value = self.choice.options[0][1]

    def _pick_school(self, change: dict[str, Any]) -> None:
        if not self._drawing and change["new"] and change["new"] != self.model.school:
            self.model.school = change["new"]
            self.redraw()

    def _show_message(self) -> None:
        lines = self.model.message.splitlines()
        self.status.value = "<br>".join(html.escape(line) for line in lines)

    # -- acting --------------------------------------------------------------------------

    def choose(self) -> None:
        """Store the methodist's choice for the shown row."""
        row = self._pending_row()
        if row is not None:
            self.model.resolve(row, self.choice.value or "")

    def import_upload(self) -> None:
        """Import the uploaded file as the named school's list."""
        if not self.upload.value:
            self.model.message = t("textbooks_panel.no_file")
            return
        item = self.upload.value[0]
        self.progress.layout.display = None
        try:
            self.model.upload(
                item["name"], bytes(item["content"]), self.school_name.value.strip(), self.progress
            )
        finally:
            self.progress.layout.display = "none"
