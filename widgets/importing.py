"""Importing files from a notebook: a progress bar while it runs, then the report as a table.

::

    from widgets.importing import import_files
    report = import_files(["../входящие/"], home="~/imk")   # or ws=Workspace.open(...)
    report.to_frame()                                       # every line of the report
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import ipywidgets as w

from catalogue.i18n import t
from catalogue.ingest.pipeline import import_paths
from catalogue.ingest.report import ImportReport
from catalogue.workspace import Workspace
from index.commands import catch_up
from widgets.progress import ProgressReporter


class ImportPanel(w.VBox):
    """A progress bar, the summary line and the report table (HTML)."""

    def __init__(self) -> None:
        self.progress = ProgressReporter(description=t("ingest.progress"))
        self.summary = w.HTML("")
        self.table = w.HTML("")
        super().__init__([self.progress, self.summary, self.table])
        self.add_class("imk-import")

    def show_report(self, report: ImportReport) -> None:
        """Fill the summary and the table of everything that was not a plain success."""
        self.summary.value = f"<b>{report.summary()}</b>"
        frame = report.to_frame()
        frame = frame[(frame["outcome"] != "imported") | frame["similar"].map(bool)]
        self.table.value = frame.to_html(index=False, escape=True) if len(frame) else ""


def import_files(
    paths: Iterable[Path | str],
    ws: Workspace | None = None,
    home: Path | str | None = None,
    show: bool = True,
    **options,
) -> ImportReport:
    """Import files and folders with a progress widget; index the new records; return the report.

    ``options`` go to :func:`catalogue.ingest.pipeline.import_paths` (``as_records``,
    ``mapping``, ``limits``, ``by``).
    """
    own = ws is None
    ws = ws or Workspace.open(home)
    panel = ImportPanel()
    if show:
        from IPython.display import display

        display(panel)
    try:
        report = import_paths(ws, list(paths), progress=panel.progress, **options)
        if report.record_ids:
            catch_up(ws, progress=None)
        panel.show_report(report)
    finally:
        if own:
            ws.close()
    return report
