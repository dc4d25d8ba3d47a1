"""``imk backup`` / ``imk restore``: a consistent copy of a workspace taken while others work.

A backup folder holds ``catalogue.sqlite`` (copied with SQLite's online backup API, or, from
a PostgreSQL catalogue, by :func:`~catalogue.maintenance.copy.copy_database`: one snapshot
either way, writers are not stopped), the attachment files that snapshot names (re-hashed while
copied), ``settings.toml`` and ``imk-backup.json`` (written last: a folder without it is not a
finished backup). The index is not copied: restore rebuilds it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import create_engine

from catalogue.maintenance.copy import copy_database
from catalogue.maintenance.doctor import integrity
from catalogue.maintenance.references import named_hashes
from catalogue.storage.common import is_postgresql, sqlite_url
from catalogue.store import StoreError
from catalogue.workspace import DB_NAME, SETTINGS_NAME, Workspace, database_url

Progress = Callable[[int, int], None]
MANIFEST = "imk-backup.json"
FORMAT = 1


@dataclass
class Copied:
    """What a backup or a restore copied."""

    records: int
    files: int
    bytes: int
    created_at: str


def _empty_folder(path: Path) -> bool:
    return not path.exists() or (path.is_dir() and not any(path.iterdir()))


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy a database with the online backup API (one consistent snapshot)."""
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst)  # all pages in one step: a single read snapshot
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()
        src.close()
    os.replace(partial, target)


def _database_copy(ws: Workspace, target: Path) -> None:
    """The workspace's database, from one snapshot, as the SQLite file ``target``."""
    if not ws.on_postgresql:
        _sqlite_copy(ws.db_path, target)
        return
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    copy_database(ws.store.db, sqlite_url(partial))
    with closing(sqlite3.connect(partial)) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")
    os.replace(partial, target)


def _snapshot_facts(db: Path) -> tuple[int, set[str]]:
    """Live records and every attachment hash named in the database copy ``db``."""
    engine = create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            records = conn.exec_driver_sql(
                "SELECT count(*) FROM records WHERE deleted_at IS NULL"
            ).scalar_one()
            return records, named_hashes(conn)
    finally:
        engine.dispose()


def _copy_checked(source: Path, target: Path, sha: str) -> int:
    """Copy a file, hashing it; a mismatch is an error naming the file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with source.open("rb") as src, target.open("wb") as out:
        while block := src.read(1 << 20):
            digest.update(block)
            out.write(block)
            size += len(block)
    if digest.hexdigest() != sha:
        target.unlink()
        raise StoreError("backup.damaged", path=source)
    return size


def _live_copy(home: Path, sha: str, target: Path, tries: int = 100) -> int:
    """Copy an attachment from a working workspace. A record committed a moment ago may
    still have its file staged (it is published right after the commit), so look there too."""
    final = home / "files" / sha[:2] / sha
    for _ in range(tries):
        for source in (final, *sorted((home / "staging").glob(f"*/{sha}"))):
            try:
                return _copy_checked(source, target, sha)
            except FileNotFoundError:
                continue
        time.sleep(0.05)
    raise StoreError("backup.file_missing", sha=sha)


def _copy_files(
    hashes: set[str], copy: Callable[[str], int], progress: Progress | None
) -> tuple[int, int]:
    total = 0
    for done, sha in enumerate(sorted(hashes), 1):
        total += copy(sha)
        if progress:
            progress(done, len(hashes))
    return len(hashes), total


def backup(ws: Workspace, target: Path, progress: Progress | None = None) -> Copied:
    """Copy ``ws`` into the new or empty folder ``target`` while others keep working."""
    target = Path(target)
    if not _empty_folder(target):
        raise StoreError("backup.target_not_empty", path=target)
    target.mkdir(parents=True, exist_ok=True)
    db = target / DB_NAME
    _database_copy(ws, db)
    records, hashes = _snapshot_facts(db)
    files, size = _copy_files(
        hashes,
        lambda sha: _live_copy(ws.path, sha, target / "files" / sha[:2] / sha),
        progress,
    )
    settings = ws.path / SETTINGS_NAME
    if settings.is_file():
        shutil.copy2(settings, target / SETTINGS_NAME)
    made = Copied(records, files, size, dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    manifest = {"format": FORMAT, "source": str(ws.path), **asdict(made)}
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    return made


def _workspace_is_empty(home: Path) -> bool:
    """Nothing to lose: no folder, an empty one, or a workspace without records or files."""
    if _empty_folder(home):
        return True
    if not Workspace.exists(home):
        return False
    with Workspace.open(home) as ws, ws.store.db.read() as conn:
        saved = conn.exec_driver_sql("SELECT count(*) FROM record_versions").scalar_one()
        return saved == 0 and not any(ws.files.published())


def restore(source: Path, home: Path, progress: Progress | None = None) -> Copied:
    """Copy the backup ``source`` into the empty workspace ``home`` (the caller rebuilds the
    index). Refuses a workspace that holds anything, and a backup that is unfinished or damaged.
    """
    source, home = Path(source), Path(home)
    manifest_path = source / MANIFEST
    if not manifest_path.is_file() or not (source / DB_NAME).is_file():
        raise StoreError("restore.not_a_backup", path=source)
    problems = integrity(source / DB_NAME)
    if problems:
        raise StoreError("restore.damaged", path=source / DB_NAME, problem=problems[0])
    if is_postgresql(database_url(home)):
        raise StoreError("restore.postgresql", path=home)
    if not _workspace_is_empty(home):
        raise StoreError("restore.not_empty", path=home)
    manifest = json.loads(manifest_path.read_text())
    for sub in ("", "index", "files", "exports", "logs"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    for leftover in ("-wal", "-shm"):
        (home / (DB_NAME + leftover)).unlink(missing_ok=True)
    _sqlite_copy(source / DB_NAME, home / DB_NAME)
    records, hashes = _snapshot_facts(home / DB_NAME)

    def copy(sha: str) -> int:
        original = source / "files" / sha[:2] / sha
        if not original.is_file():
            raise StoreError("backup.file_missing", sha=sha)
        return _copy_checked(original, home / "files" / sha[:2] / sha, sha)

    files, size = _copy_files(hashes, copy, progress)
    if (source / SETTINGS_NAME).is_file():
        shutil.copy2(source / SETTINGS_NAME, home / SETTINGS_NAME)
    shutil.rmtree(home / "index", ignore_errors=True)
    (home / "index").mkdir()
    return Copied(records, files, size, manifest.get("created_at", ""))
