"""ГОСТ Р 7.0.100-2018 references (golden strings, exact dashes and spaces); RIS and BibTeX
round-trips through independent parsers (rispy, bibtexparser)."""

from __future__ import annotations

import datetime as dt

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware

from catalogue.citations import cite, cite_many, gost
from catalogue.citations.reference import Host, Reference, from_record, split_title
from catalogue.records import new

DAY = dt.date(2026, 3, 5)


def gold(text: str) -> str:
    """Golden strings are written with «~» for the no-break space U+00A0."""
    return text.replace("~", "\u00a0")


def material(**values):
    base = dict(
        title="Конспект урока",
        authors=["Иванова Анна Сергеевна"],
        year=2024,
        organisation="МБОУ «СОШ № 5»",
        resource_type="Конспект урока",
        subjects=["Математика"],
        grades=["5"],
    )
    return new("material", **{**base, **values}, id="mat-000001")


def book(**values):
    base = dict(
        title="Музыка. 8 класс: учебник для общеобразовательных организаций",
        authors=["Голубева В. В."],
        year=2016,
        format="учебник",
        carrier="печатное издание",
        publisher="Вентана-Граф",
        place="Москва",
        pages=208,
        series="Классический курс",
        isbn="978-5-360-21843-2",
    )
    return new("media", **{**base, **values}, id="med-000001")


FOUR = [
    "Иванов Иван Иванович",
    "Петров Пётр Петрович",
    "Сидорова Анна Ильинична",
    "Кузнецов Олег Игоревич",
]

GOLDEN = {
    "printed book, one author": (
        book(),
        "Голубева,~В.~В. Музыка. 8 класс~: учебник для общеобразовательных организаций~/ "
        "В.~В.~Голубева.~– Москва~: Вентана-Граф, 2016.~– 208~с.~– (Классический курс).~– "
        "ISBN 978-5-360-21843-2.~– Текст~: непосредственный.",
    ),
    "two authors": (
        book(authors=["Голубева Вера Викторовна", "Ли Анна-Мария"], series="", isbn=""),
        "Голубева,~В.~В. Музыка. 8 класс~: учебник для общеобразовательных организаций~/ "
        "В.~В.~Голубева, А.-М.~Ли.~– Москва~: Вентана-Граф, 2016.~– 208~с.~– "
        "Текст~: непосредственный.",
    ),
    "three authors, initials first": (
        book(
            authors=["В. В. Голубева", "Петров П.П.", "Сидорова, Анна"],
            title="Музыка",
            series="",
            isbn="",
            pages=None,
        ),
        "Голубева,~В.~В. Музыка~/ В.~В.~Голубева, П.~П.~Петров, А.~Сидорова.~– "
        "Москва~: Вентана-Граф, 2016.~– Текст~: непосредственный.",
    ),
    "four authors: under the title with [и др.]": (
        book(authors=FOUR, title="Математика. 5 класс: учебник", series="", isbn=""),
        "Математика. 5 класс~: учебник~/ И.~И.~Иванов, П.~П.~Петров, А.~И.~Сидорова "
        "[и~др.].~– Москва~: Вентана-Граф, 2016.~– 208~с.~– Текст~: непосредственный.",
    ),
    "no publisher, no year": (
        book(
            publisher="", place="", year=None, series="", isbn="", pages=None, title="Сборник задач"
        ),
        "Голубева,~В.~В. Сборник задач~/ В.~В.~Голубева.~– [Б.~м.]~: [б.~и.], [б.~г.].~– "
        "Текст~: непосредственный.",
    ),
    "material: electronic text, school as publisher, resource type as other info": (
        material(title="Сложение дробей"),
        "Иванова,~А.~С. Сложение дробей~: конспект урока~/ А.~С.~Иванова.~– "
        "[Б.~м.]~: МБОУ «СОШ №~5», 2024.~– Текст~: электронный.",
    ),
    "material whose title starts with its type": (
        material(title="Конспект урока «Дроби» (5 класс)"),
        "Иванова,~А.~С. Конспект урока «Дроби» (5 класс)~/ А.~С.~Иванова.~– "
        "[Б.~м.]~: МБОУ «СОШ №~5», 2024.~– Текст~: электронный.",
    ),
    "electronic resource with URL and access date": (
        material(
            title="Дроби на координатном луче",
            resource_type="ЦОР",
            organisation="",
            links=["https://school5.example/drobi"],
        ),
        "Иванова,~А.~С. Дроби на координатном луче~: ЦОР~/ А.~С.~Иванова.~– "
        "[Б.~м.]~: [б.~и.], 2024.~– URL: https://school5.example/drobi "
        "(дата обращения: 05.03.2026).~– Текст~: электронный.",
    ),
    "article presented at an event: part with //": (
        material(
            title="Из опыта работы с одарёнными детьми",
            resource_type="Статья",
            event="Педагогические чтения «Воспитать человека», 2024",
            authors=["Иванова Анна Сергеевна", "Петрова Ольга Николаевна"],
        ),
        "Иванова,~А.~С. Из опыта работы с одарёнными детьми~/ А.~С.~Иванова, "
        "О.~Н.~Петрова.~– Текст~: электронный~// Педагогические чтения «Воспитать "
        "человека», 2024~: материалы.~– [Б.~м.]~: [б.~и.], 2024.",
    ),
    "video on DVD with duration, no authors": (
        book(
            authors=[],
            title="Открытый урок «Наша школа»",
            format="видео",
            carrier="DVD-диск",
            publisher="",
            place="",
            pages=None,
            duration_min=41,
            series="",
            isbn="",
        ),
        "Открытый урок «Наша школа».~– [Б.~м.]~: [б.~и.], 2016.~– 1 DVD-видео (41~мин).~– "
        "Изображение (движущееся ; двухмерное)~: видео.",
    ),
    "network video": (
        book(
            authors=[],
            title="Опыты по физике",
            format="видео",
            carrier="сетевой ресурс",
            publisher="ИМК",
            place="Северореченск",
            pages=None,
            series="",
            isbn="",
            links=["https://video.example/1"],
        ),
        "Опыты по физике.~– Северореченск~: ИМК, 2016.~– URL: https://video.example/1 "
        "(дата обращения: 05.03.2026).~– Изображение (движущееся ; двухмерное)~: электронное.",
    ),
}


