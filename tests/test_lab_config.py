"""What ``imk lab`` starts JupyterLab with: the Russian interface (English on request) and no
news question, from settings the project ships; ``imk`` on the server's PATH; and the project's
notebooks saved without outputs by Jupyter's own contents manager."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_server.services.contents.filemanager import FileContentsManager
from jupyterlab_server.translation_utils import get_language_packs

from catalogue import lab

REPO = Path(__file__).resolve().parent.parent
SCHEMAS = Path(sys.prefix) / "share" / "jupyter" / "lab" / "schemas"
LOCALES = {"ru": "ru_RU", "en": "en"}


@pytest.mark.parametrize("lang", list(LOCALES))
def test_the_shipped_settings_set_the_language_and_switch_news_off(lang):
    settings = lab.overrides(lang)
    assert settings["@jupyterlab/translation-extension:plugin"]["locale"] == LOCALES[lang]
    news = settings["@jupyterlab/apputils-extension:notification"]
    assert news == {"fetchNews": "false", "checkForUpdates": False}


TYPES = {"string": str, "boolean": bool}


@pytest.mark.parametrize("lang", list(LOCALES))
def test_every_shipped_setting_is_one_lab_knows(lang):
    for plugin, values in lab.overrides(lang).items():
        package, _, name = plugin.partition(":")
        schema = json.loads((SCHEMAS / package / f"{name}.json").read_text(encoding="utf-8"))
        for key, value in values.items():
            spec = schema["properties"][key]
            assert isinstance(value, TYPES[spec["type"]])
            if "oneOf" in spec:
                assert value in [choice["const"] for choice in spec["oneOf"]]


def test_the_russian_language_pack_is_installed():
    packs, _message = get_language_packs("en")
    assert "ru_RU" in packs


@pytest.mark.parametrize("lang", list(LOCALES))
def test_the_command_line_carries_the_settings_and_the_hook(lang):
    line = lab.command(lang, ("--port=8899",))
    assert Path(line[0]).name == "jupyter" and line[1] == "lab"
    assert f"--ServerApp.root_dir={REPO / 'notebooks'}" in line
    assert f"--LabApp.app_settings_dir={lab.settings_dir(lang)}" in line
    assert (lab.settings_dir(lang) / "overrides.json").is_file()
    assert "--LabApp.news_url=" in line
    assert "--ContentsManager.pre_save_hook=catalogue.lab.strip_outputs" in line
    assert line.index("--port=8899") > line.index("--LabApp.news_url=")  # the user's last


def test_the_server_finds_imk_and_the_workspace(tmp_path):
    env = lab.environment(tmp_path / "ws")
    first = env["PATH"].split(os.pathsep)[0]
    assert (Path(first) / "imk").exists()
    assert env["IMK_HOME"] == str(tmp_path / "ws")
    assert env[lab.CLEAN_ENV] == str(REPO / "notebooks")


def notebook_with_outputs() -> dict:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("1 + 1", execution_count=3)
    cell.outputs = [
        nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=3)
    ]
    nb.cells.append(cell)
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.7", "file_extension": ".py"}
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    return json.loads(nbformat.writes(nb))


@pytest.mark.parametrize(
    ("folder", "kept"), [("notebooks", False), ("notebooks/sub", True), ("elsewhere", True)]
)
def test_project_notebooks_are_saved_without_outputs(tmp_path, monkeypatch, folder, kept):
    root = tmp_path / "root"
    (root / folder).mkdir(parents=True)
    monkeypatch.setenv(lab.CLEAN_ENV, str(root / "notebooks"))
    manager = FileContentsManager(root_dir=str(root), pre_save_hook=lab.HOOK)
    path = f"{folder}/05_reports.ipynb"
    manager.save({"type": "notebook", "format": "json", "content": notebook_with_outputs()}, path)
    saved = nbformat.read(root / path, as_version=4)
    cell = saved.cells[0]
    assert bool(cell.outputs) is kept and (cell.execution_count is not None) is kept
    assert ("widgets" in saved.metadata) is kept
    assert (saved.metadata.language_info == {"name": "python"}) is not kept
    assert cell.source == "1 + 1"


@pytest.mark.parametrize("path", sorted((REPO / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_the_notebooks_in_the_repository_are_as_lab_would_save_them(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    assert lab.clean(json.loads(json.dumps(data))) == data
