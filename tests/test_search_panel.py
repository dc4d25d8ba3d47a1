"""The search panel as a user meets it: typing, ticking facets, paging, escaping, finding home."""

from __future__ import annotations

import asyncio
import html
import re
import shutil

import pytest

from catalogue import records
from catalogue.i18n import t
from catalogue.workspace import NotAWorkspace, Workspace
from index.engine import CatalogueIndex
from index.search import Hit
from widgets import ProgressReporter, SearchModel, SearchPanel, progress
from widgets.search_panel import card_html, find_home, grades_text

HOSTILE = "<script>alert(1)</script> <img src=x onerror=alert(1)>"


@pytest.fixture
def panel(demo_index) -> SearchPanel:
    return SearchPanel(demo_index, debounce=0)


def card_values(panel: SearchPanel) -> list[str]:
    return [c.value for c in panel.results.children if "imk-result-card" in c._dom_classes]


def test_first_view_shows_the_catalogue(panel, demo_index):
    total = demo_index.doc_count()
    assert t("search.found", total=total) in panel.status.value
    assert t("search.page", page=1, pages=panel.model.result.pages) in panel.status.value
    assert len(card_values(panel)) == 10
    assert panel.pager in panel.results.children
    assert panel.prev_button.disabled and not panel.next_button.disabled


@pytest.mark.parametrize(
    ("widget", "css"),
    [
        ("query_box", "imk-search-box"),
        ("status", "imk-status"),
        ("sort_select", "imk-sort"),
        ("clear_button", "imk-clear"),
        ("results", "imk-results"),
        ("pager", "imk-pager"),
    ],
)
def test_parts_carry_css_classes(panel, widget, css):
    assert css in getattr(panel, widget)._dom_classes
    assert "imk-search" in panel._dom_classes


def test_style_is_theme_aware(panel):
    style = panel.children[0].value
    assert style.startswith("<style>") and "mark" in style
    assert "var(--jp-border-color2" in style and "var(--jp-layout-color1" in style


@pytest.mark.parametrize("query", ["дроби", "ёлка", "математика", "конспект урока"])
def test_typing_fills_result_cards(panel, demo_index, query):
    panel.query_box.value = query
    cards = card_values(panel)
    expected = demo_index.search(query).hits
    assert len(cards) == len(expected) > 0
    for card, hit in zip(cards, expected, strict=True):
        assert html.escape(hit.title, quote=True) in card
        assert f'data-id="{hit.id}"' in card
    assert any("<mark" in card for card in cards)
    assert t("search.found", total=demo_index.search(query).total) in panel.status.value


def test_typing_is_debounced_on_the_event_loop(demo_index):
    async def scenario():
        panel = SearchPanel(demo_index, debounce=0.05)
        searches = panel.model.searches
        for text in ("д", "др", "дро", "дроби"):
            panel.query_box.value = text
        assert panel.model.query == "" and panel.model.searches == searches
        assert t("search.searching") in panel.status.value
        deadline = asyncio.get_running_loop().time() + 10
        while panel.model.searches == searches:  # wait on the state, not on a fixed pause
            assert asyncio.get_running_loop().time() < deadline, "the debounced search never ran"
            await asyncio.sleep(0.01)
        return panel, searches

    panel, searches = asyncio.run(scenario())
    assert panel.model.query == "дроби" and panel.model.searches == searches + 1
    assert t("search.searching") not in panel.status.value


def test_without_a_running_loop_typing_searches_at_once(demo_index):
    panel = SearchPanel(demo_index, debounce=0.3)
    panel.query_box.value = "дроби"
    assert panel.model.query == "дроби"


@pytest.mark.parametrize(
    ("facet", "value"),
    [("kind", "media"), ("subject", "Математика"), ("grade", "5"), ("status", "published")],
)
def test_facet_checkbox_toggles_the_filter(panel, facet, value):
    box = panel.checkbox(facet, value)
    assert box is not None and not box.value
    count = panel.model.result.facets[facet][value]
    assert re.search(rf"\({count}\)$", box.description)
    box.value = True
    assert panel.model.filters == {facet: [value]}
    assert panel.model.result.total == count
    assert panel.checkbox(facet, value).value
    assert panel.facets[facet].titles[0] == t(
        "widgets.facet_selected", facet=t(f"facet.{facet}"), count=1
    )
    panel.checkbox(facet, value).value = False
    assert panel.model.filters == {}


