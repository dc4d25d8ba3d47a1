"""History: diffs between versions, restoring a version as a new one, the bin and its panel."""

from __future__ import annotations

import pytest

from catalogue import records
from catalogue.curation import diff, diff_versions, restore_version
from catalogue.curation.history import display, label
from catalogue.store import NotFoundError, StoreError
from index.engine import CatalogueIndex
from tests.live_widgets import live_widgets
from widgets.history_panel import HistoryPanel, action_name, versions_html

pytestmark = pytest.mark.both_backends

EDITS = [
    ("title", "Сложение дробей: новая редакция"),
    ("keywords", ["дроби", "5 класс"]),
    ("grades", ["5", "6"]),
    ("annotation", "Новая аннотация"),
    ("year", 2021),
]


def history_of(workspace, kind="material"):
    """A record with three versions: created, title changed, annotation changed."""
    store = workspace.store
    record = store.save(
        records.new(kind, title="Сложение дробей", grades=["5"], teacher="Иванова И. И."),
        by="Автор",
    )
    record.title = "Сложение и вычитание дробей"
    record = store.save(record, by="Редактор")
    record.annotation = "Урок открытия нового знания"
    return store.save(record, by="Корректор")


@pytest.mark.parametrize(("name", "value"), EDITS)
@pytest.mark.parametrize("kind", records.KINDS)
def test_diff_names_exactly_the_changed_field(workspace, kind, name, value):
    before = history_of(workspace, kind)
    after = workspace.store.get(before.id)
    setattr(after, name, value)
    changes = diff(before, after)
    assert [c.field for c in changes] == [name]
    assert changes[0].after == value and changes[0].label == label(name)


@pytest.mark.parametrize(
    ("older", "newer", "fields"),
    [
        (1, 2, ["title"]),
        (2, 3, ["annotation"]),
        (1, 3, ["title", "annotation"]),
        (3, 1, ["title", "annotation"]),
        (2, 2, []),
    ],
)
def test_diff_between_stored_versions(workspace, older, newer, fields):
    record = history_of(workspace)
    assert [c.field for c in diff_versions(workspace.store, record.id, older, newer)] == fields


def test_missing_version_is_named(workspace):
    record = history_of(workspace)
    with pytest.raises(StoreError, match="нет версии 9"):
        diff_versions(workspace.store, record.id, 1, 9)
    with pytest.raises(StoreError, match="нет версии 9"):
        restore_version(workspace.store, record.id, 9, by="Методист")


@pytest.mark.parametrize("version", [1, 2])
def test_restore_is_a_new_version_and_keeps_the_workflow(workspace, version):
    store = workspace.store
    record = history_of(workspace)
    record.status = "review"
    record = store.save(record, by="Автор")
    restored = restore_version(store, record.id, version, by="Методистова")
    history = store.history(record.id)
    assert restored.version == 5 and len(history) == 5
    assert history[-1].action == "restore" and history[-1].saved_by == "Методистова"
    assert restored.title == history[version - 1].record.title
    assert restored.annotation == ""  # versions 1 and 2 had none
    assert restored.status == "review"  # the workflow is not rolled back
    assert [c.field for c in diff_versions(store, record.id, version, 5)] == ["status"]


def test_bin_keeps_history_and_gives_records_back(workspace):
    store = workspace.store
    record = history_of(workspace)
    store.delete(record.id, by="Методистова")
    assert [r.id for r in store.curation.binned()] == [record.id]
    with pytest.raises(NotFoundError):
        store.get(record.id)
    with pytest.raises(NotFoundError):
        restore_version(store, record.id, 1, by="Методистова")
    back = store.curation.undelete(record.id, by="Методистова")
    assert back.version == 5 and store.get(record.id).title == back.title
    assert [v.action for v in store.history(record.id)][-2:] == ["delete", "undelete"]
    assert store.curation.binned() == []
    with pytest.raises(NotFoundError, match="нет в корзине"):
        store.curation.undelete(record.id, by="Методистова")


def test_bin_round_trip_keeps_the_index_consistent(workspace):
    record = history_of(workspace)
    index = CatalogueIndex.open(workspace)
    workspace.store.delete(record.id, by="Методистова")
    index.sync()
    assert index.find_ids("дробей") == [] and index.check().ok
    workspace.store.curation.undelete(record.id, by="Методистова")
    index.sync()
    assert index.find_ids("дробей") == [record.id] and index.check().ok
    index.close()


