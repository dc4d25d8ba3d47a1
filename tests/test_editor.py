"""The record editor: every kind in a form, synonyms to canonical values, repeatable fields,
inline Russian validation, suggestions, attachments, save/cancel; the curation notebooks."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import nbformat
import pytest

from catalogue import records
from catalogue.i18n import moment_text, t
from index.engine import CatalogueIndex
from tests.live_widgets import live_widgets
from widgets.curation_desk import CurationDesk
from widgets.editor import RecordEditor
from widgets.editor_fields import CoursesInput, ListInput, TermsInput
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
        ("portfolio", "category_assigned", "31.02.2023", "не дата"),
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


@pytest.mark.parametrize("kind", records.KINDS)
def test_an_empty_list_field_offers_a_row_and_an_add_button(editor, workspace, kind):
    create(editor, kind)
    links = editor.inputs["links"]
    assert isinstance(links, ListInput) and len(links.rows) == 1
    assert links.children[-1] is links.add_button and links.add_button.layout.width == "auto"
    links.rows[0].value = "https://example.org/urok"
    links.add_button.click()
    links.rows[1].value = "https://example.org/test"
    editor.save_button.click()
    saved = workspace.store.get(editor.model.record.id)
    assert saved.links == ["https://example.org/urok", "https://example.org/test"]


@pytest.mark.parametrize(
    ("field", "typed", "stored", "notes"),
    [
        (
            "subjects",
            ["ИЗО", "физра", "Музыка", "изо"],
            ["Изобразительное искусство", "Физическая культура", "Музыка"],
            ["это «Изобразительное искусство»", "это «Физическая культура»", "", "уже есть"],
        ),
        ("subjects", ["МУЗЫКА", "музыка"], ["Музыка"], ["", "уже есть"]),
        ("subjects", ["Астрология"], [], ["нет в словаре поля «Предметы»"]),
        ("grades", ["5 класс", "5"], ["5"], ["", "уже есть"]),
        ("keywords", ["дроби", "Дроби", "  доли "], ["дроби", "доли"], ["", "уже есть", ""]),
    ],
)
def test_terms_are_added_on_enter_resolved_and_duplicates_reported(
    editor, field, typed, stored, notes
):
    create(editor, "material")
    box = editor.inputs[field]
    assert isinstance(box, TermsInput)
    for text, note in zip(typed, notes, strict=True):
        box.entry.value = text  # what Enter sends
        assert box.entry.value == "" and note in box.note_html.value
        if not note:
            assert box.note_html.value == ""
    assert getattr(editor.model.record, field) == stored
    assert [c.description for c in box.chips.children] == editor.model.value(field)


def test_a_term_chip_removes_its_term(editor):
    create(editor, "material")
    box = editor.inputs["subjects"]
    for text in ("ИЗО", "музыка"):
        box.entry.value = text
    box.chips.children[0].click()
    assert editor.model.record.subjects == ["Музыка"]


def test_saving_without_a_change_writes_nothing_and_says_so(editor, workspace):
    record = workspace.store.save(records.new("material", title="Как было"), by="Автор")
    editor.open_record(record.id)
    editor.save_button.click()
    assert t("editor.no_changes", version=1) in editor.status.value
    assert len(workspace.store.history(record.id)) == 1
    editor.inputs["title"].value = "Как стало"
    editor.inputs["title"].value = "Как было"  # changed back: still nothing to save
    editor.save_button.click()
    assert len(workspace.store.history(record.id)) == 1


@pytest.mark.parametrize(
    ("status", "after", "action"),
    [
        ("draft", "draft", "update"),
        ("review", "review", "update"),
        ("revision", "revision", "update"),
        ("approved", "review", "reopen"),
        ("published", "review", "reopen"),
        ("archived", "archived", "update"),
    ],
)
def test_an_edit_of_an_approved_record_goes_back_on_review(
    editor, workspace, status, after, action
):
    approving = records.Review("Эксперт", "2025-01-10", {"новизна": 5}, "", "approve")
    record = workspace.store.save(
        records.new("material", title="Дроби", status=status, reviews=[approving]), by="Автор"
    )
    editor.open_record(record.id)
    assert ("вернётся на экспертизу" in editor.header.value) == (action == "reopen")
    editor.inputs["title"].value = "Дроби и доли"
    editor.save_button.click()
    last = workspace.store.history(record.id)[-1]
    assert (last.record.status, last.action, last.saved_by) == (after, action, "Методистова")
    assert (t("editor.reopened") in editor.status.value) == (action == "reopen")


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("01.09.2023", "2023-09-01", "01.09.2023"),
        ("1.9.2023", "2023-09-01", "01.09.2023"),
        ("2023-09-01", "2023-09-01", "01.09.2023"),
        ("", "", ""),
        ("31.02.2023", "31.02.2023", "31.02.2023"),
    ],
)
def test_dates_are_typed_and_shown_day_first(editor, typed, stored, shown):
    create(editor, "portfolio")
    editor.inputs["category_assigned"].value = typed
    assert editor.model.record.category_assigned == stored
    assert editor.inputs["category_assigned"].value == shown
    assert editor.inputs["category_assigned"].placeholder == "ДД.ММ.ГГГГ"


def test_times_are_local_and_the_conflict_buttons_sit_by_the_message(editor, workspace):
    record = workspace.store.save(records.new("material", title="Дроби"), by="Автор")
    editor.open_record(record.id)
    assert moment_text(record.updated_at) in editor.header.value
    assert "+00:00" not in editor.header.value
    theirs = workspace.store.get(record.id)
    theirs.annotation = "Их аннотация"
    theirs = workspace.store.save(theirs, by="Коллега")
    editor.inputs["title"].value = "Дроби и доли"
    editor.save_button.click()
    shown = editor.conflict_text.value + editor.status.value
    assert moment_text(theirs.updated_at) in shown and "+00:00" not in shown
    order = list(editor.children)
    assert order.index(editor.conflict_box) == order.index(editor.status) + 1
    editor.mine_button.click()
    merged = workspace.store.get(record.id)
    assert (merged.title, merged.annotation) == ("Дроби и доли", "Их аннотация")


def test_russian_labels_fit_their_buttons(editor):
    create(editor, "material")
    buttons = [
        editor.open_button,
        editor.new_button,
        editor.save_button,
        editor.cancel_button,
        editor.upload,
        editor.theirs_button,
        editor.mine_button,
    ]
    assert all(b.layout.width == "auto" for b in buttons)


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


@pytest.mark.parametrize("typed", ["mat-000001", " MAT-1 ", "mat 1", "mat-01"])
def test_a_record_number_opens_however_it_is_typed(editor, workspace, typed):
    record = workspace.store.save(records.new("material", title="Дроби"), by="Автор")
    editor.id_box.value = typed
    editor.open_button.click()
    assert editor.model.record is not None and editor.model.record.id == record.id


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
    hits = lambda: " ".join(row.children[1].value for row in desk.hits.children[1:])  # noqa: E731
    assert "Дроби, урок новый" in hits()  # the hits show what was saved
    desk.review.move("revision")
    assert f"{record_id} · на доработку" in hits()
    assert desk.editor.model.record.status == "revision"  # the editor reopened version 3
    assert desk.editor.model.record.version == 3
    desk.user_box.value = "Другая Методистка"
    desk.history.delete_button.click()
    assert desk.editor.model.record is None
    assert workspace.store.curation.binned()[0].updated_by == "Другая Методистка"


def saved_records(workspace) -> list[str]:
    """Records of every kind with list fields, terms, suggestions and an attachment."""
    plan = workspace.add_attachment("план.txt", "Урок про дроби".encode())
    made = [
        records.new(
            "material",
            title="Дроби",
            authors=["Иванова И. И.", "Петров П. П."],
            links=["https://example.org/urok"],
            subjects=["Математика", "Информатика"],
            suggested={"year": 2022, "keywords": ["дроби"]},
            attachments=[plan],
        ),
        records.new("media", title="Учебник", authors=["Сидорова С. С."], suggested={"pages": 96}),
        records.new(
            "portfolio",
            title="Портфолио",
            teacher="Иванова Анна Петровна",
            awards=["Грамота", "Диплом"],
            courses=[records.Course("ФОП ООО", 72, "ИРО", 2024), records.Course("ИКТ", 36)],
        ),
        records.new("material", title="Доли", authors=["А", "Б", "В"], subjects=["Музыка"]),
    ]
    return [workspace.store.save(record, by="Автор").id for record in made]


def open_each(editor: RecordEditor, ids: list[str]) -> None:
    for record_id in ids:
        editor.open_record(record_id)


def type_add_and_remove(editor: RecordEditor, ids: list[str]) -> None:
    editor.open_record(ids[0])
    editor.inputs["title"].value += "!"
    authors = editor.inputs["authors"]
    authors.add_button.click()
    authors.rows[-1].value = "Новикова Н. Н."
    authors.children[0].children[-1].click()  # the first row's ✕
    assert editor.model.record.authors == ["Петров П. П.", "Новикова Н. Н."]
    subjects = editor.inputs["subjects"]
    subjects.entry.value = "музыка"
    subjects.chips.children[0].click()
    assert editor.model.record.subjects == ["Информатика", "Музыка"]


def accept_detach_and_cancel(editor: RecordEditor, ids: list[str]) -> None:
    editor.open_record(ids[0])
    editor.suggestions.children[0].children[1].click()
    assert editor.model.record.year == 2022
    editor.attachments.children[1].children[1].click()  # the first file's ✕
    assert editor.model.record.attachments == []
    editor.cancel_button.click()


def edit_courses(editor: RecordEditor, ids: list[str]) -> None:
    editor.open_record(ids[2])
    courses = editor.inputs["courses"]
    courses.add_button.click()
    courses.rows[-1]["title"].value = "Наставничество"
    courses.children[1].children[-1].click()  # the second course's ✕
    assert [c.title for c in editor.model.record.courses] == ["ФОП ООО", "Наставничество"]


def new_of_every_kind(editor: RecordEditor, ids: list[str]) -> None:
    for kind in records.KINDS:
        create(editor, kind)


def shown(box) -> object:
    """What an input shows, in the model's terms (empty rows are not values)."""
    if isinstance(box, TermsInput):
        return [chip.description for chip in box.chips.children]
    if isinstance(box, CoursesInput):
        lines = [[cell.value for cell in line.children[:-1]] for line in box.children[:-1]]
        columns = [name for name, _ in box.COLUMNS]
        return [dict(zip(columns, cells, strict=True)) for cells in lines if any(cells)]
    if isinstance(box, ListInput):
        return [v for line in box.children[:-1] if (v := line.children[0].value).strip()]
    return box.value


