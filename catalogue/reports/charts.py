"""Charts of the reports (matplotlib Agg canvases, no pyplot state): one style, Russian labels.

Every chart function takes ``(report, table)`` — the :class:`Report` and the table it built —
and returns a :class:`matplotlib.figure.Figure`; :func:`png` turns one into PNG bytes.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.colors import ListedColormap, Normalize, to_rgba
from matplotlib.figure import Figure
from matplotlib.rcsetup import cycler

from catalogue.i18n import t
from catalogue.reports.backlog import band_order
from catalogue.reports.data import col

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

    from catalogue.reports.registry import Report

ACCENT = "#2f6690"
ALERT = "#c0392b"
GAP, UNTAUGHT = "#f6d5d1", "#eeeeee"
PALETTE = ["#2f6690", "#3a7ca5", "#81c3d7", "#d9a441", "#c0392b", "#6c757d", "#16425b", "#8e6c8a"]
STYLE: dict[RcKeyType, Any] = {
    "font.family": "DejaVu Sans",  # ships with matplotlib, has Cyrillic
    "font.size": 9,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "axes.prop_cycle": cycler(color=PALETTE),
    "figure.dpi": 100,
    "savefig.dpi": 120,
    "savefig.bbox": "tight",
}
MAX_BARS = 15


@contextmanager
def styled() -> Iterator[None]:
    """Draw (and save) inside this block to get the reports' style."""
    with matplotlib.rc_context(STYLE):
        yield


def png(fig: Figure) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    with styled():
        fig.savefig(buffer, format="png")
    return buffer.getvalue()


def _figure(width: float, height: float) -> tuple[Figure, Axes]:
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)  # Agg for this figure only: the notebook's pyplot backend is untouched
    return fig, fig.add_subplot()


def _empty(report: Report) -> Figure:
    with styled():
        fig, ax = _figure(6, 2)
        ax.set_axis_off()
        ax.set_title(report.title)
        ax.text(0.5, 0.4, t("report.no_data"), ha="center", va="center", color="#6c757d")
    return fig


