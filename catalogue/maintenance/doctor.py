"""``imk doctor``: is the workspace sound, and what can be put right without losing anything.

Checks, in order: the database file (``PRAGMA integrity_check``), every record's current
version against its history row, the attachment files (each named by its SHA-256, so its
bytes are re-hashed), files no record names, temporary leftovers, and — through the
``imk_doctor`` hook — the search index. Repairs only what is safe: leftovers and files no
record names go, the index is rebuilt; damaged data is reported, never "fixed" by guessing.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import text

from catalogue.i18n import t
from catalogue.maintenance.references import named_hashes
from catalogue.storage.common import is_postgresql
from catalogue.workspace import DB_NAME, Workspace, database_url

Progress = Callable[[int, int], None]
SHOWN = 20  # items listed per finding
_HASH = re.compile(r"[0-9a-f]{64}")


@dataclass
class Finding:
    """One problem: where, what, which items, and whether doctor put it right."""

    area: str  # database, files, index
    code: str
    message: str
    items: list[str] = field(default_factory=list)
    repaired: bool = False
    repairable: bool = True

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["count"] = len(self.items)
        data["items"] = self.items[:SHOWN]
        return data


@dataclass
class Diagnosis:
    """What doctor checked and found."""

    checked: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    @property
    def remaining(self) -> list[Finding]:
        """Problems still there after the run."""
        return [f for f in self.findings if not f.repaired]

    @property
    def ok(self) -> bool:
        return not self.remaining

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "checked": self.checked,
            "findings": [f.to_json() for f in self.findings],
        }


def integrity(db_path: Path) -> list[str]:
    """``PRAGMA integrity_check`` of the database file: ``[]`` when it is sound."""
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
        try:
            rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    return [] if rows == ["ok"] else rows


def database_integrity(home: Path) -> list[str]:
    """:func:`integrity` of the workspace's SQLite file; ``[]`` for a PostgreSQL database (the
    server checks its own pages; the checks below run on either)."""
    if is_postgresql(database_url(home)):
        return []
    return integrity(Path(home) / DB_NAME)


def check_database(ws: Workspace, found: Diagnosis) -> None:
    """Records whose current version has no matching history row (half-written records)."""
    with ws.store.db.read() as conn:
        found.checked["records"] = conn.execute(text("SELECT count(*) FROM records")).scalar_one()
        found.checked["versions"] = conn.execute(
            text("SELECT count(*) FROM record_versions")
        ).scalar_one()
        half = [
            row[0]
            for row in conn.execute(
                text(
                    "SELECT r.id FROM records AS r LEFT JOIN record_versions AS v "
                    "ON v.record_id = r.id AND v.version = r.version "
                    "WHERE v.record_id IS NULL OR v.data != r.data ORDER BY r.id"
                )
            )
        ]
        named = named_hashes(conn)
        texts = {row[0] for row in conn.execute(text("SELECT sha256 FROM blobs"))}
    if half:
        found.findings.append(
            Finding("database", "half_records", t("doctor.half_records"), half, repairable=False)
        )
    no_text = sorted(named - texts)
    if no_text:
        found.findings.append(
            Finding("files", "no_text", t("doctor.no_text"), no_text, repairable=False)
        )


def check_files(
    ws: Workspace, found: Diagnosis, repair: bool, progress: Progress | None = None
) -> None:
    """Attachment files: present, bytes matching their hash, none without a record."""
    healed = ws.healed
    if healed.published or healed.removed:
        found.findings.append(
            Finding(
                "files",
                "healed",
                t("doctor.healed", published=healed.published, removed=healed.removed),
                repaired=True,
            )
        )
    dead = ws.files.dead_staging()
    if dead:
        finding = Finding("files", "staging", t("doctor.staging"), [str(p) for p in dead])
        if repair:
            ws.heal()
            finding.repaired = True
        found.findings.append(finding)
    with ws.store.db.read() as conn:
        named = named_hashes(conn)
    stored: dict[str, Path] = {}
    strays: list[Path] = []
    for path in ws.files.published():
        if _HASH.fullmatch(path.name) and path.parent.name == path.name[:2]:
            stored[path.name] = path
        else:
            strays.append(path)
    found.checked["files"] = len(stored)
    damaged = []
    for done, (sha, path) in enumerate(sorted(stored.items()), 1):
        if _sha256(path) != sha:
            damaged.append(str(path))
        if progress:
            progress(done, len(stored))
    if damaged:
        found.findings.append(
            Finding("files", "damaged", t("doctor.damaged"), damaged, repairable=False)
        )
    missing = sorted(named - set(stored))
    if missing:
        found.findings.append(
            Finding("files", "missing", t("doctor.missing"), missing, repairable=False)
        )
    if strays:
        finding = Finding("files", "strays", t("doctor.strays"), [str(p) for p in strays])
        if repair:
            for path in strays:
                path.unlink(missing_ok=True)
            finding.repaired = True
        found.findings.append(finding)
    orphans = sorted(set(stored) - named)
    if orphans:
        finding = Finding("files", "orphans", t("doctor.orphans"), orphans)
        if repair:
            _remove_orphans(ws, orphans)
            finding.repaired = True
        found.findings.append(finding)


def _remove_orphans(ws: Workspace, orphans: list[str]) -> None:
    """Delete files no record names, holding the write lock so no save can name one meanwhile."""
    with ws.store.db.write() as conn:
        named = named_hashes(conn)
        for sha in orphans:
            if sha not in named:
                ws.files.path(sha).unlink(missing_ok=True)


def _sha256(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def diagnose(
    ws: Workspace,
    repair: bool = False,
    index_check: Callable[[Workspace, bool], list[Finding]] | None = None,
    progress: Progress | None = None,
) -> Diagnosis:
    """Check the workspace (the database file was checked before opening it: :func:`integrity`);
    with ``repair``, put right what is safe. ``index_check`` adds the search index's findings."""
    found = Diagnosis()
    check_database(ws, found)
    check_files(ws, found, repair, progress)
    if index_check is not None:
        found.findings.extend(index_check(ws, repair))
    return found
