"""The collection builder: from search results to an ordered, annotated, saved collection."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalogue import records
from catalogue.i18n import t
from index.engine import CatalogueIndex
from widgets.collection_builder import CollectionBuilder, CollectionModel

pytestmark = pytest.mark.both_backends

TITLES = ["Дроби: сложение", "Дроби: вычитание", "Дроби: сравнение", "Квадратные уравнения"]


@pytest.fixture
def builder(workspace) -> CollectionBuilder:
    workspace.store.save_many(
        [
            records.new("material", title=title, authors=["Иванова И. И."], year=2024)
            for title in TITLES
        ],
        by="Автор",
    )
    return CollectionBuilder(CollectionModel(CatalogueIndex.open(workspace), user="Куратор"))


def start(builder: CollectionBuilder, name="drobi-5") -> CollectionModel:
    builder.name_box.value = name
    builder.title_box.value = "Дроби в 5 классе"
    builder.create_button.click()
    return builder.model


def test_nothing_to_edit_before_a_collection_exists(builder):
    assert builder.editing.layout.display == "none"
    start(builder)
    assert builder.editing.layout.display == ""
    assert builder.model.collection.curator == "Куратор"


@pytest.mark.parametrize(("clicks", "expected"), [([0], 1), ([0, 1], 2), ([0, 2, 0], 2)])
def test_one_click_per_hit_adds_it_once(builder, clicks, expected):
    model = start(builder)
    builder.query_box.value = "дроби"
    buttons = [row.children[0] for row in builder.hits.children]
    assert len(buttons) == 3 and all("imk-add-hit" in b._dom_classes for b in buttons)
    for n in clicks:
        buttons[n].click()
    assert len(model.ids()) == expected == len(builder.items.children)
    if len(set(clicks)) < len(clicks):
        assert "уже в подборке" in builder.status.value


@pytest.mark.parametrize(("query", "count"), [("дроби", 3), ("уравнения", 1), ("ничего такого", 0)])
def test_all_hits_of_a_query_in_relevance_order(builder, query, count):
    model = start(builder)
    builder.query_box.value = query
    assert builder.add_all_button.description == t("builder.add_all_count", count=count)
    builder.add_all_button.click()
    assert model.ids() == model.index.find_ids(query)
    assert builder.model.add_all(query) == 0  # already there


@pytest.mark.parametrize(
    ("position", "step", "order"),
    [(0, +1, [1, 0, 2]), (2, -1, [0, 2, 1]), (0, -1, [0, 1, 2]), (2, +1, [0, 1, 2])],
)
def test_reorder_with_arrows(builder, position, step, order):
    model = start(builder)
    model.add_all("дроби")
    before = model.ids()
    row = builder.items.children[position]
    (row.children[2] if step < 0 else row.children[3]).click()
    assert model.ids() == [before[i] for i in order]


def test_annotate_remove_audience_preview_and_save(builder, workspace):
    model = start(builder)
    model.add_all("дроби")
    builder.items.children[0].children[1].value = "Начните с этого урока"
    builder.items.children[2].children[4].click()
    builder.annotation_box.value = "Уроки по теме «Дроби»"
    builder.schools_box.value = ["МБОУ «СОШ № 1»"]
    builder.grades_box.value = ["5 класс"]
    builder.preview_button.click()
    preview = builder.preview.value
    assert preview.count("<li>") == 2 and "Начните с этого урока" in preview
    assert "Для: МБОУ «СОШ № 1» · 5 класс" in preview and "Иванова И. И., 2024" in preview
    builder.save_button.click()
    assert t("builder.saved", name="drobi-5", count=2) in builder.status.value
    stored = workspace.store.collections.get("drobi-5")
    assert [i.note for i in stored.items] == ["Начните с этого урока", ""]
    assert (stored.grades, stored.schools) == (["5"], ["МБОУ «СОШ № 1»"])
    assert stored.annotation == "Уроки по теме «Дроби»" and stored.version == 1


def test_reopen_a_saved_collection_and_a_stale_copy_conflicts(builder, workspace):
    model = start(builder)
    model.add_all("дроби")
    model.describe(grades=["5 класс"])
    model.save()
    other = CollectionModel(model.index, user="Другой")
    assert ("Дроби в 5 классе (drobi-5)", "drobi-5") in builder.existing.options
    stale = other.load("drobi-5")
    builder.existing.value = "drobi-5"
    builder.open_button.click()
    assert builder.grades_box.value == ["5 класс"] and len(builder.items.children) == 3
    model.remove(0)
    model.save()
    other.add_all("уравнения")
    assert other.save() is None and "версия" in other.message
    assert len(workspace.store.collections.get("drobi-5").items) == 2 and stale is not None


@pytest.mark.parametrize(
    ("name", "title", "message"),
    [
        ("", "Подборка", "обязательно"),
        ("с пробелом", "Подборка", "используйте буквы"),
        ("ok", "", "обязательно"),
    ],
)
def test_bad_collection_is_not_saved(builder, workspace, name, title, message):
    builder.name_box.value, builder.title_box.value = name, title
    builder.create_button.click()
    builder.save_button.click()
    assert message in builder.status.value and workspace.store.collections.all() == []


def test_export_saves_and_writes_one_html_file(builder, workspace):
    model = start(builder)
    model.add_all("дроби")
    builder.export_button.click()
    stored = workspace.store.collections.get("drobi-5")
    assert len(stored.exports) == 1 and stored.exports[0]["format"] == "html"
    path = stored.exports[0]["path"]
    assert t("builder.exported", path=path) in builder.status.value
    html = Path(path).read_text(encoding="utf-8")
    assert all(title in html for title in TITLES[:3]) and TITLES[3] not in html
    model.remove(0)
    assert model.save() is not None  # the model follows the version the export saved


def test_empty_collection_export_is_a_message(builder, workspace):
    start(builder)
    builder.export_button.click()
    assert builder.status.value and workspace.store.collections.get("drobi-5").exports == []


def test_deleted_record_is_marked_in_the_preview(builder, workspace):
    model = start(builder)
    model.add_all("уравнения")
    workspace.store.delete(model.ids()[0], by="Автор")
    assert "не найдена" in model.preview_html()
