"""The record editor: every kind in a form, synonyms to canonical values, repeatable fields,
inline Russian validation, suggestions, attachments, save/cancel; the curation notebooks."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from catalogue import records
from catalogue.i18n import t
from index.engine import CatalogueIndex
from widgets.curation_desk import CurationDesk
from widgets.editor import RecordEditor
from widgets.editor_fields import CoursesInput, ListInput
from widgets.editor_model import FIELDS, EditorModel, vocab_choices

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
CURATION_NOTEBOOKS = ["02_curation.ipynb", "03_collections.ipynb", "04_portfolios.ipynb"]
REQUIRED = {
    "material": {"title": "Конспект"},
    "media": {"title": "Учебник"},
    "portfolio": {"title": "Портфолио", "teacher": "Иванова Анна Петровна"},
}


@pytest.fixture
def editor(workspace) -> RecordEditor:
    return RecordEditor(EditorModel(workspace, CatalogueIndex.open(workspace), user="Методистова"))


def create(editor: RecordEditor, kind: str) -> None:
    editor.kind_select.value = kind
    editor.new_button.click()
    for name, value in REQUIRED[kind].items():
        editor.inputs[name].value = value


@pytest.mark.parametrize("kind", records.KINDS)
def test_a_new_record_of_every_kind_is_created_from_the_form(editor, workspace, kind):
    create(editor, kind)
    assert list(editor.inputs) == [name for name, _ in FIELDS[kind]]
    editor.inputs["subjects"].value = ["ИЗО", "физра"]
    editor.inputs["keywords"].value = ["рисунок"]
    editor.inputs["year"].value = "2024"
    editor.save_button.click()
    assert "Сохранено" in editor.status.value
    saved = workspace.store.get(editor.model.record.id)
    assert saved.kind == kind and saved.year == 2024 and saved.created_by == "Методистова"
    assert saved.subjects == ["Изобразительное искусство", "Физическая культура"]
    assert editor.model.index.find_ids(REQUIRED[kind]["title"]) == [saved.id]


@pytest.mark.parametrize(
    ("field", "typed", "stored", "shown"),
    [
        ("subjects", ["ИЗО"], ["Изобразительное искусство"], ["Изобразительное искусство"]),
        (
            "subjects",
            ["ОБЖ", "ОБЖ"],
            ["Основы безопасности и защиты Родины"],
            ["Основы безопасности и защиты Родины"],
        ),
        ("grades", ["5 класс", "дошкольная группа"], ["5", "ДО"], ["5 класс", "дошкольная группа"]),
        ("resource_type", "конспект урока", "Конспект урока", "Конспект урока"),
        ("year", " 2023 ", 2023, "2023"),
        ("year", "", None, ""),
        (
            "authors",
            ["Иванова И. И.", " ", "Петров П. П."],
            ["Иванова И. И.", "Петров П. П."],
            ["Иванова И. И.", "Петров П. П."],
        ),
    ],
)
def test_typed_values_become_stored_values(editor, field, typed, stored, shown):
    create(editor, "material")
    editor.inputs[field].value = typed
    assert getattr(editor.model.record, field) == stored
    assert editor.inputs[field].value == shown


@pytest.mark.parametrize(
    ("kind", "field", "value", "message"),
    [
        ("material", "title", "", "Поле «Название» обязательно"),
        ("material", "year", "давно", "год «давно»"),
        ("material", "subjects", ["Астрология"], "«Астрология» не найдено в словаре"),
        ("material", "links", ["ftp://x"], "не адрес http"),
        ("media", "isbn", "12", "не похоже на ISBN"),
        ("media", "pages", "0", "целым положительным"),
        ("portfolio", "teacher", "", "Поле «Педагог» обязательно"),
        ("portfolio", "category_assigned", "01.09.2023", "не дата"),
        ("portfolio", "courses", [{"title": "", "hours": "36"}], "нет названия курса"),
    ],
)
def test_errors_appear_next_to_the_field_and_block_saving(
    editor, workspace, kind, field, value, message
):
    create(editor, kind)
    editor.model.set(field, value)  # as typed (a picker would refuse «Астрология» itself)
    assert message in editor.error_labels[field].value
    others = [n for n, label in editor.error_labels.items() if label.value and n != field]
    assert others == []
    editor.save_button.click()
    assert "Не сохранено" in editor.status.value and workspace.store.count() == 0


def test_vocabulary_pickers_offer_synonyms():
    choices = vocab_choices("subjects")
    assert "Изобразительное искусство" in choices and "ИЗО" in choices
    assert choices.index("Изобразительное искусство") < choices.index("ИЗО")


def test_repeatable_rows_add_edit_and_remove():
    box = ListInput()
    box.value = ["Иванова", "Петрова"]
    assert [r.value for r in box.rows] == ["Иванова", "Петрова"]
    box.add_button.click()
    box.rows[-1].value = "Сидорова"
    assert box.value == ["Иванова", "Петрова", "Сидорова"]
    box.remove(0)
    assert box.value == ["Петрова", "Сидорова"]
    courses = CoursesInput()
    courses.add_button.click()
    courses.rows[0]["title"].value = "ФОП ООО"
    courses.rows[0]["hours"].value = "72"
    assert courses.value == [{"title": "ФОП ООО", "hours": "72", "provider": "", "year": ""}]


def test_portfolio_courses_and_category_expiry(editor):
    create(editor, "portfolio")
    editor.inputs["courses"].value = [
        {"title": "ФОП ООО", "hours": "72", "provider": "ИРО", "year": "2024"}
    ]
    editor.inputs["category"].value = "ВКК"
    editor.inputs["category_assigned"].value = "2020-03-01"
    record = editor.model.record
    assert record.courses == [records.Course("ФОП ООО", 72, "ИРО", 2024)]
    assert (record.category, record.category_expires) == ("Высшая", "2025-03-01")
    editor.inputs["category_assigned"].value = "2023-09-01"
    assert record.category_expires == ""


def test_suggestions_are_accepted_with_a_click(editor, workspace):
    record = workspace.store.save(
        records.new(
            "material", title="Файл урока", suggested={"subjects": ["Математика"], "year": 2022}
        ),
        by="импорт",
    )
    editor.open_record(record.id)
    assert len(editor.suggestions.children) == 2
    assert "Математика" in editor.suggestions.children[0].children[0].value
    editor.suggestions.children[0].children[1].click()
    assert editor.model.record.subjects == ["Математика"]
    assert editor.inputs["subjects"].value == ["Математика"]
    assert list(editor.model.record.suggested) == ["year"]
    assert len(editor.suggestions.children) == 1


def test_attaching_a_file_stores_it_once_and_extracts_text(editor, workspace):
    create(editor, "material")
    editor.upload.value = (
        {
            "name": "план.txt",
            "type": "text/plain",
            "size": 20,
            "content": memoryview("Урок про квазидроби".encode()),
            "last_modified": dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        },
    )
    assert [a.name for a in editor.model.record.attachments] == ["план.txt"]
    assert editor.upload.value == ()
    editor.save_button.click()
    saved = workspace.store.get(editor.model.record.id)
    assert workspace.file_path(saved.attachments[0].sha256).is_file()
    assert editor.model.index.find_ids("квазидроби") == [saved.id]
    editor.model.detach(0)
    assert editor.model.record.attachments == [] and editor.model.dirty


def test_cancel_restores_the_opened_version(editor, workspace):
    record = workspace.store.save(records.new("material", title="Как было"), by="Автор")
    editor.open_record(record.id)
    editor.inputs["title"].value = "Как стало"
    assert editor.model.dirty
    editor.cancel_button.click()
    assert editor.inputs["title"].value == "Как было" and not editor.model.dirty
    assert editor.status.value.count(t("editor.cancelled")) == 1


def test_unknown_id_is_a_message_not_an_exception(editor):
    editor.id_box.value = "mat-424242"
    editor.open_button.click()
    assert "не найдена" in editor.status.value and editor.save_button.disabled


def test_desk_finds_opens_edits_and_keeps_tabs_in_step(workspace):
    for n in range(3):
        workspace.store.save(
            records.new("material", title=f"Дроби, урок {n}", status="review"), by="Автор"
        )
    desk = CurationDesk(CatalogueIndex.open(workspace), user="Методистова")
    desk.finder_box.value = "дроби"
    buttons = [row.children[0] for row in desk.hits.children[1:]]
    assert len(buttons) == 3 and all("imk-open-record" in b._dom_classes for b in buttons)
    buttons[0].click()
    record_id = desk.editor.model.record.id
    assert desk.review.record.id == record_id and desk.history.record_id == record_id
    desk.editor.inputs["title"].value = "Дроби, урок новый"
    desk.editor.save_button.click()
    assert len(desk.history.versions) == 2
    desk.review.move("revision")
    assert desk.editor.model.record.status == "revision"  # the editor reopened version 3
    assert desk.editor.model.record.version == 3
    desk.user_box.value = "Другая Методистка"
    desk.history.delete_button.click()
    assert desk.editor.model.record is None
    assert workspace.store.curation.binned()[0].updated_by == "Другая Методистка"


@pytest.mark.parametrize("name", CURATION_NOTEBOOKS)
def test_notebook_is_clean_and_explains_itself(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code) == 1 and ".for_workspace()" in code[0].source
    assert all(not c.outputs and c.execution_count is None for c in code)


@pytest.mark.parametrize("name", CURATION_NOTEBOOKS)
def test_notebook_runs_on_imk_home(name, demo_home, tmp_path, monkeypatch):
    spec = tmp_path / "jupyter" / "kernels" / "imk-curation"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "IMK tests",
                "language": "python",
            }
        )
    )
    home = tmp_path / "workspace"
    shutil.copytree(demo_home, home)
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    monkeypatch.setenv("IMK_HOME", str(home))
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    NotebookClient(
        nb,
        kernel_name="imk-curation",
        timeout=120,
        startup_timeout=60,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    ).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert [o.output_type for o in outputs] == ["execute_result"]
    assert "application/vnd.jupyter.widget-view+json" in outputs[0]["data"]
