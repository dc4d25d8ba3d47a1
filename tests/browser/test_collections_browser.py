"""Notebook 03 in a real JupyterLab and Chromium, as a methodist uses it: a collection named
with spaces, records added and reordered, an unsaved change kept when opening another, then an
export in each format opened or downloaded through the link under the button; the exported
page filters by word forms. Screenshots land in ``tests/output/browser/``."""

from __future__ import annotations

import json
import urllib.request

import pytest
from needs import need

from catalogue.export import FORMATS
from catalogue.i18n import t
from catalogue.lab.exports import LINK_NAME
from tests.browser.lab import CHROMIUM, SHOTS, chromium, jupyterlab, run_all, sync_api

NOTEBOOK = "03_collections.ipynb"

pytestmark = pytest.mark.browser
need(CHROMIUM.exists(), "/usr/bin/chromium", module=True)


@pytest.fixture(scope="module")
def lab(tmp_path_factory, demo_home):
    root = tmp_path_factory.mktemp("lab03")
    with jupyterlab(root, demo_home, (NOTEBOOK,)) as served:
        yield served


def listing(lab, folder: str) -> list[str]:
    """The names JupyterLab's file browser lists in ``folder`` (its contents API)."""
    url = f"{lab['url']}/api/contents/{urllib.request.quote(folder)}?token={lab['token']}"
    with urllib.request.urlopen(url, timeout=10) as reply:
        return sorted(item["name"] for item in json.load(reply)["content"])


def test_build_export_and_open_a_collection_from_lab(lab):
    expect = sync_api.expect
    SHOTS.mkdir(parents=True, exist_ok=True)
    with chromium(lab, NOTEBOOK, height=1600) as page:
        run_all(page, NOTEBOOK)
        page.locator(".imk-builder-name input").fill("Дроби 5 класс")
        page.locator(".imk-builder-title input").fill("Дроби: памятка для 5 класса")
        page.locator(".imk-builder-create").click()
        status = page.locator(".imk-builder-status")
        expect(status).to_contain_text("«Дроби-5-класс»")

        query = page.locator(".imk-builder-query input")
        query.fill("дроби")
        query.press("Enter")
        add_all = page.locator(".imk-add-all")
        expect(add_all).to_contain_text("(")
        add_all.click()
        items = page.locator(".imk-builder-items > .widget-hbox")
        expect(items.first).to_be_visible()
        count = items.count()
        first = items.nth(0).locator(".widget-html").inner_text()
        items.nth(0).locator("button").nth(1).click()  # ↓
        expect(items.nth(1).locator(".widget-html")).to_contain_text(first.split(". ", 1)[1])
        page.locator(".imk-builder-save").click()
        expect(status).to_contain_text(f"сохранена: {count} запис")
        page.get_by_role("button", name=t("builder.preview")).click()
        expect(page.locator(".imk-preview li")).to_have_count(count)

        # an unsaved change is not dropped by starting another collection
        items.nth(0).locator("button").nth(2).click()  # ✕
        expect(items).to_have_count(count - 1)
        page.locator(".imk-builder-title input").fill("Уравнения")
        page.locator(".imk-builder-name input").fill("")
        page.locator(".imk-builder-create").click()
        question = page.locator(".imk-builder-unsaved")
        expect(question).to_contain_text("Есть несохранённые изменения")
        page.screenshot(path=str(SHOTS / "03_unsaved_question.png"))
        page.locator(".imk-answer-cancel").click()
        expect(question).to_be_hidden()
        expect(items).to_have_count(count - 1)

        for fmt in FORMATS:
            page.locator(".imk-export-format select").select_option(
                label=t(f"builder.format_{fmt}")
            )
            page.locator(".imk-export").click()
            link = page.locator(".imk-export-link a")
            expect(link).to_contain_text(f".{FORMATS[fmt]}", timeout=120_000)
            href = link.get_attribute("href") or ""
            assert href.startswith(urllib.request.quote(f"/files/{LINK_NAME}/Дроби-5-класс-"))
            if fmt == "html":
                link.scroll_into_view_if_needed()
                page.screenshot(path=str(SHOTS / "03_export_link.png"))
                with page.context.expect_page() as opened:
                    link.click()
                exported = opened.value
                exported.wait_for_load_state("load")
                expect(exported.locator("h1")).to_contain_text("Дроби: памятка для 5 класса")
                exported.locator("#imk-q").fill("дробями")
                expect(exported.locator("#imk-count")).to_contain_text(f"из {count - 1}")
                shown = exported.locator(".imk-card:visible").count()
                assert shown >= 1
                exported.screenshot(path=str(SHOTS / "03_exported_page.png"), full_page=True)
                exported.close()
            else:
                with page.expect_download() as got:
                    link.click()
                assert got.value.suggested_filename.endswith(f".{FORMATS[fmt]}")
        expect(status).to_contain_text("Подборка выгружена")

        files = listing(lab, LINK_NAME)
        assert len(files) == len(FORMATS)
        assert not [name for name in files if name.startswith(".part-")]
        assert all(name.startswith("Дроби-5-класс-") for name in files)
        page.evaluate(
            "async () => { await window.jupyterapp.commands.execute("
            f"'filebrowser:go-to-path', {{path: '{LINK_NAME}/'}}); }}"
        )
        expect(page.locator(".jp-DirListing-item").first).to_be_visible()
        page.screenshot(path=str(SHOTS / "03_file_browser_exports.png"))
