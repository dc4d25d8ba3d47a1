"""Shared fixtures: real workspaces (SQLite file + Whoosh index) in temporary folders.

``demo_workspace`` is built once per test session from the seeded demo generator at a small
scale; tests must not change it (use ``workspace`` for a fresh, writable one).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from catalogue import demo, i18n
from catalogue.workspace import Workspace
from index.engine import CatalogueIndex

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
REAL_CORPUS = SHARED / "corpus" / "real"
DEMO_SEED = 7
DEMO_SCALE = 0.1


@pytest.fixture(autouse=True)
def _russian(monkeypatch):
    """Every test starts in Russian (the default users get) with no ambient workspace."""
    monkeypatch.delenv("IMK_LANG", raising=False)
    monkeypatch.delenv("IMK_HOME", raising=False)
    i18n.set_language(None)
    yield
    i18n.set_language(None)


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory) -> Path:
    """A folder holding a small demo catalogue with its index (read-only for tests)."""
    home = tmp_path_factory.mktemp("demo") / "workspace"
    with Workspace.create(home) as ws:
        demo.build(ws, seed=DEMO_SEED, scale=DEMO_SCALE)
        CatalogueIndex.build(ws)
    return home


@pytest.fixture(scope="session")
def demo_index(demo_home) -> CatalogueIndex:
    """The demo catalogue's index, opened once per session."""
    return CatalogueIndex.open(Workspace.open(demo_home))


@pytest.fixture
def workspace(tmp_path) -> Workspace:
    """A fresh, empty, writable workspace."""
    with Workspace.create(tmp_path / "ws") as ws:
        yield ws


def pytest_collection_modifyitems(config, items):
    """Skip tests of the real corpus when ``../shared/corpus/real`` is not there."""
    if REAL_CORPUS.is_dir():
        return
    skip = pytest.mark.skip(reason=f"{REAL_CORPUS} is absent (a user's clone has no ../shared)")
    for item in items:
        if "real_corpus" in item.keywords:
            item.add_marker(skip)


os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")


TEXTBOOK_SEED = 11
TEXTBOOK_SCHOOLS = 8  # generated school lists; the last one is left unsent


@pytest.fixture(scope="session")
def textbook_home(tmp_path_factory, demo_home) -> Path:
    """The demo catalogue plus a generated federal list (imported as an older, then a newer
    version) and generated schools' lists, all but the last imported (read-only for tests).

    ``<home>/../lists`` holds the lists and their ``truth.json``; ``<home>/../fpu`` the lists.
    """
    from catalogue.ingest.pipeline import import_paths
    from catalogue.textbooks import generator
    from catalogue.textbooks.importing import federal_books, import_school_list, matcher_for

    root = tmp_path_factory.mktemp("textbooks")
    home = root / "workspace"
    shutil.copytree(demo_home, home)
    older, newer = generator.federal_rows(TEXTBOOK_SEED)
    (root / "fpu").mkdir()
    old_path = generator.write_federal_list(older, root / "fpu" / "fpu-old.xlsx")
    new_path = generator.write_federal_list(newer, root / "fpu" / "fpu-new.xlsx")
    with Workspace.open(home) as ws:
        import_paths(ws, [old_path])
        import_paths(ws, [new_path])
        books = federal_books(ws.store)
        made = generator.school_lists(
            list(books.values()), root / "lists", TEXTBOOK_SEED, TEXTBOOK_SCHOOLS
        )
        matcher = matcher_for(books.values())
        for school in made[:-1]:
            import_school_list(ws, root / "lists" / school.file, school.school, "Тестова Т.Т.",
                               matcher=matcher)  # fmt: skip
    return home
