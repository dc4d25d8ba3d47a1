"""The test tiers: a module that ``-m`` deselects whole by its module mark is not imported."""

from __future__ import annotations

import re

import pytest

from tests.conftest import REPO, module_marks, never_selected

# The mark expression of ``make test-fast``.
FAST = re.findall(r'-m "([^"]+)"', (REPO / "Makefile").read_text(encoding="utf-8"))[0]


@pytest.mark.parametrize(
    ("markexpr", "marks", "never"),
    [
        (FAST, {"slow"}, True),
        (FAST, {"postgresql"}, True),
        (FAST, {"both_backends"}, False),  # its SQLite half runs
        ("slow", {"kernel"}, False),  # a test of the module may be slow too
        ("slow and not kernel", {"kernel"}, True),
        ("kernel or slow", {"browser"}, False),
        ("not slow", {"slow", "kernel"}, True),
        ("postgresql", {"postgresql"}, False),
        ("slow(reason=1)", {"slow"}, False),  # marks with arguments: pytest decides
    ],
)
def test_a_module_is_left_out_only_when_no_test_of_it_could_run(markexpr, marks, never):
    assert never_selected(markexpr, marks) is never


@pytest.mark.parametrize(
    ("line", "marks"),
    [
        ("pytestmark = pytest.mark.slow  # draws charts", {"slow"}),
        ("pytestmark = [pytest.mark.slow, pytest.mark.kernel]", {"slow", "kernel"}),
        ("pytestmark = pytest.mark.skipif(sys.platform == 'win32', reason='')", {"skipif"}),
        ("def test():\n    pytestmark = pytest.mark.slow", set()),
        ("import pytest", set()),
    ],
)
def test_module_marks(tmp_path, line, marks):
    path = tmp_path / "test_x.py"
    path.write_text(f"import pytest\n\n{line}\n", encoding="utf-8")
    assert module_marks(path) == marks


@pytest.mark.parametrize("module", ["test_postgresql.py", "test_reports_panel.py"])
def test_the_fast_tier_does_not_import_the_modules_it_never_runs(module):
    assert never_selected(FAST, module_marks(REPO / "tests" / module))
