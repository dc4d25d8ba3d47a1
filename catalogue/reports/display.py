"""Report tables as people read them: every cell a string in the user's language.

The panel, the HTML file and ``imk report NAME`` show :func:`shown` (dates «27.11.2026»,
numbers «5» and «0,25», yes/no words, and an empty cell for a missing value — never ``<NA>``);
the XLSX and CSV files keep the typed values.
"""

from __future__ import annotations

import datetime as dt
import html
import unicodedata

import pandas as pd

from catalogue.i18n import date_text, number_text, t


def cell_text(value: object) -> str:
    """One cell as text: '' for a missing value, dates and numbers the language's way."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and value != value:  # NaN
        return ""
    if isinstance(value, bool):
        return t("report.yes") if value else t("report.no")
    if isinstance(value, pd.Timestamp):
        return date_text(value.date())
    if isinstance(value, dt.date):
        return date_text(value)
    if isinstance(value, int | float):
        return number_text(value)
    if hasattr(value, "item"):  # a numpy scalar
        return cell_text(value.item())
    if isinstance(value, list | tuple | set):
        return ", ".join(cell_text(v) for v in value)
    return str(value)


def _flat(table: pd.DataFrame) -> pd.DataFrame:
    return table if isinstance(table.index, pd.RangeIndex) else table.reset_index()


def shown(table: pd.DataFrame) -> pd.DataFrame:
    """The table as strings, its index (the subject of a coverage table) a first column."""
    table = _flat(table)
    out = table.astype(object).map(cell_text)
    out.columns = [cell_text(c) for c in table.columns]
    return out


def _numeric(table: pd.DataFrame) -> list[bool]:
    """Which columns hold numbers (shown right-aligned)."""
    return [
        pd.api.types.is_numeric_dtype(d) and not pd.api.types.is_bool_dtype(d) for d in table.dtypes
    ]


def html_table(table: pd.DataFrame, css_class: str = "imk-report") -> str:
    """The table as escaped HTML: numbers right-aligned, text left (inline, so the panel and
    the exported page agree), and an empty cell for a missing value."""
    flat = _flat(table)
    rows = shown(flat)
    numeric = _numeric(flat)

    def cell(tag: str, text: str, num: bool) -> str:
        align = "right" if num else "left"
        return f'<{tag} style="text-align: {align}">{html.escape(text)}</{tag}>'

    head = "".join(cell("th", str(c), n) for c, n in zip(rows.columns, numeric, strict=True))
    body = "".join(
        "<tr>" + "".join(cell("td", str(v), n) for v, n in zip(r, numeric, strict=True)) + "</tr>"
        for r in rows.itertuples(index=False)
    )
    return f'<table class="{css_class}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _width(text: str) -> int:
    return sum(0 if unicodedata.combining(ch) else 1 for ch in text)


def text_table(table: pd.DataFrame) -> str:
    """The table for a terminal: a header, a rule, aligned columns (numbers to the right)."""
    if table.empty:
        return t("report.no_data")
    flat = _flat(table)
    rows = shown(flat)
    numeric = _numeric(flat)
    header = list(rows.columns)
    body = rows.values.tolist()
    widths = [max(_width(str(v)) for v in [h, *(r[i] for r in body)]) for i, h in enumerate(header)]

    def line(cells: list[str]) -> str:
        parts = []
        for i, cell in enumerate(cells):
            pad = " " * (widths[i] - _width(cell))
            parts.append(pad + cell if numeric[i] else cell + pad)
        return "  ".join(parts).rstrip()

    rule = "  ".join("─" * w for w in widths)
    return "\n".join([line(header), rule, *(line([str(c) for c in r]) for r in body)])
