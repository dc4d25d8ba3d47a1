"""The search panel's model: query, facet filters, paging and order on the real demo index."""

from __future__ import annotations

import shutil

import pytest

from catalogue import records
from catalogue.vocabularies import fold
from index.engine import CatalogueIndex
from widgets import SearchModel

BAD_QUERIES = [
    '"unbalanced',
    "(((",
    ")))",
    "AND OR",
    "title:(",
    "NOT",
    "OR дроби",
    "дроби AND",
    "предмет:",
    'автор:"',
    "*",
    "?",
    "~",
    "^2",
    "[a TO",
    "{",
    "\\",
    '"',
    "",
    "   ",
    "дроби " * 200,
    "<script>alert(1)</script>",
]
YO_PAIRS = [
    ("ёлка", "елка"),
    ("счёт", "счет"),
    ("приёмы", "приемы"),
    ("ребёнка", "ребенка"),
    ("ЁЛКИ", "елки"),
    ("тренажёр", "тренажер"),
]
QUERIES = ["дроби", "математика", "ёлка", "конспект урока", "дроби 5 класс", '"рабочая программа"']
FACET_PAIRS = [
    ("subject", "grade"),
    ("kind", "status"),
    ("grade", "level"),
    ("resource_type", "year"),
    ("level", "subject"),
]


@pytest.fixture
def model(demo_index) -> SearchModel:
    return SearchModel(demo_index)


def all_hits(model: SearchModel):
    """Every hit of the model's current search (one big page, same criteria)."""
    return model.index.search(
        model.query, filters=model.filters, sort=model.sort, page_size=200
    ).hits


def top_values(model: SearchModel, facet: str, n: int = 2) -> list[str]:
    return list(model.result.facets[facet])[:n]


def hit_values(hit, facet: str, store=None) -> set[str]:
    if facet == "level":  # not on the hit: read the record
        return set(store.get(hit.id).levels)
    return {
        "kind": {hit.kind},
        "status": {hit.status},
        "subject": set(hit.subjects),
        "grade": set(hit.grades),
        "resource_type": {hit.resource_type},
        "organisation": {hit.organisation},
        "year": {str(hit.year)},
    }.get(facet, set())


def test_starts_with_the_whole_catalogue(model, demo_index):
    assert model.error == ""
    assert model.result.total == demo_index.doc_count() > 0
    assert model.page == 1 and len(model.result.hits) == model.page_size


@pytest.mark.parametrize("query", QUERIES)
def test_setting_the_query_searches(model, demo_index, query):
    model.query = query
    assert model.result.query == query
    assert model.result.total == demo_index.search(query).total > 0
    assert [h.id for h in model.result.hits] == [h.id for h in demo_index.search(query).hits]


@pytest.mark.parametrize("query", QUERIES)
def test_empty_query_shows_everything_again(model, demo_index, query):
    model.query = query
    assert model.result.total < demo_index.doc_count()
    model.query = ""
    assert model.result.total == demo_index.doc_count()


@pytest.mark.parametrize(("with_yo", "without"), YO_PAIRS)
def test_yo_and_ye_find_the_same(model, with_yo, without):
    model.query = with_yo
    found = [h.id for h in all_hits(model)]
    model.query = without
    assert found and [h.id for h in all_hits(model)] == found


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_bad_syntax_never_raises_nor_errors(model, query):
    model.query = query
    assert model.error == ""
    assert model.result is not None and model.result.total >= 0


@pytest.mark.parametrize("facet", ["kind", "status", "subject", "grade", "level", "year"])
def test_values_of_one_facet_combine_with_or(model, facet):
    first, second = top_values(model, facet)
    counts = model.result.facets[facet]
    model.toggle(facet, first)
    assert model.filters == {facet: [first]}
    assert model.result.total == counts[first]
    model.toggle(facet, second)
    assert model.filters == {facet: [first, second]}
    assert max(counts[first], counts[second]) <= model.result.total
    assert model.result.total <= counts[first] + counts[second]
    if facet in ("kind", "status", "year"):  # one value per record: the sets are disjoint
        assert model.result.total == counts[first] + counts[second]
    store = model.index.store
    assert all(hit_values(h, facet, store) & {first, second} for h in all_hits(model))


@pytest.mark.parametrize(("one", "other"), FACET_PAIRS)
def test_different_facets_combine_with_and(model, one, other):
    model.toggle(one, top_values(model, one, 1)[0])
    shown = dict(model.result.facets[other])
    for value, count in list(shown.items())[:3]:
        model.toggle(other, value)
        assert model.result.total == count  # the count promised beside the checkbox
        for hit in all_hits(model):
            assert value in hit_values(hit, other, model.index.store)
            assert model.filters[one][0] in hit_values(hit, one, model.index.store)
        model.toggle(other, value)
    assert set(model.filters) == {one}


