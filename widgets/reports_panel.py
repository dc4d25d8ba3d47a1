"""The reports panel for ``notebooks/05_reports.ipynb``: pick a report, a period, an organisation
and a subject; see the table and the chart; save the report as XLSX or every report as offline
HTML (through the export pipeline)."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import Any

import ipywidgets as w
import pandas as pd

from catalogue import vocabularies
from catalogue.i18n import t
from catalogue.reports import charts, display, load, output
from catalogue.reports.data import BadParameter
from catalogue.reports.registry import REPORTS
from catalogue.workspace import Workspace
from widgets.date_input import DateInput
from widgets.progress import ProgressReporter
from widgets.search_panel import find_home
from widgets.sizing import fits_label, label_style, shared

MAX_ROWS = 200
STYLE = """<style>
.imk-report-table {max-height: 420px; overflow: auto}
.imk-report-table table {border-collapse: collapse; font-size: 12px}
.imk-report-table th, .imk-report-table td {border: 1px solid #ddd; padding: 2px 6px}
.imk-report-table th {background: #f3f6f9; position: sticky; top: 0}
</style>"""


class ReportsPanel(w.VBox):
    """Pickers → report table and chart, with XLSX and HTML export buttons."""

    def __init__(self, ws: Workspace, today: dt.date | None = None, **kwargs: Any) -> None:
        self.ws = ws
        frames = load(ws)
        orgs = sorted(set(frames.records.organisation) | set(frames.portfolios.organisation))
        every = [(t("report_panel.any"), "")]
        wide = label_style()
        self.report = w.Dropdown(
            options=[(r.title, r.name) for r in REPORTS.values()],
            description=t("report_panel.report"),
            style=wide,
            layout=shared(width="520px"),
        )
        self.start = DateInput(description=t("report_panel.start"), style=wide)
        self.end = DateInput(description=t("report_panel.end"), style=wide)
        self.today = DateInput(
            value=today or dt.date.today(), style=wide, description=t("report_panel.today")
        )
        self.organisation = w.Dropdown(
            options=every + [(o, o) for o in orgs if o],
            description=t("report_panel.organisation"),
            style=wide,
        )
        self.subject = w.Dropdown(
            options=every + [(s.name, s.name) for s in vocabularies.get("subjects")],
            description=t("report_panel.subject"),
            style=wide,
        )
        self.months = w.BoundedIntText(
            value=6, min=0, max=120, style=wide, description=t("report_panel.months")
        )
        self.norm = w.BoundedIntText(
            value=72, min=0, max=10000, style=wide, description=t("report_panel.norm")
        )
        self.xlsx_button = w.Button(
            description=t("report_panel.xlsx"), icon="file-excel-o", layout=fits_label()
        )
        self.html_button = w.Button(
            description=t("report_panel.html"), icon="file-code-o", layout=fits_label()
        )
        self.status = w.HTML()
        self.table = w.HTML()
        self.chart = w.Image(format="png", layout=shared(max_width="900px"))
        self.progress = ProgressReporter(description=t("report_cli.building"))
        self.progress.layout.display = "none"
        self.result: output.Result | None = None
        pickers = [
            self.report,
            self.start,
            self.end,
            self.today,
            self.organisation,
            self.subject,
            self.months,
            self.norm,
        ]
        for picker in pickers:
            picker.observe(lambda _change: self.show(), names="value")
        self.xlsx_button.on_click(lambda _b: self.save_xlsx())
        self.html_button.on_click(lambda _b: self.save_html())
        super().__init__(
            [
                w.HTML(STYLE),
                self.report,
                w.HBox([self.start, self.end, self.today]),
                w.HBox([self.organisation, self.subject]),
                w.HBox([self.months, self.norm]),
                w.HBox([self.xlsx_button, self.html_button]),
                self.progress,
                self.status,
                self.table,
                self.chart,
            ],
            **kwargs,
        )
        self.add_class("imk-reports-panel")
        self.show()

    @classmethod
    def for_workspace(cls, home: str | Path | None = None, **kwargs: Any) -> ReportsPanel:
        """A panel on the workspace ``home`` (see :func:`widgets.search_panel.find_home`)."""
        return cls(Workspace.open(find_home(home)), **kwargs)

    def params(self) -> dict[str, Any]:
        """The pickers' values as report parameters (empty pickers are left out)."""
        values = dict(
            start=self.start.value,
            end=self.end.value,
            today=self.today.value,
            organisation=self.organisation.value or None,
            subject=self.subject.value or None,
            months=self.months.value,
            norm=self.norm.value,
        )
        return {k: v for k, v in values.items() if v is not None}

    def show(self) -> pd.DataFrame | None:
        """Build the chosen report and show its table and chart."""
        report = REPORTS[self.report.value]
        try:
            table = report.run(self.ws, **self.params())
        except BadParameter as exc:
            self.status.value = html.escape(t("report_panel.error", message=exc))
            return None
        self.result = output.Result(report, table, charts.png(report.figure(table)))
        self.status.value = (
            f"<b>{html.escape(report.title)}</b><br>{html.escape(report.about)}"
            f"<br>{t('report_panel.rows', rows=len(table))}"
        )
        rows = display.html_table(table.head(MAX_ROWS))
        self.table.value = f'<div class="imk-report-table">{rows}</div>'
        self.chart.value = self.result.chart
        return table

    def _saved(self, path: Path) -> Path:
        self.status.value = html.escape(t("report_panel.saved", path=path))
        return path

    def save_xlsx(self, path: Path | None = None) -> Path | None:
        """Save the shown report (table; chart in the notebook) as XLSX; the path is returned
        (None when the report cannot be built: the status line says why)."""
        if self.result is None:
            self.show()
        if self.result is None:
            return None
        path = path or output.default_path(self.ws, self.report.value, "xlsx", self.today.value)
        results = output.with_sheets(self.ws, self.result, **self.params())
        return self._saved(output.save_xlsx(results, path))

    def save_html(self, path: Path | None = None) -> Path | None:
        """Every report with the current pickers as one offline HTML file."""
        path = path or output.default_path(self.ws, "all", "html", self.today.value)
        self.progress.layout.display = None
        try:
            results = output.build(self.ws, progress=self.progress, **self.params())
            return self._saved(output.save_html(results, path))
        except output.ReportError as exc:
            self.status.value = html.escape(t("report_panel.error", message=exc))
            return None
