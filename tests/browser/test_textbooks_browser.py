"""The textbooks notebook in a real browser on a real JupyterLab: a methodist resolves a row the
matcher could not decide and sees the city summary change. Screenshots land in
``tests/output/browser/``."""

from __future__ import annotations

import re

import openpyxl
import pytest
from needs import need

from catalogue.textbooks.generator import load_truth
from catalogue.textbooks.importing import federal_books, import_school_list
from catalogue.textbooks.storage import TextbookTables
from catalogue.workspace import Workspace
from tests.browser.lab import (
    CHROMIUM,
    SHOTS,
    TIMEOUT_MS,
    chromium,
    jupyterlab,
    run_all,
    sync_api,
)

NOTEBOOK = "06_textbooks.ipynb"

pytestmark = pytest.mark.browser
need(CHROMIUM.exists(), "/usr/bin/chromium", module=True)


def _pending_list(home, lists, folder) -> str:
    """Send the unsent school's list: two clear rows and one the matcher cannot decide (an
    «Алгебра» for grade 7 without authors: every algebra series fits)."""
    school = load_truth(lists)[-1].school
    with Workspace.open(home) as ws:
        books = [b for b in federal_books(ws.store).values() if not b.list_excluded and b.grades]
        clear = sorted(books, key=lambda b: b.list_number)[:2]
        book = openpyxl.Workbook()
        book.active.append(["Класс", "Предмет", "Автор(ы)", "Наименование", "Издательство",
                            "Количество экземпляров", "Количество обучающихся"])  # fmt: skip
        for b in clear:
            book.active.append([b.grades[0], b.list_subject, b.authors[0], b.title, "", 25, 25])
        book.active.append(["7", "Математика", "", "Алгебра", "", 20, 25])
        path = folder / "list.xlsx"
        book.save(path)
        result = import_school_list(ws, path, school, "Тестова Т.Т.")
        assert result.counts["ambiguous"] == 1
    return school


@pytest.fixture(scope="module")
def textbook_lab(tmp_path_factory, textbook_home):
    root = tmp_path_factory.mktemp("textbook-lab")
    with jupyterlab(root, textbook_home, (NOTEBOOK,)) as served:
        served["school"] = _pending_list(served["home"], textbook_home.parent / "lists", root)
        yield served


def unmatched_total(home) -> int:
    with Workspace.open(home) as ws:
        return sum(
            r.outcome == "ambiguous" for s in TextbookTables(ws.store.db).lists() for r in s.rows
        )


def test_methodist_resolves_a_row_and_the_summary_changes(textbook_lab):
    expect = sync_api.expect
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert unmatched_total(textbook_lab["home"]) == 1
    with chromium(textbook_lab, NOTEBOOK, height=2200) as page:
        run_all(page, NOTEBOOK)
        panel = page.locator(".imk-textbooks-panel")
        expect(panel).to_be_visible(timeout=TIMEOUT_MS)  # the kernel imports and builds it
        summary = page.locator(".imk-textbooks-summary")
        total = summary.locator("tr", has_text="Итого по городу")
        expect(total).to_be_visible()
        expect(page.locator(".imk-textbooks-row")).to_contain_text("Алгебра")
        options = page.locator(".imk-textbooks-choice select option")
        expect(options.first).to_have_attribute("value", re.compile(r"Алгебра: 7-й класс"))
        before = total.inner_text()
        panel.screenshot(path=str(SHOTS / "06_textbooks_before.png"))
        second = options.nth(1).get_attribute("value")
        page.locator(".imk-textbooks-choice select").select_option(second)  # the second series
        page.locator(".imk-textbooks-choose").click()
        status = page.locator(".imk-textbooks-status")
        expect(status).to_contain_text("Выбор запомнен", timeout=TIMEOUT_MS)
        expect(page.locator(".imk-textbooks-row")).to_contain_text("все строки сопоставлены")
        expect(total).not_to_have_text(before)
        panel.screenshot(path=str(SHOTS / "06_textbooks_after.png"))
    assert unmatched_total(textbook_lab["home"]) == 0
    with Workspace.open(textbook_lab["home"]) as ws:
        tables = TextbookTables(ws.store.db)
        (choice,) = tables.choices(textbook_lab["school"]).values()
        assert choice and ws.store.get(choice).title.startswith("Алгебра: 7-й класс")
