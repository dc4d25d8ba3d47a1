"""Shared fixtures: real workspaces (SQLite file + Whoosh index) in temporary folders.

``demo_workspace`` is built once per test session from the seeded demo generator at a small
scale; tests must not change it (use ``workspace`` for a fresh, writable one).
"""

from __future__ import annotations

import os
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

# Third-party ``imk`` plugins installed on the machine stay out of the tests (and of the
# ``imk`` programs and kernels the tests start, which inherit the environment).
os.environ["IMK_NO_PLUGINS"] = "1"


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
