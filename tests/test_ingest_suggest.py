"""Metadata suggestions from document text and properties."""

from __future__ import annotations

import csv

import pytest

from bench.ingest_accuracy import expected_subject, title_matches
from catalogue.extract import Limits, extract_text
from catalogue.ingest import suggest, titles
from catalogue.records import Material
from tests.conftest import REAL_CORPUS


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
        ("Урок", "русских земель, русские князья " * 5, ["История"]),  # not «Русский язык»
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
            "университет\nКафедра педагогики\nБрейн ринг\n«ООН и права человека»\n\nЦель: …",
            "Брейн ринг «ООН и права человека»",
        ),
        (
            "@учитьсяинтересно\nhttps://vk.com/nachklassa\n"
            "Рабочий лист «Сказка про храброго зайца»",
            "Рабочий лист «Сказка про храброго зайца»",
        ),
        (
            "| Рассмотрено | «УТВЕРЖДАЮ» |\nПОЛОЖЕНИЕ\nо\nпорядке приема граждан\nна обучение",
            "Положение о порядке приема граждан на обучение",
        ),
        (
            "МБС(к)ОУ №10 VIII вида\nРабота с детьми в трудной жизненной ситуации",
            "Работа с детьми в трудной жизненной ситуации",
        ),
        (
            "ПРОЕКТ\nЕдиный государственный экзамен по ИСТОРИИ",
            "Единый государственный экзамен по истории (проект)",
        ),
        (
            "Обобщающий урок – ток-шоу на тему\n«Эпоха Ивана IV Грозного»",
            "Обобщающий урок – ток-шоу на тему «Эпоха Ивана IV Грозного»",
        ),
    ],
)
def test_title_skips_headers_links_and_joins_continuations(text, title):
    assert suggest.suggest_title(text, {}, "x.docx") == title


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (  # approval stamp with a signature, letter-spaced type word, organisation after it
            "Рассмотрено «УТВЕРЖДАЮ»\nна заседании Педагогического совета Директор\n"
            "Ш. И.Ахметкужина\n«12» февраля 2016 г\n\nП О Л О Ж Е Н И Е\n"
            "о режиме занятий обучающихся\nМуниципального бюджетного общеобразовательного "
            "учреждения\n\n1. Режим занятий",
            "Положение о режиме занятий обучающихся",
        ),
        (  # an upper-case title over three lines, then «Разработана…»
            "Частное общеобразовательное учреждение\n«Интернешнл монтессори скул»\n"
            "ПРИНЯТО решением Педагогического совета\n\nРАБОЧАЯ ПРОГРАММА\n"
            "ВОСПИТАТЕЛЬНО-ОБРАЗОВАТЕЛЬНОЙ ДЕЯТЕЛЬНОСТИ\nдетей первого года обучения (2,5 – 3 "
            "года)\n\nРазработана в соответствии с ФГОС",
            "Рабочая программа воспитательно-образовательной деятельности детей первого года "
            "обучения (2,5 – 3 года)",
        ),
        (  # a long series heading is left out, the document's own type kept, draft marked
            "ПРОЕКТ\n\nГосударственная итоговая аттестация по образовательным\nпрограммам "
            "основного общего образования в форме\nосновного государственного экзамена (ОГЭ)"
            "\n\nСпецификация\nконтрольных измерительных материалов для проведения\nв 2018 "
            "году основного государственного экзамена\nпо ИСТОРИИ\n\nподготовлена ФИПИ",
            "Спецификация контрольных измерительных материалов для проведения в 2018 году "
            "основного государственного экзамена по истории (ОГЭ) (проект)",
        ),
        (  # a type word with the organisation it belongs to, then the school year
            "Принят «Утверждаю»\nПротокол № ___\n\nПЛАН РАБОТЫ\nМОБУ СОШ с. Целинный\n"
            "на 2015/2016 учебный год\n\n№ пп Содержание работы",
            "План работы МОБУ СОШ с. Целинный на 2015/2016 учебный год",
        ),
        (  # the author's name inside the title block is left out
            "УТВЕРЖДАЮ\nЗаведующий Валеева С.Ш\n\nТворческий план\nМузыкального руководителя\n"
            "Гронской Е.С.\nна тему: «Музыкотерапия, как средство\nразвития детей»\n\n"
            "Пояснительная записка",
            "Творческий план музыкального руководителя на тему: «Музыкотерапия, как средство "
            "развития детей»",
        ),
        (  # slides: heading lines set apart by spacing; «План урока» ends the title
            "3 урок\nЖизненный цикл бага, техники тест-дизайна\n\nБагтрекинговые системы",
            "3 урок. Жизненный цикл бага, техники тест-дизайна",
        ),
        (  # a body sentence and a glossary are no title: the file name is used
            "Абсолютизм – форма феодального государства, при которой монарху принадлежит "
            "неограниченная верховная власть в стране и во всех её землях.",
            "x",
        ),
    ],
)
def test_title_block(text, title):
    assert suggest.suggest_title(text, {}, "x.docx") == title


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (  # «УТВЕРЖДЕНО» wrapped onto «и введено в действие»: the stamp, not the title
            "ПРИНЯТО\nпедагогическим советом\nпротокол №___\n\nУТВЕРЖДЕНО\n"
            "и введено в действие\nприказом от «12» февраля 2016 года\n\nПоложение о\n"
            "ПОРЯДКЕ ПРИЕМА ГРАЖДАН\n\n1. Настоящее положение разработано",
            "Положение о порядке приема граждан",
        ),
        (  # a signatory's post over three lines, each wrapped line lower-case
            "СОГЛАСОВАНО\n\nПредседатель комитета по управлению собственностью Министерства\n"
            "земельных и имущественных\nотношений Республики Башкортостан\n\n______\n\n"
            "УСТАВ\n\nМУНИЦИПАЛЬНОГО БЮДЖЕТНОГО УЧРЕЖДЕНИЯ\n\nс. Целинный, 2015",
            "Устав муниципального бюджетного учреждения",
        ),
        (  # a lower-case line after a blank is no longer the stamp: it may open the title
            "УТВЕРЖДАЮ\nДиректор школы\n\nпамятка для родителей первоклассников\n\n"
            "Режим дня первоклассника складывается из сна, учёбы, прогулок и игр.",
            "Памятка для родителей первоклассников",
        ),
        (  # after an organisation (not a stamp) a lower-case line may still be the title
            "МБОУ СОШ № 10\nза I и II четверти 2014-2015 учебного года\n\n№ Фамилия",
            "За I и II четверти 2014-2015 учебного года",
        ),
    ],
)
def test_title_skips_a_wrapped_stamp(text, title):
    assert suggest.suggest_title(text, {}, "x.docx") == title


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (  # the contents come first: the title is the heading after them
            "Составитель:\nМузыкальный руководитель\n\nСОДЕРЖАНИЕ\nДыхательная гимнастика. 3\n"
            "Комплексы упражнений. 4\nИспользованная литература 41\n\n"
            "ДЫХАТЕЛЬНАЯ ГИМНАСТИКА.\n\nДыхательная система детей несовершенна, и чем меньше "
            "ребенок, тем она слабее.",
            "Дыхательная гимнастика",
        ),
        (  # «Оглавление:» the same way
            "Оглавление:\nВведение 2\nГлава 1. Игры 5\n\nИгры на прогулке\n\n"
            "Прогулка начинается с подвижной игры, которую выбирают сами дети.",
            "Игры на прогулке",
        ),
        (  # contents after the title end it and are never read as a title
            "Картотека подвижных игр\n\nСОДЕРЖАНИЕ\nИгры зимой. 3\nИгры летом. 5",
            "Картотека подвижных игр",
        ),
    ],
)
def test_title_skips_contents(text, title):
    assert suggest.suggest_title(text, {}, "x.docx") == title


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "[Экономическая классификация расходов\n\n|Наименование статьи",
            "Экономическая классификация расходов",
        ),
        ("Формулы [1] и задачи по физике", "Формулы [1] и задачи по физике"),
    ],
)
def test_title_drops_an_unmatched_bracket(text, title):
    assert suggest.suggest_title(text, {}, "x.pdf") == title


