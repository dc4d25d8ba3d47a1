"""The portfolio view: category expiry, course hours, works, public fields and consent."""

from __future__ import annotations

import datetime as dt

import pytest

from catalogue import records
from catalogue.curation.portfolio import category_state, recent_hours
from catalogue.privacy import PUBLIC_CHOICES
from index.engine import CatalogueIndex
from widgets.portfolio_view import PortfolioView, category_html

TODAY = dt.date(2026, 3, 1)
COURSES = [
    records.Course("ФОП ООО", 72, "ИРО", 2025),
    records.Course("ФГОС", 36, "ИРО", 2024),
    records.Course("Цифровая школа", 16, "ЦНППМ", 2022),
    records.Course("Без года", 8, "ИРО", None),
]


def portfolio(**values) -> records.Portfolio:
    base = dict(
        title="Портфолио: Иванова Анна Петровна",
        teacher="Иванова Анна Петровна",
        organisation="МБОУ «СОШ № 1»",
        position="учитель математики",
        courses=list(COURSES),
        awards=["Почётная грамота"],
        competitions=["«Учитель года» — лауреат"],
        contacts="+7 900 000-00-00",
        public_fields=["teacher"],
    )
    return records.new("portfolio", **{**base, **values})


@pytest.mark.parametrize(
    ("category", "assigned", "text", "expired"),
    [
        ("Высшая", "2023-08-31", "действует до 31.08.2028", False),
        ("Высшая", "2023-09-01", "бессрочно", False),
        ("Первая", "2020-01-15", "срок истёк 15.01.2025", True),
        ("Соответствие занимаемой должности", "2024-03-15", "действует до 15.03.2029", False),
        ("Без категории", "", "Без категории", False),
    ],
)
def test_category_dates_and_expiry(category, assigned, text, expired):
    p = portfolio(category=category, category_assigned=assigned)
    assert text in category_html(p, TODAY)
    assert category_state(p, TODAY).expired == expired


@pytest.mark.parametrize(("years", "hours"), [(1, 0), (2, 72), (3, 108), (5, 124)])
def test_course_hours_over_recent_years(years, hours):
    assert recent_hours(portfolio(), TODAY, years) == hours


def test_page_shows_courses_awards_competitions_and_works(workspace):
    work = workspace.store.save(records.new("material", title="Урок о дробях"), by="Автор")
    saved = workspace.store.save(portfolio(works=[work.id, "mat-999999"]), by="Методист")
    view = PortfolioView(workspace.store, user="Методистова", today=TODAY)
    assert len(view.picker.options) == 1
    view.picker.value = view.picker.options[0]
    assert view.portfolio.id == saved.id
    page = view.page.value
    for text in (
        "Иванова Анна Петровна",
        "ФОП ООО — 72 ч",
        "за последние 3 года: 108 ч",
        "Почётная грамота",
        "Учитель года",
        f"Урок о дробях ({work.id})",
        "запись mat-999999 не найдена",
    ):
        assert text in page
    assert page.index("ФОП ООО") < page.index("Цифровая школа")  # newest first


@pytest.mark.parametrize("public", [[], ["teacher", "courses"], list(PUBLIC_CHOICES)])
def test_public_fields_and_consent_are_saved(workspace, public):
    saved = workspace.store.save(portfolio(), by="Методист")
    view = PortfolioView(workspace.store, user="Методистова")
    view.show(saved.id)
    assert view.public["teacher"].value and not view.public["contacts"].value
    for name, box in view.public.items():
        box.value = name in public
    view.consent.value = True
    view.save_button.click()
    stored = workspace.store.get(saved.id)
    assert stored.public_fields == [n for n in PUBLIC_CHOICES if n in public]
    assert stored.consent_to_publish and "Сохранено" in view.message.value
    last = workspace.store.history(saved.id)[-1]
    assert (last.action, last.saved_by) == ("publicity", "Методистова")


def test_private_contacts_reach_the_index_only_when_made_public(workspace):
    saved = workspace.store.save(portfolio(contacts="квазителефон"), by="Методист")
    index = CatalogueIndex.open(workspace)
    assert index.find_ids("квазителефон") == []
    view = PortfolioView(workspace.store, user="Методистова")
    view.show(saved.id)
    view.public["contacts"].value = True
    view.save()
    index.sync()
    assert index.find_ids("квазителефон") == [saved.id] and index.check().ok
    index.close()


@pytest.mark.parametrize(
    ("record_id", "message"), [("pf-999999", "не найдена"), ("mat-000001", "не портфолио")]
)
def test_wrong_ids_are_messages(workspace, record_id, message):
    workspace.store.save(records.new("material", title="Урок"), by="Автор")
    view = PortfolioView(workspace.store)
    view.show(record_id)
    assert message in view.message.value and view.portfolio is None
    assert view.save() is None
