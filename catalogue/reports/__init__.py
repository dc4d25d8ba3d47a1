"""Reports for the office (pandas): coverage, contributions, attestation, professional
development, review backlog and search analytics.

Every report is a function ``(ws, **params) -> pandas.DataFrame`` with Russian column names;
:data:`REPORTS` names them for the command line and the notebook panel, :mod:`.charts` draws
them and :mod:`.output` writes CSV, XLSX and offline HTML.
"""

from catalogue.reports.attestation import calendar, eligibility
from catalogue.reports.backlog import backlog
from catalogue.reports.contributions import contributions
from catalogue.reports.coverage import coverage, gaps
from catalogue.reports.data import load
from catalogue.reports.development import by_organisation, development
from catalogue.reports.registry import REPORTS, Report, get, run
from catalogue.reports.search import corrected, top_queries, zero_results

__all__ = [
    "REPORTS",
    "Report",
    "backlog",
    "by_organisation",
    "calendar",
    "contributions",
    "corrected",
    "coverage",
    "development",
    "eligibility",
    "gaps",
    "get",
    "load",
    "run",
    "top_queries",
    "zero_results",
]
