"""Exports reachable from JupyterLab: the «Экспорт» folder beside the notebooks links to the
workspace's exports, the Lab address of each file, and no half-written file left in sight."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from catalogue.export import sweep_parts
from catalogue.lab.exports import HUB_PREFIX, LINK_NAME, lab_path, lab_url, link_exports


@pytest.fixture
def lab(tmp_path) -> tuple[Path, Path]:
    """A notebooks folder (Lab's root) and a workspace's exports folder, apart."""
    notebooks = tmp_path / "repo" / "notebooks"
    notebooks.mkdir(parents=True)
    return notebooks, tmp_path / "ws" / "exports"


def test_the_link_is_made_once_and_leads_to_the_exports(lab):
    notebooks, exports = lab
    link = link_exports(exports, notebooks)
    assert link == notebooks / LINK_NAME and link.is_symlink()
    (exports / "a.html").write_text("x", encoding="utf-8")
    assert (link / "a.html").read_text(encoding="utf-8") == "x"
    assert link_exports(exports, notebooks) == link  # again: nothing changes
    assert [p.name for p in notebooks.iterdir()] == [LINK_NAME]


def test_a_link_to_another_workspace_is_replaced(lab, tmp_path):
    notebooks, exports = lab
    link_exports(tmp_path / "old" / "exports", notebooks)
    link = link_exports(exports, notebooks)
    assert link is not None and link.resolve() == exports.resolve()
    assert (tmp_path / "old" / "exports").is_dir()  # the other workspace keeps its files


@pytest.mark.parametrize("kind", ["folder", "file"])
def test_something_else_under_the_name_is_left_alone(lab, kind):
    notebooks, exports = lab
    taken = notebooks / LINK_NAME
    if kind == "folder":
        taken.mkdir()
        (taken / "мой.txt").write_text("моё", encoding="utf-8")
    else:
        taken.write_text("моё", encoding="utf-8")
    assert link_exports(exports, notebooks) is None
    assert not taken.is_symlink()
    assert lab_url(exports / "a.html", notebooks) is None


@pytest.mark.parametrize(
    ("name", "prefix", "url"),
    [
        ("a.html", None, "/files/%D0%AD%D0%BA%D1%81%D0%BF%D0%BE%D1%80%D1%82/a.html"),
        ("a.HTML", None, "/files/%D0%AD%D0%BA%D1%81%D0%BF%D0%BE%D1%80%D1%82/a.HTML"),
        ("a.zip", None, "/files/%D0%AD%D0%BA%D1%81%D0%BF%D0%BE%D1%80%D1%82/a.zip?download=1"),
        (
            "Памятка 5#?.xlsx",
            None,
            "/files/%D0%AD%D0%BA%D1%81%D0%BF%D0%BE%D1%80%D1%82/"
            "%D0%9F%D0%B0%D0%BC%D1%8F%D1%82%D0%BA%D0%B0%205%23%3F.xlsx?download=1",
        ),
        (
            "b.bib",
            "/user/metodist/",
            "/user/metodist/files/%D0%AD%D0%BA%D1%81%D0%BF%D0%BE%D1%80%D1%82/b.bib?download=1",
        ),
        (
            "b.html",
            "/user/metodist",
            "/user/metodist/files/%D0%AD%D0%BA%D1%81%D0%BF%D0%BE%D1%80%D1%82/b.html",
        ),
    ],
)
def test_the_lab_address_opens_html_and_downloads_the_rest(lab, monkeypatch, name, prefix, url):
    notebooks, exports = lab
    if prefix is None:
        monkeypatch.delenv(HUB_PREFIX, raising=False)
    else:
        monkeypatch.setenv(HUB_PREFIX, prefix)
    assert lab_url(exports / name, notebooks) is None  # no link yet
    link_exports(exports, notebooks)
    assert lab_path(exports / name, notebooks) == f"{LINK_NAME}/{name}"
    assert lab_url(exports / name, notebooks) == url


def test_a_file_outside_the_exports_has_no_lab_address(lab, tmp_path):
    notebooks, exports = lab
    link_exports(exports, notebooks)
    assert lab_url(tmp_path / "elsewhere.html", notebooks) is None
    assert lab_url(exports / "sub" / "a.html", notebooks) is None


def dead_pid() -> int:
    """The id of a process that has ended."""
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(done.stdout)


def test_killed_exports_leave_no_part_files(tmp_path):
    dead = tmp_path / f".part-{dead_pid()}-abc.html"
    alive = tmp_path / f".part-{os.getpid()}-def.zip"
    foreign = tmp_path / ".part-notes.txt"  # not an export's temporary file
    done = tmp_path / "drobi-2026-11-27.html"
    for path in (dead, alive, foreign, done):
        path.write_text("x", encoding="utf-8")
    assert sweep_parts(tmp_path) == [dead]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        p.name for p in (alive, foreign, done)
    )
