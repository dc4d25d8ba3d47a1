"""How ``imk lab`` starts JupyterLab: the settings the project ships, the environment of the
server, and the rule that keeps the project's notebooks free of outputs.

- ``settings/<lang>/overrides.json`` (the Lab's default settings, used as its
  ``app_settings_dir``): the interface language (``ru_RU`` from the
  ``jupyterlab-language-pack-ru-ru`` package, or English) and no «official Jupyter news»
  question. A user may still change both in Lab's own settings.
- The server, its terminals and kernels find ``imk`` (the program's folder comes first on
  ``PATH``) and the workspace (``IMK_HOME``).
- :func:`strip_outputs`, the contents manager's pre-save hook: a notebook of the project's
  ``notebooks/`` folder is saved without outputs, execution counts and widget state, so
  running it in Lab leaves the files in git unchanged; the methodist sees the outputs while
  the notebook is open, and a reopened notebook is run again (its first cell says so).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

SETTINGS = Path(__file__).resolve().parent / "settings"
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
HOOK = f"{__name__}.strip_outputs"
CLEAN_ENV = "IMK_CLEAN_NOTEBOOKS"
ENV_ROOT = "IMK_LAB_ROOT"  # the folder Lab serves, for its kernels (export links)
# Jupyter's default /files/ handler refuses files whose real path is outside Lab's root (the
# «Экспорт» link of catalogue/lab/exports.py leads out of it); this one reads them through the
# contents manager, which follows the link, and sandboxes served pages («sandbox allow-scripts»).
SERVER_OPTIONS = (
    "--FileContentsManager.files_handler_class=jupyter_server.files.handlers.FilesHandler",
)


def settings_dir(lang: str) -> Path:
    """The folder of Lab settings shipped for the interface language ``lang``."""
    return SETTINGS / lang


def overrides(lang: str) -> dict[str, Any]:
    """The default settings Lab starts with for ``lang`` (its ``overrides.json``)."""
    data: dict[str, Any] = json.loads(
        (settings_dir(lang) / "overrides.json").read_text(encoding="utf-8")
    )
    return data


def program_dir() -> Path:
    """The folder holding this Python and the ``imk`` program installed beside it."""
    return Path(sys.executable).parent


def environment(home: Path, notebooks: Path = NOTEBOOKS) -> dict[str, str]:
    """The server's environment: ``IMK_HOME``, ``imk`` first on ``PATH`` (for terminals and
    kernels too) and the folder whose notebooks are saved without outputs."""
    env = dict(os.environ)
    path = [p for p in env.get("PATH", "").split(os.pathsep) if p]
    env["PATH"] = os.pathsep.join([str(program_dir()), *path])
    env["IMK_HOME"] = str(home)
    env[CLEAN_ENV] = str(notebooks)
    env[ENV_ROOT] = str(notebooks)
    return env


def server_args(lang: str, notebooks: Path = NOTEBOOKS) -> list[str]:
    """The Lab server's options: the notebooks folder as its root, the settings shipped for
    ``lang``, no news, and the pre-save hook."""
    return [
        f"--ServerApp.root_dir={notebooks}",
        f"--LabApp.app_settings_dir={settings_dir(lang)}",
        "--LabApp.news_url=",
        f"--ContentsManager.pre_save_hook={HOOK}",
        *SERVER_OPTIONS,
    ]


def command(lang: str, extra: tuple[str, ...] = ()) -> list[str]:
    """The ``jupyter lab`` command line; ``extra`` arguments come last (they win)."""
    jupyter = shutil.which("jupyter", path=str(program_dir())) or "jupyter"
    line = [jupyter, "lab", *server_args(lang), *extra]
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in line:
        line.append("--allow-root")  # containers and CI machines run as root
    return line


def clean(notebook: dict[str, Any]) -> dict[str, Any]:
    """The notebook (JSON model) as the project keeps it: no outputs, execution counts or
    saved widget state, and of the kernel's language only its name (a kernel fills in its
    Python version, which differs from machine to machine)."""
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    metadata = notebook.setdefault("metadata", {})
    metadata.pop("widgets", None)
    if isinstance(metadata.get("language_info"), dict):
        metadata["language_info"] = {"name": metadata["language_info"].get("name", "python")}
    return notebook


def strip_outputs(model: dict[str, Any], path: str, contents_manager: Any, **_: Any) -> None:
    """Jupyter's pre-save hook: a notebook of the project's folder (``IMK_CLEAN_NOTEBOOKS``,
    set by :func:`environment`) is written without its outputs."""
    folder = os.environ.get(CLEAN_ENV)
    if not folder or model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    file = Path(contents_manager.root_dir) / path.lstrip("/")
    if file.resolve().parent == Path(folder).resolve():
        clean(model["content"])
