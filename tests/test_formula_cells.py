"""No CSV or XLSX the project writes can run a formula (catalogue/cells.py is the one place).

Every writer — collection tables (CSV, XLSX), every report (CSV, XLSX), the import log (CSV) —
is fed texts that begin with ``= + - @``, a tab or a carriage return: through record fields,
a collection note, file names and searches typed into the search box. The XLSX files are opened
with openpyxl and must hold no formula cell; every CSV cell that begins like a formula must carry
the OWASP ``'`` prefix, unless it is a number.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from catalogue import cells
from catalogue.records import Collection, CollectionItem, Course, new
from catalogue.reports import REPORTS
from catalogue.workspace import Workspace
from imk.cli import build_cli

CLI = build_cli()
HYPERLINK = '=HYPERLINK("http://x","x")'
# payload → where it is planted (titles and authors are trimmed by validation, so the payloads
# that start with white space go into fields that keep it)
PAYLOADS = {
    "title": HYPERLINK,
    "authors": "+7 (000) 111-22-33",
    "annotation": "-2+3+cmd|' /C calc'!A0",
    "keywords": "@SUM(1+1)*cmd|' /C calc'!A0",
    "organisation": "\t=1+1 МБОУ «СОШ № 1»",
    "note": "\r=2+2 примечание",
}
QUERIES = [HYPERLINK, "+7 дроби", "-1 урок", "@SUM(A1)", "\t=3+3", "\r=4+4"]
FILES = ["=cmd|calc.txt", "@SUM(1).txt", "+1+2.txt", "-2+3.txt"]
NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")


def imk(home: Path, *args: str):
    result = CliRunner().invoke(CLI, ["--home", str(home), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    """A workspace whose records, collection, search log and import log carry the payloads."""
    home = tmp_path_factory.mktemp("formula") / "ws"
    with Workspace.create(home) as ws:
        common = dict(subjects=["Математика"], grades=["5"], year=2024, status="published")
        records = [
            new(
                "material",
                title=f"{PAYLOADS['title']} {n}",
                authors=[PAYLOADS["authors"]],
                organisation=PAYLOADS["organisation"],
                annotation=PAYLOADS["annotation"],
                keywords=[PAYLOADS["keywords"]],
                resource_type="Конспект урока",
                **common,
            )
            for n in range(3)
        ]
        records.append(
            new(
                "portfolio",
                title=HYPERLINK,
                teacher=HYPERLINK,
                position="-учитель",
                organisation=PAYLOADS["organisation"],
                category="Первая",
                category_assigned="2021-03-01",
                courses=[Course("=КУРС()", 36, year=2025)],
                **common,
            )
        )
        ids = [r.id for r in ws.store.save_many(records, by="тест")]
        ws.store.collections.save(
            Collection(
                name="formulas",
                title="Подборка",
                items=[CollectionItem(i, PAYLOADS["note"]) for i in ids[:3]],
            )
        )
    folder = home.parent / "incoming"
    folder.mkdir()
    for name in FILES:
        (folder / name).write_text("Текст урока о дробях.", encoding="utf-8")
    imk(home, "import", str(folder))
    for query in QUERIES:
        imk(home, "search", "--", query)
    return home


def csv_cells(path: Path, delimiter: str = ",") -> list[str]:
    text = path.read_bytes().decode("utf-8-sig")  # not read_text: it would turn \r into \n
    return [
        cell
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for cell in row
    ]


def assert_csv_neutral(path: Path, delimiter: str = ",") -> list[str]:
    found = csv_cells(path, delimiter)
    live = [c for c in found if c.startswith(cells.TRIGGERS) and not NUMBER.match(c)]
    assert live == [], f"{path.name}: cells a spreadsheet would run: {live}"
    return found


def xlsx_cells(path: Path) -> list[openpyxl.cell.cell.Cell]:
    book = openpyxl.load_workbook(path)  # not data_only: a formula would show as type "f"
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def strings(found: list[openpyxl.cell.cell.Cell]) -> set[str]:
    """The text cells' values (openpyxl leaves XlsxWriter's escape of a carriage return)."""
    return {c.value.replace("_x000D_", "\r") for c in found if c.data_type == "s"}


def assert_xlsx_neutral(path: Path) -> list[openpyxl.cell.cell.Cell]:
    found = xlsx_cells(path)
    formulas = [c.coordinate for c in found if c.data_type == "f"]
    assert formulas == [], f"{path.name}: formula cells {formulas}"
    return found


@pytest.mark.parametrize(
    "value",
    [HYPERLINK, *PAYLOADS.values(), *QUERIES, "=", "-", "\t", "\r"],
)
def test_text_that_starts_like_a_formula_gets_the_prefix(value):
    assert cells.neutral(value) == "'" + value


@pytest.mark.parametrize(
    "value",
    ["Математика", "", "5-й класс", "a=b", " =1+1", "'=1+1", -5, -2.5, 0, None, ["=1"]],
)
def test_other_values_stay_as_they_are(value):
    assert cells.neutral(value) == value


def test_negative_numbers_stay_numbers(tmp_path):
    table = pd.DataFrame({"n": [-5, 3], "x": [-2.5, 1.0], "s": ["-5", "=1"]})
    rows = list(
        csv.reader(
            io.StringIO(cells.write_csv(table, tmp_path / "t.csv").read_bytes().decode("utf-8-sig"))
        )
    )
    assert rows[1:] == [["-5", "-2.5", "'-5"], ["3", "1.0", "'=1"]]
    with cells.excel_writer(tmp_path / "t.xlsx") as writer:
        table.to_excel(writer, index=False)
    by_value = {c.value: c.data_type for c in assert_xlsx_neutral(tmp_path / "t.xlsx")}
    assert by_value[-5] == by_value[-2.5] == "n"
    assert by_value["-5"] == by_value["=1"] == "s"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_collection_tables(home, tmp_path, fmt):
    out = tmp_path / f"c.{fmt}"
    imk(home, "collection", "export", "formulas", "--format", fmt, "-o", str(out))
    if fmt == "csv":
        found = assert_csv_neutral(out)
        assert "'" + PAYLOADS["note"] in found and f"'{HYPERLINK} 0" in found
        assert "2024" in found  # the year column is a number, not text
    else:
        found = assert_xlsx_neutral(out)
        texts = strings(found)
        assert PAYLOADS["note"] in texts and f"{HYPERLINK} 0" in texts
        assert PAYLOADS["organisation"] in texts
        assert any(c.value == 2024 and c.data_type == "n" for c in found)


@pytest.mark.parametrize("name", list(REPORTS))
def test_every_report_as_csv(home, tmp_path, name):
    out = tmp_path / f"{name}.csv"
    imk(home, "report", name, "--format", "csv", "-o", str(out))
    assert_csv_neutral(out)


def test_search_top_report_keeps_the_hyperlink_as_text(home, tmp_path):
    out = tmp_path / "top.csv"
    imk(home, "report", "search-top", "--format", "csv", "-o", str(out))
    found = assert_csv_neutral(out)
    for query in QUERIES:
        assert "'" + query in found, query
    book = tmp_path / "top.xlsx"
    imk(home, "report", "search-top", "--format", "xlsx", "-o", str(book))
    assert set(QUERIES) <= strings(assert_xlsx_neutral(book))


@pytest.mark.slow  # draws every chart
def test_every_report_in_one_workbook(home, tmp_path):
    out = tmp_path / "all.xlsx"
    imk(home, "report", "--format", "xlsx", "-o", str(out))
    found = assert_xlsx_neutral(out)
    assert HYPERLINK in strings(found)  # the search reports and the portfolio's teacher
    assert any(c.data_type == "n" for c in found)


def test_import_log(home):
    logs = sorted((home / "logs").glob("import-*.csv"))
    assert logs
    found = assert_csv_neutral(logs[-1], delimiter=";")
    for name in FILES:
        assert any(name in c for c in found), name
