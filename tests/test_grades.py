"""One grade parser (catalogue/grades.py) read by search, import and suggestions; questions in
search: question words, ordinals, grades as evidence."""

from __future__ import annotations

import pytest
from whoosh import query as wq

from catalogue import grades, records
from catalogue.ingest.suggest import suggest_grades
from catalogue.ingest.values import parse_grades
from catalogue.workspace import Workspace
from index.engine import CatalogueIndex
from index.query import plan, units
from index.ranking import DOCUMENT_TYPE_SHARE, ORDINAL_SHARE, PLACE_SHARE, elsewhere, named
from index.schema import build_schema

# (text, grades named in running text — «N класс» only, grades a search query reads — also «5-й»,
#  grades a spreadsheet cell reads — also bare numbers)
TABLE = [
    ("5 класс", [5], [5], [5]),
    ("для 10 класса", [10], [10], [10]),
    ("5-й класс", [5], [5], [5]),
    ("5-го класса", [5], [5], [5]),
    ("V класс", [5], [5], [5]),
    ("11 кл. Вариант 1", [11], [11], [11, 1]),
    ("9 «А» класса", [9], [9], [9]),
    ("5–7 классы", [5, 6, 7], [5, 6, 7], [5, 6, 7]),
    ("для 7-9 классов", [7, 8, 9], [7, 8, 9], [7, 8, 9]),
    ("с 5 по 9 класс", [5, 6, 7, 8, 9], [5, 6, 7, 8, 9], [5, 6, 7, 8, 9]),
    ("5, 6, 7 классы", [5, 6, 7], [5, 6, 7], [5, 6, 7]),
    ("5,6 и 7 кл.", [5, 6, 7], [5, 6, 7], [5, 6, 7]),
    ("в первый класс", [1], [1], [1]),
    ("в десятом классе", [10], [10], [10]),
    ("первый, второй классы", [1, 2], [1, 2], [1, 2]),
    ("1 дополнительный класс", [1], [1], [1]),
    ("дроби 5-й", [], [5], [5]),
    ("7 - 9", [], [], [7, 8, 9]),
    ("V - IX", [], [], [5, 6, 7, 8, 9]),
    ("12", [], [], [12]),
    ("первой главы", [], [], []),
    ("второй половины XIV века", [], [], []),
    ("Первые русские князья", [], [], []),
    ("Иван IV Грозный", [], [], [4]),  # a cell reads any figure
    ("контрольная работа № 2", [], [], [2]),
    ("Текст без классов", [], [], []),
]


@pytest.mark.parametrize(("text", "in_text", "in_query", "in_cell"), TABLE)
def test_one_table_of_notations(text, in_text, in_query, in_cell):
    assert grades.grades_in(text, (grades.CLASS,)) == in_text
    assert grades.grades_in(text) == in_query
    assert grades.grades_in(text, (grades.CLASS, grades.SUFFIX, grades.BARE)) == sorted(
        set(in_cell)
    )


@pytest.mark.parametrize(("text", "in_text", "in_query", "in_cell"), TABLE)
def test_suggestions_read_the_table(text, in_text, in_query, in_cell):
    assert suggest_grades(text, "") == [str(g) for g in in_text]


@pytest.mark.parametrize(("text", "in_text", "in_query", "in_cell"), TABLE)
def test_import_reads_the_table(text, in_text, in_query, in_cell):
    assert parse_grades(text) == sorted({str(min(g, 11)) for g in in_cell}, key=int)


@pytest.mark.parametrize(("text", "in_text", "in_query", "in_cell"), TABLE)
def test_search_reads_the_table(text, in_text, in_query, in_cell):
    the_plan = plan(f"дроби {text}")
    assert the_plan.grades == [g for g in in_query if g <= 11]
    assert the_plan.clauses == []  # a grade in the text is evidence, never a filter


@pytest.mark.parametrize(
    ("token", "number"),
    [("5", 5), ("V", 5), ("xii", 12), ("5-й", 5), ("пятый", 5), ("десятом", 10), ("0", None)],
)
def test_grade_numbers(token, number):
    assert grades.grade_number(token) == number


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("где найти рабочую программу", '(РП OR "рабочая программа")'),
        ("что такое кинезиология", "кинезиология"),
        ("как записать ребенка", "записать ребенка"),
        ("сколько стоит обучение", "(стоимость OR стоит OR цена) обучение"),
        ("нужен план урока", "план урока"),
        ("что делать если ребенок одинок", "если ребенок одинок"),
        ("как сделать презентацию", "презентацию"),
        ("как", "как"),  # nothing else left: the word is searched
        ('"где найти"', '"где найти"'),  # quoted words are the user's phrase
    ],
)
def test_question_words_are_not_counted(query, text):
    assert plan(query).text == text


