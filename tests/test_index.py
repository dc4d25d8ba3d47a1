"""The search index (Whoosh, or index/pg on PostgreSQL): Russian analysis, journal healing,
check/rebuild, facets, snippets, privacy."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import text

from catalogue import records
from catalogue.workspace import Workspace
from index import facets
from index.analysis import words
from index.engine import CatalogueIndex
from index.pg.engine import PgIndex
from index.schema import TEXT_FIELDS
from tests.conftest import make_workspace

pytestmark = pytest.mark.both_backends


def _material(title, **values):
    values.setdefault("status", "published")
    return records.new("material", title=title, **values)


FIXTURE = [
    _material(
        "Сложение дробей с одинаковыми знаменателями",
        subjects=["Математика"],
        grades=["5"],
        resource_type="Конспект урока",
        year=2021,
        annotation="Урок открытия нового знания: обыкновенные дроби.",
        organisation="МБОУ «СОШ № 1»",
        authors=["Иванова Мария Петровна"],
    ),
    _material(
        "Десятичные дроби. Контрольная работа",
        subjects=["Математика"],
        grades=["5"],
        resource_type="КИМ",
        year=2024,
        organisation="МБОУ «Лицей № 2»",
    ),
    _material(
        "Новогодняя ёлка в начальной школе",
        subjects=["Воспитательная работа"],
        grades=["2", "3"],
        resource_type="сценарий",
        year=2023,
        annotation="Сценарий праздника у ёлки для младших школьников.",
    ),
    _material(
        "Технологическая карта урока английского языка",
        subjects=["Иностранный язык"],
        grades=["7"],
        resource_type="техкарта",
        year=2022,
        status="draft",
        keywords=["present simple"],
    ),
    _material(
        "Фотосинтез",
        subjects=["Биология"],
        grades=["6"],
        year=2020,
        resource_type="Презентация",
        organisation="МБОУ «СОШ № 1»",
    ),
    records.new(
        "media",
        title="Математика. 5 класс. Учебник",
        subjects=["Математика"],
        grades=["5"],
        resource_type="Учебник",
        format="учебник",
        year=2023,
        publisher="Просвещение",
        authors=["Мерзляк А. Г.", "Полонский В. Б."],
        status="published",
    ),
    records.new(
        "portfolio",
        title="Портфолио: Петрова Анна Сергеевна",
        teacher="Петрова Анна Сергеевна",
        position="учитель химии",
        contacts="тел. 8-900-123-45-67, petrova@example.org",
        birth_date="1980-05-04",
        subjects=["Химия"],
        public_fields=["position", "category"],
        status="published",
    ),
    records.new(
        "portfolio",
        title="Портфолио: Соколов Игорь Владимирович",
        teacher="Соколов Игорь Владимирович",
        position="учитель физики",
        subjects=["Физика"],
        public_fields=["teacher", "position"],
        status="published",
    ),
]


@pytest.fixture(scope="module")
def index(tmp_path_factory, module_backend):
    ws = make_workspace(tmp_path_factory.mktemp("index") / "ws", module_backend)
    ws.store.save_many([records.from_dict(records.to_dict(r)) for r in FIXTURE], by="тест")
    att = ws.add_attachment("урок.txt", "Дробями называют числа вида a/b. Ёжик решает.".encode())
    first = ws.store.get("mat-000001")
    first.attachments.append(att)
    ws.store.save(first, by="тест")
    return CatalogueIndex.open(ws)


def titles(result):
    return [hit.title for hit in result.hits]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("дроби", "дробей"),
        ("дробями", "дробь"),
        ("ёлка", "елка"),
        ("ёлки", "Ёлкой"),
        ("учебники", "учебник"),
        ("lessons", "lesson"),
        ("Математика", "математики"),
    ],
)
def test_word_forms_meet_in_one_term(a, b):
    assert words(a) == words(b)


def test_stop_words_go_and_numbers_stay():
    assert words("дроби в 5 классе") == words("дробь 5 класс")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("дроби", "Сложение дробей с одинаковыми знаменателями"),
        ("дробями", "Десятичные дроби. Контрольная работа"),
        ("ёлка", "Новогодняя ёлка в начальной школе"),
        ("елка", "Новогодняя ёлка в начальной школе"),
        ("ЁЛКОЙ", "Новогодняя ёлка в начальной школе"),
        ("ежик", "Сложение дробей с одинаковыми знаменателями"),  # attachment text
        ("Мерзляк", "Математика. 5 класс. Учебник"),
        ("технологическая карта английский", "Технологическая карта урока английского языка"),
        ("present simple", "Технологическая карта урока английского языка"),
        ("ИЗО OR фотосинтез", "Фотосинтез"),
    ],
)
def test_queries_find_their_record(index, query, expected):
    assert expected in titles(index.search(query))


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("mat-000002", ["mat-000002"]),
        ("  MAT-000002 ", ["mat-000002"]),
        ("mat-2", ["mat-000002"]),
        ("mat 2", ["mat-000002"]),
        ("mat-999999", []),
    ],
)
def test_a_record_number_finds_that_record(index, query, found):
    result = index.search(query)
    assert [hit.id for hit in result.hits] == found and result.total == len(found)
    assert index.find_ids(query) == found


def test_yo_and_e_return_the_same_hits(index):
    assert titles(index.search("ёлка")) == titles(index.search("елка"))


def test_title_outranks_full_text(index):
    result = index.search("дроби")
    assert result.hits[0].title.startswith(("Сложение дробей", "Десятичные дроби"))
    assert "Математика. 5 класс. Учебник" not in titles(result)


def test_grade_words_narrow_the_search(index):
    assert set(titles(index.search("дроби 5 класс"))) == {
        "Сложение дробей с одинаковыми знаменателями",
        "Десятичные дроби. Контрольная работа",
    }


def test_snippets_highlight_a_form_of_the_word(index):
    hit = index.search("дробь").hits[0]
    assert "<mark" in hit.snippet and "дроб" in hit.snippet.lower()


def test_snippet_from_attachment_text(index):
    hit = index.search("ежик").hits[0]
    assert "<mark" in hit.snippet and "Ёжик" in hit.snippet
    assert hit.sources == ["урок.txt"]


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced',
        "(((",
        ")",
        "AND OR NOT",
        "title:(",
        "дроби^^",
        "*",
        "?",
        "[a TO",
        "год:2020..",
        "\\",
        "'",
        'дроби" 5 (класс',
        "NOT",
        "a" * 2000,
    ],
)
def test_bad_syntax_never_raises(index, query):
    result = index.search(query)
    assert result.total >= 0 and isinstance(result.hits, list)


def test_empty_query_lists_everything_newest_first(index):
    result = index.search("", page_size=50)
    assert result.total == len(FIXTURE)
    years = [h.year or 0 for h in result.hits]
    assert years == sorted(years, reverse=True)


def test_facets_count_the_hits(index):
    facets = index.search("").facets
    assert facets["kind"] == {"material": 5, "portfolio": 2, "media": 1}
    assert facets["subject"]["Математика"] == 3
    assert facets["grade"]["5"] == 3
    assert facets["status"] == {"published": 7, "draft": 1}
    assert facets["organisation"] == {"МБОУ «СОШ № 1»": 2, "МБОУ «Лицей № 2»": 1}


def test_values_of_one_facet_or_and_facets_and(index):
    both = index.search("", filters={"subject": ["Математика", "Биология"]})
    assert both.total == 4
    narrowed = index.search(
        "", filters={"subject": ["Математика", "Биология"], "kind": ["material"]}
    )
    assert narrowed.total == 3


def test_a_facets_counts_ignore_its_own_selection(index):
    result = index.search("", filters={"subject": ["Математика"]})
    assert result.total == 3
    assert result.facets["subject"]["Биология"] == 1
    assert result.facets["kind"] == {"material": 2, "media": 1}


@pytest.mark.parametrize(
    ("sort", "key"),
    [("title", lambda h: h.title.lower().replace("ё", "е")), ("date", lambda h: -(h.year or 0))],
)
def test_sorting(index, sort, key):
    hits = index.search("", sort=sort, page_size=50).hits
    assert hits == sorted(hits, key=key)


def test_paging(index):
    pages = [index.search("", page=n, page_size=3, sort="title") for n in (1, 2, 3)]
    ids = [h.id for p in pages for h in p.hits]
    assert len(ids) == len(set(ids)) == len(FIXTURE)
    assert pages[0].pages == 3


def _indexed_terms(index):
    """Every term the index holds, of every text field."""
    if isinstance(index, PgIndex):
        with index.db.read() as conn:
            return set(
                conn.execute(
                    text(
                        "SELECT unnest(tsvector_to_array(tsv || authors_tsv || keywords_tsv "
                        "|| annotation_tsv || org_tsv)) FROM search_docs"
                    )
                ).scalars()
            )
    with index.ix.searcher() as searcher:
        reader = searcher.reader()
        return {term for name in TEXT_FIELDS for term in reader.field_terms(name)}


@pytest.mark.parametrize("private", ["Петрова", "8-900-123-45-67", "petrova", "1980"])
def test_private_portfolio_fields_are_not_indexed(index, private):
    terms = _indexed_terms(index)
    assert "портфолио" in " ".join(terms) or "портфол" in terms  # the portfolio is indexed
    assert not any(private.lower() in term for term in terms)
    assert "pf-000001" not in [hit.id for hit in index.search(private).hits]


def test_public_portfolio_fields_are_indexed(index):
    assert titles(index.search("химии")) == ["Портфолио педагога"]
    assert "Портфолио: Соколов Игорь Владимирович" in titles(index.search("Соколов"))


def test_json_contract(index):
    data = index.search("дроби 5 класс").to_json()
    assert set(data) == {"query", "corrected", "total", "hits", "facets"}
    assert set(data["hits"][0]) == {"id", "kind", "title", "score", "sources", "snippet"}
    assert data["corrected"] is None


def _fresh(tmp_path):
    ws = Workspace.create(tmp_path / "ws")
    ws.store.save_many([records.from_dict(records.to_dict(r)) for r in FIXTURE[:3]], by="тест")
    CatalogueIndex.open(ws).close()
    return ws


def test_a_crash_between_saving_and_indexing_heals_on_next_open(tmp_path, backend):
    ws = _fresh(tmp_path)
    record = ws.store.get("mat-000002")
    record.title = "Десятичные дроби. Итоговый тест"
    ws.store.save(record, by="тест")  # the process "dies" here: the index was never told
    ws.store.save(_material("Умножение дробей", subjects=["Математика"]), by="тест")
    ws.close()
    stale = CatalogueIndex.existing(Workspace.open(tmp_path / "ws"))
    assert stale is not None
    report = stale.check()
    assert report.stale == ["mat-000002"] and report.missing == ["mat-000004"]
    assert report.pending == 2
    healed = CatalogueIndex.open(tmp_path / "ws")
    assert healed.check().ok and healed.check().pending == 0
    assert titles(healed.search("итоговый тест")) == ["Десятичные дроби. Итоговый тест"]


def test_the_first_record_of_an_empty_catalogue_is_found(tmp_path, backend):
    index = CatalogueIndex.open(Workspace.create(tmp_path / "ws"))
    assert index.search("").total == 0  # the kept searcher now reads an empty index
    index.workspace.store.save(_material("Умножение дробей", subjects=["Математика"]), by="тест")
    index.sync()
    assert titles(index.search("дроби")) == ["Умножение дробей"]


@pytest.mark.parametrize("query", ["квазиподобие", "Конспект урока математики", "дроби"])
def test_an_edited_record_is_found_once_in_its_newest_version(tmp_path, backend, query):
    ws = _fresh(tmp_path)
    index = CatalogueIndex.open(ws)
    index.search("дроби")  # the kept searcher reads the index as it was
    for title in ("Конспект урока математики о квазиподобии дробей", "Квазиподобие дробей"):
        record = ws.store.get("mat-000001")
        record.title = title
        ws.store.save(record, by="тест")
        index.sync()
    hits = index.search(query).hits
    assert [h.title for h in hits if h.id == "mat-000001"] in ([], ["Квазиподобие дробей"])
    assert len({h.id for h in hits}) == len(hits)


def _readers(index):
    return {r.segment().segment_id(): r for r, _ in index.searcher().reader().leaf_readers()}


def test_a_commit_reopens_only_the_segments_it_changed(tmp_path):
    ws = _fresh(tmp_path)
    index = CatalogueIndex.open(ws)
    ws.store.save(_material("Умножение дробей", subjects=["Математика"]), by="тест")
    assert "Умножение дробей" in titles(index.search("дроби"))
    before = _readers(index)
    ws.store.save(_material("Деление дробей", subjects=["Математика"]), by="тест")
    assert "Деление дробей" in titles(index.search("дроби"))
    after = _readers(index)
    assert len(after) == len(before) + 1  # the new record's segment
    assert all(after[segment] is reader for segment, reader in before.items())
    # an edit deletes the old version in its segment: that segment is read afresh
    record = ws.store.get("mat-000001")
    record.title = "Квазиподобие дробей"
    ws.store.save(record, by="тест")
    assert [h.id for h in index.search("квазиподобие").hits] == ["mat-000001"]
    edited = _readers(index)
    reopened = [segment for segment in before if edited.get(segment) is not before[segment]]
    assert len(reopened) == 1 and edited[reopened[0]].has_deletions()
    assert [h.title for h in index.search("дроби").hits if h.id == "mat-000001"] == [
        "Квазиподобие дробей"
    ]


@pytest.mark.parametrize("saved", ["current", "older layout"])
def test_a_segments_facet_table_is_saved_and_read_back(tmp_path, saved):
    ws = _fresh(tmp_path)
    index = CatalogueIndex.open(ws)
    (reader,) = _readers(index).values()
    stem = reader.segment().segment_id()
    path = index.path / f"{stem}{facets.SUFFIX}"
    assert path.exists()  # written by the build
    if saved == "older layout":  # one array per facet: built again from the postings
        np.savez(path, **{f"{facet}.docs": np.zeros(1, np.int32) for facet in facets.FACETS})
    expected = facets.segment_columns(reader)
    found = facets.SegmentTables(index.path).of(stem, reader)
    assert found.keys() == expected.keys() == set(facets.FACETS)
    for facet, column in expected.items():
        assert found[facet].values == column.values
        assert found[facet].docs.tolist() == column.docs.tolist()
        assert found[facet].codes.tolist() == column.codes.tolist()
    assert any(column.values for column in found.values())
    assert facets._load(path) is not None  # saved again in the current layout
    assert index.search("дроби", filters={"subject": ["Математика"]}).total >= 1


def test_deleting_removes_from_the_index(tmp_path, backend):
    ws = _fresh(tmp_path)
    ws.store.delete("mat-000003", by="тест")
    index = CatalogueIndex.open(ws)
    assert index.search("ёлка").total == 0 and index.check().ok


def test_rebuild_repairs_a_lost_index(tmp_path, backend):
    ws = _fresh(tmp_path)
    index = CatalogueIndex.open(ws)
    # someone damages the index behind the store's back
    if isinstance(index, PgIndex):
        with ws.store.db.write() as conn:
            conn.execute(text("UPDATE search_docs SET id = 'mat-999999' WHERE id = 'mat-000001'"))
    else:
        with index.ix.writer() as writer:
            writer.delete_by_term("id", "mat-000001")
            writer.add_document(id="mat-999999", version=1, title="Лишняя")
    report = index.check()
    assert report.missing == ["mat-000001"] and report.orphans == ["mat-999999"]
    assert index.rebuild() == 3
    assert index.check().ok


def test_index_of_another_schema_version_is_rebuilt(tmp_path, backend):
    ws = _fresh(tmp_path)
    if backend == "postgresql":
        with ws.store.db.write() as conn:
            conn.execute(text("UPDATE search_state SET version = 0"))
        assert not PgIndex.current(ws.store)
        assert CatalogueIndex.open(ws).doc_count() == 3 and PgIndex.current(ws.store)
        return
    (ws.index_dir / "imk-index-version").write_text("0")
    assert not CatalogueIndex.is_current(ws.index_dir)
    index = CatalogueIndex.open(ws)
    assert index.doc_count() == 3 and CatalogueIndex.is_current(ws.index_dir)


def test_find_ids_is_what_other_packages_search_through(index):
    from catalogue import plugins
    from index import commands

    plugins.register(commands)  # as imk.cli does
    ids = plugins.find_ids(index.workspace, "дроби", filters={"kind": ["material"]}, limit=10)
    assert ids[:2] and set(ids) == {"mat-000001", "mat-000002"}
