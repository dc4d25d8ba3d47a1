"""The textbooks panel (notebooks/06_textbooks.ipynb): the model uploads a school's list, offers
the alternatives of an undecided row, stores a methodist's choice and the summary follows; the
notebook is kept without outputs and runs headless in a real kernel."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import nbformat
import openpyxl
import pytest

from catalogue.textbooks.generator import load_truth
from catalogue.textbooks.schools import SchoolRow
from catalogue.workspace import Workspace
from tests.test_notebooks import outputs
from widgets.textbooks_panel import TextbooksPanel, _row_html

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "06_textbooks.ipynb"
TODAY = dt.date(2026, 11, 27)


@pytest.fixture
def panel(textbook_home, tmp_path) -> TextbooksPanel:
    home = tmp_path / "workspace"
    shutil.copytree(textbook_home, home)
    return TextbooksPanel(Workspace.open(home), today=TODAY)


def _upload(panel: TextbooksPanel, tmp_path: Path, school: str) -> None:
    book = openpyxl.Workbook()
    book.worksheets[0].append(["Класс", "Предмет", "Автор(ы)", "Наименование", "Кол-во экз.",
                               "Кол-во обучающихся"])  # fmt: skip
    book.worksheets[0].append(["7", "Математика", "", "Алгебра", "20", "25"])
    book.worksheets[0].append(["5", "Математика", "", "", "20", "25"])
    path = tmp_path / "upload.xlsx"
    book.save(path)
    panel.model.upload("список.xlsx", path.read_bytes(), school)


def test_upload_resolve_and_the_summary_follows(panel, tmp_path, textbook_home):
    school = load_truth(textbook_home.parent / "lists")[-1].school
    _upload(panel, tmp_path, school)
    model = panel.model
    assert "Строка 3: не заполнено поле «Наименование»" in model.message
    assert model.school == school and len(model.pending) == 1
    row = model.pending[0]
    choices = model.alternatives(row)
    assert len(choices) >= 3 and choices[-1] == ("Этого учебника нет в перечне", "")
    assert all(label.startswith("№ ") and "Алгебра" in label for label, _ in choices[:2])
    total = model.report("textbooks-summary").iloc[-1]
    assert total["Не сопоставлено"] == 1
    assert "Алгебра" in panel.row_info.value and panel.choice.value == choices[0][1]
    panel.choice.value = choices[1][1]
    panel.choose()
    assert model.pending == [] and "Выбор запомнен" in panel.status.value
    after = model.report("textbooks-summary").iloc[-1]
    assert after["Не сопоставлено"] == 0 and after["Строк в списке"] == total["Строк в списке"]
    assert model.tables.choices(school) == {row.key: choices[1][1]}
    assert "Итого по городу" in panel.summary_table.value


@pytest.mark.parametrize("table", ["school_table", "summary_table", "expiring_table"])
def test_tables_read_as_a_russian_methodist_writes(panel, table):
    """Dates «31.08.2027», decimals with a comma, whole numbers without «.0»."""
    shown = getattr(panel, table).value
    assert "<td>" in shown
    assert not re.search(r"\d{4}-\d\d-\d\d", shown)  # no ISO dates
    assert not re.search(r">-?\d+\.\d+<", shown)  # no «1.0», no «0.85»
    if table != "summary_table":
        assert re.search(r">\d\d\.\d\d\.\d{4}<", shown)
    if table != "expiring_table":
        assert re.search(r">\d+,\d+<", shown)  # a provision such as «0,85»


@pytest.mark.parametrize(
    ("tied", "note"), [([], False), (["med-1"], False), (["med-1", "med-2"], True)]
)
def test_a_row_fitting_several_list_rows_says_so(tied, note):
    row = SchoolRow(4, ["9"], "Французский язык", "Кулигина А.С.", year=2023, tied=tied)
    shown = _row_html(row)
    assert "2023 г. изд." in shown
    assert ("одинаково подходят к 2 строкам перечня" in shown) is note


def test_department_workbook_from_the_panel(panel):
    path = panel.model.save_workbook()
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0].startswith("Учебники") and len(book.sheetnames) > 2


def test_notebook_is_clean():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert nb.cells[0].source.startswith("# Учебники школ и федеральный перечень")
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "TextbooksPanel.for_workspace()" in code[0].source
    assert all(not c.outputs and c.execution_count is None for c in code)


def test_notebook_runs_headless(run_notebook, jupyter_env, textbook_home, tmp_path):
    home = tmp_path / "workspace"
    shutil.copytree(textbook_home, home)
    jupyter_env.setenv("IMK_HOME", str(home))
    nb = run_notebook(NOTEBOOK, NOTEBOOK.parent)
    shown = outputs(nb)
    assert not [o for o in shown if o.output_type == "error"]
    assert any("Обеспеченность" in str(o.get("data", {})) for o in shown)
