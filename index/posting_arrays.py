"""Each common word's document numbers, term frequencies and positions as arrays saved beside
its segment.

Whoosh stores a postings block as one pickled tuple of document ids, weights and every
posting's word positions: reading which records hold a common word («программа» in the full
text) unpickles all its positions too, and that was most of a search's time. A segment never
changes once written, so after it is written (:func:`index.engine._index_part` for a rebuild;
the first search that meets a segment a commit wrote builds its own) every word of a text
field found in at least :data:`MIN_RECORDS` records gets its postings' document numbers,
term frequencies and position counts in one array, ``MAIN_<segment>.postings.npy``, and their
positions in another, ``MAIN_<segment>.positions.npy`` (a word's slice read when needed),
with the directory of words ``MAIN_<segment>.words.npz`` written last (Whoosh deletes them
with their segment). Rarer words fill a postings block or two: Whoosh reads them fast; but a
segment of fewer than :data:`SMALL_SEGMENT` records (what a few saves write) has every word
saved, so a word missing from its directory is missing from the segment (asking Whoosh's
term table of every small segment for every word cost more than the words' postings).
The arrays hold what Whoosh holds: deleted records are removed by the reader
(:mod:`index.bm25`) as they are from Whoosh's postings.
"""

from __future__ import annotations

import contextlib
import os
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from itertools import accumulate, chain
from pathlib import Path
from pickle import loads
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh.filedb.filestore import OverlayStorage
from whoosh.matching.wrappers import FilterMatcher
from whoosh.system import _INT_SIZE

from index.schema import TEXT_FIELDS

MIN_RECORDS = 32  # rarer words are read from Whoosh's postings
SMALL_SEGMENT = 1_000  # records: a smaller segment (a few saves) has every word saved
POSTINGS = ".postings.npy"
POSITIONS = ".positions.npy"
WORDS = ".words.npz"
POSTING = np.dtype([("doc", "<i4"), ("tf", "<f4"), ("n", "<i4")])  # n: how many positions
REMEMBERED = 50_000  # words looked up per segment before the memo starts again
SEPARATOR = "\x1f"  # between a field's name and its word in the directory
FIELDS = (*TEXT_FIELDS, "org_text")
Span = tuple[int, int, int]  # a word's first posting, its end, its first position
Entry = tuple[str, npt.NDArray[Any], npt.NDArray[np.int32]]  # a word, its postings, positions
# segment reader -> its arrays (None: the segment is not in a folder)
_OPEN: weakref.WeakKeyDictionary[Any, SegmentPostings | None] = weakref.WeakKeyDictionary()


class Slices:
    """One saved array read a slice at a time: from its ``.npy`` file, each slice copied (a
    memory map would count every page a search ever read as the process's memory), or from
    an array in memory."""

    def __init__(self, array: npt.NDArray[Any] | None = None, path: Path | None = None):
        self._array = array
        self._lock = threading.Lock()
        if path is not None:
            self._file = path.open("rb")
            version = np.lib.format.read_magic(self._file)
            if version == (1, 0):
                _, _, self._dtype = np.lib.format.read_array_header_1_0(self._file)
            else:
                _, _, self._dtype = np.lib.format.read_array_header_2_0(self._file)
            self._offset = self._file.tell()
            weakref.finalize(self, self._file.close)

    def read(self, start: int, stop: int) -> npt.NDArray[Any]:
        """Items ``start`` to ``stop`` (not included)."""
        if self._array is not None:
            return self._array[start:stop]
        size = self._dtype.itemsize
        with self._lock:
            self._file.seek(self._offset + start * size)
            data = self._file.read((stop - start) * size)
        return np.frombuffer(data, dtype=self._dtype)


@dataclass
class Saved:
    """A word's postings in one segment, deleted records included: document numbers
    (ascending), term frequencies, and each posting's positions (``positions()[starts[i] :
    starts[i] + counts[i]]``, read when asked for)."""

    ids: npt.NDArray[np.int64]
    tf: npt.NDArray[np.float64]
    starts: npt.NDArray[np.int64]
    counts: npt.NDArray[np.int64]
    positions: Callable[[], npt.NDArray[np.int32]]


class SegmentPostings:
    """The saved postings of one segment's common words. The directory is two arrays: the
    words (``field\x1fword``, ascending) and each one's span (first posting, end, first
    position); a word is found by binary search, and remembered."""

    def __init__(
        self,
        postings: Slices,
        positions: Slices,
        keys: npt.NDArray[np.str_],
        spans: npt.NDArray[np.int64],
        complete: bool = False,
    ):
        self._complete = complete  # every word of the segment's text fields is saved
        self._postings = postings
        self._positions = positions
        self._keys = keys
        self._spans = spans
        self._found: dict[tuple[str, bytes], Span | None] = {}

    def _span(self, fieldname: str, text: bytes) -> Span | None:
        if (fieldname, text) not in self._found:
            if len(self._found) >= REMEMBERED:
                self._found.clear()
            key = f"{fieldname}{SEPARATOR}{text.decode()}"
            at = int(np.searchsorted(self._keys, key))
            found = at < len(self._keys) and self._keys[at] == key
            first, end, position = self._spans[at].tolist() if found else (0, 0, 0)
            self._found[fieldname, text] = (first, end, position) if found else None
        return self._found[fieldname, text]

    def complete(self, fieldname: str) -> bool:
        """Whether every word of the field is saved here (a word missing is not in the
        segment)."""
        return self._complete and fieldname in FIELDS

    def get(self, fieldname: str, text: bytes) -> Saved | None:
        """A word's postings, None when it is not saved here."""
        span = self._span(fieldname, text)
        if span is None:
            return None
        first, end, position = span
        part = self._postings.read(first, end)
        counts = part["n"].astype(np.int64)
        starts = np.cumsum(counts) - counts
        return Saved(
            part["doc"].astype(np.int64),
            part["tf"].astype(np.float64),
            starts,
            counts,
            partial(self._positions.read, position, position + int(counts.sum())),
        )


