"""A real browser on a real JupyterLab: the search and curation notebooks as a methodist uses
them. Chromium comes from Debian (``/usr/bin/chromium``), driven by Playwright.

The test starts JupyterLab itself on a copy of the notebooks and of the demo catalogue, with
every Jupyter folder isolated in a temporary directory, and waits on state, never on sleeps.
Screenshots land in ``tests/output/browser/``.
"""

from __future__ import annotations

import json
import re

import nbformat
import pytest
from needs import need

from catalogue.workspace import Workspace
from index.engine import CatalogueIndex
from tests.browser.lab import (
    CHROMIUM,
    KERNEL_IDLE,
    SHOTS,
    TIMEOUT_MS,
    USER,
    chromium,
    jupyterlab,
    run_all,
    sync_api,
)

NEW_TITLE = "Проверочный конспект браузерного теста о квазиподобии"

pytestmark = pytest.mark.browser
need(CHROMIUM.exists(), "/usr/bin/chromium", module=True)


@pytest.fixture(scope="module")
def lab(tmp_path_factory, demo_home):
    """JupyterLab serving a copy of the notebooks on a copy of the demo catalogue."""
    root = tmp_path_factory.mktemp("lab")
    with jupyterlab(root, demo_home, ("01_search.ipynb", "02_curation.ipynb")) as served:
        yield served


@pytest.fixture(scope="module")
def page(lab):
    with chromium(lab, "01_search.ipynb") as page:
        yield page


MENUS = [
    "Файл",
    "Редактировать",
    "Просмотр",
    "Выполнить",
    "Ядро",
    "Вкладки",
    "Настройки",
    "Справка",
]


def test_lab_speaks_russian_and_asks_nothing_about_news(page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    bar = page.locator(".lm-MenuBar-itemLabel")
    sync_api.expect(bar.first).to_have_text("Файл", timeout=TIMEOUT_MS)
    assert bar.all_inner_texts() == MENUS  # Russian language pack, shipped settings
    sync_api.expect(page.get_by_text("Имя", exact=True).first).to_be_visible()  # file browser
    assert page.get_by_text(re.compile("Jupyter news|новост", re.IGNORECASE)).count() == 0
    assert page.locator(".jp-Notification-Toast, .Toastify__toast").count() == 0
    page.wait_for_function(KERNEL_IDLE % json.dumps("01_search.ipynb"))  # the notebook is shown
    page.screenshot(path=str(SHOTS / "00_lab_russian.png"))


def test_search_then_curate_in_a_real_browser(lab, page):
    expect = sync_api.expect
    SHOTS.mkdir(parents=True, exist_ok=True)

    run_all(page, "01_search.ipynb")
    box = page.locator(".imk-search-box input")
    expect(box).to_be_visible()
    box.press_sequentially("дроби")
    expect(page.locator(".imk-status")).to_contain_text("Найдено")
    expect(page.locator(".imk-result-card mark").first).to_be_visible()
    facet = page.locator(".imk-facet-subject .imk-facet-value").first
    expect(facet).to_contain_text(re.compile(r"\(\d+\)"))
    page.screenshot(path=str(SHOTS / "01_search.png"), full_page=True)

    with Workspace.open(lab["home"]) as ws:
        record = next(ws.store.iter_records("material"))
    page.evaluate(
        "async () => { await window.jupyterapp.commands.execute("
        "'docmanager:open', {path: '02_curation.ipynb'}); }"
    )
    run_all(page, "02_curation.ipynb")
    finder = page.locator(".imk-finder-box input")
    expect(finder).to_be_visible()
    finder.fill(" ".join(record.title.split()[:4]))
    finder.press("Enter")
    row = page.locator(".imk-finder-hits .widget-hbox", has_text=record.id)
    row.locator(".imk-open-record").click()
    title = page.locator(".imk-field-title textarea")
    expect(title).to_have_value(record.title)
    title.fill(NEW_TITLE)
    title.press("Tab")  # the title is sent when the field loses focus
    page.locator(".imk-save").click()
    expect(page.locator(".imk-editor-status")).to_contain_text("Сохранено")
    finder.fill("квазиподобие")
    finder.press("Enter")
    hit = page.locator(".imk-finder-hits .widget-hbox", has_text=record.id)
    expect(hit).to_contain_text(NEW_TITLE)  # the new search, not the list shown before
    page.screenshot(path=str(SHOTS / "02_curation.png"), full_page=True)

    with Workspace.open(lab["home"]) as ws:
        saved = ws.store.get(record.id)
        assert saved.title == NEW_TITLE
        assert saved.updated_by == USER
        index = CatalogueIndex.open(ws)
        assert record.id in index.find_ids("квазиподобие")
        assert index.check().ok
        index.close()


def test_notebooks_lab_has_run_are_saved_without_outputs(lab, page):
    for name in ("01_search.ipynb", "02_curation.ipynb"):
        page.evaluate(
            "async (p) => { await window.jupyterapp.commands.execute('docmanager:open', {path: p});"
            " await window.jupyterapp.commands.execute('docmanager:save'); }",
            name,
        )
        assert page.locator(".jp-OutputArea-output").count() > 0  # the methodist still sees them
        saved = nbformat.read(lab["home"].parent / "notebooks" / name, as_version=4)
        code = [c for c in saved.cells if c.cell_type == "code"]
        assert all(not c.outputs and c.execution_count is None for c in code), name
        assert "widgets" not in saved.metadata
