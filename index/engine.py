"""The search index of one workspace: opening, following the store's journal, rebuild, check.

The store writes a journal row in the same transaction as every record change; :meth:`sync`
replays the journal into Whoosh and only then acknowledges it. A crash between saving and
indexing therefore leaves the journal behind, and the next :meth:`CatalogueIndex.open` heals
the index. A killed rebuild leaves ``index.new/`` (or ``index.old/``) behind; the next open
removes it, or finishes the swap when the new index was complete. A search that meets an
index generation removed under it by another process's commit reopens the index and tries
once more.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, LockError
from whoosh.reading import MultiReader, SegmentReader
from whoosh.searching import Searcher
from whoosh.writing import IndexWriter

from catalogue.filelock import FileLock, locked
from catalogue.records import Record
from catalogue.storage.common import NotFoundError
from catalogue.workspace import Workspace
from index import posting_arrays
from index.bm25 import CatalogueSearcher
from index.bulk import BulkWriter, paused_gc
from index.documents import document
from index.facets import FacetTable, SegmentTables
from index.schema import INDEX_VERSION, build_schema
from index.search import SearchResult, find_ids, search
from index.segment_files import install as read_segments_in_place

if TYPE_CHECKING:
    from catalogue.store import Store

read_segments_in_place()
VERSION_FILE = "imk-index-version"
BUILD_LOCK = "index.build.lock"  # held while a rebuild writes index.new/ and swaps it in
Progress = Callable[[int, int], None]
PROCS = min(2, os.cpu_count() or 1)  # processes of a rebuild
PART_RECORDS = 5_000  # fewer records than this per process: one process
SEGMENT_RECORDS = 25_000  # records per segment a rebuild writes
T = TypeVar("T")


@dataclass
class IndexCheck:
    """How the index differs from the store."""

    records: int
    indexed: int
    missing: list[str] = field(default_factory=list)  # in the store, not in the index
    stale: list[str] = field(default_factory=list)  # indexed at an older version
    orphans: list[str] = field(default_factory=list)  # in the index, not in the store
    pending: int = 0

    @property
    def ok(self) -> bool:
        return not (self.missing or self.stale or self.orphans)


class CatalogueIndex:
    """The Whoosh index of a workspace. Use :meth:`open`; it brings the index up to date.

    For a PostgreSQL catalogue :meth:`open` returns :class:`index.pg.engine.PgIndex`, the same
    interface over SQL (Whoosh stays the embedded default)."""

    def __init__(self, workspace: Workspace):
        self.workspace = workspace
        self.path = workspace.index_dir
        self.ix = whoosh_index.open_dir(str(self.path))
        self._searcher: Searcher | None = None
        self._built = _built(self.path)
        self._tables = SegmentTables(self.path)
        self._table: FacetTable | None = None

    @property
    def store(self) -> Store:
        """The workspace's store (opened when first used: a search reads through
        ``workspace.reads``)."""
        return self.workspace.store

    @classmethod
    def open(
        cls, workspace: Workspace | Path | str, progress: Progress | None = None
    ) -> CatalogueIndex:
        """Open (building or rebuilding when absent or outdated) and replay pending changes."""
        if not isinstance(workspace, Workspace):
            workspace = Workspace.open(workspace)
        if workspace.on_postgresql and cls is CatalogueIndex:
            from index.pg.engine import PgIndex  # a PostgreSQL catalogue searches in SQL

            return PgIndex.open(workspace, progress)
        cls.heal(workspace)
        if not cls.is_current(workspace.index_dir):
            cls.build(workspace, progress)
        index = cls(workspace)
        index.sync()
        return index

    @classmethod
    def existing(cls, workspace: Workspace) -> CatalogueIndex | None:
        """The index as it is, neither built nor brought up to date (None when there is no
        index of this program's version): what ``imk doctor`` examines."""
        if workspace.on_postgresql and cls is CatalogueIndex:
            from index.pg.engine import PgIndex

            return PgIndex(workspace) if PgIndex.current(workspace.store) else None
        return cls(workspace) if cls.is_current(workspace.index_dir) else None

    @staticmethod
    def is_current(path: Path) -> bool:
        """Whether ``path`` holds a readable index of this program's schema version (the
        version marker is written last, so a half-written index never has one)."""
        marker = path / VERSION_FILE
        if not marker.exists() or marker.read_text().strip() != str(INDEX_VERSION):
            return False
        try:
            return whoosh_index.exists_in(str(path))
        except Exception:  # a damaged index is not current: the next open rebuilds it
            return False

    @classmethod
    def leftovers(cls, workspace: Workspace) -> list[Path]:
        """Folders a killed rebuild left behind (``index.new``, ``index.old``)."""
        return [p for p in _spares(workspace) if p.exists()]

    @classmethod
    def heal(cls, workspace: Workspace) -> list[Path]:
        """Clear a killed rebuild's leftovers unless a rebuild is running; return them.

        A complete ``index.new`` (its version marker is written last) replaces a missing or
        outdated index; anything else is deleted (the index can always be rebuilt).
        """
        found = cls.leftovers(workspace)
        if not found:
            return []
        lock = FileLock(workspace.path / BUILD_LOCK)
        if not lock.acquire(wait=False):
            return []  # a rebuild is running right now
        try:
            fresh, old = _spares(workspace)
            if cls.is_current(fresh) and not cls.is_current(workspace.index_dir):
                shutil.rmtree(workspace.index_dir, ignore_errors=True)
                fresh.rename(workspace.index_dir)
            for spare in (fresh, old):
                shutil.rmtree(spare, ignore_errors=True)
        finally:
            lock.release()
        return found

    @classmethod
    def build(cls, workspace: Workspace, progress: Progress | None = None) -> int:
        """Index every record into a fresh folder, then swap it in; return the record count.

        Rebuilds wait for each other (a lock file), so two never share ``index.new``. A
        PostgreSQL catalogue rebuilds its search table instead (:mod:`index.pg.engine`).
        """
        if workspace.on_postgresql and cls is CatalogueIndex:
            from index.pg.engine import PgIndex

            return PgIndex.build(workspace, progress)
        with locked(workspace.path / BUILD_LOCK):
            return cls._build(workspace, progress)

    @classmethod
    def _build(cls, workspace: Workspace, progress: Progress | None) -> int:
        store = workspace.store
        upto = max((seq for seq, _, _ in store.pending()), default=0)
        fresh, old = _spares(workspace)
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir()
        total = store.count()
        parts = max(1, min(PROCS, total // PART_RECORDS))
        try:
            done = _build_parts(store, fresh, parts, total, progress)
        except BaseException:
            shutil.rmtree(fresh, ignore_errors=True)
            raise
        (fresh / VERSION_FILE).write_text(str(INDEX_VERSION))
        shutil.rmtree(old, ignore_errors=True)
        if workspace.index_dir.exists():
            workspace.index_dir.rename(old)
        fresh.rename(workspace.index_dir)
        shutil.rmtree(old, ignore_errors=True)
        if upto:
            store.acknowledge(upto)
        if progress:
            progress(done, total)
        return done

    def rebuild(self, progress: Progress | None = None) -> int:
        """Rebuild this index from the store (see :meth:`build`) and reopen it."""
        self.close()
        count = self.build(self.workspace, progress)
        self._reopen()
        self._built = _built(self.path)
        return count

    def sync(self, wait: float = 30.0) -> int:
        """Replay the store's journal into the index; return how many records were redone.

        When another process holds the index writer for longer than ``wait`` seconds, the
        work stays queued for the next call (nothing is lost).
        """
        pending = self.workspace.reads.pending()
        if not pending:
            return 0
        last_op: dict[str, str] = {}
        for _, record_id, op in pending:
            last_op[record_id] = op
        try:
            writer = self.ix.writer(timeout=wait, delay=0.05)
        except LockError:
            return 0
        try:
            for record_id, op in last_op.items():
                record = None
                if op == "upsert":
                    try:
                        record = self.store.get(record_id)
                    except NotFoundError:
                        record = None
                if record is None:
                    writer.delete_by_term("id", record_id)
                else:
                    writer.update_document(**document(record, self.store.text_of(record)))
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        self.store.acknowledge(pending[-1][0])
        return len(last_op)

    def searcher(self) -> Searcher:
        """The open searcher of the latest index generation: kept between searches, opened
        again when a commit made a newer one."""
        built = _built(self.path)
        if built != self._built:  # another process rebuilt the index: start over
            self._reopen()
            self._built = built
        if self._searcher is None:
            self._searcher = CatalogueSearcher(self.ix.reader(), fromindex=self.ix)
            self._table = None
        elif not self._searcher.up_to_date():
            # The old one is not closed here: a search running now may still be reading it;
            # it is released with its last reference.
            self._searcher = self._newer(self._searcher)
            self._table = None
        return self._searcher

    def _newer(self, old: Searcher) -> Searcher:
        """A searcher of the latest generation that keeps ``old``'s readers of the segments
        that did not change — same segment, same deleted records — and opens the others.

        Not ``Searcher.refresh()``: it reuses each unchanged segment's reader with the
        deletions it had, so an edited record's old version would still be found (and Whoosh
        cannot refresh the reader of an empty index)."""
        try:
            toc = self.ix._read_toc()
        except OSError:  # a writer is replacing the table of contents: open as Whoosh does
            return CatalogueSearcher(self.ix.reader(), fromindex=self.ix)
        if not toc.segments:
            return CatalogueSearcher(self.ix.reader(), fromindex=self.ix)
        kept: dict[tuple[str, frozenset[int]], Any] = {
            _state(segment): r
            for r, _ in old.reader().leaf_readers()
            if (segment := r.segment()) is not None
        }
        readers = [
            kept.pop(_state(segment), None)
            or SegmentReader(self.ix.storage, toc.schema, segment, generation=toc.generation)
            for segment in toc.segments
        ]
        reader = MultiReader(readers, generation=toc.generation)
        return CatalogueSearcher(reader, fromindex=self.ix)

    def facet_table(self) -> FacetTable:
        """The facet table of :meth:`searcher`'s generation (segments' tables reused)."""
        searcher = self.searcher()
        if self._table is None:
            self._table = self._tables.table(searcher.reader())
        return self._table

    def indexed_versions(self) -> dict[str, int]:
        """Version of every record in the index, by id."""

        def read() -> dict[str, int]:
            with self.ix.searcher() as searcher:
                return {f["id"]: f["version"] for f in searcher.all_stored_fields()}

        return self._retrying(read)

    def check(self) -> IndexCheck:
        """Compare the index with the store, record by record (without replaying the journal)."""
        return compare(self.store, self.indexed_versions())

    def doc_count(self) -> int:
        """Records in the index."""
        return self.ix.doc_count()

    def size_bytes(self) -> int:
        """The index's size on disk."""
        return sum(p.stat().st_size for p in self.path.iterdir() if p.is_file())

    def close(self) -> None:
        """Close the index (the workspace stays open)."""
        if self._searcher is not None:
            self._searcher.close()
            self._searcher, self._table = None, None
        self.ix.close()

    def _reopen(self) -> None:
        self.close()
        self.ix = whoosh_index.open_dir(str(self.path))

    def find_ids(
        self, query: str, filters: dict[str, list[str]] | None = None, limit: int = 1000
    ) -> list[str]:
        """Ids of up to ``limit`` records the query finds, best first (no snippets, no facets)."""
        return self._retrying(lambda: find_ids(self, query, filters=filters, limit=limit))

    def search(self, query: str = "", **options: Any) -> SearchResult:
        """Search; see :func:`index.search.search` for the options."""
        return self._retrying(lambda: search(self, query, **options))

    def _retrying(self, read: Callable[[], T]) -> T:
        """Run ``read``; when another process's commit removed the generation it was reading
        (``FileNotFoundError`` on a ``…_MAIN_N.toc`` or segment file), reopen and try once more."""
        try:
            return read()
        except FileNotFoundError:
            self._reopen()
            return read()


def _state(segment: Any) -> tuple[str, frozenset[int]]:
    """What a segment's reader reads: the segment and its deleted records."""
    return segment.segment_id(), frozenset(segment.deleted_docs())


def _built(path: Path) -> tuple[int, int] | None:
    """Which build of the index ``path`` holds: its version marker's inode and time (a rebuild
    writes a new one)."""
    try:
        marker = (path / VERSION_FILE).stat()
    except OSError:
        return None
    return marker.st_ino, marker.st_mtime_ns


def _spares(workspace: Workspace) -> tuple[Path, Path]:
    return workspace.path / "index.new", workspace.path / "index.old"


def _build_parts(
    store: Store, fresh: Path, parts: int, total: int, progress: Progress | None
) -> int:
    """Index every record into ``fresh``: ``parts`` processes each write the segments of
    every ``parts``-th record in a folder of their own; their segments are then moved into
    ``fresh`` and listed in one table of contents (no merge, no second pass)."""
    folders = [fresh / f"part-{n}" for n in range(parts)]
    done: Any
    if parts == 1:
        done = [0]
        _index_part(store, folders[0], 0, 1, done, progress, total)
    else:
        import multiprocessing  # only a rebuild starts processes

        context: Any = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
        done = context.Array("q", parts, lock=False)  # records indexed, by process
        workers = [
            context.Process(target=_index_part, args=(store.url, folder, n, parts, done))
            for n, folder in enumerate(folders)
        ]
        for worker in workers:
            worker.start()
        try:
            while any(w.is_alive() for w in workers):
                if progress:
                    progress(min(sum(done), total), total)
                for worker in workers:
                    worker.join(0.25)
        finally:
            for worker in workers:
                if worker.is_alive():
                    worker.terminate()
                    worker.join()
        if any(w.exitcode != 0 for w in workers):
            raise RuntimeError(f"index build: a worker failed ({[w.exitcode for w in workers]})")
    schema = build_schema()
    whoosh_index.create_in(str(fresh), schema).close()
    segments: list[Any] = []
    for folder in folders:
        part = whoosh_index.open_dir(str(folder))
        segments += part._segments()
        part.close()
        for path in folder.iterdir():
            if path.name.startswith(whoosh_index._DEF_INDEX_NAME + "_"):
                path.rename(fresh / path.name)
        shutil.rmtree(folder)
    storage = FileStorage(str(fresh))
    TOC(schema, segments, 1).write(storage, whoosh_index._DEF_INDEX_NAME)
    return sum(segment.doc_count_all() for segment in segments)


def _index_part(
    source: Store | str,
    folder: Path,
    part: int,
    parts: int,
    done: Any,
    progress: Progress | None = None,
    total: int = 0,
) -> None:
    """Write the index segments of every ``parts``-th record (from the ``part``-th) into
    ``folder``: a segment every :data:`SEGMENT_RECORDS` records, its postings held in memory
    (:class:`index.bulk.BulkWriter`: never spilled to temporary files) and its posting arrays
    saved as it is written; then each segment's facet table beside it. A worker process
    opens the database whose URL is ``source``. Python's cyclic garbage collector is paused
    meanwhile: the postings held are millions of lists without cycles, which it would scan
    again and again (a fifth of the build's time)."""
    with paused_gc():
        _write_part(source, folder, part, parts, done, progress, total)


def _write_part(
    source: Store | str,
    folder: Path,
    part: int,
    parts: int,
    done: Any,
    progress: Progress | None,
    total: int,
) -> None:
    folder.mkdir()
    from catalogue.store import Store

    store = source if isinstance(source, Store) else Store(source)
    ix = whoosh_index.create_in(str(folder), build_schema())
    batch: list[Record] = []
    in_segment = 0
    writer: Any = BulkWriter(ix)
    try:
        for record in store.iter_records(share=(part, parts)):
            batch.append(record)
            if len(batch) == 200:
                done[part] += _add_batch(writer, store, batch)
                in_segment += len(batch)
                batch = []
                if progress:
                    progress(min(sum(done), total), total)
                if in_segment >= SEGMENT_RECORDS:
                    writer.commit(merge=False)
                    writer, in_segment = BulkWriter(ix), 0
        done[part] += _add_batch(writer, store, batch)
        writer.commit(merge=False)
    except BaseException:
        writer.cancel()
        raise
    with ix.reader() as reader:
        SegmentTables(folder).table(reader)  # saved beside the segments
        for leaf, _ in reader.leaf_readers():
            posting_arrays.of(leaf)  # likewise
    ix.close()
    if store is not source:
        store.close()


def _add_batch(writer: IndexWriter, store: Store, batch: list[Record]) -> int:
    texts = store.texts(a.sha256 for r in batch for a in r.attachments)
    for record in batch:
        text = "\n\n".join(texts.get(a.sha256, "") for a in record.attachments).strip()
        writer.add_document(**document(record, text))
    return len(batch)


def compare(store: Store, indexed: dict[str, int]) -> IndexCheck:
    """How an index holding ``indexed`` (id → version) differs from the store."""
    stored = store.versions()
    return IndexCheck(
        records=len(stored),
        indexed=len(indexed),
        missing=sorted(set(stored) - set(indexed)),
        stale=sorted(i for i in stored.keys() & indexed.keys() if indexed[i] != stored[i]),
        orphans=sorted(set(indexed) - set(stored)),
        pending=len(store.pending()),
    )
