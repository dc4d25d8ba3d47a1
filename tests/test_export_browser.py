"""The exported page in a real browser (headless Chromium via Playwright, from a file: URL):
no network request, the filter works, axe-core finds no serious or critical problem, hostile
record texts never run. Screenshots and axe results land in ``tests/output/export/``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from export_data import build
from needs import need

from catalogue import records
from catalogue.export import export_collection
from catalogue.records import Collection, CollectionItem
from catalogue.words import CYRILLIC, WORD, fold, stemmer
from catalogue.workspace import Workspace
from tests.browser.lab import CHROMIUM, CHROMIUM_ARGS

OUTPUT = Path(__file__).resolve().parent / "output" / "export"
FRACTIONS = [
    "Действия с дробями",
    "Сложение дробей",
    "Дроби в 5 классе",
    "Квадратные уравнения",
]
# forms reaching every step of the Snowball algorithm: gerunds, reflexives, participles,
# verbs, nouns, «и», «ость», superlatives, «нн», «ь», and words with no vowel or one
STEMMER_CASES = (
    "прочитав прочитавши прочитавшись сделав увидевши умывшись купаясь учился научилась "
    "читающий читавший игравшая изученный красивейший красивейшая длиннейшее "
    "ученье учения учениями знаменателями радость радостный бодрость стеклянный "
    "читала читали читаем читаешь читайте сделаешь пишут пишет пишите "
    "дробь дроби дробей дробями дробях длинные длинных осенний осеннее "
    "вгтк мгу я и в о ёж ель ёлочный щ ь ъ аист ииии оооо"
)

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
        ("дробей", 2),
        ("дроби", 2),
        ("ДРОБЯМИ", 2),
        ("ДРОБ", 2),
        ("знаменатель", 1),
        ("елочные", 1),
        ("ЁЛОЧНЫЕ", 1),
        ("елочная", 1),
        ("игрушку", 1),
        ("музыка учебник", 1),
        ("музыки учебникам", 1),
        ("муз", 1),
        ("978-5-360", 1),
        ("нет такого слова", 0),
        ("constructor", 0),
    ],
)
def test_the_filter_narrows_the_cards(visit, query, expected):
    v = visit()
    assert v.shown() == 5
    assert not v.page.locator("#imk-none").is_visible()
    v.page.locator("#imk-q").fill(query)
    assert v.shown() == expected
    assert v.count_text() == f"Показано {expected} из 5"
    assert v.page.locator(".imk-toc li:visible").count() == expected
    assert v.page.locator("#imk-none").is_visible() == (expected == 0)
    if query:
        assert v.page.evaluate("decodeURIComponent(location.hash)") == f"#q={query}"
    assert v.errors == []


def test_nothing_found_is_said_in_russian(visit):
    v = visit()
    v.page.locator("#imk-q").fill("квазиподобие")
    none = v.page.locator("#imk-none")
    assert none.is_visible()
    assert none.inner_text().replace("\u00a0", " ").startswith("Ничего не найдено")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    v.page.screenshot(path=str(OUTPUT / "filter-nothing-found.png"))
    v.page.locator("#imk-q").fill("")
    assert not none.is_visible() and v.shown() == 5


@pytest.fixture(scope="module")
def fractions_path(tmp_path_factory) -> Path:
    """The page of the issue: four cards, three with a form of «дробь», none with «дроби» but
    one."""
    home = tmp_path_factory.mktemp("fractions") / "ws"
    with Workspace.create(home) as ws:
        saved = ws.store.save_many(
            [records.new("material", title=title, status="published") for title in FRACTIONS],
            by="тест",
        )
        ws.store.collections.save(
            Collection(
                name="drobi",
                title="Дроби",
                items=[CollectionItem(r.id) for r in saved],
            )
        )
        return export_collection(ws, "drobi", "html", tmp_path_factory.mktemp("out") / "d.html")


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("дроби", FRACTIONS[:3]),
        ("дробями", FRACTIONS[:3]),
        ("Дробей", FRACTIONS[:3]),
        ("уравнение", FRACTIONS[3:]),
        ("сложение дробей", FRACTIONS[1:2]),
    ],
)
def test_a_word_finds_its_forms(browser, fractions_path, query, found):
    v = Visit(browser, fractions_path)
    try:
        v.page.locator("#imk-q").fill(query)
        titles = v.page.locator(".imk-card:visible h3").all_inner_texts()
        assert [t.replace("\u00a0", " ").split(". ", 1)[1] for t in titles] == found
        assert v.count_text() == f"Показано {len(found)} из 4"
        if query == "дроби":
            OUTPUT.mkdir(parents=True, exist_ok=True)
            v.page.screenshot(path=str(OUTPUT / "filter-word-forms.png"), full_page=True)
    finally:
        v.page.close()


def test_the_page_stems_as_the_catalogue_does(browser, fractions_path, demo_home):
    """The page's JavaScript stemmer against PyStemmer on every Russian word of the demo
    catalogue and on forms that exercise each step of the algorithm."""
    with Workspace.open(demo_home) as ws:
        text = " ".join(
            " ".join([r.title, r.annotation, *r.keywords, *r.subjects])
            for kind in ("material", "media", "portfolio")
            for r in ws.store.iter_records(kind)
        )
    words = sorted(
        {w for w in WORD.findall(fold(text + " " + STEMMER_CASES)) if CYRILLIC.search(w)}
    )
    assert len(words) > 1000
    v = Visit(browser, fractions_path)
    try:
        stems = v.page.evaluate("words => words.map(imkStemRu)", words)
    finally:
        v.page.close()
    python = stemmer("russian").stemWords(words)
    assert [(w, js, py) for w, js, py in zip(words, stems, python, strict=True) if js != py] == []


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
