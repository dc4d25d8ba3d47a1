"""Import files and folders into the catalogue: one draft :class:`Material` per document.

For each file: refuse it when it is larger than the limit (without reading it); hash it while
copying it into the workspace (streamed, never whole in memory); skip it when the same bytes are
already catalogued; extract its text in the time-limited :class:`~catalogue.extract.worker.Worker`;
suggest metadata; save the record and the text in one transaction; look for near-duplicates.
A failure anywhere leaves no record, no text row and no new file behind. The federal list of
textbooks is recognised and imported as media records (:mod:`catalogue.ingest.fpu`); other
spreadsheets become records only when asked (``as_records=True``, :mod:`catalogue.ingest.tables`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import mimetypes
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from catalogue.extract import EMPTY, ERROR, OK, UNSUPPORTED, Limits, supported
from catalogue.extract.worker import Worker
from catalogue.i18n import t
from catalogue.ingest import fpu, suggest, tables
from catalogue.ingest.duplicates import NearDuplicateFinder
from catalogue.ingest.report import DUPLICATE, FAILED, FLAGGED, IMPORTED, SKIPPED, ImportReport
from catalogue.records import Attachment, Material

if TYPE_CHECKING:
    from catalogue.workspace import Workspace

Progress = Callable[[int, int], None]
MIN_TEXT = 100  # fewer characters than this in a document is flagged
_IGNORED = ("~$", ".~lock", "Thumbs.db", ".DS_Store", "desktop.ini")


def _mb(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def collect(paths: Iterable[Path | str]) -> list[Path]:
    """Files named by ``paths``; folders are walked recursively (hidden and lock files skipped)."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            for item in sorted(path.rglob("*")):
                relative = item.relative_to(path).parts
                if (
                    item.is_file()
                    and not any(p.startswith(".") for p in relative)
                    and not item.name.startswith(_IGNORED)
                ):
                    found.append(item)
        else:
            found.append(path)
    return found


