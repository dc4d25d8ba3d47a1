"""The PostgreSQL search backend (index/pg): what is its own — the table, the ``russian``
tsvector with «ё» folded, weights, the journal replayed in the search's process, trigram typo
repair, SQL facets equal to Whoosh's, escaped snippets — on a real server.

The query language, ranking and repair suites run on both backends in their own files
(tests/test_query_language.py, tests/test_index.py, tests/test_search_repair.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import text
from whoosh import query as wq

from catalogue import records
from catalogue.workspace import Workspace
from index.engine import CatalogueIndex
from index.names import FACETS
from index.pg.engine import PgIndex
from index.pg.rank import CUT, rarity_sql, required, required_sql
from index.pg.sql import Condition, matches
from index.pg.table import READ_FIRST
from index.ranking import Unit, rarity
from tests.conftest import make_workspace

pytestmark = pytest.mark.postgresql


def _m(title, **values):
    values.setdefault("status", "published")
    return records.new("material", title=title, **values)


FIXTURE = [
    _m(
        "Ёлочные игрушки своими руками",
        subjects=["Технология"],
        grades=["3"],
        year=2022,
        resource_type="Конспект урока",
        annotation="Мастер-класс <b>для родителей</b> & детей: ёлка из бумаги.",
    ),
    _m(
        "Сложение дробей",
        subjects=["Математика"],
        grades=["5"],
        year=2021,
        resource_type="Конспект урока",
        authors=["Иванова Мария Петровна"],
    ),
    _m(
        "Контрольная работа по алгебре",
        subjects=["Математика"],
        grades=["8"],
        year=2023,
        resource_type="КИМ",
        annotation="Дроби и уравнения, два варианта.",
    ),
    _m("Законы Ньютона", subjects=["Физика"], grades=["8", "9"], year=2020, resource_type="КИМ"),
    _m(
        "Математика вокруг нас",
        subjects=["Математика"],
        grades=["6"],
        year=2024,
        keywords=["дроби"],
        status="draft",
    ),
    _m("Родительское собрание в 5 классе", subjects=["Воспитательная работа"], grades=["5"]),
]


def _load(ws: Workspace) -> None:
    ws.store.save_many([records.from_dict(records.to_dict(r)) for r in FIXTURE], by="тест")


@pytest.fixture(scope="module")
def pg(tmp_path_factory, postgres):
    """The fixture catalogue on PostgreSQL (searched by index/pg)."""
    url = postgres.schema("imk_tests")
    ws = make_workspace(tmp_path_factory.mktemp("pg") / "ws", url)
    _load(ws)
    yield CatalogueIndex.open(ws)
    postgres.drop_schema(url)


@pytest.fixture(scope="module")
def whoosh(tmp_path_factory):
    """The same catalogue on SQLite (searched by Whoosh)."""
    ws = make_workspace(tmp_path_factory.mktemp("whoosh") / "ws", None)
    _load(ws)
    return CatalogueIndex.open(ws)


def _ids(result):
    return [hit.id for hit in result.hits]


def test_a_postgresql_catalogue_searches_in_sql(pg, whoosh):
    assert isinstance(pg, PgIndex) and not isinstance(whoosh, PgIndex)
    assert pg.doc_count() == len(FIXTURE) and pg.check().ok
    with pg.db.read() as conn:
        found = conn.execute(
            text("SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'")
        ).scalar()
        indexes = set(
            conn.execute(
                text("SELECT indexdef FROM pg_indexes WHERE tablename LIKE 'search_%'")
            ).scalars()
        )
    assert found == "pg_trgm"
    assert any("gin (tsv)" in i for i in indexes) and any("gin (meta_tsv)" in i for i in indexes)
    assert any("gin_trgm_ops" in i for i in indexes)
    assert all(any(f"gin ({facet})" in i for i in indexes) for facet in FACETS)  # never a scan


def test_the_short_fields_have_a_tsvector_of_their_own(pg):
    with pg.db.read() as conn:
        meta, full = conn.execute(
            text("SELECT meta_tsv::text, tsv::text FROM search_docs WHERE id = 'mat-000001'")
        ).one()
    assert "'елочн':1A" in meta and "'бумаг':" in meta  # title and annotation, same positions
    assert "D" not in meta and set(meta.split()) <= set(full.split())


@pytest.mark.parametrize(
    ("query", "columns"),
    [
        ("'дроб'", ["tsv"]),  # any field, the attachments' text included: the index decides
        ("'дроб':AC", ["meta_tsv"]),  # title and annotation only
        ("('5':A <1> 'класс':A | '5':A <2> 'класс':A)", ["meta_tsv"]),  # a grade in the title
        # positions or labels are checked on the row: the short fields first, then the whole
        ("'курс':*AB & 'квалификац'", ["meta_tsv", "tsv"]),
        ("'дроб':AD", ["meta_tsv", "tsv"]),
        ("'курс' <-> 'повышен' <2> 'квалификац'", ["meta_tsv", "tsv"]),
        ("'a<b' & 'дроб'", ["tsv"]),  # a «<» inside a lexeme is no phrase
    ],
)
def test_a_query_limited_to_the_short_fields_reads_their_tsvector(query, columns):
    sql = matches(query, Condition())
    assert re.findall(r"(\w+) @@ CAST\(:p0 AS tsquery\)", sql) == columns


def test_the_record_statistics_follow_every_replay(pg):
    def live():
        with pg.db.read() as conn:
            found = conn.execute(
                text("SELECT count(*), coalesce(avg(content_words), 0) FROM search_docs")
            ).one()
            return (int(found[0]), float(found[1])), pg.statistics(conn)

    counted, kept = live()
    assert kept == counted and counted[0] == len(FIXTURE)
    saved = pg.store.save(_m("Квадратные уравнения", subjects=["Математика"]), by="тест")
    pg.sync()
    counted, kept = live()
    assert kept == counted and counted[0] == len(FIXTURE) + 1
    pg.store.save(saved, by="тест")  # a new version: the same record counted once
    pg.sync()
    assert live()[1][0] == len(FIXTURE) + 1
    pg.store.delete(saved.id, by="тест")
    pg.sync()
    counted, kept = live()
    assert kept == counted and counted[0] == len(FIXTURE)


def test_the_tsvector_is_russian_weighted_and_folds_yo(pg):
    with pg.db.read() as conn:
        vector = conn.execute(
            text("SELECT tsv::text FROM search_docs WHERE title LIKE 'Ёлочные%'")
        ).scalar_one()
    assert "'елочн':1A" in vector and "'игрушк':2A" in vector  # stemmed, title weight A
    assert "'елк':" in vector and "ё" not in vector  # the annotation's «ёлка», folded
    assert "'бумаг':" in vector and "C" in vector.split("'бумаг':")[1][:8]


@pytest.mark.parametrize("query", ["елочные игрушки", "Ёлочные", "ёлка", "елка"])
def test_yo_and_ye_find_each_other(pg, query):
    assert _ids(pg.search(query))[:1] == ["mat-000001"]


def test_a_title_match_outranks_an_annotation_match(pg):
    # «дроби»: title of mat-000002, annotation of mat-000003, keyword of mat-000005
    assert _ids(pg.search("дроби"))[0] == "mat-000002"


@pytest.mark.parametrize(
    ("query", "filters"),
    [
        ("", {}),
        ("дроби", {}),
        ("", {"subject": ["Математика"]}),
        ("", {"subject": ["Математика", "Физика"]}),
        ("", {"subject": ["Математика"], "grade": ["8"]}),
        ("КИМ", {"year": ["2020", "2023"]}),
        ("класс:8", {"status": ["published"]}),
        ("математика", {"resource_type": ["Конспект урока"]}),
    ],
)
def test_facets_and_totals_are_those_of_whoosh(pg, whoosh, query, filters):
    ours, theirs = pg.search(query, filters=filters), whoosh.search(query, filters=filters)
    assert ours.total == theirs.total and ours.facets == theirs.facets
    assert sorted(_ids(ours)) == sorted(_ids(theirs))


CODED = (
    "SELECT d.id, u.n, c.facet, c.value FROM search_docs d, "
    "unnest(d.facet_codes) WITH ORDINALITY AS u(code, n) "
    "JOIN search_facet_codes c ON c.code = u.code"
)


def _coded(pg) -> dict[tuple[str, str], list[str]]:
    with pg.db.read() as conn:
        found = conn.execute(text(CODED)).all()
    assert all(FACETS[r.n - 1] == r.facet for r in found)  # in the order of FACETS
    return {(r.id, r.facet): list(r.value) for r in found}


def test_every_row_names_the_codes_of_its_own_facet_values(pg):
    """Facet counts group the found records by integer codes: each row's code of a facet
    stands for exactly the row's array of values, equal arrays sharing one code."""
    coded = _coded(pg)
    with pg.db.read() as conn:
        rows = conn.execute(text(f"SELECT id, {', '.join(FACETS)} FROM search_docs")).all()
        distinct = conn.execute(
            text("SELECT count(DISTINCT (facet, key)), count(*) FROM search_facet_codes")
        ).one()
    assert rows and distinct[0] == distinct[1]
    for r in rows:
        assert {facet: coded[r.id, facet] for facet in FACETS} == {
            facet: list(getattr(r, facet)) for facet in FACETS
        }
    saved = pg.store.save(_m("Задачи по механике", subjects=["Физика"], grades=["11"]), by="тест")
    try:
        pg.sync()
        assert _coded(pg)[saved.id, "grade"] == ["11"]  # an array no row had before
        assert pg.search("", filters={"grade": ["11"]}).facets["subject"] == {"Физика": 1}
    finally:
        pg.store.delete(saved.id, by="тест")
        pg.sync()