@pytest.mark.parametrize(
    ("query", "grades_named"),
    [
        ("стихотворение Лермонтова первой части", []),
        ("Политическое состояние Руси во второй половине века", []),
        ("как записать ребенка в первый класс", [1]),
        ("где найти рабочую программу по истории для 10 класса", [10]),
        ("класс:5 дроби", []),
    ],
)
def test_ordinals_without_class_are_words(query, grades_named):
    assert plan(query).grades == grades_named


TYPE, ORD, PLACE = DOCUMENT_TYPE_SHARE, ORDINAL_SHARE, PLACE_SHARE


@pytest.mark.parametrize(
    ("query", "shares"),
    [
        # the kind of document (a resource type or its synonym) says less than the topic
        ("где найти рабочую программу по истории", [TYPE, 1]),
        ("контрольная работа по экономике", [TYPE, TYPE, 1]),
        ("тест по культуре Башкортостана", [TYPE, 1, 1]),
        ("учебник Перышкина по физике", [TYPE, 1, 1]),
        # «работа», «план» alone name no kind of document
        ("работа психолога с детьми", [1, 1, 1]),
        ("план работы школы", [1, 1, 1]),
        # an ordinal, and a part of a work next to it («первой части»: one place in a work,
        # the two words side by side), say where, not what
        ("стихотворение Лермонтова первой части", [1, 1, PLACE]),
        ("вторая глава учебника истории", [PLACE, TYPE, 1]),
        ("политика во второй половине века", [1, PLACE, 1]),
        ("первые князья Древней Руси", [ORD, 1, 1, 1]),  # «князья» is no part of a work
        ("часть речи", [1, 1]),  # no ordinal beside it: a word like any other
    ],
)
def test_words_naming_the_kind_of_document_weigh_less(query, shares):
    assert [u.share for u in units(plan(query), build_schema())] == shares


def _m(title, text_grades=(), **values):
    return records.new(
        "material", title=title, status="published", grades=list(text_grades), **values
    )


FIXTURE = [
    _m("Положение о приеме граждан в первый класс", annotation="Прием заявлений в первый класс"),
    _m("Первые русские князья", annotation="Первая половина IX века, первые князья"),
    _m("Контрольная работа по истории за первое полугодие", ["10"]),
    _m("Рабочая программа по музыке", ["5"], annotation="Рабочая программа, рабочая программа"),
    _m("История России. Тест", ["10"], annotation="Тест по истории"),
    _m("Рабочая программа по истории", ["10"], annotation="История, 10 класс"),
    _m("Сказки Пушкина", ["3"]),
    records.new(
        "media", title="История России", grades=["10"], resource_type="Учебник", status="published"
    ),
    _m("Права человека. Обществознание", subjects=["История"]),
    _m("Онегин в первой половине дня", annotation="Онегин"),
    _m("Онегин. Глава первая"),
    _m("Права человека", subjects=["Обществознание"], annotation="Обществознание: права человека"),
    _m("Положение об установлении требований к одежде учащихся", annotation="Требования к одежде"),
    _m("Телеграм бот для электронного дневника", annotation="Бот для Сетевого города"),
    _m("Положение о текущем контроле", annotation="Отметки ставятся в электронный дневник"),
    _m("План работы школы", annotation="Проверка классных журналов"),
    _m("Журнал учета проверок"),
]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    ws = Workspace.create(tmp_path_factory.mktemp("questions") / "ws")
    ws.store.save_many([records.from_dict(records.to_dict(r)) for r in FIXTURE], by="тест")
    return CatalogueIndex.open(ws)


def _titles(index, query):
    return [h.title for h in index.search(query, page_size=20).hits]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("как записать ребенка в первый класс", "Положение о приеме граждан в первый класс"),
        ("где найти рабочую программу по истории для 10 класса", "Рабочая программа по истории"),
    ],
)
def test_questions_find_what_they_mean(index, query, first):
    assert _titles(index, query)[0] == first


@pytest.mark.parametrize(
    ("query", "first"),
    [
        # the same words and grade: a test is a methodical material, a textbook is not
        ("тест по истории России для 10 класса", "История России. Тест"),
        ("где найти конспект по истории России для 10 класса", "История России. Тест"),
        ("учебник по истории России для 10 класса", "История России"),
        ("история России 10 класс", "История России"),  # no kind named: the shorter title
        # the same words: the subject named decides
        ("права человека обществознание", "Права человека"),
        ("права человека история", "Права человека. Обществознание"),
    ],
)
def test_a_kind_of_document_or_subject_named_prefers_records_it_fits(index, query, first):
    assert _titles(index, query)[0] == first


