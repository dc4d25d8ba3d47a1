"""What a team's JupyterHub gives each methodist's server (catalogue/lab/hub.py): their own
copies of the notebooks, refreshed on every start; their own exports folder, which Lab's links
reach; files the team's group can share. The whole hub in a browser: tests/browser/test_hub.py.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from urllib.parse import quote

import pytest
from jupyter_server.services.contents.filemanager import FileContentsManager

from catalogue.curation.identity import remember_name
from catalogue.lab import CLEAN_ENV, ENV_ROOT, NOTEBOOKS, strip_outputs
from catalogue.lab.exports import LINK_NAME, lab_path, lab_url
from catalogue.lab.hub import NOTEBOOKS_NAME, SHARED_UMASK, command, environment, prepare
from catalogue.workspace import ENV_EXPORTS, Workspace

PROJECT = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))


def test_each_user_gets_the_projects_notebooks_and_an_exports_folder(tmp_path):
    home = tmp_path / "ivanova"
    notebooks = prepare(home)
    assert notebooks == home / NOTEBOOKS_NAME
    assert sorted(p.name for p in notebooks.glob("*.ipynb")) == PROJECT
    assert (home / LINK_NAME).is_dir()
    assert not list(notebooks.glob(".*.tmp"))


def test_a_start_refreshes_the_projects_notebooks_and_keeps_the_users_own(tmp_path):
    notebooks = prepare(tmp_path)
    (notebooks / PROJECT[0]).write_text("{}", encoding="utf-8")  # an older or edited copy
    (notebooks / "мои заметки.ipynb").write_text("{}", encoding="utf-8")
    prepare(tmp_path)
    assert (notebooks / PROJECT[0]).read_bytes() == (NOTEBOOKS / PROJECT[0]).read_bytes()
    assert (notebooks / "мои заметки.ipynb").read_text(encoding="utf-8") == "{}"


def test_the_servers_environment_and_command(tmp_path, monkeypatch):
    monkeypatch.setenv("IMK_HOME", "/srv/imk")
    notebooks = prepare(tmp_path)
    env = environment(tmp_path, notebooks)
    assert env[ENV_EXPORTS] == str(tmp_path / LINK_NAME)
    assert (env[ENV_ROOT], env[CLEAN_ENV]) == (str(tmp_path), str(notebooks))
    assert env["IMK_HOME"] == "/srv/imk"  # the hub's, passed on
    line = command(tmp_path, ["--port=1234"])
    assert Path(line[0]).name == "jupyterhub-singleuser"
    assert line[1] == "--port=1234"
    assert f"--ServerApp.root_dir={tmp_path}" in line
    assert any(a.startswith("--LabApp.app_settings_dir=") and a.endswith("ru") for a in line)


@pytest.mark.parametrize("own", [True, False])
def test_exports_go_to_the_users_folder_and_lab_links_reach_them(tmp_path, monkeypatch, own):
    home = tmp_path / "home"
    prepare(home)
    if own:
        monkeypatch.setenv(ENV_EXPORTS, str(home / LINK_NAME))
    with Workspace.create(tmp_path / "ws") as ws:
        expected = home / LINK_NAME if own else tmp_path / "ws" / "exports"
        assert ws.exports_dir == expected
        file = ws.exports_dir / "Памятка-5-класс.html"
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/ivanova/")
    if own:
        assert lab_path(file, home) == f"{LINK_NAME}/{file.name}"
        assert lab_url(file, home) == f"/user/ivanova/files/{quote(LINK_NAME)}/{quote(file.name)}"
    else:
        assert lab_path(file, home) is None


def test_the_users_notebook_copies_are_saved_without_outputs(tmp_path, monkeypatch):
    notebooks = prepare(tmp_path)
    monkeypatch.setenv(CLEAN_ENV, str(notebooks))
    content = json.loads((notebooks / PROJECT[0]).read_text(encoding="utf-8"))
    code = next(c for c in content["cells"] if c["cell_type"] == "code")
    code["outputs"], code["execution_count"] = [{"output_type": "stream", "text": "x"}], 3

    model = {"type": "notebook", "content": content}
    contents = FileContentsManager(root_dir=str(tmp_path))  # Lab's, rooted at the home
    strip_outputs(model, f"{NOTEBOOKS_NAME}/{PROJECT[0]}", contents)
    assert (code["outputs"], code["execution_count"]) == ([], None)


def _remember_a_name(home: Path) -> list[Path]:
    remember_name(home, "Иванова Ирина Ивановна")
    return [home / "people.json", home / "people.lock"]


def _save_an_attachment(home: Path) -> list[Path]:
    with Workspace.create(home) as ws:
        sha, _ = ws.files.stage_bytes("план урока".encode())
        ws.files.publish([sha])  # as a save of a record naming it does
        return [ws.files.path(sha)]


@pytest.mark.skipif(not hasattr(os, "umask"), reason="POSIX file modes")
@pytest.mark.parametrize("write", [_remember_a_name, _save_an_attachment])
def test_files_the_team_shares_are_writable_by_the_group(tmp_path, write):
    old = os.umask(SHARED_UMASK)
    try:
        written = write(tmp_path)
    finally:
        os.umask(old)
    for path in written:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o060 == 0o060, f"{path.name}: {oct(mode)}"
        assert mode & 0o007 == 0, f"{path.name}: {oct(mode)}"
