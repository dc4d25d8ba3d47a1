"""Block-at-a-time BM25F (index/bm25.py) gives Whoosh's own scores, for words and phrases: on
the demo catalogue, and on an index whose segments hold deleted and replaced records."""

from __future__ import annotations

import pytest
from whoosh import query as wq

from catalogue import records
from index import bm25
from index.bm25 import CatalogueSearcher
from index.engine import CatalogueIndex
from index.query import analysed, parser
from tests.conftest import make_workspace

WORDS = ["урок", "математика", "проектной", "рабочая", "дошкольников", "егэ", "презентация"]
PHRASES = [
    "рабочая программа",
    "методические рекомендации",
    "для учителей начальных классов",
    "5 класс",
    "урок математики",
    "проектная деятельность",
    "класс класс",
]
FIELDS = ("title", "annotation", "content")


def whoosh_scores(searcher, q: wq.Query) -> dict[int, float]:
    """{docnum: score} as Whoosh's matchers compute them, one posting at a time."""
    found = {}
    for leaf, offset in searcher.leaf_searchers():
        matcher = q.matcher(leaf, searcher.context())
        while matcher.is_active():
            found[matcher.id() + offset] = matcher.score()
            matcher.next()
    return found


def phrases(text: str, slop: int) -> list[wq.Phrase]:
    return [
        wq.Phrase(name, analysed(text), slop=slop, boost=1.0 + n / 2)
        for n, name in enumerate(FIELDS)
    ]


def field_terms(searcher, word: str) -> list[wq.Term]:
    q = parser(searcher.schema).parse(word)
    return list(q.subqueries) if isinstance(q, wq.Or) else [q]


@pytest.mark.parametrize("word", WORDS)
def test_scores_equal_whooshs_on_the_demo_catalogue(demo_index, word):
    searcher = demo_index.searcher()
    terms = field_terms(searcher, word)
    assert bm25.applies(searcher, terms)
    expected = whoosh_scores(searcher, wq.Or(terms))
    found = bm25.term_scores(searcher, terms)
    assert expected, word  # the word is in the demo catalogue
    assert found.keys() == expected.keys()
    assert found == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("slop", [1, 3])
@pytest.mark.parametrize("text", PHRASES)
def test_phrase_scores_equal_whooshs(demo_index, text, slop):
    searcher = demo_index.searcher()
    asked = phrases(text, slop)
    assert bm25.applies(searcher, [], asked)
    expected = whoosh_scores(searcher, wq.Or(asked))
    found = bm25.phrase_scores(searcher, asked)
    assert found.keys() == expected.keys()
    assert found == pytest.approx(expected, rel=1e-12)
    if text != "класс класс":
        assert expected, text  # the phrase is in the demo catalogue


@pytest.mark.parametrize("text", PHRASES[:4])
def test_phrase_scores_among_some_records(demo_index, text):
    searcher = demo_index.searcher()
    asked = phrases(text, 3)
    everywhere = bm25.phrase_scores(searcher, asked)
    among = sorted(range(0, searcher.doc_count_all(), 3))
    found = bm25.phrase_scores(searcher, asked, among)
    assert found == {doc: score for doc, score in everywhere.items() if doc % 3 == 0}
    assert found, text


def delete_and_retitle(
    index: CatalogueIndex, deleted: records.Record, retitled: records.Record, title: str
) -> None:
    """Delete one record and retitle another after indexing, and replay the changes."""
    store = index.workspace.store
    store.delete(deleted.id, by="тест")
    edited = store.get(retitled.id)
    edited.title = title
    store.save(edited, by="тест")
    index.sync()


@pytest.fixture
def changed_index(tmp_path):
    ws = make_workspace(tmp_path / "ws", None)
    made = ws.store.save_many(
        [
            records.new("material", title=f"Урок математики {n}", status="published")
            for n in range(6)
        ],
        by="тест",
    )
    index = CatalogueIndex.open(ws)
    delete_and_retitle(index, made[1], made[2], "Урок истории")
    yield index, made
    index.close()
    ws.close()


def test_deleted_and_replaced_records_are_not_scored(changed_index):
    index, made = changed_index
    searcher = index.searcher()
    terms = field_terms(searcher, "математики")
    found = bm25.term_scores(searcher, terms)
    assert found == pytest.approx(whoosh_scores(searcher, wq.Or(terms)), rel=1e-12)
    ids = {searcher.stored_fields(doc)["id"] for doc in found}
    assert ids == {r.id for r in made} - {made[1].id, made[2].id}
    assert [h.id for h in index.search("истории").hits] == [made[2].id]
    assert made[1].id not in [h.id for h in index.search("урок").hits]


def test_deleted_and_replaced_records_are_not_phrase_matched(changed_index):
    index, made = changed_index
    searcher = index.searcher()
    asked = phrases("урок математики", 1)
    found = bm25.phrase_scores(searcher, asked)
    assert found == pytest.approx(whoosh_scores(searcher, wq.Or(asked)), rel=1e-12)
    ids = {searcher.stored_fields(doc)["id"] for doc in found}
    assert ids == {r.id for r in made} - {made[1].id, made[2].id}
    assert index.search('"урок математики"').total == 4
    assert index.search('"урок истории"').total == 1


def test_a_file_name_is_averaged_over_the_records_with_a_file(tmp_path):
    ws = make_workspace(tmp_path / "ws", None)
    ws.store.save_many(
        [
            records.new(
                "material",
                title=f"Дроби {n}",
                status="published",
                attachments=[records.Attachment("urok_po_teme_drobi.docx", "0" * 64)]
                if n < 2
                else [],
            )
            for n in range(6)
        ],
        by="тест",
    )
    index = CatalogueIndex.open(ws)
    searcher = index.searcher()
    reader = searcher.reader()
    assert isinstance(searcher, CatalogueSearcher)
    # two records of six have a file: a file name is as long as the others, not three times
    assert reader.field_length("filename") > 0
    assert searcher.avg_field_length("filename") == pytest.approx(
        reader.field_length("filename") / 2
    )
    assert searcher.avg_field_length("title") == pytest.approx(reader.field_length("title") / 6)
    terms = field_terms(searcher, "дроби")
    assert any(t.fieldname == "filename" for t in terms)
    found = bm25.term_scores(searcher, terms)
    assert found == pytest.approx(whoosh_scores(searcher, wq.Or(terms)), rel=1e-12)
    index.close()
    ws.close()