def _short(text: object, limit: int = 40) -> str:
    """A label on one line (tabs and line breaks of a typed query become spaces), cut to
    ``limit`` characters."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _barh(
    report: Report, labels: list[Any], values: list[Any], xlabel: str, color: str = ACCENT
) -> Figure:
    if not len(values):
        return _empty(report)
    labels, values = labels[:MAX_BARS][::-1], values[:MAX_BARS][::-1]
    with styled():
        fig, ax = _figure(8, 1.2 + 0.32 * len(values))
        bars = ax.barh([_short(v) for v in labels], values, color=color)
        ax.bar_label(bars, padding=3, fmt="%g")
        ax.set_xlabel(xlabel)
        ax.grid(axis="y", visible=False)
        ax.set_title(report.title)
    return fig


def _bar(
    report: Report,
    labels: list[str],
    values: list[int],
    ylabel: str,
    colors: list[str],
    size: tuple[float, float],
    rotate: bool = False,
) -> Figure:
    """Vertical bars, each labelled with its value (``rotate``: slanted labels below)."""
    with styled():
        fig, ax = _figure(*size)
        bars = ax.bar(labels, values, color=colors)
        ax.bar_label(bars, padding=2)
        ax.set_ylabel(ylabel)
        if rotate:
            ax.tick_params(axis="x", rotation=45)
        ax.grid(axis="x", visible=False)
        ax.set_title(report.title)
    return fig


def heatmap(report: Report, table: pd.DataFrame, **_: object) -> Figure:
    """Records per subject and grade: blue by count, gaps (0) in red, untaught cells grey."""
    if table.empty:
        return _empty(report)
    values = table.to_numpy(dtype=float, na_value=np.nan)
    high = np.nanmax(values) if np.isfinite(values).any() else 0
    cmap = ListedColormap(matplotlib.colormaps["Blues"](np.linspace(0.12, 0.9, 256)))
    norm = Normalize(vmin=1, vmax=max(high, 2))
    colors = cmap(norm(np.nan_to_num(values)))
    colors[values == 0] = to_rgba(GAP)
    colors[~np.isfinite(values)] = to_rgba(UNTAUGHT)
    with styled():
        fig, ax = _figure(3.5 + 0.5 * table.shape[1], 1.2 + 0.3 * table.shape[0])
        ax.imshow(colors, aspect="auto")
        fig.colorbar(ScalarMappable(norm, cmap), ax=ax, label=t("report_chart.records"), shrink=0.6)
        for (i, j), v in np.ndenumerate(values):
            if np.isfinite(v):
                color = ALERT if v == 0 else ("white" if v > high * 0.6 else "black")
                ax.text(j, i, f"{v:g}", ha="center", va="center", fontsize=7, color=color)
        ax.set_xticks(range(table.shape[1]), [str(c) for c in table.columns])
        ax.set_yticks(range(table.shape[0]), [_short(i) for i in table.index])
        ax.tick_params(axis="x", top=True, bottom=False, labeltop=True, labelbottom=False)
        ax.grid(visible=False)
        ax.set_title(report.title)
        ax.set_xlabel(t("report_chart.coverage_note"))
    return fig


def gaps_by_subject(report: Report, table: pd.DataFrame, **_: object) -> Figure:
    """Empty cells per subject."""
    counts = table[col("subject")].value_counts() if len(table) else pd.Series(dtype=int)
    return _barh(report, list(counts.index), list(counts.values), t("report_chart.gaps"), ALERT)


def timeline(report: Report, table: pd.DataFrame, **_: object) -> Figure:
    """Records per period for the biggest contributors (lines)."""
    periods = [c for c in table.columns if c != col("total")]
    if table.empty or not periods:
        return _empty(report)
    with styled():
        fig, ax = _figure(9, 4.5)
        for name, row in table.head(len(PALETTE)).iterrows():
            ax.plot(periods, row[periods].to_numpy(), marker="o", label=_short(name, 35))
        ax.set_ylabel(t("report_chart.records"))
        ax.legend(fontsize=7, loc="upper left", frameon=False)
        ax.tick_params(axis="x", rotation=45)
        ax.set_title(report.title)
    return fig


def expiry_months(report: Report, table: pd.DataFrame, **_: object) -> Figure:
    """Expiring categories per month; already expired ones in one red bar first."""
    ends = table[col("expires")].dropna() if len(table) else pd.Series(dtype=object)
    if ends.empty:
        return _empty(report)
    expired = table.loc[ends.index, col("days_left")].isna()
    months = Counter((d.year, d.month) for d in ends[~expired])
    order = sorted(months)
    labels = ([t("report.expired")] if expired.any() else []) + [f"{m:02d}.{y}" for y, m in order]
    counts = ([int(expired.sum())] if expired.any() else []) + [months[m] for m in order]
    colors = [ALERT if expired.any() else ACCENT] + [ACCENT] * (len(labels) - 1)
    return _bar(report, labels, counts, t("report_chart.teachers"), colors, (8, 3.5), rotate=True)


def count_by_category(report: Report, table: pd.DataFrame, **_: object) -> Figure:
    """Teachers per category they may apply for."""
    counts = table[col("next_category")].value_counts() if len(table) else pd.Series(dtype=int)
    return _barh(report, list(counts.index), list(counts.values), t("report_chart.teachers"))


def hours_histogram(report: Report, table: pd.DataFrame, **_: object) -> Figure:
    """Teachers by hours of courses, with the norm as a red line."""
    if table.empty:
        return _empty(report)
    hours = table[col("hours")].astype(float)
    norm = float(table[col("norm")].iloc[0])
    with styled():
        fig, ax = _figure(8, 3.5)
        ax.hist(hours, bins=min(20, max(5, len(hours) // 5)), color=ACCENT)
        ax.axvline(norm, color=ALERT, linewidth=2, label=t("report_chart.norm", norm=f"{norm:g}"))
        ax.set_xlabel(t("report_chart.hours"))
        ax.set_ylabel(t("report_chart.teachers"))
        ax.legend(frameon=False)
        ax.set_title(report.title)
    return fig


def share_bars(report: Report, table: pd.DataFrame, **_: object) -> Figure:
    """Share of teachers meeting the norm, per organisation (lowest first)."""
    share = table[col("share")] if len(table) else pd.Series(dtype=float)
    return _barh(report, list(share.index), list(share.values), t("report_chart.share"))


def age_bands(report: Report, table: pd.DataFrame, **_: object) -> Figure:
    """Records waiting for review, per age band."""
    if table.empty:
        return _empty(report)
    order = band_order()
    counts = [int((table[col("band")] == b).sum()) for b in order]
    colors = [PALETTE[2], PALETTE[1], PALETTE[3], ALERT]
    return _bar(report, order, counts, t("report_chart.records"), colors, (7, 3.2))


def query_bars(report: Report, table: pd.DataFrame, **_: object) -> Figure:
    """How often each query was searched."""
    if table.empty:
        return _empty(report)
    return _barh(
        report, list(table[col("query")]), list(table[col("searches")]), t("report_chart.searches")
    )


# -- textbooks --------------------------------------------------------------------------------

STATUS_COLORS = {
    "listed": ACCENT,
    "expiring": "#d9a441",
    "expired": ALERT,
    "not_listed": "#8e6c8a",
    "unmatched": "#6c757d",
}


def textbook_statuses(report: Report, table: pd.DataFrame, **_: object) -> Figure:
    """Rows of the schools' lists per status."""
    if not len(table):
        return _empty(report)
    counts = table[col("status")].map(lambda s: s.split(" (")[0]).value_counts()
    return _barh(report, list(counts.index), list(counts.values), t("report_chart.rows"))


