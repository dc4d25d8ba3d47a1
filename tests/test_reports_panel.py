"""The reports panel (ipywidgets) and ``notebooks/05_reports.ipynb`` run in a real kernel."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import nbformat
import pytest

from catalogue.reports import REPORTS
from catalogue.workspace import Workspace
from widgets.reports_panel import ReportsPanel

pytestmark = pytest.mark.slow  # every panel draws its report's chart (matplotlib)

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "05_reports.ipynb"


@pytest.fixture
def panel(demo_home):
    with Workspace.open(demo_home) as ws:
        yield ReportsPanel(ws, today=dt.date(2026, 11, 1))


@pytest.mark.parametrize("name", list(REPORTS))
def test_every_report_shows_a_table_and_a_chart(panel, name):
    panel.report.value = name
    assert REPORTS[name].title in panel.status.value
    assert "<table" in panel.table.value
    assert bytes(panel.chart.value).startswith(b"\x89PNG")


def test_pickers_narrow_the_report(panel):
    panel.report.value = "development"
    everyone = len(panel.result.table)
    org = panel.result.table["Организация"].iloc[0]
    panel.organisation.value = org
    narrowed = panel.result.table
    assert 0 < len(narrowed) < everyone
    assert set(narrowed["Организация"]) == {org}
    panel.norm.value = 0
    assert set(panel.result.table["Норма выполнена"]) == {"да"}


def test_period_picker(panel):
    panel.report.value = "contributions"
    panel.start.value = dt.date(2024, 1, 1)
    panel.end.value = dt.date(2024, 12, 31)
    assert list(panel.result.table.columns) == ["2024", "Всего"]


def test_save_xlsx(panel, tmp_path):
    panel.report.value = "attestation"
    path = panel.save_xlsx(tmp_path / "a.xlsx")
    assert str(path) in panel.status.value
    with zipfile.ZipFile(path) as z:
        assert REPORTS["attestation"].title in z.read("xl/sharedStrings.xml").decode()


def test_notebook_is_clean():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "ReportsPanel.for_workspace()" in code[0].source
    assert all(not c.outputs and c.execution_count is None for c in code)


def test_notebook_runs(demo_home, run_notebook, jupyter_env):
    jupyter_env.setenv("IMK_HOME", str(demo_home))
    nb = run_notebook(NOTEBOOK, NOTEBOOK.parent)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    state = json.dumps(nb.metadata["widgets"], ensure_ascii=False)
    assert REPORTS["coverage"].title in state
    assert "Педагог" in outputs[-1]["data"]["text/html"]
