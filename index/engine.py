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

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from whoosh import index as whoosh_index
from whoosh.index import LockError
from whoosh.searching import Searcher
from whoosh.writing import IndexWriter

from catalogue.filelock import FileLock, locked
from catalogue.records import Record
from catalogue.store import NotFoundError, Store
from catalogue.workspace import Workspace
from index.documents import document
from index.facets import FacetTable
from index.schema import INDEX_VERSION, build_schema
from index.search import SearchResult, find_ids, search

VERSION_FILE = "imk-index-version"
BUILD_LOCK = "index.build.lock"  # held while a rebuild writes index.new/ and swaps it in
Progress = Callable[[int, int], None]
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
    """The Whoosh index of a workspace. Use :meth:`open`; it brings the index up to date."""

    def __init__(self, workspace: Workspace):
        self.workspace = workspace
        self.store = workspace.store
        self.path = workspace.index_dir
        self.ix = whoosh_index.open_dir(str(self.path))
        self._facet_cache: FacetTable | None = None

    @classmethod
    def open(
        cls, workspace: Workspace | Path | str, progress: Progress | None = None
    ) -> CatalogueIndex:
        """Open (building or rebuilding when absent or outdated) and replay pending changes."""
        if not isinstance(workspace, Workspace):
            workspace = Workspace.open(workspace)
        cls.heal(workspace)
        if not cls.is_current(workspace.index_dir):
            cls.build(workspace, progress)
        index = cls(workspace)
        index.sync()
        return index

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

        Rebuilds wait for each other (a lock file), so two never share ``index.new``.
        """
        with locked(workspace.path / BUILD_LOCK):
            return cls._build(workspace, progress)

    @classmethod
    def _build(cls, workspace: Workspace, progress: Progress | None) -> int:
        store = workspace.store
        upto = max((seq for seq, _, _ in store.pending()), default=0)
        fresh, old = _spares(workspace)
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir()
        ix = whoosh_index.create_in(str(fresh), build_schema())
        total = store.count()
        writer = ix.writer(limitmb=256)
        done = 0
        try:
            batch: list[Record] = []
            for record in store.iter_records():
                batch.append(record)
                if len(batch) == 200:
                    done += _add_batch(writer, store, batch)
                    batch = []
                    if progress:
                        progress(done, total)
            done += _add_batch(writer, store, batch)
            writer.commit()
        except BaseException:
            writer.cancel()
            shutil.rmtree(fresh, ignore_errors=True)
            raise
        ix.close()
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
        self.ix.close()
        count = self.build(self.workspace, progress)
        self.ix = whoosh_index.open_dir(str(self.path))
        self._facet_cache = None
        return count

    def sync(self, wait: float = 30.0) -> int:
        """Replay the store's journal into the index; return how many records were redone.

        When another process holds the index writer for longer than ``wait`` seconds, the
        work stays queued for the next call (nothing is lost).
        """
        pending = self.store.pending()
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

    def facet_table(self, searcher: Searcher) -> FacetTable:
        """Facet value → documents for the searcher's index generation (built once per
        generation)."""
        generation = self.ix.latest_generation()
        if self._facet_cache is None or self._facet_cache.generation != generation:
            self._facet_cache = FacetTable(searcher.reader(), generation)
        return self._facet_cache

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
        self.ix.close()

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
            self.ix.close()
            self.ix = whoosh_index.open_dir(str(self.path))
            return read()


def _spares(workspace: Workspace) -> tuple[Path, Path]:
    return workspace.path / "index.new", workspace.path / "index.old"


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