def assert_shows_the_model(editor: RecordEditor) -> None:
    model = editor.model
    assert list(editor.form.children) == [editor.rows[name] for name, _ in model.fields()]
    for name, box in editor.inputs.items():
        value = model.value(name)
        if isinstance(box, CoursesInput):
            value = [{k: "" if v is None else str(v) for k, v in c.items()} for c in value]
        assert shown(box) == value, name
    suggested = [n for n in model.record.suggested if n in editor.inputs]
    assert [row.key for row in editor.suggestions.children] == suggested
    files = editor.attachments.children[1:-1]
    assert [row.label.value.split(" · ")[0] for row in files] == [
        a.name for a in model.record.attachments
    ]


@pytest.mark.parametrize(
    "round_of_work",
    [open_each, type_add_and_remove, accept_detach_and_cancel, edit_courses, new_of_every_kind],
)
def test_an_hour_of_editing_makes_no_new_widgets(editor, workspace, round_of_work):
    """Forms, rows, chips, suggestions and files are reused: every round after the first only
    changes values, and the form shows what the model holds."""
    ids = saved_records(workspace)
    open_each(editor, ids)  # a form of every kind
    round_of_work(editor, ids)
    alive = live_widgets()
    for _ in range(3):
        round_of_work(editor, ids)
        assert live_widgets() == alive
        assert_shows_the_model(editor)