def textbooks_by_school(report: Report, table: pd.DataFrame, **_: object) -> Figure:
    """Books to replace per school."""
    counts = table[col("school")].value_counts() if len(table) else pd.Series(dtype=int)
    return _barh(report, list(counts.index), list(counts.values), t("report_chart.books"), ALERT)


def copies_short(report: Report, table: pd.DataFrame, **_: object) -> Figure:
    """Copies short per school."""
    if not len(table):
        return _empty(report)
    short = table.groupby(col("school"))[col("missing_copies")].sum().sort_values(ascending=False)
    return _barh(report, list(short.index), list(short.values), t("report_chart.copies_short"))


def schools_without_list(report: Report, table: pd.DataFrame, **_: object) -> Figure:
    """Schools without a list, by name."""
    names = list(table[col("school")]) if len(table) else []
    return _barh(report, names, [1] * len(names), t("report_chart.no_list"), ALERT)


def statuses_by_school(report: Report, table: pd.DataFrame, **_: object) -> Figure:
    """Rows of each school's list stacked by status (the city total row left out)."""
    schools = table.iloc[:-1] if len(table) > 1 else table.iloc[0:0]
    if schools.empty:
        return _empty(report)
    schools = schools.iloc[:MAX_BARS][::-1]
    with styled():
        fig, ax = _figure(9, 1.4 + 0.34 * len(schools))
        left = np.zeros(len(schools))
        labels = [_short(s) for s in schools[col("school")]]
        for status, color in STATUS_COLORS.items():
            values = schools[col(status)].to_numpy(dtype=float)
            ax.barh(labels, values, left=left, color=color, label=col(status))
            left += values
        ax.set_xlabel(t("report_chart.rows"))
        ax.grid(axis="y", visible=False)
        ax.legend(loc="lower right", fontsize=8)
        ax.set_title(report.title)
    return fig


def list_changes(report: Report, table: pd.DataFrame, **_: object) -> Figure:
    """Changes of the federal list by kind."""
    counts = table[col("change")].value_counts() if len(table) else pd.Series(dtype=int)
    return _barh(report, list(counts.index), list(counts.values), t("report_chart.books"))
