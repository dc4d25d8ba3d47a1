"""The methodists' notebooks run headless in a real kernel (this virtualenv's Python)."""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

import nbformat
import pytest
from conftest import KERNEL
from jupyter_client.manager import start_new_kernel
from nbclient.exceptions import CellExecutionError

from catalogue.i18n import t
from catalogue.workspace import Workspace

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
SEARCH = NOTEBOOKS / "01_search.ipynb"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def outputs(nb) -> list[dict]:
    return [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]


def assert_shows_the_panel(nb, records: int) -> None:
    shown = outputs(nb)
    assert not [o for o in shown if o.output_type == "error"]
    views = [o for o in shown if WIDGET_VIEW in o.get("data", {})]
    assert len(views) == 1
    state = nb.metadata["widgets"][WIDGET_STATE]["state"]
    assert views[0]["data"][WIDGET_VIEW]["model_id"] in state
    values = json.dumps(state, ensure_ascii=False)
    assert t("search.found", total=records) in values
    assert t("search.placeholder") in values
    assert ("imk-result-card" in values) == bool(records)


def test_notebook_is_clean():
    nb = nbformat.read(SEARCH, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    assert nb.cells[0].source.startswith("# Поиск по каталогу ИМК")
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code) == 1 and "SearchPanel.for_workspace()" in code[0].source
    assert all(not c.outputs and c.execution_count is None for c in code)


def test_search_notebook_runs_on_imk_home(run_notebook, jupyter_env, demo_home, demo_index):
    jupyter_env.setenv("IMK_HOME", str(demo_home))
    nb = run_notebook(SEARCH, NOTEBOOKS)
    assert_shows_the_panel(nb, demo_index.doc_count())


def test_search_notebook_finds_the_workspace_beside_the_notebooks(
    run_notebook, jupyter_env, demo_home, demo_index, tmp_path
):
    jupyter_env.delenv("IMK_HOME", raising=False)
    repo = tmp_path / "repo"
    shutil.copytree(demo_home, repo / "workspace")
    (repo / "notebooks").mkdir()
    copy = repo / "notebooks" / SEARCH.name
    shutil.copy(SEARCH, copy)
    nb = run_notebook(copy, copy.parent)
    assert_shows_the_panel(nb, demo_index.doc_count())


def test_search_notebook_without_a_catalogue_says_what_to_do(run_notebook, jupyter_env, tmp_path):
    jupyter_env.delenv("IMK_HOME", raising=False)
    (tmp_path / "repo" / "notebooks").mkdir(parents=True)
    copy = tmp_path / "repo" / "notebooks" / SEARCH.name
    shutil.copy(SEARCH, copy)
    with pytest.raises(CellExecutionError) as err:
        run_notebook(copy, copy.parent)
    assert "Каталог не найден" in str(err.value) and "make lab" in str(err.value)


def test_search_notebook_on_an_empty_catalogue(run_notebook, jupyter_env, tmp_path):
    Workspace.create(tmp_path / "empty").close()
    jupyter_env.setenv("IMK_HOME", str(tmp_path / "empty"))
    nb = run_notebook(SEARCH, NOTEBOOKS)
    assert_shows_the_panel(nb, 0)
    assert "imk demo" in json.dumps(nb.metadata["widgets"], ensure_ascii=False)


class Kernel:
    """A live kernel driven the way JupyterLab drives it: code and widget comm messages."""

    def __init__(self, cwd: Path):
        self.manager, self.client = start_new_kernel(
            kernel_name=KERNEL, cwd=str(cwd), startup_timeout=60
        )

    def run(self, code: str) -> str:
        texts: list[str] = []

        def hook(msg):
            if msg["msg_type"] == "stream":
                texts.append(msg["content"]["text"])
            elif msg["msg_type"] == "error":
                texts.append("\n".join(msg["content"]["traceback"]))

        reply = self.client.execute_interactive(code, output_hook=hook, timeout=60)
        assert reply["content"]["status"] == "ok", "".join(texts)
        return "".join(texts)

    def type_into(self, model_id: str, value: str) -> None:
        """What the browser sends when a Text widget's value changes."""
        data = {"method": "update", "state": {"value": value}, "buffer_paths": []}
        msg = self.client.session.msg("comm_msg", {"comm_id": model_id, "data": data})
        self.client.shell_channel.send(msg)

    def close(self) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


def test_typing_in_the_kernel_is_debounced_on_its_event_loop(jupyter_env, demo_home):
    jupyter_env.setenv("IMK_HOME", str(demo_home))
    kernel = Kernel(NOTEBOOKS)
    try:
        assert kernel.run("import sys; print(sys.executable, end='')") == sys.executable
        cell = next(c for c in nbformat.read(SEARCH, as_version=4).cells if c.cell_type == "code")
        kernel.run(cell.source)
        box = kernel.run("print(panel.query_box.model_id, end='')")
        before = int(kernel.run("print(panel.model.searches, end='')"))
        for text in ("д", "др", "дро", "дроби"):
            kernel.type_into(box, text)
        deadline = time.monotonic() + 20
        state = ""
        while time.monotonic() < deadline:
            state = kernel.run("print(panel.model.query, panel.model.searches, end='')")
            if state.startswith("дроби "):
                break
            time.sleep(0.1)
        assert state == f"дроби {before + 1}"  # four keystrokes, one search
        cards = kernel.run("print(sum('<mark' in c.value for c in panel.results.children))")
        assert int(cards) > 0
    finally:
        kernel.close()