def test_history_panel_lists_diffs_restores_deletes_and_undeletes(workspace):
    record = history_of(workspace)
    events = []
    panel = HistoryPanel(workspace.store, user="Методистова", on_change=events.append)
    panel.show(record.id)
    table = panel.table.value
    assert table.index("Корректор") < table.index("Редактор") < table.index("Автор")
    assert action_name("create") in table and action_name("update") in table
    assert (panel.older.value, panel.newer.value) == (2, 3)
    assert "Урок открытия нового знания" in panel.diff.value
    panel.older.value = 1
    panel.restore_button.click()
    assert events[-1].version == 4 and events[-1].title == "Сложение дробей"
    assert "восстановлена" in panel.message.value
    panel.delete_button.click()
    assert events[-1] is None and "корзину" in panel.message.value
    assert record.id in panel.bin.children[0].children[1].value
    panel.bin.children[0].children[0].click()
    assert events[-1].id == record.id and workspace.store.get(record.id).version == 6


@pytest.mark.parametrize("edits", [1, 3])
def test_a_record_with_fewer_versions_shows_its_own_last_change(workspace, edits):
    longer = history_of(workspace)
    for n in range(edits):
        longer.title = f"Сложение дробей, правка {n}"
        longer = workspace.store.save(longer, by="Редактор")
    shorter = history_of(workspace)
    panel = HistoryPanel(workspace.store, user="Методистова")
    panel.show(longer.id)
    panel.show(shorter.id)
    assert (panel.older.value, panel.newer.value) == (2, 3)
    assert "Урок открытия нового знания" in panel.diff.value and panel.message.value == ""


@pytest.mark.parametrize("count", [1, 3])
def test_deleting_and_taking_back_again_and_again_makes_no_new_widgets(workspace, count):
    """The bin's rows are reused: each row takes back the record it shows now."""
    ids = [history_of(workspace).id for _ in range(count)]
    panel = HistoryPanel(workspace.store, user="Методистова")

    def round_of_work() -> None:
        for record_id in ids:
            panel.show(record_id)
            panel.delete_button.click()
        in_bin = workspace.store.curation.binned()
        assert [row.key for row in panel.bin.children] == [r.id for r in in_bin]
        rows = zip(panel.bin.children, in_bin, strict=True)
        assert all(record.id in row.label.value for row, record in rows)
        for record in in_bin:
            assert panel.bin.children[0].key == record.id
            panel.bin.children[0].button.click()
            assert workspace.store.get(record.id).title == record.title
        assert list(panel.bin.children) == [panel.bin_empty]

    round_of_work()
    alive = live_widgets()
    for _ in range(5):
        round_of_work()
        assert live_widgets() == alive


def test_empty_bin_and_unknown_record(workspace):
    panel = HistoryPanel(workspace.store, user="Методистова")
    assert "Корзина пуста" in panel.bin.children[0].value
    panel.show("mat-999999")
    assert "не найдена" in panel.message.value and panel.restore_button.disabled
    assert versions_html([]) == ""


@pytest.mark.parametrize(
    ("value", "field", "shown"),
    [
        ("review", "status", "на экспертизе"),
        ("published", "status", "опубликовано"),
        (["5", "ДО"], "grades", "5 класс; дошкольная группа"),
        (
            {"reviewer": "Экспертова Е. И.", "date": "2026-11-27", "verdict": "approve"},
            "reviews",
            "Экспертова Е. И., 27.11.2026: одобрено",
        ),
        (
            {"reviewer": "Э", "date": "2026-01-05", "verdict": ""},
            "reviews",
            "Э, 05.01.2026: без решения",
        ),
    ],
)
def test_display_of_codes_and_reviews(value, field, shown):
    assert display(value, field) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "—"),
        ([], "—"),
        (True, "да"),
        (["а", "б"], "а; б"),
        ({"title": "Курс", "hours": 36}, "Курс (36 ч)"),
        ({"name": "f.pdf", "sha256": "x"}, "f.pdf"),
    ],
)
def test_display(value, shown):
    assert display(value) == shown
