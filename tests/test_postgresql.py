"""The catalogue on a PostgreSQL server: where the database URL comes from, ``imk copy`` of a
whole SQLite catalogue with its history, doctor and backup there, and many writers at once.

(The store, curation, export and search suites run on both backends themselves: their modules
are marked ``both_backends``.)"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bench.concurrent_writers import run
from bench.pgserver import free_port
from catalogue import records, schema
from catalogue.maintenance.backup import backup, restore
from catalogue.maintenance.doctor import diagnose
from catalogue.storage.base import Database
from catalogue.storage.common import sqlite_url
from catalogue.workspace import DB_NAME, SETTINGS_NAME, Workspace, database_url
from imk.cli import build_cli
from index.engine import CatalogueIndex

pytestmark = pytest.mark.postgresql


def dump(db: Database) -> dict[str, list[tuple]]:
    """Every row of every table, in a fixed order."""
    tables = {}
    with db.read() as conn:
        for table in schema.metadata.sorted_tables:
            rows = conn.execute(select(table)).all()
            tables[table.name] = sorted(tuple(row) for row in rows)
    return tables


def on_server(source: Path, target: Path, url: str) -> Path:
    """The workspace folder ``source`` without its SQLite file, its catalogue at ``url``."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(f"{DB_NAME}*"))
    (target / SETTINGS_NAME).write_text(f'[database]\nurl = "{url}"\n', encoding="utf-8")
    return target


@pytest.fixture
def pg_url(postgres) -> str:
    """A new empty database on the session's server."""
    return postgres.database()


@pytest.fixture(scope="module")
def grown(demo_home, tmp_path_factory) -> Path:
    """The demo catalogue (SQLite) after some work: edits, reviews, a collection, a record in
    the bin, a logged search."""
    home = tmp_path_factory.mktemp("grown") / "office"
    shutil.copytree(demo_home, home)
    with Workspace.open(home) as ws:
        for n, record in enumerate(list(ws.store.iter_records())[:12]):
            record.title += " (исправлено)"
            record = ws.store.save(record, by="Смирнова")
            if n % 3 == 0:
                ws.store.curation.save_as(record, by="Кузнецова", action="review")
        first = next(ws.store.iter_records())
        ws.store.collections.save(
            records.Collection(
                name="drobi-5",
                title="Дроби, 5 класс",
                items=[records.CollectionItem(first.id, "Для начала темы")],
            )
        )
        ws.store.delete(first.id, by="Смирнова")
        ws.store.search_log.log("дроби", {"grade": ["5"]}, total=7, elapsed_ms=12.0, source="cli")
    return home


@pytest.fixture(scope="module")
def copied(grown, postgres, tmp_path_factory) -> tuple[Path, str]:
    """The grown catalogue copied by ``imk copy`` into PostgreSQL: its folder and URL."""
    url = postgres.database()
    result = CliRunner().invoke(build_cli(), ["--home", str(grown), "copy", "--to", url])
    assert result.exit_code == 0, result.output
    assert "Скопировано" in result.output and "[database]" in result.output
    return on_server(grown, tmp_path_factory.mktemp("team") / "team", url), url


@pytest.mark.slow
def test_copy_keeps_every_record_version_and_attachment(grown, copied):
    home, url = copied
    source, target = Database(sqlite_url(grown / DB_NAME)), Database(url)
    before, after = dump(source), dump(target)
    source.close(), target.close()
    assert len(before["records"]) > 100 and len(before["record_versions"]) > len(before["records"])
    assert before["blobs"] and before["collections"] and before["search_log"]
    for table in schema.metadata.sorted_tables:
        assert after[table.name] == before[table.name], table.name
    with Workspace.open(home) as ws:
        assert ws.on_postgresql and not (home / DB_NAME).exists()
        assert ws.store.curation.binned()
        for record in ws.store.iter_records():
            for attachment in record.attachments:
                data = ws.file_path(attachment.sha256).read_bytes()
                assert hashlib.sha256(data).hexdigest() == attachment.sha256
        assert diagnose(ws).ok


@pytest.mark.slow
def test_the_copy_is_a_working_catalogue(grown, copied):
    home, _ = copied
    with Workspace.open(grown) as ws:
        CatalogueIndex.build(ws)
        before = CatalogueIndex.open(ws)
        queries = ("дроби", "сложение дробей 5 класс", "исправлено")
        expected = {query: before.find_ids(query) for query in queries}
        before.close()
    with Workspace.open(home) as ws:
        last_seq = max(seq for seq, _, _ in ws.store.pending()) if ws.store.pending() else 0
        CatalogueIndex.build(ws)
        index = CatalogueIndex.open(ws)
        for query in queries:  # the same records (each backend ranks in its own way)
            assert sorted(index.find_ids(query)) == sorted(expected[query]), query
        saved = ws.store.save(records.new("material", title="Новый материал"), by="Смирнова")
        numbers = sorted(int(r.id.split("-")[1]) for r in ws.store.iter_records("material"))
        assert int(saved.id.split("-")[1]) == numbers[-1]  # numbering continues after the copy
        assert ws.store.pending()[-1][0] > last_seq
        index.sync()
        assert saved.id in index.find_ids("Новый материал")
        index.close()
    doctor = CliRunner().invoke(build_cli(), ["--home", str(home), "doctor"])
    assert doctor.exit_code == 0, doctor.output


