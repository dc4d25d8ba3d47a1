"""Metadata suggestions from document text and properties."""

from __future__ import annotations

import pytest

from catalogue.ingest import suggest
from catalogue.records import Material


@pytest.mark.parametrize(
    ("text", "grades"),
    [
        ("Урок математики в 5 классе", ["5"]),
        ("Конспект для 5-го класса", ["5"]),
        ("Рабочая программа для 7–9 классов", ["7", "8", "9"]),
        ("Занятие в старшей группе детского сада", ["ДО"]),
        ("Контрольная работа. 11 кл. Вариант 1", ["11"]),
        ("Текст без классов", []),
    ],
)
def test_grades(text, grades):
    assert suggest.suggest_grades(text, "") == grades


@pytest.mark.parametrize(
    ("title", "text", "subjects"),
    [
        ("Урок математики", "", ["Математика"]),
        ("Куликовская битва", "История России. " * 3, ["История"]),
        ("Урок ИЗО «Осень»", "", ["Изобразительное искусство"]),
        ("Памятка", "Физическое развитие детей. " * 5, []),
        ("Урок", "русских земель, русские князья " * 5, []),
    ],
)
def test_subjects(title, text, subjects):
    assert suggest.suggest_subjects(title, text) == subjects


@pytest.mark.parametrize(
    ("title", "name", "rtype"),
    [
        ("Технологическая карта урока", "a.docx", "Технологическая карта урока"),
        ("Рабочая программа по физике", "a.docx", "Рабочая программа"),
        ("Положение о конкурсе чтецов", "a.pdf", "Положение"),
        ("Контрольная работа по алгебре", "a.doc", "Контрольно-измерительные материалы"),
        ("Сценарий праздника «Осень»", "a.docx", "Сценарий мероприятия"),
        ("Памятка родителям", "a.doc", "Методические рекомендации"),
        ("Урок 1", "a.pptx", "Презентация"),
        ("Что-то", "a.txt", ""),
    ],
)
def test_resource_type(title, name, rtype):
    assert suggest.suggest_resource_type(title, "", name) == rtype


@pytest.mark.parametrize(
    ("text", "meta", "title"),
    [
        ("Текст", {"title": "Микроорганизмы вокруг нас"}, "Микроорганизмы вокруг нас"),
        (
            "УТВЕРЖДАЮ\nДиректор МБОУ СОШ № 1\nПОЛОЖЕНИЕ\nо школьной форме",
            {"title": "Документ1"},
            "Положение о школьной форме",
        ),
        (
            "______\n12.01.2016\nСценарий праздника «Осень»",
            {"title": "Microsoft Word - x.doc"},
            "Сценарий праздника «Осень»",
        ),
        ("", {}, "урок дроби"),
    ],
)
def test_title(text, meta, title):
    assert suggest.suggest_title(text, meta, "урок_дроби.docx") == title


@pytest.mark.parametrize(
    ("text", "meta", "authors"),
    [
        ("Составитель: Иванова Мария Петровна", {}, ["Иванова Мария Петровна"]),
        ("Подготовила учитель истории Шарипова С.Р.", {"author": "User"}, ["Шарипова С.Р."]),
        ("Текст без автора", {"author": "Петров П.П."}, ["Петров П.П."]),
        ("Текст без автора", {"author": "Admin"}, []),
    ],
)
def test_authors(text, meta, authors):
    assert suggest.suggest_authors(text, meta) == authors


@pytest.mark.parametrize(
    ("text", "meta", "year"),
    [
        ("План на 2021-2022 учебный год", {"year": 2015}, 2021),
        ("Приказ от 12.01.2016 г. Утверждено в 2016 г.", {}, 2016),
        ("Без года", {"year": 2019}, 2019),
        ("Без года", {}, None),
    ],
)
def test_year(text, meta, year):
    assert suggest.suggest_year(text, meta) == year


def test_apply_fills_only_empty_fields_and_marks_suggestions():
    record = Material(title="Название от методиста", subjects=[])
    values = {"title": "Другое", "subjects": ["Математика"], "grades": ["5"]}
    suggest.apply(record, values)
    assert record.title == "Название от методиста"
    assert record.subjects == ["Математика"] and record.grades == ["5"]
    assert record.suggested == values


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "Министерство образования и науки РФ\nБашкирский государственный педагогический "
            "университет\nКафедра педагогики\nБрейн ринг\n«ООН и права человека»\n(план)",
            "Брейн ринг «ООН и права человека»",
        ),
        (
            "@учитьсяинтересно\nhttps://vk.com/nachklassa\n"
            "Рабочий лист «Сказка про храброго зайца»",
            "Рабочий лист «Сказка про храброго зайца»",
        ),
        (
            "| Рассмотрено | «УТВЕРЖДАЮ» |\nПОЛОЖЕНИЕ\nо\nпорядке приема граждан\nна обучение",
            "Положение о порядке приема граждан",
        ),
        (
            "МБС(к)ОУ №10 VIII вида\nРабота с детьми в трудной жизненной ситуации",
            "Работа с детьми в трудной жизненной ситуации",
        ),
        (
            "ПРОЕКТ\nЕдиный государственный экзамен по ИСТОРИИ",
            "Единый государственный экзамен по ИСТОРИИ",
        ),
        (
            "Обобщающий урок – ток-шоу на тему\n«Эпоха Ивана IV Грозного»",
            "Обобщающий урок – ток-шоу на тему «Эпоха Ивана IV Грозного»",
        ),
    ],
)
def test_title_skips_headers_links_and_joins_continuations(text, title):
    assert suggest.suggest_title(text, {}, "x.docx") == title
