"""A methodist's whole day in a real JupyterLab (Chromium driven by Playwright), as issue 13
asks: say who is working once; find a record (by words and by its number), add a link and
two subjects by typing, save; settle a conflict with a colleague's save; send the record for
review and approve it under the expert's name; build a collection and export it; open the
exported page from Lab's file browser and filter it by a word form; open the coverage and
attestation reports.

Every step checks the visible Russian text: no ``<NA>``, no login name, no browser date
pickers (``mm/dd/yyyy``), no label cut by its button, no English menus. Screenshots land in
``tests/output/browser/day_*.png``.
"""

from __future__ import annotations

import getpass
import json
import re
import urllib.parse
import urllib.request
from typing import Any

import pytest
from needs import need

from catalogue import records
from catalogue.export.cards import anchor
from catalogue.reports.registry import REPORTS
from catalogue.workspace import Workspace
from index.engine import CatalogueIndex
from tests.browser.lab import CHROMIUM, SHOTS, TIMEOUT_MS, chromium, jupyterlab, run_all, sync_api

pytestmark = [pytest.mark.browser, pytest.mark.slow]
need(CHROMIUM.exists(), "/usr/bin/chromium", module=True)

NOTEBOOKS = ("02_curation.ipynb", "03_collections.ipynb", "05_reports.ipynb")
WORKER = "Скворцова Анна Михайловна"
EXPERT = "Экспертова Елена Ивановна"
COLLEAGUE = "Коллегова Ольга Петровна"
LINK = "https://example.org/drobi-5-klass"
FORMS_TITLE = "Тренажёр: действия с дробями для пятиклассников"
ENGLISH_MENUS = {"File", "Edit", "View", "Run", "Kernel", "Tabs", "Settings", "Help"}
CUT_LABELS = """() => Array.from(document.querySelectorAll(
    '.jp-OutputArea button, .jp-OutputArea .lm-TabBar-tabLabel, .jp-OutputArea .widget-label,'
    + ' .jp-OutputArea input[type=text]'
  )).filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
    .map(e => e.innerText || e.value || e.getAttribute('title') || e.outerHTML.slice(0, 80))"""


@pytest.fixture(scope="module")
def day(tmp_path_factory, demo_home):
    """JupyterLab on a copy of the demo catalogue with a draft lesson to work on and a
    published one whose title has «дробями» only; no name is known for the login yet."""
    root = tmp_path_factory.mktemp("day")
    environ: dict[str, str | None] = {"IMK_USER": None, "JUPYTERHUB_USER": None}
    with jupyterlab(root, demo_home, NOTEBOOKS, environ) as lab:
        with Workspace.open(lab["home"]) as ws:
            draft = ws.store.save(
                records.new("material", title="Сравнение дробей: урок-практикум", status="draft"),
                by="Автор Материалов",
            )
            forms = ws.store.save(
                records.new("material", title=FORMS_TITLE, status="published"), by="Автор"
            )
            CatalogueIndex.open(ws).sync()
        lab.update(draft=draft.id, forms=forms.id)
        yield lab


class Findings(list[str]):
    """Defects seen on the way, reported together at the end of the day (a step that fails
    does not hide what the later steps would show)."""

    def check(self, ok: bool, what: str) -> bool:
        if not ok:
            self.append(what)
        return ok

    def see(self, step: Any, what: str) -> bool:
        """Run a Playwright ``expect`` step; a failure is noted under ``what``."""
        try:
            step()
        except AssertionError as exc:
            return self.check(False, f"{what}: {str(exc).splitlines()[0]}")
        return True


def visible_text_is_russian(page: sync_api.Page, where: str, found: Findings) -> None:
    """What every screen of the day must not show."""
    text = page.locator("body").inner_text()
    login = getpass.getuser()
    shown = re.search(rf".{{0,30}}\b{re.escape(login)}\b.{{0,30}}", text)
    found.check(not shown, f"{where}: the login name shown in «{shown and shown.group()}»")
    assert page.locator(".jp-OutputArea input[type=date]").count() == 0, f"{where}: date picker"
    assert page.evaluate(CUT_LABELS) == [], f"{where}: cut labels"
    found.check("<NA>" not in text and "NaN" not in text, f"{where}: <NA> shown")
    menus = set(page.locator(".lm-MenuBar-itemLabel").all_inner_texts())
    found.check(
        not menus & ENGLISH_MENUS, f"{where}: English menus {sorted(menus & ENGLISH_MENUS)}"
    )


def open_notebook(page: sync_api.Page, name: str) -> None:
    page.evaluate(
        "async p => { await window.jupyterapp.commands.execute('docmanager:open', {path: p}); }",
        name,
    )
    run_all(page, name)


