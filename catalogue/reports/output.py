"""Reports as files: CSV, XLSX (one sheet per report), and a notebook of tables and charts that
the export pipeline (:func:`catalogue.export.html.notebook_to_html`) turns into offline HTML."""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from catalogue import cells
from catalogue.errors import UserError
from catalogue.i18n import t
from catalogue.reports import display
from catalogue.reports.registry import REPORTS, Report
from catalogue.workspace import Workspace

if TYPE_CHECKING:
    import nbformat
    from matplotlib.figure import Figure

FORMATS = ("csv", "xlsx", "html")
Progress = Callable[[int, int], None]


def png(figure: Figure) -> bytes:
    """A chart as PNG bytes (matplotlib is imported only when a chart is drawn)."""
    from catalogue.reports import charts

    return charts.png(figure)


class ReportError(UserError):
    """A report could not be written; the message is for the user."""


@dataclass
class Result:
    """A built report: its table and its chart as PNG; ``sheet`` titles a further sheet of the
    report (the report's title when empty)."""

    report: Report
    table: pd.DataFrame
    chart: bytes
    sheet: str = ""

    @property
    def title(self) -> str:
        return self.sheet or self.report.title


def with_sheets(ws: Workspace, result: Result, **params: Any) -> list[Result]:
    """The report's result followed by its further sheets (one per school for the summary)."""
    extra = result.report.extra_sheets(ws, **params)
    return [result] + [Result(result.report, table, b"", title) for title, table in extra]


def build(
    ws: Workspace,
    names: Iterable[str] | None = None,
    progress: Progress | None = None,
    **params: Any,
) -> list[Result]:
    """Build reports (all when ``names`` is None) with their charts; ``progress(done, total)``."""
    chosen = [REPORTS[n] for n in (names or REPORTS)]
    results = []
    for done, report in enumerate(chosen):
        if progress:
            progress(done, len(chosen))
        table = report.run(ws, **params)
        results += with_sheets(ws, Result(report, table, png(report.figure(table))), **params)
    if progress:
        progress(len(chosen), len(chosen))
    return results


def _keeps_index(table: pd.DataFrame) -> bool:
    return not isinstance(table.index, pd.RangeIndex)


def save_csv(table: pd.DataFrame, path: Path) -> Path:
    """UTF-8 with a byte-order mark, so Excel shows Cyrillic right."""
    return cells.write_csv(table, path, index=_keeps_index(table))


def _sheet_name(title: str, taken: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", " ", title)[:31].strip()
    base, n = name, 2
    while name in taken:
        name = f"{base[:28]} {n}"
        n += 1
    taken.add(name)
    return name


def save_xlsx(results: list[Result], path: Path) -> Path:
    """One sheet per report: its title and the internal-use note on top, the table below,
    columns sized to fit."""
    taken: set[str] = set()
    with cells.excel_writer(path, date_format="dd.mm.yyyy") as writer:
        bold = writer.book.add_format({"bold": True, "font_size": 12})
        for result in results:
            sheet = _sheet_name(result.title, taken)
            table = result.table
            table.to_excel(writer, sheet_name=sheet, startrow=2, index=_keeps_index(table))
            ws = writer.sheets[sheet]
            ws.write(0, 0, result.title, bold)
            ws.autofit()
            ws.write(1, 0, t("report.internal"))  # after autofit: a long line, not a column
    return path


def notebook(results: list[Result], subtitle: str = "") -> nbformat.NotebookNode:
    """A notebook of the reports: a heading, then per report its title, table and chart as
    outputs (nothing is executed)."""
    import nbformat  # over a second to import: only when a report notebook is built

    nb: nbformat.NotebookNode = nbformat.v4.new_notebook()
    nb.metadata["title"] = t("report.notebook_title")
    head = f"# {t('report.notebook_title')}\n\n{subtitle}\n\n*{t('report.internal')}*"
    nb.cells.append(nbformat.v4.new_markdown_cell(head))
    for r in results:
        if r.sheet:  # further sheets belong to the XLSX only
            continue
        nb.cells.append(nbformat.v4.new_markdown_cell(f"## {r.report.title}\n\n{r.report.about}"))
        cell = nbformat.v4.new_code_cell(f'reports.run("{r.report.name}", ws)')
        table = r.table if len(r.table) else pd.DataFrame({t("report.no_data"): []})
        cell.outputs = [
            nbformat.v4.new_output(
                "display_data",
                data={
                    "text/html": display.html_table(table),
                    "text/plain": display.text_table(r.table),
                },
            ),
            nbformat.v4.new_output(
                "display_data",
                data={
                    "image/png": base64.b64encode(r.chart).decode("ascii"),
                    "text/plain": r.report.title,
                },
            ),
        ]
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nb


def save_html(results: list[Result], path: Path, subtitle: str = "") -> Path:
    """The reports' notebook as one offline HTML file, through the export pipeline."""
    try:
        from catalogue.export.html import notebook_to_html
    except ImportError as exc:
        raise ReportError("report.no_html") from exc
    path.write_text(notebook_to_html(notebook(results, subtitle)), encoding="utf-8")
    return path


def default_path(ws: Workspace, name: str, fmt: str, today: dt.date | None = None) -> Path:
    """``<workspace>/exports/report-<name>-<date>.<fmt>``."""
    day = (today or dt.date.today()).isoformat()
    return ws.exports_dir / f"report-{name}-{day}.{fmt}"
