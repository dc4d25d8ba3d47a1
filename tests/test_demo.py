"""The seeded demo generator: determinism, size, coverage, valid records, readable Russian."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest

from catalogue import records, validation, vocabularies
from catalogue.demo import build, generate, prepare
from catalogue.demo.text import fill, fix_quotes, grade_context, in_grade, load
from catalogue.extract import OK, extract_text
from catalogue.records import Material, Media, Portfolio


@pytest.fixture(scope="module")
def full_demo():
    """The full-size catalogue, records only (file bytes are tested at a small scale; how long
    generation takes is measured by ``bench/limits.py``)."""
    return [d.record for d in generate(2026, 1.0, with_files=False)]


@pytest.fixture(scope="module")
def small():
    """A small catalogue with its files, as the fast tests and the demo workspace use it."""
    return generate(7, 0.1)


def dicts(demo) -> list[dict]:
    return [records.to_dict(d.record) for d in demo]


# -- determinism ------------------------------------------------------------------------------


@pytest.mark.slow
def test_same_seed_same_catalogue(small):
    again = generate(7, 0.1)
    assert dicts(again) == dicts(small)
    assert [[f.data for f in d.files] for d in again] == [[f.data for f in d.files] for d in small]


def test_files_do_not_change_the_records(small):
    assert dicts(generate(7, 0.1, with_files=False)) == dicts(small)


@pytest.mark.slow
def test_lazy_files_are_the_same_bytes(small):
    pending = prepare(7, 0.1)
    lazy = [[f.data for f in p.files()] for p in pending]
    assert lazy == [[f.data for f in d.files] for d in small]


@pytest.mark.parametrize("other", [8, 2026, 12345])
def test_different_seeds_differ(small, other):
    assert dicts(generate(other, 0.1, with_files=False)) != dicts(small)


# -- size and coverage ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "low", "high"),
    [
        ("material", 900, 950),
        ("media", 390, 410),
        ("portfolio", 195, 205),
    ],
)
def test_counts_by_kind(full_demo, kind, low, high):
    assert low <= sum(r.kind == kind for r in full_demo) <= high


def test_at_least_1500_records(full_demo):
    assert len(full_demo) >= 1500


@pytest.mark.parametrize(("kind", "expected"), [("material", 90), ("media", 40), ("portfolio", 20)])
def test_small_scale(small, kind, expected):
    count = sum(d.record.kind == kind for d in small)
    assert expected <= count <= expected + 15


def test_every_record_is_valid(full_demo):
    problems = []
    for record in full_demo:
        try:
            validation.check(record)
        except validation.ValidationError as exc:
            problems.append(f"{record.title}: {exc}")
    assert problems == []


def test_thirty_organisations_of_one_city(full_demo):
    orgs = {r.organisation for r in full_demo}
    assert len(orgs) >= 30
    assert sum(o.startswith("МБДОУ") for o in orgs) >= 10
    assert sum(o.startswith(("МБОУ", "МКОУ")) for o in orgs) >= 15
    assert orgs <= {o["name"] for o in load("city")["org"]}  # all in the one fictional city


def test_every_subject_appears(full_demo):
    seen = {s for r in full_demo if r.kind == "material" for s in r.subjects}
    assert set(vocabularies.get("subjects").codes()) <= seen


@pytest.mark.parametrize("grade", ["ДО", *map(str, range(1, 12)), "СПО"])
def test_every_grade_appears(full_demo, grade):
    assert any(grade in r.grades for r in full_demo if r.kind == "material")


@pytest.mark.parametrize(
    "resource_type",
    [t.name for t in vocabularies.get("resource_types") if "material" in t.extra["kinds"]],
)
def test_every_material_type_appears(full_demo, resource_type):
    assert any(r.resource_type == resource_type for r in full_demo if r.kind == "material")


@pytest.mark.parametrize("fmt", [t.name for t in vocabularies.get("media_formats")])
def test_every_media_format_appears(full_demo, fmt):
    assert any(r.format == fmt for r in full_demo if isinstance(r, Media))


def test_years_and_statuses(full_demo):
    assert all(2015 <= r.year <= 2026 for r in full_demo)
    statuses = Counter(r.status for r in full_demo if r.kind == "material")
    assert statuses["published"] + statuses["approved"] > 0.6 * sum(statuses.values())
    for status in ("draft", "review", "revision", "archived"):
        assert 0 < statuses[status] < 0.15 * sum(statuses.values())


def test_reviews_agree_with_statuses(full_demo):
    reviewed = [r for r in full_demo if r.reviews]
    assert len(reviewed) > 300
    for record in reviewed:
        last = record.reviews[-1]
        assert last.verdict == ("revise" if record.status == "revision" else "approve")
        assert all(3 <= len(rv.scores) <= 4 for rv in record.reviews)
        assert record.created_at[:10] <= record.reviews[0].date
    assert all(r.reviews for r in full_demo if r.status == "revision")


def test_levels_for_teachers(full_demo):
    recommendations = [r for r in full_demo if r.resource_type == "Методические рекомендации"]
    assert all("ДПО" in r.levels for r in recommendations)


# -- search fixtures: fractions, ё ---------------------------------------------------------------


def test_fractions_in_grade_5(full_demo):
    found = [
        r
        for r in full_demo
        if r.kind == "material"
        and "Математика" in r.subjects
        and "5" in r.grades
        and re.search(r"\bдроб(ь|и|ей|ям|ями|ях)\b", r.annotation)
    ]
    assert len(found) >= 5


def test_fraction_attachments_contain_word_forms(small):
    texts = [
        extract_text(f.data, f.name).text
        for d in small
        if "Математика" in d.record.subjects and "5" in d.record.grades
        for f in d.files
    ]
    forms = Counter(
        m.group(0).lower()
        for t in texts
        for m in re.finditer(r"\bдроб(ь|и|ей|ям|ями|ях)\b", t, re.I)
    )
    assert len(texts) >= 5
    assert len(forms) >= 3  # дроби, дробей, дробями…


@pytest.mark.parametrize("word", ["ёлка", "ёж", "счёт"])
def test_records_with_yo(full_demo, word):
    assert any(word in (r.title + " " + r.annotation).lower() for r in full_demo)


def test_new_year_scenario(full_demo):
    assert any(
        r.title == "Сценарий мероприятия «Новогодняя ёлка в начальной школе»"
        and r.resource_type == "Сценарий мероприятия"
        for r in full_demo
    )


# -- portfolios ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def portfolios(full_demo) -> list[Portfolio]:
    return [r for r in full_demo if isinstance(r, Portfolio)]


def test_portfolio_categories(portfolios):
    assert {p.category for p in portfolios} <= set(vocabularies.get("categories").codes())
    assigned = [p.category_assigned for p in portfolios if p.category_assigned]
    assert any(d < "2023-09-01" for d in assigned) and any(d >= "2023-09-01" for d in assigned)
    for p in portfolios:
        if not p.category_assigned:
            assert p.category == "Без категории" and not p.category_expires
            continue
        expires = (
            p.category == "Соответствие занимаемой должности" or p.category_assigned < "2023-09-01"
        )
        if expires:
            start = dt.date.fromisoformat(p.category_assigned)
            assert dt.date.fromisoformat(p.category_expires).year == start.year + 5
        else:
            assert p.category_expires == ""


def test_portfolio_privacy(portfolios):
    consent = sum(p.consent_to_publish for p in portfolios) / len(portfolios)
    assert 0.55 <= consent <= 0.85
    full_fields = load("portfolio")["public"]["full"]
    reduced = [p for p in portfolios if p.public_fields != full_fields]
    assert 0.05 <= len(reduced) / len(portfolios) <= 0.3
    hidden = [p for p in portfolios if "teacher" not in p.public_fields]
    assert hidden
    for p in hidden:  # a private name must not leak through the title or authors
        assert p.teacher not in p.title and p.teacher not in p.authors
    for p in portfolios:
        assert p.contacts.split(",")[0].endswith(".example")
        assert p.works == []
        assert p.courses and all(c.hours in (16, 36, 72, 144) for c in p.courses)


def test_portfolio_people_agree_in_gender(portfolios):
    people = load("people")
    male_pat = {m for m, _ in people["patronymics"]}
    female_names = set(people["female_names"])
    for p in portfolios:
        _surname, name, patronymic = p.teacher.split()
        assert (patronymic in male_pat) == (name not in female_names), p.teacher


# -- text quality -------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["title", "annotation"])
def test_text_has_no_template_leftovers(full_demo, field):
    for record in full_demo:
        text = getattr(record, field)
        assert text.strip() == text and text
        assert not re.search(r"[{}]|\s[,.:;)]|\(\s*\)|«»|\s{2}", text), text
        assert text.count("«") == text.count("»"), text
        assert text.count("„") == text.count("“"), text


def test_files_read_back(small):
    with_files = [d for d in small if d.files]
    assert 18 <= len(with_files) <= 25
    exts = Counter(f.name.rsplit(".", 1)[1] for d in with_files for f in d.files)
    assert set(exts) == {"docx", "pdf", "pptx"}
    for d in with_files:
        assert isinstance(d.record, Material)
        for f in d.files:
            result = extract_text(f.data, f.name)
            assert result.status == OK, result.message
            assert "{" not in result.text
            assert len(result.text) > 200


@pytest.mark.parametrize(
    ("grade", "expected"), [("2", "во 2 классе"), ("5", "в 5 классе"), ("11", "в 11 классе")]
)
def test_in_grade(grade, expected):
    assert in_grade(grade) == expected


@pytest.mark.parametrize(
    ("grades", "where", "range_for"),
    [
        (["5"], "в 5 классе", "для 5 класса"),
        (["2", "3", "4"], "во 2–4 классах", "для 2–4 классов"),
        (["10", "11"], "в 10–11 классах", "для 10–11 классов"),
        (["СПО"], "на 1 курсе", "для студентов 1–2 курсов"),
    ],
)
def test_grade_context(grades, where, range_for):
    ctx = grade_context(grades)
    assert (ctx["where"], ctx["range_for"]) == (where, range_for)


def test_fill_capitalises_and_fixes_quotes():
    ctx = {"method": "игровые технологии", "topic": "Басня «Стрекоза и Муравей»", "where": ""}
    assert fill("{Method} {where}.", ctx) == "Игровые технологии."
    assert fill("Урок «{topic}»", ctx) == "Урок «Басня „Стрекоза и Муравей“»"
    assert fix_quotes("«a «b» c»") == "«a „b“ c»"


# -- into a workspace -----------------------------------------------------------------------------


@pytest.mark.slow
def test_build_into_a_workspace(workspace):
    calls: list[tuple[int, int]] = []
    stats = build(workspace, seed=3, scale=0.05, progress=lambda d, t: calls.append((d, t)))
    expected = generate(3, 0.05)
    assert stats.records == len(expected) == workspace.store.count()
    assert stats.files == sum(len(d.files) for d in expected) > 0
    assert calls[0] == (0, stats.records) and calls[-1] == (stats.records, stats.records)
    first = workspace.store.get("mat-000001")
    assert first.title == expected[0].record.title and first.attachments
    assert "дроб" in workspace.store.text_of(first)
    assert workspace.file_path(first.attachments[0].sha256).is_file()


# -- the data files ------------------------------------------------------------------------------


def test_data_covers_exactly_the_subject_vocabulary():
    names = [s["name"] for s in load("subjects")["subject"]]
    assert sorted(names) == sorted(vocabularies.get("subjects").codes())


@pytest.mark.parametrize(
    ("where", "values"),
    [
        ("profiles", [s for p in load("portfolio")["profile"] for s in p["subjects"]]),
        ("courses", [s for c in load("portfolio")["course"] for s in c.get("subjects", [])]),
        ("orgs", [s for o in load("city")["org"] for s in o.get("subjects", [])]),
        ("books", [s for b in load("media")["book"] for s in b["subjects"]]),
        ("featured", [r["subject"] for r in load("featured")["record"]]),
    ],
)
def test_data_subjects_are_canonical(where, values):
    codes = set(vocabularies.get("subjects").codes())
    assert values and set(values) <= codes


def test_data_resource_types_are_canonical():
    codes = set(vocabularies.get("resource_types").codes())
    names = {t["name"] for t in load("templates")["type"]}
    for subject in load("subjects")["subject"]:
        names |= set(subject.get("titles", {})) | set(subject.get("types", []))
        names |= set(subject.get("exclude_types", [])) | set(subject.get("annotations", {}))
    assert names <= codes


def test_data_organisations_are_unique_and_typed():
    city = load("city")
    names = [o["name"] for o in city["org"]]
    codes = [o["code"] for o in city["org"]]
    assert len(set(names)) == len(names) >= 30 and len(set(codes)) == len(codes)
    assert {o["type"] for o in city["org"]} <= set(city["org_types"])
