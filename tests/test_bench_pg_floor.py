"""``bench/pg_floor.py``: its floors are real statements that count what the search page
counts — on a real PostgreSQL server, a small catalogue."""

from __future__ import annotations

import pytest

from bench.pg_floor import FLOORS, Floor, common_filters, required_words
from catalogue import records
from index.engine import CatalogueIndex
from tests.conftest import PG_TESTS, make_workspace

pytestmark = pytest.mark.postgresql

TITLES = [
    ("Сложение дробей", "Математика", "ООО"),
    ("Дроби в 5 классе", "Математика", "ООО"),
    ("Дроби и проценты", "Математика", "СОО"),
    ("Урок физики: законы Ньютона", "Физика", "ООО"),
    ("Открытый урок математики", "Математика", "НОО"),
]


@pytest.fixture(scope="module")
def home(tmp_path_factory, postgres):
    url = postgres.schema(PG_TESTS)
    path = tmp_path_factory.mktemp("floor") / "ws"
    ws = make_workspace(path, url)
    ws.store.save_many(
        [
            records.new("material", title=t, subjects=[s], levels=[lv], status="published")
            for t, s, lv in TITLES
        ],
        by="тест",
    )
    CatalogueIndex.open(ws).close()  # the search table written
    yield path
    postgres.drop_schema(url)


@pytest.mark.parametrize(
    ("query", "expected"),
    [("+дроби", "'дроб'"), ("+контрольная +meta:математика", "'контрольн' & 'математик'")],
)
def test_every_word_of_the_tantivy_form_is_required(query, expected):
    assert required_words(query) == expected


@pytest.mark.parametrize(
    ("query", "filters", "kept"),
    [
        ("+дроби", {}, 3),
        ("+дроби", {"level": ["ООО"]}, 2),
        ("+урок +математики", {}, 1),
        ("+урок", {"subject": ["Физика"], "level": ["ООО"]}, 1),
        ("+фотосинтез", {}, 0),
    ],
)
def test_each_floor_keeps_what_the_search_page_keeps(home, query, filters, kept):
    found = {name: Floor(name, home).search(query, filters) for name in FLOORS}
    assert found == dict.fromkeys(FLOORS, kept)
    page = CatalogueIndex.open(home).search(query.replace("+", ""), filters=filters)
    assert page.total == kept


def test_the_filters_are_each_facets_most_common_value(home):
    assert common_filters(home) == {
        "kind": ["material"],
        "level": ["ООО"],
        "status": ["published"],
    }
