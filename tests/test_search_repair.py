"""Typos, the wrong keyboard layout and «did you mean» — built from the catalogue's own words."""

from __future__ import annotations

import pytest

from catalogue import records
from index.engine import CatalogueIndex
from index.layout import swap, to_cyrillic, to_latin
from index.spelling import is_dictionary_word
from tests.conftest import make_workspace

pytestmark = pytest.mark.both_backends


def _m(title, **values):
    return records.new("material", title=title, status="published", **values)


FIXTURE = [
    _m("Родительское собрание «Готовимся к экзаменам»", subjects=["Воспитательная работа"]),
    _m("Технологическая карта урока математики", subjects=["Математика"], grades=["5"]),
    _m("Кинезиологические упражнения для дошкольников", subjects=["Дошкольное образование"]),
    _m("Present Simple: презентация к уроку английского", subjects=["Иностранный язык"]),
    _m("Куликовская битва", subjects=["История"], grades=["6"]),
]


@pytest.fixture(scope="module")
def index(tmp_path_factory, module_backend):
    ws = make_workspace(tmp_path_factory.mktemp("repair") / "ws", module_backend)
    ws.store.save_many([records.from_dict(records.to_dict(r)) for r in FIXTURE], by="тест")
    return CatalogueIndex.open(ws)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("hjlbntkmcrjt cj,hfybt", "родительское собрание"),
        ("vfntvfnbrf", "математика"),
        ("Rekbrjdcrfz", "Куликовская"),
    ],
)
def test_english_layout_to_russian(typed, meant):
    assert to_cyrillic(typed) == meant
    assert swap(typed) == meant


def test_russian_layout_to_english():
    assert to_latin("зкуыуте ышьзду") == "present simple"
    assert swap("зкуыуте ышьзду") == "present simple"
    assert swap("123 !") is None


@pytest.mark.parametrize(
    ("typed", "corrected", "expected"),
    [
        (
            "hjlbntkmcrjt cj,hfybt",
            "родительское собрание",
            "Родительское собрание «Готовимся к экзаменам»",
        ),
        ("Rekbrjdcrfz ,bndf", "Куликовская битва", "Куликовская битва"),
        ("зкуыуте ышьзду", "present simple", "Present Simple: презентация к уроку английского"),
        ("матиматика", "математика", "Технологическая карта урока математики"),
        ("технолгическая карта", "технологическая карта", "Технологическая карта урока математики"),
        ("кинезиологичесие", "кинезиологические", "Кинезиологические упражнения для дошкольников"),
        ("Куликовкая битва", "Куликовская битва", "Куликовская битва"),
        (
            "ntryjkjubxtcrfz rfhnf",
            "технологическая карта",
            "Технологическая карта урока математики",
        ),
    ],
)
def test_repaired_queries_find_their_target_and_say_so(index, typed, corrected, expected):
    result = index.search(typed)
    assert result.corrected == corrected
    assert result.hits[0].title == expected
    assert result.to_json()["corrected"] == corrected


@pytest.mark.parametrize("query", ["Куликовская битва", "математика", "собрание"])
def test_queries_that_find_something_are_left_alone(index, query):
    assert index.search(query).corrected is None


def test_real_words_missing_from_the_catalogue_are_not_corrected(index):
    result = index.search("собрание фотосинтез")  # «фотосинтез» is Russian, just not here
    assert result.corrected is None
    assert [h.title for h in result.hits] == ["Родительское собрание «Готовимся к экзаменам»"]


def test_dictionary_words():
    assert is_dictionary_word("собрание") and is_dictionary_word("Дробями")
    assert not is_dictionary_word("матиматика") and not is_dictionary_word("present")


def test_nonsense_finds_nothing_and_does_not_raise(index):
    result = index.search("щщщщщ ъъъъъ")
    assert result.total == 0 and result.hits == []