@pytest.mark.parametrize(
    ("text", "meta", "title"),
    [
        # a declared title the text confirms but only in part: the fuller text title wins
        (
            "Урок 1\nНачало работы с Python\n\nПлан",
            {"title": "Урок 1"},
            "Урок 1. Начало работы с Python",
        ),
        # a template's title the text does not confirm
        ("Вебинар 3\nОсновы теории вероятностей", {"title": "Название первого урока"}, None),
        # a program's title, a type word alone, an organisation: never used
        ("Вебинар 3\nОсновы теории вероятностей", {"title": "PowerPoint Presentation"}, None),
        ("Методические рекомендации по выполнению", {"title": "Методические рекомендации"}, None),
        ("Курсовая работа", {"title": "Автономная некоммерческая организация"}, None),
        ("", {"title": "ПРАВИЛА"}, "x"),
    ],
)
def test_declared_title_only_when_it_is_one(text, meta, title):
    expected = title or titles.title_from_text(text)
    assert suggest.suggest_title(text, meta, "x.pptx") == expected


@pytest.mark.parametrize(
    ("title", "text", "subjects"),
    [
        (  # history named nowhere: its words tell it
            "Русь и Золотая Орда",
            "Нашествие Батыя на Русь. Князь Александр Невский, ордынский выход, баскаки. "
            "Битва на реке Калке в XIII веке, княжества и их правление.",
            ["История"],
        ),
        (
            "Родительское собрание «Чтобы ребенок учился»",
            "Уважаемые родители! Семья и школа, семейные ценности, воспитание подростка.",
            ["Воспитательная работа"],
        ),
        (
            "Урок 1. Начало работы с Python",
            "Установка Python, первый алгоритм, программирование на компьютере, код программы.",
            ["Информатика"],
        ),
        (
            "Кинезиологическая распевка",
            "Музыкальный руководитель, пение, песни, ритм, мелодия на музыкальных занятиях.",
            ["Музыка"],
        ),
        ("Образовательный проект «Осень»", "Проект. Проектная работа, проект.", []),
    ],
)
def test_subjects_by_cue_words(title, text, subjects):
    assert suggest.suggest_subjects(title, text) == subjects