@pytest.mark.parametrize(
    "facet",
    ["kind", "subject", "grade", "level", "resource_type", "organisation", "year", "status"],
)
def test_counts_of_a_facet_ignore_its_own_selection(model, facet):
    before = dict(model.result.facets[facet])
    for value in list(before)[:3]:
        model.toggle(facet, value)
        assert model.result.facets[facet] == before
    assert model.result.total <= sum(before.values())


def test_toggle_twice_and_clear(model, demo_index):
    model.toggle("subject", "Математика")
    model.toggle("grade", "5")
    assert model.is_selected("grade", "5")
    model.toggle("grade", "5")
    assert model.filters == {"subject": ["Математика"]}
    model.toggle("subject", "Математика", selected=True)  # already selected: nothing changes
    assert model.filters == {"subject": ["Математика"]}
    model.clear_filters()
    assert model.filters == {} and model.result.total == demo_index.doc_count()


def test_filters_are_cleaned(model):
    model.filters = {"subject": ["Математика", "Математика", ""], "grade": [], "nope": ["x"]}
    assert model.filters == {"subject": ["Математика"]}
    with pytest.raises(ValueError, match="unknown facet"):
        model.toggle("nope", "x")


@pytest.mark.parametrize("page_size", [1, 7, 10, 50, 200])
def test_paging_walks_every_hit_once_and_stays_in_bounds(model, demo_index, page_size):
    model.page_size = page_size
    pages = model.result.pages
    assert not model.prev_page() and model.page == 1
    seen = [h.id for h in model.result.hits]
    while model.next_page():
        seen += [h.id for h in model.result.hits]
    assert model.page == pages
    searches = model.searches
    assert not model.next_page() and model.page == pages and model.searches == searches
    assert len(seen) == len(set(seen)) == demo_index.doc_count()
    if pages > 1:
        assert model.prev_page() and model.page == pages - 1


@pytest.mark.parametrize(("asked", "got"), [(0, 1), (-5, 1), (3, 3), (10_000, "last")])
def test_page_is_clamped(model, asked, got):
    model.page = asked
    assert model.page == (model.result.pages if got == "last" else got)
    assert model.result.page == model.page


@pytest.mark.parametrize(
    "change",
    [
        lambda m: setattr(m, "query", "урок"),
        lambda m: setattr(m, "sort", "title"),
        lambda m: m.toggle("kind", "material"),
        lambda m: setattr(m, "page_size", 5),
    ],
    ids=["query", "sort", "filters", "page_size"],
)
def test_new_criteria_go_back_to_page_one_with_one_search(model, change):
    model.page = 3
    searches = model.searches
    change(model)
    assert model.page == 1 and model.result.page == 1
    assert model.searches == searches + 1


@pytest.mark.parametrize("query", ["", "урок", "математика"])
def test_sort_by_date_newest_first(model, query):
    model.query = query
    model.sort = "date"
    years = [h.year or 0 for h in all_hits(model)]
    assert years == sorted(years, reverse=True)


@pytest.mark.parametrize("query", ["", "урок", "математика"])
def test_sort_by_title(model, query):
    model.query = query
    model.sort = "title"
    titles = [fold(h.title) for h in all_hits(model)]
    assert titles == sorted(titles)


@pytest.mark.parametrize("query", ["урок", "математика", "дроби"])
def test_sort_by_relevance_best_first(model, query):
    model.query = query
    scores = [h.score for h in all_hits(model)]
    assert scores == sorted(scores, reverse=True)


def test_sort_changes_the_order(model):
    orders = {}
    for sort in ("relevance", "date", "title"):
        model.sort = sort
        orders[sort] = [h.id for h in model.result.hits]
    assert orders["date"] != orders["title"]
    model.query = "урок"
    model.sort = "relevance"
    by_score = [h.id for h in model.result.hits]
    model.sort = "title"
    assert [h.id for h in model.result.hits] != by_score


def test_a_broken_index_shows_an_error_instead_of_raising(workspace):
    workspace.store.save(records.new("material", title="Дроби", status="published"), by="тест")
    index = CatalogueIndex.open(workspace)
    model = SearchModel(index)
    assert model.result.total == 1
    index.close()
    shutil.rmtree(workspace.index_dir)
    model.query = "дроби"
    assert model.error.startswith("Поиск не удался")
    assert model.result.total == 1  # the last good result stays on screen
