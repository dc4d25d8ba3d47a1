"""Matching schools' rows to the federal list: typos, abbreviations, word forms, initials, grades;
accuracy on a generated set of school lists whose truth is known (bench/textbooks_match.py runs
the full 20 schools)."""

from __future__ import annotations

import pytest

from bench.textbooks_match import measure
from catalogue.textbooks.generator import load_truth
from catalogue.textbooks.matching import ACCEPT, Book, Matcher, Query, people, words
from catalogue.workspace import Workspace

BOOKS = [
    Book.of("m5", "Математика: 5-й класс: базовый уровень: учебник: в 2 частях",
            ["Виленкин Н.Я.", "Жохов В.И.", "Чесноков А.С."], ["5"],
            "Акционерное общество «Издательство «Просвещение»"),
    Book.of("m6", "Математика: 6-й класс: базовый уровень: учебник: в 2 частях",
            ["Виленкин Н.Я.", "Жохов В.И.", "Чесноков А.С."], ["6"],
            "Акционерное общество «Издательство «Просвещение»"),
    Book.of("r5", "Русский язык: 5-й класс: базовый уровень: учебник",
            ["Ладыженская Т.А.", "Баранов М.Т."], ["5"],
            "Акционерное общество «Издательство «Просвещение»"),
    Book.of("pe", "Физическая культура: 5 - 9-е классы: базовый уровень: учебник",
            ["Виленский М.Я.", "Туревский И.М."], ["5", "6", "7", "8", "9"],
            "Акционерное общество «Издательство «Просвещение»"),
    Book.of("b7a", "Биология: 7-й класс: базовый уровень: учебник", ["Быстров А.М."], ["7"],
            "Общество с ограниченной ответственностью «ДРОФА»"),
    Book.of("b7z", "Биология: 7-й класс: базовый уровень: учебник", ["Быстров З.Г."], ["7"],
            "Общество с ограниченной ответственностью «ДРОФА»"),
]  # fmt: skip
MATCHER = Matcher(BOOKS)


@pytest.mark.parametrize(
    ("title", "authors", "grades", "publisher", "expected"),
    [
        ("Математика", ("Виленкин Н.Я.", "Жохов В.И."), ("5",), "Просвещение", "m5"),
        ("Матем.", ("Виленкин",), ("6",), "", "m6"),
        ("Мат-ка. 6 класс", ("Н.Я. Виленкин",), ("6",), "Просв.", "m6"),
        ("Учебник по математике для 5 класса", ("Виленкн Н.Я.",), ("5",), "", "m5"),
        ("Рус. яз.", ("Ладыженская Т.А.",), ("5",), "Просвещение", "r5"),
        ("Учебник по русскому языку", ("Ладыженская", "Баранов"), ("5",), "", "r5"),
        ("Руский язык", ("Ладыженская Т.А.", "Баранов М.Т."), ("5",), "", "r5"),
        ("Физкультура", ("Виленский М.Я.",), ("5", "6", "7", "8", "9"), "", "pe"),
        ("Биология", ("Быстров А.М.",), ("7",), "Дрофа", "b7a"),
        ("Биология", ("З.Г. Быстров",), ("7",), "Дрофа", "b7z"),
    ],
)
def test_rows_as_schools_write_them_find_their_book(title, authors, grades, publisher, expected):
    found = MATCHER.match(Query(title, authors, grades, publisher))
    assert (found.outcome, found.record_id) == ("matched", expected)
    assert found.confidence >= ACCEPT


@pytest.mark.parametrize(
    ("title", "authors", "grades"),
    [
        ("Биология", ("Быстров",), ("7",)),  # two authors of that name: a methodist decides
        ("Математика", ("Виленкин Н.Я.",), ("5", "6")),  # one row for two books
    ],
)
def test_ambiguous_rows_are_flagged_with_alternatives(title, authors, grades):
    found = MATCHER.match(Query(title, authors, grades))
    assert found.outcome == "ambiguous" and found.record_id == ""
    assert len(found.alternatives) >= 2
    assert found.alternatives[0].score >= found.alternatives[1].score


@pytest.mark.parametrize(
    ("title", "authors"),
    [("Шахматы в школе", ("Прудникова Е.А.",)), ("Краеведение Приреченского края", ())],
)
def test_books_not_in_the_list_are_said_to_be_so(title, authors):
    assert MATCHER.match(Query(title, authors, ("5",))).outcome == "none"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Виленкин Н.Я., Жохов В.И. и др.", [("виленкин", "ня"), ("жохов", "ви")]),
        ("Н. Я. Виленкин", [("виленкин", "ня")]),
        ("Пёрышкин", [("перышкин", "")]),
    ],
)
def test_people_are_read_in_any_order(text, expected):
    from catalogue.textbooks.matching import split_authors

    assert people(split_authors(text)) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [("математика", "математике"), ("Литература", "лит-ра"), ("ИЗО", "изобразительное искусство")],
)
def test_word_forms_and_abbreviations_fold_together(a, b):
    first, second = words(a), words(b)
    assert first[0].rstrip(".")[:3] == second[0].rstrip(".")[:3]


