"""The rebuild's index writer: Whoosh's segment writer with the postings kept in memory.

Whoosh's writer analyses each text field into token objects, encodes every posting, puts
it into a pool that is sorted when the segment is committed, and then reads every posting's
field length back from the segment's length column. For a rebuild, :class:`BulkWriter`
keeps each field's terms in a dictionary (term → the documents holding it and their
positions, from :func:`index.analysis.word_positions`) and the field lengths in memory;
committing writes the terms in order, a postings block at a time, and saves the posting
arrays (:mod:`index.posting_arrays`) from the same data instead of reading them back. The
segment it writes is the one Whoosh's writer writes (same terms, weights, lengths and
positions), so a search reads it as any other.
"""

from __future__ import annotations

import contextlib
import gc
import zlib
from array import array
from collections.abc import Iterator, Sequence
from operator import sub
from pathlib import Path
from pickle import dumps
from typing import Any

import numpy as np
from whoosh.analysis.analyzers import CompositeAnalyzer
from whoosh.codec.whoosh3 import (
    COMPRESSION_MIN_SIZE,
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3PostingsWriter,
    W3Segment,
)
from whoosh.formats import Positions
from whoosh.system import emptybytes, pack_uint
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from index import posting_arrays
from index.analysis import WordTokenizer, word_positions

# A text field term's postings: the documents holding it (ascending), how many times each
# holds it, and all their positions one document after another. Numbers are held in flat
# arrays, not an object per posting: a segment of a big rebuild holds millions of postings,
# and every object made is one more to free.
Positional = tuple["array[int]", "array[int]", "array[int]"]
# Any other indexed field's postings: the documents and each one's (weight, value) pair
Valued = tuple["array[int]", list[tuple[float, bytes]]]
Saved = tuple[str, Positional]  # a posting arrays' word and its postings
MEMO = 100_000  # field values whose terms are remembered
# zlib level of the postings blocks a rebuild writes: level 1 saves ~4 % of a rebuild's CPU
# time against Whoosh's 3 for a 0.9 % bigger index (10k records); a block records its level
COMPRESSION = 1
# Pickle protocol of a postings block's data: 5 writes each posting's value as raw bytes,
# where Whoosh's 2 writes a call to ``codecs.encode`` of a latin-1 string (half the time,
# 40 % smaller compressed, three times as fast to read back); a reader takes any protocol
DATA_PROTOCOL = 5


def _fast(field: Any) -> bool:
    """Whether a field is analysed by :func:`word_positions` (a text field of this project)."""
    analyzer = field.analyzer if field.indexed else None
    return (
        type(field.format) is Positions
        and field.format.field_boost == 1.0
        and isinstance(analyzer, CompositeAnalyzer)
        and len(analyzer.items) == 1
        and isinstance(analyzer.items[0], WordTokenizer)
        and field.scorable
        and not field.separate_spelling()
        and not field.vector
    )