def find_in_lab(lab: dict[str, Any], ending: str, folder: str = "") -> str | None:
    """The path, as Lab's file browser knows it, of a file whose name ends with ``ending``."""
    url = f"{lab['url']}/api/contents/{urllib.parse.quote(folder)}?token={lab['token']}"
    with urllib.request.urlopen(url, timeout=10) as reply:
        listing = json.load(reply)
    for item in listing["content"]:
        if item["type"] == "file" and item["name"].endswith(ending):
            return str(item["path"])
        if item["type"] == "directory" and not item["name"].startswith("."):
            found = find_in_lab(lab, ending, item["path"])
            if found:
                return found
    return None


def test_a_methodists_whole_day(day):
    expect = sync_api.expect
    expect.set_options(timeout=30_000)  # a kernel round trip on a busy 2-core machine
    found = Findings()
    SHOTS.mkdir(parents=True, exist_ok=True)
    with chromium(day, NOTEBOOKS[0], height=2600) as page:
        run_all(page, NOTEBOOKS[0])
        # 1. who is working: asked once, remembered for the login
        user = page.locator(".imk-user input")
        expect(user).to_be_visible(timeout=TIMEOUT_MS)
        expect(user).to_have_value("")
        expect(page.locator(".imk-user-note")).to_contain_text("фамилию, имя и отчество")
        user.fill(WORKER)
        user.press("Enter")
        expect(page.locator(".imk-user-note")).to_contain_text("Запомнено")

        # 2. find by words, then by the record's number
        finder = page.locator(".imk-finder-box input")
        finder.fill("сравнение дробей практикум")
        finder.press("Enter")
        expect(page.locator(".imk-finder-hits")).to_contain_text(day["draft"])
        finder.fill(day["draft"])
        finder.press("Enter")
        expect(page.locator(".imk-finder-hits")).to_contain_text("Найдено: 1")
        row = page.locator(".imk-finder-hits .widget-hbox", has_text=day["draft"])
        expect(row).to_have_count(1)
        row.locator(".imk-open-record").click()
        expect(page.locator(".imk-field-title textarea")).to_have_value(re.compile("дробей"))
        page.locator(".imk-curation-desk").screenshot(path=str(SHOTS / "day_01_opened.png"))

        # 3. a link and two subjects, typed; a duplicate is reported, not dropped silently
        link = page.locator(".imk-input-links input").first
        link.fill(LINK)
        link.press("Enter")
        entry = page.locator(".imk-input-subjects .imk-term-entry input")
        chips = page.locator(".imk-input-subjects .imk-term")
        for typed, count in (("ИЗО", 1), ("физра", 2)):
            entry.fill(typed)
            entry.press("Enter")
            expect(chips).to_have_count(count)
        expect(chips.nth(0)).to_contain_text("Изобразительное искусство")
        expect(chips.nth(1)).to_contain_text("Физическая культура")
        entry.fill("изо")
        entry.press("Enter")
        expect(page.locator(".imk-input-subjects .imk-term-note")).to_contain_text("уже есть")
        page.locator(".imk-save").click()
        status = page.locator(".imk-editor-status")
        expect(status).to_contain_text("Сохранено")
        expect(page.locator(".imk-editor-header")).to_contain_text(WORKER)
        expect(page.locator(".imk-editor-header")).to_contain_text(
            re.compile(r"\d\d\.\d\d\.\d{4} \d\d:\d\d")
        )
        page.locator(".imk-curation-desk").screenshot(path=str(SHOTS / "day_02_saved.png"))

        # 4. a colleague saves meanwhile (a second session); mine go on top of theirs
        with Workspace.open(day["home"]) as ws:
            theirs = ws.store.get(day["draft"])
            theirs.annotation = "Аннотация, которую дописала коллега."
            ws.store.save(theirs, by=COLLEAGUE)
        title = page.locator(".imk-field-title textarea")
        title.fill("Сравнение дробей: урок-практикум для 5 класса")
        title.press("Tab")
        page.locator(".imk-save").click()
        conflict = page.locator(".imk-conflict")
        expect(conflict).to_be_visible()
        expect(conflict).to_contain_text(COLLEAGUE)
        expect(conflict).to_contain_text(re.compile(r"в \d\d\.\d\d\.\d{4} \d\d:\d\d"))
        mine = page.locator(".imk-reapply-mine")
        gap = mine.bounding_box()["y"] - page.locator(".imk-save").bounding_box()["y"]
        assert 0 < gap < 600, "the conflict buttons sit beside the message"
        conflict.screenshot(path=str(SHOTS / "day_03_conflict.png"))
        visible_text_is_russian(page, "conflict", found)
        mine.click()
        expect(status).to_contain_text("Сохранено")
        with Workspace.open(day["home"]) as ws:
            merged = ws.store.get(day["draft"])
        assert merged.annotation.startswith("Аннотация, которую") and "5 класса" in merged.title
        assert merged.links == [LINK] and merged.updated_by == WORKER
        assert merged.subjects == ["Изобразительное искусство", "Физическая культура"]

        # 5. on review, approved under the expert's name
        page.locator(".imk-desk-tabs .lm-TabBar-tab", has_text="Экспертиза").click()
        page.locator(".imk-to-review").click()
        expect(page.locator(".imk-review-message")).to_contain_text("на экспертизе")
        page.locator(".imk-reviewer input").fill(EXPERT)
        for select in page.locator(".imk-review-form select").all()[:3]:
            select.select_option("5")
        page.locator(".imk-review-form textarea").fill("Рекомендую к публикации.")
        page.locator(".imk-review-form button", has_text="Одобрить").click()
        page.locator(".imk-submit-review").click()
        expect(page.locator(".imk-review-message")).to_contain_text("Заключение добавлено")
        expect(page.locator(".imk-reviews")).to_contain_text(EXPERT)
        expect(page.locator(".imk-reviews")).to_contain_text("средний балл 5")
        page.locator(".imk-desk-tabs .lm-TabBar-tab", has_text="История").click()
        versions = page.locator(".imk-versions")
        expect(versions).to_contain_text(EXPERT)
        expect(versions).to_contain_text(re.compile(r"\d\d\.\d\d\.\d{4} \d\d:\d\d"))
        page.locator(".imk-curation-desk").screenshot(path=str(SHOTS / "day_04_history.png"))
        visible_text_is_russian(page, "curation desk", found)
        with Workspace.open(day["home"]) as ws:
            last = ws.store.history(day["draft"])[-1]
        assert (last.record.status, last.saved_by) == ("approved", EXPERT)

        # 6. a collection, compiled by the worker, exported
        open_notebook(page, NOTEBOOKS[1])
        builder = page.locator(".imk-collection-builder")
        expect(builder).to_be_visible(timeout=TIMEOUT_MS)
        builder.locator(".imk-builder-title input").fill("Дроби")
        builder.locator(".imk-builder-name input").fill("drobi-den")
        builder.locator(".imk-builder-create").click()
        expect(builder.locator(".imk-builder-curator input")).to_have_value(WORKER)
        query = builder.locator(".imk-builder-query input")
        query.fill("дроби")
        query.press("Enter")
        builder.locator(".imk-add-all").click()
        builder.locator(".imk-export").click()
        expect(builder.locator(".imk-builder-status")).to_contain_text(
            "выгружена", timeout=TIMEOUT_MS
        )
        builder.screenshot(path=str(SHOTS / "day_05_collection.png"))
        visible_text_is_russian(page, "collection builder", found)

        # 7. the exported page, opened from Lab's file browser, filtered by a word form
        path = find_in_lab(day, ".html")
        if found.check(bool(path), "the export is not in Lab's file browser"):
            open_the_export(page, day, str(path), found)

        # 8. the reports: coverage and the attestation calendar
        open_notebook(page, NOTEBOOKS[2])
        panel = page.locator(".imk-reports-panel")
        expect(panel).to_be_visible(timeout=TIMEOUT_MS)
        for date_box in panel.locator(".imk-date-text input").all():
            value = date_box.input_value()
            assert value == "" or re.fullmatch(r"\d\d\.\d\d\.\d{4}", value), value
        for name in ("coverage", "attestation"):
            panel.locator("select").first.select_option(label=REPORTS[name].title)
            expect(panel).to_contain_text(REPORTS[name].about)
            table = panel.locator(".imk-report-table").inner_text()
            found.check("<NA>" not in table, f"report {name}: <NA> in the table")
            negative = re.search(r"(^|\s)[−-]\d+(\s|$)", table)
            found.check(not negative, f"report {name}: a negative countdown {negative}")
            panel.screenshot(path=str(SHOTS / f"day_07_{name}.png"))
            visible_text_is_russian(page, f"report {name}", found)
    with Workspace.open(day["home"]) as ws:
        people = json.loads((ws.path / "people.json").read_text(encoding="utf-8"))
        assert list(people.values()) == [WORKER]
        assert ws.store.collections.get("drobi-den").curator == WORKER
    assert not found, "\n".join(found)


def open_the_export(page: sync_api.Page, day: dict[str, Any], path: str, found: Findings) -> None:
    """Open the exported page from Lab's file browser in a browser tab; filter by «дроби»."""
    expect = sync_api.expect
    folder, _, name = path.rpartition("/")
    page.evaluate(
        "async p => { await window.jupyterapp.commands.execute("
        "'filebrowser:go-to-path', {path: p}); }",
        folder or "/",
    )
    item = page.locator(".jp-DirListing-item", has_text=name)
    expect(item).to_be_visible()
    item.click()
    with page.context.expect_page() as opened:
        page.evaluate(
            "() => { void window.jupyterapp.commands.execute('filebrowser:open-browser-tab'); }"
        )
    exported = opened.value
    exported.wait_for_load_state()
    exported.locator("#imk-q").fill("дроби")
    card = exported.locator(f"#{anchor(day['forms'])}")
    found.see(lambda: expect(card).to_be_visible(timeout=5000), "«дроби» misses «дробями»")
    expect(exported.locator("body")).to_contain_text("Составитель")
    expect(exported.locator("body")).to_contain_text(WORKER)
    exported.screenshot(path=str(SHOTS / "day_06_export.png"), full_page=True)
    exported.close()