def test_facet_labels_are_human(panel):
    shown = panel.shown_values("kind")
    assert shown["material"].startswith("методический материал (")
    assert panel.shown_values("grade")["5"].startswith("5 класс (")
    assert panel.shown_values("status")["published"].startswith("опубликовано (")
    assert list(panel.shown_values("grade"))[:3] == ["ДО", "1", "2"]  # the vocabulary's order


def test_big_facets_show_the_top_values(panel, demo_index):
    counts = demo_index.search("").facets["organisation"]
    shown = panel.shown_values("organisation")
    assert list(shown) == list(counts)[:12]
    assert panel.more["organisation"] in panel.facet_lists["organisation"].children
    assert t("widgets.more", count=len(counts) - 12) == html.unescape(
        panel.more["organisation"].value
    )


def test_a_selected_rare_value_stays_visible(panel, demo_index):
    counts = demo_index.search("").facets["organisation"]
    rare = list(counts)[-1]
    panel.model.toggle("organisation", rare)
    assert panel.checkbox("organisation", rare).value


def test_facets_without_values_are_hidden(workspace):
    workspace.store.save(records.new("material", title="Дроби", status="published"), by="тест")
    panel = SearchPanel(CatalogueIndex.open(workspace), debounce=0)
    assert panel.facets["organisation"].layout.display == "none"
    assert panel.facets["kind"].layout.display == ""


def test_clear_button_drops_every_filter(panel, demo_index):
    panel.checkbox("kind", "material").value = True
    panel.checkbox("grade", "5").value = True
    panel.clear_button.click()
    assert panel.model.filters == {}
    assert not any(b.value for b in panel.checkboxes["kind"] + panel.checkboxes["grade"])
    assert panel.model.result.total == demo_index.doc_count()


@pytest.mark.parametrize("query", ["zzqqxxjj", "квантовая хромодинамика неутешительно"])
def test_nothing_found(panel, query):
    panel.query_box.value = query
    assert panel.results.children == (panel.nothing,)
    assert panel.nothing.value == html.escape(t("search.nothing"))
    assert t("search.found", total=0) in panel.status.value


def test_an_empty_catalogue_says_how_to_fill_it(workspace):
    panel = SearchPanel(CatalogueIndex.open(workspace), debounce=0)
    assert panel.results.children == (panel.nothing,)
    assert "imk demo" in panel.nothing.value


def test_paging_buttons(panel):
    pages = panel.model.result.pages
    first = card_values(panel)
    panel.next_button.click()
    assert panel.model.page == 2 and card_values(panel) != first
    assert t("search.page", page=2, pages=pages) in panel.status.value
    assert panel.page_label.value == t("search.page", page=2, pages=pages)
    assert not panel.prev_button.disabled
    for _ in range(pages + 3):
        panel.next_button.click()
    assert panel.model.page == pages and panel.next_button.disabled
    for _ in range(pages + 3):
        panel.prev_button.click()
    assert panel.model.page == 1 and panel.prev_button.disabled
    assert card_values(panel) == first


def test_a_single_page_has_no_pager(panel):
    panel.query_box.value = "дроби"
    assert panel.model.result.pages == 1 and panel.pager not in panel.results.children


@pytest.mark.parametrize("sort", ["date", "title", "relevance"])
def test_sort_dropdown_and_model_agree(panel, sort):
    labels = dict((v, k) for k, v in panel.sort_select.options)
    assert labels[sort] == t(f"search.sort_{sort}")
    panel.sort_select.value = sort
    assert panel.model.sort == sort
    other = "title" if sort != "title" else "date"
    panel.model.sort = other
    assert panel.sort_select.value == other


def test_query_set_in_code_shows_in_the_box(panel):
    panel.model.query = "ёлка"
    assert panel.query_box.value == "ёлка"
    assert card_values(panel)


def test_a_shared_model(demo_index):
    model = SearchModel(demo_index, query="дроби")
    panel = SearchPanel(model, debounce=0)
    assert panel.model is model and panel.query_box.value == "дроби"