@pytest.mark.parametrize(
    ("query", "kinds", "subjects"),
    [
        ("где найти рабочую программу по истории", {"material"}, {"История"}),
        ("учебник Перышкина по физике", {"media"}, {"Физика"}),
        ("презентация о космосе", {"material", "media"}, set()),
        ("статья из опыта работы", {"material", "portfolio"}, set()),
        ("работа психолога с детьми", set(), {"Психология"}),
        ("основы теории вероятностей", set(), {"Вероятность и статистика"}),
        ("учебник по русскому языку", {"media"}, {"Русский язык"}),
        # a lone adjective names no subject in running text: these are Russian lands
        ("как русские земли жили под властью Орды", set(), set()),
    ],
)
def test_a_question_names_kinds_of_document_and_subjects(query, kinds, subjects):
    assert named(units(plan(query), build_schema())) == (kinds, subjects)


M, H, E = frozenset({"material"}), frozenset({"История"}), frozenset()


@pytest.mark.parametrize(
    ("kinds", "subjects", "named_kinds", "named_subjects", "outside"),
    [
        (["media"], ["История"], M, H, True),  # a textbook when a programme is asked for
        (["material"], ["История"], M, H, False),
        (["material"], ["Экономика"], M, H, True),  # another subject
        (["material"], ["Экономика", "История"], M, H, False),
        (["material"], [], M, H, False),  # no subject known: no evidence against
        (["media"], [], E, H, False),  # no kind of document named
        (["media"], ["Экономика"], E, E, False),  # nothing named
    ],
)
def test_a_record_of_another_kind_or_subject_is_outside(
    kinds, subjects, named_kinds, named_subjects, outside
):
    assert elsewhere(kinds, subjects, named_kinds, named_subjects) is outside


@pytest.mark.parametrize(
    ("query", "finds", "not_finds"),
    [
        ("стихотворение первой части", {"част", "глав", "раздел"}, {"половин"}),
        ("вторая глава учебника", {"част", "глав", "параграф"}, {"половин"}),
        ("во второй половине века", {"половин"}, {"част", "глав"}),  # a half is no division
    ],
)
def test_a_division_of_a_work_beside_an_ordinal_finds_the_others(query, finds, not_finds):
    (place,) = [u for u in units(plan(query), build_schema()) if u.where]
    terms = {w for q in place.query.leaves() if isinstance(q, wq.Phrase) for w in q.words}
    assert finds <= terms
    assert not not_finds & terms


def test_the_first_part_is_the_first_chapter(index):
    assert _titles(index, "Онегин первой части")[0] == "Онегин. Глава первая"


def test_an_ordinal_finds_a_part_of_a_work_only_beside_it(index):
    # «Первые русские князья» has an ordinal and no part of a work beside it: not found
    found = _titles(index, "стихотворение первой части")
    assert found == ["Онегин. Глава первая"]


def test_a_free_text_grade_only_adds_score(index):
    # «для 10 класса» is evidence: a history record without grade 10 is still found
    found = _titles(index, "тест по истории России для 5 класса")
    assert "История России. Тест" in found
    assert found[0] == "История России. Тест"


def test_the_field_syntax_filters(index):
    assert _titles(index, "рабочая программа класс:5") == ["Рабочая программа по музыке"]


def test_a_long_question_finds_records_that_match_most_of_it(index):
    # no record holds every word: those holding most of them are found, best first
    found = _titles(index, "рабочая программа по истории для учителей сельской школы")
    assert found[0] == "Рабочая программа по истории"
    assert found.index("Рабочая программа по музыке") < len(found) - 1
    assert "Сказки Пушкина" not in found[:4]


def test_requirements_for_an_electronic_journal_find_the_journals_not_the_dress_code(index):
    # «требования» names the kind of document (a regulation), «электронный журнал» is one
    # thing with «электронный дневник» and «Сетевой город»: what the question means comes
    # first, a title that shares only «требований» after it
    found = _titles(index, "требования к ведению электронного журнала")
    assert set(found[:2]) == {
        "Телеграм бот для электронного дневника",
        "Положение о текущем контроле",
    }
    assert found.index("Положение об установлении требований к одежде учащихся") >= 2


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("проверка журнала", "План работы школы"),
        ("учет журналов", "Журнал учета проверок"),
        ("журнала", "План работы школы"),  # one word finds its other forms too
        ("журналов", "Журнал учета проверок"),
    ],
)
def test_every_form_of_a_noun_in_al_finds_the_others(index, query, title):
    # Snowball stems «журнал», «журнала» as «журна» and «журналов» as «журнал»
    assert title in _titles(index, query)[:2]