@pytest.mark.parametrize(
    ("values", "removed"),
    [
        ([["а", "б", "в"], ["г"], [], ["д", "е"]], 0),
        ([["а"], ["б", "в", "г", "д"], ["е", "ж"]], 1),
    ],
)
def test_rows_and_chips_are_reused_and_act_on_their_position(values, removed):
    lists, chips = ListInput(), TermsInput()
    lists.value, chips.value = max(values, key=len), max(values, key=len)
    alive = live_widgets()
    for _ in range(5):
        for value in values:
            lists.value, chips.value = value, value
            assert [r.value for r in lists.rows] == (value or [""])
            assert [c.description for c in chips.chips.children] == value
        lists.add_button.click()
        lists.rows[-1].value = "новое"
        lists.children[removed].children[-1].click()
        chips.chips.children[removed].click()
        kept = [v for n, v in enumerate(values[-1]) if n != removed]
        assert lists.value == [*kept, "новое"] and chips.value == kept
        assert live_widgets() == alive


def test_an_hour_at_the_desk_makes_no_new_widgets(workspace):
    """Finding, opening, editing, moving on review and the bin only change values."""
    for n in range(3):
        workspace.store.save(records.new("material", title=f"Дроби, урок {n}"), by="Автор")
    desk = CurationDesk(CatalogueIndex.open(workspace), user="Методистова")

    def round_of_work() -> None:
        desk.finder_box.value = "урок" if desk.finder_box.value == "дроби" else "дроби"
        for record_id in [row.key for row in desk.hits.children[1:]]:
            next(row for row in desk.hits.children[1:] if row.key == record_id).button.click()
            assert desk.editor.model.record.id == record_id == desk.review.record.id
            desk.editor.inputs["keywords"].entry.value = "доли"
            desk.editor.save_button.click()
            desk.review.move("review" if desk.review.record.status == "draft" else "draft")
            desk.history.delete_button.click()
            assert desk.history.bin.children[0].key == record_id
            desk.history.bin.children[0].button.click()
            assert desk.editor.model.record.id == record_id

    round_of_work()
    alive = live_widgets()
    for _ in range(2):
        round_of_work()
        assert live_widgets() == alive
        assert_shows_the_model(desk.editor)


@pytest.mark.parametrize("name", CURATION_NOTEBOOKS)
def test_notebook_is_clean_and_explains_itself(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code) == 1 and ".for_workspace()" in code[0].source
    assert all(not c.outputs and c.execution_count is None for c in code)


@pytest.mark.parametrize("name", CURATION_NOTEBOOKS)
def test_notebook_runs_on_imk_home(name, demo_home, tmp_path, run_notebook, jupyter_env):
    home = tmp_path / "workspace"
    shutil.copytree(demo_home, home)
    jupyter_env.setenv("IMK_HOME", str(home))
    nb = run_notebook(NOTEBOOKS / name, NOTEBOOKS)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert [o.output_type for o in outputs] == ["execute_result"]
    assert "application/vnd.jupyter.widget-view+json" in outputs[0]["data"]
