"""The collection builder: from search results to an ordered, annotated, saved collection."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from catalogue import records
from catalogue.export import FORMATS
from catalogue.i18n import t
from catalogue.lab.exports import link_exports
from catalogue.workspace import Workspace
from index.engine import CatalogueIndex
from tests.live_widgets import live_widgets
from widgets.collection_builder import CollectionBuilder, CollectionModel
from widgets.search_panel import esc

TITLES = ["Дроби: сложение", "Дроби: вычитание", "Дроби: сравнение", "Квадратные уравнения"]


def four_materials(workspace: Workspace) -> None:
    workspace.store.save_many(
        [
            records.new("material", title=title, authors=["Иванова И. И."], year=2024)
            for title in TITLES
        ],
        by="Автор",
    )


pytestmark = [pytest.mark.both_backends, pytest.mark.filled_with.with_args(four_materials)]


@pytest.fixture
def builder(workspace) -> CollectionBuilder:
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


def test_an_hour_of_clicks_makes_no_new_widgets(builder):
    """Rows are reused: clicks and searches change values, not the widgets the page holds."""
    model = start(builder)
    builder.query_box.value = "дроби"
    model.add_all("дроби")
    alive = live_widgets()
    for _ in range(10):
        builder.items.children[0].children[3].click()  # down
        builder.items.children[1].children[1].value += "!"  # a note
        builder.query_box.value = "уравнения" if builder.query_box.value == "дроби" else "дроби"
    assert live_widgets() == alive
    assert [row.children[1].value for row in builder.items.children] == [
        item.note for item in model.collection.items
    ]


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
    ("name", "title", "short", "explained"),
    [
        ("drobi-5", "Дроби", "drobi-5", False),
        ("Памятка 5 класс", "Памятка", "Памятка-5-класс", True),
        ("", "Дроби в 5 классе", "Дроби-в-5-классе", True),
        ("  ok  ", "Подборка", "ok", False),
        ("a/b\\c:d", "Подборка", "abcd", True),
        ("../..", "Подборка", "Подборка", True),
        ("«Ёлка»: 3 кл.", "", "Ёлка-3-кл", True),
        ("x" * 100, "Длинная", "x" * 80, True),
    ],
)
def test_the_short_name_is_made_safe_for_file_names(
    builder, workspace, name, title, short, explained
):
    builder.name_box.value, builder.title_box.value = name, title
    builder.create_button.click()
    model = builder.model
    assert model.collection.name == short
    assert model.collection.title == (title or name.strip())
    assert (t("builder.name_made", name=short) in model.message) == explained
    model.add_all("дроби")
    assert model.save() is not None
    path = model.export("csv")
    assert path.parent == workspace.exports_dir and path.name.startswith(short + "-")


@pytest.mark.parametrize(("name", "title"), [("", ""), ("  ", " "), ("///", "")])
def test_a_collection_needs_a_title(builder, workspace, name, title):
    builder.name_box.value, builder.title_box.value = name, title
    builder.create_button.click()
    assert builder.model.collection is None
    assert t("builder.name_needed") in builder.status.value
    assert workspace.store.collections.all() == []


@pytest.mark.parametrize("name", ["drobi-5", "  drobi-5 ", "drobi 5", "drobi / 5"])
def test_a_taken_short_name_is_refused_before_any_work(builder, workspace, name):
    model = start(builder, "drobi-5")
    model.add_all("дроби")
    model.save()
    assert model.create(name, "Другая подборка") is None
    assert t("builder.name_taken", name="drobi-5") in builder.status.value
    assert model.collection.title == "Дроби в 5 классе" and len(model.ids()) == 3
    assert len(workspace.store.collections.all()) == 1


def test_a_stored_name_is_still_checked_on_save(builder, workspace):
    model = start(builder)
    model.collection.name = "с пробелом"  # as an old program or a script might have set it
    assert model.save() is None and "используйте буквы" in model.message
    assert workspace.store.collections.all() == []


@pytest.mark.parametrize(("fmt", "suffix"), list(FORMATS.items()))
def test_export_in_every_format_saves_and_links_the_file(builder, workspace, tmp_path, fmt, suffix):
    model = start(builder)
    model.notebooks = tmp_path / "notebooks"
    model.notebooks.mkdir()
    model.add_all("дроби")
    builder.format_box.value = fmt
    builder.export_button.click()
    stored = workspace.store.collections.get("drobi-5")
    assert [e["format"] for e in stored.exports] == [fmt]
    path = Path(stored.exports[0]["path"])
    assert path.suffix == "." + suffix and path.stat().st_size > 0
    assert t("builder.exported", name=path.name, count=3) in builder.status.value
    assert "3 записи" in builder.status.value
    # outside «imk lab» the link folder is missing: the page says where the file is
    assert model.export_url() is None
    assert builder.export_link.value == esc(t("builder.export_outside_lab", path=path))
    link_exports(workspace.exports_dir, model.notebooks)  # as imk lab does
    builder.export_button.click()
    assert model.exported == path and len(model.collection.exports) == 2
    url = quote(f"/files/Экспорт/{path.name}")
    if fmt == "html":
        assert model.export_url() == url
        assert f'href="{url}" target="_blank"' in builder.export_link.value
        assert t("builder.export_open", name=path.name) in builder.export_link.value
    else:
        assert model.export_url() == url + "?download=1"
        assert f'download="{esc(path.name)}"' in builder.export_link.value
        assert t("builder.export_download", name=path.name) in builder.export_link.value
    assert builder.progress.layout.display == "none"
    model.remove(0)
    assert model.save() is not None  # the model follows the version the export saved


def test_the_exported_html_holds_the_collection(builder, workspace):
    model = start(builder)
    model.add_all("дроби")
    html = model.export("html").read_text(encoding="utf-8")
    assert all(title in html for title in TITLES[:3]) and TITLES[3] not in html
    assert not model.dirty


def test_empty_collection_export_is_a_message(builder, workspace):
    start(builder)
    builder.export_button.click()
    assert builder.status.value and workspace.store.collections.get("drobi-5").exports == []


def test_deleted_record_is_marked_in_the_preview(builder, workspace):
    model = start(builder)
    model.add_all("уравнения")
    workspace.store.delete(model.ids()[0], by="Автор")
    assert "не найдена" in model.preview_html()


def shape(collection) -> tuple:
    """What a methodist changes in a collection: its items with notes, its annotation."""
    return [(i.record_id, i.note) for i in collection.items], collection.annotation


def edit(model: CollectionModel, change: str) -> None:
    """One kind of unsaved change to the open collection."""
    if change == "add":
        model.add_all("уравнения")
    elif change == "remove":
        model.remove(0)
    elif change == "move":
        model.move(0, +1)
    elif change == "note":
        model.annotate(1, "Сначала этот")
    else:
        model.describe(annotation="Новая аннотация")


@pytest.fixture
def two_saved(builder) -> CollectionModel:
    """Two saved collections, «drobi-5» open and unchanged."""
    model = builder.model
    model.create("uravneniya", "Уравнения")
    model.add_all("уравнения")
    model.save()
    model.create("drobi-5", "Дроби в 5 классе")
    model.add_all("дроби")
    model.save()
    return model


CHANGES = ["add", "remove", "move", "note", "annotation"]


@pytest.mark.parametrize("choice", ["save", "discard", "cancel"])
@pytest.mark.parametrize(
    ("change", "switch"), [(c, "open") for c in CHANGES] + [("add", "create"), ("note", "create")]
)
def test_switching_with_unsaved_changes_asks_first(builder, two_saved, change, switch, choice):
    model = two_saved
    edit(model, change)
    changed = shape(model.collection)
    assert model.dirty
    if switch == "open":
        builder.existing.value = "uravneniya"
        builder.open_button.click()
    else:
        model.create("novaya", "Новая")
    question = t("builder.unsaved", title="Дроби в 5 классе")
    assert model.question == question and builder.asking.layout.display == ""
    assert question in builder.question.value and model.collection.name == "drobi-5"
    buttons = {b.description: b for b in builder.answers}
    buttons[t(f"builder.answer_{choice}")].click()
    assert model.question == "" and builder.asking.layout.display == "none"
    stored = model.store.collections.get("drobi-5")
    if choice == "cancel":
        assert model.collection.name == "drobi-5" and model.dirty
        assert shape(model.collection) == changed
        assert t("builder.switch_cancelled") in builder.status.value
    else:
        assert model.collection.name == ("uravneniya" if switch == "open" else "novaya")
        assert not model.dirty
    assert (shape(stored) == changed) == (choice == "save")


@pytest.mark.parametrize("switch", ["open", "create"])
def test_switching_without_changes_asks_nothing(builder, two_saved, switch):
    model = two_saved
    model.move(0, +1)
    model.move(0, +1)  # back where it was: nothing to save
    model.annotate(0, "")
    assert not model.dirty
    opened = model.load("uravneniya") if switch == "open" else model.create("n", "Новая")
    assert opened is not None and model.question == ""
    assert builder.asking.layout.display == "none"


def test_a_failed_save_keeps_the_collection_open(builder, two_saved):
    model = two_saved
    other = CollectionModel(model.index, user="Другой")
    other.load("drobi-5")
    other.remove(0)
    other.save()  # a newer version: our save will conflict
    edit(model, "note")
    model.load("uravneniya")
    assert model.answer("save") is None
    assert "версия" in model.message and model.collection.name == "drobi-5" and model.dirty
