"""The exported page in a real browser (headless Chromium via Playwright, from a file: URL):
no network request, the filter works, axe-core finds no serious or critical problem, hostile
record texts never run. Screenshots and axe results land in ``tests/output/export/``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from export_data import build
from needs import need

from catalogue.export import export_collection
from catalogue.workspace import Workspace
from tests.browser.lab import CHROMIUM, CHROMIUM_ARGS

OUTPUT = Path(__file__).resolve().parent / "output" / "export"

pytestmark = pytest.mark.browser
need(CHROMIUM.exists(), "/usr/bin/chromium", module=True)

from axe_playwright_python.sync_playwright import Axe  # noqa: E402  (dev extra)
from playwright.sync_api import sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def page_path(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("browser") / "ws"
    with Workspace.create(home) as ws:
        build(ws)
        return export_collection(ws, "test", "html", tmp_path_factory.mktemp("out") / "t.html")


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Visit:
    """One page load with every non-file:/data: request aborted and every event recorded."""

    def __init__(self, browser, path: Path, fragment: str = ""):
        self.aborted: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page = browser.new_page()
        self.page.route("**/*", self._route)
        self.page.on("dialog", self._dialog)
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(path.as_uri() + fragment)
        self.page.wait_for_load_state("load")

    def _route(self, route):
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.aborted.append(url)
            route.abort()

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def shown(self) -> int:
        return self.page.locator(".imk-card:visible").count()

    def count_text(self) -> str:
        return self.page.locator("#imk-count").inner_text().replace("\u00a0", " ")


@pytest.fixture
def visit(browser, page_path):
    opened = []

    def open_page(fragment: str = "") -> Visit:
        opened.append(Visit(browser, page_path, fragment))
        return opened[-1]

    yield open_page
    for v in opened:
        v.page.close()


def test_no_request_leaves_the_page_and_nothing_hostile_runs(visit):
    v = visit()
    v.page.locator("#imk-q").fill("script")
    v.page.mouse.move(10, 10)
    assert v.aborted == []
    assert v.dialogs == []
    assert v.errors == []
    assert v.page.evaluate("window.__pwned") is None
    assert v.page.locator("a[href^='javascript:'], [onerror], [onload], iframe").count() == 0


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", 5),
        ("дробей", 1),
        ("ДРОБ", 2),
        ("елочные", 1),
        ("ЁЛОЧНЫЕ", 1),
        ("музыка учебник", 1),
        ("нет такого слова", 0),
    ],
)
def test_the_filter_narrows_the_cards(visit, query, expected):
    v = visit()
    assert v.shown() == 5
    v.page.locator("#imk-q").fill(query)
    assert v.shown() == expected
    assert v.count_text() == f"Показано {expected} из 5"
    assert v.page.locator(".imk-toc li:visible").count() == expected
    if query:
        assert v.page.evaluate("decodeURIComponent(location.hash)") == f"#q={query}"


def test_a_deep_link_opens_filtered(visit):
    v = visit("#q=%D0%BC%D1%83%D0%B7%D1%8B%D0%BA%D0%B0")  # #q=музыка
    assert v.page.locator("#imk-q").input_value() == "музыка"
    assert v.shown() == 1


def test_print_hides_the_filter_and_keeps_every_card(visit):
    v = visit("#q=дробей")
    v.page.emulate_media(media="print")
    assert not v.page.locator("#imk-filter").is_visible()
    assert v.shown() == 5
    OUTPUT.mkdir(parents=True, exist_ok=True)
    v.page.pdf(path=str(OUTPUT / "collection-print.pdf"))
    assert (OUTPUT / "collection-print.pdf").stat().st_size > 10_000


def test_axe_finds_no_serious_or_critical_violation(visit):
    v = visit()
    OUTPUT.mkdir(parents=True, exist_ok=True)
    v.page.screenshot(path=str(OUTPUT / "collection.png"), full_page=True)
    results = Axe().run(v.page)
    violations = results.response["violations"]
    (OUTPUT / "axe.json").write_text(
        json.dumps(
            {
                "violations": [
                    {"id": x["id"], "impact": x["impact"], "nodes": len(x["nodes"])}
                    for x in violations
                ],
                "passes": len(results.response["passes"]),
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    serious = [
        (x["id"], x["impact"], [n["target"] for n in x["nodes"]])
        for x in violations
        if x["impact"] in ("serious", "critical")
    ]
    assert serious == []
    assert v.aborted == []