@pytest.mark.parametrize("query", ["", "alert", "script", "onerror", "дроби"])
def test_cards_escape_hostile_text(workspace, query):
    attachment = workspace.add_attachment(f"{HOSTILE}.txt", f"дроби {HOSTILE}".encode())
    record = records.new(
        "material",
        title=HOSTILE,
        status="published",
        annotation=f"alert {HOSTILE} дроби",
        authors=[HOSTILE],
        organisation=HOSTILE,
        subjects=["Математика"],
        grades=["5"],
    )
    record.attachments.append(attachment)
    workspace.store.save(record, by="тест")
    panel = SearchPanel(CatalogueIndex.open(workspace), debounce=0)
    panel.query_box.value = query
    cards = card_values(panel)
    assert len(cards) == 1
    for card in cards:
        assert "<script" not in card.lower() and "<img" not in card.lower()
        assert "&lt;script&gt;" in card
    for box in panel.checkboxes["organisation"]:
        assert not box.description_allow_html


@pytest.mark.parametrize(
    ("grades", "text"),
    [
        (["5"], "5 класс"),
        (["5", "6", "7"], "5, 6, 7 классы"),
        ([], ""),
        (["ДО"], "дошкольная группа"),
    ],
)
def test_grades_text(grades, text):
    assert grades_text(grades) == text


def test_card_html_of_a_bare_hit():
    card = card_html(
        Hit(id="mat-1", kind="material", title="A & B", score=0, sources=[], snippet="")
    )
    assert "A &amp; B" in card and "imk-card-sources" not in card and "imk-card-snippet" not in card


def test_open_on_a_workspace(demo_home, demo_index):
    panel = SearchPanel.for_workspace(demo_home, debounce=0)
    assert isinstance(panel, SearchPanel)
    assert panel.model.result.total == demo_index.doc_count()


def test_open_builds_a_missing_index_with_a_progress_bar(workspace, capsys):
    workspace.store.save(records.new("material", title="Дроби", status="published"), by="тест")
    shutil.rmtree(workspace.index_dir, ignore_errors=True)
    panel = SearchPanel.for_workspace(workspace.path, debounce=0)
    assert panel.model.result.total == 1
    assert "ProgressReporter" in capsys.readouterr().out  # displayed (as text outside Jupyter)


def test_find_home_order(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    notebooks = tmp_path / "repo" / "notebooks"
    notebooks.mkdir(parents=True)
    monkeypatch.chdir(notebooks)
    with pytest.raises(NotAWorkspace, match="IMK_HOME") as err:
        find_home()
    assert str(tmp_path / "repo" / "workspace") in str(err.value)
    Workspace.create(tmp_path / "repo" / "workspace").close()
    assert find_home() == tmp_path / "repo" / "workspace"
    monkeypatch.setenv("IMK_HOME", str(tmp_path / "elsewhere"))
    assert find_home() == tmp_path / "elsewhere"
    assert find_home(tmp_path / "given") == tmp_path / "given"


@pytest.mark.parametrize(
    ("calls", "value", "maximum", "label", "style"),
    [
        ([(0, 10)], 0, 10, "0 из 10", ""),
        ([(0, 10), (3, 10)], 3, 10, "3 из 10", ""),
        ([(0, 10), (10, 10)], 10, 10, "готово: 10", "success"),
        ([(15, 10)], 10, 10, "готово: 10", "success"),
        ([(0, 0)], 1, 1, "готово: 0", "success"),
        ([(1, 1000), (2, 1000)], 1, 1000, "1 из 1000", ""),  # same percent: not redrawn
    ],
)
def test_progress_reporter(calls, value, maximum, label, style):
    reporter = ProgressReporter("demo")
    for done, total in calls:
        reporter(done, total)
    assert (reporter.done, reporter.total) == (value, maximum)
    assert reporter.label.value == label and reporter.bar.bar_style == style
    assert reporter.bar.description == t("progress.demo")


def test_progress_helper_feeds_the_index_build(workspace):
    workspace.store.save(records.new("material", title="Дроби", status="published"), by="тест")
    reporter = progress("index", show=False)
    assert CatalogueIndex.build(workspace, progress=reporter) == 1
    assert reporter.label.value == t("progress.done", total=1)
