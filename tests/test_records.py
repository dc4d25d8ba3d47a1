"""The record model, vocabularies and validation messages."""

from __future__ import annotations

import pytest

from catalogue import i18n, records, validation, vocabularies
from catalogue.validation import ValidationError


@pytest.mark.parametrize(
    ("vocab", "value", "canonical"),
    [
        ("subjects", "ИЗО", "Изобразительное искусство"),
        ("subjects", "изо", "Изобразительное искусство"),
        ("subjects", "ОБЖ", "Основы безопасности и защиты Родины"),
        ("subjects", "физра", "Физическая культура"),
        ("subjects", "технология", "Труд (технология)"),
        ("subjects", "Труд (технология)", "Труд (технология)"),
        ("subjects", "окр. мир", "Окружающий мир"),
        ("grades", "V", "5"),
        ("grades", "11 класс", "11"),
        ("levels", "начальная школа", "НОО"),
        ("resource_types", "КТП", "Календарно-тематическое планирование"),
        ("resource_types", "техкарта", "Технологическая карта урока"),
        ("categories", "ВКК", "Высшая"),
        ("categories", "педагог-методист", "Педагог-методист"),
        ("categories", "наставник", "Педагог-наставник"),
        ("statuses", "на экспертизе", "review"),
        ("statuses", "опубликовано", "published"),
    ],
)
def test_synonyms_resolve_to_canonical_values(vocab, value, canonical):
    assert vocabularies.get(vocab).resolve(value).code == canonical


@pytest.mark.parametrize("name", vocabularies.NAMES)
def test_every_vocabulary_loads_and_has_unique_names(name):
    vocab = vocabularies.get(name)
    names = [term.name for term in vocab]
    assert names and len(names) == len(set(names))


def test_curriculum_has_the_2024_subject_names():
    subjects = vocabularies.get("subjects").codes()
    assert "Труд (технология)" in subjects
    assert "Основы безопасности и защиты Родины" in subjects
    assert "Технология" not in subjects and "ОБЖ" not in subjects


def test_normalise_maps_synonyms_and_derives_levels():
    record = records.new(
        "material",
        title="  Дроби   и проценты ",
        subjects=["матем", "ИЗО", "ИЗО"],
        grades=["V", "10"],
        resource_type="КИМ",
        status="опубликовано",
    )
    validation.check(record)
    assert record.title == "Дроби и проценты"
    assert record.subjects == ["Математика", "Изобразительное искусство"]
    assert record.grades == ["5", "10"]
    assert record.levels == ["ООО", "СОО"]
    assert record.resource_type == "Контрольно-измерительные материалы"
    assert record.status == "published"


@pytest.mark.parametrize(
    ("kind", "values", "field", "fragment"),
    [
        ("material", {"title": ""}, "title", "«Название» обязательно"),
        ("material", {"title": "x", "subjects": ["Астрология"]}, "subjects", "«Астрология»"),
        ("material", {"title": "x", "grades": ["13"]}, "grades", "«Классы»"),
        ("material", {"title": "x", "year": 1500}, "year", "«Год»"),
        ("material", {"title": "x", "links": ["javascript:alert(1)"]}, "links", "http"),
        ("material", {"title": "x", "resource_type": "Гороскоп"}, "resource_type", "«Тип"),
        ("media", {"title": "x", "isbn": "abc"}, "isbn", "ISBN"),
        ("media", {"title": "x", "pages": -3}, "pages", "«Страниц»"),
        ("portfolio", {"title": "x"}, "teacher", "«Педагог» обязательно"),
        (
            "portfolio",
            {"title": "x", "teacher": "А", "category_assigned": "31 августа"},
            "category_assigned",
            "01.09.2024",
        ),
        (
            "portfolio",
            {"title": "x", "teacher": "А", "courses": [{"title": "", "hours": 72}]},
            "courses",
            "курс № 1",
        ),
    ],
)
def test_validation_names_the_field_in_russian(kind, values, field, fragment):
    record = records.new(kind, **values)
    with pytest.raises(ValidationError) as caught:
        validation.check(record)
    fields = [e.field for e in caught.value.errors]
    assert field in fields
    assert fragment in str(caught.value)


def test_validation_messages_in_english():
    i18n.set_language("en")
    errors = validation.validate(records.new("material", title=""))
    assert errors[0].message == "Field “Title” is required."


def test_every_error_is_reported_at_once():
    record = records.new("material", title="", subjects=["Нечто"], year=99)
    with pytest.raises(ValidationError) as caught:
        validation.check(record)
    assert {e.field for e in caught.value.errors} == {"title", "subjects", "year"}


@pytest.mark.parametrize("kind", records.KINDS)
def test_dict_round_trip(kind):
    record = records.new(
        kind,
        title="Запись",
        teacher="Иванова И. И.",
        attachments=[records.Attachment("a.docx", "0" * 64, size=10)],
        reviews=[records.Review("Петров П. П.", "2026-01-10", {"актуальность": 5})],
    )
    data = records.to_dict(record)
    again = records.from_dict(data)
    assert again == record and again.kind == kind
    assert isinstance(again.attachments[0], records.Attachment)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("31.08.2023", "2023-08-31"),
        ("1.9.2024", "2024-09-01"),
        ("2023-08-31", "2023-08-31"),
        (" 01/09/2024 ", "2024-09-01"),
    ],
)
def test_dates_typed_the_russian_way_are_stored_as_iso(typed, stored):
    record = records.new("portfolio", title="x", teacher="А", category_assigned=typed)
    assert validation.check(record).category_assigned == stored
