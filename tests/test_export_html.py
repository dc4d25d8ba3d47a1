"""Collection → notebook → one offline HTML page: content, escaping, privacy, JSON-LD, history."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from export_data import (
    HIDDEN_TEACHER,
    HOSTILE_TITLE,
    NO_CONSENT_TEACHER,
    PRIVATE,
    build,
)

from catalogue.export import ExportError, export_collection, export_portfolio
from catalogue.export.cards import chart
from catalogue.export.html import notebook_to_html
from catalogue.export.typography import typograph
from catalogue.records import Collection
from catalogue.workspace import Workspace
from tests.conftest import make_workspace

pytestmark = pytest.mark.both_backends


class Page(HTMLParser):
    """The parts of a page the tests look at."""

    def __init__(self, text: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.headings: list[int] = []
        self.scripts: list[tuple[dict, str]] = []
        self._script: dict | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "script":
            self._script = attrs

    def handle_data(self, data):
        if self._script is not None:
            self.scripts.append((self._script, data))
            self._script = None

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, ""))
            self._script = None


@pytest.fixture(scope="module")
def exported(tmp_path_factory, module_backend):
    home = tmp_path_factory.mktemp("export") / "ws"
    with make_workspace(home, module_backend) as ws:
        facts = build(ws)
        path = export_collection(ws, "test", "html")
        facts.update(
            path=path,
            text=path.read_text(encoding="utf-8"),
            home=home,
            collection=ws.store.collections.get("test"),
        )
    return facts


def test_the_page_is_one_russian_html_file(exported):
    text = exported["text"]
    assert exported["path"].parent.name == "exports"
    assert text.startswith("<!DOCTYPE html>")
    assert '<html lang="ru">' in text
    assert "<title>Подборка для 5 классов</title>" in text


def test_every_published_record_has_a_card_in_order(exported):
    page = Page(exported["text"])
    cards = [a["id"] for t, a in page.tags if t == "article" and "imk-card" in a["class"]]
    assert cards == [f"card-{i}" for i in exported["published"]]


@pytest.mark.parametrize("tag", ["script", "link", "img", "iframe", "source", "video"])
def test_nothing_is_fetched_from_anywhere(exported, tag):
    page = Page(exported["text"])
    for name, attrs in page.tags:
        if name == tag:
            address = attrs.get("src") or (attrs.get("href") if name == "link" else None)
            assert address is None or address.startswith("data:"), (name, attrs)


def test_headings_go_in_order_and_inputs_are_labelled(exported):
    page = Page(exported["text"])
    levels = page.headings
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))
    inputs = [a for t, a in page.tags if t == "input"]
    labels = {a.get("for") for t, a in page.tags if t == "label"}
    assert inputs and all(i["id"] in labels for i in inputs)


@pytest.mark.parametrize(
    "needle",
    [
        "<script>window.__pwned",
        "<img src=x",
        "<iframe",
        'href="javascript:',
        "<b>Злой</b>",
        "<svg",
        '"><script>alert(6)',
    ],
)
def test_hostile_record_texts_are_escaped(exported, needle):
    assert needle not in exported["text"]


def test_no_element_of_the_page_has_an_event_handler(exported):
    page = Page(exported["text"])
    handlers = [(t, n) for t, a in page.tags for n in a if n.lower().startswith("on")]
    assert handlers == []
    plain_scripts = [a for a, _ in page.scripts if a.get("type") != "application/ld+json"]
    assert len(plain_scripts) == 1  # the template's filter script, nothing from a record
    assert not [t for t, _ in page.tags if t in ("iframe", "svg", "object", "embed")]


def test_hostile_texts_are_shown_as_text(exported):
    assert "&lt;script&gt;window.__pwned=1;alert(«title»)&lt;/script&gt;" in exported["text"]
    assert "javascript:alert(7)" in exported["text"]  # shown, struck out, not a link
    assert '<span class="imk-bad-link">javascript:alert(7)</span>' in exported["text"]


def test_external_links_are_plain_http_with_noopener(exported):
    page = Page(exported["text"])
    external = [a for t, a in page.tags if t == "a" and not a["href"].startswith("#")]
    assert external
    for attrs in external:
        assert attrs["href"].startswith(("https://", "http://")), attrs
        assert "noopener" in attrs["rel"]


@pytest.mark.parametrize(
    "value",
    [
        *PRIVATE.values(),
        HIDDEN_TEACHER,
        NO_CONSENT_TEACHER,
        "no.consent@school.example",
        "Курс ФГОС",
        "Высшая",
    ],
)
def test_private_data_never_reaches_the_page(exported, value):
    assert value not in exported["text"]


def test_public_portfolio_fields_are_shown(exported):
    card = exported["text"].split(f'id="card-{exported["hidden"]}"')[1].split("</article>")[0]
    assert card
    assert "учитель математики" in card and "Грамота" in card
    assert "Портфолио педагога" in card


def test_json_ld_per_card_is_a_learning_resource(exported):
    page = Page(exported["text"])
    blocks = [
        json.loads(text)
        for attrs, text in page.scripts
        if attrs.get("type") == "application/ld+json"
    ]
    assert [b["identifier"] for b in blocks] == exported["published"]
    assert {b["@type"] for b in blocks} == {"LearningResource"}
    hostile = next(b for b in blocks if b["identifier"] == exported["ids"][3])
    assert hostile["name"] == HOSTILE_TITLE  # the data survives, escaped as <\/script>


def test_table_of_contents_summary_chart_filter(exported):
    text = exported["text"]
    for piece in (
        'class="imk-toc"',
        "<caption>",
        'id="imk-q"',
        'role="status"',
        '<figure class="imk-chart"><table>',
        "Показано 5 из\u00a05",
    ):
        assert piece in text


@pytest.mark.parametrize(
    ("subjects", "shown", "not_shown"),
    [
        ([["Математика"]], [], ["imk-chart"]),  # one subject: no chart
        (
            [["Математика"], ["Математика", "<b>Физика</b>"]],
            [
                '<th scope="row">Математика</th><td><span class="imk-bar" style="width: 20em">'
                "</span>2</td>",
                '<th scope="row">&lt;b&gt;Физика&lt;/b&gt;</th><td><span class="imk-bar" '
                'style="width: 10em"></span>1</td>',
                "<figcaption>Записи подборки по\u00a0предметам</figcaption>",
            ],
            ["<b>", "<img", "<svg"],
        ),
    ],
)
def test_the_subject_chart_is_a_table_of_bars(subjects, shown, not_shown):
    from catalogue import records

    drawn = chart([records.new("material", title="т", subjects=s) for s in subjects])
    for piece in shown:
        assert piece in drawn
    for piece in not_shown:
        assert piece not in drawn


def test_the_notes_and_the_skipped_count_are_shown(exported):
    assert "Рекомендовано ГМО" in exported["text"]
    assert "записей: 2 (удалены" in exported["text"]


def test_russian_typography_in_the_page(exported):
    assert "в\u00a05\u00a0классе" in exported["text"]  # from the curator's note
    assert "Материалы «для» школ" in exported["text"]


def test_the_export_is_recorded_in_the_collection(exported):
    (entry,) = exported["collection"].exports
    assert entry["format"] == "html"
    assert entry["size"] == exported["path"].stat().st_size
    assert Path(entry["path"]) == exported["path"].resolve()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("в школе и дома", "в~школе и~дома"),
        ("5 класс, 10 классы", "5~класс, 10~классы"),
        ("школа №5 и № 7", "школа №~5 и~№~7"),
        ('урок "Дроби"', "урок «Дроби»"),
        ("дроби - это просто", "дроби~– это просто"),
        ("", ""),
    ],
)
def test_typography(text, expected):
    assert typograph(text) == expected.replace("~", "\u00a0")


def test_any_notebook_becomes_offline_html(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["title"] = "Отчёт"
    nb.cells.append(nbformat.v4.new_markdown_cell("# Отчёт\n\n![график](chart.png)"))
    from PIL import Image

    Image.new("RGB", (40, 30), "#1f5f8b").save(tmp_path / "chart.png")
    page = notebook_to_html(nb, resources_path=tmp_path)
    assert "data:image/png;base64," in page and 'src="chart.png"' not in page
    assert "require.js" not in page and "mathjax" not in page.lower()
    for host in ("cdn.", "unpkg.com", "jsdelivr", "cdnjs"):
        assert host not in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"fmt": "pdf"}, "Формат «pdf» не поддерживается"),
        ({"name": "nothing"}, "Подборка «nothing» не найдена"),
    ],
)
def test_bad_requests_are_explained(tmp_path, change, message):
    with Workspace.create(tmp_path / "ws") as ws:
        build(ws)
        args = {"name": "test", "fmt": "html"} | change
        with pytest.raises(Exception, match=message):
            export_collection(ws, args["name"], args["fmt"])
        assert list(ws.exports_dir.iterdir()) == []


def test_an_empty_collection_is_refused_and_nothing_is_written(workspace):
    workspace.store.collections.save(Collection(name="empty", title="Пусто"))
    with pytest.raises(ExportError, match="нет записей"):
        export_collection(workspace, "empty", "html")
    assert list(workspace.exports_dir.iterdir()) == []


def test_portfolio_page_needs_consent(tmp_path):
    with Workspace.create(tmp_path / "ws") as ws:
        facts = build(ws)
        with pytest.raises(ExportError, match="согласие"):
            export_portfolio(ws, facts["no_consent"])
        path = export_portfolio(ws, facts["hidden"], tmp_path / "p.html")
        text = path.read_text(encoding="utf-8")
        assert "учитель математики" in text
        for value in [*PRIVATE.values(), HIDDEN_TEACHER]:
            assert value not in text
        with pytest.raises(ExportError, match="не портфолио"):
            export_portfolio(ws, facts["ids"][0])


def test_dates_in_references_are_the_export_day(exported):
    assert f"(дата обращения: {dt.date.today():%d.%m.%Y})" in exported["text"]
