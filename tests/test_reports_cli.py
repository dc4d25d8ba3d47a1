"""``imk report``: the list, each report as a table, JSON, CSV, XLSX and HTML, and its errors."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from catalogue.i18n import t
from catalogue.reports import REPORTS
from imk.cli import build_cli

CLI = build_cli()


def imk(home: Path, *args: str):
    return CliRunner().invoke(CLI, ["--home", str(home), "report", *args], catch_exceptions=False)


def test_list(demo_home):
    result = imk(demo_home)
    assert result.exit_code == 0
    for report in REPORTS.values():
        assert f"{report.name}" in result.stdout and report.title in result.stdout
    listed = json.loads(imk(demo_home, "--json").stdout)["reports"]
    assert [r["name"] for r in listed] == list(REPORTS)
    assert "today" in next(r for r in listed if r["name"] == "attestation")["params"]


@pytest.mark.parametrize("name", list(REPORTS))
def test_each_report_as_json(demo_home, name):
    result = imk(demo_home, name, "--json", "--today", "2026-11-01")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["report"] == name and data["title"] == REPORTS[name].title
    assert all(set(row) == set(data["columns"]) for row in data["rows"])


@pytest.mark.parametrize(
    ("args", "column"),
    [
        (("coverage",), "Предмет"),
        (("contributions", "--by", "author", "--freq", "quarter", "--top", "5"), "Автор"),
        (("attestation", "--months", "12"), "Педагог"),
        (("development", "--norm", "36"), "Часов за 3 года"),
    ],
)
def test_csv(demo_home, tmp_path, args, column):
    path = tmp_path / "report.csv"
    result = imk(demo_home, *args, "--format", "csv", "-o", str(path))
    assert result.exit_code == 0
    assert str(path) in result.stderr
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads Cyrillic CSV with a BOM
    assert column in data.decode("utf-8-sig").splitlines()[0].split(",")


def sheet_strings(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("xl/sharedStrings.xml").decode("utf-8")


@pytest.mark.slow  # charts drawn into the workbook
def test_xlsx_of_one_report_and_its_chart(demo_home, tmp_path):
    path, chart = tmp_path / "cov.xlsx", tmp_path / "cov.png"
    result = imk(demo_home, "coverage", "--format", "xlsx", "-o", str(path), "--chart", str(chart))
    assert result.exit_code == 0
    assert REPORTS["coverage"].title in sheet_strings(path)
    assert "Математика" in sheet_strings(path)
    assert chart.read_bytes().startswith(b"\x89PNG")


@pytest.mark.slow  # charts drawn into the workbook
def test_xlsx_of_every_report(demo_home, tmp_path):
    path = tmp_path / "all.xlsx"
    assert imk(demo_home, "--format", "xlsx", "-o", str(path)).exit_code == 0
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert len(sheets) == len(REPORTS)
    strings = sheet_strings(path)
    assert all(r.title[:31].strip() in strings for r in REPORTS.values())


def test_html_goes_through_the_export_pipeline(demo_home, tmp_path):
    path = tmp_path / "backlog.html"
    result = imk(demo_home, "backlog", "--format", "html", "-o", str(path))
    try:
        import catalogue.export.html  # noqa: F401
    except ImportError:
        assert result.exit_code == 1 and t("report.no_html") in result.stderr
        assert not path.exists()
        return
    assert result.exit_code == 0
    page = path.read_text(encoding="utf-8")
    assert REPORTS["backlog"].title in page and "data:image/png;base64" in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nope",), t("report.unknown", name="nope")),
        (("coverage", "--today", "31.02.2026"), t("report_cli.bad_date", value="31.02.2026")),
        (("coverage", "--from", "вчера"), t("report_cli.bad_date", value="вчера")),
        (("coverage", "--from", "2026-09-01", "--to", "2026-01-01"), "раньше его начала"),
        (("contributions", "--by", "grade"), t("report.bad_value", name="by", value="grade")),
        (("--format", "csv"), t("report.bad_value", name="--format", value="csv")),
    ],
)
def test_errors_are_explained(demo_home, args, message):
    result = imk(demo_home, *args)
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.output


def test_missing_workspace(tmp_path):
    result = imk(tmp_path / "none", "coverage")
    assert result.exit_code == 1 and "imk" in result.stderr
