"""Each methodist's JupyterLab on a team's JupyterHub (``deploy/jupyterhub_config.py``).

The hub starts every user's server as ``python -m catalogue.lab.hub`` (run as that user, in
that user's home folder), which lays out the home and then becomes ``jupyterhub-singleuser``
with the options ``imk lab`` gives Lab (:func:`catalogue.lab.server_args`):

- ``~/Тетради/``: the project's notebooks, copied afresh on every start. Each user has a copy of
  their own: Lab saves an open notebook (without outputs, :func:`catalogue.lab.strip_outputs`)
  and two users never write one file; the project's folder stays read-only, and a new version
  of the program reaches everyone at their next start. Other files in the home are the user's.
- ``~/Экспорт/``: this user's exports (``IMK_EXPORTS``), reachable from Lab's file browser and
  from the link under the export button.
- The shared workspace (``IMK_HOME``: attachment files, index, the names of who works) and the
  catalogue's database (``IMK_DATABASE_URL``) come from the hub; the hub sets
  ``JUPYTERHUB_USER``, the login :mod:`catalogue.curation.identity` remembers a name for.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from catalogue import i18n
from catalogue.lab import CLEAN_ENV, ENV_ROOT, NOTEBOOKS, program_dir, server_args
from catalogue.lab.exports import LINK_NAME
from catalogue.workspace import ENV_EXPORTS

NOTEBOOKS_NAME = "Тетради"
SHARED_UMASK = 0o007


def prepare(home: Path, source: Path = NOTEBOOKS) -> Path:
    """Copy the project's notebooks into ``home/Тетради`` (replacing older copies) and make
    ``home/Экспорт``; return the notebooks' folder."""
    notebooks = home / NOTEBOOKS_NAME
    notebooks.mkdir(parents=True, exist_ok=True)
    for notebook in sorted(source.glob("*.ipynb")):
        partial = notebooks / f".{notebook.name}.tmp"
        shutil.copyfile(notebook, partial)
        partial.replace(notebooks / notebook.name)
    (home / LINK_NAME).mkdir(exist_ok=True)
    return notebooks


def environment(home: Path, notebooks: Path) -> dict[str, str]:
    """The server's environment: the hub's, plus ``imk`` first on ``PATH``, the user's exports
    folder, Lab's root (for export links) and the folder saved without outputs."""
    env = dict(os.environ)
    path = [p for p in env.get("PATH", "").split(os.pathsep) if p]
    env["PATH"] = os.pathsep.join([str(program_dir()), *path])
    env[ENV_EXPORTS] = str(home / LINK_NAME)
    env[ENV_ROOT] = str(home)
    env[CLEAN_ENV] = str(notebooks)
    return env


def command(home: Path, extra: list[str]) -> list[str]:
    """The ``jupyterhub-singleuser`` command: Lab on ``home`` with the shipped settings for the
    interface language (``IMK_LANG``), after the hub's own arguments ``extra``."""
    singleuser = shutil.which("jupyterhub-singleuser", path=str(program_dir()))
    line = [singleuser or "jupyterhub-singleuser", *extra, *server_args(i18n.language(), home)]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        line.append("--allow-root")  # a test hub run by root, with every server as its user
    return line


def main() -> None:
    """Lay out the user's home and start their Lab (never returns). Files it writes are
    readable and writable by the group (the team shares the workspace), not by others."""
    os.umask(SHARED_UMASK)
    home = Path.home()
    notebooks = prepare(home)
    line = command(home, sys.argv[1:])
    os.chdir(home)
    os.execvpe(line[0], line, environment(home, notebooks))


if __name__ == "__main__":
    main()
