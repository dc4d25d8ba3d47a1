"""Word rules (catalogue/words.py): ё-folding and the forms of one word that Snowball stems
apart, which search finds at a lower weight (index/ranking.py)."""

from __future__ import annotations

import pytest

from catalogue import records
from catalogue.words import (
    abbreviations,
    cut_forms,
    fleeting_forms,
    fold,
    form_prefix,
    noun_stems,
    other_form,
)
from catalogue.workspace import Workspace
from index.analysis import stem
from index.engine import CatalogueIndex
from tests.conftest import make_workspace

pytestmark = pytest.mark.both_backends


@pytest.mark.parametrize(("text", "folded"), [("Ёлка", "елка"), ("ЕГЭ", "егэ"), ("ёж", "еж")])
def test_fold(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("word", "other", "same"),
    [
        ("подготовить", "подготовке", True),  # подготов / подготовк
        ("внедрять", "внедрению", True),  # внедря / внедрен
        ("подготовить", "подготовительный", False),  # a longer word
        ("одинокий", "одиночество", True),  # одинок / одиночеств
        ("рабочий", "работа", False),  # a short stem: рабоч / работ
        ("история", "исторический", False),
        ("матрица", "матрицы", False),  # one stem already
        ("python", "pythonic", False),  # Cyrillic words only
    ],
)
def test_other_forms_of_a_word(word, other, same):
    assert other_form(stem(word), stem(other)) is same


@pytest.mark.parametrize(
    ("word", "nouns"),
    [
        ("исторических", ["истор", "историк"]),
        ("экономической", ["эконом", "экономик"]),
        ("психологически", ["психолог", "психологик"]),
        ("частной", []),  # not «-ический»: «частн» is not made from «часть»
        ("физический", []),  # «физ» is too short to be a noun's stem
        ("history", []),
    ],
)
def test_noun_stems_of_an_adjective(word, nouns):
    assert noun_stems(stem(word)) == nouns


@pytest.mark.parametrize(
    ("word", "forms"),
    [
        ("ребенок", ["ребенк"]),  # ребенка, ребенку
        ("подросток", ["подростк"]),
        ("ребенка", []),  # already the stem of the other forms
        ("урок", []),  # too short to tell
        ("школьник", []),  # no fleeting vowel
    ],
)
def test_fleeting_vowel(word, forms):
    assert fleeting_forms(stem(word)) == forms


@pytest.mark.parametrize(
    ("word", "forms"),
    [
        ("журнала", ["журнал", "журнан"]),  # «журна»: the «-л» cut as a verb's
        ("журналов", ["журна"]),
        ("романом", ["рома"]),
        ("экзамен", []),  # «экзам»/«экзамен»: left alone (every «государственный экзамен»)
        ("урок", []),
        ("план", []),  # too short to tell
    ],
)
def test_a_noun_stemmed_as_a_verb(word, forms):
    assert cut_forms(stem(word)) == forms


@pytest.mark.parametrize(("stemmed", "prefix"), [("подготов", "подгото"), ("рабоч", None)])
def test_form_prefix(stemmed, prefix):
    assert form_prefix(stemmed) == prefix


@pytest.mark.parametrize(
    ("stemmed", "held", "cut"),
    [
        ("трудн", {"труд", "тру"}, ["тру", "труд"]),
        ("жизнен", {"жиз", "жизн", "жизнен"}, ["жиз", "жизн"]),  # the whole stem is no cut
        ("дет", {"де", "дет"}, []),  # two letters say nothing
        ("python", {"pyt"}, []),  # Latin words are not cut short here
    ],
)
def test_abbreviations_a_file_name_may_hold(stemmed, held, cut):
    assert abbreviations(stemmed, held.__contains__) == cut


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    ws = Workspace.create(tmp_path_factory.mktemp("forms") / "ws")
    found = [
        records.new("material", title=title, status="published", annotation=annotation)
        for title, annotation in [
            ("План работы по внедрению ФГОС", "Внедрение стандартов"),
            ("Стандарты оформления документов", "Стандарты"),
            ("Подготовка выпускников к ЕГЭ", "Психологическая помощь"),
            ("ЕГЭ: психологический тренинг", "Психологический тренинг"),
            ("Подготовительная группа детского сада", "Психологические игры"),
            ("Дети в ситуации выбора", ""),
            ("За I и II четверти", ""),
        ]
    ]
    found[-1].attachments = [records.Attachment("deti_v_trud_zhiz_situatsii.docx", "0" * 64)]
    ws.store.save_many([records.from_dict(records.to_dict(r)) for r in found], by="тест")
    return CatalogueIndex.open(ws)


@pytest.mark.parametrize(
    ("query", "first"),
    [
        # without the other forms the title words of the second record would win
        ("как внедрять стандарты", "План работы по внедрению ФГОС"),
        ("как психологически подготовить к ЕГЭ", "Подготовка выпускников к ЕГЭ"),
    ],
)
def test_a_question_finds_other_forms_of_its_words(index, query, first):
    assert index.search(query).hits[0].title == first


@pytest.fixture(scope="module")
def one_word_index(tmp_path_factory, module_backend):
    ws = make_workspace(tmp_path_factory.mktemp("one-word") / "ws", module_backend)
    ws.store.save_many(
        [
            records.new("material", title=title, status="published")
            for title in ["План работы по внедрению ФГОС", "Проверка классных журналов"]
        ],
        by="тест",
    )
    return CatalogueIndex.open(ws)


@pytest.mark.parametrize(
    ("word", "title"),
    [
        ("внедрять", "План работы по внедрению ФГОС"),  # «внедря» / «внедрен»
        ("журнала", "Проверка классных журналов"),  # «журна» / «журнал»
    ],
)
def test_one_word_finds_its_other_forms(one_word_index, word, title):
    assert [h.title for h in one_word_index.search(word).hits] == [title]


def test_a_file_name_that_cuts_words_short_is_found(index):
    # the title says nothing; the file name says it all, with words cut short
    titles = [h.title for h in index.search("дети в трудной жизненной ситуации").hits]
    assert titles[0] == "За I и II четверти"


def test_a_longer_word_is_not_another_form(index):
    titles = [h.title for h in index.search("подготовить психологически").hits]
    # «подготовительная» is a longer word, not a form of «подготовить»: it earns nothing
    assert titles[0] == "Подготовка выпускников к ЕГЭ"


@pytest.mark.parametrize("change", ["added", "edited"])
def test_a_form_saved_after_a_search_is_found_by_the_next(tmp_path, change):
    # the forms found under a word's prefix are remembered per segment: a new or edited record
    # is in a segment (or a segment's reader) of its own, so the next search sees its forms
    # («подготовлено» stems to «подготовл», a form the catalogue did not have before)
    ws = Workspace.create(tmp_path / "ws")
    first = ws.store.save(
        records.new("material", title="Подготовка к экзамену", status="published"), by="тест"
    )
    index = CatalogueIndex.open(ws)
    assert [h.title for h in index.search("как подготовить к экзамену").hits] == [first.title]
    if change == "added":
        ws.store.save(
            records.new("material", title="Подготовлено к экзамену", status="published"),
            by="тест",
        )
        expected = {first.title, "Подготовлено к экзамену"}
    else:
        first.title = "Подготовлено к экзамену"
        ws.store.save(first, by="тест")
        expected = {first.title}
    titles = {h.title for h in index.search("как подготовить к экзамену").hits}
    assert titles == expected
    index.close()
    ws.close()
