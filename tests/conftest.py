"""Shared fixtures: real workspaces (SQLite file + Whoosh index) in temporary folders, and the
one Jupyter kernel the notebook tests run.

``demo_home`` is built once per test run from the seeded demo generator at a small scale (under
pytest-xdist the first worker builds it, the others copy it); tests must not change it (use
``workspace`` for a fresh, writable one). ``run_notebook`` executes
a notebook in a real kernel of this very interpreter (tests using it are marked ``kernel``).
"""

from __future__ import annotations

import fcntl
import gc
import itertools
import json
import os
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from _pytest.mark.expression import Expression

from catalogue import i18n
from tests.needs import need

# The heavy modules (SQLAlchemy, Whoosh, nbformat) are imported by the fixtures that use them:
# the xdist controller loads this file too, and it runs no test.
if TYPE_CHECKING:
    import nbformat

    from catalogue.workspace import Workspace
    from index.engine import CatalogueIndex

# What a test's workspace holds (the ``filled_with`` marker): saved by ``fill(workspace)``.
Fill = Callable[["Workspace"], None]

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
REAL_CORPUS = SHARED / "corpus" / "real"
DEMO_SEED = 7
DEMO_SCALE = 0.1
KERNEL = "imk-test-python"
PG_TESTS = "imk_tests"
# Tests using these fixtures get the marker: a kernel starts, 1,500 records are generated (or a
# federal list and twenty schools' lists), or another imk process runs meanwhile.
FIXTURE_MARKS = {
    "jupyter_env": pytest.mark.kernel,
    "full_demo": pytest.mark.slow,
    "textbook_home": pytest.mark.slow,
    "during_import": pytest.mark.subprocess,
}

# nbformat validates with jsonschema, whose import compiles some forty Lark grammars of
# rfc3987-syntax (about 3 CPU-seconds in every test process) to check the "iri" string format
# and imports isoduration, and with it arrow (0.4 s), for "duration"; no notebook schema uses
# either format, and the test processes go without those two format checkers.
sys.modules.setdefault("rfc3987_syntax", None)
sys.modules.setdefault("isoduration", None)

# Third-party ``imk`` plugins installed on the machine stay out of the tests (and of the
# ``imk`` programs and kernels the tests start, which inherit the environment).
os.environ["IMK_NO_PLUGINS"] = "1"
# A catalogue database named by the environment stays out too: tests choose theirs (backend).
os.environ.pop("IMK_DATABASE_URL", None)


@pytest.fixture(autouse=True)
def _russian(monkeypatch):
    """Every test starts in Russian (the default users get) with no ambient workspace."""
    monkeypatch.delenv("IMK_LANG", raising=False)
    monkeypatch.delenv("IMK_HOME", raising=False)
    i18n.set_language(None)
    yield
    i18n.set_language(None)


def build_demo(home: Path) -> None:
    """The small demo catalogue and its index, generated into ``home``."""
    from catalogue import demo
    from catalogue.workspace import Workspace
    from index.engine import CatalogueIndex

    with Workspace.create(home) as ws:
        demo.build(ws, seed=DEMO_SEED, scale=DEMO_SCALE)
        CatalogueIndex.build(ws)


def demo_built_once(run_root: Path) -> Path:
    """The demo catalogue of this test run in ``run_root`` (the folder the xdist workers' temporary
    folders share): the first worker to ask generates it under a file lock, the others wait for it.
    """
    built = run_root / "demo-built" / "workspace"
    with open(run_root / "demo-built.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not built.is_dir():
            staging = run_root / "demo-staging" / "workspace"
            shutil.rmtree(staging.parent, ignore_errors=True)
            build_demo(staging)
            staging.parent.rename(built.parent)  # whole, or not at all
    return built


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory) -> Path:
    """A folder holding a small demo catalogue with its index (read-only for tests)."""
    home = tmp_path_factory.mktemp("demo") / "workspace"
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shutil.copytree(demo_built_once(tmp_path_factory.getbasetemp().parent), home)
    else:
        build_demo(home)
    return home


