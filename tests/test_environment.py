"""``environment.yml`` (conda) installs exactly what ``make`` installs into ``.venv``."""

from __future__ import annotations

import re
import shlex
import tomllib

from conftest import REPO


def conda_lists() -> tuple[list[str], list[str]]:
    """The conda packages and the pip arguments of ``environment.yml``'s ``dependencies``
    (``  - item`` for conda, ``      - item`` under ``- pip:``)."""
    text = (REPO / "environment.yml").read_text(encoding="utf-8")
    block = text.split("\ndependencies:\n", 1)[1]
    conda = re.findall(r"^  - (\S.*)$", block, re.M)
    pip_items = re.findall(r"^      - (\S.*)$", block, re.M)
    pip = [arg for item in pip_items for arg in shlex.split(item)]
    return [c for c in conda if c != "pip:"], pip


def make_pip_arguments() -> list[str]:
    """What the Makefile's install rule passes to ``pip install`` (quiet flag left out)."""
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    [command] = re.findall(r"^\t\$\(BIN\)/python -m pip install (.*-e .*)$", makefile, re.M)
    return [a for a in shlex.split(command) if a != "-q"]


def test_pip_installs_what_make_installs():
    _, pip = conda_lists()
    assert pip == make_pip_arguments() == ["-e", ".[dev]"]


def test_conda_provides_only_python_and_pip():
    conda, _ = conda_lists()
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lowest = re.fullmatch(r">=(\d+\.\d+)", project["requires-python"]).group(1)
    assert conda == [f"python={lowest}", "pip"]
