"""Demo teacher portfolios: position, category with dates, courses, awards, competitions.

Categories follow the 2023 rules (приказ Минпросвещения № 196): a category assigned before
1 September 2023 expires after five years, later ones do not, except «Соответствие
занимаемой должности», which always lasts five years.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING

from catalogue.demo.text import add_years, iso_date, load, translit
from catalogue.records import Course, Portfolio

if TYPE_CHECKING:
    from catalogue.demo.generator import Demo, DemoRecord, Person

NEW_RULES = "2023-09-01"
FIRST_DAY, LAST_DAY = dt.date(2018, 1, 10), dt.date(2026, 10, 30)
NEW_CATEGORIES = ("Педагог-методист", "Педагог-наставник")


def _date_between(rng: random.Random, first: dt.date, last: dt.date) -> str:
    return (first + dt.timedelta(days=rng.randint(0, (last - first).days))).isoformat()


def category_expiry(category: str, assigned: str) -> str:
    """Expiry of a category assigned on ``assigned`` ("" when it does not expire)."""
    if category == "Без категории" or not assigned:
        return ""
    if category == "Соответствие занимаемой должности" or assigned < NEW_RULES:
        return add_years(assigned, 5)
    return ""


def _category(rng: random.Random, experience: int) -> tuple[str, str]:
    if experience < 2:
        return "Без категории", ""
    names = [
        "Без категории",
        "Соответствие занимаемой должности",
        "Первая",
        "Высшая",
        *NEW_CATEGORIES,
    ]
    weights = [5, 15, 35, 35, 5 if experience > 10 else 0, 5 if experience > 10 else 0]
    category = rng.choices(names, weights)[0]
    if category == "Без категории":
        return category, ""
    first = dt.date.fromisoformat(NEW_RULES) if category in NEW_CATEGORIES else FIRST_DAY
    return category, _date_between(rng, first, LAST_DAY)


def _fits(position: str, allowed: list[str]) -> bool:
    return not allowed or any(position == a or position.startswith(a + " ") for a in allowed)


def portfolio(demo: Demo, person: Person) -> Portfolio:
    """A portfolio of one member of staff."""
    rng, data = demo.rng, load("portfolio")
    values = data["values"]
    profile = person.profile
    experience = rng.randint(1, 38)
    graduated = 2026 - experience - rng.randint(0, 2)
    if profile["position"] == "воспитатель" and rng.random() < 0.3:
        age_at_diploma = rng.randint(19, 20)
        education = (
            f"Среднее профессиональное, {rng.choice(values['colleges'])}, {graduated}, "
            f"специальность «{profile['specialty']}»"
        )
    else:
        age_at_diploma = rng.randint(21, 23)
        education = (
            f"Высшее, {rng.choice(values['universities'])}, {graduated}, "
            f"специальность «{profile['specialty']}»"
        )
    birth = iso_date(graduated - age_at_diploma, rng.randint(1, 12), rng.randint(1, 28))
    category, assigned = _category(rng, experience)

    subjects = person.subjects[: rng.randint(1, min(4, len(person.subjects)))]
    suitable = [
        c
        for c in data["course"]
        if not c.get("subjects") or set(c["subjects"]) & set(person.subjects)
    ]
    courses = [
        Course(
            c["title"],
            rng.choice(c["hours"]),
            rng.choice(values["providers"]),
            rng.randint(max(2018, 2026 - experience), 2026),
        )
        for c in rng.sample(suitable, min(len(suitable), rng.randint(2, 5)))
    ]
    courses.sort(key=lambda c: (c.year or 0, c.title))

    awards = []
    if experience >= 5:
        pool = values["awards"] if experience > 15 else values["awards"][3:]
        for award in rng.sample(pool, rng.randint(0, 3 if experience > 15 else 2)):
            awards.append(f"{award} ({rng.randint(max(2010, 2026 - experience + 3), 2026)})")
    competitions = []
    eligible = [c for c in data["competition"] if _fits(profile["position"], c["positions"])]
    if experience > 7:
        eligible = [c for c in eligible if c["name"] != "Педагогический дебют"]
    for comp in rng.sample(eligible, min(len(eligible), rng.randint(0, 2))):
        year = rng.randint(max(2012, 2026 - experience), 2026)
        competitions.append(
            f"«{comp['name']} — {year}»: {rng.choice(values['results'])} "
            f"{rng.choice(values['stages'])}"
        )

    public = data["public"]
    if rng.random() < 0.85:
        public_fields = list(public["full"])
    else:
        public_fields = list(rng.choice(public["reduced"]))
    surname, first, patronymic = person.name.split(" ")
    domain = demo.city["city"]["domain"]
    email = f"{translit(surname)}.{translit(first)[0]}{translit(patronymic)[0]}"
    phone = (
        f"{demo.city['city']['phone_prefix']} {rng.randint(100, 999)}-"
        f"{rng.randint(10, 99)}-{rng.randint(10, 99)}"
    )
    show_name = "teacher" in public_fields
    title = (
        f"Портфолио: {person.name}"
        if show_name
        else f"Портфолио педагога ({profile['position']}, {person.org['name']})"
    )
    year = rng.randint(2020, 2026)
    main_subject = demo.subjects[person.subjects[0]]
    record = Portfolio(
        title=title,
        authors=[person.name] if show_name else [],
        organisation=person.org["name"],
        subjects=subjects,
        grades=list(person.grades),
        resource_type="Портфолио педагога",
        keywords=[profile["position"], *(s.lower() for s in subjects[:2])],
        annotation=(
            "Портфолио педагога: квалификационная категория, повышение квалификации, "
            "награды и участие в профессиональных конкурсах. Основные направления "
            f"работы: {', '.join(s.lower() for s in subjects)}."
        ),
        audience=["руководитель", "учитель"],
        association=main_subject["association"],
        teacher=person.name,
        position=profile["position"],
        category=category,
        category_assigned=assigned,
        category_expires=category_expiry(category, assigned),
        experience_years=experience,
        education=education,
        courses=courses,
        awards=awards,
        competitions=competitions,
        contacts=f"{email}@{person.org['code']}.{domain}, {phone}",
        birth_date=birth,
        public_fields=public_fields,
        consent_to_publish=rng.random() < 0.7,
    )
    demo.stamp(record, year)
    record.status = rng.choices(
        ["published", "approved", "review", "draft", "revision"], [65, 15, 7, 10, 3]
    )[0]
    record.reviews = demo.reviews(record.status, record.created_at)
    return record


def portfolio_records(demo: Demo) -> list[DemoRecord]:
    """Portfolios of ≈200·scale members of staff, at most one per person."""
    from catalogue.demo.generator import DemoRecord

    people = demo.rng.sample(demo.staff, min(demo.count("portfolio"), len(demo.staff)))
    return [DemoRecord(portfolio(demo, person)) for person in people]