@pytest.fixture(scope="session")
def demo_index(demo_home) -> CatalogueIndex:
    """The demo catalogue's index, opened once per session."""
    from catalogue.workspace import Workspace
    from index.engine import CatalogueIndex

    return CatalogueIndex.open(Workspace.open(demo_home))


@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL server for the session (``initdb``/``pg_ctl`` in a temporary folder) with
    a database ``PG_TESTS`` in which each test gets a schema of its own."""
    from bench import pgserver

    need(pgserver.available(), "PostgreSQL (initdb, pg_ctl)")
    server = pgserver.Server()
    server.database(name=PG_TESTS)
    yield server
    server.stop()


@pytest.fixture
def backend(request, monkeypatch) -> str:
    """The database the test's workspaces use: ``sqlite``, or ``postgresql`` (a fresh schema on
    the session's server, named by ``IMK_DATABASE_URL`` so every workspace opened in the test
    uses it). Modules marked ``both_backends`` run each test that uses it on both."""
    name = getattr(request, "param", "sqlite")
    if name == "postgresql":
        server = request.getfixturevalue("postgres")
        url = server.schema(PG_TESTS)
        monkeypatch.setenv("IMK_DATABASE_URL", url)
        request.addfinalizer(lambda: server.drop_schema(url))
    return name


@pytest.fixture(scope="module")
def module_backend(request) -> str | None:
    """:func:`backend` for a module's shared workspace: ``None`` (SQLite), or the URL of a fresh
    schema on the session's server; give it to :func:`make_workspace`."""
    if getattr(request, "param", "sqlite") != "postgresql":
        return None
    server = request.getfixturevalue("postgres")
    url = server.schema(PG_TESTS)
    request.addfinalizer(lambda: server.drop_schema(url))
    return url


def make_workspace(path: Path, url: str | None) -> Workspace:
    """A new workspace at ``path``; its catalogue at ``url`` (its ``settings.toml`` says so)
    when given, else its SQLite file."""
    from catalogue.workspace import Workspace

    if url:
        path.mkdir(parents=True, exist_ok=True)
        (path / "settings.toml").write_text(f'[database]\nurl = "{url}"\n', encoding="utf-8")
    return Workspace.create(path)


def pytest_generate_tests(metafunc):
    """Tests of a module marked ``both_backends`` that reach the ``backend`` or
    ``module_backend`` fixture run on SQLite and on PostgreSQL."""
    if not metafunc.definition.get_closest_marker("both_backends"):
        return
    backends = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]
    for name, scope in (("backend", "function"), ("module_backend", "module")):
        if name in metafunc.fixturenames:
            metafunc.parametrize(name, backends, indirect=True, scope=scope)


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory) -> Callable[[Fill | None], Path]:
    """``template(fill)``: a SQLite workspace holding what ``fill(ws)`` saves, indexed (``None``:
    just created, its empty index built), made once per session for :func:`workspace` to copy:
    migrating a new database, creating an index and indexing a test's records cost more than
    most tests that use them."""
    from catalogue.workspace import Workspace
    from index.engine import CatalogueIndex

    made: dict[Fill | None, Path] = {}

    def template(fill: Fill | None) -> Path:
        if fill not in made:
            path = tmp_path_factory.mktemp("template") / "ws"
            if fill is not None:
                shutil.copytree(template(None), path)
            with Workspace.create(path) as ws:
                if fill is None:
                    CatalogueIndex.build(ws)
                else:
                    fill(ws)
                    CatalogueIndex.open(ws).close()  # indexes what ``fill`` saved
            made[fill] = path
        return made[fill]

    return template


@pytest.fixture
def workspace(tmp_path, backend, request) -> Workspace:
    """A fresh, writable workspace (on the test's :func:`backend`). Empty, or holding what the
    ``filled_with(fill)`` marker's ``fill(ws)`` saves, indexed; on SQLite a copy of a template
    made once per session (its index already built, as after the first search)."""
    from catalogue.workspace import Workspace

    marker = request.node.get_closest_marker("filled_with")
    fill = marker.args[0] if marker else None
    path = tmp_path / "ws"
    if backend == "sqlite":
        shutil.copytree(request.getfixturevalue("sqlite_templates")(fill), path)
    with Workspace.create(path) as ws:
        if backend != "sqlite" and fill is not None:
            fill(ws)
        yield ws