class BulkWriter(SegmentWriter):
    """A segment writer for a rebuild: documents added with :meth:`add_document`, written
    with ``commit(merge=False)``; no deletions, no updates (see the module's docstring)."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        codec: Any = _BulkCodec  # Whoosh's classes are untyped
        SegmentWriter.__init__(self, ix, codec=codec(compression=COMPRESSION), **kwargs)
        self._fast = {name: _fast(field) for name, field in self.schema.items()}
        self._terms: dict[str, dict[str, Any]] = {}  # field → term → its postings
        self._lengths: dict[str, dict[int, int]] = {}  # field → document → length (as saved)
        self._saved: tuple[list[Saved], bool] | None = None  # the posting arrays' words
        self._memo: dict[tuple[str, Any], list[tuple[str, int, float, bytes]]] = {}

    def add_document(self, **fields: Any) -> None:
        """Add one document (the fields Whoosh's ``add_document`` takes, without boosts)."""
        me: Any = self  # Whoosh's methods are untyped
        me._check_state()
        perdoc = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        names = sorted(name for name in fields if not name.startswith("_"))
        me._check_fields(schema, names)
        perdoc.start_doc(docnum)
        for name in names:
            value = fields[name]
            if value is None:
                continue
            field = schema[name]
            length = 0
            if field.indexed:
                terms = self._terms.setdefault(name, {})
                if self._fast[name]:
                    if not isinstance(value, str):
                        raise ValueError(f"{value!r} is not unicode")
                    for word, where in word_positions(value).items():
                        found = terms.get(word)
                        count = len(where)
                        if found is None:
                            terms[word] = (
                                array("I", (docnum,)),
                                array("I", (count,)),
                                array("i", where),
                            )
                        else:
                            found[0].append(docnum)
                            found[1].append(count)
                            found[2].extend(where)
                        length += count
                else:
                    for word, freq, weight, vbytes in self._analysed(name, field, value):
                        found = terms.get(word)
                        if found is None:
                            valued: Valued = (array("I"), [])
                            terms[word] = found = valued
                        found[0].append(docnum)
                        found[1].append((weight, vbytes))
                        if field.scorable:
                            length += freq
                if length:
                    self._lengths.setdefault(name, {})[docnum] = byte_to_length(
                        length_to_byte(length)
                    )
            perdoc.add_field(name, field, value if field.stored else None, length)
            column = field.column_type
            if column:
                perdoc.add_column_value(name, column, field.to_column_value(value))
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _analysed(self, name: str, field: Any, value: Any) -> list[tuple[str, int, float, bytes]]:
        """The terms Whoosh's field makes of a value (each with its frequency, weight and
        value), remembered: facet values repeat from record to record."""
        key = (name, value if isinstance(value, str) else tuple(value))
        found = self._memo.get(key)
        if found is None:
            if len(self._memo) >= MEMO:
                self._memo.clear()
            found = self._memo[key] = [
                (btext.decode("utf-8"), freq, weight, vbytes)
                for btext, freq, weight, vbytes in field.index(value)
            ]
        return found

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        writer = self.fieldwriter
        saved: list[Saved] = []
        least = (
            1
            if self.docnum - self.docbase < posting_arrays.SMALL_SEGMENT
            else posting_arrays.MIN_RECORDS
        )
        for name in sorted(self._terms):
            terms, lengths = self._terms[name], self._lengths.get(name, {})
            field = self.schema[name]
            writer.start_field(name, field)
            arrays = self._fast[name] and name in posting_arrays.FIELDS
            for word in sorted(terms):
                postings = terms[word]
                docs = postings[0]
                writer.start_term(word.encode("utf-8"))
                if self._fast[name]:
                    _, counts, places = postings
                    weights = list(map(float, counts))
                    encoded = _encoded(counts, places)
                    if arrays and len(docs) >= least:
                        saved.append((f"{name}{posting_arrays.SEPARATOR}{word}", postings))
                else:
                    weights = [weight for weight, _ in postings[1]]
                    encoded = [vbytes or emptybytes for _, vbytes in postings[1]]
                writer._postwriter.add_postings(docs, weights, encoded, lengths)
                writer.finish_term()
            writer.finish_field()
        writer.close()
        self._terms, self._lengths = {}, {}
        self._saved = saved, least == 1

    def commit(
        self, mergetype: Any = None, optimize: Any = None, merge: Any = None, **_: Any
    ) -> None:
        """Write the segment, then its posting arrays beside it (not before: assembling the
        segment's compound file takes in every file named after the segment)."""
        me: Any = super()
        me.commit(mergetype, optimize, merge)
        folder = getattr(self.storage, "folder", None)
        if folder is not None and self._saved is not None:
            saved, complete = self._saved
            order = {name: n for n, name in enumerate(posting_arrays.FIELDS)}
            saved.sort(key=lambda item: order[item[0].partition(posting_arrays.SEPARATOR)[0]])
            posting_arrays.write(
                Path(folder), self.newsegment.segment_id(), _arrays(saved), complete
            )


class _BulkCodec(W3Codec):
    """Whoosh's codec writing postings with :class:`_BlockWriter`; the segment it makes
    names Whoosh's own codec (what a reader and later writers use)."""

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> W3PostingsWriter:
        writer: Any = _BlockWriter
        made: W3PostingsWriter = writer(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )
        return made

    def new_segment(self, storage: Any, indexname: str) -> W3Segment:
        return W3Segment(W3Codec(self._blocklimit, self._compression, self._inlinelimit), indexname)


class _BlockWriter(W3PostingsWriter):
    """Whoosh's postings writer taking a term's postings a block at a time, a block's data
    pickled with :data:`DATA_PROTOCOL` (the block, its header and the term's statistics
    otherwise as Whoosh writes them)."""

    def add_postings(
        self,
        docs: Sequence[int],
        weights: list[float],
        values: list[bytes],
        lengths: dict[int, int],
    ) -> None:
        """One term's postings (what ``add_posting`` does one posting at a time): each
        block's buffer filled at once, the block written when the next one starts (the
        term's last by ``finish_postings``)."""
        me: Any = self  # Whoosh's writer is untyped
        limit = me._blocklimit
        for start in range(0, len(docs), limit):
            if start:
                self._write_block()
            end = start + limit
            block = docs[start:end]
            me._ids = array("I", block)
            me._weights = array("f", weights[start:end])
            chunk = values[start:end]
            me._values = chunk if all(chunk) else [v for v in chunk if v]
            me._maxweight = max(0, *me._weights)
            sizes = list(filter(None, map(lengths.get, block)))
            me._minlength = min(sizes, default=None)
            me._maxlength = max(sizes, default=0)

    def _write_block(self, last: bool = False) -> None:
        me: Any = self  # Whoosh's writer is untyped
        postfile = me._postfile
        if not me._blockcount:
            postfile.write(WHOOSH3_HEADER_MAGIC)
        me._terminfo.add_block(self)
        data = dumps((me._mini_ids(), me._mini_weights(), me._mini_values()), DATA_PROTOCOL)
        level = me._compression if len(data) >= COMPRESSION_MIN_SIZE else 0
        if level:
            data = zlib.compress(data, level)
        ids = me._ids
        info = (
            len(ids),
            ids[-1],
            me._maxweight,
            level,
            length_to_byte(me._minlength),
            length_to_byte(me._maxlength),
        )
        header = dumps(info, 2)  # read back from the file as a stream: as Whoosh writes it
        size = len(header) + len(data)
        postfile.write_int(-size if last else size)  # negative: the term's last block
        postfile.write(header)
        postfile.write(data)
        me._blockcount += 1
        me._new_block()


class _OnePosition(dict[int, bytes]):
    """A one-position posting's value, by its position (made when first asked for)."""

    def __missing__(self, position: int) -> bytes:
        value = self[position] = pack_uint(1) + dumps([position], 2)
        return value


ONE = _OnePosition()


def _encoded(counts: array[int], places: array[int]) -> list[bytes]:
    """Postings' values in Whoosh's ``Positions`` format: the count of positions, then their
    gaps pickled (``places``: each posting's ``counts`` positions, one after another)."""
    if len(places) == len(counts):  # one position each
        return list(map(ONE.__getitem__, places))
    one = ONE
    out = []
    start = 0
    for count in counts:
        if count == 1:
            out.append(one[places[start]])
        else:
            where = places[start : start + count]
            out.append(pack_uint(count) + dumps(list(map(sub, where, [0, *where])), 2))
        start += count
    return out


def _arrays(saved: list[Saved]) -> Iterator[posting_arrays.Entry]:
    """The posting arrays' entries (word, postings, positions) of the saved words."""
    for key, (docs, counts, places) in saved:
        part = np.zeros(len(docs), posting_arrays.POSTING)
        part["doc"] = docs
        part["tf"] = counts
        part["n"] = counts
        yield key, part, np.frombuffer(places, np.int32)


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector (reference counting still frees memory)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