@pytest.mark.parametrize(
    "counts", [[5], [0, 3], [4, 4], [0, 0, 7], [1, 2, 3], [9, 0, 2, 8, 1], [3] * 6, [2] * 9]
)
@pytest.mark.parametrize("loose", [False, True])
def test_the_rules_a_statement_computes_are_those_of_python(pg, counts, loose):
    """A query of three or more parts computes in SQL how many parts a record must match and
    each part's rarity (index.ranking's rules); an ordinal part never adds to what is
    required."""
    parts = [Unit(wq.Term("title", f"w{n}"), where=n == 1) for n in range(len(counts))]
    sql = [str(count) for count in counts]
    rarities = ", ".join(rarity_sql(count, 100) for count in sql)
    with pg.db.read() as conn:
        row = conn.execute(text(f"SELECT {required_sql(parts, sql, loose)}, {rarities}")).one()
    assert row[0] == required(parts, counts, loose)
    assert list(row[1:]) == pytest.approx([rarity(count, 100) for count in counts], rel=1e-12)


def test_a_facet_ignores_its_own_selection(pg):
    result = pg.search("", filters={"subject": ["Физика"]})
    assert result.total == 1
    assert result.facets["subject"]["Математика"] == 3  # still offered, with its count
    assert result.facets["grade"] == {"8": 1, "9": 1}  # the other facets follow the selection