def test_copy_refuses_a_database_that_holds_a_catalogue(workspace, pg_url):
    workspace.store.save(records.new("material", title="Дроби"), by="Смирнова")
    cli = build_cli()
    first = CliRunner().invoke(cli, ["--home", str(workspace.path), "copy", "--to", pg_url])
    assert first.exit_code == 0, first.output
    again = CliRunner().invoke(cli, ["--home", str(workspace.path), "copy", "--to", pg_url])
    assert again.exit_code == 1
    assert "не пуста" in again.output and "Traceback" not in again.output


@pytest.mark.parametrize("where", ["option", "environment", "settings"])
def test_the_database_url_comes_from_option_environment_or_settings(
    where, pg_url, tmp_path, monkeypatch
):
    home = tmp_path / "team"
    monkeypatch.setenv("IMK_DATABASE_URL", "")  # restored after the test
    args = ["--home", str(home)]
    if where == "option":
        args += ["--database-url", pg_url]
    elif where == "environment":
        monkeypatch.setenv("IMK_DATABASE_URL", pg_url)
    else:
        home.mkdir()
        (home / SETTINGS_NAME).write_text(f'[database]\nurl = "{pg_url}"\n', encoding="utf-8")
    result = CliRunner().invoke(build_cli(), [*args, "init"])
    assert result.exit_code == 0, result.output
    assert database_url(home) == pg_url and not (home / DB_NAME).exists()
    with Workspace.open(home) as ws:
        assert ws.on_postgresql and ws.store.count() == 0


def test_a_server_that_does_not_answer_is_one_russian_line(tmp_path, postgres, monkeypatch):
    monkeypatch.setenv("IMK_DATABASE_URL", "")  # the option sets it: restored after the test
    url = postgres.url("imk_absent").replace(str(postgres.port), str(free_port()))
    result = CliRunner().invoke(
        build_cli(), ["--home", str(tmp_path), "--database-url", url, "init"]
    )
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "Не удалось открыть базу каталога postgresql://imk@127.0.0.1:" in result.output


def test_backup_of_a_server_catalogue_restores_as_a_file(tmp_path, pg_url, monkeypatch):
    monkeypatch.setenv("IMK_DATABASE_URL", pg_url)
    with Workspace.create(tmp_path / "team") as ws:
        attachment = ws.add_attachment("урок.txt", "Сложение дробей".encode())
        record = ws.store.save(
            records.new("material", title="Дроби", attachments=[attachment]), by="Смирнова"
        )
        record.title = "Дроби, 5 класс"
        ws.store.save(record, by="Кузнецова")
        made = backup(ws, tmp_path / "copy")
        original = dump(ws.store.db)
    assert made.records == 1 and made.files == 1
    monkeypatch.delenv("IMK_DATABASE_URL")
    restore(tmp_path / "copy", tmp_path / "restored")
    with Workspace.open(tmp_path / "restored") as restored:
        assert not restored.on_postgresql
        assert dump(restored.store.db) == original
        assert [v.version for v in restored.store.history(record.id)] == [1, 2]


def test_restore_into_a_server_catalogue_says_how(tmp_path, workspace, pg_url, monkeypatch):
    backup(workspace, tmp_path / "copy")
    monkeypatch.setenv("IMK_DATABASE_URL", pg_url)
    result = CliRunner().invoke(
        build_cli(), ["--home", str(tmp_path / "team"), "restore", str(tmp_path / "copy")]
    )
    assert result.exit_code == 1 and "copy --to" in result.output


@pytest.mark.slow
@pytest.mark.subprocess
def test_writers_at_once_lose_no_update_and_searches_never_fail(pg_url, tmp_path, monkeypatch):
    monkeypatch.setenv("IMK_DATABASE_URL", pg_url)
    report = run(tmp_path / "team", writers=4, edits=25, record_count=3)
    assert report["edits"] == 100
    assert report["lost_updates"] == 0
    assert report["records_with_wrong_versions"] == 0
    assert report["search_failures"] == 0 and report["searches"] > 0
    assert report["index_consistent"]
