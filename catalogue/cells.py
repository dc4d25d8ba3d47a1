"""Spreadsheet cells that cannot run: the one place every CSV and XLSX the project writes goes
through (collection tables, reports, import logs).

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a
formula by Excel and LibreOffice (CSV/formula injection: ``=HYPERLINK(…)`` typed into a search
box would reach the search report as a live link). In CSV such a cell gets the OWASP prefix
``'``; XLSX cells are written as strings, never as formulas (XlsxWriter's
``strings_to_formulas`` is off), so the text is shown exactly as typed. Numbers stay numbers:
only text is touched, so −5 in a numeric column is still a number.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable

    import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PREFIX = "'"
# XlsxWriter: text is never turned into a formula, a link or a number
XLSX_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def neutral(value: Any) -> Any:
    """``value`` with the ``'`` prefix when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return PREFIX + value
    return value


def _neutral_index(index: pd.Index) -> pd.Index:
    import pandas as pd

    if isinstance(index, pd.MultiIndex):
        return index.set_levels([level.map(neutral) for level in index.levels])
    return index.map(neutral)


def neutral_frame(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``table`` whose text cells, column names and index labels are neutralised."""
    import pandas as pd

    out = table.copy()
    for n in range(out.shape[1]):
        column = out.iloc[:, n]
        if not (
            pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column)
        ):
            out.isetitem(n, column.map(neutral))
    out.columns = _neutral_index(out.columns)
    out.index = _neutral_index(out.index)
    return out


def write_csv(table: pd.DataFrame, path: Path, index: bool = False, sep: str = ",") -> Path:
    """``table`` as CSV in UTF-8 with a byte-order mark (Excel then shows Cyrillic right).

    Lines end in CRLF (RFC 4180), so a cell holding a carriage return is quoted and cannot start
    a row of its own."""
    neutral_frame(table).to_csv(
        path, index=index, sep=sep, encoding="utf-8-sig", lineterminator="\r\n"
    )
    return path


def write_rows(fh: IO[str], rows: Iterable[Iterable[Any]], delimiter: str = ",") -> None:
    """Rows written to an open text file with :mod:`csv`, every cell neutralised."""
    writer = csv.writer(fh, delimiter=delimiter)
    writer.writerows([neutral(cell) for cell in row] for row in rows)


def excel_writer(path: Path, **options: Any) -> pd.ExcelWriter:
    """A pandas ``ExcelWriter`` (XlsxWriter) that writes every text as a string cell."""
    import pandas as pd

    return pd.ExcelWriter(
        path, engine="xlsxwriter", engine_kwargs={"options": XLSX_OPTIONS}, **options
    )