def _real(file: str) -> dict[str, str]:
    path = REAL_CORPUS / "MANIFEST.tsv"
    rows = csv.DictReader(path.open(encoding="utf-8"), delimiter="\t") if path.is_file() else []
    return next((row for row in rows if row["file"] == file), {"file": file})


@pytest.mark.real_corpus
@pytest.mark.parametrize(
    "file",
    [
        "docx/montessori_1_god_obucheniya_2_5_3.docx",
        "docx/tselinny_polozhenie_o_internate.docx",
        "docx/tselinny_plan_raboti.docx",
        "doc/tselinny_priem.doc",
        "doc/tselinny_ustav.doc",
        "docx/dou214_tvorcheskiy_plan.docx",
        "docx/psycholog_otchet_o_dne_tol_s_psikhologom.docx",
        "pdf/sharipova_is_oge_demo_2018.pdf",
        "pdf/inf11_inf_11_ege_2022_demo.pdf",
        "pdf/montessori_polozhenie_o_perevode_otchisl_vosstanovl_mss.pdf",
        "pptx/gbmath_urok_1.pptx",
        "pptx/tne_manual_kratkiy_konspekt_3.pptx",
        "odt/inf11_10.odt",
    ],
)
def test_real_documents_titles_and_subjects(file):
    row = _real(file)
    path = REAL_CORPUS / file
    extracted = extract_text(path.read_bytes(), path.name, Limits(ocr=False))
    found = suggest.suggest(extracted.text, extracted.meta, path.name)
    assert title_matches(row["title"], found["title"]), found["title"]
    subject = expected_subject(row["subject"])
    if subject:
        assert subject in found["subjects"]
