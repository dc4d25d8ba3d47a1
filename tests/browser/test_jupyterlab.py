"""A real browser on a real JupyterLab: the search and curation notebooks as a methodist uses
them (RECIPES §3). Chromium comes from Debian (``/usr/bin/chromium``), driven by Playwright.

The test starts JupyterLab itself on a copy of the notebooks and of the demo catalogue, with
every Jupyter folder isolated in a temporary directory, and waits on state, never on sleeps.
Screenshots land in ``tests/output/browser/``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from catalogue.workspace import Workspace
from index.engine import CatalogueIndex

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "tests" / "output" / "browser"
TIMEOUT_MS = 60_000
NEW_TITLE = "Проверочный конспект браузерного теста о квазиподобии"

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip("/usr/bin/chromium is not installed (CI installs it)", allow_module_level=True)

from playwright import sync_api  # noqa: E402  (in the dev extra: missing means broken)

KERNEL_IDLE = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  if (!w || !w.context || w.context.path !== %s) return false;
  const k = w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.connectionStatus === 'connected' && k.status === 'idle';
}"""
NOTIFICATIONS = {"fetchNews": "false", "checkForUpdates": False}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory, demo_home):
    """JupyterLab serving a copy of the notebooks on a copy of the demo catalogue."""
    root = tmp_path_factory.mktemp("lab")
    home = root / "workspace"
    shutil.copytree(demo_home, home)
    notebooks = root / "notebooks"
    notebooks.mkdir()
    for name in ("01_search.ipynb", "02_curation.ipynb"):
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


@pytest.fixture(scope="module")
def page(lab):
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
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ru-RU")
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(f"{lab['url']}/lab/tree/01_search.ipynb?token={lab['token']}")
        yield page
        browser.close()


def run_all(page, path: str) -> None:
    """Wait for the notebook's kernel to be idle, then run every cell."""
    page.wait_for_function(KERNEL_IDLE % json.dumps(path), timeout=TIMEOUT_MS)
    page.evaluate("() => { void window.jupyterapp.commands.execute('notebook:run-all-cells'); }")


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
        assert saved.updated_by == "Браузерова Анна Тестовна"
        index = CatalogueIndex.open(ws)
        assert record.id in index.find_ids("квазиподобие")
        assert index.check().ok
        index.close()
