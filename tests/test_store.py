"""The store, on SQLite and on PostgreSQL: ids, versions, conflicts, atomic batches, the bin,
migrations, files."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text

from catalogue import records, schema
from catalogue.store import ConflictError, NotFoundError, Store, StoreError
from catalogue.validation import ValidationError
from catalogue.workspace import NotAWorkspace, Workspace

pytestmark = pytest.mark.both_backends


@pytest.fixture
def url(backend, tmp_path) -> str:
    """A database URL of the test's backend (nothing in it yet)."""
    return os.environ.get("IMK_DATABASE_URL") or f"sqlite:///{tmp_path / 'catalogue.sqlite'}"


def material(title="Сложение дробей", **values):
    return records.new("material", title=title, subjects=["Математика"], grades=["5"], **values)


def test_new_records_get_readable_ids_and_version_1(workspace):
    saved = [workspace.store.save(material(), by="Смирнова") for _ in range(2)]
    media = workspace.store.save(records.new("media", title="Учебник"), by="Смирнова")
    assert [r.id for r in saved] == ["mat-000001", "mat-000002"]
    assert media.id == "med-000001"
    assert saved[0].version == 1 and saved[0].created_by == "Смирнова"


def test_every_save_keeps_every_version(workspace):
    store = workspace.store
    record = store.save(material(), by="Смирнова")
    for n in range(3):
        record.title = f"Сложение дробей, вариант {n}"
        record = store.save(record, by="Кузнецова")
    history = store.history(record.id)
    assert [v.version for v in history] == [1, 2, 3, 4]
    assert [v.action for v in history] == ["create", "update", "update", "update"]
    assert history[0].record.title == "Сложение дробей"
    assert history[-1].saved_by == "Кузнецова"
    assert store.get(record.id).title == "Сложение дробей, вариант 2"


def test_saving_an_outdated_version_is_refused_and_writes_nothing(workspace):
    store = workspace.store
    first = store.save(material(), by="Смирнова")
    mine, theirs = store.get(first.id), store.get(first.id)
    theirs.title = "Их правка"
    store.save(theirs, by="Кузнецова")
    mine.title = "Моя правка"
    with pytest.raises(ConflictError) as caught:
        store.save(mine, by="Смирнова")
    assert "Кузнецова" in str(caught.value) and "версия 2" in str(caught.value)
    assert store.get(first.id).title == "Их правка"
    assert len(store.history(first.id)) == 2


def test_invalid_record_is_not_written(workspace):
    with pytest.raises(ValidationError):
        workspace.store.save(material(title=""), by="Смирнова")
    assert workspace.store.count() == 0
    assert workspace.store.pending() == []


def test_batch_is_all_or_nothing(workspace):
    batch = [material(), material(title=""), material()]
    with pytest.raises(StoreError) as caught:
        workspace.store.save_many(batch, by="импорт")
    assert "#2" in str(caught.value)
    assert workspace.store.count() == 0


def test_save_queues_index_work_in_the_same_transaction(workspace):
    record = workspace.store.save(material(), by="Смирнова")
    workspace.store.delete(record.id, by="Смирнова")
    ops = [(rid, op) for _, rid, op in workspace.store.pending()]
    assert ops == [(record.id, "upsert"), (record.id, "delete")]


def test_deleted_record_goes_to_the_bin_with_its_history(workspace):
    store = workspace.store
    record = store.save(material(), by="Смирнова")
    store.delete(record.id, by="Смирнова")
    with pytest.raises(NotFoundError, match="не найдена"):
        store.get(record.id)
    assert store.get(record.id, include_deleted=True).title == record.title
    assert [v.action for v in store.history(record.id)] == ["create", "delete"]
    assert store.count() == 0


def test_schema_version_is_recorded(workspace):
    with workspace.store.db.read() as conn:
        assert schema.current_version(conn) == schema.SCHEMA_VERSION


def test_database_from_a_newer_program_is_refused(url):
    store = Store(url)
    with store.db.write() as conn:
        schema.set_version(conn, schema.SCHEMA_VERSION + 1)
    store.close()
    with pytest.raises(StoreError, match="более новой версией"):
        Store(url)


def test_reopening_keeps_records(tmp_path, backend):
    with Workspace.create(tmp_path / "ws") as ws:
        ws.store.save(material(), by="Смирнова")
    with Workspace.open(tmp_path / "ws") as ws:
        assert ws.store.count() == 1


def test_opening_a_folder_that_is_not_a_workspace_says_how_to_create_one(tmp_path):
    with pytest.raises(NotAWorkspace, match="imk --home"):
        Workspace.open(tmp_path)


def test_attachments_are_stored_once_by_content(workspace):
    data = "Сложение дробей с одинаковыми знаменателями.".encode()
    first = workspace.add_attachment("урок.txt", data)
    second = workspace.add_attachment("копия урока.txt", data)
    assert first.sha256 == second.sha256
    assert workspace.file_path(first.sha256).read_bytes() == data
    assert not any(workspace.files_dir.rglob("*")), "published only once a record names it"
    record = workspace.store.save(material(attachments=[first]), by="Смирнова")
    stored = [p for p in workspace.files_dir.rglob("*") if p.is_file()]
    assert stored == [workspace.file_path(first.sha256)]
    assert "знаменателями" in workspace.store.text_of(record)
    assert record.sources == ["урок.txt"]


def test_collections_are_saved_and_conflict_like_records(workspace):
    store = workspace.store
    made = store.collections.save(records.Collection(name="drobi-5", title="Дроби, 5 класс"))
    assert made.id == "col-000001"
    with pytest.raises(StoreError, match="уже есть"):
        store.collections.save(records.Collection(name="drobi-5", title="Другая"))
    stale = store.collections.get("drobi-5")
    fresh = store.collections.get("drobi-5")
    fresh.items.append(records.CollectionItem("mat-000001", "Для начала темы"))
    store.collections.save(fresh)
    with pytest.raises(ConflictError):
        store.collections.save(stale)
    assert store.collections.get("drobi-5").items[0].note == "Для начала темы"


def test_stats_count_kinds_statuses_and_texts(workspace):
    att = workspace.add_attachment("a.txt", "Текст о дробях".encode())
    workspace.store.save_many(
        [
            material(status="published", attachments=[att]),
            material(),
            records.new("media", title="Учебник", status="published"),
        ],
        by="Смирнова",
    )
    stats = workspace.store.stats()
    assert stats["records"] == 3
    assert stats["by_kind"] == {"material": 2, "media": 1}
    assert stats["by_status"] == {"draft": 1, "published": 2}
    assert stats["with_text"] == 1 and stats["attachments"] == 1


def test_an_old_database_is_migrated_in_place(url):
    old = Store(url)  # made a version-1 catalogue, as the first release left it
    with old.db.write() as conn:
        for table in reversed(schema.metadata.sorted_tables):
            if table.name not in schema.V1_TABLES:
                conn.execute(text(f"DROP TABLE {table.name}"))
        schema.set_version(conn, 1)
    old.close()
    store = Store(url)
    store.search_log.log("дроби", {"grade": ["5"]}, total=3, elapsed_ms=12.5, source="cli")
    assert store.search_log.entries()[0]["filters"] == {"grade": ["5"]}
    with store.db.read() as conn:
        assert schema.current_version(conn) == schema.SCHEMA_VERSION == 9
