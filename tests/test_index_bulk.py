"""The rebuild's writer (index/bulk.py) writes the segment Whoosh's own writer writes from the
same records: every term, posting, weight, position, field length, stored field and column,
and the posting arrays that reading Whoosh's segment back would save; its one-loop analysis
(index/analysis.py word_positions) gives the terms and positions the tokenizer gives."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from whoosh import index as whoosh_index

from catalogue.workspace import Workspace
from index import posting_arrays
from index.analysis import analyzer, word_positions
from index.bulk import BulkWriter, paused_gc
from index.documents import document
from index.schema import FACETS, build_schema

TEXT_FIELDS = posting_arrays.FIELDS
COLUMNS = ("kind", "resource_type", "organisation", "year", "status", "title_sort", "date_sort")
# (records per segment below which every word's arrays are saved, least records otherwise)
ARRAY_RULES = [(posting_arrays.SMALL_SEGMENT, posting_arrays.MIN_RECORDS), (10, 3)]


def documents(home: Path) -> list[dict[str, Any]]:
    store = Workspace.open(home).store
    return [document(record, store.text_of(record)) for record in store.iter_records()]


def write(folder: Path, docs: list[dict[str, Any]], bulk: bool) -> Any:
    """One segment of ``docs`` written by BulkWriter or by Whoosh's writer; its reader."""
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), build_schema())
    writer = BulkWriter(ix) if bulk else ix.writer()
    for doc in docs:
        writer.add_document(**doc)
    writer.commit(merge=False)
    (leaf,) = [r for r, _ in ix.reader().leaf_readers()]
    return leaf


@pytest.fixture(scope="module")
def written_by_whoosh(demo_home, tmp_path_factory) -> tuple[list[dict[str, Any]], Path]:
    """The demo catalogue's documents, and the folder of the one segment Whoosh's own writer
    wrote from them (written once: the array rules only change which arrays are saved)."""
    docs = documents(demo_home)
    folder = tmp_path_factory.mktemp("whoosh") / "segment"
    write(folder, docs, bulk=False)
    return docs, folder


@pytest.fixture(scope="module", params=ARRAY_RULES, ids=["as-configured", "few-common-words"])
def segments(request, written_by_whoosh, tmp_path_factory, monkeypatch_module) -> tuple[Any, Any]:
    """The demo catalogue written by Whoosh's writer (its arrays read back from the segment)
    and by BulkWriter (its arrays saved as it commits), under one array rule."""
    small, least = request.param
    monkeypatch_module.setattr(posting_arrays, "SMALL_SEGMENT", small)
    monkeypatch_module.setattr(posting_arrays, "MIN_RECORDS", least)
    docs, written = written_by_whoosh
    folder = tmp_path_factory.mktemp("bulk")
    shutil.copytree(written, folder / "whoosh")
    (whooshs,) = [
        r for r, _ in whoosh_index.open_dir(str(folder / "whoosh")).reader().leaf_readers()
    ]
    posting_arrays.save(folder / "whoosh", whooshs.segment().segment_id(), whooshs)
    return whooshs, write(folder / "bulk", docs, bulk=True)


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def postings(reader: Any, field: str, word: bytes) -> list[tuple[int, float, bytes]]:
    matcher = reader.postings(field, word)
    found = []
    while matcher.is_active():
        found.append((matcher.id(), matcher.weight(), matcher.value()))
        matcher.next()
    return found


def term_stats(info: Any) -> tuple[Any, ...]:
    return (
        info.weight(),
        info.doc_frequency(),
        info.min_length(),
        info.max_length(),
        info.max_weight(),
        info.min_id(),
        info.max_id(),
    )


@pytest.mark.parametrize("field", [*TEXT_FIELDS, "id", *FACETS])
def test_terms_and_postings_equal_whooshs(segments, field):
    whooshs, bulk = segments
    terms = list(whooshs.iter_field(field))
    assert [word for word, _ in bulk.iter_field(field)] == [word for word, _ in terms]
    assert terms, field
    for word, info in terms:
        assert term_stats(bulk.term_info(field, word)) == term_stats(info), word
        assert postings(bulk, field, word) == postings(whooshs, field, word), word


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_field_lengths_equal_whooshs(segments, field):
    whooshs, bulk = segments
    assert bulk.field_length(field) == whooshs.field_length(field) > 0
    docs = range(whooshs.doc_count_all())
    lengths = [whooshs.doc_field_length(d, field) for d in docs]
    assert [bulk.doc_field_length(d, field) for d in docs] == lengths


def test_stored_fields_equal_whooshs(segments):
    whooshs, bulk = segments
    assert bulk.doc_count_all() == whooshs.doc_count_all() > 100
    assert list(bulk.all_stored_fields()) == list(whooshs.all_stored_fields())


@pytest.mark.parametrize("column", COLUMNS)
def test_columns_equal_whooshs(segments, column):
    whooshs, bulk = segments
    assert list(bulk.column_reader(column)) == list(whooshs.column_reader(column))


def test_posting_arrays_equal_those_read_from_whoosh(segments):
    whooshs, bulk = segments
    read, saved = posting_arrays.of(whooshs), posting_arrays.of(bulk)
    assert read is not None and saved is not None
    assert list(saved._keys) == list(read._keys) and len(read._keys) > 0
    assert np.array_equal(saved._spans, read._spans)
    assert saved._complete == read._complete
    for suffix in (posting_arrays.POSTINGS, posting_arrays.POSITIONS):
        mine, theirs = (
            np.load(Path(r._storage.b.folder) / f"{r.segment().segment_id()}{suffix}")
            for r in (bulk, whooshs)
        )
        assert np.array_equal(mine, theirs), suffix


@pytest.mark.parametrize(
    "text",
    [
        "Рабочая программа по математике для 5 класса",
        "и в на Рабочая и программа",  # stop words first: the first word keeps its number
        "Ёлка ёлки ЕЛКА ёлочка",
        "Planning lessons: English grammar and ИКТ-компетентность_2024",
        "урок урок урок математики урок",
        "",
        "и в на",
    ],
)
def test_word_positions_are_the_tokenizers(text):
    expected: dict[str, list[int]] = {}
    for token in analyzer()(text, positions=True):
        expected.setdefault(token.text, []).append(token.pos)
    assert word_positions(text) == expected


def test_paused_gc_restores_the_collector():
    import gc

    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_long_postings_span_several_blocks(segments):
    whooshs, bulk = segments
    longest = max(info.doc_frequency() for _, info in whooshs.iter_field("meta"))
    assert longest > 128  # Whoosh's postings block: the block-at-a-time path is exercised
    word = next(w for w, info in whooshs.iter_field("meta") if info.doc_frequency() == longest)
    assert postings(bulk, "meta", word) == postings(whooshs, "meta", word)
