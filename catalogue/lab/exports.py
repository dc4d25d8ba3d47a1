"""Exports as JupyterLab shows them: a folder «Экспорт» in Lab's root (the notebooks folder)
links to the workspace's ``exports/``, so exported files open from Lab.

``imk lab`` makes the link (:func:`link_exports`); the collection builder asks :func:`lab_url`
for the address of the file it has just written and shows it under the export button.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

from catalogue.lab import ENV_ROOT, NOTEBOOKS

LINK_NAME = "Экспорт"
HUB_PREFIX = "JUPYTERHUB_SERVICE_PREFIX"  # the single-user server's base URL under JupyterHub
OPENS_IN_BROWSER = {".html"}


def lab_root() -> Path:
    """The folder JupyterLab serves: ``IMK_LAB_ROOT`` when ``imk lab`` started it, else the
    project's notebooks folder."""
    return Path(os.environ.get(ENV_ROOT) or NOTEBOOKS)


def link_exports(exports: Path, notebooks: Path = NOTEBOOKS) -> Path | None:
    """Point ``<notebooks>/Экспорт`` at ``exports`` (a link left by another workspace is
    replaced); None when something else already has that name or links cannot be made."""
    exports.mkdir(parents=True, exist_ok=True)
    link = notebooks / LINK_NAME
    if link.is_symlink():
        if link.resolve() == exports.resolve():
            return link
        link.unlink()
    elif link.exists():
        return None
    try:
        link.symlink_to(exports.resolve(), target_is_directory=True)
    except OSError:
        return None
    return link


def lab_path(file: Path, notebooks: Path = NOTEBOOKS) -> str | None:
    """``Экспорт/<name>``: the file's path from Lab's root through the link (or the folder
    itself, each user's on a JupyterHub), or None when ``notebooks`` has no «Экспорт» that
    leads to the file's folder."""
    link = notebooks / LINK_NAME
    if link.exists() and link.resolve() == file.parent.resolve():
        return f"{LINK_NAME}/{file.name}"
    return None


def lab_url(file: Path, notebooks: Path = NOTEBOOKS) -> str | None:
    """The server address that opens ``file`` in a browser tab (HTML) or downloads it (the other
    formats), relative to the Lab server's root; None when Lab cannot reach the file."""
    path = lab_path(file, notebooks)
    if path is None:
        return None
    base = os.environ.get(HUB_PREFIX, "/").rstrip("/")
    url = f"{base}/files/{quote(path)}"
    return url if file.suffix.lower() in OPENS_IN_BROWSER else url + "?download=1"