@pytest.mark.parametrize(("record", "expected"), GOLDEN.values(), ids=GOLDEN.keys())
def test_gost_golden(record, expected):
    assert cite(record, "gost", accessed=DAY) == gold(expected)


def test_the_golden_strings_carry_the_exact_marks():
    text = cite(book(), "gost", accessed=DAY)
    assert "\u2013" in text and "-" not in text.replace("978-5-360-21843-2", "").replace(
        "Вентана-Граф", ""
    )
    assert ". – " not in text  # the space before the dash is a no-break space
    assert text.count("\u00a0– ") == 5


def test_a_part_built_by_hand_carries_its_host_pages():
    ref = Reference(
        key="x",
        title="Статья",
        authors=["Иванов И. И."],
        year=2020,
        host=Host(
            title="Сборник трудов",
            other_info="сборник статей",
            place="Москва",
            publisher="Наука",
            year=2020,
            pages="С. 5–10",
        ),
    )
    assert gost.format_reference(ref) == gold(
        "Иванов,~И.~И. Статья~/ И.~И.~Иванов.~– Текст~: электронный~// Сборник трудов~: "
        "сборник статей.~– Москва~: Наука, 2020.~– С.~5–10."
    )


@pytest.mark.parametrize(
    ("name", "surname", "initials"),
    [
        ("Голубева Вера Викторовна", "Голубева", "В.~В."),
        ("Голубева В. В.", "Голубева", "В.~В."),
        ("Голубева В.В.", "Голубева", "В.~В."),
        ("В. В. Голубева", "Голубева", "В.~В."),
        ("Голубева, Вера", "Голубева", "В."),
        ("Салтыков-Щедрин Михаил Евграфович", "Салтыков-Щедрин", "М.~Е."),
        ("Ли Анна-Мария", "Ли", "А.-М."),
        ("Аристотель", "Аристотель", ""),
    ],
)
def test_names(name, surname, initials):
    assert gost.split_name(name) == (surname, gold(initials))


