"""A team on JupyterHub (issue 15): the catalogue on a real PostgreSQL server, moved there by
``imk copy --to`` as the README says; JupyterHub started from ``deploy/jupyterhub_config.py``;
two methodists log in through the hub in Chromium. Anna edits a record's title in the editor
notebook and saves; Boris finds it by the new title in the search notebook. Each is asked
their name once and signs as themselves: the name is remembered for the hub login, though both
servers run as one system user here. Screenshots land in ``tests/output/browser/hub_*.png``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from needs import need

from catalogue import records
from catalogue.curation.identity import PEOPLE_NAME
from catalogue.lab.exports import LINK_NAME
from catalogue.lab.hub import NOTEBOOKS_NAME
from catalogue.workspace import DB_NAME, Workspace
from index.engine import CatalogueIndex
from tests.browser.lab import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SHOTS,
    hub_login,
    jupyterhub,
    run_all,
    sync_api,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.postgresql]
need(CHROMIUM.exists(), "/usr/bin/chromium", module=True)
need(bool(shutil.which("configurable-http-proxy")), "configurable-http-proxy (npm)", module=True)

PEOPLE = {"anna": "Аннова Анна Андреевна", "boris": "Борисов Борис Борисович"}
OLD_TITLE = "Черновик урока: дроби на координатном луче"
NEW_TITLE = "Лабиринт дробей: командная игра для 5 класса"
SEARCH = "Тетради/01_search.ipynb"
DESK = "Тетради/02_curation.ipynb"


@pytest.fixture(scope="module")
def hub(tmp_path_factory, demo_home, postgres):
    """The demo catalogue (plus a draft to edit) copied into a new PostgreSQL database with the
    README's ``imk copy --to``; JupyterHub on it for anna and boris."""
    root = tmp_path_factory.mktemp("hub")
    workspace = root / "srv-imk"
    shutil.copytree(demo_home, workspace)
    with Workspace.open(workspace) as ws:
        draft = ws.store.save(records.new("material", title=OLD_TITLE, status="draft"), by="Автор")
        CatalogueIndex.open(ws).sync()
    url = postgres.database(name="imk_hub")
    imk = [str(Path(sys.executable).parent / "imk"), "--home", str(workspace)]
    copied = subprocess.run([*imk, "copy", "--to", url], capture_output=True, text=True)
    assert copied.returncode == 0, copied.stderr
    assert "Скопировано" in copied.stderr, copied.stderr
    (workspace / DB_NAME).unlink()  # from now on the catalogue is only on the server
    environ = {"IMK_HOME": str(workspace), "IMK_DATABASE_URL": url}
    with jupyterhub(root, list(PEOPLE), environ) as running:
        running.update(environ, draft=draft.id, workspace=workspace)
        yield running


def open_notebook(page: sync_api.Page, path: str) -> None:
    page.evaluate(
        "async p => { await window.jupyterapp.commands.execute('docmanager:open', {path: p}); }",
        path,
    )
    run_all(page, path)


def say_who(page: sync_api.Page, login: str) -> None:
    """Type the full name once in the desk's «Кто работает», as a new methodist does."""
    expect = sync_api.expect
    user = page.locator(".imk-user input")
    expect(user).to_be_visible()
    expect(user).to_have_value("")  # nobody's name yet for this login
    user.fill(PEOPLE[login])
    user.press("Enter")
    expect(page.locator(".imk-user-note")).to_contain_text("Запомнено")


def test_two_methodists_share_one_catalogue_through_the_hub(hub, monkeypatch):
    expect = sync_api.expect
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            # the hub's login page, in Russian
            page = browser.new_page(locale="ru-RU")
            page.goto(f"{hub['url']}/hub/login")
            expect(page.locator(".auth-form-header")).to_have_text("Каталог ИМК: вход")
            expect(page.locator("#login_submit")).to_have_value("Войти")
            page.screenshot(path=str(SHOTS / "hub_00_login.png"))
            page.close()

            # Anna: the editor notebook, her name, the draft's new title, saved
            anna = hub_login(browser, hub, "anna")
            open_notebook(anna, DESK)
            say_who(anna, "anna")
            finder = anna.locator(".imk-finder-box input")
            finder.fill(hub["draft"])
            finder.press("Enter")
            row = anna.locator(".imk-finder-hits .widget-hbox", has_text=hub["draft"])
            row.locator(".imk-open-record").click()
            title = anna.locator(".imk-field-title textarea")
            expect(title).to_have_value(OLD_TITLE)
            title.fill(NEW_TITLE)
            title.press("Tab")  # the title is sent when the field loses focus
            anna.locator(".imk-save").click()
            expect(anna.locator(".imk-editor-status")).to_contain_text("Сохранено")
            header = anna.locator(".imk-editor-header")
            expect(header).to_contain_text(PEOPLE["anna"])
            header.scroll_into_view_if_needed()
            anna.screenshot(path=str(SHOTS / "hub_01_anna_saved.png"))

            # Boris: his own Lab (the search notebook opens first), finds it by the new title
            boris = hub_login(browser, hub, "boris")
            assert "/user/boris/" in boris.url
            run_all(boris, SEARCH)
            box = boris.locator(".imk-search-box input")
            expect(box).to_be_visible()
            box.press_sequentially("лабиринт дробей")
            card = boris.locator(".imk-result-card", has_text=NEW_TITLE)
            expect(card).to_be_visible()
            boris.screenshot(path=str(SHOTS / "hub_02_boris_found.png"), full_page=True)

            # Boris in the editor: his own name, and Anna's on her version
            open_notebook(boris, DESK)
            say_who(boris, "boris")
            finder = boris.locator(".imk-finder-box input")
            finder.fill("лабиринт дробей")
            finder.press("Enter")
            row = boris.locator(".imk-finder-hits .widget-hbox", has_text=hub["draft"])
            row.locator(".imk-open-record").click()
            expect(boris.locator(".imk-field-title textarea")).to_have_value(NEW_TITLE)
            expect(boris.locator(".imk-editor-header")).to_contain_text(PEOPLE["anna"])
            expect(boris.locator(".imk-user input")).to_have_value(PEOPLE["boris"])
            boris.screenshot(path=str(SHOTS / "hub_03_boris_desk.png"), full_page=True)
        finally:
            browser.close()

    # what is stored: on the server, signed by Anna; each name kept for its hub login
    monkeypatch.setenv("IMK_DATABASE_URL", hub["IMK_DATABASE_URL"])
    with Workspace.open(hub["workspace"]) as ws:
        assert ws.on_postgresql
        saved = ws.store.get(hub["draft"])
        assert (saved.title, saved.updated_by) == (NEW_TITLE, PEOPLE["anna"])
    people = json.loads((hub["workspace"] / PEOPLE_NAME).read_text(encoding="utf-8"))
    assert people == PEOPLE
    for login in PEOPLE:  # each their own notebooks and exports folder
        home = hub["homes"] / login
        assert (home / NOTEBOOKS_NAME / "02_curation.ipynb").is_file()
        assert (home / LINK_NAME).is_dir()
