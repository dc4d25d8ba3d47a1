"""Common words' postings saved as arrays beside their segment (index/posting_arrays.py): they
hold what Whoosh's postings hold, scoring and phrases read from them agree with Whoosh's own,
edits and deletions are never found, and the arrays come and go with their segment."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from whoosh import query as wq

from catalogue import records
from index import bm25, posting_arrays
from index.engine import CatalogueIndex
from tests.conftest import make_workspace
from tests.test_search_scoring import delete_and_retitle, field_terms, phrases, whoosh_scores

SUFFIXES = (posting_arrays.POSTINGS, posting_arrays.POSITIONS, posting_arrays.WORDS)
SUBJECTS = ["математики", "истории", "физики", "литературы"]
WORDS = ["урок", "математики", "программа", "рекомендации", "истории"]
PHRASES = ["урок математики", "рабочая программа", "методические рекомендации", "урок истории"]


def saved_files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if p.name.endswith(SUFFIXES)}


def segment_stems(index: CatalogueIndex) -> set[str]:
    return {segment.segment_id() for segment in index.ix._segments()}


@pytest.mark.parametrize("field", ["title", "annotation", "keywords", "meta", "org_text"])
def test_saved_postings_equal_whooshs(demo_index, field):
    checked = 0
    for leaf, _ in demo_index.searcher().reader().leaf_readers():
        saved = posting_arrays.of(leaf)
        assert saved is not None
        for word, info in leaf.iter_field(field):
            found = saved.get(field, word)
            least = 1 if saved.complete(field) else posting_arrays.MIN_RECORDS
            if info.doc_frequency() < least:
                assert found is None
                continue
            assert found is not None
            matcher = leaf.postings(field, word)
            ids, weights, places = [], [], []
            while matcher.is_active():
                ids.append(matcher.id())
                weights.append(matcher.weight())
                places.append(matcher.value_as("positions"))
                matcher.next()
            assert found.ids.tolist() == ids
            assert found.tf.tolist() == weights
            assert [
                found.positions()[start : start + count].tolist()
                for start, count in zip(found.starts, found.counts, strict=True)
            ] == places
            checked += 1
    assert checked  # the demo catalogue has common words in every field


@pytest.fixture(
    scope="module",
    params=[(1, 0), (10_000, 0), (posting_arrays.MIN_RECORDS, 1_000)],
    ids=["every-word-saved", "none-saved", "small-segments-complete"],
)
def saving(request) -> tuple[int, int]:
    """Which words' postings are saved: every word's, none, or (small segments) every word
    and a directory that says so (``MIN_RECORDS``, ``SMALL_SEGMENT``)."""
    return request.param


def _set(patch: pytest.MonkeyPatch, saving: tuple[int, int]) -> None:
    patch.setattr(posting_arrays, "MIN_RECORDS", saving[0])
    patch.setattr(posting_arrays, "SMALL_SEGMENT", saving[1])


def _changed_catalogue(path: Path) -> tuple[CatalogueIndex, list[records.Record]]:
    """A catalogue of 40 records, one deleted and one retitled after indexing."""
    ws = make_workspace(path, None)
    made = ws.store.save_many(
        [
            records.new(
                "material",
                title=f"Урок {SUBJECTS[n % 4]} {n}: рабочая программа",
                annotation="Методические рекомендации для учителя" if n % 3 else "",
                status="published",
            )
            for n in range(40)
        ],
        by="тест",
    )
    index = CatalogueIndex.open(ws)
    index.search("урок")  # the first segment's arrays are read before the changes
    delete_and_retitle(index, made[0], made[4], "Урок истории: рабочая тетрадь")
    return index, made


@pytest.fixture(scope="module")
def changed_once(tmp_path_factory, saving):
    """:func:`_changed_catalogue` built once per way of saving, for the tests that only read."""
    with pytest.MonkeyPatch.context() as patch:
        _set(patch, saving)
        index, made = _changed_catalogue(tmp_path_factory.mktemp("changed") / "ws")
    yield index, made
    index.close()
    index.workspace.close()


@pytest.fixture
def changed(changed_once, saving, monkeypatch):
    """The read-only changed catalogue, its way of saving in force while the test reads."""
    _set(monkeypatch, saving)
    return changed_once


@pytest.fixture
def changed_fresh(tmp_path, saving, monkeypatch):
    """:func:`_changed_catalogue` of the test's own, which it may change."""
    _set(monkeypatch, saving)
    index, made = _changed_catalogue(tmp_path / "ws")
    yield index, made
    index.close()
    index.workspace.close()


