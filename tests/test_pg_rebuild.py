"""Rebuilding the search table of a PostgreSQL catalogue while it is used: searches in other
threads never fail and always see every record (the old table until the new one is in place),
and a save made during the rebuild is found after it — on a real server."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from catalogue import records
from index.engine import CatalogueIndex
from index.pg import engine
from tests.conftest import PG_TESTS, make_workspace

pytestmark = pytest.mark.postgresql

COUNT = 300


@pytest.fixture
def index(tmp_path, postgres):
    url = postgres.schema(PG_TESTS)
    ws = make_workspace(tmp_path / "ws", url)
    ws.store.save_many(
        [
            records.new("material", title=f"Урок математики № {n}", subjects=["Математика"])
            for n in range(COUNT)
        ],
        by="тест",
    )
    found = CatalogueIndex.open(ws)
    yield found
    found.close()
    postgres.drop_schema(url)


def test_searches_during_a_rebuild_see_every_record(index):
    failures: list[BaseException] = []
    totals: list[int] = []
    done = threading.Event()

    def search() -> None:
        while not done.is_set():
            try:
                result = index.search("урок", filters={"subject": ["Математика"]})
                totals.append(result.total)
                assert result.facets["subject"] == {"Математика": result.total}
            except BaseException as exc:  # every failure is reported below
                failures.append(exc)
                return

    searchers = [threading.Thread(target=search) for _ in range(2)]
    for thread in searchers:
        thread.start()
    try:
        for _ in range(3):
            assert index.rebuild() == COUNT
    finally:
        done.set()
        for thread in searchers:
            thread.join()
    assert not failures, failures
    assert totals and set(totals) == {COUNT}


def test_a_save_during_a_rebuild_is_found_after_it(index):
    saved: list[str] = []

    def save() -> None:
        record = records.new("material", title="Сохранено во время перестройки")
        saved.append(index.store.save(record, by="тест").id)

    writer = threading.Thread(target=save)
    writer.start()
    index.rebuild()
    writer.join()
    assert index.find_ids("сохранено перестройки") == saved
    assert index.check().ok


def test_a_rebuild_is_all_done_only_once_its_table_is_in_place(index, monkeypatch):
    monkeypatch.setattr(engine, "BATCH", 100)
    calls: list[tuple[int, int]] = []
    index.rebuild(lambda done, total: calls.append((done, total)))
    assert calls[-1] == (COUNT, COUNT)
    assert [done for done, _ in calls[:-1]] == [0, 100, 200]  # before each batch is written


def test_a_failed_rebuild_leaves_the_old_table_and_nothing_else(index, monkeypatch):
    def fails(conn):
        raise RuntimeError("сбой перед заменой таблицы")

    monkeypatch.setattr(engine.table, "finish", fails)
    with pytest.raises(RuntimeError):
        index.rebuild()
    with index.store.db.read() as conn:
        assert conn.execute(text("SELECT to_regclass('search_docs_next')")).scalar() is None
    assert index.search("урок").total == COUNT and index.check().ok
