"""The reports the office can run: name → builder, chart and Russian title.

``run(name, ws, **params)`` passes each report only the parameters it takes, so callers (the
command line, the notebook panel) may offer one set of pickers for all of them.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from catalogue.i18n import t
from catalogue.reports.attestation import calendar, eligibility
from catalogue.reports.backlog import backlog
from catalogue.reports.contributions import contributions
from catalogue.reports.coverage import coverage, gaps
from catalogue.reports.data import check_period
from catalogue.reports.development import by_organisation, development
from catalogue.reports.search import corrected, top_queries, zero_results
from catalogue.reports.textbooks import (
    changes,
    check,
    expiring,
    missing,
    provision_gaps,
    school_sheets,
    summary,
)
from catalogue.workspace import Workspace

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class Report:
    """One report: ``build(ws, **params) -> DataFrame`` and the name of its chart.

    ``sheets(ws, **params)``, when set, gives more ``(title, table)`` sheets its XLSX carries
    after the report's own (the city summary adds one sheet per school).
    """

    name: str
    build: Callable[..., pd.DataFrame]
    chart: str  # a function of catalogue.reports.charts
    sheets: Callable[..., list[tuple[str, pd.DataFrame]]] | None = None

    @property
    def key(self) -> str:
        return self.name.replace("-", "_")

    @property
    def title(self) -> str:
        """The report's title in the user's language."""
        return t(f"report_title.{self.key}")

    @property
    def about(self) -> str:
        """One line on what the report shows."""
        return t(f"report_about.{self.key}")

    @property
    def params(self) -> list[str]:
        """The parameters the report accepts (besides the workspace)."""
        return list(inspect.signature(self.build).parameters)[1:]

    def run(self, ws: Workspace, **params: Any) -> pd.DataFrame:
        """The report's table; parameters it does not take, and None values, are ignored; a
        period ending before it starts is refused (:class:`BadPeriod`)."""
        check_period(params.get("start"), params.get("end"))
        wanted = {k: v for k, v in params.items() if k in self.params and v is not None}
        return self.build(ws, **wanted)

    def extra_sheets(self, ws: Workspace, **params: Any) -> list[tuple[str, pd.DataFrame]]:
        """The further sheets of the report's XLSX (none for most reports)."""
        if self.sheets is None:
            return []
        taken = list(inspect.signature(self.sheets).parameters)[1:]
        return self.sheets(ws, **{k: v for k, v in params.items() if k in taken and v is not None})

    def figure(self, table: pd.DataFrame, **params: Any) -> Figure:
        """The report's chart (a matplotlib Figure) for a table it built."""
        from catalogue.reports import charts

        chart: Callable[..., Figure] = getattr(charts, self.chart)
        return chart(self, table, **params)


REPORTS: dict[str, Report] = {
    r.name: r
    for r in (
        Report("coverage", coverage, "heatmap"),
        Report("gaps", gaps, "gaps_by_subject"),
        Report("contributions", contributions, "timeline"),
        Report("attestation", calendar, "expiry_months"),
        Report("eligibility", eligibility, "count_by_category"),
        Report("development", development, "hours_histogram"),
        Report("development-orgs", by_organisation, "share_bars"),
        Report("backlog", backlog, "age_bands"),
        Report("search-top", top_queries, "query_bars"),
        Report("search-zero", zero_results, "query_bars"),
        Report("search-corrected", corrected, "query_bars"),
        Report("textbooks-check", check, "textbook_statuses"),
        Report("textbooks-expiring", expiring, "textbooks_by_school"),
        Report("textbooks-provision", provision_gaps, "copies_short"),
        Report("textbooks-missing", missing, "schools_without_list"),
        Report("textbooks-summary", summary, "statuses_by_school", school_sheets),
        Report("textbooks-changes", changes, "list_changes"),
    )
}


def get(name: str) -> Report:
    """The report called ``name`` (KeyError if there is none)."""
    return REPORTS[name]


def run(name: str, ws: Workspace, **params: Any) -> pd.DataFrame:
    """Build report ``name`` on ``ws`` with whichever of ``params`` it takes."""
    return get(name).run(ws, **params)