@pytest.mark.parametrize("word", WORDS)
def test_word_scores_equal_whooshs_after_changes(changed, word):
    index, made = changed
    searcher = index.searcher()
    terms = field_terms(searcher, word)
    expected = whoosh_scores(searcher, wq.Or(terms))
    found = bm25.term_scores(searcher, terms)
    assert expected
    assert found == pytest.approx(expected, rel=1e-12)
    ids = {searcher.stored_fields(doc)["id"] for doc in found}
    assert made[0].id not in ids


@pytest.mark.parametrize("slop", [1, 3])
@pytest.mark.parametrize("text", PHRASES)
def test_phrase_scores_equal_whooshs_after_changes(changed, text, slop):
    index, _ = changed
    searcher = index.searcher()
    asked = phrases(text, slop)
    expected = whoosh_scores(searcher, wq.Or(asked))
    assert expected
    assert bm25.phrase_scores(searcher, asked) == pytest.approx(expected, rel=1e-12)
    among = sorted(range(0, searcher.doc_count_all(), 2))
    assert bm25.phrase_scores(searcher, asked, among) == pytest.approx(
        {doc: score for doc, score in expected.items() if doc % 2 == 0}, rel=1e-12
    )


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ('"урок математики"', 8),  # 10 records, one deleted, one retitled
        ('"рабочая программа"', 38),  # 40, one deleted, one retitled
        ('"рабочая тетрадь"', 1),
        ("истории", 11),  # 10 and the retitled one
    ],
)
def test_deleted_and_replaced_records_are_not_found(changed, query, count):
    index, made = changed
    found = index.search(query, page_size=100)
    assert found.total == count
    ids = [hit.id for hit in found.hits]
    assert made[0].id not in ids
    assert (made[4].id in ids) == (query in ('"рабочая тетрадь"', "истории"))


def test_a_rebuild_saves_the_arrays_beside_every_segment(tmp_path):
    ws = make_workspace(tmp_path / "ws", None)
    ws.store.save_many(
        [records.new("material", title=f"Урок математики {n}") for n in range(40)], by="тест"
    )
    index = CatalogueIndex.open(ws)  # built, not yet searched
    stems = segment_stems(index)
    assert stems
    assert saved_files(index.path) == {f"{stem}{suffix}" for stem in stems for suffix in SUFFIXES}
    loaded = posting_arrays.load(index.path, stems.pop())
    assert loaded is not None
    assert loaded.get("title", "урок".encode()) is not None  # «урок» is in all 40 records
    index.close()
    ws.close()


def test_the_arrays_go_with_their_segment(changed_fresh):
    index, _ = changed_fresh
    before = segment_stems(index)
    assert len(before) > 1  # the first build's segment and the changes' segment
    writer = index.ix.writer()
    writer.commit(optimize=True)  # one segment replaces them
    merged = segment_stems(index)
    assert merged.isdisjoint(before)
    assert not saved_files(index.path)  # the old segments' arrays were deleted with them
    assert index.search('"урок математики"').total == 8
    assert saved_files(index.path) == {f"{stem}{suffix}" for stem in merged for suffix in SUFFIXES}
    saved = posting_arrays.load(index.path, merged.pop())
    assert saved is not None
    program = saved.get("title", "программ".encode())
    assert saved.complete("title") == (posting_arrays.SMALL_SEGMENT > 40)
    assert not saved.complete("grade")  # a facet's words are Whoosh's alone
    if saved.complete("title") or posting_arrays.MIN_RECORDS == 1:
        assert program is not None
        assert np.all(np.diff(program.ids) > 0)
    else:
        assert program is None
