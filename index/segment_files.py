"""Reading a segment's files straight from its memory map.

Whoosh maps each compound segment file into memory, then wraps every sub-file it opens
(postings, terms, lengths…) in a ``BufferFile`` whose ``BytesIO`` *copies* the sub-file: at
100,000 records each new searcher copied several hundred megabytes (a search process grew to
1.5 GB, and a save → searchable paid ~0.5 s of copying for the searcher that finds the
replaced record). :class:`MappedFile` reads the map itself: the postings blocks and terms were
already read through ``get`` (a slice of the map); the few sequential reads now copy only the
bytes they read. :func:`install` makes Whoosh's compound storage open its sub-files so; the
module that opens indexes (:mod:`index.engine`) calls it.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator
from io import BytesIO
from typing import Any, BinaryIO, cast

from whoosh.filedb import compound
from whoosh.filedb.structfile import BufferFile, StructFile

LINE_CHUNK = 4096
PICKLE_CHUNK = 256  # bytes: a postings block header is about 40


class ViewReader:
    """A read-only file over a memory view (``read``, ``readline``, ``seek``, ``tell``)."""

    def __init__(self, view: memoryview) -> None:
        self._view = view
        self._pos = 0

    def read(self, size: int | None = -1) -> bytes:
        end = len(self._view) if size is None or size < 0 else self._pos + size
        out = bytes(self._view[self._pos : end])
        self._pos += len(out)
        return out

    def readline(self, size: int | None = -1) -> bytes:
        end = (
            len(self._view) if size is None or size < 0 else min(len(self._view), self._pos + size)
        )
        start = self._pos
        while self._pos < end:
            chunk = bytes(self._view[self._pos : min(end, self._pos + LINE_CHUNK)])
            newline = chunk.find(b"\n")
            if newline >= 0:
                self._pos += newline + 1
                break
            self._pos += len(chunk)
        return bytes(self._view[start : self._pos])

    def __iter__(self) -> Iterator[bytes]:
        while line := self.readline():
            yield line

    def seek(self, offset: int, whence: int = 0) -> int:
        base = (0, self._pos, len(self._view))[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        pass


class MappedFile(BufferFile):
    """Whoosh's ``BufferFile`` over a slice of a segment's memory map, without the copy."""

    def __init__(
        self,
        buf: bytes | bytearray | memoryview,
        name: str | None = None,
        onclose: Callable[[StructFile], None] | None = None,
    ) -> None:
        super().__init__(b"", name=name, onclose=onclose)
        self._buf = buf
        self._view = buf if isinstance(buf, memoryview) else memoryview(buf)
        self.file = cast(BinaryIO, ViewReader(self._view))  # what StructFile reads with

    def read_pickle(self) -> Any:
        """The object pickled at the current position, unpickled from a chunk of the map
        that grows until it holds the whole pickle (unpickling the file itself would call
        ``read`` once per opcode: a postings block header costs a dozen Python calls)."""
        start, size = self.file.tell(), PICKLE_CHUNK
        while True:
            chunk = BytesIO(bytes(self._view[start : start + size]))
            try:
                found = pickle.load(chunk)
            except Exception:
                if start + size >= len(self._view):
                    raise
                size *= 8
                continue
            self.file.seek(start + chunk.tell())
            return found


def install() -> None:
    """Make Whoosh's compound segments open their sub-files as :class:`MappedFile`."""
    compound.BufferFile = MappedFile  # type: ignore[misc]