@pytest.fixture(scope="session")
def kernels_dir(tmp_path_factory) -> Path:
    """A Jupyter data folder whose only kernel (``KERNEL``) runs this very interpreter."""
    root = tmp_path_factory.mktemp("jupyter")
    spec = root / "kernels" / KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "IMK tests", "language": "python"})
    )
    return root


@pytest.fixture
def jupyter_env(kernels_dir, tmp_path, monkeypatch):
    """Kernels started by the test see this environment (restored afterwards)."""
    monkeypatch.setenv("JUPYTER_PATH", str(kernels_dir))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))  # no default workspace
    return monkeypatch


@pytest.fixture
def run_notebook(jupyter_env) -> Callable[[Path, Path], nbformat.NotebookNode]:
    """``run_notebook(path, cwd)``: the notebook executed in ``KERNEL`` with ``cwd`` as its
    folder, outputs and widget state filled in (a failing cell raises ``CellExecutionError``)."""
    import nbformat
    from nbclient import NotebookClient

    def run(path: Path, cwd: Path) -> nbformat.NotebookNode:
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(
            nb,
            kernel_name=KERNEL,
            timeout=120,
            startup_timeout=60,
            resources={"metadata": {"path": str(cwd)}},
        )
        client.execute()
        return nb

    return run


def pytest_collection_finish(session: pytest.Session) -> None:
    """What collection made (modules, thousands of test items) lives until the end: the garbage
    collector stops walking it, and walks the young objects less often (widgets and traitlets
    make many short-lived cycles). About a tenth less CPU for the widget and command tests."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """After the last test pytest collects garbage twice (to report exceptions raised by
    finalizers); each walked everything the tests left (about half a CPU-second per process).
    One collection here still runs those finalizers; then what is left is frozen too."""
    gc.collect()
    gc.freeze()


def pytest_collection_modifyitems(config, items):
    """Mark the tests using a costly fixture (:data:`FIXTURE_MARKS`); skip tests of the real
    corpus when ``../shared/corpus/real`` is not there."""
    absent = pytest.mark.skip(reason=f"{REAL_CORPUS} is absent (a user's clone has no ../shared)")
    for item in items:
        for fixture, mark in FIXTURE_MARKS.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(mark)
        if "real_corpus" in item.keywords and not REAL_CORPUS.is_dir():
            item.add_marker(absent)


os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")


def module_marks(path: Path) -> set[str]:
    """The marks a one-line ``pytestmark = pytest.mark.x`` (or a list of them) gives every test
    of the module at ``path``."""
    found = re.search(r"^pytestmark = (.*)$", path.read_text(encoding="utf-8"), re.MULTILINE)
    return set(re.findall(r"pytest\.mark\.(\w+)", found.group(1))) if found else set()


def never_selected(markexpr: str, marks: set[str]) -> bool:
    """Whether ``-m markexpr`` deselects a test carrying ``marks``, whatever other marks it has."""
    if not re.fullmatch(r"[\w\s()]+", markexpr):
        return False  # marks with arguments: leave the decision to pytest
    expression = Expression.compile(markexpr)
    others = sorted(set(re.findall(r"\w+", markexpr)) - {"and", "or", "not"} - marks)
    return not any(
        expression.evaluate(carrying(marks.union(extra)))
        for size in range(len(others) + 1)
        for extra in itertools.combinations(others, size)
    )


def carrying(marks: set[str]) -> Callable[..., bool]:
    """A mark matcher for :class:`Expression`: a test carrying exactly ``marks``."""
    return lambda name, **_: name in marks


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """A test module that ``-m`` would deselect whole by its module mark is not even imported:
    its imports (matplotlib, the PostgreSQL driver, a browser) would slow every xdist worker of
    ``make test-fast``."""
    markexpr = config.getoption("markexpr")
    if markexpr and collection_path.name.startswith("test_") and collection_path.suffix == ".py":
        marks = module_marks(collection_path)
        if marks and never_selected(markexpr, marks):
            return True
    return None


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
    from catalogue.workspace import Workspace

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
