"""One way to drive a real browser in the tests: headless Chromium from Debian
(``/usr/bin/chromium``) via Playwright, and JupyterLab started on copies of the notebooks with
every Jupyter folder isolated and the server options ``imk lab`` uses (the shipped Russian
settings, no news, notebooks saved without outputs: :mod:`catalogue.lab`). Waits are on state,
never on sleeps."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from playwright import sync_api  # in the dev extra: missing means broken

from catalogue import lab as imk_lab
from catalogue.lab.exports import link_exports

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "tests" / "output" / "browser"
TIMEOUT_MS = 60_000
sync_api.expect.set_options(timeout=TIMEOUT_MS)  # a kernel on a busy machine takes its time
KERNEL_IDLE = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  if (!w || !w.context || w.context.path !== %s) return false;
  const k = w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.connectionStatus === 'connected' && k.status === 'idle';
}"""
USER = "Браузерова Анна Тестовна"


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def jupyterlab(
    root: Path,
    source_home: Path,
    names: tuple[str, ...],
    environ: dict[str, str | None] | None = None,
) -> Iterator[dict[str, Any]]:
    """JupyterLab serving copies of the notebooks ``names`` on a copy of ``source_home``, with
    every Jupyter folder isolated under ``root``; yields ``{url, token, home}``. ``environ``
    changes the server's environment (None removes a variable, e.g. ``IMK_USER``)."""
    home = root / "workspace"
    shutil.copytree(source_home, home)
    notebooks = root / "notebooks"
    notebooks.mkdir()
    for name in names:
        shutil.copy(REPO / "notebooks" / name, notebooks / name)
    link_exports(home / "exports", notebooks)  # as imk lab does: «Экспорт» beside the notebooks
    env = {
        **os.environ,
        "IMK_HOME": str(home),
        "IMK_USER": USER,
        imk_lab.ENV_ROOT: str(notebooks),
        "JUPYTER_CONFIG_DIR": str(root / "config"),
        "JUPYTERLAB_SETTINGS_DIR": str(root / "settings"),
        imk_lab.CLEAN_ENV: str(notebooks),
        "JUPYTERLAB_WORKSPACES_DIR": str(root / "lab-workspaces"),
        "JUPYTER_RUNTIME_DIR": str(root / "runtime"),
        "JUPYTER_PLATFORM_DIRS": "1",
    }
    for name, value in (environ or {}).items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
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
        *imk_lab.server_args("ru", notebooks),
        "--LabApp.expose_app_in_browser=True",
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
        yield {"url": url, "token": token, "home": home, "root": notebooks}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()


@contextlib.contextmanager
def chromium(lab: dict[str, Any], first: str, height: int = 1000) -> Iterator[sync_api.Page]:
    """A Chromium page on JupyterLab with the notebook ``first`` open (``height``: of the
    window, taller for long panels)."""
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": height}, locale="ru-RU")
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(f"{lab['url']}/lab/tree/{first}?token={lab['token']}")
        try:
            yield page
        finally:
            browser.close()


def run_all(page: sync_api.Page, path: str) -> None:
    """Wait for the notebook's kernel to be idle, then run every cell."""
    page.wait_for_function(KERNEL_IDLE % json.dumps(path), timeout=TIMEOUT_MS)
    page.evaluate("() => { void window.jupyterapp.commands.execute('notebook:run-all-cells'); }")


OPENED = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  return !!w && !!w.context && w.context.isReady;
}"""
HUB_CONFIG = REPO / "deploy" / "jupyterhub_config.py"
# What a test hub changes in deploy/jupyterhub_config.py: one password for the test's users
# instead of their system passwords, and every server run as the hub's own user in a home folder
# of its own (no system users needed, root or not); free ports for the hub's and the proxy's own
# APIs. Lab exposes itself to the test's scripts.
HUB_TEST_CONFIG = """
c = get_config()
load_subconfig({deploy!r})
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = {password!r}
c.Authenticator.allowed_users = {users!r}
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {homes!r} + "/{{username}}"
c.Spawner.args = ["--LabApp.expose_app_in_browser=True",
                  "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
"""


@contextlib.contextmanager
def jupyterhub(root: Path, users: list[str], environ: dict[str, str]) -> Iterator[dict[str, Any]]:
    """JupyterHub started from ``deploy/jupyterhub_config.py`` (changed only as
    :data:`HUB_TEST_CONFIG` says) with ``users``, its state and the users' homes under ``root``;
    ``environ`` is added to the hub's environment (``IMK_HOME``, ``IMK_DATABASE_URL``). Yields
    ``{url, password, homes}``; the hub stops its users' servers when it stops."""
    homes, state = root / "homes", root / "hub"
    homes.mkdir()
    state.mkdir()
    password = secrets.token_urlsafe(12)
    config = state / "test_config.py"
    config.write_text(
        HUB_TEST_CONFIG.format(
            deploy=str(HUB_CONFIG),
            password=password,
            users=set(users),
            homes=str(homes),
            hub_port=free_port(),
            api_port=free_port(),
        ),
        encoding="utf-8",
    )
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("IMK_USER", "JUPYTERHUB_USER")}
    env.update(environ, IMK_HUB_IP="127.0.0.1", IMK_HUB_PORT=str(port), IMK_LANG="ru")
    hub = Path(sys.executable).parent / "jupyterhub"
    log = (root / "hub.log").open("wb")
    server = subprocess.Popen(
        [str(hub), "-f", str(config), "--JupyterHub.cleanup_servers=True"],
        cwd=state,
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/hub/api", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((root / "hub.log").read_text(errors="replace")) from None
                time.sleep(0.2)  # polling the hub's own API, not waiting blindly
        yield {"url": url, "password": password, "homes": homes, "log": root / "hub.log"}
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the hub stops the users' servers first
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()


def hub_login(browser: sync_api.Browser, hub: dict[str, Any], user: str) -> sync_api.Page:
    """A page of a new browser context (cookies of its own) logged in to the hub as ``user``,
    once the user's Lab is up."""
    context = browser.new_context(viewport={"width": 1400, "height": 1400}, locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{hub['url']}/hub/login")
    page.locator("#username_input").fill(user)
    page.locator("#password_input").fill(hub["password"])
    page.locator("#login_submit").click()
    page.wait_for_url(f"**/user/{user}/lab/**", timeout=2 * TIMEOUT_MS)
    page.wait_for_function("() => !!window.jupyterapp", timeout=TIMEOUT_MS)
    page.evaluate("async () => { await window.jupyterapp.restored; }")  # every plugin started
    page.wait_for_function(OPENED, timeout=TIMEOUT_MS)  # the hub's default notebook is shown
    return page