@pytest.mark.parametrize(
    ("title", "main", "other"),
    [
        ("Музыка. 8 класс: учебник", "Музыка. 8 класс", "учебник"),
        ("Урок «Время: часы и минуты»", "Урок «Время: часы и минуты»", ""),
        ('Урок "Время: часы"', 'Урок "Время: часы"', ""),
        ("Без подзаголовка", "Без подзаголовка", ""),
        ("Время 10:30", "Время 10:30", ""),
    ],
)
def test_split_title(title, main, other):
    assert split_title(title) == (main, other)


ROUND_TRIP = [rec for rec, _ in GOLDEN.values()] + [
    material(
        title="Проценты & доли {50%} $5 #1 a_b ~ ^",
        keywords=["проценты", "доли"],
        annotation="Строка 1\nстрока 2",
        links=["https://a.example/x?y=1&z=2"],
    ),
]


@pytest.mark.parametrize("record", ROUND_TRIP, ids=lambda r: r.title[:30])
def test_ris_round_trip(record):
    parsed = rispy.loads(cite(record, "ris", accessed=DAY))
    assert len(parsed) == 1
    entry = parsed[0]
    ref = from_record(record, DAY)
    title = f"{ref.title}: {ref.other_info}" if ref.other_info else ref.title
    assert entry["title"] == title
    assert entry["id"] == record.id
    assert [a.split(",")[0] for a in entry.get("authors", [])] == [
        gost.split_name(a)[0] for a in record.authors
    ]
    assert entry.get("year", "") == (str(record.year) if record.year else "")
    assert entry.get("keywords", []) == record.keywords
    assert entry.get("urls", []) == record.links
    if record.annotation:
        assert entry["abstract"] == " ".join(record.annotation.split())


@pytest.mark.parametrize("record", ROUND_TRIP, ids=lambda r: r.title[:30])
def test_bibtex_round_trip(record):
    library = bibtexparser.parse_string(
        cite(record, "bibtex", accessed=DAY),
        append_middleware=[LatexDecodingMiddleware()],
    )
    assert not library.failed_blocks
    (entry,) = library.entries
    ref = from_record(record, DAY)
    title = f"{ref.title}: {ref.other_info}" if ref.other_info else ref.title
    assert entry.key == record.id
    # pylatexenc renders \textasciicircum{} as U+02C6 (modifier circumflex)
    assert entry.fields_dict["title"].value.replace("\u02c6", "^") == title
    if record.authors:
        names = entry.fields_dict["author"].value.split(" and ")
        assert [n.split(",")[0] for n in names] == [gost.split_name(a)[0] for a in record.authors]
    if record.year:
        assert entry.fields_dict["year"].value == str(record.year)
    if record.links:  # URLs are verbatim: read without LaTeX decoding
        raw = bibtexparser.parse_string(cite(record, "bibtex", accessed=DAY))
        assert raw.entries[0].fields_dict["url"].value == record.links[0]
    expected_type = (
        "incollection" if ref.host else ("book" if ref.format in ("книга", "учебник") else "misc")
    )
    assert entry.entry_type == expected_type


@pytest.mark.parametrize("style", ["ris", "bibtex"])
def test_many_references_in_one_file(style):
    records = [rec for rec, _ in GOLDEN.values()]
    for n, record in enumerate(records):
        record.id = f"rec-{n}"
    text = cite_many(records, style, DAY)
    if style == "ris":
        assert [e["id"] for e in rispy.loads(text)] == [r.id for r in records]
    else:
        assert [e.key for e in bibtexparser.parse_string(text).entries] == [r.id for r in records]


def test_unknown_style():
    with pytest.raises(ValueError):
        cite(book(), "apa")
