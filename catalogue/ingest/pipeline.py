"""Import files and folders into the catalogue: one draft :class:`Material` per document.

Every file is parsed in the :class:`~catalogue.extract.worker.Worker` process under the same
limits (size, time, memory, unpacked size, rows). Symbolic links leading out of an imported
folder are never read; what is passed over gets a line in the report.

For each file: refuse it when it is larger than the limit (without reading it); hash it while
staging a copy in the workspace (streamed, never whole in memory); skip it when the same bytes are
already catalogued; extract its text in the time-limited :class:`~catalogue.extract.worker.Worker`;
suggest metadata; save the record and the text in one transaction; look for near-duplicates.
A failure anywhere leaves no record, no text row and no new file behind. The federal list of
textbooks is recognised and imported as media records (:mod:`catalogue.ingest.fpu`); other
spreadsheets become records only when asked (``as_records=True``, :mod:`catalogue.ingest.tables`).
"""

from __future__ import annotations

import datetime as dt
import mimetypes
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from catalogue.extract import EMPTY, ERROR, OK, UNSUPPORTED, Limits, supported
from catalogue.extract.safety import ExtractError, check_zip
from catalogue.extract.worker import Refused, Worker, check_size
from catalogue.i18n import t
from catalogue.ingest import fpu, suggest, tables
from catalogue.ingest.duplicates import NearDuplicateFinder
from catalogue.ingest.report import DUPLICATE, FAILED, FLAGGED, IMPORTED, SKIPPED, ImportReport
from catalogue.records import Attachment, Material, Media

if TYPE_CHECKING:
    from catalogue.workspace import Workspace

Progress = Callable[[int, int], None]
MIN_TEXT = 100  # fewer characters than this in a document is flagged
_SYSTEM = ("~$", "Thumbs.db", "desktop.ini")  # Office lock files, Windows thumbnails/settings


@dataclass
class Collected:
    """The files an import will read, and what it passed over (with the reason, for the report)."""

    files: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)


def collect(paths: Iterable[Path | str]) -> Collected:
    """Files named by ``paths``; folders are walked recursively.

    Passed over, each with a report line: hidden files and folders (name beginning with «.»),
    Office lock files and Windows service files, and symbolic links inside a folder that lead
    out of it (never read) or to a folder (never followed).
    """
    found = Collected()
    for path in map(Path, paths):
        if not path.is_dir():
            found.files.append(path)
            continue
        root = path.resolve()
        for folder, dirs, files in os.walk(path):
            here = Path(folder)
            for name in sorted(dirs):
                reason = _folder_skipped(here / name, root)
                if reason:
                    dirs.remove(name)
                    found.skipped.append((here / name, reason))
            dirs.sort()
            for name in sorted(files):
                reason = _file_skipped(here / name, root)
                if reason:
                    found.skipped.append((here / name, reason))
                else:
                    found.files.append(here / name)
    return found


def _folder_skipped(item: Path, root: Path) -> str:
    if item.is_symlink():
        if not item.resolve().is_relative_to(root):
            return t("ingest.link_outside", name=item.name, target=item.resolve())
        return t("ingest.link_folder", name=item.name)
    if item.name.startswith("."):
        return t("ingest.hidden_folder", name=item.name)
    return ""


def _file_skipped(item: Path, root: Path) -> str:
    if item.is_symlink() and not item.resolve().is_relative_to(root):
        return t("ingest.link_outside", name=item.name, target=item.resolve())
    if item.name.startswith("."):
        return t("ingest.hidden_file", name=item.name)
    if item.name.startswith(_SYSTEM):
        return t("ingest.system_file", name=item.name)
    return ""


def federal_rows(path: Path, limits: Limits) -> list[tuple[int, Media | None, str]] | None:
    """In the worker: the textbook rows of ``path`` if it is the federal list, else None.

    An archive beyond the limits is not the list (its document extraction says why); a list
    longer than ``limits.max_rows`` is refused.
    """
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return None
    try:
        check_zip(path.read_bytes(), limits)
    except ExtractError:
        return None
    if not fpu.is_federal_list(path):
        return None
    found = []
    for number, record, problem in fpu.rows(path):
        if number > limits.max_rows:
            raise ExtractError("too_many_rows", rows=number, limit=limits.max_rows)
        found.append((number, record, problem))
    return found


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

    def run(self, found: Collected, progress: Progress | None) -> ImportReport:
        started = time.perf_counter()
        for path, reason in found.skipped:
            self.report.add(path, SKIPPED, reason)
        files = found.files
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
        try:
            check_size(path, self.limits)
            parsed = worker.call(federal_rows, path, self.limits, name=name)
        except Refused as exc:
            self.report.add(path, FAILED, str(exc))
            return
        if parsed is not None:
            fpu.import_list(self.ws, path, self.report, self.by, parsed)
            return
        if self.as_records and tables.is_table(path):
            tables.import_table(self.ws, path, self.report, self.by, worker, mapping=self.mapping)
            return
        if not supported(name):
            self.report.add(path, SKIPPED, t("extract.unsupported", name=name))
            return
        self.document(path, worker)

    def document(self, path: Path, worker: Worker) -> None:
        sha, size = self.ws.files.stage_file(path)
        if sha in self.owners:
            self.ws.files.discard(sha)
            self.report.add(
                path,
                DUPLICATE,
                t("ingest.already", id=self.owners[sha]),
                record_id=self.owners[sha],
            )
            return
        try:
            self._document(path, worker, sha, size)
        except BaseException:
            self.ws.files.discard(sha)
            raise

    def _document(self, path: Path, worker: Worker, sha: str, size: int) -> None:
        name = path.name
        extracted = worker.extract(self.ws.file_path(sha), name)
        if extracted.status in (ERROR, UNSUPPORTED):
            self.ws.files.discard(sha)
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
            self.ws.files.discard(sha)
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