@pytest.mark.parametrize(("sort", "first"), [("date", "mat-000005"), ("title", "mat-000001")])
def test_sorting(pg, sort, first):
    assert _ids(pg.search("", sort=sort))[0] == first


def test_snippets_are_escaped_and_marked(pg):
    snippet = pg.search("ёлка").hits[0].snippet
    assert ">ёлка</mark>" in snippet and "<mark" in snippet
    assert "&lt;b&gt;" in snippet and "&amp;" in snippet and "<b>" not in snippet


@pytest.mark.parametrize(
    ("typed", "corrected"),
    [
        ("матиматика", "математика"),  # one letter wrong, from the terms table (pg_trgm)
        ("ньютно", "ньютон"),  # two letters swapped (the typed ending is kept)
        ("vfntvfnbrf", "математика"),  # the English layout
    ],
)
def test_typos_and_layout_are_repaired_from_the_terms_table(pg, typed, corrected):
    result = pg.search(typed)
    assert result.corrected is not None and result.corrected.lower().startswith(corrected)
    assert result.total


def test_a_save_is_found_by_the_next_search_in_any_process(pg):
    other = PgIndex(Workspace.open(pg.workspace.path))  # another methodist's process
    saved = pg.store.save(_m("Квадратные уравнения: тренажёр", subjects=["Математика"]), by="тест")
    try:
        assert pg.store.pending()  # journalled, not yet in the table
        assert _ids(other.search("тренажер")) == [saved.id]  # the search replays it first
        assert not pg.store.pending()  # … and acknowledges it in the same transaction
        pg.store.delete(saved.id, by="тест")
        assert _ids(pg.search("тренажер")) == []
        with pg.db.read() as conn:  # its words stay in the terms table, counted 0
            assert conn.execute(
                text("SELECT count(*) FROM search_terms WHERE term = 'тренажер'")
            ).scalar_one()
        assert pg.search("тренажор").corrected is None  # a deleted record's word is not offered
    finally:
        pg.sync()