def of(reader: Any) -> SegmentPostings | None:
    """The saved arrays of a segment reader's segment (built and saved when missing); None
    for a segment that is not in a folder."""
    if reader in _OPEN:
        return _OPEN[reader]
    storage = getattr(reader, "_storage", None)
    if isinstance(storage, OverlayStorage):  # a compound segment: its files over the folder
        storage = storage.b
    folder = getattr(storage, "folder", None)
    segment = reader.segment()
    found = None
    if folder is not None and segment is not None:
        stem = segment.segment_id()
        found = load(Path(folder), stem) or save(Path(folder), stem, reader)
    _OPEN[reader] = found
    return found


def load(folder: Path, stem: str) -> SegmentPostings | None:
    """The arrays saved for the segment whose files start with ``stem`` (None if absent)."""
    try:
        with np.load(folder / f"{stem}{WORDS}", allow_pickle=False) as data:
            keys, spans = data["keys"], data["spans"].astype(np.int64)
            complete = bool(data["complete"]) if "complete" in data else False
        postings = Slices(path=folder / f"{stem}{POSTINGS}")
        where = Slices(path=folder / f"{stem}{POSITIONS}")
    except (OSError, KeyError, ValueError):
        return None
    return SegmentPostings(postings, where, keys, spans, complete)


def save(folder: Path, stem: str, reader: Any) -> SegmentPostings:
    """Read the common words' postings of a segment reader, save them beside the segment
    (unless the folder is read-only) and return them."""
    names = set(reader.indexed_field_names())
    complete = reader.doc_count_all() < SMALL_SEGMENT
    least = 1 if complete else MIN_RECORDS

    def entries() -> Iterator[Entry]:
        for fieldname in FIELDS:
            if fieldname not in names:
                continue
            for word, info in reader.iter_field(fieldname):
                if info.doc_frequency() >= least:
                    part, where = read(reader, fieldname, word, positions=True)
                    yield f"{fieldname}{SEPARATOR}{word.decode()}", part, where

    return write(folder, stem, entries(), complete)


def write(
    folder: Path, stem: str, entries: Iterable[Entry], complete: bool = False
) -> SegmentPostings:
    """Save words' postings (each a ``field\x1fword`` key, its postings and their positions,
    in any order) beside the segment whose files start with ``stem`` (unless the folder is
    read-only) and return them; ``complete``: every word of the segment is among them."""
    keys: list[str] = []
    parts: list[npt.NDArray[Any]] = []
    places: list[npt.NDArray[np.int32]] = []
    starts, positions = [0], [0]
    for key, part, where in entries:
        keys.append(key)
        parts.append(part)
        places.append(where)
        starts.append(starts[-1] + len(part))
        positions.append(positions[-1] + len(where))
    postings = np.concatenate(parts) if parts else np.empty(0, POSTING)
    where = np.concatenate(places) if places else np.empty(0, np.int32)
    order = np.argsort(np.array(keys, dtype=str), kind="stable")
    words = np.array(keys, dtype=str)[order] if keys else np.empty(0, dtype=str)
    spans = np.column_stack([starts[:-1], starts[1:], positions[:-1]]).astype(np.int64)[order]
    with contextlib.suppress(OSError):  # a read-only index still searches
        _write(folder / f"{stem}{POSTINGS}", lambda out: np.save(out, postings))
        _write(folder / f"{stem}{POSITIONS}", lambda out: np.save(out, where))
        _write(  # last: the directory names complete arrays
            folder / f"{stem}{WORDS}",
            lambda out: np.savez(out, keys=words, spans=spans, complete=np.array(complete)),
        )
    return SegmentPostings(Slices(postings), Slices(where), words, spans, complete)


def read(
    reader: Any, fieldname: str, text: bytes, positions: bool = False
) -> tuple[npt.NDArray[Any], npt.NDArray[np.int32]]:
    """A word's postings in one segment (deleted records included) and, when ``positions``,
    their positions one after another (their counts in ``n``), read from Whoosh's blocks."""
    matcher = reader.postings(fieldname, text)
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    parts, places = [], []
    while matcher.is_active():  # a block at a time (W3LeafMatcher)
        matcher._read_ids()
        matcher._read_weights()
        block = np.zeros(len(matcher._ids), POSTING)
        block["doc"] = matcher._ids
        block["tf"] = matcher._weights
        if positions:
            matcher._read_values()
            found = [decode_positions(value) for value in matcher._values]
            block["n"] = [len(p) for p in found]
            places.append(np.fromiter(chain.from_iterable(found), np.int32))
        parts.append(block)
        matcher._next_block()
    return (
        np.concatenate(parts) if parts else np.empty(0, POSTING),
        np.concatenate(places) if places else np.empty(0, np.int32),
    )


def decode_positions(value: bytes) -> list[int]:
    """The positions a posting's value holds (Whoosh's ``Positions`` format: a count, then
    the pickled deltas)."""
    return list(accumulate(loads(value[_INT_SIZE:])))


def _write(path: Path, write: Any) -> None:
    spare = path.with_name(f".{path.name}.{os.getpid()}")  # Whoosh ignores dot files
    with spare.open("wb") as out:
        write(out)
    spare.replace(path)
