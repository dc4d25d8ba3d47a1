"""The textbooks notebook in a real browser on a real JupyterLab: a methodist resolves a row the
matcher could not decide and sees the city summary change (RECIPES §3). Screenshots land in
``tests/output/browser/``."""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import openpyxl
import pytest

from catalogue.textbooks.generator import load_truth
from catalogue.textbooks.importing import federal_books, import_school_list
from catalogue.textbooks.storage import TextbookTables
from catalogue.workspace import Workspace
from tests.browser.test_jupyterlab import (
    CHROMIUM,
    NOTIFICATIONS,
    REPO,
    SHOTS,
    TIMEOUT_MS,
    free_port,
    run_all,
    sync_api,
)

NOTEBOOK = "06_textbooks.ipynb"


@contextlib.contextmanager
def jupyterlab(root: Path, source_home: Path, names: tuple[str, ...]):
    """JupyterLab serving copies of the notebooks ``names`` on a copy of ``source_home``, with
    every Jupyter folder isolated under ``root``; yields ``{url, token, home}``."""
    home = root / "workspace"
    shutil.copytree(source_home, home)
    notebooks = root / "notebooks"
    notebooks.mkdir()
    for name in names:
        shutil.copy(REPO / "notebooks" / name, notebooks / name)
    settings = root / "settings"
    (settings / "@jupyterlab" / "apputils-extension").mkdir(parents=True)
    (
        settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    ).write_text(json.dumps(NOTIFICATIONS))
    env = {
        **os.environ,
        "IMK_HOME": str(home),
        "IMK_USER": "Браузерова Анна Тестовна",
        "JUPYTER_CONFIG_DIR": str(root / "config"),
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(root / "lab-workspaces"),
        "JUPYTER_RUNTIME_DIR": str(root / "runtime"),
        "JUPYTER_PLATFORM_DIRS": "1",
    }
    token, port = secrets.token_hex(16), free_port()
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--allow-root",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={notebooks}",
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    log = (root / "lab.log").open("wb")
    server = subprocess.Popen(
        command, env=env, cwd=notebooks, stdout=log, stderr=log, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((root / "lab.log").read_text(errors="replace")) from None
                time.sleep(0.2)  # polling the server's own status, not waiting blindly
        yield {"url": url, "token": token, "home": home}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()


@contextlib.contextmanager
def chromium(lab: dict, first: str, height: int = 1000):
    """A Chromium page on JupyterLab with the notebook ``first`` open (``height``: of the
    window, taller for long panels)."""
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        context = browser.new_context(viewport={"width": 1400, "height": height}, locale="ru-RU")
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(f"{lab['url']}/lab/tree/{first}?token={lab['token']}")
        try:
            yield page
        finally:
            browser.close()


def _pending_list(home, lists, folder) -> str:
    """Send the unsent school's list: two clear rows and one the matcher cannot decide (an
    «Алгебра» for grade 7 without authors: every algebra series fits)."""
    school = load_truth(lists)[-1].school
    with Workspace.open(home) as ws:
        books = [b for b in federal_books(ws.store).values() if not b.list_excluded and b.grades]
        clear = sorted(books, key=lambda b: b.list_number)[:2]
        book = openpyxl.Workbook()
        book.active.append(["Класс", "Предмет", "Автор(ы)", "Наименование", "Издательство",
                            "Количество экземпляров", "Количество обучающихся"])  # fmt: skip
        for b in clear:
            book.active.append([b.grades[0], b.list_subject, b.authors[0], b.title, "", 25, 25])
        book.active.append(["7", "Математика", "", "Алгебра", "", 20, 25])
        path = folder / "list.xlsx"
        book.save(path)
        result = import_school_list(ws, path, school, "Тестова Т.Т.")
        assert result.counts["ambiguous"] == 1
    return school


@pytest.fixture(scope="module")
def textbook_lab(tmp_path_factory, textbook_home):
    root = tmp_path_factory.mktemp("textbook-lab")
    with jupyterlab(root, textbook_home, (NOTEBOOK,)) as served:
        served["school"] = _pending_list(served["home"], textbook_home.parent / "lists", root)
        yield served


def unmatched_total(home) -> int:
    with Workspace.open(home) as ws:
        return sum(
            r.outcome == "ambiguous" for s in TextbookTables(ws.store.db).lists() for r in s.rows
        )


def test_methodist_resolves_a_row_and_the_summary_changes(textbook_lab):
    expect = sync_api.expect
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert unmatched_total(textbook_lab["home"]) == 1
    with chromium(textbook_lab, NOTEBOOK, height=2200) as page:
        run_all(page, NOTEBOOK)
        panel = page.locator(".imk-textbooks-panel")
        expect(panel).to_be_visible(timeout=TIMEOUT_MS)  # the kernel imports and builds it
        summary = page.locator(".imk-textbooks-summary")
        total = summary.locator("tr", has_text="Итого по городу")
        expect(total).to_be_visible()
        expect(page.locator(".imk-textbooks-row")).to_contain_text("Алгебра")
        options = page.locator(".imk-textbooks-choice select option")
        expect(options.first).to_have_attribute("value", re.compile(r"Алгебра: 7-й класс"))
        before = total.inner_text()
        panel.screenshot(path=str(SHOTS / "06_textbooks_before.png"))
        second = options.nth(1).get_attribute("value")
        page.locator(".imk-textbooks-choice select").select_option(second)  # the second series
        page.locator(".imk-textbooks-choose").click()
        status = page.locator(".imk-textbooks-status")
        expect(status).to_contain_text("Выбор запомнен", timeout=TIMEOUT_MS)
        expect(page.locator(".imk-textbooks-row")).to_contain_text("все строки сопоставлены")
        expect(total).not_to_have_text(before)
        panel.screenshot(path=str(SHOTS / "06_textbooks_after.png"))
    assert unmatched_total(textbook_lab["home"]) == 0
    with Workspace.open(textbook_lab["home"]) as ws:
        tables = TextbookTables(ws.store.db)
        (choice,) = tables.choices(textbook_lab["school"]).values()
        assert choice and ws.store.get(choice).title.startswith("Алгебра: 7-й класс")
