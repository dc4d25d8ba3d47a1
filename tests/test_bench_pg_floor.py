"""``bench/pg_floor.py``: its floors are real statements that count what the search page
counts — on a real PostgreSQL server, a small catalogue."""

from __future__ import annotations

import sqlite3

import pytest

from bench.pg_floor import FLOORS, Floor, required_words
from bench.scale import common_filters
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
    index = CatalogueIndex.open(home)
    found = {name: Floor(name, index.store.db).search(query, filters) for name in FLOORS}
    assert found == dict.fromkeys(FLOORS, kept)
    page = index.search(query.replace("+", ""), filters=filters)
    assert page.total == kept


def test_the_filters_are_each_facets_most_common_value(tmp_path):
    """The floors filter as the scale benchmark does (its FTS5 file's facets table)."""
    path = tmp_path / "fts.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE facets(rowid INTEGER, facet TEXT, value TEXT)")
    rows = [(n, "level", lv) for n, (_, _, lv) in enumerate(TITLES)]
    rows += [(n, "kind", "material") for n in range(len(TITLES))]
    rows += [(n, "status", "published") for n in range(len(TITLES))]
    con.executemany("INSERT INTO facets VALUES (?, ?, ?)", rows)
    con.commit()
    con.close()
    assert common_filters(path) == {
        "kind": ["material"],
        "level": ["ООО"],
        "status": ["published"],
    }