PUBLISHER = "Акционерное общество «Издательство «Просвещение»"
FRENCH = ["Кулигина А.С.", "Щепилова А.В."]
TWINS = [
    Book.of("fr9-new", "Французский язык: 9-й класс: учебник; 12-е издание, переработанное",
            FRENCH, ["9"], PUBLISHER, list_number="1.1.2.3.1.5.5.", appendix="1",
            order_year=2022, valid_until="2027-04-25"),
    Book.of("fr9-old", "Французский язык", FRENCH, ["9"], PUBLISHER,
            list_number="1.1.2.3.1.17.4.", appendix="2", order_year=2020,
            valid_until="2027-08-31"),
    Book.of("es6-deep", "Испанский язык: 6-й класс: углубленный уровень: учебник; 7-е издание",
            ["Анурова И.В."], ["6"], PUBLISHER, appendix="1", order_year=2022),
    Book.of("es6-basic", "Испанский язык: 6-й класс: базовый уровень: учебник",
            ["Анурова И.В."], ["6"], PUBLISHER, appendix="1", order_year=2022),
    Book.of("lit4-two", "Литературное чтение (в 2 частях)", ["Матвеева Е.И."], ["4"],
            PUBLISHER, appendix="2", order_year=2020),
    Book.of("lit4-three", "Литературное чтение (в 3 частях)", ["Матвеева Е.И."], ["4"],
            PUBLISHER, appendix="2", order_year=2020),
    Book.of("lit4-three-more", "Литературное чтение (в 3 частях)",
            ["Матвеева Е.И.", "Матвеев А.А."], ["4"], PUBLISHER, appendix="2", order_year=2020),
    Book.of("es5-6", "Испанский язык. Второй иностранный язык", ["Костылева С.В."],
            ["5", "6"], PUBLISHER, appendix="2", order_year=2020),
    Book.of("es5", "Испанский язык: второй иностранный язык: 5-й класс: учебник; 1-ое издание",
            ["Костылева С.В."], ["5"], PUBLISHER, appendix="1", order_year=2022),
    Book.of("excluded", "Обществознание", ["Котова О.А."], ["9"], PUBLISHER, excluded=True),
    Book.of("current", "Обществознание", ["Котова О.А."], ["9"], PUBLISHER),
]  # fmt: skip
TWIN_MATCHER = Matcher(TWINS)


@pytest.mark.parametrize(
    ("query", "expected", "evidence"),
    [
        (
            Query("Французский язык", ("Кулигина",), ("9",), "Просвещение", 2019),
            "fr9-old",
            "a copy of 2019 is older than the 2022 order that included the new edition",
        ),
        (
            Query("Французский язык. 12-е издание", FRENCH, ("9",), "", 2023),
            "fr9-new",
            "the edition",
        ),
        (
            Query("Французский язык", FRENCH, ("9",), "", 2023, "1.1.2.3.1.17.4"),
            "fr9-old",
            "the list number",
        ),
        (Query("Испанский язык: углубл. уровень", ("Анурова",), ("6",)), "es6-deep", "the level"),
        (
            Query("Испанский язык. 6 класс: баз. уровень", ("Анурова",), ("6",)),
            "es6-basic",
            "the level",
        ),
        (
            Query("Литературное чтение (в 2 частях)", ("Матвеева Е.И.",), ("4",)),
            "lit4-two",
            "the parts",
        ),
        (
            Query("Литературное чтение (в 3 частях)", ("Матвеева Е.И.",), ("4",), others=True),
            "lit4-three-more",
            "«и др.»: the book has more authors than the row names",
        ),
        (
            Query("Испанский язык. 5 класс", ("Костылева С.В.",), ("5",), PUBLISHER, 2023),
            "es5",
            "the grades: a book for grade 5 rather than for grades 5-6",
        ),
    ],
)
def test_twins_are_told_apart_by_what_the_row_says(query, expected, evidence):
    found = TWIN_MATCHER.match(query)
    assert (found.outcome, found.record_id) == ("matched", expected), evidence
    assert found.confidence >= ACCEPT


@pytest.mark.parametrize(
    ("query", "tied", "first"),
    [
        # nothing in the row separates the two editions: both offered, the current one first
        (
            Query("Французский язык", FRENCH, ("9",), "Просвещение", 2023),
            {"fr9-new", "fr9-old"},
            "fr9-new",
        ),
        (
            Query("Литературное чтение (в 3 частях)", ("Матвеева Е.И.",), ("4",)),
            {"lit4-three", "lit4-three-more"},
            "lit4-three",
        ),
        # a book still in the list is offered before the excluded one, never chosen for it
        (Query("Обществознание", ("Котова",), ("9",)), {"current", "excluded"}, "current"),
    ],
)
def test_indistinguishable_twins_are_left_to_a_methodist(query, tied, first):
    found = TWIN_MATCHER.match(query)
    assert found.outcome == "ambiguous" and found.record_id == ""
    assert set(found.tied) == tied
    assert found.alternatives[0].record_id == first == found.tied[0]


def test_accuracy_on_generated_school_lists(textbook_home, tmp_path):
    """≥ 95 % of rows right and no confident wrong match (the rest flagged)."""
    import shutil

    home = tmp_path / "workspace"
    shutil.copytree(textbook_home, home)
    lists = textbook_home.parent / "lists"
    with Workspace.open(home) as ws:
        accuracy = measure(ws, lists, load_truth(lists))
    assert accuracy.rows > 200
    assert accuracy.wrong == 0, accuracy.wrong_rows
    assert accuracy.share_right >= 0.95
    assert accuracy.right + accuracy.flagged == accuracy.rows
    assert accuracy.indistinguishable <= accuracy.flagged