TABLE_STATE = {
    "table": "SELECT CAST('search_docs' AS regclass)::oid",
    "columns": (
        "SELECT array_agg(attname ORDER BY attnum) FROM pg_attribute WHERE attnum > 0 "
        "AND NOT attisdropped AND attrelid = CAST('search_docs' AS regclass)"
    ),
    "indexes": (
        "SELECT array_agg(indexdef ORDER BY indexname) FROM pg_indexes "
        "WHERE tablename = 'search_docs' AND schemaname = current_schema()"
    ),
    "statistics": (
        "SELECT count(*) FROM pg_stats "
        "WHERE tablename = 'search_docs' AND schemaname = current_schema()"
    ),
    "left": "SELECT to_regclass('search_docs_next') IS NOT NULL",
}


def test_a_rebuild_puts_a_new_table_in_place_of_the_old(pg):
    """A rebuild fills a new table and swaps it in (no dead rows left behind): the same
    indexes, what a search reads of every found record in its first columns, the
    attachments' text last, statistics gathered at once."""

    def state() -> dict[str, Any]:
        with pg.db.read() as conn:
            return {name: conn.execute(text(sql)).scalar_one() for name, sql in TABLE_STATE.items()}

    before = state()
    assert pg.rebuild() == pg.doc_count() == len(FIXTURE)
    after = state()
    assert after["table"] != before["table"] and not after["left"]
    assert after["indexes"] == before["indexes"] and len(after["indexes"]) > 15
    assert sorted(after["columns"]) == sorted(before["columns"])
    assert after["columns"][: len(READ_FIRST)] == list(READ_FIRST)
    assert after["columns"][-1] == "tsv" and after["statistics"] > 0
    assert _ids(pg.search("ньютона")) and pg.check().ok


def test_sqlite_catalogues_have_no_search_tables(whoosh):
    with whoosh.store.db.read() as conn:
        names = set(
            conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'")).scalars()
        )
    assert "records" in names and not {n for n in names if n.startswith("search_d")}


@pytest.fixture(scope="module")
def many(tmp_path_factory, postgres):
    """More records found than the first cut holds (index/pg/rank.py CUT): 230 lessons."""
    url = postgres.schema("imk_tests")
    ws = make_workspace(tmp_path_factory.mktemp("many") / "ws", url)
    grades = [str(g) for g in range(1, 12)]
    lessons = [
        _m(f"Урок {n}", grades=[grades[n % len(grades)]], year=2015 + n % 10, annotation="урок")
        for n in range(CUT + 30)
    ]
    ws.store.save_many(lessons, by="тест")
    yield CatalogueIndex.open(ws)
    postgres.drop_schema(url)


@pytest.mark.parametrize("sort", ["relevance", "date", "title"])
@pytest.mark.parametrize(("filters", "expected"), [({}, CUT + 30), ({"grade": ["5", "6"]}, 42)])
def test_every_page_past_the_first_cut_lists_each_kept_record_once(many, sort, filters, expected):
    pages = [
        many.search("урок", filters=filters, sort=sort, page=p, page_size=40) for p in range(1, 8)
    ]
    assert {page.total for page in pages} == {expected}
    listed = [hit.id for page in pages for hit in page.hits]
    assert len(listed) == len(set(listed)) == expected
    assert set(listed) == set(many.find_ids("урок", filters=filters))
    # the grade facet is counted without its own selection
    assert sum(pages[0].facets["grade"].values()) == CUT + 30