def _copy_into(ws: Workspace, path: Path, chunk: int = 1 << 20) -> tuple[str, int, Path | None]:
    """Stream a file into ``files/``; return ``(sha256, size, new_path_or_None_if_known)``."""
    digest, size = hashlib.sha256(), 0
    ws.files_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=ws.files_dir, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as out, path.open("rb") as src:
            while block := src.read(chunk):
                digest.update(block)
                out.write(block)
                size += len(block)
        sha = digest.hexdigest()
        target = ws.file_path(sha)
        if target.exists():
            os.unlink(tmp)
            return sha, size, None
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, target)
        return sha, size, target
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Importer:
    """One import run over a workspace (see :func:`import_paths`)."""

    def __init__(
        self,
        ws: Workspace,
        by: str,
        limits: Limits,
        as_records: bool,
        mapping: dict[str, str] | None,
    ) -> None:
        self.ws, self.by, self.limits = ws, by, limits
        self.as_records, self.mapping = as_records, mapping
        self.report = ImportReport(started_at=dt.datetime.now().isoformat(timespec="seconds"))
        self.owners = ws.store.imports.attachment_owners()
        self.finder = NearDuplicateFinder.from_store(ws.store)
        self.pairs: list[tuple[str, str, float, str]] = []

    def run(self, files: list[Path], progress: Progress | None) -> ImportReport:
        started = time.perf_counter()
        with Worker(self.limits) as worker:
            for done, path in enumerate(files):
                if progress:
                    progress(done, len(files))
                self.one(path, worker)
        if progress:
            progress(len(files), len(files))
        self.ws.store.imports.add_near_duplicates(self.pairs)
        self.report.seconds = time.perf_counter() - started
        self.report.save(self.ws.logs_dir)
        return self.report

    def one(self, path: Path, worker: Worker) -> None:
        name = path.name
        if not path.is_file():
            self.report.add(path, FAILED, t("ingest.not_found", name=path))
            return
        size = path.stat().st_size
        if size > self.limits.max_file_bytes:
            self.report.add(
                path,
                FAILED,
                t(
                    "extract.too_large",
                    name=name,
                    size=_mb(size / 2**20),
                    limit=_mb(self.limits.max_file_mb),
                ),
            )
            return
        if fpu.is_federal_list(path):
            fpu.import_list(self.ws, path, self.report, self.by)
            return
        if self.as_records and tables.is_table(path):
            tables.import_table(self.ws, path, self.report, self.by, mapping=self.mapping)
            return
        if not supported(name):
            self.report.add(path, SKIPPED, t("extract.unsupported", name=name))
            return
        self.document(path, worker)

    def document(self, path: Path, worker: Worker) -> None:
        sha, size, new_file = _copy_into(self.ws, path)
        if sha in self.owners:
            self._forget(new_file)
            self.report.add(
                path,
                DUPLICATE,
                t("ingest.already", id=self.owners[sha]),
                record_id=self.owners[sha],
            )
            return
        try:
            self._document(path, worker, sha, size, new_file)
        except BaseException:
            self._forget(new_file)
            raise

    def _document(
        self, path: Path, worker: Worker, sha: str, size: int, new_file: Path | None
    ) -> None:
        name = path.name
        extracted = worker.extract(self.ws.file_path(sha), name)
        if extracted.status in (ERROR, UNSUPPORTED):
            self._forget(new_file)
            self.report.add(path, FAILED, extracted.message)
            return
        media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        record = Material(attachments=[Attachment(name, sha, media_type, size)])
        values = suggest.suggest(extracted.text, extracted.meta, name)
        if values.get("year") and values["year"] > dt.date.today().year + 1:
            del values["year"]
        suggest.apply(record, values)
        flag = ""
        if extracted.status == EMPTY or extracted.meta.get("ocr"):
            flag = extracted.message
        elif extracted.status == OK and len(extracted.text) < MIN_TEXT:
            flag = t("extract.little_text", name=name, chars=len(extracted.text))
        if flag:
            record.suggested["flag"] = flag
        blob = dict(
            sha256=sha,
            size=size,
            media_type=media_type,
            text=extracted.text,
            text_status=extracted.status,
            message=extracted.message,
        )
        try:
            record = self.ws.store.imports.save(record, self.by, blob)
        except Exception as exc:  # validation or database failure: nothing was written
            self._forget(new_file)
            self.report.add(path, FAILED, t("ingest.not_saved", name=name, reason=exc))
            return
        self.owners[sha] = record.id
        similar = self.finder.find(record, extracted.text)
        self.pairs += [(c.record_id, record.id, c.score, c.reason) for c in similar]
        self.finder.add(record, extracted.text)
        self.report.add(
            path,
            FLAGGED if flag else IMPORTED,
            flag,
            record_id=record.id,
            kind=record.kind,
            similar=[c.record_id for c in similar],
        )

    def _forget(self, new_file: Path | None) -> None:
        """Remove a file this run copied in when its record was not saved."""
        if new_file is not None:
            new_file.unlink(missing_ok=True)


def import_paths(
    ws: Workspace,
    paths: Iterable[Path | str],
    *,
    by: str = "import",
    progress: Progress | None = None,
    limits: Limits | None = None,
    as_records: bool = False,
    mapping: dict[str, str] | None = None,
) -> ImportReport:
    """Import files and folders (recursively) into ``ws``; return the saved report.

    ``limits`` default to the workspace's ``[import]`` settings; ``as_records`` treats
    spreadsheets (XLSX, XLS, CSV, TSV) as lists of records, ``mapping`` maps their column
    headers to record fields. The caller lets the index catch up afterwards
    (``catalogue.cli.records_changed``).
    """
    limits = limits or Limits.from_settings(ws.settings)
    importer = Importer(ws, by, limits, as_records, mapping)
    return importer.run(collect(paths), progress)
